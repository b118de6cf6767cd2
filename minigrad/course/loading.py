"""Loading an exercise's module from the tree under test, with the learner's code for that exercise only.

`Tree("solutions")` loads the reference modules as they are. `Tree("exercises")` (or any folder laid out like
it) loads, for exercise ex01_3, the learner's file with every *other* block swapped for the reference answer:
a test of ex01_3 then runs the learner's ex01_3 and nothing else of theirs, so an unfinished ex01_2 in the same
file cannot fail it. Code the learner wrote outside the blocks (a function of their own, an import) is kept.

The swapped-in lines change the file's length, so the compiled code's line numbers are mapped back onto the
learner's file: a traceback through their block points at the line they wrote.
"""
from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

from minigrad.course import catalog
from minigrad.course.blocks import BlockError, Block, is_stub, parse, rewrite

NOT_STARTED, PARTLY_DONE, WRITTEN = "not started", "partly done", "written"


def _compile(text: str, path: Path, origin: list[int] | None) -> types.CodeType:
    """Compile `text` as the file `path`; `origin` maps each line to the line of `path` it stands for."""
    try:
        tree = ast.parse(text, str(path))
    except SyntaxError as error:
        if origin and error.lineno:
            error.lineno = origin[error.lineno - 1]
            error.end_lineno = None
            lines = path.read_text().splitlines()
            error.text = lines[error.lineno - 1] if error.lineno <= len(lines) else error.text
        raise
    if origin:
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) is not None:
                node.lineno = origin[node.lineno - 1]
                node.end_lineno = max(node.lineno, origin[(node.end_lineno or node.lineno) - 1])
    return compile(tree, str(path), "exec")


def _execute(name: str, path: Path, code: types.CodeType) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # dataclasses and Numba look a function's module up by name
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


class Tree:
    """The implementation a run checks: "solutions" (the reference), "exercises" (the learner's) or a folder."""

    def __init__(self, impl: str = "solutions", course_root: Path | None = None):
        self.root = (course_root or catalog.root()).resolve()
        self.solutions = self.root / "solutions"
        named = {"solutions": self.solutions, "exercises": self.root / "exercises"}
        self.path = named[impl] if impl in named else Path(impl).resolve()
        self.is_reference = self.path == self.solutions
        self._modules: dict[tuple, types.ModuleType] = {}

    def describe(self) -> str:
        try:
            shown = self.path.relative_to(Path.cwd().resolve())
        except ValueError:
            shown = self.path
        if self.is_reference:
            return f"{shown}/ (the reference answers)"
        return f"{shown}/ (each exercise's test runs your code for that exercise, the reference for the rest)"

    def exercise(self, exercise_id: str) -> catalog.Exercise:
        return catalog.get(exercise_id, self.solutions)

    def file(self, exercise_id: str) -> Path:
        return self.path / f"{self.exercise(exercise_id).module}.py"

    def _learner_blocks(self, exercise_id: str) -> tuple[str, list[Block], str, list[Block]]:
        """The learner's text and blocks, and the reference's, checked to hold the same blocks in order."""
        exercise = self.exercise(exercise_id)
        path, reference = self.file(exercise_id), self.solutions / f"{exercise.module}.py"
        if not path.is_file():
            raise FileNotFoundError(f"{path} does not exist: run `python -m minigrad.course.generate` to create the "
                                    "exercise files from solutions/")
        text, reference_text = path.read_text(), reference.read_text()
        blocks, reference_blocks = parse(text, str(path)), parse(reference_text, str(reference))
        found, expected = [b.exercise for b in blocks], [b.exercise for b in reference_blocks]
        if found != expected:
            raise BlockError(f"{path} no longer has the exercise blocks of {reference.name}: expected {expected}, "
                             f"found {found}. Keep the BEGIN/END EXERCISE lines; to start a file over, delete it and "
                             "run `python -m minigrad.course.generate`")
        return text, blocks, reference_text, reference_blocks

    def state(self, exercise_id: str) -> str:
        """NOT_STARTED (every block of the exercise is still its stub), PARTLY_DONE or WRITTEN."""
        if self.is_reference:
            return WRITTEN
        text, blocks, _, _ = self._learner_blocks(exercise_id)
        lines = text.splitlines()
        stubs = [is_stub(b, lines) for b in blocks if b.exercise == exercise_id]
        return NOT_STARTED if all(stubs) else PARTLY_DONE if any(stubs) else WRITTEN

    def module(self, exercise_id: str) -> types.ModuleType:
        """The module that holds exercise `exercise_id`, as this tree implements that exercise."""
        exercise = self.exercise(exercise_id)
        if self.is_reference:
            path = self.solutions / f"{exercise.module}.py"
            name, text, origin = f"solutions.{exercise.module}", path.read_text(), None
            key: tuple = (path, text)
        else:
            path = self.file(exercise_id)
            text, blocks, reference_text, reference_blocks = self._learner_blocks(exercise_id)
            key = (path, exercise_id, text, reference_text)
            reference_lines = reference_text.splitlines()
            composed = rewrite(text, blocks, lambda i, block: None if block.exercise == exercise_id
                               else reference_blocks[i].body(reference_lines))
            name, text, origin = f"{self.path.name}.{exercise.module}.{exercise_id}", composed.text, composed.origin
        if key not in self._modules:
            self._modules[key] = _execute(name, path, _compile(text, path, origin))
        return self._modules[key]
