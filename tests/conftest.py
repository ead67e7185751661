"""Shared fixtures: paths to the bundled example offices and the test fixtures folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def small_office() -> Path:
    """The small example office shipped in config/."""
    return ROOT / "config" / "small-office.yaml"


@pytest.fixture
def fixtures() -> Path:
    """The folder of small YAML fixtures."""
    return FIXTURES
