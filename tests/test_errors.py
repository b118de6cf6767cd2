"""Mistakes get errors that say what went wrong: the op, the shapes, the index, the values."""
import re
import types

import numpy as np
import pytest

import minigrad as mg
from minigrad import device
from minigrad.autograd import Function


# ---- shapes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("op, name", [
    (lambda a, b: a + b, "Add"), (lambda a, b: a - b, "Sub"), (lambda a, b: a * b, "Mul"),
    (lambda a, b: a / b, "Div"), (lambda a, b: a ** b, "Pow"), (mg.maximum, "Maximum"), (mg.minimum, "Minimum"),
])
def test_binary_shape_mismatch_names_the_op_and_both_shapes(op, name):
    a, b = mg.ones(2, 3), mg.ones(4)
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\) and \(4,\)"):
        op(a, b)


def test_where_shape_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"Where.*\(2,\).*\(3,\)"):
        mg.where(np.array([True, False]), mg.ones(3), 0.0)


def test_matmul_inner_dimension_mismatch():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 2\) do not fit.*\(3\)"):
        mg.ones(2, 3) @ mg.ones(4, 2)
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        mg.ones(3) @ mg.ones(2)


def test_matmul_batch_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"MatMul.*\(2, 2, 3\) and \(3, 3, 2\)"):
        mg.ones(2, 2, 3) @ mg.ones(3, 3, 2)


def test_matmul_of_a_0d_tensor():
    with pytest.raises(ValueError, match="at least one dimension"):
        mg.tensor(2.0) @ mg.ones(2)


def test_impossible_reshape_names_shape_and_size():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\) \(6 elements\) into \(4,\)"):
        mg.ones(2, 3).reshape(4)


def test_impossible_expand():
    with pytest.raises(ValueError, match=r"expand: cannot broadcast shape \(2, 3\) to \(4, 3\)"):
        mg.ones(2, 3).expand(4, 3)


def test_cat_mismatch_names_both_shapes_and_the_dim():
    with pytest.raises(ValueError, match=r"cat along dim 0: shapes \(2, 3\) and \(2, 4\)"):
        mg.cat([mg.ones(2, 3), mg.ones(2, 4)])
    with pytest.raises(ValueError, match="at least one tensor"):
        mg.cat([])


def test_stack_needs_equal_shapes():
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        mg.stack([mg.ones(2), mg.ones(3)])


def test_permute_rejects_what_is_not_a_permutation():
    with pytest.raises(ValueError, match=r"\(0, 0\) is not a permutation"):
        mg.ones(2, 3).permute(0, 0)
    with pytest.raises(ValueError, match=r"\(0, 3\) is not a permutation"):  # out of range, not wrapped to 1
        mg.ones(2, 3).permute(0, 3)
    with pytest.raises(ValueError, match="not a permutation"):
        mg.ones(2, 3).permute(1)


@pytest.mark.parametrize("call", [lambda t: t.sum(2), lambda t: t.mean(-3), lambda t: t.amax(5),
                                  lambda t: t.softmax(2), lambda t: t.transpose(0, 2), lambda t: t.unsqueeze(4)])
def test_dimension_out_of_range(call):
    with pytest.raises(IndexError, match=r"dimension -?\d is out of range for a tensor with \d dimensions"):
        call(mg.ones(2, 3))


# ---- indexing --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("index", [5, (0, 3), [0, 2], np.array([True, False, True])])
def test_bad_index_names_the_index_and_the_shape(index):
    with pytest.raises(IndexError, match=r"does not fit a tensor of shape \(2, 3\)"):
        mg.ones(2, 3)[index]


# ---- gradcheck --------------------------------------------------------------------------------------------
class WrongSquare(mg.autograd.Function):
    """x^2 with a deliberately wrong derivative (3x instead of 2x)."""

    def forward(self, x): return x * x
    def backward(self, g): return g * 3 * self.inputs[0]


