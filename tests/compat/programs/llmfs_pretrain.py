""""Build a Large Language Model (From Scratch)" chapter 5 and appendix D:
the temperature-scaling demo (softmax of logits / T, torch.multinomial
draws counted by torch.bincount, print_sampled_tokens), loading "pretrained"
weights from a dict of numpy arrays the way load_weights_into_gpt does
(assign() with its shape check, np.split of the fused qkv matrix, .T of
Conv1D weights, weight tying of out_head to the embedding), then the
appendix-D training loop: peak_lr from the optimizer, linear warmup then
cosine decay written by hand into param_groups, gradient clipping only after
warmup, track_lrs, tokens_seen, periodic evaluation, and the
model + optimizer checkpoint saved with torch.save and resumed with
torch.load(weights_only=True). Seeded: every number agrees."""

import math
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

from _data import text

# ------------------------------------------------------------------ temperature scaling
vocab = {"closer": 0, "every": 1, "effort": 2, "forward": 3, "inches": 4, "moves": 5, "pizza": 6,
         "toward": 7, "you": 8}
inverse_vocab = {v: k for k, v in vocab.items()}
next_token_logits = torch.tensor([4.51, 0.89, -1.90, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79])
probas = torch.softmax(next_token_logits, dim=0)
next_token_id = torch.argmax(probas).item()
print("greedy:", inverse_vocab[next_token_id])
torch.manual_seed(123)
next_token_id = torch.multinomial(probas, num_samples=1).item()
print("sampled:", inverse_vocab[next_token_id])


def print_sampled_tokens(probas):
    torch.manual_seed(123)
    sample = [torch.multinomial(probas, num_samples=1).item() for i in range(1_000)]
    sampled_ids = torch.bincount(torch.tensor(sample), minlength=len(probas))
    for i, freq in enumerate(sampled_ids):
        print(f"{freq} x {inverse_vocab[i]}")


print_sampled_tokens(probas)


def softmax_with_temperature(logits, temperature):
    scaled_logits = logits / temperature
    return torch.softmax(scaled_logits, dim=0)


temperatures = [1, 0.1, 5]
scaled_probas = [softmax_with_temperature(next_token_logits, T) for T in temperatures]
for T, p in zip(temperatures, scaled_probas):
    print(f"T={T}:", [round(v, 5) for v in p.tolist()])
print("pizza share at T=5:", f"{scaled_probas[2][vocab['pizza']].item():.6f}")
top_k = 3
top_logits, top_pos = torch.topk(next_token_logits, top_k)
new_logits = torch.where(condition=next_token_logits < top_logits[-1], input=torch.tensor(float("-inf")),
                         other=next_token_logits)
print("top-k", top_logits, top_pos, torch.softmax(new_logits, dim=0))


# ------------------------------------------------------------------ the model
class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.d_out, self.num_heads, self.head_dim = d_out, num_heads, d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        q = self.W_query(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.W_key(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.W_value(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        attn_scores = q @ k.transpose(2, 3)
        attn_scores.masked_fill_(self.mask.bool()[:num_tokens, :num_tokens], -torch.inf)
        attn_weights = self.dropout(torch.softmax(attn_scores / k.shape[-1] ** 0.5, dim=-1))
        context_vec = (attn_weights @ v).transpose(1, 2).contiguous().view(b, num_tokens, self.d_out)
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
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]), nn.GELU(approximate="tanh"),
                                    nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))

    def forward(self, x):
        return self.layers(x)


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["context_length"], cfg["drop_rate"],
                                      cfg["n_heads"], cfg["qkv_bias"])
        self.ff = FeedForward(cfg)
        self.norm1 = LayerNorm(cfg["emb_dim"])
        self.norm2 = LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        x = x + self.drop_shortcut(self.att(self.norm1(x)))
        return x + self.drop_shortcut(self.ff(self.norm2(x)))


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
        x = self.tok_emb(in_idx) + self.pos_emb(torch.arange(seq_len, device=in_idx.device))
        x = self.trf_blocks(self.drop_emb(x))
        return self.out_head(self.final_norm(x))


raw = text(6000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}


def text_to_token_ids(s):
    return torch.tensor([stoi[c] for c in s]).unsqueeze(0)


def token_ids_to_text(ids):
    return "".join(itos[i] for i in ids.squeeze(0).tolist())


