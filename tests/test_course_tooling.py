"""The exercise tooling (minigrad.course) on a small course of its own: markers and stubs, the generator that
never overwrites a learner's edits, loading one exercise of a learner's file, lessons falling back to the
reference, and checks whose failures say what is wrong."""
import traceback
import warnings

import numpy as np
import pytest

from minigrad.course import blocks, catalog, generate, hints, implementation, UnfinishedExerciseWarning
from minigrad.course.loading import NOT_STARTED, PARTLY_DONE, WRITTEN, Tree

DEMO = '''"""A two-exercise module."""


def double(x):
    """Twice x.

    Formula: 2 x.
    """
    # BEGIN EXERCISE ex01_1 (§1 Doubling)
    return 2 * x
    # END EXERCISE ex01_1


def halve(x):
    """Half of x."""
    # BEGIN EXERCISE ex01_2 (§2 Halving)
    y = x / 2
    return y
    # END EXERCISE ex01_2
'''


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with solutions/ex01_demo.py and exercises/ generated from it."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "ex01_demo.py").write_text(DEMO)
    generate.apply(generate.plan(tmp_path / "solutions", tmp_path / "exercises"))
    monkeypatch.setenv("MINIGRAD_COURSE_ROOT", str(tmp_path))
    return tmp_path


def answer(course, exercise, lines):
    """Write `lines` as the learner's answer to `exercise` in exercises/ex01_demo.py."""
    path = course / "exercises" / "ex01_demo.py"
    text = path.read_text()
    found = [b for b in blocks.parse(text) if b.exercise == exercise]
    path.write_text(blocks.rewrite(text, found, lambda i, b: [b.indent + line for line in lines]).text)


def test_stubs_name_the_exercise_and_its_section(course):
    text = (course / "exercises" / "ex01_demo.py").read_text()
    assert "return 2 * x" not in text and "y = x / 2" not in text
    assert 'raise NotImplementedError("ex01_2 is not done yet (lesson 01, §2 Halving)' in text
    assert "pytest --impl exercises -m ex01_2" in text
    assert '"""Twice x.' in text, "the docstrings (goal, formula, hint) stay in exercises/"
    found = catalog.exercises(course / "solutions")
    assert [(e.id, e.function, e.title, e.section) for e in found] == [
        ("ex01_1", "double", "Twice x", "§1 Doubling"), ("ex01_2", "halve", "Half of x", "§2 Halving")]


@pytest.mark.parametrize("broken, complaint", [
    ("    # BEGIN EXERCISE ex01_1 (§1 A)\n    pass\n", "never closed"),
    ("    # END EXERCISE ex01_1\n", "without a BEGIN"),
    ("    # BEGIN EXERCISE ex01_1 (§1 A)\n    # BEGIN EXERCISE ex01_2 (§1 A)\n", "do not nest"),
    ("    # BEGIN EXERCISE ex01_1 (§1 A)\n    pass\n    # END EXERCISE ex01_2\n", "to close the block"),
    ("# BEGIN EXERCISE ex01_1 (§1 A)\npass\n# END EXERCISE ex01_1\n", "inside a function body"),
    ("    # BEGIN EXERCISE ex1 (A)\n", "malformed marker"),
])
def test_broken_markers_are_reported_with_their_line(broken, complaint):
    with pytest.raises(blocks.BlockError, match=complaint) as error:
        blocks.parse("def f():\n" + broken, "demo.py")
    assert "demo.py:" in str(error.value)


def test_generator_keeps_a_learners_edits_and_writes_beside_them(course, capsys):
    answer(course, "ex01_1", ["return x + x"])
    target = course / "exercises" / "ex01_demo.py"
    edited = target.read_text()
    assert [a.kind for a in generate.plan(course / "solutions", course / "exercises")] == ["kept"]

    (course / "solutions" / "ex01_demo.py").write_text(DEMO.replace('"""Half of x."""', '"""Half of x: x / 2."""'))
    assert generate.main(["--root", str(course), "--check"]) == 1
    assert generate.main(["--root", str(course)]) == 0
    said = capsys.readouterr().out
    assert "NOT overwritten exercises/ex01_demo.py: it has your edits" in said and "ex01_demo.py.new" in said
    assert target.read_text() == edited
    beside = (course / "exercises" / "ex01_demo.py.new").read_text()
    assert "return x + x" in beside and '"""Half of x: x / 2."""' in beside, "the learner's answer is carried over"

    assert generate.main(["--root", str(course), "--force"]) == 0
    assert target.read_text() == generate.exercise_text(course / "solutions" / "ex01_demo.py")


def test_generator_updates_untouched_files_and_says_what_it_did(course, capsys):
    (course / "solutions" / "ex01_demo.py").write_text(DEMO.replace("Twice x.", "Two times x."))
    assert generate.main(["--root", str(course)]) == 0
    assert "updated exercises/ex01_demo.py" in capsys.readouterr().out
    assert "Two times x." in (course / "exercises" / "ex01_demo.py").read_text()
    assert generate.main(["--root", str(course), "--check"]) == 0


