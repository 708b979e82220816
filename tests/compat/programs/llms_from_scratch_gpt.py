"""The path of rasbt/LLMs-from-scratch (chapters 2-7, appendices D and E) on the bundled
Shakespeare, seeded: a regex tokenizer with <|unk|> and <|endoftext|>, a sliding-window
dataset, an embedding sized by a tensor (Embedding(ids.max() + 1, d)), a GPT with
hand-written LayerNorm (unbiased=False), tanh-GELU and causal multi-head attention
(register_buffer mask, masked_fill_ with -torch.inf), pretraining with AdamW, linear
warmup, cosine decay and clip_grad_norm_, top-k/temperature sampling, a KV-cache
that must give the uncached logits, classification finetuning of the last block
with a new head, and LoRA layers swapped in for every Linear. Every number agrees."""

import math
import re

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

from _data import text

torch.manual_seed(123)

# ---------------------------------------------------------------- ch02: tokens and windows
raw = text(6000)
pieces = [p.strip() for p in re.split(r'([,.:;?_!"()\']|--|\s)', raw) if p.strip()]
vocab = {tok: i for i, tok in enumerate(sorted(set(pieces)) + ["<|endoftext|>", "<|unk|>"])}
inverse = {i: s for s, i in vocab.items()}


def encode(s):
    toks = [p.strip() for p in re.split(r'([,.:;?_!"()\']|--|\s)', s) if p.strip()]
    return [vocab.get(t, vocab["<|unk|>"]) for t in toks]


def decode(ids):
    return re.sub(r'\s+([,.?!"()\'])', r"\1", " ".join(inverse[i] for i in ids))


ids = encode(raw)
print("vocab", len(vocab), "tokens", len(ids), "unk in 'Hello, world':", encode("Hello, world"))


class WindowDataset(Dataset):
    def __init__(self, ids, max_length, stride):
        self.inputs, self.targets = [], []
        for i in range(0, len(ids) - max_length, stride):
            self.inputs.append(torch.tensor(ids[i:i + max_length]))
            self.targets.append(torch.tensor(ids[i + 1:i + max_length + 1]))

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, i):
        return self.inputs[i], self.targets[i]


split = int(0.9 * len(ids))
train_loader = DataLoader(WindowDataset(ids[:split], 16, 16), batch_size=4, shuffle=True, drop_last=True)
val_loader = DataLoader(WindowDataset(ids[split:], 16, 16), batch_size=4, shuffle=False)
x0, y0 = next(iter(train_loader))
print("first batch", x0[0, :6].tolist(), y0[0, :6].tolist(), "batches", len(train_loader), len(val_loader))

small = torch.tensor([2, 3, 5, 1])
emb = nn.Embedding(small.max() + 1, 3)  # (a size given as a 0-d tensor)
print("embedding by tensor size", emb, emb(small).sum().item())

# ---------------------------------------------------------------- ch03/ch04: the model
CFG = {"vocab_size": len(vocab), "context_length": 16, "emb_dim": 32, "n_heads": 4, "n_layers": 2,
       "drop_rate": 0.1, "qkv_bias": False}


class LayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class GELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        assert d_out % num_heads == 0
        self.d_out, self.num_heads, self.head_dim = d_out, num_heads, d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))
        self.cache_k = self.cache_v = None

    def forward(self, x, use_cache=False):
        b, n, _ = x.shape
        split = lambda t: t.view(b, n, self.num_heads, self.head_dim).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.W_query(x)), split(self.W_key(x)), split(self.W_value(x))
        if use_cache:
            if self.cache_k is not None:
                k, v = torch.cat([self.cache_k, k], dim=2), torch.cat([self.cache_v, v], dim=2)
            self.cache_k, self.cache_v = k, v
        scores = q @ k.transpose(2, 3)
        total = k.shape[2]
        mask = self.mask.bool()[total - n:total, :total]
        scores.masked_fill_(mask, -torch.inf)
        weights = self.dropout(torch.softmax(scores / k.shape[-1] ** 0.5, dim=-1))
        ctx = (weights @ v).transpose(1, 2).contiguous().view(b, n, self.d_out)
        return self.out_proj(ctx)


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        e = cfg["emb_dim"]
        self.att = MultiHeadAttention(e, e, cfg["context_length"], cfg["drop_rate"], cfg["n_heads"],
                                      cfg["qkv_bias"])
        self.ff = nn.Sequential(nn.Linear(e, 4 * e), GELU(), nn.Linear(4 * e, e))
        self.norm1, self.norm2 = LayerNorm(e), LayerNorm(e)
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x, use_cache=False):
        x = x + self.drop_shortcut(self.att(self.norm1(x), use_cache))
        return x + self.drop_shortcut(self.ff(self.norm2(x)))


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)
        self.pos = 0

    def reset_cache(self):
        self.pos = 0
        for blk in self.trf_blocks:
            blk.att.cache_k = blk.att.cache_v = None

    def forward(self, idx, use_cache=False):
        n = idx.shape[1]
        start = self.pos if use_cache else 0
        pos = torch.arange(start, start + n, device=idx.device)
        self.pos = start + n if use_cache else 0
        x = self.drop_emb(self.tok_emb(idx) + self.pos_emb(pos))
        for blk in self.trf_blocks:
            x = blk(x, use_cache)
        return self.out_head(self.final_norm(x))


model = GPTModel(CFG)
total = sum(p.numel() for p in model.parameters())
print("parameters", total, "trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
print("block 0", model.trf_blocks[0].att)


def calc_loss_batch(x, y, model):
    logits = model(x)
    return nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())


def calc_loss_loader(loader, model, num_batches=None):
    n = len(loader) if num_batches is None else min(num_batches, len(loader))
    total = 0.0
    for i, (x, y) in enumerate(loader):
        if i >= n:
            break
        total += calc_loss_batch(x, y, model).item()
    return total / n


with torch.no_grad():
    print(f"initial train {calc_loss_loader(train_loader, model, 3):.6f} val {calc_loss_loader(val_loader, model):.6f}")

# ---------------------------------------------------------------- appendix D: warmup, cosine, clipping
peak_lr, min_lr, initial_lr, epochs = 3e-3, 1e-4, 1e-5, 3
optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=0.1)
total_steps = epochs * len(train_loader)
warmup_steps = int(0.2 * total_steps)
lr_increment = (peak_lr - initial_lr) / warmup_steps
step = -1
for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        step += 1
        if step < warmup_steps:
            lr = initial_lr + step * lr_increment
        else:
            progress = (step - warmup_steps) / (total_steps - warmup_steps)
            lr = min_lr + (peak_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss = calc_loss_batch(x, y, model)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0) if step >= warmup_steps else None
        optimizer.step()
        if step % 10 == 0:
            print(f"step {step:3d} lr {lr:.6f} loss {loss.item():.6f}"
                  + ("" if norm is None else f" norm {norm.item():.6f}"))
    model.eval()
    with torch.no_grad():
        print(f"epoch {epoch} train {calc_loss_loader(train_loader, model, 3):.6f} "
              f"val {calc_loss_loader(val_loader, model):.6f}")

# ---------------------------------------------------------------- ch05: sampling
def generate(model, idx, max_new_tokens, context_size, temperature=0.0, top_k=None, eos_id=None):
    for _ in range(max_new_tokens):
        with torch.no_grad():
            logits = model(idx[:, -context_size:])[:, -1, :]
        if top_k is not None:
            top_logits, _ = torch.topk(logits, top_k)
            logits = torch.where(logits < top_logits[:, -1], torch.tensor(float("-inf")), logits)
        if temperature > 0.0:
            idx_next = torch.multinomial(torch.softmax(logits / temperature, dim=-1), num_samples=1)
        else:
            idx_next = torch.argmax(logits, dim=-1, keepdim=True)
        if idx_next == eos_id:
            break
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