cfg = {"vocab_size": len(chars), "context_length": 24, "emb_dim": 32, "n_heads": 4, "n_layers": 2,
       "drop_rate": 0.1, "qkv_bias": True}
print("vocab", cfg["vocab_size"])

# ------------------------------------------------------------------ loading "pretrained" numpy weights
rng = np.random.default_rng(0)
E, V, C = cfg["emb_dim"], cfg["vocab_size"], cfg["context_length"]
params = {"wte": rng.normal(0, 0.02, (V, E)).astype(np.float32),
          "wpe": rng.normal(0, 0.01, (C, E)).astype(np.float32),
          "g": np.ones(E, np.float32), "b": np.zeros(E, np.float32), "blocks": []}
for _ in range(cfg["n_layers"]):
    params["blocks"].append({
        "attn": {"c_attn": {"w": rng.normal(0, 0.02, (E, 3 * E)).astype(np.float32),
                            "b": np.zeros(3 * E, np.float32)},
                 "c_proj": {"w": rng.normal(0, 0.02, (E, E)).astype(np.float32), "b": np.zeros(E, np.float32)}},
        "mlp": {"c_fc": {"w": rng.normal(0, 0.02, (E, 4 * E)).astype(np.float32), "b": np.zeros(4 * E, np.float32)},
                "c_proj": {"w": rng.normal(0, 0.02, (4 * E, E)).astype(np.float32), "b": np.zeros(E, np.float32)}},
        "ln_1": {"g": np.ones(E, np.float32), "b": np.zeros(E, np.float32)},
        "ln_2": {"g": np.ones(E, np.float32), "b": np.zeros(E, np.float32)}})


def assign(left, right):
    if left.shape != right.shape:
        raise ValueError(f"Shape mismatch. Left: {left.shape}, Right: {right.shape}")
    return torch.nn.Parameter(torch.tensor(right))


def load_weights_into_gpt(gpt, params):
    gpt.pos_emb.weight = assign(gpt.pos_emb.weight, params["wpe"])
    gpt.tok_emb.weight = assign(gpt.tok_emb.weight, params["wte"])
    for b in range(len(params["blocks"])):
        q_w, k_w, v_w = np.split(params["blocks"][b]["attn"]["c_attn"]["w"], 3, axis=-1)
        gpt.trf_blocks[b].att.W_query.weight = assign(gpt.trf_blocks[b].att.W_query.weight, q_w.T)
        gpt.trf_blocks[b].att.W_key.weight = assign(gpt.trf_blocks[b].att.W_key.weight, k_w.T)
        gpt.trf_blocks[b].att.W_value.weight = assign(gpt.trf_blocks[b].att.W_value.weight, v_w.T)
        q_b, k_b, v_b = np.split(params["blocks"][b]["attn"]["c_attn"]["b"], 3, axis=-1)
        gpt.trf_blocks[b].att.W_query.bias = assign(gpt.trf_blocks[b].att.W_query.bias, q_b)
        gpt.trf_blocks[b].att.W_key.bias = assign(gpt.trf_blocks[b].att.W_key.bias, k_b)
        gpt.trf_blocks[b].att.W_value.bias = assign(gpt.trf_blocks[b].att.W_value.bias, v_b)
        gpt.trf_blocks[b].att.out_proj.weight = assign(gpt.trf_blocks[b].att.out_proj.weight,
                                                       params["blocks"][b]["attn"]["c_proj"]["w"].T)
        gpt.trf_blocks[b].att.out_proj.bias = assign(gpt.trf_blocks[b].att.out_proj.bias,
                                                     params["blocks"][b]["attn"]["c_proj"]["b"])
        gpt.trf_blocks[b].ff.layers[0].weight = assign(gpt.trf_blocks[b].ff.layers[0].weight,
                                                       params["blocks"][b]["mlp"]["c_fc"]["w"].T)
        gpt.trf_blocks[b].ff.layers[0].bias = assign(gpt.trf_blocks[b].ff.layers[0].bias,
                                                     params["blocks"][b]["mlp"]["c_fc"]["b"])
        gpt.trf_blocks[b].ff.layers[2].weight = assign(gpt.trf_blocks[b].ff.layers[2].weight,
                                                       params["blocks"][b]["mlp"]["c_proj"]["w"].T)
        gpt.trf_blocks[b].ff.layers[2].bias = assign(gpt.trf_blocks[b].ff.layers[2].bias,
                                                     params["blocks"][b]["mlp"]["c_proj"]["b"])
        gpt.trf_blocks[b].norm1.scale = assign(gpt.trf_blocks[b].norm1.scale, params["blocks"][b]["ln_1"]["g"])
        gpt.trf_blocks[b].norm1.shift = assign(gpt.trf_blocks[b].norm1.shift, params["blocks"][b]["ln_1"]["b"])
        gpt.trf_blocks[b].norm2.scale = assign(gpt.trf_blocks[b].norm2.scale, params["blocks"][b]["ln_2"]["g"])
        gpt.trf_blocks[b].norm2.shift = assign(gpt.trf_blocks[b].norm2.shift, params["blocks"][b]["ln_2"]["b"])
    gpt.final_norm.scale = assign(gpt.final_norm.scale, params["g"])
    gpt.final_norm.shift = assign(gpt.final_norm.shift, params["b"])
    gpt.out_head.weight = assign(gpt.out_head.weight, params["wte"])


