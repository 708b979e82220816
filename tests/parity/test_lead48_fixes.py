"""Lead session 48: fixes found running pytorch/examples scripts with torch aliased to minigrad."""

from __future__ import annotations

import io

import minigrad as mg
from minigrad.nn.modules import linear as modules_linear
from tests.helpers import require_torch


def test_non_dynamically_quantizable_linear_under_pytorch_module_path() -> None:
    """pytorch/examples' word_language_model names ``torch.nn.modules.linear.NonDynamicallyQuantizableLinear``
    (MultiheadAttention's out_proj class) in ``torch.serialization.safe_globals`` to load its Transformer."""
    torch = require_torch()
    theirs = torch.nn.modules.linear.NonDynamicallyQuantizableLinear
    assert type(torch.nn.MultiheadAttention(4, 2).out_proj) is theirs
    ours = modules_linear.NonDynamicallyQuantizableLinear
    assert type(mg.nn.MultiheadAttention(4, 2).out_proj) is ours
    assert issubclass(ours, mg.nn.Linear)
    assert "NonDynamicallyQuantizableLinear" not in modules_linear.__all__  # (not in PyTorch's either)
    assert "NonDynamicallyQuantizableLinear" not in torch.nn.modules.linear.__all__


def test_pickled_attention_loads_with_its_classes_allowed() -> None:
    """The example's round trip: the whole module saved, loaded with weights_only under safe_globals."""
    mg.manual_seed(0)
    layer = mg.nn.MultiheadAttention(4, 2)
    buf = io.BytesIO()
    mg.save(layer, buf)
    buf.seek(0)
    allowed = [mg.nn.MultiheadAttention, modules_linear.NonDynamicallyQuantizableLinear]
    with mg.serialization.safe_globals(allowed):
        back = mg.load(buf)
    assert type(back.out_proj) is modules_linear.NonDynamicallyQuantizableLinear
    x = mg.randn(3, 1, 4)
    assert mg.equal(back(x, x, x)[0], layer(x, x, x)[0])
