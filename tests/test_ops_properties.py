"""Forward values of every op against NumPy/SciPy, on random shapes and values (hypothesis).

Inputs are float32 unless a test says otherwise, so each test also checks that float32 stays float32
(Python scalars must not promote it, as in PyTorch).
"""
import numpy as np
import pytest
import scipy.special
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

F32 = np.float32


def finite(lo=-10.0, hi=10.0):
    """float32 elements in [lo, hi] (bounds must be exact float32 numbers)."""
    return st.floats(lo, hi, width=32, allow_subnormal=False)


def away_from_zero(lo=0.125, hi=10.0):
    return st.one_of(finite(lo, hi), finite(-hi, -lo))


def arrays(shape, elements=None, dtype=F32):
    return hnp.arrays(dtype, shape, elements=finite() if elements is None else elements)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
nonscalar_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
two_broadcastable = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)


def check(t, expected, rtol=1e-6, atol=0.0, dtype=F32):
    """t is a Tensor with expected's values, shape and the given dtype."""
    assert isinstance(t, mg.Tensor)
    expected = np.asarray(expected)
    assert t.shape == expected.shape
    assert t.dtype == dtype, f"{t.dtype} != {dtype}"
    np.testing.assert_allclose(t.detach().numpy(), expected, rtol=rtol, atol=atol)


def axes_and_keepdim(ndim):
    """A subset of the axes (as an int or a tuple, negative numbers allowed) and a keepdim flag."""
    if ndim == 0:
        return st.tuples(st.just(None), st.booleans())
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.tuples(st.one_of(st.none(), single, several), st.booleans())


# ---- binary arithmetic with broadcasting -----------------------------------------------------------
BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "maximum": (mg.maximum, np.maximum),
    "minimum": (mg.minimum, np.minimum),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data(), shapes=two_broadcastable)
def test_binary_ops_broadcast_like_numpy(name, data, shapes):
    ours, theirs = BINARY[name]
    a, b = (data.draw(arrays(s)) for s in shapes.input_shapes)
    check(ours(mg.tensor(a), mg.tensor(b)), theirs(a, b))


@given(data=st.data(), shapes=two_broadcastable)
def test_div_broadcasts_like_numpy(data, shapes):
    a = data.draw(arrays(shapes.input_shapes[0]))
    b = data.draw(arrays(shapes.input_shapes[1], away_from_zero()))
    check(mg.tensor(a) / mg.tensor(b), a / b)
    check(mg.div(mg.tensor(a), mg.tensor(b)), a / b)


@given(data=st.data(), shapes=two_broadcastable)
def test_pow_of_positive_bases_broadcasts_like_numpy(data, shapes):
    a = data.draw(arrays(shapes.input_shapes[0], finite(0.125, 8.0)))
    b = data.draw(arrays(shapes.input_shapes[1], finite(-3.0, 3.0)))
    check(mg.tensor(a) ** mg.tensor(b), a ** b, rtol=1e-6)


@given(x=arrays(shapes, finite(0.125, 8.0)), s=st.sampled_from([-2, -0.5, 0, 0.5, 1, 2, 3]))
def test_pow_with_a_python_scalar_exponent(x, s):
    check(mg.tensor(x) ** s, x ** F32(s))
    check(mg.pow(mg.tensor(x), s), x ** F32(s))


@given(x=arrays(shapes, finite(-3.0, 3.0)), base=st.sampled_from([0.5, 2, 3.0]))
def test_pow_with_a_python_scalar_base(x, base):
    check(base ** mg.tensor(x), F32(base) ** x)


@given(x=arrays(shapes))
def test_neg_and_unary_plus(x):
    check(-mg.tensor(x), -x)
    check(mg.neg(mg.tensor(x)), -x)
    t = mg.tensor(x)
    assert +t is t


# ---- reflected operators with Python scalars and NumPy arrays --------------------------------------
SCALARS = st.sampled_from([2, -3, 0.5, 2.5, True])


