"""Bad input at every layer constructor, layer call, loss and functional, judged against PyTorch.

Layers are built in both libraries with the same weights (minigrad's
``state_dict`` loaded into the PyTorch module), then fed wrong ranks, wrong
feature sizes, int/bool/float64 inputs, empty batches, NaN and inf, and
non-tensors; losses get out-of-range, ignored, float and mis-shaped targets.
Every case goes through :func:`tests.robustness.oracle.check`.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from tests.helpers import require_torch
from tests.robustness.oracle import RELAXED_SEEN, check, describe, expect_error

torch = require_torch()
TF = torch.nn.functional
_TD = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
       np.dtype(np.int64): torch.int64, np.dtype(np.bool_): torch.bool}  # fmt: skip


def _tt(a: Any) -> Any:
    return torch.tensor(a, dtype=_TD[a.dtype]) if isinstance(a, np.ndarray) else a


def _mt(a: Any) -> Any:
    return mg.tensor(a) if isinstance(a, np.ndarray) else a


# ------------------------------------------------------------------ constructors

# (layer, valid keyword arguments, {argument: bad values}); one bad argument per case
CONSTRUCTORS: list[tuple[str, dict[str, Any], dict[str, list[Any]]]] = [
    ("Linear", {"in_features": 3, "out_features": 2},
     {"in_features": [-1, 2.5, "3", None, True], "out_features": [-2, 1.5, None], "bias": ["yes", 2, None],
      "dtype": [np.int64, "foo", np.bool_]}),
    ("BatchNorm1d", {"num_features": 3},
     {"num_features": [0, -1, 2.5, None, "a"], "eps": [0, -1e-5, float("nan"), "a", float("inf")],
      "momentum": [-0.1, 1.5, "a", float("nan")], "affine": ["a", 2], "track_running_stats": ["a", None],
      "dtype": [np.int64]}),
    ("LayerNorm", {"normalized_shape": 3},
     {"normalized_shape": [[], 0, -1, [2, 0], 2.5, "a", (2, "a"), None], "eps": [0, -1.0, float("nan"), "a"],
      "elementwise_affine": ["a", 3], "bias": ["a"], "dtype": [np.bool_]}),
    ("Dropout", {}, {"p": [-0.1, 1.0, 1.5, float("nan"), "a", None, float("inf")]}),
    ("Embedding", {"num_embeddings": 5, "embedding_dim": 3},
     {"num_embeddings": [0, -1, 2.5, None], "embedding_dim": [-1, 2.5, "a"], "padding_idx": [5, -6, 2.5,
                                                                                             "a"]}),
    ("MultiheadAttention", {"embed_dim": 4, "num_heads": 2, "batch_first": True},
     {"embed_dim": [0, -1, 2.5], "num_heads": [0, -1, 3, 2.0], "dropout": [-0.1, 1.5, "a"], "bias": ["a"],
      "batch_first": ["a"]}),
    ("TransformerEncoderLayer", {"d_model": 4, "nhead": 2, "dim_feedforward": 8, "batch_first": True},
     {"d_model": [0, -4, 4.5], "nhead": [3, 0, -2], "dim_feedforward": [0, -1, 2.5], "dropout": [1.5,
                                                                                                 -0.5, "a"],
      "activation": ["swish", 5, None], "norm_first": ["a"], "layer_norm_eps": [0.0, -1.0]}),
    ("TransformerDecoderLayer", {"d_model": 4, "nhead": 2, "dim_feedforward": 8},
     {"d_model": [0, 4.5], "nhead": [3, 0], "dim_feedforward": [0, 2.5], "dropout": [1.5, "a"],
      "activation": ["swish", None], "norm_first": ["a"], "batch_first": [2], "layer_norm_eps": [0.0]}),
    ("LSTM", {"input_size": 3, "hidden_size": 4},
     {"input_size": [0, -1, 2.5, None], "hidden_size": [0, 2.5, "a"], "num_layers": [0, -1, 1.5],
      "dropout": [-0.1, 1.5, "a"], "bias": ["a", 2], "batch_first": ["a"], "bidirectional": [None, "a"],
      "proj_size": [-1, 4, 5, 2.5], "dtype": [np.int64]}),
    ("GRU", {"input_size": 3, "hidden_size": 4},
     {"input_size": [0, 2.5], "hidden_size": [-4, None], "num_layers": [0, "2"], "dropout": [float("nan"), 2],
      "bidirectional": [1]}),
    ("RNN", {"input_size": 3, "hidden_size": 4},
     {"nonlinearity": ["sigmoid", None, "Tanh"], "num_layers": [0], "hidden_size": [0.5]}),
    ("LSTMCell", {"input_size": 3, "hidden_size": 4},
     {"input_size": [0, 2.5], "hidden_size": [-1, "a"], "bias": ["a"], "dtype": [np.bool_]}),
    ("GRUCell", {"input_size": 3, "hidden_size": 4}, {"input_size": [None], "hidden_size": [0]}),
    ("RNNCell", {"input_size": 3, "hidden_size": 4}, {"nonlinearity": ["gelu", None], "hidden_size": [0]}),
    ("Softmax", {"dim": 1}, {"dim": ["a", 1.5]}),
    ("LogSoftmax", {"dim": 1}, {"dim": ["a", 1.5]}),
    ("Flatten", {}, {"start_dim": [1.5, "a"], "end_dim": [None, 2.5]}),
    ("GELU", {}, {"approximate": ["x", None, 1]}),
    ("CrossEntropyLoss", {}, {"reduction": ["avg", None, 5], "label_smoothing": [1.01, 1.5, "a",
                                                                                 float("nan")],
                             "ignore_index": [2.5, "a"]}),
    ("NLLLoss", {}, {"reduction": ["avg", None], "ignore_index": [2.5]}),
    ("MSELoss", {}, {"reduction": ["avg", "", None]}),
    ("BCEWithLogitsLoss", {}, {"reduction": ["avg"], "pos_weight": ["a", 3.0]}),
    ("LeakyReLU", {}, {"negative_slope": ["a", None]}),
    ("ELU", {}, {"alpha": ["a"]}),
    ("Softplus", {}, {"beta": ["a"], "threshold": [None]}),
    ("Hardtanh", {}, {"min_val": ["a"], "max_val": [-2.0, None]}),
    ("PReLU", {}, {"num_parameters": [0, -1, 2.5], "init": ["a"], "dtype": [np.int64]}),
    ("BatchNorm2d", {"num_features": 3}, {"num_features": [0, 2.5], "eps": [0, "a"], "momentum": [1.5]}),
    ("InstanceNorm1d", {"num_features": 3}, {"num_features": [0, None], "eps": [-1.0], "affine": ["a"]}),
    ("GroupNorm", {"num_groups": 2, "num_channels": 4}, {"num_groups": [0, 3, 2.5], "num_channels": [0, 5],
                                                         "eps": [0.0]}),
    ("RMSNorm", {"normalized_shape": 3}, {"normalized_shape": [[], 0, 2.5], "eps": [-1.0, "a"]}),
    ("LocalResponseNorm", {"size": 2}, {"size": [0, 2.5, None]}),
    ("Dropout2d", {}, {"p": [-0.1, 1.5, "a"]}),
    ("AlphaDropout", {}, {"p": [1.5, None]}),
    ("Bilinear", {"in1_features": 2, "in2_features": 3, "out_features": 4},
     {"in1_features": [-1, 2.5], "out_features": [None], "bias": ["a"]}),
    ("EmbeddingBag", {"num_embeddings": 5, "embedding_dim": 3},
     {"num_embeddings": [-1, 2.5], "mode": ["median", 1], "padding_idx": [5, "a"]}),
    ("L1Loss", {}, {"reduction": ["avg", None]}),
    ("HuberLoss", {}, {"reduction": ["avg"], "delta": [0.0, -1.0, "a"]}),
    ("KLDivLoss", {}, {"reduction": ["avg", "batch"]}),
    ("TripletMarginLoss", {}, {"margin": ["a"], "p": ["a"], "reduction": ["avg"]}),
]  # fmt: skip
CTOR_CASES = [(layer, ok, arg, bad) for layer, ok, bads in CONSTRUCTORS for arg, vals in bads.items()
              for bad in vals]  # fmt: skip


def _torch_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    tk = dict(kwargs)
    if "dtype" in tk and not isinstance(tk["dtype"], str):
        tk["dtype"] = _TD.get(np.dtype(tk["dtype"]), tk["dtype"])
    return tk


def _shapes(module: Any) -> str:
    """The parameter and buffer names and shapes, as text to compare."""
    return str(
        sorted((k, tuple(np.shape(v))) for k, v in module.state_dict().items() if "num_batches" not in k)
    )


@pytest.mark.parametrize(
    ("layer", "ok", "arg", "bad"), CTOR_CASES, ids=[f"{c[0]}-{c[2]}={c[3]!r}" for c in CTOR_CASES]
)
def test_constructor_bad_argument(layer: str, ok: dict[str, Any], arg: str, bad: Any) -> None:
    """Raises an error naming the argument, or builds what PyTorch builds (same parameter shapes)."""
    kwargs = {**ok, arg: bad}
    key = f"{layer}({arg}={bad!r})"
    got = check(
        key,
        lambda: _shapes(getattr(mg.nn, layer)(**kwargs)),
        lambda: _shapes(getattr(torch.nn, layer)(**_torch_kwargs(kwargs))),
    )
    if got is None:  # it raised: the message must say which argument
        e = expect_error(key + ":message", lambda: getattr(mg.nn, layer)(**kwargs))
        assert arg in str(e) or (arg == "dtype" and "dtype" in str(e)), (
            f"{key}: message does not name {arg}: {e}"
        )


# ------------------------------------------------------------------ layer calls

# (name, builder taking the nn namespace, good input shape)
LAYERS: dict[str, tuple[Callable[[Any], Any], tuple[int, ...]]] = {
    "Linear": (lambda nn: nn.Linear(3, 2), (4, 3)),
    "Linear-nobias": (lambda nn: nn.Linear(3, 2, bias=False), (4, 3)),
    "BatchNorm1d": (lambda nn: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm1d-3d": (lambda nn: nn.BatchNorm1d(3), (2, 3, 2)),
    "BatchNorm1d-noaffine-nostats": (lambda nn: nn.BatchNorm1d(3, affine=False,
                                                               track_running_stats=False), (4, 3)),
    "LayerNorm": (lambda nn: nn.LayerNorm(3), (4, 3)),
    "LayerNorm-2d": (lambda nn: nn.LayerNorm([2, 3]), (4, 2, 3)),
    "Dropout": (lambda nn: nn.Dropout(0.3), (4, 3)),
    "ReLU": (lambda nn: nn.ReLU(), (4, 3)),
    "GELU": (lambda nn: nn.GELU(), (4, 3)),
    "Tanh": (lambda nn: nn.Tanh(), (4, 3)),
    "Sigmoid": (lambda nn: nn.Sigmoid(), (4, 3)),
    "Softmax": (lambda nn: nn.Softmax(dim=1), (4, 3)),
    "LogSoftmax": (lambda nn: nn.LogSoftmax(dim=-1), (4, 3)),
    "Flatten": (lambda nn: nn.Flatten(), (4, 3, 2)),
    "Identity": (lambda nn: nn.Identity(), (4, 3)),
    "Sequential": (lambda nn: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), (4, 3)),
    "TransformerEncoderLayer": (lambda nn: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0,
                                                                      batch_first=True), (2, 3, 4)),
    "LeakyReLU": (lambda nn: nn.LeakyReLU(0.2), (4, 3)),
    "ELU": (lambda nn: nn.ELU(), (4, 3)),
    "SELU": (lambda nn: nn.SELU(), (4, 3)),
    "Softplus": (lambda nn: nn.Softplus(beta=2.0), (4, 3)),
    "Hardtanh": (lambda nn: nn.Hardtanh(-0.5, 0.5), (4, 3)),
    "Hardswish": (lambda nn: nn.Hardswish(), (4, 3)),
    "Mish": (lambda nn: nn.Mish(), (4, 3)),
    "LogSigmoid": (lambda nn: nn.LogSigmoid(), (4, 3)),
    "Softshrink": (lambda nn: nn.Softshrink(), (4, 3)),
    "PReLU": (lambda nn: nn.PReLU(3), (4, 3)),
    "GLU": (lambda nn: nn.GLU(1), (4, 2)),
    "Softmin": (lambda nn: nn.Softmin(1), (4, 3)),
    "BatchNorm2d": (lambda nn: nn.BatchNorm2d(3), (2, 3, 2, 2)),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(3, affine=True), (2, 3, 4)),
    # (2, 3): an empty spatial dim gives PyTorch nan weight gradients (minigrad: 0), not a bad input to fuzz
    "GroupNorm": (lambda nn: nn.GroupNorm(1, 3), (2, 3)),
    "RMSNorm": (lambda nn: nn.RMSNorm(3), (4, 3)),
    "LocalResponseNorm": (lambda nn: nn.LocalResponseNorm(2), (2, 3, 4)),
    "Unflatten": (lambda nn: nn.Unflatten(1, (3, 1)), (4, 3)),
    "TransformerEncoderLayer-norm_first-gelu": (
        lambda nn: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0, batch_first=True,
                                              norm_first=True, activation="gelu"), (2, 3, 4)),
}  # fmt: skip


def _pair(name: str, training: bool) -> tuple[Any, Any]:
    """The layer in minigrad and PyTorch with the same weights, in the same mode."""
    build, _ = LAYERS[name]
    m = build(mg.nn)
    t = build(torch.nn)
    state = {k: torch.tensor(np.array(v)) for k, v in m.state_dict().items()}
    missing, unexpected = t.load_state_dict(state, strict=False)
    assert not unexpected and all("num_batches_tracked" in k for k in missing), (missing, unexpected)
    m.train(training)
    t.train(training)
    return m, t


def _input(draw: st.DrawFn, good: tuple[int, ...]) -> Any:
    kind = draw(st.sampled_from(["good", "rank", "features", "empty", "dtype", "poison", "odd"]))
    shape = list(good)
    if kind == "rank":
        shape = draw(
            st.lists(st.integers(1, 3), min_size=0, max_size=5).filter(lambda s: len(s) != len(good))
        )
    elif kind == "features":
        shape[-1] = draw(st.sampled_from([0, 1, good[-1] + 1]))
    elif kind == "empty":
        shape[0] = 0
    if kind == "odd":
        return draw(st.sampled_from([None, "x", 3.0, [[1.0, 2.0, 3.0]], np.ones(good, np.float32), mg.nn]))
    rng = np.random.default_rng(draw(st.integers(0, 100)))
    a = rng.standard_normal(shape).astype(np.float32)
    if kind == "dtype":
        dt = draw(st.sampled_from([np.float64, np.int64, np.bool_]))
        a = (a > 0) if dt is np.bool_ else (np.round(a * 2).astype(dt))
    elif kind == "poison" and a.size:
        a.flat[draw(st.integers(0, a.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 3e38]))
    return a


@st.composite
def _layer_case(draw: st.DrawFn) -> tuple[str, bool, Any]:
    name = draw(st.sampled_from(sorted(LAYERS)))
    training = draw(st.booleans()) and name != "Dropout"  # dropout masks are random: eval only
    return name, training, _input(draw, LAYERS[name][1])


@settings(max_examples=150)
@given(case=_layer_case())
def test_layer_call(case: tuple[str, bool, Any]) -> None:
    """Wrong rank, wrong features, empty batch, int/bool/float64, NaN/inf and non-tensors at every layer."""
    name, training, x = case
    m, t = _pair(name, training)
    key = f"{name}:{'train' if training else 'eval'}:{describe(x)}"

    def equiv() -> Any:  # PyTorch in float64 where it refuses the dtype itself
        t64 = copy.deepcopy(t).double()
        return t64(torch.tensor(np.asarray(x), dtype=torch.float64))

    # 3e38 overflows the float32 variance inside the norms (PyTorch accumulates in double): only
    # the entries finite in both are compared then, as for sums of overflowing terms
    huge = isinstance(x, np.ndarray) and x.dtype.kind == "f" and bool((np.abs(x) == np.float32(3e38)).any())
    got = check(key, lambda: m(_mt(x)), lambda: t(_tt(x)), equiv, overflow_order=huge)
    if (
        isinstance(got, mg.Tensor)
        and got.requires_grad
        and isinstance(x, np.ndarray)
        and x.dtype == np.float32
    ):
        # gradients of every parameter agree too, NaN and inf included
        g = np.random.default_rng(1).standard_normal(got.shape).astype(np.float32)
        m.zero_grad()
        m2, t2 = _pair(name, training)
        out = m2(mg.tensor(x))
        out.backward(mg.tensor(g))
        tout = t2(torch.tensor(x))
        tout.backward(torch.tensor(g))
        tgrads = dict(t2.named_parameters())
        for pname, p in m2.named_parameters():
            tg = tgrads[pname].grad
            check(
                f"{key}:grad:{pname}",
                lambda p=p: np.zeros(p.shape) if p.grad is None else p.grad.numpy(),
                lambda tg=tg, p=p: np.zeros(p.shape) if tg is None else tg.numpy(),
                overflow_order=huge,
            )


def test_batchnorm_running_stats_after_bad_batches() -> None:
    """A batch BatchNorm1d refuses leaves the running statistics as they were."""
    m, _ = _pair("BatchNorm1d", True)
    before = {k: np.array(v) for k, v in m.state_dict().items()}
    for bad in (np.ones((1, 3), np.float32), np.ones((4, 2), np.float32), np.ones((4,), np.float32)):
        expect_error(
            f"BatchNorm1d:stats-after:{describe(bad)}", lambda b=bad: m(mg.tensor(b)), names=("BatchNorm1d",)
        )
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(np.array(v), before[k], err_msg=k)


@settings(max_examples=60)
@given(
    idx=st.one_of(
        st.lists(st.integers(-7, 7), min_size=0, max_size=4),
        st.lists(st.lists(st.integers(-2, 6), min_size=2, max_size=2), min_size=1, max_size=2),
        st.sampled_from([[0.5, 1.0], [True, False], "a", None, 3, [[]]]),
    ),
    padding=st.sampled_from([None, 0, -1, 4]),
    as_tensor=st.booleans(),
)
def test_embedding_indices(idx: Any, padding: Any, as_tensor: bool) -> None:
    """Out-of-range, negative, float and bool indices into Embedding(5, 3)."""
    m = mg.nn.Embedding(5, 3, padding_idx=padding)
    t = torch.nn.Embedding(5, 3, padding_idx=padding)
    t.load_state_dict({"weight": torch.tensor(np.array(m.weight.detach().numpy()))})
    arr = np.asarray(idx) if isinstance(idx, list) else idx

    def mk(lib: Any) -> Any:
        return lib.tensor(arr) if as_tensor and isinstance(arr, np.ndarray) else idx

    check(
        f"Embedding(padding_idx={padding}):{describe(arr)}:{as_tensor}",
        lambda: m(mk(mg)),
        lambda: t(mk(torch)),
        lambda: t(torch.tensor(np.asarray(idx))),
    )


MHA_VARIANTS: dict[str, Callable[[Any, Any], Any]] = {
    "good": lambda lib, x: {},
    "key-len-differs-from-value": lambda lib, x: {"value": lib.ones(2, 4, 4)},
    "embed-dim-mismatch": lambda lib, x: {"query": lib.ones(2, 3, 5)},
    "batch-mismatch": lambda lib, x: {"key": lib.ones(3, 3, 4), "value": lib.ones(3, 3, 4)},
    "rank-2-query": lambda lib, x: {"query": lib.ones(3, 4), "key": lib.ones(3, 4), "value": lib.ones(3, 4)},
    "rank-1-query": lambda lib, x: {"query": lib.ones(4), "key": lib.ones(4), "value": lib.ones(4)},
    "bool-mask": lambda lib, x: {"attn_mask": lib.tensor(np.triu(np.ones((3, 3), bool), 1))},
    "bool-mask-all-masked-row": lambda lib, x: {"attn_mask": lib.tensor(np.eye(3, dtype=bool) | True)},
    "float-mask": lambda lib, x: {"attn_mask": lib.tensor(np.triu(np.full((3, 3), -np.inf, np.float32), 1))},
    "float-mask-nan": lambda lib, x: {"attn_mask": lib.tensor(np.full((3, 3), np.nan, np.float32))},
    "mask-wrong-shape": lambda lib, x: {"attn_mask": lib.tensor(np.zeros((2, 2), bool))},
    "mask-3d": lambda lib, x: {"attn_mask": lib.tensor(np.zeros((4, 3, 3), bool))},
    "mask-3d-wrong-batch": lambda lib, x: {"attn_mask": lib.tensor(np.zeros((3, 3, 3), bool))},
    "mask-int": lambda lib, x: {"attn_mask": lib.tensor(np.zeros((3, 3), np.int64))},
    "mask-list": lambda lib, x: {"attn_mask": [[False] * 3] * 3},
    "kpm": lambda lib, x: {"key_padding_mask": lib.tensor(np.array([[False, False, True], [False, True,
                                                                                           True]]))},
    "kpm-all-padded": lambda lib, x: {"key_padding_mask": lib.tensor(np.ones((2, 3), bool))},
    "kpm-wrong-shape": lambda lib, x: {"key_padding_mask": lib.tensor(np.zeros((2, 4), bool))},
    "kpm-float": lambda lib, x: {"key_padding_mask": lib.tensor(np.zeros((2, 3), np.float32))},
    "causal-without-mask": lambda lib, x: {"is_causal": True},
    "need-weights": lambda lib, x: {"need_weights": True},
    "float64-query": lambda lib, x: {"query": lib.ones(2, 3, 4, dtype=lib.float64)},
    "int-query": lambda lib, x: {"query": lib.ones(2, 3, 4, dtype=lib.int64)},
    "empty-batch": lambda lib, x: {"query": lib.ones(0, 3, 4), "key": lib.ones(0, 3, 4),
                                   "value": lib.ones(0, 3, 4)},
    "nan-query": lambda lib, x: {"query": lib.tensor(np.where(np.eye(3, 4, dtype=bool), np.nan, 1.0)[None]
                                                    .repeat(2, 0).astype(np.float32))},
}  # fmt: skip


@pytest.mark.parametrize("variant", sorted(MHA_VARIANTS))
def test_multihead_attention_call(variant: str) -> None:
    """Mismatched query/key/value, masks of every wrong shape and dtype, all-masked rows, NaN queries."""
    m = mg.nn.MultiheadAttention(4, 2, batch_first=True)
    t = torch.nn.MultiheadAttention(4, 2, batch_first=True)
    t.load_state_dict({k: torch.tensor(np.array(v)) for k, v in m.state_dict().items()})
    m.eval()
    t.eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)

    def call(lib: Any, module: Any) -> Any:
        # PyTorch's fused path (need_weights=False) turns a NaN query row into zeros; its reference
        # path, like minigrad's, propagates the NaN: compare with that one
        kw = {
            "query": lib.tensor(x),
            "key": lib.tensor(x),
            "value": lib.tensor(x),
            "need_weights": variant == "nan-query" and lib is torch,
        }
        kw.update(MHA_VARIANTS[variant](lib, x))
        out = module(**kw)
        return out[0] if variant == "nan-query" else out

    def equiv() -> Any:  # PyTorch in float64, with tensors for lists and the causal mask made explicit
        kw = {
            "query": torch.tensor(x),
            "key": torch.tensor(x),
            "value": torch.tensor(x),
            "need_weights": False,
        }
        kw.update(MHA_VARIANTS[variant](torch, x))
        for k, v in list(kw.items()):
            if isinstance(v, list):
                v = torch.tensor(v)
            if isinstance(v, torch.Tensor) and v.dtype != torch.bool:
                v = v.double()
            kw[k] = v
        if kw.pop("is_causal", False) and kw.get("attn_mask") is None:
            kw["attn_mask"] = torch.triu(torch.ones(3, 3, dtype=torch.bool), 1)
        return copy.deepcopy(t).double()(**kw)

    check(f"MultiheadAttention:{variant}", lambda: call(mg, m), lambda: call(torch, t), equiv)


# ------------------------------------------------------------------ losses

LOSSES = {
    "cross_entropy": (F.cross_entropy, TF.cross_entropy), "nll_loss": (F.nll_loss, TF.nll_loss),
    "mse_loss": (F.mse_loss, TF.mse_loss),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits,
                                         TF.binary_cross_entropy_with_logits),
    "l1_loss": (F.l1_loss, TF.l1_loss), "smooth_l1_loss": (F.smooth_l1_loss, TF.smooth_l1_loss),
    "huber_loss": (F.huber_loss, TF.huber_loss), "kl_div": (F.kl_div, TF.kl_div),
    "binary_cross_entropy": (F.binary_cross_entropy, TF.binary_cross_entropy),
    "multilabel_soft_margin_loss": (F.multilabel_soft_margin_loss, TF.multilabel_soft_margin_loss),
}  # fmt: skip
# losses of two same-shaped float tensors (the rest take class indices)
POINTWISE = {"mse_loss", "binary_cross_entropy_with_logits", "l1_loss", "smooth_l1_loss", "huber_loss",
             "kl_div", "binary_cross_entropy", "multilabel_soft_margin_loss"}


@st.composite
def _loss_case(draw: st.DrawFn) -> tuple[str, np.ndarray, Any, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(LOSSES)))
    rng = np.random.default_rng(draw(st.integers(0, 50)))
    n, c = draw(st.sampled_from([(4, 3), (0, 3), (1, 1), (2, 5)]))
    shape = draw(st.sampled_from([(n, c), (c,), (n, c, 2), (n,), ()]))
    x = rng.standard_normal(shape).astype(np.float32)
    if x.size and draw(st.booleans()):
        x.flat[0] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e4, -1e4]))
    kind = draw(
        st.sampled_from(
            [
                "index",
                "index-out-of-range",
                "ignored",
                "all-ignored",
                "float-probs",
                "float-same",
                "bool",
                "wrong-shape",
                "odd",
            ]
        )
    )
    tshape = shape[:1] + shape[2:] if len(shape) >= 2 else ()
    if name in POINTWISE and kind.startswith("index"):
        kind = "float-same"
    if kind == "index":
        target: Any = rng.integers(0, c, tshape)
    elif kind == "index-out-of-range":
        target = rng.integers(0, c, tshape)
        if target.size:
            target.flat[0] = draw(st.sampled_from([c, -1, -2, 10**6]))
    elif kind in ("ignored", "all-ignored"):
        target = rng.integers(0, c, tshape)
        if target.size:
            target.flat[:] = -100 if kind == "all-ignored" else target.flat[:]
            target.flat[0] = -100
    elif kind == "float-probs":
        target = rng.random(shape).astype(np.float32)
        target /= np.maximum(target.sum(axis=1 if len(shape) >= 2 else 0, keepdims=True), 1e-6)
    elif kind == "float-same":
        target = rng.random(shape).astype(draw(st.sampled_from([np.float32, np.float64])))
    elif kind == "bool":
        target = np.asarray(rng.random(tshape) > 0.5)
    elif kind == "wrong-shape":
        target = rng.integers(0, max(c, 1), draw(st.sampled_from([(n + 1,), (n, 2), (1,), (n, c, 3)])))
        if name in POINTWISE:
            target = target.astype(np.float32)
    else:
        target = draw(st.sampled_from([None, "a", 1, [0, 1]]))
    kwargs: dict[str, Any] = {"reduction": draw(st.sampled_from(["mean", "sum", "none"]))}
    if name == "cross_entropy" and draw(st.booleans()):
        kwargs["label_smoothing"] = draw(st.sampled_from([0.1, 1.0]))
    if name in ("cross_entropy", "nll_loss") and draw(st.booleans()):
        kwargs["ignore_index"] = draw(st.sampled_from([0, -1, c]))
    return name, x, target, kwargs


@settings(max_examples=200)
@given(case=_loss_case())
def test_losses(case: tuple[str, np.ndarray, Any, dict[str, Any]]) -> None:
    """Targets out of range, ignored (even all), float, bool, mis-shaped; logits of 1e4, NaN, inf; empty."""
    name, x, target, kw = case
    mg_fn, t_fn = LOSSES[name]
    key = f"{name}:{describe(x)}:{describe(target)}:{sorted(kw.items())}"
    xm = mg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)

    def equiv() -> Any:  # a tensor for a Python target, float targets where PyTorch wants them
        tt = torch.as_tensor(np.asarray(target))
        if tt.dtype.is_floating_point or name in POINTWISE:
            tt = tt.double()
        return t_fn(torch.tensor(x, dtype=torch.float64), tt, **kw)

    # (tol: a float64 target with float32 logits mixes precisions in both libraries)
    got = check(
        key, lambda: mg_fn(xm, _mt(target), **kw), lambda: t_fn(xt, _tt(target), **kw), equiv, tol=2e-5
    )
    if isinstance(got, mg.Tensor) and got.requires_grad:
        g = np.ones(got.shape, np.float32)
        try:
            got.backward(mg.tensor(g))
        except RuntimeError as e:  # (huber_loss of two dtypes: PyTorch's backward refuses them too)
            with warnings.catch_warnings():  # (a broadcast warning, checked above)
                warnings.simplefilter("ignore")
                out = t_fn(xt, _tt(target), **kw)
            with pytest.raises(RuntimeError):
                out.backward(torch.ones(out.shape, dtype=out.dtype))
            assert "Found dtype" in str(e), e
            return
        with warnings.catch_warnings():  # mse_loss's broadcast warning (checked above)
            warnings.simplefilter("ignore")
            if key in RELAXED_SEEN:  # the gradient of PyTorch's equivalent call
                xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
                tt = torch.as_tensor(np.asarray(target))
                if tt.dtype.is_floating_point or name in POINTWISE:
                    tt = tt.double()
                out = t_fn(xt, tt, **kw)
            else:
                out = t_fn(xt, _tt(target), **kw)
        out.backward(torch.tensor(g, dtype=out.dtype))
        check(
            f"{key}:grad",
            lambda: xm.grad.numpy(),
            lambda: xt.grad.numpy(),
            dtypes=key not in RELAXED_SEEN,
            tol=2e-5,
        )


# ------------------------------------------------------------------ functionals

FUNCTIONALS: dict[str, tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any]]] = {}


def _t64(a: Any, ints: bool) -> Any:
    """The PyTorch argument promoted to float64 (ints too if ``ints``), for the equivalent call."""
    if isinstance(a, np.ndarray) and (a.dtype.kind == "f" or (ints and a.dtype.kind == "i")):
        return torch.tensor(a, dtype=torch.float64)
    return _tt(a)


def _both(fn: str, *args: Any, **kwargs: Any) -> None:
    """Register F.fn(*args) with numpy arrays turned into each library's tensors."""
    key = f"{fn}:{describe(list(args))}:{sorted(kwargs.items())}"
    ints = fn == "linear"
    FUNCTIONALS[key] = (
        lambda: getattr(F, fn)(*[_mt(a) for a in args], **{k: _mt(v) for k, v in kwargs.items()}),
        lambda: getattr(TF, fn)(*[_tt(a) for a in args], **{k: _tt(v) for k, v in kwargs.items()}),
        lambda: getattr(TF, fn)(
            *[_t64(a, ints) for a in args], **{k: _t64(v, ints) for k, v in kwargs.items()}
        ),
    )


