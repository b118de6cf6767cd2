"""Linear, Identity, Sequential and ModuleList."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def test_linear_matches_numpy():
    layer = nn.Linear(3, 4)
    x = mg.randn(5, 3)
    expected = x.numpy() @ layer.weight.detach().numpy().T + layer.bias.detach().numpy()
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, rtol=1e-6)
    assert layer.weight.shape == (4, 3) and layer.bias.shape == (4,)
    assert layer(mg.randn(2, 7, 3)).shape == (2, 7, 4)


def test_linear_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    x = mg.randn(4, 3)
    np.testing.assert_allclose(layer(x).detach().numpy(), x.numpy() @ layer.weight.detach().numpy().T, rtol=1e-6)
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"


def test_linear_gradients_pass_gradcheck_in_float64():
    layer = nn.Linear(3, 2, dtype=mg.float64)
    x = mg.randn(4, 3, dtype=mg.float64, requires_grad=True)

    def f(x, weight, bias):
        # gradcheck differentiates with respect to the tensors it passes in, so Linear.forward must use them
        layer._parameters.update(weight=weight, bias=bias)
        return layer(x).tanh()

    assert mg.gradcheck(f, [x, layer.weight, layer.bias])


def test_linear_gradients_reach_the_parameters():
    layer = nn.Linear(3, 2, dtype=mg.float64)
    x = mg.randn(4, 3, dtype=mg.float64)
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.data, np.tile(x.numpy().sum(0), (2, 1)))
    np.testing.assert_allclose(layer.bias.grad.data, [4.0, 4.0])


def test_linear_default_init_bounds():
    mg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.dtype == np.float32
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.95 * bound


def test_linear_is_repeatable_under_manual_seed():
    mg.manual_seed(3)
    a = nn.Linear(4, 4)
    mg.manual_seed(3)
    b = nn.Linear(4, 4)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_linear_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="out_features"):
        nn.Linear(2, 2.5)
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(..., 3\), got \(4, 2\)"):
        layer(mg.randn(4, 2))
    with pytest.raises(TypeError, match="float32 parameters but got a float64 input"):
        layer(mg.randn(4, 3, dtype=mg.float64))
    with pytest.raises(TypeError, match="expects a Tensor, got list"):
        layer([[1.0, 2.0, 3.0]])


def test_identity():
    x = mg.randn(2)
    assert nn.Identity(7, anything=1)(x) is x
    assert repr(nn.Identity()) == "Identity()"


def test_sequential_applies_in_order_and_acts_like_a_list():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    x = mg.randn(4, 2)
    np.testing.assert_array_equal(model(x).detach().numpy(), np.maximum(model[0](x).detach().numpy(), 0))
    assert len(model) == 2 and isinstance(model[-1], nn.ReLU)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU"]
    assert model.append(nn.Linear(3, 1)) is model
    assert model(x).shape == (4, 1)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]


def test_sequential_errors():
    with pytest.raises(TypeError, match="holds Modules, got function at position 1"):
        nn.Sequential(nn.ReLU(), mg.tanh)
    model = nn.Sequential(nn.ReLU())
    with pytest.raises(IndexError, match="index 1 is out of range for Sequential of length 1"):
        model[1]
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]


def test_module_list_registers_its_modules():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    layers.extend([nn.Tanh()])
    assert isinstance(layers[3], nn.Tanh)
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 3
    with pytest.raises(NotImplementedError):
        layers(mg.randn(2))
