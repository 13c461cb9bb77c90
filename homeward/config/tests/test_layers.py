"""The import contracts (.importlinter, run by make lint) hold, and catch an arrow the wrong way."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own tool on our own files
        [str(LINT_IMPORTS), "--no-cache", str(tree / ".importlinter")],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    shutil.copytree(
        ROOT / "homeward", tmp_path / "homeward", ignore=shutil.ignore_patterns("static")
    )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_layers_hold(copy_of_the_code):
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_way", "contract"),
    [
        ("core/clock.py", "import homeward.children.models", "core imports no Homeward app"),
        ("web/paging.py", "import homeward.access.rules", "import nothing of Homeward but core"),
        ("panel/views.py", "import homeward.episodes.views", "no view imports another app's view"),
        ("episodes/selectors.py", "import homeward.reports.figures", "never import reports"),
    ],
)
def test_an_import_the_wrong_way_breaks_a_contract(copy_of_the_code, module, wrong_way, contract):
    path = copy_of_the_code / "homeward" / module
    path.write_text(path.read_text() + f"\n{wrong_way}  # noqa\n")
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert contract in result.stdout.split("Broken contracts")[1]
