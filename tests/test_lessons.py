"""The lessons: committed without outputs, each runs headless in its quick version, the runner names failures."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from minigrad import lessons
from minigrad.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = lessons.lessons()


def test_there_are_lessons_and_the_readme_maps_each_one():
    assert [p.stem[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(len(NOTEBOOKS))]
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"lessons/{path.name}" in readme, f"the README's lesson map does not link {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lessons_are_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {i} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_runs_in_quick_mode_with_figures_and_no_warnings(path, tmp_path):
    result = lessons.run(path, tmp_path, quick=True, progress=False, html=False)
    executed = nbformat.read(result.notebook, as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} drew no figure"
    warnings = [o["text"] for o in outputs if o.get("name") == "stderr" and re.search(r"Warning|Error", o["text"])]
    assert not warnings, f"{path.name} printed warnings:\n" + "\n".join(warnings)
    assert not list(path.parent.glob("*.png")), "a lesson wrote files into lessons/"


def _notebook(folder: Path, name: str, sources: list[str]) -> Path:
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def test_a_failing_lesson_is_named_with_its_cell(tmp_path):
    path = _notebook(tmp_path, "07_broken.ipynb", ["x = 1", "raise ValueError('boom in the second cell')", "y = 2"])
    with pytest.raises(lessons.LessonError, match=r"07_broken.ipynb failed in code cell 2 of 3(.|\n)*boom"):
        lessons.run(path, tmp_path / "out", progress=False, html=False)


def test_quick_mode_reaches_the_notebook_and_is_restored(tmp_path, monkeypatch):
    monkeypatch.delenv(lessons.QUICK_ENV, raising=False)
    path = _notebook(tmp_path, "08_quick.ipynb", ["from minigrad.lessons import quick_mode\nassert quick_mode()"])
    lessons.run(path, tmp_path / "out", quick=True, progress=False, html=False)
    assert not lessons.quick_mode()
    with pytest.raises(lessons.LessonError, match="AssertionError"):
        lessons.run(path, tmp_path / "out", quick=False, progress=False, html=False)


def test_the_kernel_imports_the_minigrad_that_runs_the_lessons(tmp_path, monkeypatch):
    # another minigrad earlier on the path (as a stale install of a moved copy of the course would be) loses
    stale = tmp_path / "elsewhere" / "minigrad"
    stale.mkdir(parents=True)
    (stale / "__init__.py").write_text("")
    monkeypatch.setenv("PYTHONPATH", str(stale.parent))
    root = str(Path(lessons.__file__).resolve().parent.parent)
    check = f"import minigrad, pathlib\nassert pathlib.Path(minigrad.__file__).parent.parent == pathlib.Path({root!r})"
    lessons.run(_notebook(tmp_path, "09_path.ipynb", [check]), tmp_path / "out", progress=False, html=False)
    assert os.environ["PYTHONPATH"] == str(stale.parent)


def test_lessons_are_chosen_by_number_or_name():
    first = NOTEBOOKS[0]
    assert lessons.lessons(["00"]) == [first] == lessons.lessons([first.stem])
    with pytest.raises(ValueError, match="no lesson '99'; the lessons are"):
        lessons.lessons(["99"])


def test_the_command_line_reports_an_unknown_lesson(capsys):
    assert main(["lessons", "--only", "99"]) == 2
    assert "no lesson '99'" in capsys.readouterr().err
