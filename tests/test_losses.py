"""Loss functions against references in NumPy: the values against the loss formulas of torch.nn.functional,
the gradients against their analytic derivatives (and gradcheck in float64); stability at extreme logits, errors.

PyTorch is no test dependency: the formulas are written here from its documentation (reductions "mean", "sum"
and "none", label smoothing as (1 - eps) onehot + eps / C, probability targets)."""
import numpy as np
import pytest
import scipy.special

import minigrad as mg
import minigrad.functional as F

RNG = np.random.default_rng(11)
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}

PRED, TARGET = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3)) * 2
LOGITS, LABELS = RNG.standard_normal((5, 4)) * 3, np.array([0, 3, 1, 1, 2])
PROBS = scipy.special.softmax(RNG.standard_normal((5, 4)), axis=1)


def t64(values, requires_grad=False):
    return mg.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def np_huber(d, delta):
    a = np.abs(d)
    return np.where(a <= delta, 0.5 * d**2, delta * (a - 0.5 * delta))


def np_smoothed_target(target, classes, label_smoothing):
    """torch's label smoothing: (1 - eps) t + eps / C, with t one-hot for class indices."""
    if target.ndim == 1:
        target = np.eye(classes)[target]
    return target * (1 - label_smoothing) + label_smoothing / classes


def np_cross_entropy(logits, target, label_smoothing=0.0):
    log_p = scipy.special.log_softmax(logits, axis=1)
    return -(np_smoothed_target(target, logits.shape[1], label_smoothing) * log_p).sum(1)


def np_bce_with_logits(x, y):
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


# ---- values against NumPy formulas -------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", sorted(REDUCE))
def test_regression_losses_match_numpy(reduction):
    d, r = PRED - TARGET, REDUCE[reduction]
    np.testing.assert_allclose(F.mse_loss(t64(PRED), t64(TARGET), reduction).numpy(), r(d**2), rtol=1e-13)
    np.testing.assert_allclose(F.l1_loss(t64(PRED), t64(TARGET), reduction).numpy(), r(np.abs(d)), rtol=1e-13)
    for delta in (1.0, 0.5, 3.0):
        np.testing.assert_allclose(F.huber_loss(t64(PRED), t64(TARGET), reduction, delta=delta).numpy(),
                                   r(np_huber(d, delta)), rtol=1e-13)


@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_with_class_indices_matches_numpy(reduction, label_smoothing):
    loss = F.cross_entropy(t64(LOGITS), LABELS, reduction, label_smoothing=label_smoothing)
    expected = REDUCE[reduction](np_cross_entropy(LOGITS, LABELS, label_smoothing))
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-13)


@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_with_class_probabilities_matches_numpy(reduction, label_smoothing):
    loss = F.cross_entropy(t64(LOGITS), t64(PROBS), reduction, label_smoothing=label_smoothing)
    expected = REDUCE[reduction](np_cross_entropy(LOGITS, PROBS, label_smoothing))
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-13)


def test_cross_entropy_accepts_an_integer_tensor_target():
    np.testing.assert_allclose(F.cross_entropy(t64(LOGITS), mg.tensor(LABELS)).item(),
                               np_cross_entropy(LOGITS, LABELS).mean(), rtol=1e-13)


@pytest.mark.parametrize("reduction", sorted(REDUCE))
def test_bce_with_logits_matches_numpy(reduction):
    y = RNG.uniform(0, 1, PRED.shape)
    loss = F.binary_cross_entropy_with_logits(t64(PRED), t64(y), reduction)
    np.testing.assert_allclose(loss.numpy(), REDUCE[reduction](np_bce_with_logits(PRED, y)), rtol=1e-13)


def test_losses_keep_float32_with_python_or_float32_targets():
    x = mg.tensor(PRED.astype(np.float32), requires_grad=True)
    assert F.mse_loss(x, TARGET.astype(np.float32).tolist()).dtype == np.float32
    assert F.l1_loss(x, mg.tensor(TARGET.astype(np.float32))).dtype == np.float32
    assert F.cross_entropy(mg.tensor(LOGITS.astype(np.float32)), LABELS).dtype == np.float32


def test_loss_with_a_float64_numpy_target_gives_a_float32_gradient():
    x = mg.tensor(PRED.astype(np.float32), requires_grad=True)
    F.mse_loss(x, TARGET).backward()  # TARGET is a float64 array: the loss is float64
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), 2 * (PRED - TARGET) / PRED.size, rtol=1e-5, atol=1e-6)


