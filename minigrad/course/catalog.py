"""The course's exercises, read from solutions/: which exist, where they live, which lesson teaches them.

Nothing is listed by hand. Every solution block (see `blocks.py`) names its exercise; the function around the
block supplies the exercise's docstring (goal, formula, first hint) and its first line is the title. Adding an
exercise is therefore one block in a solutions module and one test: the pytest marker, the progress table and
the stub all follow from the block.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from minigrad.course.blocks import BlockError, parse

# The lessons' titles, as their notebooks name them; a lesson missing here is shown by its number.
LESSONS = {
    0: "The activation zoo",
    1: "Autodiff you can trust: kinks, conventions and gradient checks",
    2: "Kernels: NumPy, Numba, CUDA",
    7: "Implicit neural representations",
    9: "Kolmogorov-Arnold networks",
}


def lesson_title(lesson: int) -> str:
    return f"Lesson {lesson:02d} · {LESSONS[lesson]}" if lesson in LESSONS else f"Lesson {lesson:02d}"


def root() -> Path:
    """The course's folder: $MINIGRAD_COURSE_ROOT, else the first folder holding solutions/ from the current one
    upwards (a lesson runs in lessons/), else the folder above the minigrad package."""
    if os.environ.get("MINIGRAD_COURSE_ROOT"):
        return Path(os.environ["MINIGRAD_COURSE_ROOT"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Exercise:
    """One exercise: `function` is the qualified name of the function holding its (first) block."""

    id: str
    lesson: int
    number: int
    section: str
    module: str
    function: str
    doc: str

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".") if self.doc.strip() else self.function

    @property
    def where(self) -> str:
        return f"lesson {self.lesson:02d}, {self.section}"

    @property
    def command(self) -> str:
        return f"pytest --impl exercises -m {self.id}"


def _enclosing_functions(tree: ast.Module) -> list[tuple[int, int, str, ast.AST]]:
    """(first line, last line, qualified name, node) of every function, innermost last."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((child.lineno, child.end_lineno, name, child))
                visit(child, name + ".")

    visit(tree, "")
    return found


def module_exercises(path: Path) -> list[Exercise]:
    """The exercises whose blocks are in the solutions module `path`, in block order (one entry each)."""
    text = path.read_text()
    blocks = parse(text, str(path))
    functions = _enclosing_functions(ast.parse(text, str(path)))
    lesson_prefix = path.stem[:5]
    exercises: dict[str, Exercise] = {}
    for block in blocks:
        if not block.exercise.startswith(lesson_prefix):
            raise BlockError(f"{path}:{block.begin + 1}: exercise {block.exercise} belongs to a module named "
                             f"ex{block.lesson:02d}_*.py, not {path.name}")
        around = [f for f in functions if f[0] < block.begin + 1 <= f[1]]
        if not around:
            raise BlockError(f"{path}:{block.begin + 1}: the block of {block.exercise} is not inside a function")
        _, _, name, node = around[-1]
        if block.exercise not in exercises:
            exercises[block.exercise] = Exercise(block.exercise, block.lesson, block.number, block.section,
                                                 path.stem, name, ast.get_docstring(node) or "")
    return list(exercises.values())


def solution_files(solutions: Path) -> list[Path]:
    """The modules of a solutions folder (every .py file, __init__.py included), sorted."""
    return sorted(solutions.glob("*.py"))


@lru_cache(maxsize=8)
def _exercises(solutions: Path, stamp: tuple) -> tuple[Exercise, ...]:
    found: dict[str, Exercise] = {}
    for path in solution_files(solutions):
        for exercise in module_exercises(path):
            if exercise.id in found:
                raise BlockError(f"{path}: exercise {exercise.id} is also in {found[exercise.id].module}.py")
            found[exercise.id] = exercise
    return tuple(sorted(found.values(), key=lambda e: (e.lesson, e.number)))


def exercises(solutions: Path | None = None) -> tuple[Exercise, ...]:
    """Every exercise of the course, ordered by lesson and number (empty if there is no solutions/ folder)."""
    solutions = (solutions or root() / "solutions").resolve()
    if not solutions.is_dir():
        return ()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in solution_files(solutions))
    return _exercises(solutions, stamp)


def get(exercise_id: str, solutions: Path | None = None) -> Exercise:
    """The exercise `exercise_id` (e.g. "ex01_2"); a ValueError lists the known ones otherwise."""
    known = exercises(solutions)
    for exercise in known:
        if exercise.id == exercise_id:
            return exercise
    raise ValueError(f"unknown exercise {exercise_id!r}; the course has {', '.join(e.id for e in known) or 'none'}")
