"""Module: registration, naming, modes, state_dict, save/load, to(), repr."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter([2.0])
        self.inner = nn.Linear(3, 2)

    def forward(self, x):
        return self.scale * self.inner(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(2, 3)
        self.block = Block()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Tanh()])
        self.note = "not registered"

    def forward(self, x):
        return self.block(self.first(x))


def test_parameters_are_registered_in_order_with_dotted_names():
    names = [name for name, _ in Net().named_parameters()]
    assert names == ["first.weight", "first.bias", "block.scale", "block.inner.weight", "block.inner.bias",
                     "layers.0.weight", "layers.0.bias"]


def test_children_and_modules():
    net = Net()
    assert [name for name, _ in net.named_children()] == ["first", "block", "layers"]
    assert list(net.children())[1] is net.block
    assert [name for name, _ in net.named_modules()] == [
        "", "first", "block", "block.inner", "layers", "layers.0", "layers.1"]
    assert len(list(net.modules())) == 7
    assert net.num_parameters() == 6 + 3 + 1 + 6 + 2 + 4 + 2


def test_parameters_recurse_false_and_shared_parameter_counted_once():
    net = Net()
    net.tied = net.first.weight
    assert [name for name, _ in net.named_parameters(recurse=False)] == ["tied"]
    assert sum(p is net.first.weight for p in net.parameters()) == 1


def test_reassignment_and_deletion_update_the_registry():
    net = Net()
    net.first = None
    assert "first" not in dict(net.named_children())
    assert net.first is None
    del net.block
    assert not hasattr(net, "block")
    assert [name for name, _ in net.named_parameters()] == ["layers.0.weight", "layers.0.bias"]


def test_assigning_a_plain_tensor_to_a_parameter_is_an_error():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="plain Tensor to parameter 'weight'"):
        layer.weight = layer.weight * 2


def test_assigning_before_init_names_the_fix():
    class Forgetful(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgetful()


def test_forward_missing_and_call_dispatch():
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        nn.Module()(1)
    x = mg.randn(4, 2)
    net = Net()
    np.testing.assert_allclose(net(x).detach().numpy(), net.forward(x).detach().numpy())


def test_train_eval_propagate():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(TypeError, match="True or False"):
        net.train("no")


def test_zero_grad_sets_none():
    net = Net()
    net(mg.randn(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.block.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_apply_visits_every_module():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert sorted(seen) == sorted(["Net", "Linear", "Block", "Linear", "ModuleList", "Linear", "Tanh"])


def test_state_dict_round_trip():
    a, b = Net(), Net()
    state = a.state_dict()
    assert list(state) == [name for name, _ in a.named_parameters()]
    assert not any(t.requires_grad for t in state.values())
    weight = b.first.weight
    result = b.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.first.weight is weight  # copied in place, so an optimizer keeps the same objects
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_save_and_load_npz(tmp_path):
    a, b = Net(), Net()
    path = tmp_path / "net.npz"
    a.save(path)
    assert set(np.load(path).files) == set(a.state_dict())
    b.load(path)
    x = mg.randn(5, 2)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def test_load_state_dict_reports_missing_and_unexpected_keys():
    net = Net()
    state = net.state_dict()
    del state["first.bias"]
    state["extra.weight"] = mg.zeros(1)
    with pytest.raises(RuntimeError, match="missing keys: first.bias") as info:
        net.load_state_dict(state)
    assert "unexpected keys: extra.weight" in str(info.value)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["first.bias"] and result.unexpected_keys == ["extra.weight"]


def test_load_state_dict_reports_shape_and_dtype_mismatch_even_when_not_strict():
    net = Net()
    state = net.state_dict()
    state["first.weight"] = mg.zeros(2, 3)
    state["first.bias"] = mg.zeros(3, dtype=mg.float64)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state, strict=False)
    message = str(info.value)
    assert "first.weight: shape (2, 3) in the state_dict, (3, 2) in the model" in message
    assert "first.bias: dtype float64 in the state_dict, float32 in the model" in message
    with pytest.raises(TypeError, match="mapping"):
        net.load_state_dict([1, 2])


def test_to_converts_parameters_in_place():
    net = Net()
    weight = net.first.weight
    net(mg.randn(3, 2)).sum().backward()
    assert net.to(dtype=mg.float64) is net
    assert net.first.weight is weight
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert all(p.grad.dtype == np.float64 for p in net.parameters() if p.grad is not None)
    assert net(mg.randn(3, 2, dtype=mg.float64)).dtype == np.float64
    with pytest.raises(TypeError, match="floats"):
        net.to(dtype=mg.int64)
    with pytest.raises(ValueError, match="unknown device"):
        net.to("tpu")


def test_double_and_float_cast_every_parameter_as_in_torch():
    net = Net()
    assert net.double() is net and all(p.dtype == np.float64 for p in net.parameters())
    assert net.float() is net and all(p.dtype == np.float32 for p in net.parameters())


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(np.ones(3))
    assert isinstance(p, mg.Tensor) and p.requires_grad and p.dtype == np.float64
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert not nn.Parameter([1.0], requires_grad=False).requires_grad


def test_nested_repr_like_pytorch():
    assert repr(Net()) == (
        "Net(\n"
        "  (first): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (block): Block(\n"
        "    (inner): Linear(in_features=3, out_features=2, bias=True)\n"
        "  )\n"
        "  (layers): ModuleList(\n"
        "    (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "    (1): Tanh()\n"
        "  )\n"
        ")"
    )
