"""Shared test settings.

- hypothesis runs without deadlines (first calls import SciPy, timing is noisy on shared CI machines) and with a
  modest number of examples, so the whole suite stays fast.
- Tests compute activations with the NumPy reference backend: they check the declarations' math, and compiling
  a kernel for every parameter combination they try would cost minutes. The kernels are checked against that
  reference, activation by activation, in the test_backend_*.py files, which run with the default backend.
- The course's exercises (minigrad.course.pytest_plugin): `--impl solutions|exercises|FOLDER` chooses the answers
  the tests in tests/exercises check, one marker per exercise (ex01_1, ...), the `exercise` fixture.
"""
import pytest
from hypothesis import HealthCheck, settings

import minigrad as mg

settings.register_profile(
    "minigrad", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.load_profile("minigrad")


@pytest.fixture(autouse=True)
def reference_backend(request):
    if request.module.__name__.startswith("test_backend_"):
        yield
        return
    with mg.use_backend("numpy"):
        yield
