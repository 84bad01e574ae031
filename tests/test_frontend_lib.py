"""The frontend's pure helpers (frontend/js/lib) under `node --test frontend/tests`."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_node_tests_of_js_lib() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "`node` is missing: install Node.js ≥ 20 (Debian: apt-get install -y nodejs) "
            "to run `node --test frontend/tests`",
            pytrace=False,
        )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    assert major >= 20, f"node {version} is too old: install Node.js ≥ 20"
    result = subprocess.run(
        [node, "--test", "frontend/tests"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    code, output = result.returncode, result.stdout + result.stderr
    assert code == 0, f"node --test frontend/tests failed:\n{output}"