torch.manual_seed(123)
gpt = GPTModel(cfg)
load_weights_into_gpt(gpt, params)
print("tied by value", torch.equal(gpt.out_head.weight, gpt.tok_emb.weight),
      "same object", gpt.out_head.weight is gpt.tok_emb.weight)
try:
    assign(gpt.pos_emb.weight, params["wte"])
except ValueError as e:
    print(e)
total_params = sum(p.numel() for p in gpt.parameters())
total_params_gpt2 = total_params - sum(p.numel() for p in gpt.out_head.parameters())
print(f"Total number of parameters: {total_params:,} (without the head {total_params_gpt2:,})")
print(f"model size {total_params * 4 / (1024 * 1024):.4f} MB")


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


# ------------------------------------------------------------------ data and loaders
class GPTDatasetV1(Dataset):
    def __init__(self, txt, max_length, stride):
        self.input_ids, self.target_ids = [], []
        token_ids = [stoi[c] for c in txt]
        for i in range(0, len(token_ids) - max_length, stride):
            self.input_ids.append(torch.tensor(token_ids[i:i + max_length]))
            self.target_ids.append(torch.tensor(token_ids[i + 1:i + max_length + 1]))

    def __len__(self):
        return len(self.input_ids)

    def __getitem__(self, idx):
        return self.input_ids[idx], self.target_ids[idx]


def create_dataloader_v1(txt, batch_size=4, max_length=256, stride=128, shuffle=True, drop_last=True,
                         num_workers=0):
    dataset = GPTDatasetV1(txt, max_length, stride)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, num_workers=num_workers)


train_ratio = 0.90
split_idx = int(train_ratio * len(raw))
torch.manual_seed(123)
train_loader = create_dataloader_v1(raw[:split_idx], batch_size=8, max_length=cfg["context_length"],
                                    stride=cfg["context_length"], drop_last=True, shuffle=True)
val_loader = create_dataloader_v1(raw[split_idx:], batch_size=8, max_length=cfg["context_length"],
                                  stride=cfg["context_length"], drop_last=False, shuffle=False)
print("batches", len(train_loader), len(val_loader))
train_tokens = sum(input_batch.numel() for input_batch, _ in train_loader)
print("Training tokens:", train_tokens)


def calc_loss_batch(input_batch, target_batch, model, device):
    input_batch, target_batch = input_batch.to(device), target_batch.to(device)
    logits = model(input_batch)
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), target_batch.flatten())


def calc_loss_loader(data_loader, model, device, num_batches=None):
    total_loss = 0.
    if len(data_loader) == 0:
        return float("nan")
    num_batches = len(data_loader) if num_batches is None else min(num_batches, len(data_loader))
    for i, (input_batch, target_batch) in enumerate(data_loader):
        if i < num_batches:
            total_loss += calc_loss_batch(input_batch, target_batch, model, device).item()
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


device = torch.device("cpu")
with torch.no_grad():
    print(f"loaded model: train loss {calc_loss_loader(train_loader, gpt, device, 3):.6f} "
          f"val loss {calc_loss_loader(val_loader, gpt, device):.6f} (ln V = {math.log(V):.6f})")


# ------------------------------------------------------------------ appendix D training loop
ORIG_BOOK_VERSION = False