_x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
_w = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
for _args in [
    (_x, _w),
    (_x, _w.T),
    (_x, _w, np.ones(3, np.float32)),
    (_x, _w[0]),
    (_x[0], _w),
    (_x.astype(np.int64), _w),
    (_x, _w.astype(np.float64)),
    (_x, None),
    (np.zeros((0, 3), np.float32), _w),
]:
    _both("linear", *_args)
for _p in (-0.1, 1.0, 1.5, float("nan"), "a", 0.0):
    _both("dropout", _x, p=_p, training=False)
    _both("dropout", _x, p=_p, training=True) if _p in (1.0, 0.0) else None
for _idx in ([0, 2, 1], [3], [-1], [0.5], [True], [[0, 1], [1, 2]], []):
    for _nc in (-1, 3, 0, 2):
        _both("one_hot", np.array(_idx), num_classes=_nc)
for _idx in ([0, 1], [2], [-1], [[0], [1]], [0.0]):
    _both("embedding", np.array(_idx), _w)
for _shape in ((3,), (4, 3), [3], (2, 3), (), (0,), 3.5, (-1,)):
    _both("layer_norm", _x, _shape)
    _both("layer_norm", _x, _shape, weight=np.ones(3, np.float32), bias=np.zeros(2, np.float32))
for _rm, _rv in (
    (np.zeros(3, np.float32), np.ones(3, np.float32)),
    (np.zeros(2, np.float32), np.ones(3, np.float32)),
    (None, None),
    (np.zeros(3, np.float32), None),
):
    _both("batch_norm", _x, _rm, _rv, training=False)
    _both("batch_norm", _x[:1], _rm, _rv, training=True)
