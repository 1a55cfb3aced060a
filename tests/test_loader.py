from pathlib import Path

import pytest

from mkdocs_mltrl.core import LoadError, load_file, parse_text, yaml_errors, yaml_loader


def test_yaml_12_scalars_stay_text():
    doc = parse_text(
        "d: 2021-05-10\nyes_: yes\nno_: no\non_: on\noff_: off\nt: true\nn: null\ni: 12\nf: 1.5\nh: 0x1F\ne: ''\n"
    )
    assert doc.data == {
        "d": "2021-05-10",
        "yes_": "yes",
        "no_": "no",
        "on_": "on",
        "off_": "off",
        "t": True,
        "n": None,
        "i": 12,
        "f": 1.5,
        "h": 31,
        "e": "",
    }


def test_positions_of_keys_and_values_are_one_based():
    doc = parse_text("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert doc.positions.of_value(("a",)) == yaml_loader.Position(1, 4)
    assert doc.positions.of_key(("b",)) == yaml_loader.Position(2, 1)
    assert doc.positions.of_value(("b", 0)) == yaml_loader.Position(3, 5)
    assert doc.positions.of_value(("b", 1, "c")) == yaml_loader.Position(4, 9)
    # a path that does not exist falls back to its nearest ancestor
    assert doc.positions.of_value(("b", 1, "missing")) == yaml_loader.Position(4, 5)


def test_raw_text_of_numbers_is_kept_for_messages():
    doc = parse_text("v: 1.0\n")
    assert doc.positions.raw[("v",)] == "1.0"


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a: 1\nb: 2\na: 3\n", yaml_errors.YAML_DUPLICATE_KEY, 3, 1),
        ("a: &x [1]\nb: *x\n", yaml_errors.YAML_ALIAS, 1, 4),
        ("a: [1]\nb: *x\n", yaml_errors.YAML_ALIAS, 2, 4),
        ("a: !!python/object/apply:os.system [ls]\n", yaml_errors.YAML_TAG, 1, 4),
        ("a: !custom x\n", yaml_errors.YAML_TAG, 1, 4),
        ("a: 1\n---\nb: 2\n", yaml_errors.YAML_MULTIPLE_DOCUMENTS, 2, 1),
        ("a: [1, 2\nb: 3\n", yaml_errors.YAML_SYNTAX, 2, 2),
        ("a:\n\tb: 1\n", yaml_errors.YAML_SYNTAX, 2, 1),
        ("", yaml_errors.YAML_EMPTY, 1, 1),
        ("# only a comment\n\n", yaml_errors.YAML_EMPTY, 1, 1),
        ("a: 1\nb: x\x00y\n", yaml_errors.YAML_SYNTAX, 2, 5),
        ("? [a]\n: 1\n", yaml_errors.YAML_KEY, 1, 3),
        ('a: 1\nb: "x\\0y"\n', yaml_errors.YAML_CONTROL_CHARACTER, 2, 4),
        ('a: "\\x1b[31m"\n', yaml_errors.YAML_CONTROL_CHARACTER, 1, 4),
    ],
)
def test_refusals_are_positioned(text, code, line, column):
    with pytest.raises(LoadError) as caught:
        parse_text(text)
    assert (caught.value.code, caught.value.line, caught.value.column) == (code, line, column)


def test_tab_indentation_says_so():
    with pytest.raises(LoadError, match="tabs are not allowed"):
        parse_text("a:\n  b: 1\n\tc: 2\n")


def test_alias_bomb_is_refused_at_the_first_anchor():
    bomb = "a: &a [x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    with pytest.raises(LoadError) as caught:
        parse_text(bomb)
    assert caught.value.code == yaml_errors.YAML_ALIAS and caught.value.line == 1


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(LoadError) as caught:
        parse_text("a: " + "[" * 500 + "]" * 500 + "\n")
    assert caught.value.code == yaml_errors.YAML_TOO_DEEP


def test_file_over_one_mebibyte_is_refused_unread(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (5 * 1024 * 1024))
    with pytest.raises(LoadError) as caught:
        load_file(big)
    assert caught.value.code == yaml_errors.YAML_TOO_LARGE
    assert "5,242,883 bytes" in caught.value.message


def test_non_utf8_bytes_are_located(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: ok\nowner: Zo\u00eb\n".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert (caught.value.code, caught.value.line, caught.value.column) == (yaml_errors.YAML_ENCODING, 2, 10)


def test_utf8_bom_and_unicode_are_fine(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Zo\u00eb \U0001f680\n".encode())
    assert load_file(path).data == {"name": "Zo\u00eb \U0001f680"}


def test_explicit_core_tags_are_allowed():
    assert parse_text("a: !!str 12\nb: !!float 1\n").data == {"a": "12", "b": 1.0}


def test_test_helper_writes_yaml_12_strings():
    from .cards import dump

    assert parse_text(dump({"id": "08", "v": "1.0", "t": "true", "n": "null", "s": "text"})).data == {
        "id": "08", "v": "1.0", "t": "true", "n": "null", "s": "text"
    }  # fmt: skip


NOT_FINITE = [
    ("a: .nan\n", 1, 4),
    ("a: .NaN\n", 1, 4),
    ("a: .inf\n", 1, 4),
    ("a: -.Inf\n", 1, 4),
    ("a: +.INF\n", 1, 4),
    ("a: 1e400\n", 1, 4),
    ("a: -2.5E+309\n", 1, 4),
    ("a: " + "9" * 400 + "\n", 1, 4),
    ("a: " + "1" * 5000 + "\n", 1, 4),  # beyond Python's own digit limit: still a finding
    ("a: 0x" + "f" * 300 + "\n", 1, 4),
    ("a: 0o" + "7" * 400 + "\n", 1, 4),
    ("a: !!float .nan\n", 1, 4),
    ("a: !!float 1e999\n", 1, 4),
    ("a:\n  - 1\n  - [2, {b: .inf}]\n", 3, 13),
    ("a: {b: [.nan]}\n", 1, 9),
]


@pytest.mark.parametrize("positions", [True, False])
@pytest.mark.parametrize(("text", "line", "column"), NOT_FINITE)
def test_numbers_must_be_finite_on_every_path(text: str, line: int, column: int, positions: bool):
    with pytest.raises(LoadError) as raised:
        parse_text(text, positions=positions)
    assert (raised.value.code, raised.value.line, raised.value.column) == ("YAML014", line, column)
    assert "must be finite" in raised.value.message


def test_finite_numbers_and_look_alike_text_stay():
    doc = parse_text(
        'a: 1.7976931348623157e308\nb: "1e400"\nc: nan\nd: .nanx\ne: inf\nf: 0x1F\ng: -0.0\nh: ' + "9" * 300 + "\n"
    )
    assert doc.data["a"] == 1.7976931348623157e308
    assert doc.data["b"] == "1e400" and doc.data["c"] == "nan" and doc.data["d"] == ".nanx" and doc.data["e"] == "inf"
    assert doc.data["f"] == 31 and doc.data["h"] == int("9" * 300)


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_raw_yaml_11_line_breaks_are_refused(char: str):
    with pytest.raises(LoadError) as raised:
        parse_text(f"a: 1\nb: x{char}y\n")
    assert (raised.value.code, raised.value.line, raised.value.column) == ("YAML013", 2, 5)
    assert parse_text('b: "x\\L\\P"\n').data == {"b": "x\u2028\u2029"}  # written as escapes, they are read
