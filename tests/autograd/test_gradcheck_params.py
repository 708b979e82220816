"""gradcheck of a layer's parameters (Modules, check_params) and its float32 warning."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

TORCH_TEXT = ("requires gradient and is not a double precision floating point or complex. This check will "
              "likely fail if all the inputs are not of double precision floating point or complex. ")


def _x(*shape: int, seed: int = 0) -> mg.Tensor:
    return mg.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


class ScaledLinear(nn.Module):
    """y = (x @ w.T) * s, with a bug switch: ``detach_scale`` hides s from the graph."""

    def __init__(self, detach_scale: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(mg.tensor(np.random.default_rng(1).normal(size=(2, 3))))
        self.scale = nn.Parameter(mg.tensor([1.5, -0.5], dtype=mg.float64))
        self.detach_scale = detach_scale

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        s = self.scale.detach() if self.detach_scale else self.scale
        return (x @ self.weight.T) * s


def test_a_module_checks_its_parameters_by_default() -> None:
    layer = ScaledLinear()
    assert mg.gradcheck(layer, (_x(4, 3),))
    assert mg.gradcheck(layer, (mg.randn(4, 3, dtype=mg.float64),))  # inputs need not require grad
    assert mg.gradgradcheck(layer, (_x(2, 3),))
    mg.manual_seed(0)
    assert mg.gradcheck(nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double(), (_x(5, 3),))


def test_a_wrong_parameter_gradient_is_caught_and_named() -> None:
    layer = ScaledLinear(detach_scale=True)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(layer, (_x(4, 3),))
    lines = str(info.value).splitlines()
    assert lines[0] == "Jacobian mismatch for output 0 with respect to input 2,"  # numbered as checked
    assert re.match(r"first-order gradient mismatch for parameter 'scale' at element index \(\d,\): "
                    r"analytical 0 vs numerical", lines[1]), lines[1]
    assert lines[-1] == "inputs 2 = parameter 'scale'"  # the table's input numbers, resolved
    assert mg.gradcheck(layer, (_x(4, 3),), check_params=False)  # the input's gradient is right
    assert mg.gradcheck(layer, (_x(4, 3),), check_params=[layer.weight])
    with pytest.raises(mg.GradcheckError, match="parameter 'scale'"):
        mg.gradcheck(layer, (_x(4, 3),), check_params={"scale": layer.scale})


def test_a_function_of_parameters_finds_them_in_its_graph() -> None:
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2)).double()
    w2 = mg.tensor([[0.3, -1.0]], dtype=mg.float64, requires_grad=True)

    def head(x: mg.Tensor) -> mg.Tensor:
        return (model(x).tanh() @ w2.T).sum()

    assert mg.gradcheck(head, (_x(4, 3),), check_params=True)
    layer = ScaledLinear(detach_scale=True)

    def wrong(x: mg.Tensor) -> mg.Tensor:
        return layer(x) * w2  # layer.scale is detached, so the graph does not reach it: not checked

    assert mg.gradcheck(wrong, (_x(4, 3),), check_params=True)

    def wrong_w2(x: mg.Tensor) -> mg.Tensor:
        return model(x) * w2.detach() + (w2 * 0.0).sum()  # the graph reaches w2 only through * 0

    with pytest.raises(mg.GradcheckError, match=r"for parameter #\d+ \(1, 2\)"):
        mg.gradcheck(wrong_w2, (_x(4, 3),), check_params=True)


def test_inputs_and_parameters_are_left_exactly_as_they_were() -> None:
    layer = ScaledLinear()
    before = {k: v.copy() for k, v in layer.state_dict().items()}
    mg.gradcheck(layer, (_x(2, 3),))
    mg.gradgradcheck(layer, (_x(2, 3),))
    for k, v in layer.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    assert all(p.grad is None for p in layer.parameters())


def test_float32_warns_as_pytorch_and_the_report_says_why() -> None:
    x32 = mg.tensor([[0.3, -1.2, 2.0]], requires_grad=True)
    with pytest.warns(UserWarning, match=re.escape("Input #0 " + TORCH_TEXT)):
        mg.gradcheck(lambda a: (a * a).sum(), (x32,), raise_exception=False)
    with pytest.warns(UserWarning) as record, pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(lambda a: a.exp().sum(), (x32,))
    assert [str(w.message).split(" requires")[0] for w in record] == ["Input #0"]
    note = str(info.value).splitlines()[-1]
    assert note.startswith("note: input 0 (float32) is not float64.") and "x.double()" in note
    mg.manual_seed(0)
    with pytest.warns(UserWarning, match=re.escape("Parameter 'weight' " + TORCH_TEXT)):
        mg.gradcheck(nn.Linear(2, 2, bias=False), (mg.randn(1, 2),), raise_exception=False)  # (one dtype)
    with pytest.warns(UserWarning) as record:
        mg.gradgradcheck(lambda a: (a * a * a).sum(), (x32,), raise_exception=False)
    # as PyTorch: the (float32) grad_output counts as input #1
    assert [str(w.message)[: len("Input #0 " + TORCH_TEXT)] for w in record] == [
        "Input #0 " + TORCH_TEXT, "Input #1 " + TORCH_TEXT]


def test_float64_checks_are_silent_and_misuse_is_explained() -> None:
    x = _x(3)
    assert mg.gradcheck(lambda a: a.sin(), (x,))  # pytest turns any warning into an error
    with pytest.raises(mg.InvalidParameterError, match="pass the Module itself or check_params=True"):
        mg.gradcheck(lambda a: a * 2, (mg.ones(2, dtype=mg.float64),))
    with pytest.raises(TypeError, match="fn must be a function or a Module"):
        mg.gradcheck(5, (x,))  # type: ignore[arg-type]
