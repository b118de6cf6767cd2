"""The lesson runner: execute the course's notebooks headless, keep the executed copies with their figures.

    python -m minigrad lessons                 every lesson, full size
    python -m minigrad lessons --only 01       one lesson (by number or name)
    python -m minigrad lessons --quick         every lesson shrunk to a quick run (what the tests do)

Each lesson reads one switch, `quick_mode()`, and shrinks its experiments when it is on: the runner turns it on
by setting the environment variable MINIGRAD_QUICK=1 for the notebook's kernel. Executed notebooks (and HTML
pages, when nbconvert is installed) go to a build folder; the lessons/ folder itself is never written, so the
committed notebooks stay free of outputs.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

QUICK_ENV = "MINIGRAD_QUICK"
COURSE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding this minigrad package and lessons/
LESSONS_DIR = COURSE_ROOT / "lessons"


def quick_mode() -> bool:
    """True when the lesson should run its quick version (set by `python -m minigrad lessons --quick`)."""
    return os.environ.get(QUICK_ENV, "") == "1"


class LessonError(RuntimeError):
    """A lesson failed: says which lesson, which cell, and what the cell raised."""


@dataclass(frozen=True)
class Result:
    lesson: Path
    notebook: Path
    html: Path | None
    seconds: float


def lessons(only: list[str] | None = None, folder: Path = LESSONS_DIR) -> list[Path]:
    """The lesson notebooks in course order; `only` picks lessons by number ("01") or by name."""
    if not folder.is_dir():
        raise FileNotFoundError(f"no lessons folder at {folder}: run the lessons from a clone of the course")
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not only:
        return found
    chosen = []
    for key in only:
        matches = [p for p in found if p.stem == key or p.stem.split("_", 1)[0] == key]
        if not matches:
            raise ValueError(f"no lesson {key!r}; the lessons are: {', '.join(p.stem for p in found)}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def run(path: Path, out_dir: Path, quick: bool = False, timeout: int = 1800, progress: bool = True,
        html: bool = True) -> Result:
    """Execute one lesson in a fresh kernel (working directory: the lessons folder), write the executed copy."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from minigrad.plotting import progress as progress_bar

    notebook = nbformat.read(path, as_version=4)
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    bar = progress_bar(total=len(code_cells), enabled=progress, desc=path.stem, unit="cell")
    start = time.perf_counter()
    with _kernel_environment(quick), tempfile.TemporaryDirectory(prefix="minigrad-kernel-") as sockets:
        # a local socket instead of TCP: no port to open, and no warning about unencrypted TCP from the kernel
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
        client = NotebookClient(notebook, km=kernel, timeout=timeout,
                                resources={"metadata": {"path": str(path.parent)}},
                                on_cell_executed=lambda **_: bar.update())
        try:
            client.execute()
        except CellExecutionError as error:
            cell = _failed_cell(notebook)
            raise LessonError(f"lesson {path.name} failed in code cell {code_cells.index(cell) + 1} of "
                              f"{len(code_cells)} (cell #{cell} of the notebook):\n{_plain(str(error))}") from None
        finally:
            bar.close()
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / path.name
    nbformat.write(notebook, executed)
    return Result(path, executed, _write_html(notebook, out_dir / f"{path.stem}.html") if html else None, seconds)


def _failed_cell(notebook) -> int:
    """The index of the cell whose outputs hold the error (nbclient stops at the first one)."""
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    raise AssertionError("a cell failed but none holds an error output")


def _plain(text: str) -> str:
    """Text without the terminal colour codes IPython puts in tracebacks."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@contextmanager
def _kernel_environment(quick: bool) -> Iterator[None]:
    """The environment a lesson's kernel starts with (restored afterwards): MINIGRAD_QUICK, and this course's
    folder first on PYTHONPATH, so that the kernel imports the minigrad that runs the lessons, not one that an
    earlier `pip install -e` of a moved or deleted copy of the course points to."""
    saved = {name: os.environ.get(name) for name in (QUICK_ENV, "PYTHONPATH")}
    os.environ[QUICK_ENV] = "1" if quick else "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(COURSE_ROOT), saved["PYTHONPATH"]]))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _write_html(notebook, path: Path) -> Path | None:
    try:
        from nbconvert import HTMLExporter
    except ImportError:  # HTML is a convenience: the executed .ipynb holds the same outputs
        return None
    body, _ = HTMLExporter().from_notebook_node(notebook)
    path.write_text(body, encoding="utf-8")
    return path


def run_all(only: list[str] | None, out_dir: Path, quick: bool, progress: bool = True,
            html: bool = True) -> list[Result]:
    """Every chosen lesson in order; stops at the first failure (a LessonError naming the lesson and cell)."""
    return [run(path, out_dir, quick=quick, progress=progress, html=html) for path in lessons(only)]
