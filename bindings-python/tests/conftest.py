"""Shared fixtures: the repository's paths and sample data."""

import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cn_rules():
    return json.loads((DATA / "cn-store.rules.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cn_request():
    return json.loads((DATA / "cn-store.quote.json").read_text(encoding="utf-8"))
