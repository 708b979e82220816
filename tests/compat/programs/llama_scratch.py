"""A Llama-style decoder written from scratch as the "Llama from scratch" posts
write it: RMSNorm by torch.rsqrt, rotary embeddings in the real cos/sin form
(torch.outer of positions and inverse frequencies, rotate_half with
torch.cat((-x2, x1))), SwiGLU feed-forward (F.silu), grouped-query attention
with repeat_kv (expand + reshape, checked against repeat_interleave) through
F.scaled_dot_product_attention (is_causal, then an explicit additive mask
with the kv-cache), tied embeddings, AdamW with a warmup + cosine schedule,
then kv-cache generation under torch.inference_mode with greedy and top-p
sampling (sort descending, cumsum, scatter back, multinomial). Seeded: every
number agrees."""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)


@dataclass
class ModelArgs:
    dim: int = 32
    n_layers: int = 2
    n_heads: int = 4
    n_kv_heads: int = 2
    vocab_size: int = -1
    multiple_of: int = 16
    norm_eps: float = 1e-5
    max_seq_len: int = 32
    rope_theta: float = 10000.0


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float()).type_as(x)
        return output * self.weight


def precompute_rope(head_dim, end, theta=10000.0):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2)[: (head_dim // 2)].float() / head_dim))
    t = torch.arange(end, dtype=torch.float32)
    freqs = torch.outer(t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_emb(q, k, cos, sin):
    cos = cos[None, :, None, :]
    sin = sin[None, :, None, :]
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    bs, slen, n_kv_heads, head_dim = x.shape
    if n_rep == 1:
        return x
    return (
        x[:, :, :, None, :]
        .expand(bs, slen, n_kv_heads, n_rep, head_dim)
        .reshape(bs, slen, n_kv_heads * n_rep, head_dim)
    )


class Attention(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.n_kv_heads = args.n_heads if args.n_kv_heads is None else args.n_kv_heads
        self.n_heads = args.n_heads
        self.n_rep = self.n_heads // self.n_kv_heads
        self.head_dim = args.dim // args.n_heads
        self.wq = nn.Linear(args.dim, args.n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(args.dim, self.n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(args.dim, self.n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(args.n_heads * self.head_dim, args.dim, bias=False)
        self.cache_k = None
        self.cache_v = None

    def forward(self, x, start_pos, cos, sin, mask=None, use_cache=False):
        bsz, seqlen, _ = x.shape
        xq, xk, xv = self.wq(x), self.wk(x), self.wv(x)
        xq = xq.view(bsz, seqlen, self.n_heads, self.head_dim)
        xk = xk.view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        xv = xv.view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        xq, xk = apply_rotary_emb(xq, xk, cos, sin)
        if use_cache:
            self.cache_k[:bsz, start_pos: start_pos + seqlen] = xk
            self.cache_v[:bsz, start_pos: start_pos + seqlen] = xv
            keys = self.cache_k[:bsz, : start_pos + seqlen]
            values = self.cache_v[:bsz, : start_pos + seqlen]
        else:
            keys, values = xk, xv
        keys = repeat_kv(keys, self.n_rep)
        values = repeat_kv(values, self.n_rep)
        xq, keys, values = xq.transpose(1, 2), keys.transpose(1, 2), values.transpose(1, 2)
        if mask is None and not use_cache:
            out = F.scaled_dot_product_attention(xq, keys, values, is_causal=True)
        else:
            out = F.scaled_dot_product_attention(xq, keys, values, attn_mask=mask)
        out = out.transpose(1, 2).contiguous().view(bsz, seqlen, -1)
        return self.wo(out)


class FeedForward(nn.Module):
    def __init__(self, dim, hidden_dim, multiple_of):
        super().__init__()
        hidden_dim = int(2 * hidden_dim / 3)
        hidden_dim = multiple_of * ((hidden_dim + multiple_of - 1) // multiple_of)
        self.w1 = nn.Linear(dim, hidden_dim, bias=False)
        self.w2 = nn.Linear(hidden_dim, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden_dim, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class TransformerBlock(nn.Module):
    def __init__(self, layer_id, args):
        super().__init__()
        self.attention = Attention(args)
        self.feed_forward = FeedForward(args.dim, 4 * args.dim, args.multiple_of)
        self.layer_id = layer_id
        self.attention_norm = RMSNorm(args.dim, eps=args.norm_eps)
        self.ffn_norm = RMSNorm(args.dim, eps=args.norm_eps)

    def forward(self, x, start_pos, cos, sin, mask=None, use_cache=False):
        h = x + self.attention(self.attention_norm(x), start_pos, cos, sin, mask, use_cache)
        return h + self.feed_forward(self.ffn_norm(h))


class Transformer(nn.Module):
    def __init__(self, params: ModelArgs):
        super().__init__()
        self.params = params
        self.tok_embeddings = nn.Embedding(params.vocab_size, params.dim)
        self.layers = nn.ModuleList(TransformerBlock(i, params) for i in range(params.n_layers))
        self.norm = RMSNorm(params.dim, eps=params.norm_eps)
        self.output = nn.Linear(params.dim, params.vocab_size, bias=False)
        self.output.weight = self.tok_embeddings.weight
        cos, sin = precompute_rope(params.dim // params.n_heads, params.max_seq_len * 2, params.rope_theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("wo.weight") or pn.endswith("w2.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * params.n_layers))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, tokens, targets=None, start_pos=0, use_cache=False):
        _bsz, seqlen = tokens.shape
        h = self.tok_embeddings(tokens)
        cos = self.rope_cos[start_pos: start_pos + seqlen]
        sin = self.rope_sin[start_pos: start_pos + seqlen]
        mask = None
        if use_cache and seqlen > 1:
            mask = torch.full((seqlen, seqlen), float("-inf"), device=tokens.device)
            mask = torch.triu(mask, diagonal=1)
            mask = torch.hstack([torch.zeros((seqlen, start_pos), device=tokens.device), mask]).type_as(h)
        for layer in self.layers:
            h = layer(h, start_pos, cos, sin, mask, use_cache)
        h = self.norm(h)
        logits = self.output(h).float()
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

    def setup_cache(self, max_batch_size):
        for layer in self.layers:
            attn = layer.attention
            shape = (max_batch_size, self.params.max_seq_len, attn.n_kv_heads, attn.head_dim)
            attn.cache_k = torch.zeros(shape)
            attn.cache_v = torch.zeros(shape)


def sample_top_p(probs, p):
    probs_sort, probs_idx = torch.sort(probs, dim=-1, descending=True)
    probs_sum = torch.cumsum(probs_sort, dim=-1)
    mask = probs_sum - probs_sort > p
    probs_sort[mask] = 0.0
    probs_sort.div_(probs_sort.sum(dim=-1, keepdim=True))
    next_token = torch.multinomial(probs_sort, num_samples=1)
    next_token = torch.gather(probs_idx, -1, next_token)
    return next_token


def top_p_filter(logits, top_p):
    # the Hugging Face form: scatter the sorted mask back to vocabulary order
    sorted_logits, sorted_indices = torch.sort(logits, descending=False)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    sorted_indices_to_remove = cumulative_probs <= (1 - top_p)
    sorted_indices_to_remove[..., -1:] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return logits.masked_fill(indices_to_remove, -float("Inf"))


@torch.inference_mode()
def generate(model, prompt_tokens, max_gen_len, temperature=0.6, top_p=0.9):
    bsz = len(prompt_tokens)
    min_prompt_len = min(len(t) for t in prompt_tokens)
    max_prompt_len = max(len(t) for t in prompt_tokens)
    total_len = min(model.params.max_seq_len, max_gen_len + max_prompt_len)
    pad_id = -1
    tokens = torch.full((bsz, total_len), pad_id, dtype=torch.long)
    for k, t in enumerate(prompt_tokens):
        tokens[k, : len(t)] = torch.tensor(t, dtype=torch.long)
    prev_pos = 0
    input_text_mask = tokens != pad_id
    model.setup_cache(bsz)
    for cur_pos in range(min_prompt_len, total_len):
        logits, _ = model(tokens[:, prev_pos:cur_pos], start_pos=prev_pos, use_cache=True)
        if temperature > 0:
            probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
            next_token = sample_top_p(probs, top_p)
        else:
            next_token = torch.argmax(logits[:, -1], dim=-1)
        next_token = next_token.reshape(-1)
        next_token = torch.where(input_text_mask[:, cur_pos], tokens[:, cur_pos], next_token)
        tokens[:, cur_pos] = next_token
        prev_pos = cur_pos
    return tokens


raw = text(20_000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in raw], dtype=torch.long)
args = ModelArgs(vocab_size=len(chars))
model = Transformer(args)
n_params = sum(p.numel() for p in model.parameters())
print(f"params {n_params} (tied: {model.output.weight is model.tok_embeddings.weight})")
print("rope cos[3,:4]", [round(v, 5) for v in model.rope_cos[3, :4].tolist()])
print("buffers in state_dict", [k for k in model.state_dict() if "rope" in k])

# repeat_kv is repeat_interleave over the head dimension
kv = torch.randn(2, 5, 2, 8)
print("repeat_kv == repeat_interleave", torch.equal(repeat_kv(kv, 2), torch.repeat_interleave(kv, 2, dim=2)))

# RMSNorm against its formula in float64
x = torch.randn(3, 32)
rms = RMSNorm(32, eps=1e-5)
ref = x.double() / torch.sqrt(x.double().pow(2).mean(-1, keepdim=True) + 1e-5)
print("rmsnorm max err small", (rms(x).double() - ref).abs().max().item() < 1e-6)

optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
warmup, max_steps, block, bsz = 5, 30, 24, 8


def lr_at(step):
    if step < warmup:
        return 3e-3 * (step + 1) / warmup
    ratio = (step - warmup) / (max_steps - warmup)
    return 3e-4 + 0.5 * (1 + math.cos(math.pi * ratio)) * (3e-3 - 3e-4)


g = torch.Generator().manual_seed(42)
for step in range(max_steps):
    ix = torch.randint(len(data) - block - 1, (bsz,), generator=g)
    xb = torch.stack([data[i: i + block] for i in ix])
    yb = torch.stack([data[i + 1: i + block + 1] for i in ix])
    for group in optimizer.param_groups:
        group["lr"] = lr_at(step)
    _, loss = model(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % 5 == 0 or step == max_steps - 1:
        print(f"step {step:2d} | loss {loss.item():.5f} | norm {norm.item():.5f} | lr {lr_at(step):.6f}")

model.eval()
prompt = [[stoi[c] for c in "First"], [stoi[c] for c in "The "]]
with torch.no_grad():
    full_logits, _ = model(torch.tensor([prompt[0]]))
    model.setup_cache(1)
    a, _ = model(torch.tensor([prompt[0][:3]]), start_pos=0, use_cache=True)
    b, _ = model(torch.tensor([prompt[0][3:]]), start_pos=3, use_cache=True)
print("cache matches full", torch.allclose(torch.cat([a, b], dim=1), full_logits, atol=1e-5),
      f"{full_logits[0, -1, :3].tolist()[0]:.5f}")

greedy = generate(model, prompt, max_gen_len=12, temperature=0.0)
for row in greedy.tolist():
    print("greedy:", repr("".join(itos[i] for i in row if i >= 0)))
torch.manual_seed(7)
sampled = generate(model, prompt, max_gen_len=12, temperature=0.8, top_p=0.9)
for row in sampled.tolist():
    print("top-p:", repr("".join(itos[i] for i in row if i >= 0)))
filtered = top_p_filter(full_logits[:, -1], 0.5)
print("kept by hf top-p", int(torch.isfinite(filtered).sum()), "of", filtered.numel())
