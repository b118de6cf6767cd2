"""The engine benchmark compares like with like: the hand-written NumPy step computes what minigrad computes."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.__main__ import main
from minigrad.bench import engine

SIZES = (12, 8, 8, 3)


def test_hand_written_gradients_equal_minigrad_autograd():
    net = engine._NumpyMLP(SIZES)
    x, y = engine._batch(SIZES, batch=5)
    loss, grads = net.loss_and_grads(x, y)

    model = nn.MLP(SIZES, activation="relu")
    for param, value in zip(model.parameters(), net.params):
        param.data[...] = value
    ours = F.cross_entropy(model(mg.tensor(x)), y)
    ours.backward()
    np.testing.assert_allclose(ours.item(), loss, rtol=1e-6)
    for param, expected in zip(model.parameters(), grads):
        np.testing.assert_allclose(param.grad.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_hand_written_step_trains():
    step = engine.numpy_step(SIZES, batch=16)
    first = step()
    for _ in range(200):
        last = step()
    assert last < 0.5 * first


def test_cli_reports_every_implementation(capsys):
    assert main(["bench", "engine", "--sizes", "6-5-2", "--batch", "4", "--repeats", "5"]) == 0
    out = capsys.readouterr().out
    assert "numpy (by hand)" in out and "minigrad" in out and "1.00x" in out


@pytest.mark.parametrize("argv", [["--sizes", "6"], ["--sizes", "6-x"], ["--batch", "0"], ["--repeats", "-3"]])
def test_cli_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit):
        main(["bench", "engine", *argv])
    assert "expected" in capsys.readouterr().err


def test_cli_reports_a_size_the_machine_cannot_hold(capsys):
    # a 10^8 x 10^8 weight matrix (80 PB) is more than any address space: refused at once, whatever the system's
    # overcommit policy, and the command says so in one line
    assert main(["bench", "engine", "--sizes", "100000000-100000000-2", "--repeats", "1"]) == 2
    assert capsys.readouterr().err.startswith("error: out of memory: Unable to allocate")
