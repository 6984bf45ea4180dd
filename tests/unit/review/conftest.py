"""The programmes and review units review's rule tests read: the documents shipped in
deploy/, loaded once per session (they are read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.rules.programme_parser import load_programmes
from review.rules.programmes import Programme
from review.rules.units import UnitDirectory, load_units

ROOT = Path(__file__).resolve().parents[3]
PROGRAMMES_DIR = ROOT / "deploy" / "programmes"
UNITS_FILE = ROOT / "deploy" / "units" / "hunan.yaml"


@pytest.fixture(scope="session")
def programmes() -> dict[str, Programme]:
    return load_programmes(PROGRAMMES_DIR)


@pytest.fixture(scope="session")
def hunan(programmes: dict[str, Programme]) -> Programme:
    return programmes["hunan-2020-little-giant"]


@pytest.fixture(scope="session")
def hengyang(programmes: dict[str, Programme]) -> Programme:
    return programmes["hengyang-2020-seed"]


@pytest.fixture(scope="session")
def innovative(programmes: dict[str, Programme]) -> Programme:
    """The 2022 创新型中小企业 programme, the one with a scoring rubric."""
    return programmes["hunan-2022-innovative-sme"]


@pytest.fixture(scope="session")
def units() -> UnitDirectory:
    return load_units(UNITS_FILE)


@pytest.fixture(scope="session")
def specialised(programmes: dict[str, Programme]) -> Programme:
    """The 2022 专精特新中小企业 programme: pins MIIT's 2022 rule set."""
    return programmes["hunan-2022-specialised-sme"]
