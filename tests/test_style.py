"""The code stays lint-clean and formatted; the library stays free of streamlit (banned-api)."""

import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def ruff() -> str:
    """The ruff executable; a test dependency, so its absence fails rather than skips."""
    path = shutil.which("ruff")
    if path is None:
        pytest.fail("ruff is not installed: pip install -r requirements-dev.txt", pytrace=False)
    return path


def test_ruff_check_is_clean(ruff):
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_as_it_is(ruff):
    result = subprocess.run(
        [ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