def test_each_exercise_runs_the_learners_code_for_itself_only(course):
    answer(course, "ex01_2", ["return x * 0.5"])
    tree = Tree("exercises", course)
    assert [tree.state("ex01_1"), tree.state("ex01_2")] == [NOT_STARTED, WRITTEN]
    assert tree.module("ex01_2").halve(3.0) == 1.5
    assert tree.module("ex01_2").double(3.0) == 6.0, "ex01_1 is the reference's in ex01_2's module"
    with pytest.raises(NotImplementedError, match="ex01_1 is not done yet"):
        tree.module("ex01_1").double(3.0)
    assert Tree("solutions", course).module("ex01_1").double(3.0) == 6.0


def test_tracebacks_point_at_the_learners_lines(course):
    answer(course, "ex01_2", ["y = x / 0", "return y"])
    path = course / "exercises" / "ex01_demo.py"
    with pytest.raises(ZeroDivisionError) as error:
        Tree("exercises", course).module("ex01_2").halve(1.0)
    frame = traceback.extract_tb(error.value.__traceback__)[-1]
    assert frame.filename == str(path)
    assert path.read_text().splitlines()[frame.lineno - 1].strip() == "y = x / 0"


def test_a_file_without_its_markers_is_refused_with_advice(course):
    path = course / "exercises" / "ex01_demo.py"
    path.write_text(path.read_text().replace("    # END EXERCISE ex01_2\n", "").replace(
        "    # BEGIN EXERCISE ex01_2 (§2 Halving)\n", ""))
    with pytest.raises(blocks.BlockError, match="Keep the BEGIN/END EXERCISE lines"):
        Tree("exercises", course).module("ex01_1")


def test_lessons_fall_back_to_the_reference_with_a_warning(course):
    with pytest.warns(UnfinishedExerciseWarning, match=r"ex01_1 \(double in .*\) is not ready: it is not started"):
        double = implementation("ex01_1")
    assert double(4) == 8
    answer(course, "ex01_1", ["return 2 * x + 1"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert implementation("ex01_1")(4) == 9, "a finished exercise is the learner's own, without a warning"
    answer(course, "ex01_1", ["return 2 * x +"])
    with pytest.warns(UnfinishedExerciseWarning, match="does not load .*SyntaxError"):
        assert implementation("ex01_1")(4) == 8


def test_partly_done_exercises_are_not_finished(course):
    text = DEMO.replace("    y = x / 2\n    return y\n    # END EXERCISE ex01_2\n",
                        "    y = x / 2\n    # END EXERCISE ex01_2\n    # BEGIN EXERCISE ex01_2 (§2 Halving)\n"
                        "    return y\n    # END EXERCISE ex01_2\n")
    (course / "solutions" / "ex01_demo.py").write_text(text)
    generate.main(["--root", str(course), "--force"])
    path = course / "exercises" / "ex01_demo.py"
    first = [b for b in blocks.parse(path.read_text()) if b.exercise == "ex01_2"][:1]
    path.write_text(blocks.rewrite(path.read_text(), first, lambda i, b: ["    y = x / 2"]).text)
    assert Tree("exercises", course).state("ex01_2") == PARTLY_DONE
    with pytest.warns(UnfinishedExerciseWarning, match="partly done"):
        implementation("ex01_2")


@pytest.mark.parametrize("got, diagnosis", [
    (2 * np.tanh(np.linspace(0.5, 2, 4)), "is off by a factor 2 at x=0.5: expected 0.4621171573, got 0.9242343145"),
    (-np.tanh(np.linspace(0.5, 2, 4)), "has the wrong sign at x="),
    (np.tanh(np.linspace(0.5, 2, 4)) + 0.25, "is off by a constant 0.25"),
    (np.full(4, np.nan), "is NaN"),
    (np.zeros(4), "is 0 where it should not be"),
])
def test_failed_checks_say_what_is_wrong_and_where(got, diagnosis):
    x = np.linspace(0.5, 2, 4)
    with pytest.raises(AssertionError) as error:
        hints.assert_close(got, np.tanh(x), "your derivative", at=x, hint="try harder")
    message = str(error.value)
    assert message.startswith("your derivative " + diagnosis.split(" at x=")[0])
    assert diagnosis in message and message.endswith("\nHint: try harder")


def test_checks_name_shape_and_dtype_mistakes():
    with pytest.raises(AssertionError, match=r"returned shape \(3,\), expected \(4,\)"):
        hints.assert_close(np.zeros(3), np.zeros(4), "f")
    with pytest.raises(AssertionError, match="returned float64 for float32 input"):
        hints.assert_close(np.zeros(4), np.zeros(4), "f", dtype=np.float32)
    hints.assert_close(np.float32(1) + np.zeros(4, np.float32), np.ones(4), "f", dtype=np.float32)


def test_overflow_in_learner_code_becomes_a_hint():
    with pytest.raises(AssertionError, match=r"softplus is not numerically safe for x = 1000: RuntimeWarning.*"
                                             r"overflow[\s\S]*Hint: use log1p"):
        with hints.no_floating_point_trouble("softplus", "x = 1000", "use log1p"):
            np.log(1 + np.exp(np.array([1000.0])))
    with pytest.raises(NotImplementedError):
        with hints.no_floating_point_trouble("f", "x"):
            raise NotImplementedError("a stub's error passes through")
