"""What the progs19 batch of compat programs (tests/compat/programs: makemore_wavenet_layers,
llmfs_kvcache_gqa, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

import io
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _round_trip(lib: Any, obj: Any) -> Any:
    buf = io.BytesIO()
    lib.save(obj, buf)
    buf.seek(0)
    return lib.load(buf, weights_only=True)


def test_saved_state_dict_loads_as_ordered_dict() -> None:
    """Before progs19 a saved ``state_dict()`` (an OrderedDict) loaded as a plain dict, alone or nested in a
    checkpoint: ``print(sd.keys())`` showed ``dict_keys`` where PyTorch's shows ``odict_keys``."""
    m, tm = mg.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    pairs = [(_round_trip(mg, m.state_dict()), _round_trip(torch, tm.state_dict())),
             (_round_trip(mg, {"model": m.state_dict(), "step": 3})["model"],
              _round_trip(torch, {"model": tm.state_dict(), "step": 3})["model"]),
             (_round_trip(mg, OrderedDict(a=mg.ones(2))), _round_trip(torch, OrderedDict(a=torch.ones(2)))),
             (_round_trip(mg, {"a": mg.ones(2)}), _round_trip(torch, {"a": torch.ones(2)})),
             (_round_trip(mg, {"a": [1, {"b": 2}]})["a"][1],
              _round_trip(torch, {"a": [1, {"b": 2}]})["a"][1])]
    for got, want in pairs:
        assert type(got) is type(want)
        assert list(got) == list(want)


def _multi_output_function(lib: Any, seen: list[list[Any]]) -> Any:
    class Split(lib.autograd.Function):  # type: ignore[misc, name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            b = x * 3
            ctx.mark_non_differentiable(b)
            return x * 2, x > 0, (x * 3).long(), b

        @staticmethod
        def backward(ctx: Any, g: Any, gm: Any, gl: Any, gb: Any) -> Any:
            seen.append([(str(t.dtype).rpartition(".")[2], t.tolist()) for t in (gm, gl, gb)])
            return g * 2

    return Split


def test_materialized_grads_take_the_outputs_dtypes() -> None:
    """Before progs19 a custom Function's backward got float zeros for its bool and int outputs (and for
    a marked non-differentiable sort index); PyTorch's zeros have each output's dtype (False, 0)."""
    seen: list[list[Any]] = [], []
    for lib, record in ((mg, seen[0]), (torch, seen[1])):
        for dtype in (lib.float32, lib.float64):
            x = lib.tensor([1.0, -2.0], dtype=dtype, requires_grad=True)
            _multi_output_function(lib, record).apply(x)[0].sum().backward()
    assert seen[0] == seen[1]


