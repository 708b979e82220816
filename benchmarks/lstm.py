"""``lstm``: an LSTM language model training step, as PyTorch's word_language_model example.

Two rows:

* ``lstm``: embedding 256 -> 2-layer LSTM, hidden 256 (dropout 0.2 between
  layers and on the embedding and LSTM outputs) -> linear decoder to a
  vocabulary of 10,000 (the Penn Treebank's); 35 steps (bptt), batch 20,
  next-token cross-entropy, gradient norm clipped at 0.25, SGD(lr 20). The
  example's init: embedding and decoder U(-0.1, 0.1), decoder bias 0, LSTM
  PyTorch's default U(±1/sqrt(256)).
* ``lstm/layer``: the recurrent part alone, forward + backward of
  ``nn.LSTM(256, 256, num_layers=2)`` on (35, 20, 256) with a fixed random
  upstream gradient on the output: the time loop without the decoder's large
  matmuls, which dominate the first row.

The model is written once (:func:`build_lm`) and instantiated in minigrad and
PyTorch. There is no hand-written numpy baseline: a numpy LSTM with its
backward through time is a small project of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, LayerRunner, TrainRunner, load_params, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch

VOCAB = 10_000
EMBED = 256
HIDDEN = 256
LAYERS = 2
BPTT = 35
BATCH = 20
DROPOUT = 0.2
LR = 20.0
CLIP = 0.25
SEED = 0


def build_lm(fw: Framework, p: float) -> Any:
    """The language model in ``fw`` (PyTorch or minigrad), dropout probability ``p``."""
    nn = fw.nn

    class RNNModel(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.drop = nn.Dropout(p)
            self.encoder = nn.Embedding(VOCAB, EMBED)
            self.rnn = nn.LSTM(EMBED, HIDDEN, LAYERS, dropout=p)
            self.decoder = nn.Linear(HIDDEN, VOCAB)

        def forward(self, tokens: Any) -> Any:
            output, _ = self.rnn(self.drop(self.encoder(tokens)))
            return self.decoder(self.drop(output).reshape(BPTT * BATCH, HIDDEN))

    return RNNModel()


def lstm_weights(seed: int = SEED) -> dict[str, Array]:
    """Float32 weights under PyTorch's names, with the example's init."""
    rng = np.random.default_rng(seed)
    out: dict[str, Array] = {
        "encoder.weight": rng.uniform(-0.1, 0.1, (VOCAB, EMBED)),
    }
    bound = 1.0 / np.sqrt(HIDDEN)
    for layer in range(LAYERS):
        fan_in = EMBED if layer == 0 else HIDDEN
        out[f"rnn.weight_ih_l{layer}"] = rng.uniform(-bound, bound, (4 * HIDDEN, fan_in))
        out[f"rnn.weight_hh_l{layer}"] = rng.uniform(-bound, bound, (4 * HIDDEN, HIDDEN))
        out[f"rnn.bias_ih_l{layer}"] = rng.uniform(-bound, bound, 4 * HIDDEN)
        out[f"rnn.bias_hh_l{layer}"] = rng.uniform(-bound, bound, 4 * HIDDEN)
    out["decoder.weight"] = rng.uniform(-0.1, 0.1, (VOCAB, HIDDEN))
    out["decoder.bias"] = np.zeros(VOCAB)
    return {k: v.astype(np.float32) for k, v in out.items()}


def lstm_data(seed: int = SEED) -> tuple[Array, Array]:
    """Token ids (35, 20) and their next tokens flattened (700,), int64 (sequence-first, as the example)."""
    rng = np.random.default_rng(seed + 1)
    stream = rng.integers(0, VOCAB, (BPTT + 1, BATCH), dtype=np.int64)
    return stream[:-1].copy(), stream[1:].reshape(-1).copy()


class ClippedTrainRunner(TrainRunner):
    """zero_grad, forward, backward, clip the gradient norm, SGD update (the example's order)."""

    def train_step(self) -> Any:
        """One clipped training step; returns the loss."""
        self.optimizer.zero_grad()
        loss = self.loss_fn()
        loss.backward()
        self.fw.nn.utils.clip_grad_norm_(self.model.parameters(), CLIP)
        self.optimizer.step()
        return loss


def lm_case() -> Case:
    """The ``lstm`` row: one training step of the language model."""
    weights = lstm_weights()
    tokens, targets = lstm_data()

    def build(fw: Framework, check: bool) -> TrainRunner:
        model = build_lm(fw, 0.0 if check else DROPOUT)
        model.train()
        load_params(fw, model, weights)
        opt = fw.optim.SGD(model.parameters(), lr=LR)
        x, y, functional = fw.tensor(tokens), fw.tensor(targets), fw.F
        return ClippedTrainRunner(fw, model, lambda: functional.cross_entropy(model(x), y), opt)

    return Case(
        name="lstm",
        description=f"LSTM language model: embedding {EMBED}, {LAYERS}-layer LSTM hidden {HIDDEN}, "
        f"dropout {DROPOUT}, decoder to vocab {VOCAB}; bptt {BPTT}, batch {BATCH}: forward + backward "
        f"+ clip_grad_norm({CLIP}) + SGD(lr {LR:g})",
        builders=make_builders(("minigrad", "pytorch"), build),
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
    )


def layer_case() -> Case:
    """The ``lstm/layer`` row: forward + backward of the 2-layer LSTM alone."""
    weights = {k.removeprefix("rnn."): v for k, v in lstm_weights().items() if k.startswith("rnn.")}
    rng = np.random.default_rng(SEED + 2)
    x = rng.standard_normal((BPTT, BATCH, EMBED), dtype=np.float32)
    upstream = rng.standard_normal((BPTT, BATCH, HIDDEN), dtype=np.float32)

    def build(fw: Framework, check: bool) -> LayerRunner:
        lstm = fw.nn.LSTM(EMBED, HIDDEN, LAYERS)
        load_params(fw, lstm, weights)

        class OutputOnly(fw.nn.Module):  # type: ignore[name-defined,misc]
            """The LSTM's output sequence (h_n and c_n dropped), as LayerRunner expects one tensor."""

            def __init__(self) -> None:
                super().__init__()
                self.lstm = lstm

            def forward(self, inp: Any) -> Any:
                return self.lstm(inp)[0]

        return LayerRunner(fw, OutputOnly(), x, upstream)

    return Case(
        name="lstm/layer",
        description=f"nn.LSTM({EMBED}, {HIDDEN}, num_layers={LAYERS}) on ({BPTT}, {BATCH}, {EMBED}): "
        "forward + backward",
        builders=make_builders(("minigrad", "pytorch"), build),
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
    )


def cases() -> list[Case]:
    """The two ``lstm`` rows."""
    return [lm_case(), layer_case()]
