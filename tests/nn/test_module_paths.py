"""PyTorch's module paths for layers: nn.modules.<file>, nn.parameter, nn.parallel."""

from __future__ import annotations

import importlib

import pytest

from minigrad import nn


def test_nn_modules_holds_every_layer_under_pytorchs_file_names() -> None:
    import minigrad.nn.modules as modules

    layers = {n for n, v in vars(nn).items() if isinstance(v, type) and issubclass(v, nn.Module)}
    assert layers <= set(modules.__all__)
    for file, name in [("module", "Module"), ("container", "Sequential"), ("linear", "Linear"),
                       ("activation", "ReLU"), ("activation", "MultiheadAttention"),
                       ("loss", "CrossEntropyLoss"), ("normalization", "LayerNorm"),
                       ("batchnorm", "BatchNorm1d"),
                       ("sparse", "Embedding"), ("dropout", "Dropout"), ("flatten", "Flatten"),
                       ("transformer", "TransformerEncoderLayer")]:
        sub = importlib.import_module(f"minigrad.nn.modules.{file}")
        assert getattr(sub, name) is getattr(nn, name) and name in sub.__all__
        assert getattr(modules, file) is sub


def test_names_minigrad_lacks_are_absent_not_stood_in() -> None:
    from minigrad.nn.modules import linear

    assert not hasattr(linear, "Bilinear") or linear.Bilinear is getattr(nn, "Bilinear", None)
    with pytest.raises(AttributeError):
        linear.NotALayer  # noqa: B018


def test_parameter_path() -> None:
    from minigrad.nn.parameter import Parameter

    assert Parameter is nn.Parameter