for _dim in (0, 1, -3, 2, 1.5, None):
    _both("softmax", _x, dim=_dim)
    _both("log_softmax", _x, dim=_dim)
_q = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
for _mask in (
    None,
    np.ones((3, 3), bool),
    np.zeros((3, 3), bool),
    np.zeros((3, 3), np.float32),
    np.full((3, 3), -np.inf, np.float32),
    np.zeros((2, 2), bool),
    np.zeros((3, 3), np.int64),
):
    _both("scaled_dot_product_attention", _q, _q, _q, attn_mask=_mask)
_both("scaled_dot_product_attention", _q, _q[:, :2], _q, attn_mask=None)
_both("scaled_dot_product_attention", _q, _q, _q[..., :2])
_both("scaled_dot_product_attention", _q, _q[..., :3], _q)
_both("scaled_dot_product_attention", _q, _q, _q, attn_mask=np.zeros((3, 3), bool), is_causal=True)
_both("scaled_dot_product_attention", _q[0, 0], _q[0, 0], _q[0, 0])
_both("scaled_dot_product_attention", _q, _q, _q, dropout_p=1.5)
for _a in ("x", 1):
    _both("gelu", _x, approximate=_a)


@pytest.mark.parametrize("key", sorted(FUNCTIONALS))
def test_functional(key: str) -> None:
    mg_call, torch_call, equiv = FUNCTIONALS[key]
    check(f"F.{key}", mg_call, torch_call, equiv)


