"""The course's exercises: solutions/ is written once, exercises/ is generated from it, pytest checks either.

    python -m minigrad.course.generate       exercises/ from solutions/ (never overwrites a learner's edits)
    pytest --impl exercises -m ex01_2        check one exercise of the learner's tree
    python -m minigrad progress              every exercise: done, failing (and why) or not started

Modules: `blocks` (the BEGIN/END EXERCISE markers and stubs), `catalog` (the exercises, read from solutions/),
`generate`, `loading` (an exercise's module from a tree, with the learner's code for that exercise only),
`hints` (checks that explain their failures), `pytest_plugin` (--impl, markers, the `exercise` fixture),
`progress` (the table) and `learner` (lessons that run the learner's code).
"""
from minigrad.course.learner import UnfinishedExerciseWarning, implementation

__all__ = ["UnfinishedExerciseWarning", "implementation"]
