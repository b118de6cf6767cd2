"""Lessons that run on the learner's own code: `implementation("ex01_8")`.

A lesson that asks for an exercise gets the learner's function when they have written it, and the reference
answer otherwise, with a warning that says which exercise is unfinished and how to check it — so a lesson
always runs, and turns into "your" lesson exercise by exercise:

    from minigrad.course import implementation
    snake_derivatives = implementation("ex01_8")          # yours, or the reference with a warning
    siren_uniform_ = implementation("ex07_1", "siren_uniform_")
"""
from __future__ import annotations

import warnings
from typing import Any

from minigrad.course.loading import WRITTEN, Tree


class UnfinishedExerciseWarning(UserWarning):
    """An exercise a lesson wanted to run is not finished; the lesson uses the reference answer instead."""


def implementation(exercise: str, name: str | None = None, tree: str = "exercises") -> Any:
    """The object `name` (default: the exercise's function, or its class for a method) of the module that holds
    `exercise`, as the learner's `tree` implements it — their code for that exercise, the reference for the
    rest. If the exercise is not written yet (a stub remains) or its module does not load, warns
    UnfinishedExerciseWarning and returns the reference object."""
    learner, reference = Tree(tree), Tree("solutions")
    spec = reference.exercise(exercise)
    name = name or spec.function.split(".")[0]
    try:
        state = learner.state(exercise)
        if state == WRITTEN:
            return getattr(learner.module(exercise), name)
        reason = f"it is {state} (a stub still raises NotImplementedError)"
    except Exception as error:  # whatever the learner's file does wrong, the lesson goes on with the reference
        reason = f"its module does not load ({type(error).__name__}: {error})"
    warnings.warn(f"{exercise} ({spec.function} in {learner.file(exercise)}) is not ready: {reason}. This lesson "
                  f"uses the reference answer instead; finish it and check it with `{spec.command}`.",
                  UnfinishedExerciseWarning, stacklevel=2)
    return getattr(reference.module(exercise), name)