start = torch.tensor(encode("First Citizen: Before we")).unsqueeze(0)
torch.manual_seed(123)
print("greedy:", decode(generate(model, start, 10, 16)[0].tolist()))
print("top-k 5, T=1.4:", decode(generate(model, start, 10, 16, temperature=1.4, top_k=5)[0].tolist()))

# KV cache: prefill then one token at a time gives the uncached logits
model.reset_cache()
with torch.no_grad():
    full = model(start)
    model.reset_cache()
    parts = [model(start[:, :3], use_cache=True)] + [model(start[:, i:i + 1], use_cache=True)
                                                     for i in range(3, start.shape[1])]
cached = torch.cat(parts, dim=1)
print("kv cache matches:", torch.allclose(full, cached, atol=1e-5), "shapes", tuple(cached.shape))
model.reset_cache()

# ---------------------------------------------------------------- ch06: classification finetuning
torch.manual_seed(123)
for p in model.parameters():
    p.requires_grad = False
model.out_head = nn.Linear(CFG["emb_dim"], 2)
for p in list(model.trf_blocks[-1].parameters()) + list(model.final_norm.parameters()):
    p.requires_grad = True
print("trainable after freezing", sum(p.numel() for p in model.parameters() if p.requires_grad))
lines = [ln for ln in raw.split("\n") if ln.strip()][:96]
labels = torch.tensor([1 if ln.rstrip().endswith((".", "!", "?")) else 0 for ln in lines])
pad = vocab["<|endoftext|>"]
enc = [encode(ln)[:12] for ln in lines]
batch = torch.tensor([e + [pad] * (12 - len(e)) for e in enc])
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-4, weight_decay=0.1)
for ep in range(4):
    model.train()
    for i in range(0, len(batch), 16):
        xb, yb = batch[i:i + 16], labels[i:i + 16]
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb)[:, -1, :], yb)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        pred = torch.argmax(model(batch)[:, -1, :], dim=-1)
    print(f"finetune epoch {ep} loss {loss.item():.6f} accuracy {(pred == labels).float().mean().item() * 100:.2f}%")

# ---------------------------------------------------------------- appendix E: LoRA
class LoRALayer(nn.Module):
    def __init__(self, in_dim, out_dim, rank, alpha):
        super().__init__()
        self.A = nn.Parameter(torch.empty(in_dim, rank))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(rank, out_dim))
        self.alpha = alpha

    def forward(self, x):
        return self.alpha * (x @ self.A @ self.B)


class LinearWithLoRA(nn.Module):
    def __init__(self, linear, rank, alpha):
        super().__init__()
        self.linear = linear
        self.lora = LoRALayer(linear.in_features, linear.out_features, rank, alpha)

    def forward(self, x):
        return self.linear(x) + self.lora(x)


def replace_linear_with_lora(model, rank, alpha):
    for name, module in model.named_children():
        if isinstance(module, nn.Linear):
            setattr(model, name, LinearWithLoRA(module, rank, alpha))
        else:
            replace_linear_with_lora(module, rank, alpha)


torch.manual_seed(123)
for p in model.parameters():
    p.requires_grad = False
before = model(batch[:4])[:, -1, :]
replace_linear_with_lora(model, rank=4, alpha=8)
after = model(batch[:4])[:, -1, :]
print("LoRA trainable", sum(p.numel() for p in model.parameters() if p.requires_grad),
      "unchanged at init:", torch.equal(before, after))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
for ep in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(batch)[:, -1, :], labels)
    loss.backward()
    opt.step()
    print(f"lora step {ep} loss {loss.item():.6f} A grad {model.out_head.lora.A.grad.abs().sum().item():.6f}")
print(model.out_head)
