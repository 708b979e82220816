"""Randomly configured layers, trained a few steps under minigrad and under PyTorch from one seed.

The layers and options a hand-picked parity test rarely combines: Embedding with
padding_idx / max_norm / scale_grad_by_freq, TransformerDecoderLayer with causal
and memory padding masks, ConvTranspose2d with stride / padding /
output_padding / groups / dilation, instance / group / local-response norms after
the padding layers, MultiheadAttention with kdim, bias_kv, zero attention, bool
and float masks and either weights output, rarer activations and poolings,
packed sequences through (bidirectional, stacked, projected) RNNs, EmbeddingBag
with per-sample weights, and interpolation modes. Each draw (seeded: a failure
names a seed that reproduces it) is trained one to three steps with Adam or SGD;
the losses of every step and the first step's parameter gradients must agree,
to 1e-9 in float64 and 1e-4 in float32, or both frameworks must raise the same
class.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

CHUNK = 25
ACTIVATIONS = [
    "PReLU",
    "ReLU6",
    "Hardtanh",
    "CELU",
    "SELU",
    "Softsign",
    "Tanhshrink",
    "LogSigmoid",
    "Hardshrink",
    "Softshrink",
    "GLU",
    "RReLU",
]
POOLS = ["MaxPool2d", "AvgPool2d", "LPPool2d", "AdaptiveMaxPool2d", "FractionalMaxPool2d"]
NORMS = ["InstanceNorm2d", "InstanceNorm2d affine", "GroupNorm", "LocalResponseNorm", "BatchNorm2d untracked"]
PADS = ["ReflectionPad2d", "ReplicationPad2d", "ZeroPad2d", "CircularPad2d", None]


def _draw(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """A layer kind and its options."""
    kind = rng.choice(
        [
            "embedding",
            "decoder",
            "conv_transpose",
            "norm",
            "attention",
            "activation_pool",
            "packed",
            "bag",
            "resample",
        ]
    )
    flip = rng.random
    options: dict[str, Any] = {
        "embedding": lambda: {
            "pad": rng.choice([None, 0, 3]),
            "max_norm": rng.choice([None, None, 1.0]),
            "scale": flip() < 0.3,
            "reduce": rng.choice(["mean", "last", "max"]),
        },
        "decoder": lambda: {
            "norm_first": flip() < 0.5,
            "act": rng.choice(["relu", "gelu"]),
            "causal": flip() < 0.5,
            "memory_mask": flip() < 0.3,
            "dropout": rng.choice([0.0, 0.1]),
        },
        "conv_transpose": lambda: {
            "k": rng.choice([2, 3, 4]),
            "s": rng.choice([1, 2]),
            "p": rng.choice([0, 1]),
            "op": rng.choice([0, 1]),
            "groups": rng.choice([1, 2]),
            "dil": rng.choice([1, 2]),
        },
        "norm": lambda: {"norm": rng.choice(NORMS), "pad": rng.choice(PADS)},
        "attention": lambda: {
            "heads": rng.choice([1, 2, 4]),
            "kdim": rng.choice([None, 6]),
            "bias": flip() < 0.8,
            "bias_kv": flip() < 0.3,
            "zero_attn": flip() < 0.3,
            "padding": flip() < 0.5,
            "mask": rng.choice([None, "bool", "float"]),
            "average": flip() < 0.5,
            "batch_first": flip() < 0.5,
            "weights": flip() < 0.5,
            "dropout": rng.choice([0.0, 0.2]),
        },
        "activation_pool": lambda: {
            "act": rng.choice(ACTIVATIONS),
            "pool": rng.choice(POOLS),
            "ceil": flip() < 0.5,
        },
        "packed": lambda: {
            "cell": rng.choice(["LSTM", "GRU", "RNN"]),
            "bidirectional": flip() < 0.5,
            "layers": rng.choice([1, 2]),
            "sorted": flip() < 0.5,
            "proj": flip() < 0.3,
        },
        "bag": lambda: {
            "mode": rng.choice(["sum", "mean", "max"]),
            "weights": flip() < 0.3,
            "pad": rng.choice([None, 2]),
        },
        "resample": lambda: {
            "mode": rng.choice(["nearest", "bilinear", "bicubic", "nearest-exact"]),
            "corners": flip() < 0.5,
            "scale": rng.choice([2, 1.5]),
            "shuffle": flip() < 0.3,
        },
    }
    return kind, options[kind]()


def _model(
    lib: Any, kind: str, o: dict[str, Any], rng: np.random.Generator, dt: type
) -> tuple[Any, Callable[[], Any]]:
    """The module holding the parameters, and the forward pass on fixed inputs."""
    nn, F = lib.nn, lib.nn.functional

    def data(*shape: int) -> Any:
        return lib.tensor(rng.standard_normal(shape).astype(dt))

    if kind == "embedding":
        emb = nn.Embedding(10, 6, padding_idx=o["pad"], max_norm=o["max_norm"], scale_grad_by_freq=o["scale"])
        head = nn.Linear(6, 3)
        idx = lib.tensor(rng.integers(0, 10, (5, 4)))

        def embedding() -> Any:
            e = emb(idx)
            return head(
                e.mean(1) if o["reduce"] == "mean" else e[:, -1] if o["reduce"] == "last" else e.max(1).values
            )

        return nn.ModuleList([emb, head]), embedding
    if kind == "decoder":
        layer = nn.TransformerDecoderLayer(
            8, 2, 16, o["dropout"], activation=o["act"], batch_first=True, norm_first=o["norm_first"]
        )
        tgt, memory = data(3, 5, 8), data(3, 4, 8)
        causal = nn.Transformer.generate_square_subsequent_mask(5) if o["causal"] else None
        padding = None
        if o["memory_mask"]:
            drawn = rng.random((3, 4)) < 0.3
            drawn[:, 0] = False
            padding = lib.tensor(drawn)
        return layer, lambda: layer(tgt, memory, tgt_mask=causal, memory_key_padding_mask=padding)
    if kind == "conv_transpose":
        conv = nn.ConvTranspose2d(
            4,
            6,
            o["k"],
            stride=o["s"],
            padding=o["p"],
            groups=o["groups"],
            dilation=o["dil"],
            output_padding=min(o["op"], max(o["s"], o["dil"]) - 1),
        )
        x = data(2, 4, 5, 5)
        return conv, lambda: conv(x)
    if kind == "norm":
        norm = {
            "InstanceNorm2d": lambda: nn.InstanceNorm2d(4),
            "InstanceNorm2d affine": lambda: nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
            "GroupNorm": lambda: nn.GroupNorm(2, 4),
            "LocalResponseNorm": lambda: nn.LocalResponseNorm(3),
            "BatchNorm2d untracked": lambda: nn.BatchNorm2d(4, track_running_stats=False),
        }[o["norm"]]
        pad = [getattr(nn, o["pad"])(1)] if o["pad"] else []
        model = nn.Sequential(*pad, nn.Conv2d(4, 4, 3), norm())
        x = data(2, 4, 6, 6)
        return model, lambda: model(x)
    if kind == "attention":
        attn = nn.MultiheadAttention(
            8,
            o["heads"],
            dropout=o["dropout"],
            bias=o["bias"],
            add_bias_kv=o["bias_kv"],
            add_zero_attn=o["zero_attn"],
            kdim=o["kdim"],
            vdim=o["kdim"],
            batch_first=o["batch_first"],
        )
        kd = o["kdim"] or 8
        q = data(3, 4, 8) if o["batch_first"] else data(4, 3, 8)
        k = data(3, 5, kd) if o["batch_first"] else data(5, 3, kd)
        padding = mask = None
        if o["padding"]:
            drawn = rng.random((3, 5)) < 0.3
            drawn[:, 0] = False
            padding = lib.tensor(drawn)
        if o["mask"] == "bool":
            drawn = rng.random((4, 5)) < 0.3
            drawn[:, 0] = False
            mask = lib.tensor(drawn)
        elif o["mask"] == "float":
            mask = data(4, 5)

        def attention() -> Any:
            out, w = attn(
                q,
                k,
                k,
                key_padding_mask=padding,
                attn_mask=mask,
                need_weights=o["weights"],
                average_attn_weights=o["average"],
            )
            return out if w is None else out.sum() + w.sum()

        return attn, attention
    if kind == "activation_pool":
        act = nn.GLU(1) if o["act"] == "GLU" else getattr(nn, o["act"])()
        pool = {
            "LPPool2d": lambda: nn.LPPool2d(2, 2, ceil_mode=o["ceil"]),
            "AdaptiveMaxPool2d": lambda: nn.AdaptiveMaxPool2d((2, 3)),
            "FractionalMaxPool2d": lambda: nn.FractionalMaxPool2d(2, output_size=(3, 3)),
        }.get(o["pool"], lambda: getattr(nn, o["pool"])(2, ceil_mode=o["ceil"]))()
        model = nn.Sequential(nn.Conv2d(3, 8 if o["act"] == "GLU" else 4, 3), act, pool, nn.Flatten())
        x = data(2, 3, 9, 9)
        return model, lambda: model(x)
    if kind == "packed":
        kw: dict[str, Any] = {
            "num_layers": o["layers"],
            "bidirectional": o["bidirectional"],
            "batch_first": True,
        }
        if o["cell"] == "LSTM" and o["proj"]:
            kw["proj_size"] = 3
        rnn = getattr(nn, o["cell"])(4, 5, **kw)
        lengths = [6, 4, 4, 2] if o["sorted"] else [4, 6, 2, 4]
        x = data(4, 6, 4)

        def packed() -> Any:
            seq = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=o["sorted"])
            out, h = rnn(seq)
            padded, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
            return (padded**2).sum() + ((h[0] if isinstance(h, tuple) else h) ** 2).sum()

        return rnn, packed
    if kind == "bag":
        bag = nn.EmbeddingBag(10, 4, mode=o["mode"], padding_idx=o["pad"])
        idx, offsets = lib.tensor(rng.integers(0, 10, 12)), lib.tensor(np.array([0, 3, 3, 7]))
        weights = lib.tensor(rng.random(12).astype(dt)) if o["weights"] and o["mode"] == "sum" else None
        return bag, lambda: bag(idx, offsets, per_sample_weights=weights)
    conv = nn.Conv2d(4, 4, 1)
    x = data(2, 4, 5, 5)

    def resample() -> Any:
        y = conv(x)
        if o["shuffle"]:
            return F.pixel_shuffle(F.pixel_unshuffle(y, 1), 1)
        corners = {"align_corners": o["corners"]} if o["mode"] in ("bilinear", "bicubic") else {}
        return F.interpolate(y, scale_factor=o["scale"], mode=o["mode"], **corners)

    return conv, resample


def _train(
    lib: Any, seed: int, kind: str, options: dict[str, Any], dtype: str, steps: int
) -> tuple[list[float], list[Any]]:
    lib.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model, forward = _model(lib, kind, options, rng, np.float64 if dtype == "float64" else np.float32)
    model = model.to(getattr(lib, dtype))
    params = list(model.parameters())
    opt = lib.optim.Adam(params, lr=1e-2) if seed % 2 else lib.optim.SGD(params, lr=0.05, momentum=0.9)
    losses, grads = [], []
    for step in range(steps):
        opt.zero_grad()
        out = forward()
        loss = (out.double() ** 2).mean() if out.dim() else out.double()
        loss.backward()
        if step == 0:
            grads = [None if p.grad is None else p.grad.detach().numpy().copy() for p in params]
        opt.step()
        losses.append(loss.item())
    return losses, grads


def _outcome(*args: Any) -> Any:
    try:
        return _train(*args)
    except Exception as e:  # (its class is compared with PyTorch's)
        return ("raised", type(e).__name__)


@pytest.mark.parametrize(
    ("dtype", "chunk"), [("float64", c) for c in range(4)] + [("float32", c) for c in range(2)]
)
def test_random_layers_train_like_torch(dtype: str, chunk: int) -> None:
    torch = require_torch()
    tol = 1e-9 if dtype == "float64" else 1e-4
    for seed in range(chunk * CHUNK, (chunk + 1) * CHUNK):
        rng = random.Random(seed)
        kind, options = _draw(rng)
        steps = rng.randint(1, 3)
        theirs = _outcome(torch, seed, kind, options, dtype, steps)
        mg.random.use_pytorch_dropout_masks(True)
        try:
            ours = _outcome(mg, seed, kind, options, dtype, steps)
        finally:
            mg.random.use_pytorch_dropout_masks(False)
        where = f"seed {seed}, {dtype}: {kind} {options}"
        if theirs[0] == "raised" or ours[0] == "raised":
            assert theirs == ours, where
            continue
        np.testing.assert_allclose(ours[0], theirs[0], rtol=tol, atol=tol, err_msg=where)
        assert [g is None for g in ours[1]] == [g is None for g in theirs[1]], where
        for i, (a, b) in enumerate(zip(ours[1], theirs[1], strict=True)):
            if b is not None:
                np.testing.assert_allclose(
                    a, b, rtol=10 * tol, atol=10 * tol, err_msg=f"gradient {i}, {where}"
                )
