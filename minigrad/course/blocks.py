"""Solution blocks: the marked regions of solutions/ that exercises/ replaces with stubs.

A block sits inside a function body, between two comment lines at the body's indentation:

    # BEGIN EXERCISE ex01_2 (§2 Topological order)
    ...the reference answer...
    # END EXERCISE ex01_2

The id names the lesson (01) and the exercise's number in it (2); the parentheses name the lesson section that
teaches it. In exercises/ the lines between the markers become a stub that raises NotImplementedError saying
which exercise it is, where it is taught and how to check it. Everything here works on text, line by line, so
that a block's lines can be swapped (stub, reference, a learner's answer) while the rest stays as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN EXERCISE (?P<id>ex(?P<lesson>\d{2})_(?P<number>[1-9]\d*)) "
                   r"\((?P<section>[^()]+)\)\s*$")
END = re.compile(r"^(?P<indent>[ \t]*)# END EXERCISE (?P<id>\S+)\s*$")
ANY_MARKER = re.compile(r"^\s*# (BEGIN|END) EXERCISE\b")


class BlockError(ValueError):
    """The BEGIN/END EXERCISE lines of a file do not pair up; the message names the file and the line."""


@dataclass(frozen=True)
class Block:
    """One marked region: `begin` and `end` are the 0-based indices of its BEGIN and END lines."""

    exercise: str
    lesson: int
    number: int
    section: str
    indent: str
    begin: int
    end: int

    def body(self, lines: list[str]) -> list[str]:
        return lines[self.begin + 1:self.end]

    def stub(self) -> list[str]:
        """The lines that stand for the answer in exercises/: one raise, naming the exercise and its section."""
        pad = self.indent + " " * len("raise NotImplementedError(")
        return [f'{self.indent}raise NotImplementedError("{self.exercise} is not done yet (lesson {self.lesson:02d}, '
                f'{self.section}): write it here,"',
                f'{pad}" then check it with `pytest --impl exercises -m {self.exercise}`")']


def parse(text: str, filename: str = "<text>") -> list[Block]:
    """Every block of `text`, in order; BlockError if a marker is malformed, unmatched or nested."""
    blocks: list[Block] = []
    open_match, open_line = None, -1
    for i, line in enumerate(text.splitlines()):
        if not ANY_MARKER.match(line):
            continue
        where = f"{filename}:{i + 1}"
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if open_match:
                raise BlockError(f"{where}: BEGIN EXERCISE {begin['id']} inside the block {open_match['id']} "
                                 f"opened on line {open_line + 1}; blocks do not nest")
            if not begin["indent"]:
                raise BlockError(f"{where}: a block must sit inside a function body (indented), so that its stub "
                                 "raises when the function is called, not on import")
            open_match, open_line = begin, i
        elif end:
            if not open_match:
                raise BlockError(f"{where}: END EXERCISE {end['id']} without a BEGIN EXERCISE before it")
            if end["id"] != open_match["id"] or end["indent"] != open_match["indent"]:
                raise BlockError(f"{where}: expected '{open_match['indent']}# END EXERCISE {open_match['id']}' to "
                                 f"close the block opened on line {open_line + 1}")
            blocks.append(Block(open_match["id"], int(open_match["lesson"]), int(open_match["number"]),
                                open_match["section"].strip(), open_match["indent"], open_line, i))
            open_match = None
        else:
            raise BlockError(f"{where}: malformed marker {line.strip()!r}; the forms are "
                             "'# BEGIN EXERCISE ex01_2 (§2 Section title)' and '# END EXERCISE ex01_2'")
    if open_match:
        raise BlockError(f"{filename}:{open_line + 1}: BEGIN EXERCISE {open_match['id']} is never closed")
    return blocks


def is_stub(block: Block, lines: list[str]) -> bool:
    """True if the block still holds its stub (blank lines and trailing spaces aside)."""
    return [line.rstrip() for line in block.body(lines) if line.strip()] == block.stub()


@dataclass(frozen=True)
class Rewritten:
    """A text with some block bodies swapped; `origin[i]` is the 1-based line of the original text that line
    i + 1 of the new text stands for (a swapped-in line stands for its block's BEGIN line)."""

    text: str
    origin: list[int]


def rewrite(text: str, blocks: list[Block], replacement: Callable[[int, Block], list[str] | None]) -> Rewritten:
    """`text` with the body of block i replaced by replacement(i, block), where that is not None."""
    lines = text.splitlines()
    out: list[str] = []
    origin: list[int] = []
    position = 0
    for i, block in enumerate(blocks):
        new = replacement(i, block)
        if new is None:
            continue
        out += lines[position:block.begin + 1]
        origin += range(position + 1, block.begin + 2)
        out += new
        origin += [block.begin + 1] * len(new)
        position = block.end
    out += lines[position:]
    origin += range(position + 1, len(lines) + 1)
    return Rewritten("\n".join(out) + "\n", origin)


def strip(text: str, filename: str = "<text>") -> str:
    """`text` with every block body replaced by its stub: what exercises/ holds before a learner starts."""
    return rewrite(text, parse(text, filename), lambda i, block: block.stub()).text
