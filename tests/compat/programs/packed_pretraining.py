"""The data side of LLM pretraining scripts, written out: a byte-pair-encoding
tokenizer trained in Python (merges by pair counts), documents packed into
fixed-length rows separated by EOS, document ids from a cumsum of EOS marks
and a block-diagonal causal mask (doc_ids[:, :, None] == doc_ids[:, None, :]
& tril) given to F.scaled_dot_product_attention as a bool mask, position ids
restarting at each document (arange minus the cummax of document starts),
loss masking of the EOS targets, a chunked cross-entropy over torch.split of
the hidden states under torch.utils.checkpoint, muP-style parameter groups
(hidden matrices at lr / width multiplier), SequentialLR of LinearLR warmup and
CosineAnnealingLR, skipping a step when clip_grad_norm_ returns a non-finite
norm; then batched generation with left padding (pad_sequence with
padding_side='left', position ids from attention_mask.cumsum(-1) - 1 with
masked_fill_). Seeded: every number agrees."""

import collections

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
from torch.utils.checkpoint import checkpoint

from _data import text

torch.manual_seed(0)


# -- a byte-pair-encoding tokenizer -------------------------------------------------------
def get_stats(ids):
    return collections.Counter(zip(ids, ids[1:]))


def merge(ids, pair, idx):
    out, i = [], 0
    while i < len(ids):
        if i < len(ids) - 1 and (ids[i], ids[i + 1]) == pair:
            out.append(idx)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


raw = text(8000)
docs = [d.strip() for d in raw.split("\n") if len(d.strip()) > 20][:80]
chars = sorted(set("".join(docs)))
base_vocab = {c: i for i, c in enumerate(chars)}
ids = [base_vocab[c] for c in "".join(docs)]
merges = {}
next_id = len(chars)
for _ in range(40):
    stats = get_stats(ids)
    pair = max(stats, key=lambda p: (stats[p], -p[0], -p[1]))
    merges[pair] = next_id
    ids = merge(ids, pair, next_id)
    next_id += 1
EOS, PAD = next_id, next_id + 1
VOCAB = next_id + 2


def encode(s):
    toks = [base_vocab[c] for c in s]
    for pair, idx in merges.items():
        toks = merge(toks, pair, idx)
    return toks


encoded = [encode(d) for d in docs]
print("vocab", VOCAB, "merges", len(merges), "compression", f"{sum(map(len, docs)) / sum(map(len, encoded)):.4f}")

# -- packing ------------------------------------------------------------------------------
SEQ = 48
stream = torch.tensor([t for doc in encoded for t in doc + [EOS]])
n_rows = (len(stream) - 1) // SEQ
inputs = stream[: n_rows * SEQ].view(n_rows, SEQ)
targets = stream[1: n_rows * SEQ + 1].view(n_rows, SEQ)
print("packed rows", tuple(inputs.shape), "eos per row", (inputs == EOS).sum(1)[:6].tolist())


def document_structure(x):
    is_eos = (x == EOS).long()
    doc_ids = torch.cumsum(is_eos, dim=1) - is_eos  # an EOS still belongs to the document it ends
    starts = torch.zeros_like(x)
    starts[:, 1:] = is_eos[:, :-1]
    pos = torch.arange(x.size(1)).expand_as(x)
    start_pos, _ = torch.cummax(torch.where(starts.bool(), pos, torch.zeros_like(pos)), dim=1)
    T = x.size(1)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    mask = (doc_ids[:, :, None] == doc_ids[:, None, :]) & causal
    return mask.unsqueeze(1), pos - start_pos


