"""A Transformer sequence classifier as blog posts and Kaggle notebooks write it:
sinusoidal PositionalEncoding in a registered buffer, nn.TransformerEncoder
(batch_first) with src_key_padding_mask from pad_sequence lengths, masked mean
pooling, CrossEntropyLoss(label_smoothing=0.1), AdamW with clip_grad_norm_,
ReduceLROnPlateau on the validation loss; then nn.MultiheadAttention with a
torch.triu causal mask and need_weights / average_attn_weights. Weights are
fixed, dropout is 0 and the data come from numpy, so the numbers agree."""

import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
PAD, VOCAB = 0, 6
rng = np.random.RandomState(3)


def make_example():
    n = rng.randint(4, 13)
    seq = rng.randint(1, VOCAB, size=n)
    label = int((seq == 1).sum() > (seq == 2).sum())
    return torch.tensor(seq), label


def make_split(n):
    seqs, labels = zip(*[make_example() for _ in range(n)])
    padded = pad_sequence(list(seqs), batch_first=True, padding_value=PAD)
    return padded, padded == PAD, torch.tensor(labels)


Xtr, Mtr, ytr = make_split(256)
Xva, Mva, yva = make_split(64)
print("train", tuple(Xtr.shape), "positives", ytr.sum().item(), "valid", tuple(Xva.shape), "pad frac",
      f"{Mtr.float().mean().item():.4f}")


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.0, max_len=64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.transpose(0, 1))

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)]
        return self.dropout(x)


class TransformerClassifier(nn.Module):
    def __init__(self, vocab, d_model=32, nhead=4, num_layers=2, num_classes=2):
        super().__init__()
        self.d_model = d_model
        self.embedding = nn.Embedding(vocab, d_model, padding_idx=PAD)
        self.pos_encoder = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers)
        self.classifier = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, num_classes))

    def forward(self, src, src_key_padding_mask):
        x = self.embedding(src) * math.sqrt(self.d_model)
        x = self.pos_encoder(x)
        x = self.encoder(x, src_key_padding_mask=src_key_padding_mask)
        keep = (~src_key_padding_mask).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1)
        return self.classifier(pooled)


model = TransformerClassifier(VOCAB)
with torch.no_grad():
    for i, (name, p) in enumerate(model.named_parameters()):
        if "norm" in name:
            continue
        scale = 1.0 / math.sqrt(p.shape[-1]) if p.dim() > 1 else 0.02
        p.copy_(scale * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.83 + i).view_as(p))
print(f"parameters {sum(p.numel() for p in model.parameters())}, pe buffer {tuple(model.pos_encoder.pe.shape)}")

criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0, threshold=0.1)
batch = 32
for epoch in range(6):
    model.train()
    total = 0.0
    for i in range(0, len(Xtr), batch):
        xb, mb, yb = Xtr[i:i + batch], Mtr[i:i + batch], ytr[i:i + batch]
        optimizer.zero_grad()
        loss = criterion(model(xb, mb), yb)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        logits = model(Xva, Mva)
        val_loss = criterion(logits, yva).item()
        acc = (logits.argmax(-1) == yva).float().mean().item()
    scheduler.step(val_loss)
    print(f"epoch {epoch} | train loss {total / (len(Xtr) // batch):.5f} | grad norm {grad_norm.item():.4f} | "
          f"val loss {val_loss:.5f} | val acc {acc:.4f} | lr {optimizer.param_groups[0]['lr']:.2e}")

# the encoder's output at padded positions does not leak into the pooled result
with torch.no_grad():
    x1 = model(Xva[:4], Mva[:4])
    garbage = Xva[:4].masked_fill(Mva[:4], 3)
    x2 = model(garbage, Mva[:4])
print("padding ignored", torch.allclose(x1, x2, atol=1e-6))
# in eval mode without grad PyTorch's encoder runs on nested tensors: padded positions come out as zeros
with torch.no_grad():
    hidden = model.encoder(model.pos_encoder(model.embedding(Xva[:4]) * math.sqrt(model.d_model)),
                           src_key_padding_mask=Mva[:4])
print("eval encoder at padding", f"{hidden[Mva[:4]].abs().sum().item():.6f}", "naive mean pool",
      f"{hidden.mean(dim=1).sum().item():.6f}")

# causal self-attention with nn.MultiheadAttention and a triu mask
T, E = 5, 8
mha = nn.MultiheadAttention(E, num_heads=2, batch_first=True)
with torch.no_grad():
    for i, p in enumerate(mha.parameters()):
        p.copy_(0.4 * torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i).view_as(p))
x = torch.tensor(np.sin(np.arange(2 * T * E).reshape(2, T, E) * 0.3), dtype=torch.float32)
causal = torch.triu(torch.ones(T, T), diagonal=1).bool()
out, weights = mha(x, x, x, attn_mask=causal, need_weights=True)
print("mha out", tuple(out.shape), f"{out.sum().item():.6f}", "weights", tuple(weights.shape))
print("upper triangle zero", bool((weights.triu(1) == 0).all()), "rows sum",
      [round(v, 6) for v in weights.sum(-1)[0].tolist()])
float_mask = torch.zeros(T, T).masked_fill(causal, float("-inf"))
out2, per_head = mha(x, x, x, attn_mask=float_mask, average_attn_weights=False)
print("float mask same", torch.allclose(out, out2, atol=1e-6), "per-head", tuple(per_head.shape),
      [round(v, 6) for v in per_head[1, 1, 3].tolist()])
kpm = torch.tensor([[False] * T, [False] * (T - 2) + [True] * 2])
out3, w3 = mha(x, x, x, key_padding_mask=kpm)
print("key padding weights last cols", [round(v, 6) for v in w3[1, :, -2:].sum(0).tolist()],
      f"out {out3.sum().item():.6f}")
out.sum().backward()
print("in_proj grad", f"{mha.in_proj_weight.grad.abs().sum().item():.5f}",
      "out_proj grad", f"{mha.out_proj.weight.grad.abs().sum().item():.5f}")