# ---- stability ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_stable_for_huge_logits(dtype):
    logits = mg.tensor(np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]], dtype=dtype), requires_grad=True)
    loss = F.cross_entropy(logits, [1, 2], reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [1e4, np.log(2)], rtol=1e-6)
    loss.sum().backward()
    # d/dlogits = softmax - onehot
    np.testing.assert_allclose(logits.grad.numpy(), [[1, -1, 0], [0, 0.5, -0.5]], atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_is_finite_at_plus_minus_100(dtype):
    x = mg.tensor(np.array([100.0, -100.0, 100.0, -100.0], dtype=dtype), requires_grad=True)
    y = mg.tensor(np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype))
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, 0.0, 0.0], atol=1e-30)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, 0.0, 0.0], atol=1e-30)  # sigmoid(x) - y


# ---- gradients -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("loss", ["mse", "l1", "huber", "bce"])
def test_gradcheck_elementwise_losses(loss, reduction):
    target = t64(RNG.standard_normal((3, 2)), requires_grad=True)
    x = mg.tensor(target.data + RNG.choice([-1.7, -0.3, 0.4, 2.2], (3, 2)), requires_grad=True)  # no |d| at kinks
    fn = {
        "mse": lambda a, b: F.mse_loss(a, b, reduction),
        "l1": lambda a, b: F.l1_loss(a, b, reduction),
        "huber": lambda a, b: F.huber_loss(a, b, reduction, delta=1.0),
        "bce": lambda a, b: F.binary_cross_entropy_with_logits(a, mg.sigmoid(b), reduction),
    }[loss]
    assert mg.gradcheck(fn, [x, target])
    assert mg.gradgradcheck(fn, [x, target])


@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_gradcheck_cross_entropy(reduction, label_smoothing):
    logits = t64(LOGITS[:3], requires_grad=True)
    probs = t64(PROBS[:3], requires_grad=True)
    assert mg.gradcheck(lambda z: F.cross_entropy(z, LABELS[:3], reduction, label_smoothing), [logits])
    assert mg.gradcheck(lambda z, p: F.cross_entropy(z, p, reduction, label_smoothing), [logits, probs])
    assert mg.gradgradcheck(lambda z: F.cross_entropy(z, LABELS[:3], reduction, label_smoothing), [logits])


def test_l1_and_huber_gradient_at_zero_difference_is_zero():
    x = t64([1.0, 2.0], requires_grad=True)
    # element 0 sits exactly on the kink of both losses; element 1 checks the signs: +1 (l1) - 1 (huber)
    (F.l1_loss(x, [1.0, 0.0], "sum") + F.huber_loss(x, [1.0, 5.0], "sum")).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    x.grad = None
    F.l1_loss(x, [1.0, 3.0], "sum").backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, -1.0])


# ---- errors -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits])
def test_elementwise_losses_reject_different_shapes(loss):
    with pytest.raises(ValueError, match=r"input shape \(3,\) and target shape \(3, 1\) differ"):
        loss(mg.ones(3), mg.ones(3, 1))


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits])
def test_losses_reject_an_unknown_reduction(loss):
    with pytest.raises(ValueError, match="reduction must be one of.*'avg'"):
        loss(mg.ones(3), mg.ones(3), reduction="avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.cross_entropy(mg.ones(2, 3), [0, 1], reduction="batchmean")


def test_cross_entropy_rejects_logits_that_are_not_2d():
    with pytest.raises(ValueError, match=r"logits of shape \(N, C\), got \(3,\)"):
        F.cross_entropy(mg.ones(3), [0])


def test_cross_entropy_rejects_a_target_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"class-index target must have shape \(2,\), got \(3,\)"):
        F.cross_entropy(mg.ones(2, 3), [0, 1, 2])
    with pytest.raises(ValueError, match=r"input shape \(2, 3\) and target shape \(2, 4\)"):
        F.cross_entropy(mg.ones(2, 3), mg.ones(2, 4))


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
def test_cross_entropy_rejects_class_indices_out_of_range(labels):
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 3\)"):
        F.cross_entropy(mg.ones(2, 3), labels)


# ---- gradients against their analytic formulas ------------------------------------------------------------------
# d(loss)/d(input) before the reduction, as torch.nn.functional defines the losses: 2d (mse), sign d (l1),
# clip(d, -delta, delta) (huber), sigmoid(x) - y (bce with logits) and softmax(z) Σq - q (cross-entropy with the
# smoothed target q). "mean" divides by the number of loss terms, "none" is backpropagated with random weights.
# The float32 runs are held to the float64 formulas at the float32-rounded inputs.
GRAD_RNG = np.random.default_rng(12)
BCE_TARGET = GRAD_RNG.uniform(0, 1, PRED.shape)
ELEMENT_WEIGHTS, ROW_WEIGHTS = GRAD_RNG.standard_normal(PRED.shape), GRAD_RNG.standard_normal(len(LOGITS))
DTYPES = [(np.float64, 1e-12), (np.float32, 1e-5)]