@given(x=arrays(shapes, away_from_zero()), s=SCALARS)
def test_python_scalars_on_either_side_keep_float32(x, s):
    t, c = mg.tensor(x), F32(s)
    check(t + s, x + c)
    check(s + t, c + x)
    check(t - s, x - c)
    check(s - t, c - x)
    check(t * s, x * c)
    check(s * t, c * x)
    check(t / s, x / c)
    check(s / t, c / x)


@given(data=st.data(), shapes=two_broadcastable)
def test_numpy_arrays_on_either_side_give_tensors(data, shapes):
    x = data.draw(arrays(shapes.input_shapes[0], away_from_zero()))
    a = data.draw(arrays(shapes.input_shapes[1], away_from_zero()))
    if a.ndim == 0:
        return  # a 0-d array is a NumPy scalar, covered by the Python-scalar test
    t = mg.tensor(x)
    # the Tensor's __array_priority__ makes NumPy hand the operation over to Tensor's reflected methods
    check(a + t, a + x)
    check(a - t, a - x)
    check(a * t, a * x)
    check(a / t, a / x)
    check(t - a, x - a)
    v = np.ones(a.shape[-1:], F32)
    check(a @ mg.tensor(v), a @ v, rtol=1e-5, atol=1e-5)


def test_reflected_ops_with_a_float64_numpy_array_promote_and_backpropagate():
    # float32 tensor op float64 array -> float64 (PyTorch promotion); the gradient comes back as float32
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_python_float_next_to_an_integer_tensor_gives_float32():
    assert (mg.tensor([1, 2]) * 0.5).dtype == np.float32
    assert (mg.tensor([1, 2]) + 1).dtype == np.int64


# ---- comparisons -----------------------------------------------------------------------------------
COMPARISONS = {
    "<": (lambda a, b: a < b), "<=": (lambda a, b: a <= b), ">": (lambda a, b: a > b),
    ">=": (lambda a, b: a >= b), "==": (lambda a, b: a == b), "!=": (lambda a, b: a != b),
}


@pytest.mark.parametrize("op", sorted(COMPARISONS))
@given(data=st.data(), shapes=two_broadcastable)
def test_comparisons_give_bool_tensors_without_grad(op, data, shapes):
    compare = COMPARISONS[op]
    small = finite(-2, 2).map(round)  # few distinct values, so equality happens often
    a, b = (data.draw(arrays(s, small)) for s in shapes.input_shapes)
    ta = mg.tensor(a, requires_grad=True)
    for result, expected in [
        (compare(ta, mg.tensor(b)), compare(a, b)),
        (compare(ta, 1.0), compare(a, F32(1.0))),
        (compare(ta, b) if b.ndim else compare(ta, 0.0), compare(a, b) if b.ndim else compare(a, F32(0))),
    ]:
        check(result, expected, dtype=np.bool_)
        assert not result.requires_grad and result.grad_fn is None


def test_comparison_with_numpy_array_on_the_left_is_reflected():
    result = np.array([0.0, 5.0]) < mg.tensor([1.0, 1.0])
    check(result, [True, False], dtype=np.bool_)


# ---- indexing --------------------------------------------------------------------------------------
def _scatter(shape, index, weights):
    """Where each element of x[index] came from, weighted: the expected gradient of (x[index] * w).sum()."""
    out = np.zeros(shape, dtype=np.float64)
    np.add.at(out, index, weights)
    return out


@given(data=st.data(), shape=nonscalar_shapes)
def test_basic_indexing_and_its_gradient(data, shape):
    x = data.draw(arrays(shape, dtype=np.float64, elements=st.floats(-10, 10)))
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    t = mg.tensor(x, requires_grad=True)
    out = t[index]
    check(out, x[index], dtype=np.float64)
    w = np.arange(1, out.size + 1, dtype=np.float64).reshape(out.shape)
    (out * mg.tensor(w)).sum().backward()
    expected = np.zeros(shape)
    expected[index] = w  # basic indices never repeat an element
    np.testing.assert_array_equal(t.grad.numpy(), expected)


