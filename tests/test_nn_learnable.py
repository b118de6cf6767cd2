"""The learnable activation modules: shapes and values as declared, parameter gradients, and they learn."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from minigrad.diagnostics import evaluate
from minigrad.nn.learnable import (AGLU, APA, PAU, XATLU, XGELU, XSiLU, MixedActivation, PReLU, Snake,
                                   rational_fit)

F64 = mg.float64


def as_function(module):
    """The module as a function of (x, *parameters), so that gradcheck can perturb each parameter.

    The parameters are swapped into the module's registry for the call: this is what lets gradcheck reach the
    module's real forward pass with its own tensors."""
    names = [name for name, _ in module.named_parameters()]

    def fn(x, *values):
        saved = dict(module._parameters)
        module._parameters.update(zip(names, values))
        try:
            return module(x)
        finally:
            module._parameters.update(saved)

    values = [mg.tensor(p.data.copy(), requires_grad=True) for p in module.parameters()]
    return fn, values


def away_from_zero(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


MODULES = {
    "PReLU": lambda: PReLU(3, init=0.1, dtype=F64),
    "Snake": lambda: Snake(3, alpha=1.5, dtype=F64),
    "PAU": lambda: PAU(dtype=F64),
    "APA": lambda: APA(kappa=1.3, lambd=0.7, dtype=F64),
    "AGLU": lambda: AGLU(kappa=0.8, lambd=1.2, dtype=F64),
    "XATLU": lambda: XATLU(alpha=0.2, dtype=F64),
    "XGELU": lambda: XGELU(alpha=0.1, dtype=F64),
    "XSiLU": lambda: XSiLU(alpha=0.3, dtype=F64),
    "MixedActivation": lambda: MixedActivation(["tanh", "silu", "elu"], num_features=3, dtype=F64),
}


@pytest.mark.parametrize("make", MODULES.values(), ids=MODULES.keys())
def test_parameter_gradients_match_finite_differences(make):
    module = make()
    if isinstance(module, MixedActivation):
        module.logits.data[...] = np.random.default_rng(1).standard_normal(module.logits.shape)
    fn, params = as_function(module)
    x = mg.tensor(away_from_zero((4, 3)), requires_grad=True)
    assert params and mg.gradcheck(fn, [x, *params])


@pytest.mark.parametrize("module, name, params", [
    (PReLU(init=0.1, dtype=F64), "prelu", dict(weight=0.1)),
    (Snake(alpha=2.0, dtype=F64), "snake", dict(alpha=2.0)),
    (APA(kappa=1.5, lambd=0.5, dtype=F64), "apa", dict(kappa=1.5, lambd=0.5)),
    (AGLU(dtype=F64), "silu", {}),
    (XATLU(alpha=0.25, dtype=F64), "xatlu", dict(alpha=0.25)),
    (XGELU(dtype=F64), "gelu", {}),
    (XSiLU(alpha=0.5, dtype=F64), "xsilu", dict(alpha=0.5)),
], ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else None)
def test_each_module_computes_its_catalog_function(module, name, params):
    x = np.linspace(-4, 4, 41)
    with mg.no_grad():
        np.testing.assert_allclose(module(mg.tensor(x)).numpy(), evaluate(name, x, **params)[0], rtol=1e-12,
                                   atol=1e-15)


def test_prelu_has_torch_shapes_and_slopes_per_channel():
    assert PReLU().weight.shape == (1,) and PReLU(4).weight.shape == (4,)
    module = PReLU(2, dtype=F64)
    module.weight.data[:] = [0.1, 0.2]
    with mg.no_grad():
        np.testing.assert_allclose(module(mg.tensor(-np.ones((3, 2)))).numpy(), [[-0.1, -0.2]] * 3)
    assert repr(module) == "PReLU(num_parameters=2)"
    with pytest.raises(ValueError, match="num_parameters must be a positive integer"):
        PReLU(0)


def test_snake_alpha_per_feature_or_fixed():
    assert Snake(in_features=5).alpha.shape == (5,) and Snake().alpha.shape == ()
    assert list(Snake(3, learnable=False).parameters()) == []
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        Snake(in_features=0)


def test_pau_starts_from_the_declaration_or_from_a_fit():
    declared = mg.activations.get("pau").defaults()
    np.testing.assert_allclose(PAU().numerator.data, declared["numerator"], rtol=1e-6)
    x = np.linspace(-3, 3, 301)
    module = PAU(init="relu", dtype=F64)
    with mg.no_grad():
        assert np.abs(module(mg.tensor(x)).numpy() - np.maximum(x, 0)).max() < 0.04
    small = PAU(init=((0.0, 1.0, 0.5), (0.5,)), dtype=F64)
    assert small.numerator.shape == (3,) and small.denominator.shape == (1,)
    assert "numerator_degree=2, denominator_degree=1" in repr(small)
    with pytest.raises(TypeError, match="pair \\(numerator, denominator\\)"):
        PAU(init=((1.0, 2.0),))


def test_rational_fit_of_a_smooth_activation_is_close():
    numerator, denominator = rational_fit("tanh")
    x = np.linspace(-3, 3, 301)
    y = evaluate("pau", x, numerator=numerator, denominator=denominator)[0]
    assert np.abs(y - np.tanh(x)).max() < 1e-4
    assert all(b >= 0 for b in denominator)


def fit(model, x, y, steps, lr):
    opt = optim.Adam(model.parameters(), lr=lr)
    x, y = mg.tensor(x), mg.tensor(y)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("activation", [Snake(16, dtype=F64), PAU(dtype=F64)], ids=["Snake", "PAU"])
def test_a_network_with_a_learnable_activation_learns(activation):
    mg.manual_seed(0)
    x = np.linspace(-2, 2, 64)[:, None]
    y = np.sin(3 * x)
    model = nn.MLP([1, 16, 1], activation=activation, dtype=F64)
    before = [p.data.copy() for p in model[1].parameters()]
    losses = fit(model, x, y, steps=150, lr=0.02)
    assert losses[-1] < 0.01 * losses[0]  # a ReLU network of the same size only reaches ~0.16
    assert any(not np.allclose(b, p.data) for b, p in zip(before, model[1].parameters()))


def test_mixed_activation_starts_uniform_and_picks_the_target():
    mixed = MixedActivation(["relu", "tanh"], dtype=F64)
    x = np.linspace(-3, 3, 61)[:, None]
    with mg.no_grad():
        start = mixed(mg.tensor(x)).numpy()
    np.testing.assert_allclose(start, (np.maximum(x, 0) + np.tanh(x)) / 2)
    fit(mixed, x, np.tanh(x), steps=60, lr=0.1)
    assert mixed.selection() == ["tanh"]
    np.testing.assert_allclose(mixed.weights().detach().numpy().sum(-1), 1.0)


def test_mixed_activation_per_neuron_and_hard():
    mixed = MixedActivation(["relu", "tanh"], num_features=2, hard=True, dtype=F64)
    mixed.logits.data[...] = [[2.0, 0.0], [0.0, 2.0]]
    assert mixed.selection() == ["relu", "tanh"]
    x = mg.tensor(away_from_zero((5, 2)), requires_grad=True)
    out = mixed(x)
    np.testing.assert_allclose(out.detach().numpy()[:, 0], np.maximum(x.data[:, 0], 0))
    np.testing.assert_allclose(out.detach().numpy()[:, 1], np.tanh(x.data[:, 1]))
    # straight-through: the logits' gradient is the soft mixture's, not 0
    out.sum().backward()
    soft = mixed.logits.softmax(-1).detach().numpy()
    f = np.stack([np.maximum(x.data, 0), np.tanh(x.data)], axis=-1).sum(0)
    expected = soft * (f - (soft * f).sum(-1, keepdims=True))
    np.testing.assert_allclose(mixed.logits.grad.numpy(), expected)
    with pytest.raises(ValueError, match="must have 2 entries"):
        mixed(mg.tensor(np.zeros((4, 3))))
    with pytest.raises(ValueError, match="not pointwise"):
        MixedActivation(["relu", "softmax"])