# ------------------------------------------------------------------ Module plumbing


def _state(lib: Any, state: dict[str, Any]) -> dict[str, Any]:
    return {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in state.items()}


MODULE_MISUSE: dict[str, Callable[[Any, Any], Any]] = {
    "load_state_dict-missing-key": lambda lib, nn: nn.Linear(3, 2).load_state_dict(
        _state(lib, {"weight": np.zeros((2, 3), np.float32)})),
    "load_state_dict-shape": lambda lib, nn: nn.Linear(3, 2).load_state_dict(
        _state(lib, {"weight": np.zeros((3, 3), np.float32), "bias": np.zeros(2, np.float32)})),
    "load_state_dict-unexpected": lambda lib, nn: nn.Linear(3, 2).load_state_dict(_state(lib, {
        "weight": np.zeros((2, 3), np.float32), "bias": np.zeros(2, np.float32), "extra": np.zeros(1)})),
    "load_state_dict-not-a-dict": lambda lib, nn: nn.Linear(3, 2).load_state_dict([1, 2]),
    "register_buffer-dotted-name": lambda lib, nn: nn.Module().register_buffer("a.b", None),
    "register_buffer-not-tensor": lambda lib, nn: nn.Module().register_buffer("b", 3),
    "register_parameter-not-param": lambda lib, nn: nn.Module().register_parameter("p", 3),
    "sequential-non-module": lambda lib, nn: nn.Sequential(nn.Linear(3, 2), "relu"),
    "modulelist-non-module": lambda lib, nn: nn.ModuleList([3]),
    "to-int": lambda lib, nn: nn.Linear(3, 2).to(lib.int64),
    "train-non-bool": lambda lib, nn: nn.Linear(3, 2).train("yes"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MODULE_MISUSE))
def test_module_misuse(case: str) -> None:
    """Bad state dicts, registrations and conversions raise minigrad errors (as PyTorch raises)."""

    def run(lib: Any, nn: Any) -> None:
        MODULE_MISUSE[case](lib, nn)  # the result (a module, a key report) is not compared

    check(f"Module:{case}", lambda: run(mg, mg.nn), lambda: run(torch, torch.nn))


def test_missing_attribute_is_an_attribute_error() -> None:
    """hasattr() relies on AttributeError; a MinigradError would break it."""
    assert not hasattr(mg.nn.Linear(3, 2), "nope")


def test_strict_false_load_reports_and_loads() -> None:
    m = mg.nn.Linear(3, 2)
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    result = m.load_state_dict({"weight": w, "extra": np.zeros(1)}, strict=False)
    assert np.array_equal(m.weight.detach().numpy(), w)
    text = str(result)
    assert "extra" in text and "bias" in text
