"""Fixtures every test module may ask for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .browser import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module's tests (skipped without it)."""
    with chromium() as launched:
        yield launched
