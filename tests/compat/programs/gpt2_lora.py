"""GPT-2 as "Build a Large Language Model (From Scratch)" writes it: a custom
LayerNorm (var with unbiased=False), GELU's tanh approximation by hand, a
registered torch.triu mask used with masked_fill_(-torch.inf), a
Dataset/DataLoader of sliding windows, flatten(0, 1) cross-entropy, AdamW with
weight_decay=0.1, calc_loss_loader / evaluate_model, text generation with
temperature and top-k (torch.topk, torch.where, -torch.inf); then LoRA
fine-tuning of a classification head: freezing by requires_grad_(False),
replacing every nn.Linear through named_children/setattr recursion, counting
trainable parameters, and merging the adapters back. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

from _data import text

GPT_CONFIG = {
    "vocab_size": 0,
    "context_length": 16,
    "emb_dim": 32,
    "n_heads": 4,
    "n_layers": 2,
    "drop_rate": 0.0,
    "qkv_bias": False,
}


class GPTDatasetV1(Dataset):
    def __init__(self, token_ids, max_length, stride):
        self.input_ids = []
        self.target_ids = []
        for i in range(0, len(token_ids) - max_length, stride):
            input_chunk = token_ids[i:i + max_length]
            target_chunk = token_ids[i + 1: i + max_length + 1]
            self.input_ids.append(torch.tensor(input_chunk))
            self.target_ids.append(torch.tensor(target_chunk))

    def __len__(self):
        return len(self.input_ids)

    def __getitem__(self, idx):
        return self.input_ids[idx], self.target_ids[idx]


class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        assert d_out % num_heads == 0, "d_out must be divisible by num_heads"
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x)
        queries = self.W_query(x)
        values = self.W_value(x)
        keys = keys.view(b, num_tokens, self.num_heads, self.head_dim)
        values = values.view(b, num_tokens, self.num_heads, self.head_dim)
        queries = queries.view(b, num_tokens, self.num_heads, self.head_dim)
        keys = keys.transpose(1, 2)
        queries = queries.transpose(1, 2)
        values = values.transpose(1, 2)
        attn_scores = queries @ keys.transpose(2, 3)
        mask_bool = self.mask.bool()[:num_tokens, :num_tokens]
        attn_scores.masked_fill_(mask_bool, -torch.inf)
        attn_weights = torch.softmax(attn_scores / keys.shape[-1] ** 0.5, dim=-1)
        attn_weights = self.dropout(attn_weights)
        context_vec = (attn_weights @ values).transpose(1, 2)
        context_vec = context_vec.contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context_vec)


class LayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        norm_x = (x - mean) / torch.sqrt(var + self.eps)
        return self.scale * norm_x + self.shift


class GELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]),
            GELU(),
            nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]),
        )

    def forward(self, x):
        return self.layers(x)


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(d_in=cfg["emb_dim"], d_out=cfg["emb_dim"], context_length=cfg["context_length"],
                                      num_heads=cfg["n_heads"], dropout=cfg["drop_rate"], qkv_bias=cfg["qkv_bias"])
        self.ff = FeedForward(cfg)
        self.norm1 = LayerNorm(cfg["emb_dim"])
        self.norm2 = LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        shortcut = x
        x = self.norm1(x)
        x = self.att(x)
        x = self.drop_shortcut(x)
        x = x + shortcut
        shortcut = x
        x = self.norm2(x)
        x = self.ff(x)
        x = self.drop_shortcut(x)
        return x + shortcut


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx):
        batch_size, seq_len = in_idx.shape
        tok_embeds = self.tok_emb(in_idx)
        pos_embeds = self.pos_emb(torch.arange(seq_len, device=in_idx.device))
        x = tok_embeds + pos_embeds
        x = self.drop_emb(x)
        x = self.trf_blocks(x)
        x = self.final_norm(x)
        return self.out_head(x)


def calc_loss_batch(input_batch, target_batch, model, device):
    input_batch, target_batch = input_batch.to(device), target_batch.to(device)
    logits = model(input_batch)
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), target_batch.flatten())


def calc_loss_loader(data_loader, model, device, num_batches=None):
    total_loss = 0.
    if len(data_loader) == 0:
        return float("nan")
    elif num_batches is None:
        num_batches = len(data_loader)
    else:
        num_batches = min(num_batches, len(data_loader))
    for i, (input_batch, target_batch) in enumerate(data_loader):
        if i < num_batches:
            loss = calc_loss_batch(input_batch, target_batch, model, device)
            total_loss += loss.item()
        else:
            break
    return total_loss / num_batches


def evaluate_model(model, train_loader, val_loader, device, eval_iter):
    model.eval()
    with torch.no_grad():
        train_loss = calc_loss_loader(train_loader, model, device, num_batches=eval_iter)
        val_loss = calc_loss_loader(val_loader, model, device, num_batches=eval_iter)
    model.train()
    return train_loss, val_loss


def generate(model, idx, max_new_tokens, context_size, temperature=0.0, top_k=None, eos_id=None):
    for _ in range(max_new_tokens):
        idx_cond = idx[:, -context_size:]
        with torch.no_grad():
            logits = model(idx_cond)
        logits = logits[:, -1, :]
        if top_k is not None:
            top_logits, _ = torch.topk(logits, top_k)
            min_val = top_logits[:, -1]
            logits = torch.where(logits < min_val, torch.tensor(float("-inf")).to(logits.device), logits)
        if temperature > 0.0:
            logits = logits / temperature
            probs = torch.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
        else:
            idx_next = torch.argmax(logits, dim=-1, keepdim=True)
        if idx_next == eos_id:
            break
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


raw = text(12_000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
ids = [stoi[c] for c in raw]
GPT_CONFIG["vocab_size"] = len(chars)
split = int(0.9 * len(ids))
torch.manual_seed(123)
train_loader = DataLoader(GPTDatasetV1(ids[:split], 16, 16), batch_size=8, shuffle=True, drop_last=True)
val_loader = DataLoader(GPTDatasetV1(ids[split:], 16, 16), batch_size=8, shuffle=False, drop_last=False)
print("train batches", len(train_loader), "val batches", len(val_loader))

torch.manual_seed(123)
model = GPTModel(GPT_CONFIG)
device = torch.device("cpu")
model.to(device)
total_params = sum(p.numel() for p in model.parameters())
print(f"Total number of parameters: {total_params:,}")
print(f"mask buffer {tuple(model.trf_blocks[0].att.mask.shape)} sum {model.trf_blocks[0].att.mask.sum().item()}")
gelu_err = (GELU()(torch.linspace(-3, 3, 7)) - nn.GELU(approximate="tanh")(torch.linspace(-3, 3, 7))).abs().max()
print("hand gelu matches tanh approx", gelu_err.item() < 1e-6)
print(f"initial losses train {calc_loss_loader(train_loader, model, device, 4):.5f}")

optimizer = torch.optim.AdamW(model.parameters(), lr=0.0004, weight_decay=0.1)
global_step, tokens_seen = -1, 0
for epoch in range(2):
    model.train()
    for input_batch, target_batch in train_loader:
        optimizer.zero_grad()
        loss = calc_loss_batch(input_batch, target_batch, model, device)
        loss.backward()
        optimizer.step()
        tokens_seen += input_batch.numel()
        global_step += 1
        if global_step % 20 == 0:
            train_loss, val_loss = evaluate_model(model, train_loader, val_loader, device, 3)
            print(f"Ep {epoch + 1} (Step {global_step:06d}): Train loss {train_loss:.5f}, Val loss {val_loss:.5f}")
print("tokens seen", tokens_seen)

model.eval()
start = torch.tensor([[stoi[c] for c in "First "]])
out = generate(model, start, 10, GPT_CONFIG["context_length"])
print("greedy:", repr("".join(itos[i] for i in out[0].tolist())))
torch.manual_seed(123)
out = generate(model, start, 10, GPT_CONFIG["context_length"], temperature=1.4, top_k=5)
print("top-k:", repr("".join(itos[i] for i in out[0].tolist())))


# -- LoRA fine-tuning for classification (chapter 6 + appendix E) -------------
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


model.zero_grad()
torch.manual_seed(123)
num_classes = 2
model.out_head = torch.nn.Linear(in_features=GPT_CONFIG["emb_dim"], out_features=num_classes)
total_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total trainable parameters before: {total_params:,}")
for param in model.parameters():
    param.requires_grad = False
total_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total trainable parameters after: {total_params:,}")
replace_linear_with_lora(model, rank=4, alpha=8)
total_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total trainable LoRA parameters: {total_params:,}")
print(model.trf_blocks[0].att.W_query)

# a toy task: does the window contain more vowels than the median?
windows = torch.stack([torch.tensor(ids[i:i + 16]) for i in range(0, 4000, 20)])
vowels = torch.tensor([stoi[c] in [stoi[v] for v in "aeiou" if v in stoi] for c in chars])
counts = vowels[windows].sum(dim=1)
labels = (counts > counts.median()).long()
print("label balance", labels.float().mean().item())


def calc_accuracy(inputs, targets):
    model.eval()
    with torch.no_grad():
        logits = model(inputs)[:, -1, :]
        predicted = torch.argmax(logits, dim=-1)
    model.train()
    return (predicted == targets).float().mean().item()


optimizer = torch.optim.AdamW(filter(lambda p: p.requires_grad, model.parameters()), lr=5e-3, weight_decay=0.1)
for step in range(12):
    sel = torch.arange(step * 16, step * 16 + 16) % len(windows)
    logits = model(windows[sel])[:, -1, :]
    loss = torch.nn.functional.cross_entropy(logits, labels[sel])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 4 == 3:
        print(f"lora step {step} | loss {loss.item():.5f} | acc {calc_accuracy(windows, labels):.4f}")
frozen_grad = model.trf_blocks[0].att.W_query.linear.weight.grad
print("frozen weight grad", frozen_grad, "lora B grad norm", f"{model.out_head.lora.B.grad.norm().item():.5f}")

# merge the adapters back into plain Linears: same logits
with torch.no_grad():
    before = model(windows[:4])
    for block in model.trf_blocks:
        for name in ["W_query", "W_key", "W_value", "out_proj"]:
            wrapped = getattr(block.att, name)
            merged = wrapped.linear
            merged.weight += (wrapped.lora.alpha * wrapped.lora.A @ wrapped.lora.B).T
            setattr(block.att, name, merged)
    after = model(windows[:4])
print("merged matches", torch.allclose(before, after, atol=1e-5), f"{after[0, -1, 0].item():.5f}")
print("lora modules left", sum(isinstance(m, LinearWithLoRA) for m in model.modules()))
