"""A sparse mixture-of-experts decoder the way makeMoE / Mixtral-style
from-scratch notebooks write it: a noisy top-k router (F.softplus noise scale,
torch.randn_like, topk, scatter of -inf, softmax), expert dispatch by boolean
masks with index_add_, the same layer written with torch.where and one_hot, a
Switch-Transformer load-balancing loss (one_hot counts, bincount, router
z-loss by logsumexp), capacity dropping with cumsum; attention with ALiBi
slopes (the closest-power-of-two recipe), a sliding-window causal mask built
from tril/triu and fed to F.scaled_dot_product_attention as a bool and as a
float mask; training with gradient accumulation, label smoothing and
nn.init.trunc_normal_ / xavier_uniform_ by model.apply. Seeded: every number
agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(42)
n_embd, n_head, block_size, num_experts, top_k, window = 32, 4, 16, 4, 2, 6


def get_alibi_slopes(n_heads):
    def get_slopes_power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        ratio = start
        return [start * ratio ** i for i in range(n)]

    if math.log2(n_heads).is_integer():
        return get_slopes_power_of_2(n_heads)
    closest_power_of_2 = 2 ** math.floor(math.log2(n_heads))
    return (get_slopes_power_of_2(closest_power_of_2)
            + get_alibi_slopes(2 * closest_power_of_2)[0::2][: n_heads - closest_power_of_2])


def alibi_bias(n_heads, T):
    slopes = torch.tensor(get_alibi_slopes(n_heads))
    pos = torch.arange(T)
    rel = (pos[None, :] - pos[:, None]).float()  # key - query, <= 0 in the causal part
    return slopes[:, None, None] * rel[None, :, :]


def sliding_window_mask(T, w):
    ones = torch.ones(T, T, dtype=torch.bool)
    return torch.tril(ones) & torch.triu(ones, diagonal=-(w - 1))


print("slopes 8", [f"{s:.5f}" for s in get_alibi_slopes(8)])
print("slopes 6", [f"{s:.5f}" for s in get_alibi_slopes(6)])
print("window mask row 9", sliding_window_mask(12, 4)[9].int().tolist())


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.proj = nn.Linear(n_embd, n_embd)
        self.register_buffer("alibi", alibi_bias(n_head, block_size), persistent=False)
        self.register_buffer("window", sliding_window_mask(block_size, window), persistent=False)

    def forward(self, x, manual=False):
        B, T, C = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, n_head, C // n_head).permute(2, 0, 3, 1, 4).unbind(0)
        allowed = self.window[:T, :T]
        if manual:
            att = q @ k.transpose(-2, -1) / math.sqrt(k.size(-1)) + self.alibi[:, :T, :T]
            att = att.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
            y = att @ v
        else:
            bias = self.alibi[:, :T, :T].masked_fill(~allowed, float("-inf"))
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Expert(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_embd, 2 * n_embd), nn.ReLU(), nn.Linear(2 * n_embd, n_embd))

    def forward(self, x):
        return self.net(x)


class NoisyTopkRouter(nn.Module):
    def __init__(self):
        super().__init__()
        self.topkroute_linear = nn.Linear(n_embd, num_experts)
        self.noise_linear = nn.Linear(n_embd, num_experts)

    def forward(self, mh_output):
        logits = self.topkroute_linear(mh_output)
        noise_logits = self.noise_linear(mh_output)
        noise = torch.randn_like(logits) * F.softplus(noise_logits)
        noisy_logits = logits + noise if self.training else logits
        top_k_logits, indices = noisy_logits.topk(top_k, dim=-1)
        zeros = torch.full_like(noisy_logits, float("-inf"))
        sparse_logits = zeros.scatter(-1, indices, top_k_logits)
        router_output = F.softmax(sparse_logits, dim=-1)
        return router_output, indices, noisy_logits


class SparseMoE(nn.Module):
    def __init__(self):
        super().__init__()
        self.router = NoisyTopkRouter()
        self.experts = nn.ModuleList([Expert() for _ in range(num_experts)])

    def forward(self, x):
        gating_output, indices, logits = self.router(x)
        final_output = torch.zeros_like(x)
        flat_x = x.view(-1, x.size(-1))
        flat_gating_output = gating_output.view(-1, gating_output.size(-1))
        for i, expert in enumerate(self.experts):
            expert_mask = (indices == i).any(dim=-1)
            flat_mask = expert_mask.view(-1)
            if flat_mask.any():
                expert_input = flat_x[flat_mask]
                expert_output = expert(expert_input)
                gating_scores = flat_gating_output[flat_mask, i].unsqueeze(1)
                weighted_output = expert_output * gating_scores
                final_output.view(-1, x.size(-1)).index_add_(0, torch.where(flat_mask)[0], weighted_output)
        # Switch-Transformer auxiliary losses
        probs = F.softmax(logits.view(-1, num_experts), dim=-1)
        one_hot = F.one_hot(indices.view(-1, top_k)[:, 0], num_experts).float()
        balance = num_experts * (one_hot.mean(0) * probs.mean(0)).sum()
        z_loss = torch.logsumexp(logits, dim=-1).pow(2).mean()
        return final_output, balance, z_loss


def moe_by_where(moe, x):
    """The same layer, every expert on every token, weights from one_hot masks."""
    gates, indices, _ = moe.router(x)
    outs = torch.stack([e(x) for e in moe.experts], dim=-2)  # B, T, E, C
    chosen = F.one_hot(indices, num_experts).sum(-2).bool()  # B, T, E
    w = torch.where(chosen, gates, torch.zeros_like(gates))
    return (outs * w.unsqueeze(-1)).sum(-2)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)
        self.sa = Attention()
        self.smoe = SparseMoE()

    def forward(self, x):
        x = x + self.sa(self.ln1(x))
        y, balance, z = self.smoe(self.ln2(x))
        return x + y, balance, z


class MoELM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, n_embd)
        self.blocks = nn.ModuleList([Block(), Block()])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02, a=-0.04, b=0.04)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.xavier_uniform_(m.weight)

    def forward(self, idx, targets=None):
        x = self.tok(idx)
        aux = 0.0
        for blk in self.blocks:
            x, balance, z = blk(x)
            aux = aux + 0.01 * balance + 1e-3 * z
        logits = self.head(self.ln_f(x))
        if targets is None:
            return logits, None
        B, T, V = logits.shape
        loss = F.cross_entropy(logits.view(B * T, V), targets.view(B * T), label_smoothing=0.1)
        return logits, loss + aux


raw = text(10_000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in raw], dtype=torch.long)
model = MoELM(len(chars))
print("params", sum(p.numel() for p in model.parameters()),
      "expert params", sum(p.numel() for n, p in model.named_parameters() if "experts" in n))
w = model.head.weight
print("trunc init within", bool((w.abs() <= 0.04).all()), f"std {w.std().item():.5f}")

x = torch.randn(2, 10, n_embd)
attn = model.blocks[0].sa
print("sdpa float mask == manual", torch.allclose(attn(x), attn(x, manual=True), atol=1e-6))
q = k = v = torch.randn(1, 2, 10, 8)
bool_out = F.scaled_dot_product_attention(q, k, v, attn_mask=sliding_window_mask(10, 3))
float_out = F.scaled_dot_product_attention(
    q, k, v, attn_mask=torch.zeros(10, 10).masked_fill(~sliding_window_mask(10, 3), float("-inf")))
print("bool mask == float mask", torch.allclose(bool_out, float_out, atol=1e-6), f"{bool_out.sum().item():.5f}")

moe = model.blocks[0].smoe
moe.eval()
with torch.no_grad():
    a, bal, z = moe(x)
    b = moe_by_where(moe, x)
print("dispatch == dense where", torch.allclose(a, b, atol=1e-6), f"balance {bal.item():.5f} z {z.item():.5f}")
_, idx, _ = moe.router(x)
print("tokens per expert", torch.bincount(idx.flatten(), minlength=num_experts).tolist())

# expert capacity: position of each token in its expert's queue by cumsum
first_choice = F.one_hot(idx[..., 0].flatten(), num_experts)
position = (torch.cumsum(first_choice, dim=0) - 1) * first_choice
capacity = 4
kept = (position < capacity) & first_choice.bool()
print("capacity kept", kept.sum().item(), "dropped", (first_choice.sum() - kept.sum()).item())
moe.train()

optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
accum = 2
for step in range(8):
    optimizer.zero_grad(set_to_none=True)
    total = 0.0
    for micro in range(accum):
        ix = torch.randint(len(data) - block_size - 1, (4,))
        xb = torch.stack([data[i:i + block_size] for i in ix])
        yb = torch.stack([data[i + 1:i + block_size + 1] for i in ix])
        _, loss = model(xb, yb)
        (loss / accum).backward()
        total += loss.item() / accum
    norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    print(f"step {step} | loss {total:.5f} | norm {norm.item():.5f}")

router_w = model.blocks[1].smoe.router.topkroute_linear.weight
print(f"router weight norm {router_w.norm().item():.5f}")
model.eval()
with torch.no_grad():
    logits, _ = model(data[:block_size].unsqueeze(0))
print("next char", repr(chars[logits[0, -1].argmax().item()]), f"{logits[0, -1].max().item():.5f}")
