"""Regressions found by running tutorial and textbook code (the Zero to Mastery PyTorch course, "Deep Learning
with PyTorch", lucidrains-style small models, plain-torch MAML) under PyTorch and minigrad and comparing the
printed numbers, names and errors: each test makes the same calls on both libraries and compares."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _lstm_names(lib: Any, dtype: str, x_shape: tuple[int, ...], **kwargs: Any) -> tuple[str, ...]:
    lib.manual_seed(0)
    m = lib.nn.LSTM(3, 4, **kwargs).to(getattr(lib, dtype))
    x = lib.randn(*x_shape).to(getattr(lib, dtype))
    with warnings.catch_warnings():  # (PyTorch: "LSTM with projections is not supported with oneDNN")
        warnings.simplefilter("ignore")
        out, (h, c) = m(x)
    return out.grad_fn.name(), h.grad_fn.name(), c.grad_fn.name()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", [
    {}, {"proj_size": 2}, {"proj_size": 2, "num_layers": 2}, {"num_layers": 2}, {"batch_first": True},
    {"proj_size": 2, "batch_first": True}, {"proj_size": 2, "bidirectional": True},
])  # fmt: skip
@pytest.mark.parametrize("x_shape", [(5, 2, 3), (5, 3)])
def test_lstm_output_grad_fn_names_follow_the_kernel(dtype: str, kwargs: dict[str, Any],
                                                      x_shape: tuple[int, ...]) -> None:
    # PyTorch's CPU LSTM is one oneDNN layer op (MkldnnRnnLayerBackward0) only in float32 without proj_size;
    # with proj_size (s11_lstmproj.py) or in float64 the default kernel stacks the steps (StackBackward0)
    torch = require_torch()
    assert _lstm_names(mg, dtype, x_shape, **kwargs) == _lstm_names(torch, dtype, x_shape, **kwargs)


def test_lstm_proj_size_values_unchanged() -> None:
    torch = require_torch()
    outs = []
    for lib in (mg, torch):
        lib.manual_seed(0)
        m = lib.nn.LSTM(3, 4, proj_size=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out, _ = m(lib.randn(5, 2, 3))
        outs.append(out.detach().numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-6)


def _hooked_shapes(lib: Any, make: Any, *shapes: tuple[int, ...]) -> list[tuple[str, list[tuple[int, ...]]]]:
    lib.manual_seed(0)
    model = make(lib)
    seen: list[tuple[str, list[tuple[int, ...]]]] = []
    for name, m in model.named_modules():
        m.register_forward_pre_hook(lambda mod, inp, name=name: seen.append(
            (name, [tuple(i.shape) for i in inp if isinstance(i, lib.Tensor)])))
    model(*[lib.randn(*s) for s in shapes])
    return seen


@pytest.mark.parametrize(("make", "shapes"), [
    (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), [(2, 5, 8)]),
    (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, norm_first=True, bias=False,
                                                activation=lib.nn.GELU()), [(5, 2, 8)]),
    (lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16, batch_first=True), [(2, 3, 8), (2, 4, 8)]),
    (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16), [(3, 8)]),
])  # fmt: skip
def test_transformer_feed_forward_modules_see_the_inputs_shape(make: Any,
                                                               shapes: list[tuple[int, ...]]) -> None:
    # The feed-forward block ran linear1/dropout/linear2 on a (rows, d) reshape: forward hooks (torchinfo's
    # summary in the ZTM course, s16/s17) saw (10, 32) where PyTorch's see (2, 5, 32)
    torch = require_torch()
    assert _hooked_shapes(mg, make, *shapes) == _hooked_shapes(torch, make, *shapes)


def _same_padding_warnings(lib: Any, make: Any, shape: tuple[int, ...]) -> list[str]:
    lib.manual_seed(0)
    old = lib.is_warn_always_enabled()
    lib.set_warn_always(True)  # (a TORCH_WARN_ONCE: else only the process's first one)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            make(lib)(lib.randn(*shape))
    finally:
        lib.set_warn_always(old)
    # (without PyTorch's "(Triggered internally at <its C++ source>)", which it adds to some)
    return [f"{w.category.__name__}: {str(w.message).split(' (Triggered internally')[0]}" for w in seen]


@pytest.mark.parametrize(("make", "shape"), [
    (lambda lib: lib.nn.Conv2d(3, 4, 4, padding="same"), (1, 3, 6, 6)),
    (lambda lib: lib.nn.Conv2d(3, 4, (3, 2), padding="same"), (1, 3, 6, 6)),
    (lambda lib: lib.nn.Conv1d(3, 4, 2, padding="same", dilation=3), (1, 3, 7)),
    (lambda lib: lib.nn.Conv3d(1, 2, 2, padding="same"), (1, 1, 3, 3, 3)),
    (lambda lib: lib.nn.Conv2d(3, 4, 4, padding="same", dilation=2), (1, 3, 6, 6)),
    (lambda lib: lib.nn.Conv2d(3, 4, 3, padding="same"), (1, 3, 6, 6)),
    (lambda lib: lib.nn.Conv2d(3, 4, 4, padding="same", padding_mode="reflect"), (1, 3, 6, 6)),
    (lambda lib: lambda x: lib.nn.functional.conv1d(x, lib.ones(2, 3, 4), padding="same"), (1, 3, 5)),
    (lambda lib: lib.nn.Conv2d(3, 4, 4, padding="valid"), (1, 3, 6, 6)),
])  # fmt: skip
def test_same_padding_with_an_odd_total_warns(make: Any, shape: tuple[int, ...]) -> None:
    # padding='same' whose total d*(k-1) is odd in some dim (an even kernel, odd dilation) pads unevenly:
    # PyTorch warns once (TORCH_WARN_ONCE) that it copies the input; minigrad was silent (s27/s28, the ZTM
    # 03 exercise's Conv2d hyperparameter tour). Not with another padding_mode (the layer pads first).
    torch = require_torch()
    assert _same_padding_warnings(mg, make, shape) == _same_padding_warnings(torch, make, shape)


@pytest.mark.parametrize("make", [
    lambda lib: [np.array(0.5, dtype=np.float32), np.array(1.5, dtype=np.float32)],
    lambda lib: (np.array(1), np.array(2)),
    lambda lib: [[np.array(0.5), np.array(1.0)]],
    lambda lib: [np.array(True), 0.5],
    lambda lib: [0.5, np.array(1.5)],
    lambda lib: [np.array([0.5]), np.array([1.5])],
    lambda lib: [lib.tensor(0.5), np.float32(1.5)],
    lambda lib: [[], []],
])  # fmt: skip
@pytest.mark.parametrize("ctor", ["tensor", "as_tensor", "FloatTensor"])
def test_zero_dim_array_first_in_a_list_has_no_len(make: Any, ctor: str) -> None:
    # torch.tensor([loss.detach().numpy(), ...]) (a loss curve kept as 0-d arrays, ZTM 01, s30/s31): PyTorch
    # sizes nested lists with len() of their first items and raises TypeError; minigrad made a tensor
    torch = require_torch()
    outcomes = []
    for lib in (mg, torch):
        try:
            with warnings.catch_warnings():  # (PyTorch's "a list of numpy.ndarrays is extremely slow")
                warnings.simplefilter("ignore")
                t = getattr(lib, ctor)(make(lib))
            outcomes.append((str(t.dtype).replace("torch.", ""), t.tolist()))
        except TypeError as e:
            outcomes.append(("TypeError", str(e).split(" (")[0]))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.max(x, True), lambda lib, x: x.max(True), lambda lib, x: x.min(False),
    lambda lib, x: lib.min(x, dim=True), lambda lib, x: x.max(True, True), lambda lib, x: x.max(1, True),
    lambda lib, x: x.min(0),
])  # fmt: skip
@pytest.mark.parametrize("shape", [(2, 3), (0, 1)])
def test_max_min_with_a_bool_dim_raise(call: Any, shape: tuple[int, ...]) -> None:
    # x.max(True) took True as dim 1 (a bool is an int); PyTorch's parser has no overload for it: TypeError
    # (hypothesis's test_dim_arguments found it at shape (0, 1) while scripts57 ran the suite)
    torch = require_torch()
    outcomes = []
    for lib in (mg, torch):
        x = lib.arange(float(np.prod(shape))).reshape(shape)
        try:
            values, indices = call(lib, x)
            outcomes.append((values.tolist(), indices.tolist()))
        except TypeError:
            outcomes.append("TypeError")
        except IndexError:  # (min over an empty dim)
            outcomes.append("IndexError")
    assert outcomes[0] == outcomes[1]


_AUTOCAST_SCRIPT = """
import warnings
import torch
warnings.simplefilter("ignore")
cuda = torch.get_autocast_dtype("cuda")
print(cuda, torch.get_autocast_dtype("cpu"), cuda is torch.half)
print(torch.autocast("cuda").fast_dtype, torch.autocast("cpu").fast_dtype)
print(torch.autocast("cuda", torch.float32).fast_dtype)
print(torch.cuda.amp.autocast().fast_dtype, torch.get_autocast_gpu_dtype(), torch.get_autocast_cpu_dtype())
"""


def test_autocast_dtypes_as_a_script_sees_them(tmp_path: Any) -> None:
    # Under the compat hook torch.get_autocast_dtype('cuda') printed float16 (numpy's, not torch.float16) and
    # an autocast's fast_dtype was None where PyTorch gives the device's autocast dtype (s37-s39)
    require_torch()
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(mg.__file__).resolve().parent.parent
    script = tmp_path / "autocast_dtypes.py"
    script.write_text(_AUTOCAST_SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS="1")
    outs = [subprocess.run([sys.executable, *args, str(script)], capture_output=True, text=True, env=env,
                           cwd=root, timeout=300, check=True).stdout
            for args in (["-m", "minigrad.compat"], [])]
    assert outs[0] == outs[1]


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int32", "bool", "uint8", "bfloat16",
                                  "complex32", "complex64", "complex128", "float8_e4m3fn"])
def test_dtype_to_complex_and_to_real(name: str) -> None:
    # torch.float32.to_complex() (s40/s41) raised numpy's AttributeError under the compat hook; PyTorch gives
    # complex64 (an int or bool dtype: RuntimeError). complex64.to_real() is float32
    torch = require_torch()
    from minigrad import dtypes

    ours = getattr(mg, name)
    ours = ours if isinstance(ours, dtypes._NameOnlyDtype) else dtypes.torch_style(ours)
    outcomes = []
    for dt in (ours, getattr(torch, name)):
        row = []
        for method in ("to_complex", "to_real"):
            try:
                row.append(str(getattr(dt, method)()).split(".")[-1])
            except RuntimeError as e:
                row.append(f"RuntimeError: {str(e).split(' (')[0]}")
        outcomes.append(row)
    assert outcomes[0] == outcomes[1]


def test_untyped_storage_device_and_element_size() -> None:
    # x.untyped_storage().device raised AttributeError (s44): PyTorch's is the tensor's device; an untyped
    # storage's element_size() is 1 (bytes) and is_cuda False
    torch = require_torch()
    rows = []
    for lib in (mg, torch):
        u = lib.ones(2, 3).untyped_storage()
        rows.append((str(u.device), u.device.type, u.element_size(), u.is_cuda, u.nbytes()))
    assert rows[0] == rows[1]


@pytest.mark.parametrize("seed", [2**64, -2**63 - 1, 2**64 - 1, -2**63, -1, 0])
@pytest.mark.parametrize("where", ["global", "generator"])
def test_manual_seed_range(seed: int, where: str) -> None:
    # torch.manual_seed(2**64) took the seed modulo 2**64 (s45); PyTorch unpacks it as a 64-bit integer and
    # raises ValueError ('Overflow when unpacking long long') outside [-2**63, 2**64)
    torch = require_torch()
    outcomes = []
    for lib in (mg, torch):
        try:
            g = lib.manual_seed(seed) if where == "global" else lib.Generator().manual_seed(seed)
            outcomes.append((g.initial_seed(), lib.rand(2, generator=g).tolist()))
        except ValueError as e:
            outcomes.append(str(e).split(" (")[0])
    assert outcomes[0] == outcomes[1]