ELEMENTWISE = {  # name: (target, d(loss_i)/d(input_i) at input x and target y)
    "mse_loss": (TARGET, lambda x, y: 2 * (x - y)),
    "l1_loss": (TARGET, lambda x, y: np.sign(x - y)),
    "huber_loss": (TARGET, lambda x, y, delta=1.0: np.clip(x - y, -delta, delta)),
    "binary_cross_entropy_with_logits": (BCE_TARGET, lambda x, y: scipy.special.expit(x) - y),
}


def rounded(values, dtype):
    """`values` rounded to `dtype`, in float64: the exact inputs of a `dtype` run."""
    return np.asarray(values).astype(dtype).astype(np.float64)


def check_input_grad(loss, x, reduction, weights, per_term, rtol):
    """Backpropagate `loss` (with `weights` for "none") and compare x.grad with the reduced `per_term` gradient.

    `per_term` holds d(loss term)/d(x), one leading index per loss term, as `weights` has.
    """
    loss.backward(mg.tensor(weights.astype(x.dtype)) if reduction == "none" else None)
    assert x.grad.dtype == x.dtype
    factor = {"mean": 1 / weights.size, "sum": 1.0, "none": weights}[reduction]
    expected = per_term * np.reshape(factor, np.shape(factor) + (1,) * (per_term.ndim - np.ndim(factor)))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("name, options", [
    ("mse_loss", {}), ("l1_loss", {}),
    ("huber_loss", {}), ("huber_loss", {"delta": 0.7}), ("huber_loss", {"delta": 3.0}),
    ("binary_cross_entropy_with_logits", {}),
])
def test_elementwise_loss_gradient_matches_formula(name, options, reduction, dtype, rtol):
    target, derivative = ELEMENTWISE[name]
    x = mg.tensor(PRED.astype(dtype), requires_grad=True)
    loss = getattr(F, name)(x, mg.tensor(target.astype(dtype)), reduction=reduction, **options)
    per_term = derivative(rounded(PRED, dtype), rounded(target, dtype), **options)
    check_input_grad(loss, x, reduction, ELEMENT_WEIGHTS, per_term, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("reduction", sorted(REDUCE))
@pytest.mark.parametrize("label_smoothing", [0.0, 0.15])
@pytest.mark.parametrize("target_kind", ["indices", "probabilities"])
def test_cross_entropy_gradient_matches_formula(target_kind, label_smoothing, reduction, dtype, rtol):
    z = mg.tensor(LOGITS.astype(dtype), requires_grad=True)
    if target_kind == "indices":
        loss = F.cross_entropy(z, LABELS, reduction, label_smoothing=label_smoothing)
        q = np_smoothed_target(LABELS, LOGITS.shape[1], label_smoothing)
    else:
        loss = F.cross_entropy(z, mg.tensor(PROBS.astype(dtype)), reduction, label_smoothing=label_smoothing)
        q = np_smoothed_target(rounded(PROBS, dtype), LOGITS.shape[1], label_smoothing)
    per_row = scipy.special.softmax(rounded(LOGITS, dtype), axis=1) * q.sum(1, keepdims=True) - q
    check_input_grad(loss, z, reduction, ROW_WEIGHTS, per_row, rtol)


def test_bce_with_logits_keeps_its_relative_accuracy_where_the_loss_is_small():
    # softplus(x) - y x cancels: at x = 20, y = 1 it is 0 in float32; the loss is 2.1e-9, its gradient -2.1e-9
    x = np.array([-80.0, -20.0, -3.0, 0.0, 3.0, 20.0, 80.0])
    for y in (0.0, 1.0, 0.25):
        logits = mg.tensor(x, dtype=mg.float32, requires_grad=True)
        target = mg.tensor(np.full_like(x, y), dtype=mg.float32)
        loss = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        loss.sum().backward()
        expected = y * np.logaddexp(0, -x) + (1 - y) * np.logaddexp(0, x)
        slope = (1 - y) / (1 + np.exp(-x)) - y / (1 + np.exp(x))
        np.testing.assert_allclose(loss.detach().numpy(), expected, rtol=1e-6)
        np.testing.assert_allclose(logits.grad.numpy(), slope, rtol=1e-6, atol=1e-45)


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan")])
def test_huber_needs_a_positive_delta(delta):
    # a negative delta made the loss negative, silently
    with pytest.raises(ValueError, match="huber_loss: delta must be > 0"):
        F.huber_loss(mg.randn(3), mg.randn(3), delta=delta)


def test_float_class_indices_are_refused_with_what_to_pass():
    with pytest.raises(ValueError, match=r"class indices, which must be integers \(got float64\)"):
        F.cross_entropy(mg.randn(3, 4), np.array([0.0, 1.0, 2.0]))
