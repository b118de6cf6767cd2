"""Generate exercises/ from solutions/: `python -m minigrad.course.generate [--check] [--force]`.

solutions/ is the one source of truth. Each of its modules becomes the module of the same name in exercises/,
every solution block replaced by its stub (see `blocks.py`), under a two-line header that records a digest of
the generated text. The digest tells a file as generated from one a learner has edited, and an edited file is
never overwritten: the new version is written beside it (`ex01_autodiff.py.new`, with the learner's blocks
carried over) and the command says so. `--check` writes nothing and exits 1 if exercises/ is out of date.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from minigrad.course import catalog
from minigrad.course.blocks import BlockError, parse, rewrite, strip

HEADER_LINES = 2
DIGEST = re.compile(r"generated-digest: ([0-9a-f]{16})")


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def exercise_text(solution: Path) -> str:
    """The exercises/ version of the solutions module `solution`: the header, then the module with stubs."""
    body = strip(solution.read_text(), str(solution))
    return (f"# Generated from solutions/{solution.name} by `python -m minigrad.course.generate`: write your code\n"
            f"# between the BEGIN/END EXERCISE lines. generated-digest: {_digest(body)}\n") + body


def is_generated(text: str) -> bool:
    """True if `text` is exactly what the generator wrote (its digest matches), i.e. no learner edits."""
    lines = text.splitlines(keepends=True)
    found = DIGEST.search("".join(lines[:HEADER_LINES]))
    return bool(found) and found[1] == _digest("".join(lines[HEADER_LINES:]))


def carry_over(learner: str, new: str, filename: str) -> str:
    """`new` with each block body taken from the learner's file where it has the same exercise id, in order."""
    learner_blocks, new_blocks = parse(learner, filename), parse(new, filename)
    bodies: dict[str, list[list[str]]] = {}
    for block in learner_blocks:
        bodies.setdefault(block.exercise, []).append(block.body(learner.splitlines()))
    return rewrite(new, new_blocks, lambda i, block: bodies[block.exercise].pop(0) if bodies.get(block.exercise)
                   else None).text


@dataclass(frozen=True)
class Action:
    """What the generator does with one exercises/ file: `kind` is created, updated, unchanged, kept (a learner's
    edits, nothing new), beside (a learner's edits, the new version written next to them) or orphan."""

    kind: str
    path: Path
    text: str | None = None

    def message(self, shown: Path) -> str:
        name = self.path.relative_to(shown) if self.path.is_relative_to(shown) else self.path
        return {
            "created": f"created {name}",
            "updated": f"updated {name}",
            "unchanged": f"unchanged {name}",
            "kept": f"kept {name}: it has your edits, and nothing changed in its solution",
            "beside": f"NOT overwritten {name}: it has your edits. The new version, with your answers carried over, "
                      f"is {name}.new; compare the two and move it over your file when ready (or rerun with --force "
                      "to overwrite yours)",
            "forced": f"overwrote {name} (--force): your edits in it are gone",
            "orphan": f"left alone {name}: solutions/ has no module of that name",
        }[self.kind]


def plan(solutions: Path, exercises: Path, force: bool = False) -> list[Action]:
    """The action for every file, without writing anything."""
    actions = []
    names = set()
    for solution in catalog.solution_files(solutions):
        names.add(solution.name)
        target, new = exercises / solution.name, exercise_text(solution)
        if not target.exists():
            actions.append(Action("created", target, new))
            continue
        old = target.read_text()
        if old == new:
            actions.append(Action("unchanged", target))
        elif is_generated(old):
            actions.append(Action("updated", target, new))
        elif force:
            actions.append(Action("forced", target, new))
        else:
            try:
                same = strip(old, str(target)) == new  # only the blocks were edited
                beside = None if same else carry_over(old, new, str(target))
            except BlockError:
                same, beside = False, new
            actions.append(Action("kept", target) if same else Action("beside", target, beside))
    actions += [Action("orphan", path) for path in sorted(exercises.glob("*.py")) if path.name not in names]
    return actions


def apply(actions: list[Action]) -> None:
    for action in actions:
        if action.text is None:
            continue
        path = action.path.with_name(action.path.name + ".new") if action.kind == "beside" else action.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(action.text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigrad.course.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="the course folder (default: found from the current folder)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if exercises/ is out of date")
    parser.add_argument("--force", action="store_true", help="also overwrite files that hold a learner's edits")
    args = parser.parse_args(argv)
    root = (args.root or catalog.root()).resolve()
    actions = plan(root / "solutions", root / "exercises", args.force)
    stale = [a for a in actions if a.kind not in ("unchanged", "kept", "orphan")]
    if args.check:
        for action in stale:
            print(f"out of date: {action.path.relative_to(root)} (run python -m minigrad.course.generate)")
        return 1 if stale else 0
    apply(actions)
    for action in actions:
        if action.kind != "unchanged":
            print(action.message(root))
    print(f"exercises/: {len(actions)} files, {len(stale)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