def test_gradcheck_failure_names_input_index_expected_and_received():
    x = mg.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(lambda t: WrongSquare.apply(t), [x])
    message = str(info.value)
    assert "d(input 0)[0, 0]" in message  # the input and the element index
    assert re.search(r"finite differences give 2(\.0+)?\b", message)  # expected: 2x at x = 1
    assert re.search(r"backward gives 3\b", message)  # received: 3x
    assert "4 of 16 entries disagree" in message


def test_gradcheck_failure_names_the_second_input():
    class WrongProduct(Function):
        def forward(self, a, b): return a * b
        def backward(self, g): return g * self.inputs[1], g * 0

    a, b = (mg.tensor(np.array([2.0]), requires_grad=True) for _ in range(2))
    with pytest.raises(mg.GradcheckError, match=r"d\(input 1\)\[0\].*give 2.*backward gives 0"):
        mg.gradcheck(lambda x, y: WrongProduct.apply(x, y), [a, b])


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class FrozenSquare(Function):
        """x^2 whose backward is detached from the graph: right first derivative, zero second."""
        def forward(self, x): return x * x
        def backward(self, g): return g * mg.tensor(2 * self.inputs[0].data)

    x = mg.tensor(np.array([1.5]), requires_grad=True)
    assert mg.gradcheck(lambda t: FrozenSquare.apply(t), [x])
    with pytest.raises(mg.GradcheckError, match="finite differences give"):
        mg.gradgradcheck(lambda t: FrozenSquare.apply(t), [x])


def test_gradcheck_needs_float64():
    with pytest.raises(TypeError, match="float64.*input 0 is float32"):
        mg.gradcheck(mg.tanh, [mg.tensor([1.0], requires_grad=True)])


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="nothing to check"):
        mg.gradcheck(mg.tanh, [mg.tensor(np.array([1.0]))])


def test_backward_returning_a_wrong_shape_is_reported():
    class BadShape(Function):
        def forward(self, x): return x.sum()
        def backward(self, g): return g

    x = mg.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(AssertionError, match=r"BadShape.backward returned a gradient of shape \(\) .*shape \(3,\)"):
        BadShape.apply(x).backward()


# ---- misuse ----------------------------------------------------------------------------------------------
def test_clip_without_bounds():
    with pytest.raises(ValueError, match="at least one of min and max"):
        mg.ones(2).clip()


def test_unknown_device():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        mg.tensor([1.0], device="tpu")


def test_cuda_without_cupy_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(device, "cupy_or_none", lambda: None)
    with pytest.raises(RuntimeError, match="needs CuPy"):
        mg.tensor([1.0], device="cuda")


def test_mixing_devices_is_a_clear_type_error(monkeypatch):
    # Without CuPy on the test machine, a stand-in class whose module is named like CuPy's plays the
    # GPU array: array_module() tells libraries apart by that module name. The check runs before any
    # arithmetic, so the stand-in needs no methods.
    fake_cupy = types.ModuleType("cupy")
    fake_array_type = type("ndarray", (), {"__module__": "cupy", "dtype": np.dtype(np.float32), "shape": (2,),
                                                "ndim": 1})
    monkeypatch.setattr(device, "cupy_or_none", lambda: fake_cupy)
    gpu = mg.Tensor._wrap(fake_array_type())
    cpu = mg.ones(2)
    for op in (lambda: cpu + gpu, lambda: gpu * cpu, lambda: mg.cat([cpu, gpu])):
        with pytest.raises(TypeError, match="cannot mix CPU \\(NumPy\\) and CUDA \\(CuPy\\) tensors.*\\.to\\("):
            op()


def test_the_maximum_of_nothing_is_refused():
    with pytest.raises(ValueError, match=r"max/min over dimension 0 of a tensor of shape \(0, 3\): it has no elements"):
        mg.randn(0, 3).max()
    assert mg.randn(0, 3).max(dim=1).values.shape == (0,)  # rows of three, none of them: fine