@given(data=st.data(), shape=nonscalar_shapes)
def test_integer_array_indexing_accumulates_repeated_indices(data, shape):
    x = data.draw(arrays(shape, dtype=np.float64, elements=st.floats(-10, 10)))
    result_shapes = hnp.array_shapes(min_dims=1, max_dims=2, max_side=5)
    index = data.draw(hnp.integer_array_indices(shape, result_shape=result_shapes))
    t = mg.tensor(x, requires_grad=True)
    out = t[index]
    check(out, x[index], dtype=np.float64)
    w = np.arange(1, out.size + 1, dtype=np.float64).reshape(out.shape)
    (out * mg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), _scatter(shape, index, w))


@given(data=st.data(), shape=nonscalar_shapes)
def test_bool_mask_indexing_and_its_gradient(data, shape):
    x = data.draw(arrays(shape, dtype=np.float64, elements=st.floats(-10, 10)))
    mask = data.draw(hnp.arrays(np.bool_, shape))
    t = mg.tensor(x, requires_grad=True)
    for index in (mask, mg.tensor(mask)):  # a NumPy mask or a bool Tensor
        out = t[index]
        check(out, x[mask], dtype=np.float64)
        out.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), 2.0 * mask)


def test_mixed_slice_and_list_index_accumulates():
    x = mg.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    out = x[1:, [0, 0, 3]]
    check(out, np.arange(12.0).reshape(3, 4)[1:, [0, 0, 3]], dtype=np.float64)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0, 0], [2, 0, 0, 1], [2, 0, 0, 1]])


def test_indexing_with_integer_tensor():
    x = mg.tensor([10.0, 20.0, 30.0])
    check(x[mg.tensor([2, 0])], [30.0, 10.0])


# ---- movement: reshape, permute, expand, cat, stack ------------------------------------------------
@given(data=st.data(), shape=shapes)
def test_reshape_like_numpy(data, shape):
    x = data.draw(arrays(shape))
    new_shape = data.draw(st.permutations(shape)) if shape else ()
    t = mg.tensor(x)
    check(t.reshape(*new_shape), x.reshape(new_shape))
    check(t.reshape(tuple(new_shape)), x.reshape(new_shape))
    check(t.reshape(-1), x.reshape(-1))
    check(t.view(x.size, 1), x.reshape(x.size, 1))
    check(t.flatten(), x.reshape(-1))


@given(data=st.data(), shape=shapes)
def test_permute_transpose_T_mT_like_numpy(data, shape):
    x = data.draw(arrays(shape))
    t = mg.tensor(x)
    dims = data.draw(st.permutations(range(x.ndim)))
    check(t.permute(*dims), x.transpose(dims))
    check(mg.permute(t, tuple(dims)), x.transpose(dims))
    check(t.T, x.T)
    if x.ndim >= 2:
        d0, d1 = data.draw(st.integers(-x.ndim, x.ndim - 1)), data.draw(st.integers(-x.ndim, x.ndim - 1))
        check(t.transpose(d0, d1), np.swapaxes(x, d0, d1))
        check(t.mT, np.swapaxes(x, -1, -2))


@given(data=st.data(), shape=shapes)
def test_expand_like_numpy_broadcast_to(data, shape):
    x = data.draw(arrays(shape))
    other = data.draw(hnp.broadcastable_shapes(shape, max_dims=4, max_side=4))
    target = np.broadcast_shapes(shape, other)
    t = mg.tensor(x)
    check(t.expand(*target), np.broadcast_to(x, target))
    check(t.broadcast_to(target), np.broadcast_to(x, target))
    if target and len(target) == len(shape) and shape[0] == target[0]:
        check(t.expand((-1,) + target[1:]), np.broadcast_to(x, target))  # -1 keeps that dimension


