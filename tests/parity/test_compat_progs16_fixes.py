"""What the progs16 batch of compat programs (tests/compat/programs: legacy init, beam search, ...)
needed: each fix checked against torch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_OLD_INITS = ("uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
              "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse")


@pytest.mark.parametrize("name", _OLD_INITS)
def test_deprecated_init_spellings(name: str) -> None:
    """Before progs16 (legacy_init_cnn.py) nn.init.xavier_uniform & co. (PyTorch's pre-0.4 names, still
    there with a FutureWarning) were missing: old reference code crashed with AttributeError."""
    results = []
    for lib in (torch, mg):
        lib.manual_seed(3)
        w = lib.empty(4, 2, 3) if name == "dirac" else lib.empty(4, 3)
        args = {"constant": (0.25,), "sparse": (0.5,)}.get(name, ())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = getattr(lib.nn.init, name)(w, *args)
        assert out is w
        results.append((w.numpy(), [(c.category, str(c.message)) for c in caught]))
    # (orthogonal: QR's rounding)
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6, atol=1e-7)
    assert results[1][1] == results[0][1]


def test_nllloss2d() -> None:
    """Before progs16 nn.NLLLoss2d (deprecated, as NLLLoss with a FutureWarning) was missing."""
    results = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        logp = lib.nn.functional.log_softmax(lib.randn(2, 3, 2, 2), 1)
        target = lib.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = lib.nn.NLLLoss2d(weight=lib.tensor([1.0, 2.0, 0.5]), ignore_index=2)
        results.append((round(loss(logp, target).item(), 6), isinstance(loss, lib.nn.NLLLoss),
                        [(c.category, str(c.message)) for c in caught]))
    assert results[1] == results[0]


def test_top_level_grad_scaler_and_linalg_matmul() -> None:
    """Before progs16 torch.GradScaler (torch.amp.GradScaler's top-level name) and torch.linalg.matmul
    were missing."""
    assert mg.GradScaler is mg.amp.GradScaler
    assert mg.GradScaler("cpu").get_scale() == torch.GradScaler("cpu").get_scale()
    a, b = [[1.0, 2.0], [3.0, 4.0]], [[0.5], [-1.0]]
    assert mg.linalg.matmul(mg.tensor(a), mg.tensor(b)).tolist() == torch.linalg.matmul(
        torch.tensor(a), torch.tensor(b)).tolist()


@pytest.mark.parametrize("dt", [np.uint8, np.int8, np.int16, np.int32, np.float16, np.float32, np.float64,
                                np.int64, np.bool_])
def test_tensor_of_numpy_data_keeps_its_dtype(dt: type) -> None:
    """Before progs16 (image_numpy_bridge.py) torch.tensor(np.array(img)) of a uint8 image was int64 (and
    int32/int16/int8 arrays int64, float16 ones float32): it printed without dtype=torch.uint8 and
    `img + 10` did not wrap around. PyTorch keeps the array's (or numpy scalar's, or a list of numpy
    scalars') dtype."""
    a = np.array([1, 120], dtype=dt)
    results = []
    for lib in (torch, mg):
        made = [lib.tensor(a), lib.tensor(a[0]), lib.tensor([a[0], a[1]]), lib.tensor(a[:, None])]
        results.append([(repr(t).replace("minigrad.", "torch."), str(t.dtype).removeprefix("torch."))
                        for t in made])
        if dt == np.uint8:
            results[-1].append(repr(lib.tensor(a) + 140).replace("minigrad.", "torch."))
    assert results[1] == results[0]


def test_binary_cross_entropy_keeps_the_negative_zero_at_one() -> None:
    """Before progs16 (numerics_masks_bce.py) binary_cross_entropy(1.0, 1.0) gave +0.0, printed 0.0000
    where PyTorch prints -0.0000 (its kernel's (t - 1) * -100 - t * log(1) is -0): a sigmoid saturated
    at exactly 1.0 against a positive label, with reduction='none'."""
    results = []
    for lib in (torch, mg):
        x = lib.tensor([-30.0, 0.0, 20.0, 40.0], requires_grad=True)
        p = lib.sigmoid(x)
        loss = lib.nn.functional.binary_cross_entropy(p, lib.tensor([0.0, 1.0, 1.0, 1.0]), reduction="none")
        loss.sum().backward()
        results.append((_signed(loss.detach().numpy()), x.grad.tolist()))
    assert results[1] == results[0]


def _signed(a: Any) -> list[tuple[float, bool]]:
    """Values with their sign bits, so -0.0 and 0.0 differ."""
    return [(float(v), bool(np.signbit(v))) for v in np.asarray(a).ravel()]


def test_margin_losses_end_in_clamp_min() -> None:
    """Before progs16 (contrastive_metric_losses.py) triplet_margin_loss(reduction='none') printed
    grad_fn=<ClampBackward1> where PyTorch's hinge is clamp_min: ClampMinBackward0 (also the distance
    form and margin_ranking_loss)."""
    names = []
    for lib in (torch, mg):
        F = lib.nn.functional
        lib.manual_seed(0)
        a = lib.randn(3, 4, requires_grad=True)
        b, c = lib.randn(3, 4), lib.randn(3, 4)
        names.append([F.triplet_margin_loss(a, b, c, reduction="none").grad_fn.name(),
                      F.triplet_margin_with_distance_loss(a, b, c, reduction="none").grad_fn.name(),
                      F.margin_ranking_loss(a[:, 0], b[:, 0], lib.ones(3), reduction="none").grad_fn.name()])
    assert names[1] == names[0]


def test_views_made_under_no_grad_require_grad() -> None:
    """Before progs16 (bidir_packed_rnn_tagger.py, grad_mode_decorators.py) `with torch.no_grad():
    print(model.h0[0, 0])` printed no requires_grad=True: PyTorch's views of a tensor that requires grad
    made under no_grad require grad too (leaves without grad_fn); copies (advanced indexing, arithmetic) do
    not. An in-place change of such a view in grad mode is still PyTorch's no_grad-view error."""
    results = []
    for lib in (torch, mg):
        w = lib.nn.Parameter(lib.ones(2, 3))
        with lib.no_grad():
            made = [w[0], w[:, 1], w.view(-1), w.t(), w.reshape(3, 2), w.unsqueeze(0), w.expand(2, 2, 3),
                    w.narrow(1, 0, 2), w.select(0, 1), w.unbind(0)[0], w.chunk(3, 1)[0], w.permute(1, 0),
                    w.diagonal(), w[[0, 1]], w * 1, w.detach()]
            row = repr(w[0]).replace("minigrad.", "torch.")
        flags = [(t.requires_grad, t.is_leaf, t.grad_fn is None) for t in made]
        try:
            made[0].zero_()
            error = ""
        except RuntimeError as e:
            error = str(e).split(".")[0]
        results.append((flags, row, error))
    assert results[1] == results[0]


def test_scatter_add_takes_int32_indices() -> None:
    """Before progs16 scatter_add / scatter_add_ refused an int32 index (InvalidParameterError) that PyTorch
    takes, as gather and scatter do: GNN message passing with an edge index from numpy int32 arrays (which
    torch.tensor now keeps int32) crashed."""
    results = []
    for lib in (torch, mg):
        index = lib.tensor(np.array([[2, 0, 1], [1, 1, 0]], dtype=np.int32))
        src = lib.arange(6.0).view(2, 3).requires_grad_(True)
        out = lib.zeros(3, 3).scatter_add(0, index, src)
        out2 = lib.zeros(3, 3).scatter_add_(1, index.t(), src.detach().t())
        (out * lib.arange(9.0).view(3, 3)).sum().backward()
        results.append((out.tolist(), out2.tolist(), src.grad.tolist()))
    assert results[1] == results[0]


def test_typed_storage() -> None:
    """Before progs16 (tensor_storage_strides.py) Tensor.storage() was missing (AttributeError): "Deep
    Learning with PyTorch" and stride tutorials print points.storage(), index it and write through it."""
    results = []
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            points = lib.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
            store = points.storage()
            store[0] = 2.0
            row = points[1]
            seen = [repr(store), len(store), store[-1], store.tolist(), store.size(), store.element_size(),
                    store.nbytes(), store.type(), repr(lib.arange(3).storage()), points[0].tolist(),
                    row.storage().data_ptr() == store.data_ptr(), len(row.storage()),
                    points.t().contiguous().storage().tolist(), lib.is_storage(store),
                    repr(lib.tensor([], dtype=lib.float64).storage())]
            store.fill_(1.5)
            seen.append(points.tolist())
            for bad in (6, slice(0, 2)):
                try:
                    store[bad]
                except (IndexError, RuntimeError) as e:
                    seen.append((type(e).__name__ if isinstance(e, IndexError) else "RuntimeError", str(e)))
        results.append(seen)
    assert results[1] == results[0]


def test_inplace_cast_error_in_pytorchs_words() -> None:
    """Before progs16 `x += 0.5` on an integer tensor raised numpy's "in-place add: Cannot cast ufunc 'add'
    output from dtype('float64')..." where PyTorch says "result type Float can't be cast to the desired
    output type Long" (tutorials on dtypes print it)."""
    def refusals(lib: Any) -> list[str]:
        i, b = lib.tensor([1, 2, 3]), lib.tensor([True, False])
        seen = []
        for fn in (lambda: i.add_(lib.tensor([0.5, 1.5, 2.5])), lambda: i.mul_(2.5), lambda: b.add_(1),
                   lambda: i.__itruediv__(2), lambda: lib.tensor([1], dtype=lib.uint8).sub_(0.5)):
            try:
                fn()
            except RuntimeError as e:
                seen.append(str(e))
        return seen

    want = refusals(torch)
    assert refusals(mg) == want and len(want) == 5


def test_bce_with_logits_gradient_is_pytorchs_formula() -> None:
    """Before progs16 (numerics_masks_bce.py) the input gradient of binary_cross_entropy_with_logits was
    composed from log_sigmoid, (1 - t) - lw * sigmoid(-x): a confident logit's small gradient cancelled
    (x = -40, t = 0 gave 0 for PyTorch's sigmoid(-40) = 4.2e-18; x = 17, t = 1 gave -4e-8 for PyTorch's 0;
    relative errors of 1e-3 near |x| = 10). It is now PyTorch's sigmoid(x) * (pw * t + 1 - t) - pw * t."""
    results = []
    for lib in (torch, mg):
        F = lib.nn.functional
        x = lib.tensor([-40.0, -10.0, -5.0, 0.0, 5.0, 9.0, 17.0, 40.0], requires_grad=True)
        t = lib.tensor([0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0], requires_grad=True)
        for pos_weight in (None, lib.tensor(2.0)):
            for reduction in ("none", "mean"):
                x.grad = t.grad = None
                loss = F.binary_cross_entropy_with_logits(x, t, pos_weight=pos_weight, reduction=reduction)
                loss.backward(lib.ones_like(loss))
                results.append((loss.tolist(), _signed(x.grad.numpy()), _signed(t.grad.numpy())))
    for got, want in zip(results[len(results) // 2:], results[: len(results) // 2]):
        np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
        np.testing.assert_allclose([v for v, _ in got[1]], [v for v, _ in want[1]], rtol=2e-6, atol=0)
        np.testing.assert_allclose([v for v, _ in got[2]], [v for v, _ in want[2]], rtol=1e-6)


def test_numpy_ufuncs_on_a_tensor_give_a_tensor() -> None:
    """Before progs16 np.exp(t) of a tensor gave a numpy array (printed without tensor(...), no .numpy());
    PyTorch's __array_wrap__ makes it a tensor (bool results uint8, its old workaround)."""
    results = []
    for lib in (torch, mg):
        t = lib.tensor([1.0, 2.0, float("nan")])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (numpy 2's DeprecationWarning about PyTorch's signature)
            made = [np.exp(t), np.isnan(t), np.greater(t, 1), np.sqrt(lib.tensor(4.0)), np.maximum(t, 1.5),
                    np.log(lib.tensor([1, 2])), np.abs(lib.tensor([-1, 2]))]
        results.append([(type(m).__name__, repr(m).replace("minigrad.", "torch.")) for m in made])
    assert results[1] == results[0]
