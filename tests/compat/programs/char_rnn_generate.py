"""Char-level language model generation as the "unreasonable effectiveness" style scripts do it: an
LSTMCell stepped by hand with (h, c) carried across truncated-BPTT chunks and detached, an nn.LSTM
twin that loads the cell's weights and agrees, then sampling with temperature (softmax(logits / T) and
torch.multinomial), top-k filtering with topk + scatter, nucleus filtering with sort/cumsum, and a
torch.Generator passed to multinomial so two samplers replay each other. Everything is seeded."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

text = ("the quick brown fox jumps over the lazy dog. " * 3 +
        "a stitch in time saves nine. all that glitters is not gold. ") * 2
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
V = len(chars)
print("vocab", V, "length", len(data), "chars", "".join(chars))


class CharRNN(nn.Module):
    def __init__(self, vocab, emb, hidden):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.cell = nn.LSTMCell(emb, hidden)
        self.head = nn.Linear(hidden, vocab)
        self.hidden = hidden

    def forward(self, x, state=None):
        B, T = x.shape
        if state is None:
            state = (x.new_zeros(B, self.hidden, dtype=torch.float), x.new_zeros(B, self.hidden, dtype=torch.float))
        h, c = state
        e = self.emb(x)
        outs = []
        for t in range(T):
            h, c = self.cell(e[:, t], (h, c))
            outs.append(h)
        return self.head(torch.stack(outs, 1)), (h, c)


model = CharRNN(V, 16, 48)
opt = torch.optim.RMSprop(model.parameters(), lr=0.005, alpha=0.95)
B, T = 8, 16
starts = torch.arange(0, len(data) - 1 - B * T, B * T)
print("chunks", starts.numel())
for epoch in range(4):
    state = None
    total = 0.0
    nb = (len(data) - 1) // (B * T)
    seq = data[: nb * B * T + 1]
    xs = seq[:-1].view(B, -1)
    ys = seq[1:].view(B, -1)
    for i in range(0, xs.size(1), T):
        x, y = xs[:, i:i + T], ys[:, i:i + T]
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(model.parameters(), 0.5)
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} mean loss {total / (xs.size(1) // T):.4f}")

# an nn.LSTM loaded with the cell's weights computes the same outputs
lstm = nn.LSTM(16, 48, batch_first=True)
with torch.no_grad():
    lstm.weight_ih_l0.copy_(model.cell.weight_ih)
    lstm.weight_hh_l0.copy_(model.cell.weight_hh)
    lstm.bias_ih_l0.copy_(model.cell.bias_ih)
    lstm.bias_hh_l0.copy_(model.cell.bias_hh)
    x = data[:20].unsqueeze(0)
    a, _ = model(x)
    out, (hn, cn) = lstm(model.emb(x))
    b = model.head(out)
    print("cell vs layer max diff < 1e-5", bool((a - b).abs().max() < 1e-5), tuple(hn.shape), tuple(cn.shape))


def top_k_filter(logits, k):
    vals, idx = logits.topk(k, dim=-1)
    out = torch.full_like(logits, float("-inf"))
    return out.scatter(-1, idx, vals)


def top_p_filter(logits, p):
    sorted_logits, sorted_idx = torch.sort(logits, descending=True, dim=-1)
    cum = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    remove = cum > p
    remove[..., 1:] = remove[..., :-1].clone()
    remove[..., 0] = False
    sorted_logits = sorted_logits.masked_fill(remove, float("-inf"))
    return torch.full_like(logits, float("-inf")).scatter(-1, sorted_idx, sorted_logits)


@torch.no_grad()
def sample(prefix, n, temperature=1.0, k=None, p=None, generator=None):
    model.eval()
    x = torch.tensor([[stoi[c] for c in prefix]])
    logits, state = model(x)
    out = list(prefix)
    last = logits[:, -1]
    for _ in range(n):
        z = last / temperature
        if k is not None:
            z = top_k_filter(z, k)
        if p is not None:
            z = top_p_filter(z, p)
        probs = F.softmax(z, dim=-1)
        nxt = torch.multinomial(probs, 1, generator=generator)
        out.append(itos[nxt.item()])
        logits, state = model(nxt, state)
        last = logits[:, -1]
    return "".join(out)


for temp in (0.5, 1.0, 1.5):
    print(f"T={temp}:", repr(sample("the ", 40, temperature=temp)))
print("top-k 3:", repr(sample("a st", 40, k=3)))
print("top-p 0.8:", repr(sample("all ", 40, p=0.8)))
g1 = torch.Generator().manual_seed(123)
g2 = torch.Generator().manual_seed(123)
s1, s2 = sample("the", 30, generator=g1), sample("the", 30, generator=g2)
print("generators replay:", s1 == s2, repr(s1))
with torch.no_grad():
    logits, _ = model(data[:40].unsqueeze(0))
    probs = F.softmax(logits[0, -1], -1)
    print("entropy", round(-(probs * probs.log()).sum().item(), 4))
    print("top5", [(itos[i], round(v, 4)) for v, i in zip(*[t.tolist() for t in probs.topk(5)])])