@given(data=st.data(), shape=nonscalar_shapes, count=st.integers(1, 3))
def test_cat_and_stack_like_numpy(data, shape, count):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    parts = []
    for n in sizes:
        part_shape = list(shape)
        part_shape[axis] = n
        parts.append(data.draw(arrays(tuple(part_shape))))
    check(mg.cat([mg.tensor(p) for p in parts], dim=axis), np.concatenate(parts, axis=axis))
    same = [data.draw(arrays(shape)) for _ in range(count)]
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(mg.stack([mg.tensor(p) for p in same], dim=new_axis), np.stack(same, axis=new_axis))


@given(x=arrays(nonscalar_shapes))
def test_squeeze_and_unsqueeze(x):
    t = mg.tensor(x)
    check(t.unsqueeze(0), x[None])
    check(t.unsqueeze(-1), x[..., None])
    check(t.unsqueeze(0).squeeze(0), x)
    check(t.squeeze(), np.squeeze(x))


# ---- reductions ------------------------------------------------------------------------------------
@given(data=st.data(), shape=shapes)
def test_sum_mean_amax_amin_over_axes(data, shape):
    x = data.draw(arrays(shape))
    axes, keepdim = data.draw(axes_and_keepdim(x.ndim))
    t = mg.tensor(x)
    check(t.sum(axes, keepdim), x.sum(axis=axes, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    check(t.sum(axis=axes, keepdims=keepdim), x.sum(axis=axes, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    check(t.mean(axes, keepdim), x.mean(axis=axes, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    check(mg.mean(t, axis=axes, keepdims=keepdim), x.mean(axis=axes, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    check(t.amax(axes, keepdim), x.max(axis=axes, keepdims=keepdim))
    check(t.amin(axes, keepdim), x.min(axis=axes, keepdims=keepdim))
    check(mg.amax(t, axis=axes, keepdims=keepdim), x.max(axis=axes, keepdims=keepdim))
    check(mg.amin(t, axis=axes, keepdims=keepdim), x.min(axis=axes, keepdims=keepdim))


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_var_and_std_over_axes_with_correction(data, shape):
    x = data.draw(arrays(shape))
    axes, keepdim = data.draw(axes_and_keepdim(x.ndim))
    correction = data.draw(st.sampled_from([0, 1]))
    t = mg.tensor(x)
    x64 = x.astype(np.float64)
    expected_var = x64.var(axis=axes, keepdims=keepdim, ddof=correction)
    check(t.var(axes, keepdim, correction=correction), expected_var, rtol=1e-4, atol=1e-4)
    check(t.std(axis=axes, keepdims=keepdim, correction=correction), np.sqrt(expected_var), rtol=1e-4, atol=1e-4)


def test_var_defaults_to_the_unbiased_estimate():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    np.testing.assert_allclose(mg.tensor(x).var().item(), x.var(ddof=1))
    np.testing.assert_allclose(mg.var(mg.tensor(x), correction=0).item(), x.var())


@given(data=st.data(), shape=nonscalar_shapes)
def test_max_min_along_a_dim_give_values_and_indices(data, shape):
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    keepdim = data.draw(st.booleans())
    t = mg.tensor(x)
    values, indices = t.max(dim, keepdim)
    check(values, x.max(axis=dim, keepdims=keepdim))
    check(indices, x.argmax(axis=dim, keepdims=keepdim), dtype=np.int64)
    values, indices = mg.min(t, dim=dim, keepdim=keepdim)
    check(values, x.min(axis=dim, keepdims=keepdim))
    check(indices, x.argmin(axis=dim, keepdims=keepdim), dtype=np.int64)
    check(t.max(), x.max())
    check(t.min(), x.min())
    check(t.argmax(), np.argmax(x), dtype=np.int64)


# ---- matmul ----------------------------------------------------------------------------------------
@st.composite
def matmul_operands(draw):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
    a_batch, b_batch = batch.input_shapes
    kind = draw(st.sampled_from(["mm", "vec@mat", "mat@vec", "vec@vec"]))
    a_shape = (k,) if kind in ("vec@mat", "vec@vec") else a_batch + (n, k)
    b_shape = (k,) if kind in ("mat@vec", "vec@vec") else b_batch + (k, m)
    return draw(arrays(a_shape, finite(-4, 4))), draw(arrays(b_shape, finite(-4, 4)))


@given(operands=matmul_operands())
def test_matmul_like_numpy(operands):
    a, b = operands
    expected = np.matmul(a.astype(np.float64), b.astype(np.float64))
    check(mg.tensor(a) @ mg.tensor(b), expected, rtol=1e-5, atol=1e-5)
    check(mg.matmul(mg.tensor(a), b), expected, rtol=1e-5, atol=1e-5)


# ---- unary math ------------------------------------------------------------------------------------
UNARY = {
    # name: (minigrad function, reference, elements, rtol, atol)
    "exp": (mg.exp, np.exp, finite(-20, 20), 1e-6, 0),
    "log": (mg.log, np.log, finite(0.0009765625, 1000), 1e-6, 1e-7),
    "log1p": (mg.log1p, np.log1p, finite(-0.9375, 100), 1e-6, 1e-7),
    "expm1": (mg.expm1, np.expm1, finite(-20, 20), 1e-6, 1e-7),
    "sqrt": (mg.sqrt, np.sqrt, finite(0, 1000), 1e-6, 0),
    "sin": (mg.sin, np.sin, finite(-10, 10), 1e-6, 1e-7),
    "cos": (mg.cos, np.cos, finite(-10, 10), 1e-6, 1e-7),
    "tanh": (mg.tanh, np.tanh, finite(-20, 20), 1e-6, 1e-7),
    "sigmoid": (mg.sigmoid, scipy.special.expit, finite(-100, 100), 1e-5, 1e-30),
    "softplus": (mg.softplus, lambda x: np.logaddexp(F32(0), x), finite(-100, 100), 1e-5, 1e-30),
    "erf": (mg.erf, scipy.special.erf, finite(-5, 5), 1e-6, 1e-7),
    "erfc": (mg.erfc, scipy.special.erfc, finite(-5, 9), 1e-5, 1e-30),
    "atan": (mg.atan, np.arctan, finite(), 1e-6, 1e-7),
    "floor": (mg.floor, np.floor, finite(), 0, 0),
    "abs": (mg.abs, np.abs, finite(), 0, 0),
    "relu": (mg.relu, lambda x: np.maximum(x, F32(0)), finite(), 0, 0),
    "sign": (mg.sign, np.sign, finite(-2, 2), 0, 0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data(), shape=shapes)
def test_unary_ops_like_numpy_and_keep_float32(name, data, shape):
    ours, reference, elements, rtol, atol = UNARY[name]
    x = data.draw(arrays(shape, elements))
    check(ours(mg.tensor(x)), reference(x), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh", "sigmoid", "erf",
                                  "erfc", "atan", "floor", "abs", "relu"])
def test_unary_function_and_method_agree(name):
    x = mg.tensor([0.25, 0.5, 2.0])
    np.testing.assert_array_equal(getattr(x, name)().numpy(), getattr(mg, name)(x).numpy())


def test_sigmoid_and_softplus_do_not_overflow_in_the_tails():
    x = mg.tensor([-1000.0, -100.0, 100.0, 1000.0])
    # sigmoid(-100) ~ 3.7e-44 is a float32 subnormal: only ~2 significant digits are left
    np.testing.assert_allclose(mg.sigmoid(x).numpy(), [0.0, np.exp(-100.0), 1.0, 1.0], rtol=0.05, atol=0)
    np.testing.assert_allclose(mg.softplus(x).numpy(), [0.0, np.exp(-100.0), 100.0, 1000.0], rtol=0.05, atol=0)


# ---- where, clip -----------------------------------------------------------------------------------
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4))
def test_where_broadcasts_like_numpy(data, shapes):
    c_shape, a_shape, b_shape = shapes.input_shapes
    c = data.draw(hnp.arrays(np.bool_, c_shape))
    a, b = data.draw(arrays(a_shape)), data.draw(arrays(b_shape))
    check(mg.where(mg.tensor(c), mg.tensor(a), mg.tensor(b)), np.where(c, a, b))
    check(mg.where(c, mg.tensor(a), 0.5), np.where(c, a, F32(0.5)))
    check(mg.tensor(a).where(c, mg.tensor(b)), np.where(c, a, b))


def test_where_between_two_numbers_is_a_float32_or_int64_tensor_as_in_torch():
    c = mg.tensor([True, False, True])
    check(mg.where(c, 1.0, 0.5), np.array([1.0, 0.5, 1.0], F32))
    check(mg.where(c.numpy(), 2, 0), np.array([2, 0, 2], np.int64), dtype=np.int64)


@given(x=arrays(shapes), bounds=st.tuples(finite(-5, 5), finite(-5, 5)))
def test_clip_like_numpy(x, bounds):
    lo, hi = sorted(bounds)
    t = mg.tensor(x)
    check(t.clip(lo, hi), np.clip(x, F32(lo), F32(hi)))
    check(mg.clamp(t, min=lo), np.maximum(x, F32(lo)))
    check(mg.clip(t, max=hi), np.minimum(x, F32(hi)))
    check(mg.clip(t, mg.tensor(np.full(x.shape, lo, F32)), hi), np.clip(x, F32(lo), F32(hi)))


# ---- softmax family --------------------------------------------------------------------------------
@given(data=st.data(), shape=nonscalar_shapes)
def test_softmax_log_softmax_logsumexp_like_scipy(data, shape):
    x = data.draw(arrays(shape, finite(-50, 50)))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    keepdim = data.draw(st.booleans())
    t = mg.tensor(x)
    x64 = x.astype(np.float64)
    # float32 rounding of x - max(x) (up to ~4e-6 absolute) becomes a relative error of exp
    check(mg.softmax(t, dim), scipy.special.softmax(x64, axis=dim), rtol=3e-5, atol=1e-7)
    check(t.log_softmax(dim), scipy.special.log_softmax(x64, axis=dim), rtol=1e-5, atol=1e-5)
    check(t.logsumexp(dim, keepdim), scipy.special.logsumexp(x64, axis=dim, keepdims=keepdim), rtol=1e-5, atol=1e-5)
    assume(x.ndim >= 2)
    dims = (0, x.ndim - 1)
    check(mg.logsumexp(t, dims), scipy.special.logsumexp(x64, axis=dims), rtol=1e-5, atol=1e-5)


def test_softmax_family_is_stable_for_huge_logits():
    x = mg.tensor([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4]])
    np.testing.assert_array_equal(mg.softmax(x, 1).numpy(), [[1, 0, 0], [0, 0.5, 0.5]])
    np.testing.assert_allclose(mg.logsumexp(x, 1).numpy(), [1e4, 1e4 + np.log(2)], rtol=1e-7)
    log2 = np.log(2)
    np.testing.assert_allclose(mg.log_softmax(x, 1).numpy(), [[0, -1e4, -2e4], [-2e4 - log2, -log2, -log2]], rtol=1e-6)


@pytest.mark.parametrize("shape", [(), (3, 0), (0, 3)])
def test_softmax_of_a_0d_or_empty_tensor_is_as_torch_gives_it(shape):
    # a 0-d tensor has no axis to normalise along: softmax 1, log_softmax 0 (torch's answer); empty stays empty
    x = mg.tensor(np.full(shape, 1.5), requires_grad=True)
    for fn, value in ((mg.softmax, 1.0), (mg.log_softmax, 0.0)):
        y = fn(x, -1)
        (y.sum() if y.ndim else y).backward()
        assert y.shape == shape and x.grad.shape == shape
        np.testing.assert_array_equal(y.detach().numpy(), np.full(shape, value))