def test_custom_function_node_repr_and_shape_message() -> None:
    """Before progs19 a custom Function's grad_fn printed as ``<ExpBackward object at ...>``; PyTorch's
    generated class lives in torch.autograd.function and its repr says so. A wrong-shaped gradient's
    error began "function ..." where PyTorch's says "Function ..."."""
    class Twice(mg.autograd.Function):  # type: ignore[misc]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.sum()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g.expand(3)

    class TTwice(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.sum()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g.expand(3)

    got, want = Twice.apply(mg.ones(2, requires_grad=True)), TTwice.apply(torch.ones(2, requires_grad=True))
    assert repr(got.grad_fn).startswith("<minigrad.autograd.function.TwiceBackward object at 0x")
    assert repr(want.grad_fn).startswith("<torch.autograd.function.TTwiceBackward object at 0x")
    messages = []
    for out in (got, want):
        try:
            out.backward()
        except RuntimeError as err:
            messages.append(str(err).replace("TTwice", "Twice"))
    assert len(messages) == 2 and messages[0] == messages[1]


def _once_differentiable_grad(lib: Any) -> Any:
    class Double(lib.autograd.Function):  # type: ignore[misc, name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2

    x, w = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
    return lib.autograd.grad((Double.apply(x) * w * w).sum(), x, create_graph=True)[0]


def test_once_differentiable_error_node_as_pytorch() -> None:
    """Before progs19 the node a ``@once_differentiable`` backward's result gets under create_graph was
    named DelayedErrorBackward0 and listed the backward's inputs (a None and Mul); PyTorch's is
    ``torch::autograd::Error`` (``grad_fn=<Error>``) over a detached leaf copy (one AccumulateGrad)."""
    got, want = _once_differentiable_grad(mg), _once_differentiable_grad(torch)
    assert got.grad_fn.name() == want.grad_fn.name() == "torch::autograd::Error"
    assert repr(got.grad_fn).split(" object")[0] == repr(want.grad_fn).split(" object")[0] == "<Error"
    assert ([f.name() for f, _ in got.grad_fn.next_functions]
            == [f.name() for f, _ in want.grad_fn.next_functions] == ["torch::autograd::AccumulateGrad"])
    for g in (got, want):
        try:
            g.sum().backward()
        except RuntimeError as err:
            assert "marked with @once_differentiable" in str(err)
        else:
            raise AssertionError("no error")


def _packed_state_nodes(lib: Any) -> list[str]:
    lengths = [2, 4, 3]
    lib.manual_seed(0)
    x = lib.nn.utils.rnn.pad_sequence([lib.randn(n, 3) for n in lengths], batch_first=True)
    packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    h0 = (lib.zeros(1, 3, 2, requires_grad=True), lib.zeros(1, 3, 2))
    _, (h, c) = lib.nn.LSTM(3, 2, batch_first=True)(packed, h0)
    _, hg = lib.nn.GRU(3, 2, batch_first=True)(packed)
    return [h.grad_fn.name(), c.grad_fn.name(), hg.grad_fn.name()]


def test_rnn_states_of_unsorted_packed_batch_are_index_selected() -> None:
    """Before progs19 the final (and given initial) states of an RNN run on a PackedSequence with
    enforce_sorted=False were permuted by indexing (IndexBackward0); PyTorch's permute_hidden uses
    index_select, so ``print(h)`` shows ``grad_fn=<IndexSelectBackward0>``."""
    assert _packed_state_nodes(mg) == _packed_state_nodes(torch) == ["IndexSelectBackward0"] * 3


def _recorded_grad_nodes(lib: Any) -> list[str]:
    gen = np.random.default_rng(0)
    x, b, c, w = (lib.tensor(gen.standard_normal(s).astype(np.float32), requires_grad=True)
                  for s in [(4, 3), (3,), (4, 1), (2, 3)])
    grads = lib.autograd.grad(((x + b) * c).pow(2).sum(), [b, c], create_graph=True)
    names = [t.grad_fn.name() for t in grads]
    for wt in (w.t(), w.transpose(0, 1), w.T, w.permute(1, 0), w.mT):
        names += [lib.autograd.grad((x @ wt).pow(2).sum(), w, create_graph=True)[0].grad_fn.name()]
    lin = lib.nn.Linear(3, 2)
    names += [t.grad_fn.name() for t in lib.autograd.grad(lin(x).pow(2).sum(), list(lin.parameters()),
                                                             create_graph=True)]
    return names


def test_recorded_gradients_end_in_pytorchs_nodes() -> None:
    """Before progs19 a gradient recorded under create_graph (torch.func.grad of a model, MAML's inner
    step) ended in PermuteBackward0 for a weight used as ``w.t()`` and SumBackward1 for a bias broadcast
    over a batch; PyTorch's derivative of t() is t() (transpose's a transpose) and its sum_to keeps the
    dims and views: TBackward0 and ViewBackward0, which ``print(grads)`` shows."""
    assert _recorded_grad_nodes(mg) == _recorded_grad_nodes(torch)


def _inference_outcomes(lib: Any) -> list[str]:
    x = lib.ones(2, requires_grad=True)
    with lib.inference_mode():
        y = lib.ones(2) * 3
    cases = [lambda: y * x, lambda: x * y, lambda: y + x, lambda: x.exp() * y, lambda: y.detach() * x,
             lambda: y.clone() * x, lambda: x @ y, lambda: x / y, lambda: y[0] * x,
             lambda: lib.where(lib.tensor([True, False]), x, y), lambda: lib.cat([x, y]),
             lambda: lib.nn.functional.linear(x, y[None])]
    outcomes = []
    for make in cases:
        try:
            make().sum().backward()
            outcomes.append("ok")
        except RuntimeError as err:
            outcomes.append(str(err))
    return outcomes


def test_inference_tensors_cannot_be_saved_for_backward() -> None:
    """Before progs19 an inference tensor (made inside inference_mode) used with a tensor that requires
    grad in an op whose backward reads it (``y * x``, ``x @ y``) trained on silently; PyTorch raises
    "Inference tensors cannot be saved for backward" (ops that save nothing, as add and cat, are fine)."""
    got, want = _inference_outcomes(mg), _inference_outcomes(torch)
    assert got == want
    assert want.count("ok") == 4


def _where_then_inplace(lib: Any) -> list[float]:
    x = lib.ones(3, requires_grad=True)
    a, b = x * 2, x * 3
    y = lib.where(lib.tensor([True, False, True]), a, b)
    a.add_(1)
    b.mul_(2)
    y.sum().backward()
    return [float(v) for v in x.grad]


def test_where_saves_only_its_condition() -> None:
    """Before progs19 changing where's value inputs in place before backward raised "modified by an
    inplace operation"; PyTorch's where saves only the condition, so backward runs."""
    assert _where_then_inplace(mg) == _where_then_inplace(torch) == [2.0, 3.0, 2.0]


def test_nn_attention_reachable_after_import_torch() -> None:
    """Before progs19 ``torch.nn.attention.sdpa_kernel(...)`` without importing torch.nn.attention first
    raised AttributeError; PyTorch's torch.nn imports it."""
    import subprocess
    import sys

    code = "import minigrad; print(minigrad.nn.attention.SDPBackend.MATH.name)"
    root = Path(__file__).resolve().parents[2]  # (python -c puts the working directory first on sys.path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root).stdout
    assert out.strip() == torch.nn.attention.SDPBackend.MATH.name


def _inference_messages(lib: Any) -> list[str]:
    with lib.inference_mode():
        t = lib.ones(2) * 2
    messages = []
    for change in (lambda: t.add_(1), lambda: t.requires_grad_()):
        try:
            change()
        except RuntimeError as err:
            messages.append(str(err))
    return messages


def test_inference_tensor_errors_in_pytorchs_words() -> None:
    """Before progs19 the errors for changing an inference tensor in place, or asking it for gradients,
    outside inference_mode had minigrad's own wording (a script printing them showed other text)."""
    assert _inference_messages(mg) == _inference_messages(torch)


def _product_nodes(lib: Any) -> list[str]:
    gen = np.random.default_rng(1)
    xs = [lib.tensor(gen.standard_normal(s).astype(np.float32), requires_grad=True)
          for s in [(4,), (3, 4), (2, 3, 4), (2, 2, 3, 4)]]
    w = lib.tensor(gen.standard_normal((5, 4)).astype(np.float32), requires_grad=True)
    names = []
    for bias in (True, False):
        layer = lib.nn.Linear(4, 5, bias=bias)
        names += [layer(x).grad_fn.name() for x in xs]
    names += [(x @ w.t()).grad_fn.name() for x in xs] + [(xs[2] @ xs[0]).grad_fn.name()]
    return names


def test_folded_matmul_is_an_unsafe_view() -> None:
    """Before progs19 a batched input times a matrix (a bias-free lm_head on (B, T, C), ``x @ w.t()``)
    printed grad_fn=<ViewBackward0>; PyTorch folds the batch into one mm and views the result back with
    _unsafe_view: UnsafeViewBackward0 (with a bias, addmm then view: ViewBackward0 in both)."""
    assert _product_nodes(mg) == _product_nodes(torch)


def _composed_op_nodes(lib: Any) -> list[str]:
    gen = np.random.default_rng(2)

    def leaf(*shape: int) -> Any:
        return lib.tensor(gen.standard_normal(shape).astype(np.float32), requires_grad=True)

    a, b, m, v = leaf(2, 3, 4), leaf(2, 5, 4), leaf(4, 6), leaf(4)
    outs = [lib.einsum(eq, *ops) for eq, *ops in [
        ("bij,bkj->bik", a, b), ("bij,bkj->bki", a, b), ("bij,jk->ik", a, m), ("ij,jk->ik", m.T, m),
        ("ij,jk->ki", m.T, m), ("i,j->ij", v, v), ("bij->bji", a), ("bij,j->bi", a, v)]]
    x = leaf(2, 3, 4)
    f = lib.nn.functional
    outs += [f.pixel_shuffle(x.reshape(1, 4, 2, 3), 2), f.pixel_unshuffle(x.reshape(1, 1, 4, 6), 2),
             lib.kron(x[0], x[0]), x.quantile(0.5), x.quantile(0.5, dim=1, keepdim=True),
             x.nanquantile(0.3, dim=-1)]
    return [t.grad_fn.name() for t in outs]


def test_composed_ops_show_pytorchs_last_node() -> None:
    """Before progs19 these composed functions showed their last primitive's node: einsum contractions
    UnsafeViewBackward0/MmBackward0/PermuteBackward0 (PyTorch's bmm viewed back: ViewBackward0; an outer
    product MulBackward0), pixel_shuffle/unshuffle ViewBackward0 (PyTorch's one op), kron ViewBackward0
    (UnsafeViewBackward0) and quantile ViewBackward0 (SqueezeBackward4)."""
    assert _composed_op_nodes(mg) == _composed_op_nodes(torch)


def _padding_and_instance_norm_nodes(lib: Any) -> list[str]:
    gen = np.random.default_rng(3)
    x3 = lib.tensor(gen.standard_normal((2, 3, 5)).astype(np.float32), requires_grad=True)
    x5 = lib.tensor(gen.standard_normal((1, 1, 3, 4, 5)).astype(np.float32), requires_grad=True)
    f = lib.nn.functional
    names = [f.pad(x, p, mode=mode).grad_fn.name() for mode in ("reflect", "replicate", "circular")
             for x, p in ((x3, (1, 2)), (x3.reshape(1, 2, 3, 5), (1, 1, 2, 0)), (x5, (1, 1, 1, 1, 1, 1)),
                          (x3[0], (1, 1)))]
    names.append(repr(f.pad(x3, (1, 1), mode="circular")).rpartition("grad_fn=")[2])
    norm = lib.nn.InstanceNorm1d(3, affine=True, track_running_stats=True)
    names += [f.instance_norm(x3).grad_fn.name(), norm(x3).grad_fn.name(), norm.eval()(x3).grad_fn.name()]
    return names


def test_padding_modes_and_instance_norm_show_pytorchs_nodes() -> None:
    """Before progs19 reflect/replicate/circular padding showed CatBackward0 (PyTorch's
    ReflectionPad{k}DBackward0, ReplicationPad{k}DBackward0, and CopySlices for circular) and
    instance_norm MulBackward0/AddcmulBackward0/NativeBatchNormBackward0 (PyTorch's batch_norm over a view,
    viewed back: ViewBackward0)."""
    assert _padding_and_instance_norm_nodes(mg) == _padding_and_instance_norm_nodes(torch)


def _dirty_versions(lib: Any) -> list[int]:
    class Double(lib.autograd.Function):  # type: ignore[misc, name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2

    class Mark(lib.autograd.Function):  # type: ignore[misc, name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    versions = []
    leaf = lib.ones(3, requires_grad=True)
    for fn in (Double, Mark):
        x = leaf.clone()
        view = x[1:]
        out = fn.apply(x)
        with lib.no_grad():
            plain = lib.ones(2)
            fn.apply(plain)
        versions += [x._version, view._version, out._version, plain._version]
    return versions


def test_mark_dirty_bumps_the_version() -> None:
    """Before progs19 an input a custom Function marked dirty kept the version its in-place writes gave
    it; PyTorch bumps it (and its views') once more at apply, in any grad mode, so a tensor saved
    earlier and then marked dirty fails backward's version check as in PyTorch."""
    assert _dirty_versions(mg) == _dirty_versions(torch) == [2, 2, 2, 2, 1, 1, 1, 1]


def _more_composed_nodes(lib: Any) -> list[str]:
    gen = np.random.default_rng(4)
    x = lib.tensor(gen.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    v = lib.tensor(gen.standard_normal(4).astype(np.float32), requires_grad=True)
    a = lib.tensor((gen.standard_normal((3, 3)) + 3 * np.eye(3)).astype(np.float32), requires_grad=True)
    w = lib.tensor(gen.standard_normal((2, 4, 4)).astype(np.float32))
    f = lib.nn.functional
    outs = [x.renorm(1, 1, 0.5), lib.vdot(v, v), lib.fmax(x, x * 2), lib.fmin(x, x * 2), lib.rad2deg(x),
            lib.deg2rad(x), lib.lerp(x, x * 2, lib.tensor(0.3)), lib.lerp(x, x * 2, 0.3),
            f.bilinear(x, x, w), f.bilinear(v, v, w), lib.linalg.solve(a, v[:3]),
            lib.linalg.solve(a, x[:, :2])]
    return [t.grad_fn.name() for t in outs]


def test_more_composed_ops_show_pytorchs_nodes() -> None:
    """Before progs19 renorm, vdot, fmax/fmin, rad2deg/deg2rad, lerp with a tensor weight, bias-free
    bilinear and a vector linalg.solve showed their last primitive's node (MulBackward0, DotBackward0,
    WhereBackward0, LerpBackward0, SumBackward1, SqueezeBackward1) where PyTorch shows its own op's."""
    assert _more_composed_nodes(mg) == _more_composed_nodes(torch)


def _inplace_nodes(lib: Any) -> list[str]:
    w = lib.tensor(np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    writes = [lambda t: t.__setitem__(0, 1.0), lambda t: t.__setitem__((Ellipsis, 0), w[:, 1]),
              lambda t: t.__setitem__(lib.tensor([0, 2]), 1.0), lambda t: t.__setitem__(t > 0, 0.0),
              lambda t: t.__setitem__(slice(None), 0.0), lambda t: t.__setitem__(slice(0, 3), w * 2),
              lambda t: t.fill_(0.5), lambda t: t.fill_(lib.tensor(0.5)), lambda t: t.zero_(),
              lambda t: t.copy_(w * 3), lambda t: t.index_fill_(1, lib.tensor([0]), -1.0), lambda t: t.t_(),
              lambda t: t.transpose_(0, 1)]
    names = []
    for write in writes:
        t = w * 1
        write(t)
        names.append(t.grad_fn.name())
    return names


def test_inplace_writes_show_pytorchs_nodes() -> None:
    """Before progs19 ``t[0] = 1`` on a tensor in the graph showed IndexPutBackward0 (PyTorch's basic-index
    write is CopySlices; a whole-tensor one FillBackward3 or CopyBackwards), fill_/zero_/copy_ showed
    WhereBackward0 (FillBackward2/3, ZeroBackward0, CopyBackwards), index_fill IndexPutBackward0, and
    t_/transpose_ the out-of-place nodes (PyTorch's in-place overloads are TBackward1, TransposeBackward1)."""
    assert _inplace_nodes(mg) == _inplace_nodes(torch)
