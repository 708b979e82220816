"""A DETR-style encoder-decoder written on PyTorch's own transformer helpers, as forks of DETR's
transformer.py do: layers stacked with torch.nn.modules.transformer._get_clones, the activation from
_get_activation_fn, post-norm layers that add positional embeddings to queries and keys (not values),
learned object queries, a decoder that returns every layer's normalised output for auxiliary losses,
type hints from torch.types, and a toy set task: the decoder's queries read the k smallest numbers of a
shuffled input set in order, trained with deep supervision."""

from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from torch.nn.modules.transformer import _get_activation_fn, _get_clones
from torch.types import Number

torch.manual_seed(0)
torch.set_num_threads(1)


def with_pos(t: Tensor, pos: Optional[Tensor]) -> Tensor:
    return t if pos is None else t + pos


class EncoderLayer(nn.Module):
    def __init__(self, d_model, nhead, dim_ff=64, dropout=0.0, activation="relu"):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout)
        self.linear1, self.linear2 = nn.Linear(d_model, dim_ff), nn.Linear(dim_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.activation = _get_activation_fn(activation)

    def forward(self, src, pos: Optional[Tensor] = None):
        q = k = with_pos(src, pos)
        src = self.norm1(src + self.self_attn(q, k, value=src)[0])
        return self.norm2(src + self.linear2(self.activation(self.linear1(src))))


class DecoderLayer(nn.Module):
    def __init__(self, d_model, nhead, dim_ff=64, dropout=0.0, activation="gelu"):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout)
        self.cross_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout)
        self.linear1, self.linear2 = nn.Linear(d_model, dim_ff), nn.Linear(dim_ff, d_model)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d_model), nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.activation = _get_activation_fn(activation)

    def forward(self, tgt, memory, pos=None, query_pos=None):
        q = k = with_pos(tgt, query_pos)
        tgt = self.norm1(tgt + self.self_attn(q, k, value=tgt)[0])
        attn, weights = self.cross_attn(with_pos(tgt, query_pos), with_pos(memory, pos), value=memory)
        tgt = self.norm2(tgt + attn)
        return self.norm3(tgt + self.linear2(self.activation(self.linear1(tgt)))), weights


class Transformer(nn.Module):
    def __init__(self, d_model=32, nhead=4, n_enc=2, n_dec=3):
        super().__init__()
        self.encoder_layers = _get_clones(EncoderLayer(d_model, nhead), n_enc)
        self.decoder_layers = _get_clones(DecoderLayer(d_model, nhead), n_dec)
        self.decoder_norm = nn.LayerNorm(d_model)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, src, query_embed, pos):
        bs = src.shape[1]
        query_pos = query_embed.unsqueeze(1).repeat(1, bs, 1)
        memory = src
        for layer in self.encoder_layers:
            memory = layer(memory, pos=pos)
        tgt, hs = torch.zeros_like(query_pos), []
        for layer in self.decoder_layers:
            tgt, weights = layer(tgt, memory, pos=pos, query_pos=query_pos)
            hs.append(self.decoder_norm(tgt))
        return torch.stack(hs), weights


class SetReader(nn.Module):
    def __init__(self, n_queries=3, d_model=32):
        super().__init__()
        self.embed = nn.Linear(1, d_model)
        self.query_embed = nn.Embedding(n_queries, d_model)
        self.transformer = Transformer(d_model)
        self.head = nn.Linear(d_model, 1)

    def forward(self, values):  # values: (batch, set size)
        src = self.embed(values.t().unsqueeze(-1))  # (S, B, d): no positions, the input is a set
        hs, weights = self.transformer(src, self.query_embed.weight, pos=None)
        return self.head(hs).squeeze(-1).transpose(1, 2), weights  # (layers, B, queries)


def scale(x: Tensor, factor: Number = 1.0) -> Tensor:
    return x * factor


layer = EncoderLayer(8, 2)
print("clones distinct", all(a is not b for a, b in zip(_get_clones(layer, 2)[0].parameters(), layer.parameters())),
      "activation", _get_activation_fn("gelu").__name__)
try:
    _get_activation_fn("swish")
except RuntimeError as e:
    print("RuntimeError:", e)

gen = torch.Generator().manual_seed(0)
model = SetReader()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
for step in range(45):
    values = torch.rand(32, 7, generator=gen)
    target = values.sort(dim=1).values[:, :3]
    outs, _ = model(scale(values, 2.0))
    losses = [F.l1_loss(o, scale(target, 2.0)) for o in outs]  # every decoder layer supervised
    loss = sum(losses)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    opt.step()
    if step % 15 == 14:
        print(f"step {step + 1} | per-layer l1 {[round(l.item(), 4) for l in losses]}")

model.eval()
with torch.no_grad():
    values = torch.rand(4, 7, generator=gen)
    outs, weights = model(scale(values, 2.0))
    print("predicted", [[round(v / 2, 3) for v in row] for row in outs[-1].tolist()][:2])
    print("true     ", [[round(v, 3) for v in row] for row in values.sort(1).values[:, :3].tolist()][:2])
    print("cross-attention", tuple(weights.shape), "argmax of query 0", weights[:, 0].argmax(-1).tolist(),
          "argmin of set", values.argmin(1).tolist())
    perm = torch.randperm(7, generator=gen)
    outs_p, _ = model(scale(values[:, perm], 2.0))
    print("permutation invariant", torch.allclose(outs_p, outs, atol=1e-5))
