"""The pytest side of the course: `--impl`, one marker per exercise, the header, and the `exercise` fixture.

    pytest                                 the exercise tests check solutions/ (with the rest of the suite)
    pytest --impl exercises                only the exercise tests (tests/exercises), against the learner's tree
    pytest --impl exercises -m ex01_2      one exercise

A test declares its exercise with its marker (`@pytest.mark.ex01_2`) and asks for the `exercise` fixture: the
module of that exercise as the chosen tree implements it (see `loading.py`), so it exercises the learner's code
for that exercise only.
"""
from __future__ import annotations

import types
from pathlib import Path

import pytest

from minigrad.course import catalog
from minigrad.course.blocks import BlockError
from minigrad.course.loading import Tree

TREE = pytest.StashKey[Tree]()
EXERCISES = pytest.StashKey[frozenset]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--impl", default="solutions", metavar="TREE",
                     help="which answers the exercise tests check: solutions (the reference, default), exercises "
                          "(your work: only the exercise tests run) or a folder laid out like them")


def pytest_configure(config: pytest.Config) -> None:
    tree = Tree(config.getoption("--impl"))
    if not tree.path.is_dir():
        raise pytest.UsageError(f"--impl {config.getoption('--impl')}: there is no folder {tree.path} (to create "
                                "exercises/, run `python -m minigrad.course.generate`)")
    try:
        exercises = catalog.exercises(tree.solutions)
    except BlockError as error:
        raise pytest.UsageError(f"the exercise blocks of solutions/ are broken: {error}") from None
    config.stash[TREE] = tree
    config.stash[EXERCISES] = frozenset(e.id for e in exercises)
    for exercise in exercises:
        config.addinivalue_line("markers", f"{exercise.id}: {exercise.title} ({exercise.where})")


def pytest_report_header(config: pytest.Config) -> str:
    tree = config.stash[TREE]
    return f"exercises: checking {tree.describe()}" + ("" if tree.is_reference else "; only tests/exercises runs")


def exercise_of(item: pytest.Item) -> str | None:
    """The exercise a test checks, from its marker; None for the rest of the suite."""
    marks = sorted({m.name for m in item.iter_markers() if m.name in item.config.stash[EXERCISES]})
    if len(marks) > 1:
        raise pytest.UsageError(f"{item.nodeid} is marked with several exercises {marks}; give each test one")
    return marks[0] if marks else None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With a learner's tree, collect only tests/exercises: the rest of the suite checks minigrad itself."""
    tree = config.stash[TREE]
    if tree.is_reference or collection_path.suffix != ".py":
        return None
    return (tree.root / "tests" / "exercises") not in collection_path.parents or None


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> types.ModuleType:
    """The module holding this test's exercise, with the checked tree's code for that exercise."""
    exercise_id = exercise_of(request.node)
    if exercise_id is None:
        pytest.fail(f"{request.node.nodeid} uses the exercise fixture but has no exercise marker (ex01_1, ...)")
    return request.config.stash[TREE].module(exercise_id)
