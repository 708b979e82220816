"""Byte-pair encoding trained with tensor ops, as the "tokenizer from scratch" notebooks write it: the
corpus as a tensor of byte ids, pair counts by encoding each adjacent pair as one integer (id * V + next)
and torch.unique(return_counts=True), the most frequent pair by argmax with ties broken by the smaller
pair id, merges applied with boolean masks and torch.where (no Python loop over tokens), encode/decode
round trips, compression statistics, and a tiny bigram language model trained on the resulting tokens
with a tied-weight head."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

text = ("the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs. "
        "a quick brown dog jumps over a lazy fox. the end of the story is the start of another. ") * 3
ids = torch.tensor(list(text.encode("utf-8")), dtype=torch.long)
print("bytes", len(ids), "distinct", len(torch.unique(ids)))


def pair_counts(seq, vocab_size):
    pairs = seq[:-1] * vocab_size + seq[1:]
    uniq, counts = torch.unique(pairs, return_counts=True)
    return uniq, counts


def merge(seq, a, b, new_id):
    # mark left positions of non-overlapping (a, b) occurrences, left to right
    hit = (seq[:-1] == a) & (seq[1:] == b)
    if a == b:  # "aaa" merges once: drop a hit that follows a hit
        keep = hit.clone()
        for i in torch.nonzero(hit).flatten().tolist():
            if i > 0 and keep[i - 1]:
                keep[i] = False
        hit = keep
    left = torch.cat([hit, torch.tensor([False])])
    right = torch.cat([torch.tensor([False]), hit])
    out = torch.where(left, torch.tensor(new_id), seq)
    return out[~right]


V0, n_merges = 256, 24
merges = {}
seq = ids.clone()
vocab_size = V0
for m in range(n_merges):
    uniq, counts = pair_counts(seq, V0 + n_merges)
    best = counts.max()
    top = uniq[counts == best].min()  # ties: the smallest pair id, deterministic
    a, b = divmod(top.item(), V0 + n_merges)
    merges[(a, b)] = vocab_size
    seq = merge(seq, a, b, vocab_size)
    vocab_size += 1
    if m < 4 or m == n_merges - 1:
        print(f"merge {m:2d}: ({a}, {b}) -> {merges[(a, b)]} count {best.item()} length {len(seq)}")

token_bytes = {i: bytes([i]) for i in range(V0)}
for (a, b), t in merges.items():
    token_bytes[t] = token_bytes[a] + token_bytes[b]


def encode(s):
    x = torch.tensor(list(s.encode("utf-8")), dtype=torch.long)
    for (a, b), t in merges.items():  # merges in training order
        if len(x) < 2:
            break
        x = merge(x, a, b, t)
    return x


def decode(x):
    return b"".join(token_bytes[i] for i in x.tolist()).decode("utf-8", errors="replace")


print("longest tokens", sorted((token_bytes[t].decode() for t in merges.values()), key=len)[-4:])
sample = "the lazy fox jumps over the quick dog."
enc = encode(sample)
print("encoded", enc.tolist())
print("round trip", decode(enc) == sample, "compression", f"{len(sample.encode()) / len(enc):.4f}")
print("corpus encodes to training sequence", torch.equal(encode(text), seq))

# bigram LM on the tokens, tied input/output embeddings
used, remap = torch.unique(seq, return_inverse=True)
n_tok = len(used)
x, y = remap[:-1], remap[1:]
print("used vocabulary", n_tok, "tokens", len(remap))


class Bigram(nn.Module):
    def __init__(self, n, d=16):
        super().__init__()
        self.emb = nn.Embedding(n, d)
        self.proj = nn.Linear(d, d)
        self.bias = nn.Parameter(torch.zeros(n))

    def forward(self, t):
        return F.linear(torch.tanh(self.proj(self.emb(t))), self.emb.weight, self.bias)


model = Bigram(n_tok)
opt = torch.optim.AdamW(model.parameters(), lr=3e-2, weight_decay=0.01)
for step in range(40):
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"bigram step {step + 1} | loss {loss.item():.5f} | bits per byte "
              f"{loss.item() * len(remap) / len(ids) / torch.log(torch.tensor(2.0)).item():.5f}")

counts = torch.zeros(n_tok, n_tok).index_put_((x, y), torch.ones(len(x)), accumulate=True)
probs = (counts + 0.1) / (counts + 0.1).sum(1, keepdim=True)
print(f"count model nll {-probs[x, y].log().mean().item():.5f}")
g = torch.Generator().manual_seed(1)
t = remap[:1]
out = [t.item()]
with torch.no_grad():
    for _ in range(12):
        p = F.softmax(model(torch.tensor([out[-1]])), -1)
        out.append(torch.multinomial(p[0], 1, generator=g).item())
print("sample:", repr(decode(used[torch.tensor(out)])))
