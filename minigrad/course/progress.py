"""`python -m minigrad progress`: where the learner stands, exercise by exercise.

An exercise whose blocks all still hold their stubs is "not started" (read from the file, nothing runs). The
others are checked by their tests, run in this process (`pytest --impl exercises -m "ex01_1 or ..."`): "done"
when every test passes, else "failing" with the first failed assertion. The table is grouped by lesson and
ends with the next step to take. `python -m minigrad.course.progress --json --all` gives the same as data, for
every exercise, started or not (the course's own tests use it to prove that every stub fails its tests).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import TextIO

from minigrad.course import catalog
from minigrad.course.loading import NOT_STARTED, Tree

DONE, FAILING = "done", "failing"


@dataclass
class TestResult:
    nodeid: str
    outcome: str
    message: str = ""


@dataclass
class Status:
    exercise: catalog.Exercise
    state: str
    detail: str = ""
    tests: list[TestResult] = field(default_factory=list)


class _Collector:
    """A pytest plugin that keeps each test's outcome under its exercise marker."""

    def __init__(self, exercise_ids: set[str]):
        self.ids = exercise_ids
        self.results: dict[str, list[TestResult]] = {}

    def pytest_runtest_logreport(self, report) -> None:
        if report.when != "call" and report.passed:
            return
        if report.when == "teardown" and report.skipped:
            return
        exercise = next((k for k in report.keywords if k in self.ids), None)
        if exercise is None:
            return
        message = ""
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash else str(report.longrepr)
            message = message.removeprefix("AssertionError: ").splitlines()[0] if message else "failed"
        self.results.setdefault(exercise, []).append(TestResult(report.nodeid, report.outcome, message))


def run_tests(tree: Tree, exercise_ids: list[str]) -> dict[str, list[TestResult]]:
    """Run the tests of these exercises against `tree`, in this process; each exercise's test results."""
    import pytest

    if not exercise_ids:
        return {}
    collector = _Collector(set(exercise_ids))
    args = [str(tree.root / "tests" / "exercises"), "--impl", str(tree.path), "-m", " or ".join(exercise_ids),
            "-q", "--no-header", "-p", "no:cacheprovider"]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = pytest.main(args, plugins=[collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"the exercise tests could not run (pytest exit code {int(code)}):\n{output.getvalue()}")
    return collector.results


def statuses(impl: str = "exercises", run_all: bool = False) -> list[Status]:
    """Every exercise's status in the tree `impl`; with run_all, the tests of unstarted exercises run too."""
    tree = Tree(impl)
    exercises = catalog.exercises(tree.solutions)
    started = {}
    for exercise in exercises:
        try:
            started[exercise.id] = tree.state(exercise.id) != NOT_STARTED
        except (OSError, ValueError):
            started[exercise.id] = True  # a missing or broken file: its tests say what is wrong
    results = run_tests(tree, [e.id for e in exercises if run_all or started[e.id]])
    found = []
    for exercise in exercises:
        tests = results.get(exercise.id, [])
        failed = [t for t in tests if t.outcome == "failed"]
        if not started[exercise.id]:
            found.append(Status(exercise, NOT_STARTED, "", tests))
        elif not tests:
            found.append(Status(exercise, FAILING, "no test checks this exercise", tests))
        else:
            found.append(Status(exercise, FAILING if failed else DONE, failed[0].message if failed else "", tests))
    return found


def _next_step(found: list[Status], tree: Tree) -> str:
    """Fix the first failing exercise, else start the first one not started."""
    failing = [s for s in found if s.state == FAILING]
    pending = failing or [s for s in found if s.state == NOT_STARTED]
    if not pending:
        return f"All {len(found)} exercises done."
    exercise = pending[0].exercise
    where = f"{exercise.function} in {tree.path.name}/{exercise.module}.py ({exercise.where})"
    if failing:
        return f"Next: fix {exercise.id}, {where}, then check it with\n    {exercise.command}"
    return (f"Next: {exercise.id}, {where}. Read its docstring, replace the stub, then check it with\n"
            f"    {exercise.command}")


def table(found: list[Status], tree: Tree, width: int | None = None) -> str:
    """The progress report as text: one line per exercise, grouped by lesson, then the next step."""
    width = width or max(80, shutil.get_terminal_size((120, 20)).columns)
    name_width = max((len(s.exercise.function) for s in found), default=0)
    lines = [f"Exercises in {tree.describe()}", ""]
    for lesson, group in groupby(found, key=lambda s: s.exercise.lesson):
        lines.append(catalog.lesson_title(lesson))
        for status in group:
            state = f"{status.state}: {status.detail}" if status.detail else status.state
            line = f"  {status.exercise.id:<8} {status.exercise.function:<{name_width}}  {state}"
            lines.append(line if len(line) <= width else line[:width - 3] + "...")
        lines.append("")
    counts = {state: sum(s.state == state for s in found) for state in (DONE, FAILING, NOT_STARTED)}
    lines.append(", ".join(f"{n} {state}" for state, n in counts.items()) + f" (of {len(found)}).")
    lines.append(_next_step(found, tree))
    return "\n".join(lines)


def progress_command(impl: str = "exercises", out: TextIO | None = None) -> int:
    """Print the progress table of the tree `impl` (the learner's exercises/ by default); returns 0."""
    print(table(statuses(impl), Tree(impl)), file=out or sys.stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigrad.course.progress", description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="exercises", help="the tree to check (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the statuses and every test's outcome as JSON")
    parser.add_argument("--all", action="store_true", help="also run the tests of exercises not started")
    args = parser.parse_args(argv)
    found = statuses(args.impl, args.all)
    print(json.dumps([{**asdict(s), "exercise": s.exercise.id} for s in found], indent=1) if args.json
          else table(found, Tree(args.impl)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
