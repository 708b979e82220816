"""``gpt``: one AdamW training step of a small decoder-only transformer.

Vocabulary 65, context 64, width 128, 4 heads, 2 pre-LayerNorm blocks
(causal self-attention through ``F.scaled_dot_product_attention``, GELU MLP
4x), dropout 0.1 (embeddings, attention weights, both residual branches),
learned token and position embeddings, final LayerNorm, linear head; batch 16,
next-token cross-entropy, AdamW (lr 1e-3, weight decay 0.01). The model is
written once (:func:`build_gpt`) and instantiated in minigrad and PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, TrainRunner, load_params, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch

VOCAB = 65
CONTEXT = 64
WIDTH = 128
HEADS = 4
LAYERS = 2
BATCH = 16
DROPOUT = 0.1
LR = 1e-3
WEIGHT_DECAY = 0.01
SEED = 0


def build_gpt(fw: Framework, p: float) -> Any:
    """The transformer in ``fw`` (PyTorch or minigrad), dropout probability ``p``."""
    nn, functional = fw.nn, fw.F

    class CausalSelfAttention(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.c_attn = nn.Linear(WIDTH, 3 * WIDTH)
            self.c_proj = nn.Linear(WIDTH, WIDTH)
            self.resid_dropout = nn.Dropout(p)

        def forward(self, x: Any) -> Any:
            batch, seq, width = x.shape
            heads = (batch, seq, HEADS, width // HEADS)
            q, k, v = self.c_attn(x).split(width, dim=2)
            q = q.reshape(*heads).transpose(1, 2)
            k = k.reshape(*heads).transpose(1, 2)
            v = v.reshape(*heads).transpose(1, 2)
            y = functional.scaled_dot_product_attention(
                q, k, v, dropout_p=p if self.training else 0.0, is_causal=True
            )
            y = y.transpose(1, 2).reshape(batch, seq, width)
            return self.resid_dropout(self.c_proj(y))

    class MLP(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.c_fc = nn.Linear(WIDTH, 4 * WIDTH)
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * WIDTH, WIDTH)
            self.dropout = nn.Dropout(p)

        def forward(self, x: Any) -> Any:
            return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))

    class Block(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.ln_1 = nn.LayerNorm(WIDTH)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(WIDTH)
            self.mlp = MLP()

        def forward(self, x: Any) -> Any:
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.wte = nn.Embedding(VOCAB, WIDTH)
            self.wpe = nn.Embedding(CONTEXT, WIDTH)
            self.drop = nn.Dropout(p)
            self.h = nn.ModuleList([Block() for _ in range(LAYERS)])
            self.ln_f = nn.LayerNorm(WIDTH)
            self.lm_head = nn.Linear(WIDTH, VOCAB)

        def forward(self, idx: Any, pos: Any) -> Any:
            x = self.drop(self.wte(idx) + self.wpe(pos))
            for block in self.h:
                x = block(x)
            return self.lm_head(self.ln_f(x))

    return GPT()


def gpt_shapes() -> dict[str, tuple[tuple[int, ...], str]]:
    """Parameter name -> (shape, init kind), in PyTorch's naming of :func:`build_gpt`."""
    spec: dict[str, tuple[tuple[int, ...], str]] = {
        "wte.weight": ((VOCAB, WIDTH), "embedding"),
        "wpe.weight": ((CONTEXT, WIDTH), "embedding"),
    }

    def linear(name: str, fan_in: int, fan_out: int) -> None:
        spec[f"{name}.weight"] = ((fan_out, fan_in), "linear")
        spec[f"{name}.bias"] = ((fan_out,), "linear")

    def norm(name: str) -> None:
        spec[f"{name}.weight"] = ((WIDTH,), "norm_weight")
        spec[f"{name}.bias"] = ((WIDTH,), "norm_bias")

    for i in range(LAYERS):
        norm(f"h.{i}.ln_1")
        linear(f"h.{i}.attn.c_attn", WIDTH, 3 * WIDTH)
        linear(f"h.{i}.attn.c_proj", WIDTH, WIDTH)
        norm(f"h.{i}.ln_2")
        linear(f"h.{i}.mlp.c_fc", WIDTH, 4 * WIDTH)
        linear(f"h.{i}.mlp.c_proj", 4 * WIDTH, WIDTH)
    norm("ln_f")
    linear("lm_head", WIDTH, VOCAB)
    return spec


def gpt_weights(seed: int = SEED) -> dict[str, Array]:
    """Float32 weights: PyTorch's default inits, LayerNorm affine perturbed from (1, 0)."""
    rng = np.random.default_rng(seed)
    out: dict[str, Array] = {}
    for name, (shape, kind) in gpt_shapes().items():
        if kind == "embedding":
            w = rng.standard_normal(shape)
        elif kind == "linear":
            bound = 1.0 / np.sqrt(shape[-1] if len(shape) == 2 else _fan_in(name))
            w = rng.uniform(-bound, bound, shape)
        elif kind == "norm_weight":
            w = 1 + 0.1 * rng.standard_normal(shape)
        else:
            w = 0.1 * rng.standard_normal(shape)
        out[name] = w.astype(np.float32)
    return out


def _fan_in(bias_name: str) -> int:
    return gpt_shapes()[bias_name.rsplit(".", 1)[0] + ".weight"][0][1]


def gpt_data(seed: int = SEED) -> tuple[Array, Array, Array]:
    """Token ids (16, 64), next-token targets (16, 64), positions (64,); all int64."""
    rng = np.random.default_rng(seed + 1)
    seq = rng.integers(0, VOCAB, (BATCH, CONTEXT + 1), dtype=np.int64)
    return seq[:, :-1].copy(), seq[:, 1:].copy(), np.arange(CONTEXT, dtype=np.int64)


def cases() -> list[Case]:
    """The ``gpt`` workload (minigrad and PyTorch only)."""
    weights = gpt_weights()
    idx, targets, pos = gpt_data()

    def build(fw: Framework, check: bool) -> TrainRunner:
        model = build_gpt(fw, 0.0 if check else DROPOUT)
        model.train()
        load_params(fw, model, weights)
        opt = fw.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
        it, tt, pt, functional = fw.tensor(idx), fw.tensor(targets), fw.tensor(pos), fw.F

        def loss() -> Any:
            logits = model(it, pt).reshape(BATCH * CONTEXT, VOCAB)
            return functional.cross_entropy(logits, tt.reshape(BATCH * CONTEXT))

        return TrainRunner(fw, model, loss, opt)

    return [Case(
        name="gpt",
        description=f"GPT {LAYERS}x(pre-LN causal attention {HEADS} heads + GELU MLP), width {WIDTH}, "
        f"context {CONTEXT}, vocab {VOCAB}, batch {BATCH}: forward + backward + AdamW",
        builders=make_builders(("minigrad", "pytorch"), build),
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
        # Adam divides by sqrt(v) + eps: where a gradient is rounding noise
        # near eps (the key bias's gradient is analytically zero: softmax
        # ignores a shift shared by a row) the update is anywhere in [-lr, lr]
        # on each side (seen: grad 4.57e-9 vs 4.74e-9 moved a weight 7.5e-6).
        # Parameters are therefore held to one lr, which still catches a wrong
        # sign or a missing bias correction (off by 2 lr or more); losses and
        # gradients, including the second step's, keep the relative tolerance.
        group_atol={"param": LR},
    )]
