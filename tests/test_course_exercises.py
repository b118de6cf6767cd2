"""The course's exercises as a whole: exercises/ is what solutions/ generates, every stub fails its own tests
(no test is vacuous, no stub is solved by accident), and a learner's tree gets a progress table and targeted
hints. The last two run the exercise tests on generated trees with pytest, in this process, as a learner would."""
import contextlib
import io
import json
from pathlib import Path

import pytest

from minigrad.course import blocks, catalog, generate, progress

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"


def output_of(command, *args):
    """What command(*args) prints, and what it returns."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = command(*args)
    return int(code), printed.getvalue()


@pytest.fixture
def pristine(tmp_path):
    """exercises/ as a fresh clone has it, generated from solutions/ into a folder of its own."""
    generate.apply(generate.plan(SOLUTIONS, tmp_path / "exercises"))
    return tmp_path / "exercises"


def test_exercises_are_generated_from_solutions():
    actions = generate.plan(SOLUTIONS, ROOT / "exercises")
    drift = [a.message(ROOT) for a in actions if a.kind not in ("unchanged", "kept")]
    assert not drift, ("exercises/ no longer matches solutions/ outside the exercise blocks:\n  " + "\n  ".join(drift)
                       + "\nRun `python -m minigrad.course.generate` (it never overwrites a learner's edits).")


def test_every_exercise_has_a_docstring_and_a_section():
    for exercise in catalog.exercises(SOLUTIONS):
        assert all(word in exercise.doc.lower() for word in ("goal", "formula", "hint")), (
            f"{exercise.id} ({exercise.function}): its docstring should state the goal, the formula and a first hint")
        assert exercise.section.startswith("§"), f"{exercise.id}: name the lesson section, e.g. (§2 Title)"


def test_every_stub_fails_its_own_tests(pristine):
    code, output = output_of(progress.main, ["--impl", str(pristine), "--json", "--all"])
    assert code == 0, output
    found = {s["exercise"]: s["tests"] for s in json.loads(output)}
    for exercise in catalog.exercises(SOLUTIONS):
        tests = found.get(exercise.id)
        assert tests, f"{exercise.id} has no test (mark one with @pytest.mark.{exercise.id})"
        for test in tests:
            if test["outcome"] == "skipped":  # a check that needs a GPU proves its stub where it runs
                continue
            assert test["outcome"] == "failed" and test["message"].startswith(
                f"NotImplementedError: {exercise.id} is not done yet"), (
                f"{test['nodeid']} should fail on the unfinished stub of {exercise.id} with its NotImplementedError; "
                f"it {test['outcome']}{': ' + test['message'] if test['message'] else ''}")


def write_answer(tree: Path, exercise: str, edit=lambda lines: lines):
    """Put the reference answer to `exercise`, changed by `edit`, into the learner's tree."""
    spec = catalog.get(exercise, SOLUTIONS)
    reference = (SOLUTIONS / f"{spec.module}.py").read_text()
    answers = [b.body(reference.splitlines()) for b in blocks.parse(reference) if b.exercise == exercise]
    path = tree / f"{spec.module}.py"
    text = path.read_text()
    mine = [b for b in blocks.parse(text) if b.exercise == exercise]
    path.write_text(blocks.rewrite(text, mine, lambda i, b: edit(answers[i])).text)


def doubled(lines):
    return lines[:-1] + [lines[-1].replace("return ", "return 2 * (") + ")"]


def test_a_learner_gets_targeted_hints_and_a_progress_table(pristine):
    write_answer(pristine, "ex01_5")
    write_answer(pristine, "ex01_6", doubled)

    code, output = output_of(pytest.main, ["-p", "no:cacheprovider", "--impl", str(pristine), str(ROOT / "tests")])
    assert code == 1, output
    assert f"exercises: checking {pristine}/ (each exercise's test runs your code for that exercise" in output
    assert "tests/test_" not in output, "with a learner's tree only the exercise tests run"
    assert "gelu_derivative is off by a factor 2 at x=" in output and "Hint: Phi(x) + x phi(x)" in output
    assert "NotImplementedError: ex01_7 is not done yet" in output
    assert "test_sigmoid_derivative " not in output.split("short test summary")[1], "ex01_5 is done"

    code, output = output_of(progress.progress_command, str(pristine))
    assert code == 0, output
    lines = {line.split()[0]: line for line in output.splitlines() if line.startswith("  ex")}
    assert len(lines) == len(catalog.exercises(SOLUTIONS))
    assert lines["ex01_5"].endswith(" done")
    assert "failing: gelu_derivative is off by a factor 2 at x=" in lines["ex01_6"]
    assert lines["ex01_1"].endswith(" not started") and lines["ex09_2"].endswith(" not started")
    assert "Lesson 01 · Autodiff you can trust" in output and "Lesson 09 · Kolmogorov-Arnold networks" in output
    assert "Next: fix ex01_6, gelu_derivative in exercises/ex01_derivatives.py (lesson 01, §2" in output
    assert "    pytest --impl exercises -m ex01_6" in output


def test_impl_takes_its_value_after_a_space():
    code, output = output_of(pytest.main, ["--impl", "solutions", "-m", "ex01_5", "--co", "-q", "-p", "no:cacheprovider"])
    assert code == 0, output
