"""`mkdocs serve`: edits to cards and templates rebuild; a broken card is reported and recovered."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .cards import complete_card, dump, history
from .site import make_site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, root: Path, command: tuple[str, ...] = ("mkdocs", "serve", "--livereload")) -> None:
        self.port = _free_port()
        self.log: list[str] = []
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", *command, "-a", f"127.0.0.1:{self.port}"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as response:
            return response.read().decode()

    def wait_for(self, check: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "server stopped:\n" + "".join(self.log)
            try:
                if check():
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}:\n" + "".join(self.log[-40:]))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    (tmp_path / "overrides").mkdir()
    make_site(tmp_path, [complete_card("S1", level=1, name="First name", history=history(("2021-01-01", "start", 1)))],
              plugin={"templates_dir": "overrides"})  # fmt: skip
    running = Server(tmp_path)
    try:
        running.wait_for(lambda: "First name" in running.get("cards/S1/"), "the first build")
        yield running, tmp_path
    finally:
        running.process.terminate()
        try:
            running.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            running.process.kill()


def test_edit_break_and_fix_a_card_while_serving(server: tuple[Server, Path]):
    running, root = server
    card_file = root / "cards" / "S1.yaml"
    good = complete_card("S1", level=1, name="Second name", history=history(("2021-01-01", "start", 1)))
    card_file.write_text(dump(good))
    running.wait_for(lambda: "Second name" in running.get("cards/S1/"), "the edited card")

    card_file.write_text(dump(good).replace("level: 1", "level: 12"))
    running.wait_for(
        lambda: any("level: 12 is greater than the maximum of 9" in line for line in running.log), "the error"
    )
    assert running.process.poll() is None  # reported, and the server keeps running
    assert not any("Traceback" in line and "mkdocs_mltrl" in line for line in running.log)

    good["name"] = "Third name"
    card_file.write_text(dump(good))
    running.wait_for(lambda: "Third name" in running.get("cards/S1/"), "the recovered card")


def test_new_card_and_template_change_rebuild(server: tuple[Server, Path]):
    running, root = server
    (root / "cards" / "S2.yaml").write_text(
        dump(complete_card("S2", level=1, name="Brand new", history=history(("2021-01-01", "start", 1))))
    )
    running.wait_for(lambda: "Brand new" in running.get("cards/"), "the new card in the index")
    (root / "overrides" / "index.html").write_text(
        '<div class="mltrl"><h1 id="trl-cards">Overridden {{ cards | length }}</h1></div>'
    )
    running.wait_for(lambda: "Overridden 2" in running.get("cards/"), "the template change")
    assert not list((root / "docs").glob("cards*"))


def _status(running: Server, path: str) -> int:
    try:
        running.get(path)
    except urllib.error.HTTPError as exc:
        return exc.code
    return 200


def _card_text(card_id: str, name: str) -> str:
    return dump(complete_card(card_id, level=1, name=name, history=history(("2021-01-01", "start", 1))))


def _logged(running: Server, text: str, after: int) -> bool:
    return any(text in line for line in running.log[after:])


def test_a_half_written_card_is_reported_and_recovered(server: tuple[Server, Path]):
    running, root = server
    text = _card_text("S1", "Written in full")
    card_file = root / "cards" / "S1.yaml"
    mark = len(running.log)
    with card_file.open("w") as handle:  # an editor that writes the file in two goes
        handle.write(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n  - [unfinished")
        handle.flush()
        running.wait_for(lambda: _logged(running, "cards/S1.yaml:", mark), "the half-written card's error")
        handle.write("]\n")
    assert running.process.poll() is None
    card_file.write_text(text)
    running.wait_for(lambda: "Written in full" in running.get("cards/S1/"), "the card written in full")
    assert not any("Traceback" in line for line in running.log)


def test_deleted_and_renamed_cards_update_the_site(server: tuple[Server, Path]):
    running, root = server
    cards = root / "cards"
    (cards / "S2.yaml").write_text(_card_text("S2", "Second card"))
    running.wait_for(lambda: "Second card" in running.get("cards/"), "the second card")

    (cards / "S2.yaml").unlink()
    running.wait_for(lambda: _status(running, "cards/S2/") == 404, "the deleted card's page to go")
    assert "Second card" not in running.get("cards/")

    (cards / "S1.yaml").rename(cards / "renamed-file.yaml")  # the same card in another file
    running.wait_for(lambda: "First name" in running.get("cards/S1/"), "the card under its new file name")
    (cards / "renamed-file.yaml").write_text(_card_text("S9", "Renamed id"))  # a new id: a new page
    running.wait_for(lambda: _status(running, "cards/S1/") == 404, "the old id's page to go")
    assert "Renamed id" in running.get("cards/S9/")
    assert running.process.poll() is None and not any("Traceback" in line for line in running.log)


def test_many_cards_added_at_once(server: tuple[Server, Path]):
    running, root = server
    count = 120
    for i in range(count):  # written as fast as a checkout writes them, while the server watches
        (root / "cards" / f"M{i:03d}.yaml").write_text(_card_text(f"M{i:03d}", f"Many {i:03d}"))
    running.wait_for(lambda: running.get("cards/").count("Many ") >= count, "every new card in the index")
    assert "Many 119" in running.get("cards/M119/")
    assert not any("Traceback" in line for line in running.log)


def test_odd_file_system_entries_while_serving_are_findings(server: tuple[Server, Path]):
    running, root = server
    cards = root / "cards"
    mark = len(running.log)
    os.mkfifo(cards / "pipe.yaml")
    os.symlink("loop.yaml", cards / "loop.yaml")
    running.wait_for(
        lambda: (
            _logged(running, "cards/pipe.yaml:1:1: error IO004", mark)
            and _logged(running, "cards/loop.yaml:1:1: error IO002", mark)
        ),
        "the findings of the pipe and the loop",
    )
    assert running.process.poll() is None
    (cards / "pipe.yaml").unlink()
    (cards / "loop.yaml").unlink()
    (cards / "S1.yaml").write_text(_card_text("S1", "Back again"))
    running.wait_for(lambda: "Back again" in running.get("cards/S1/"), "the site after the entries went")
    assert not any("Traceback" in line for line in running.log)