m, p = document_structure(inputs[2:3])
print("positions restart", p[0].tolist())
print("row 2 attends to", m[0, 0].sum(1).tolist())


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.o = nn.Linear(d, 3 * d, bias=False), nn.Linear(d, d, bias=False)
        self.up, self.down = nn.Linear(d, 4 * d, bias=False), nn.Linear(4 * d, d, bias=False)

    def forward(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.h, C // self.h).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.o(a.transpose(1, 2).reshape(B, T, C))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


class LM(nn.Module):
    def __init__(self, d=32, h=4, layers=2, width_mult=2.0):
        super().__init__()
        self.width_mult = width_mult
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Embedding(SEQ, d)
        self.blocks = nn.ModuleList([Block(d, h) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB, bias=False)

    def hidden(self, x, mask, pos):
        h = self.tok(x) + self.pos(pos)
        for b in self.blocks:
            h = b(h, mask)
        return self.ln(h)

    def chunked_loss(self, h, y, chunk=16):
        total, count = h.new_zeros(()), (y != -100).sum()
        for hc, yc in zip(torch.split(h, chunk, dim=1), torch.split(y, chunk, dim=1)):
            logits = checkpoint(lambda t: self.head(t) / self.width_mult, hc, use_reentrant=False)
            total = total + F.cross_entropy(logits.reshape(-1, VOCAB), yc.reshape(-1), ignore_index=-100,
                                            reduction="sum")
        return total / count


model = LM()
matrices = [p for n, p in model.named_parameters() if p.ndim == 2 and "blocks" in n]
others = [p for n, p in model.named_parameters() if not (p.ndim == 2 and "blocks" in n)]
base_lr = 6e-3
opt = torch.optim.AdamW([{"params": matrices, "lr": base_lr / model.width_mult, "weight_decay": 0.1},
                         {"params": others, "lr": base_lr, "weight_decay": 0.0}], betas=(0.9, 0.95))
warm = LinearLR(opt, start_factor=0.1, total_iters=4)
cos = CosineAnnealingLR(opt, T_max=12, eta_min=1e-4)
sched = SequentialLR(opt, schedulers=[warm, cos], milestones=[4])
print("group lrs", [g["lr"] for g in opt.param_groups])

skipped = 0
for step in range(16):
    rows = torch.arange(step * 4, step * 4 + 4) % n_rows
    x, y = inputs[rows], targets[rows].clone()
    y[x == EOS] = -100  # do not predict across a document boundary
    mask, pos = document_structure(x)
    h = model.hidden(x, mask, pos)
    loss = model.chunked_loss(h, y)
    if step == 9:
        loss = loss * float("inf")  # an overflow: the norm is not finite and the step is skipped
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    if not torch.isfinite(norm):
        skipped += 1
    else:
        opt.step()
    sched.step()
    if step % 4 == 0 or step in (9, 15):
        print(f"step {step:2d} | loss {loss.item():.5f} | norm {norm.item():.5f} | lrs "
              f"{[round(lr, 6) for lr in sched.get_last_lr()]}")
print("skipped", skipped)

# the block-diagonal mask equals running each document alone
model.eval()
with torch.no_grad():
    x = inputs[:1]
    mask, pos = document_structure(x)
    packed = model.hidden(x, mask, pos)
    first_len = int((x[0] == EOS).nonzero()[0]) + 1
    alone = model.hidden(x[:, :first_len], torch.ones(1, 1, first_len, first_len, dtype=torch.bool).tril(),
                         torch.arange(first_len)[None])
print("packed == alone", torch.allclose(packed[:, :first_len], alone, atol=1e-5), first_len)

# batched generation with left padding
prompts = [torch.tensor(encode(s)) for s in ["The ", "First Citizen", "All"]]
batch = pad_sequence(prompts, batch_first=True, padding_value=PAD, padding_side="left")
attention_mask = (batch != PAD).long()
print("left padded", batch.tolist()[0][:4], attention_mask.sum(1).tolist())
with torch.no_grad():
    for _ in range(5):
        T = batch.size(1)
        position_ids = attention_mask.long().cumsum(-1) - 1
        position_ids.masked_fill_(attention_mask == 0, 1)
        keep = attention_mask.bool()[:, None, None, :] & torch.ones(T, T, dtype=torch.bool).tril()
        keep = keep | torch.eye(T, dtype=torch.bool)  # a padded row still needs one key
        logits = model.head(model.hidden(batch, keep, position_ids))[:, -1]
        nxt = logits.argmax(-1, keepdim=True)
        batch = torch.cat([batch, nxt], 1)
        attention_mask = torch.cat([attention_mask, torch.ones_like(nxt)], 1)
print("generated", batch[:, -5:].tolist())
solo = prompts[0][None]
with torch.no_grad():
    for _ in range(5):
        T = solo.size(1)
        logits = model.head(model.hidden(solo, torch.ones(T, T, dtype=torch.bool).tril(), torch.arange(T)[None]))[:, -1]
        solo = torch.cat([solo, logits.argmax(-1, keepdim=True)], 1)
print("left padding changes nothing", solo[0, -5:].tolist() == batch[0, -5:].tolist())