def train_model(model, train_loader, val_loader, optimizer, device, n_epochs, eval_freq, eval_iter, start_context,
                warmup_steps, initial_lr=3e-05, min_lr=1e-6):
    train_losses, val_losses, track_tokens_seen, track_lrs = [], [], [], []
    tokens_seen, global_step = 0, -1
    peak_lr = optimizer.param_groups[0]["lr"]
    total_training_steps = len(train_loader) * n_epochs
    lr_increment = (peak_lr - initial_lr) / warmup_steps
    for epoch in range(n_epochs):
        model.train()
        for input_batch, target_batch in train_loader:
            optimizer.zero_grad()
            global_step += 1
            if global_step < warmup_steps:
                lr = initial_lr + global_step * lr_increment
            else:
                progress = ((global_step - warmup_steps) / (total_training_steps - warmup_steps))
                lr = min_lr + (peak_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
            for param_group in optimizer.param_groups:
                param_group["lr"] = lr
            track_lrs.append(lr)
            loss = calc_loss_batch(input_batch, target_batch, model, device)
            loss.backward()
            if ORIG_BOOK_VERSION:
                if global_step > warmup_steps:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            else:
                if global_step >= warmup_steps:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            tokens_seen += input_batch.numel()
            if global_step % eval_freq == 0:
                train_loss, val_loss = evaluate_model(model, train_loader, val_loader, device, eval_iter)
                train_losses.append(train_loss)
                val_losses.append(val_loss)
                track_tokens_seen.append(tokens_seen)
                print(f"Ep {epoch + 1} (Iter {global_step:06d}): Train loss {train_loss:.5f}, Val loss {val_loss:.5f}")
        model.eval()
        encoded = text_to_token_ids(start_context).to(device)
        with torch.no_grad():
            token_ids = generate(model, encoded, 20, cfg["context_length"])
        print("sample:", repr(token_ids_to_text(token_ids)))
        model.train()
    return train_losses, val_losses, track_tokens_seen, track_lrs


peak_lr = 0.004
optimizer = torch.optim.AdamW(gpt.parameters(), lr=peak_lr, weight_decay=0.1)
n_epochs = 3
total_steps = len(train_loader) * n_epochs
warmup_steps = int(0.2 * total_steps)
print("total steps", total_steps, "warmup", warmup_steps)
torch.manual_seed(123)
train_losses, val_losses, tokens_seen, lrs = train_model(
    gpt, train_loader, val_loader, optimizer, device, n_epochs=n_epochs, eval_freq=5, eval_iter=2,
    start_context="First ", warmup_steps=warmup_steps, initial_lr=1e-5, min_lr=1e-5)
print("lrs", [f"{v:.6f}" for v in lrs[::6]], "tokens seen", tokens_seen[-1])
print("still tied?", gpt.out_head.weight is gpt.tok_emb.weight,
      "diverged", not torch.equal(gpt.out_head.weight, gpt.tok_emb.weight))

torch.manual_seed(211)
out = generate(gpt, text_to_token_ids("Citizen"), 15, cfg["context_length"], temperature=1.4, top_k=8)
print("top-k sample:", repr(token_ids_to_text(out)))
eos = stoi["\n"]
out = generate(gpt, text_to_token_ids("All:"), 30, cfg["context_length"], eos_id=eos)
print("greedy until newline:", repr(token_ids_to_text(out)), out.shape[1])

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "model_and_optimizer.pth")
    torch.save({"model_state_dict": gpt.state_dict(), "optimizer_state_dict": optimizer.state_dict()}, path)
    checkpoint = torch.load(path, weights_only=True)
    model = GPTModel(cfg)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0005, weight_decay=0.1)
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    print("restored lr", optimizer.param_groups[0]["lr"], "state entries", len(optimizer.state),
          "mask buffer saved", "trf_blocks.0.att.mask" in checkpoint["model_state_dict"])
    model.train()
    torch.manual_seed(5)
    for input_batch, target_batch in train_loader:
        optimizer.zero_grad()
        loss = calc_loss_batch(input_batch, target_batch, model, device)
        loss.backward()
        optimizer.step()
        break
    print(f"one more step after resume: loss {loss.item():.6f}")
    print(f"eval after resume {evaluate_model(model, train_loader, val_loader, device, 2)[1]:.6f}")
