"""A pointer network (Vinyals et al.) that learns to sort numbers, as the minimal PyTorch
reimplementations write it: an LSTM encoder, an LSTMCell decoder fed the embedding of the last pointed
input, additive (Bahdanau) attention whose scores are the output distribution, already-chosen positions
masked with masked_fill(-inf), teacher forcing with torch.gather of encoder states, greedy decoding,
per-sequence and per-position accuracy, plus the log-likelihood of the target permutation."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class Attention(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.W1 = nn.Linear(hidden, hidden, bias=False)
        self.W2 = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, enc, dec, mask):
        scores = self.v(torch.tanh(self.W1(enc) + self.W2(dec).unsqueeze(1))).squeeze(-1)
        return scores.masked_fill(mask, float("-inf"))


class PointerNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.embed = nn.Linear(1, hidden)
        self.encoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.decoder = nn.LSTMCell(hidden, hidden)
        self.attn = Attention(hidden)
        self.start = nn.Parameter(torch.zeros(hidden))
        nn.init.uniform_(self.start, -0.1, 0.1)

    def forward(self, x, targets=None):
        B, n = x.shape
        emb = self.embed(x.unsqueeze(-1))
        enc, (h, c) = self.encoder(emb)
        h, c = h[0], c[0]
        inp = self.start.unsqueeze(0).expand(B, -1)
        mask = torch.zeros(B, n, dtype=torch.bool)
        logits, pointers = [], []
        for t in range(n):
            h, c = self.decoder(inp, (h, c))
            scores = self.attn(enc, h, mask)
            logits.append(scores)
            ptr = scores.argmax(-1) if targets is None else targets[:, t]
            pointers.append(ptr)
            mask = mask.scatter(1, ptr.unsqueeze(1), True)
            inp = torch.gather(emb, 1, ptr.view(B, 1, 1).expand(-1, 1, emb.shape[-1])).squeeze(1)
        return torch.stack(logits, 1), torch.stack(pointers, 1)


def batch(B, n, gen):
    x = torch.rand(B, n, generator=gen)
    return x, x.argsort(dim=1)


model = PointerNet()
print(model)
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
gen = torch.Generator().manual_seed(1)
for step in range(150):
    x, tgt = batch(64, 6, gen)
    logits, _ = model(x, tgt)
    loss = F.cross_entropy(logits.reshape(-1, 6), tgt.reshape(-1))
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    opt.step()
    if step % 30 == 0 or step == 149:
        print(f"step {step:3d} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    x, tgt = batch(200, 6, torch.Generator().manual_seed(7))
    logits, ptr = model(x)
    seq_acc = (ptr == tgt).all(1).float().mean().item()
    pos_acc = (ptr == tgt).float().mean(0)
    valid = (ptr.sort(1).values == torch.arange(6)).all(1).float().mean().item()
    log_probs = F.log_softmax(logits, -1)
    ll = log_probs.gather(2, tgt.unsqueeze(-1)).squeeze(-1).sum(1)
print(f"sequence acc {seq_acc:.4f} valid permutations {valid:.4f}")
print("per-position acc", [f"{v:.3f}" for v in pos_acc.tolist()])
print(f"target log-likelihood mean {ll.mean().item():.4f} min {ll.min().item():.4f}")
print("example", [round(v, 3) for v in x[0].tolist()], "->", ptr[0].tolist(), "sorted", [round(v, 3) for v in x[0][ptr[0]].tolist()])
print("masked probs row", [f"{v:.3f}" for v in log_probs[0, -1].exp().tolist()])
with torch.no_grad():
    x8, t8 = batch(100, 8, torch.Generator().manual_seed(8))
    _, p8 = model(x8)
print(f"generalises to n=8: seq acc {(p8 == t8).all(1).float().mean().item():.4f} pos acc {(p8 == t8).float().mean().item():.4f}")
