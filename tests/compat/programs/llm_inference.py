"""LLM inference tricks written out in PyTorch, as the "how generation works"
posts write them, on two small seeded causal LMs (a target and a draft): flash
attention's tiled online softmax (running max and denominator per block,
torch.maximum, exp rescaling) against F.scaled_dot_product_attention;
repetition penalty by gather / torch.where / scatter_, min-p and typical
sampling filters, beam search with length penalty (log_softmax, topk over the
flattened beams x vocab, // and % to split the index, index_select of the
beam histories); speculative decoding (draft proposals, acceptance by
torch.rand < p/q, resampling from the normalized (p - q).clamp(min=0)
residual) checked to give the target's greedy output at temperature 0; a
rolling-buffer sliding-window kv cache (torch.roll, index_copy_); int8
quantization of the kv cache and of Linear weights (absmax scales,
torch.round, clamp, .to(torch.int8)) with the error it introduces. Seeded:
every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

V, D, H, L = 40, 32, 4, 2


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.ff = nn.Sequential(nn.Linear(D, 4 * D), nn.GELU(), nn.Linear(4 * D, D))

    def forward(self, x, cache=None):
        B, T, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, H, D // H).permute(2, 0, 3, 1, 4)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        S = k.size(2)
        mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.proj(a.transpose(1, 2).reshape(B, T, D))
        return x + self.ff(self.ln2(x))


class LM(nn.Module):
    def __init__(self, seed, layers=L):
        super().__init__()
        torch.manual_seed(seed)
        self.emb = nn.Embedding(V, D)
        self.pos = nn.Embedding(64, D)
        self.blocks = nn.ModuleList([Block() for _ in range(layers)])
        self.ln = nn.LayerNorm(D)
        self.head = nn.Linear(D, V, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, ids, caches=None, start=0):
        x = self.emb(ids) + self.pos(torch.arange(start, start + ids.size(1)))
        for i, b in enumerate(self.blocks):
            x = b(x, None if caches is None else caches[i])
        return self.head(self.ln(x)) * 0.3


target, draft = LM(0).eval(), LM(1, layers=1).eval()


# -- flash attention's online softmax ------------------------------------------
def flash_attention(q, k, v, block=4, causal=True):
    B, Hh, T, d = q.shape
    scale = 1.0 / math.sqrt(d)
    out = torch.zeros_like(q)
    for i in range(0, T, block):
        qi = q[:, :, i:i + block] * scale
        m = torch.full(qi.shape[:-1], float("-inf"))
        l_sum = torch.zeros(qi.shape[:-1])
        acc = torch.zeros_like(qi)
        for j in range(0, T, block):
            if causal and j > i + block - 1:
                break
            s = qi @ k[:, :, j:j + block].transpose(-1, -2)
            if causal:
                rows = torch.arange(i, min(i + block, T))[:, None]
                cols = torch.arange(j, min(j + block, T))[None, :]
                s = s.masked_fill(cols > rows, float("-inf"))
            m_new = torch.maximum(m, s.amax(dim=-1))
            p = torch.exp(s - m_new.unsqueeze(-1))
            correction = torch.exp(m - m_new)
            l_sum = l_sum * correction + p.sum(dim=-1)
            acc = acc * correction.unsqueeze(-1) + p @ v[:, :, j:j + block]
            m = m_new
        out[:, :, i:i + block] = acc / l_sum.unsqueeze(-1)
    return out


torch.manual_seed(5)
q, k, v = torch.randn(3, 1, 2, 10, 8).unbind(0)
ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)
tiled = flash_attention(q, k, v, block=4)
print("flash == sdpa", torch.allclose(tiled, ref, atol=1e-6), f"max err {(tiled - ref).abs().max().item() < 1e-6}",
      f"{tiled.sum().item():.5f}")


# -- sampling filters -------------------------------------------------------------
def repetition_penalty(scores, input_ids, penalty=1.3):
    score = torch.gather(scores, 1, input_ids)
    score = torch.where(score < 0, score * penalty, score / penalty)
    return scores.scatter(1, input_ids, score)


def min_p_filter(scores, min_p=0.1):
    probs = torch.softmax(scores, dim=-1)
    top_probs, _ = probs.max(dim=-1, keepdim=True)
    tokens_to_remove = probs < min_p * top_probs
    return scores.masked_fill(tokens_to_remove, -float("inf"))


def typical_filter(scores, mass=0.9):
    normalized = F.log_softmax(scores, dim=-1)
    p = torch.exp(normalized)
    ent = -(normalized * p).nansum(-1, keepdim=True)
    shifted_scores = torch.abs((-normalized) - ent)
    sorted_scores, sorted_indices = torch.sort(shifted_scores, descending=False)
    sorted_logits = scores.gather(-1, sorted_indices)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    last_ind = (cumulative_probs < mass).sum(dim=1)
    last_ind.clamp_(max=sorted_scores.shape[-1] - 1)
    sorted_indices_to_remove = sorted_scores > sorted_scores.gather(1, last_ind.view(-1, 1))
    sorted_indices_to_remove[..., :1] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return scores.masked_fill(indices_to_remove, -float("inf"))


prompt = torch.tensor([[3, 7, 7, 12, 5, 7]])
with torch.inference_mode():
    logits = target(prompt)[:, -1]
penalized = repetition_penalty(logits, prompt)
print("penalized", [f"{v:.5f}" for v in penalized[0, [3, 7, 12]].tolist()], "vs", [f"{v:.5f}" for v in logits[0, [3, 7, 12]].tolist()])
print("min-p keeps", int(torch.isfinite(min_p_filter(logits)).sum()), "typical keeps", int(torch.isfinite(typical_filter(logits)).sum()))


# -- beam search --------------------------------------------------------------------
@torch.no_grad()
def beam_search(model, prompt, num_beams=3, steps=5, length_penalty=1.0):
    beams = prompt.repeat(num_beams, 1)
    beam_scores = torch.zeros(num_beams)
    beam_scores[1:] = -1e9  # all beams start identical: keep only the first
    for _ in range(steps):
        logp = F.log_softmax(model(beams)[:, -1], dim=-1)
        cand = (beam_scores[:, None] + logp).view(-1)
        top_scores, top_idx = torch.topk(cand, num_beams)
        beam_idx = top_idx // V
        token_idx = top_idx % V
        beams = torch.cat([beams.index_select(0, beam_idx), token_idx[:, None]], dim=1)
        beam_scores = top_scores
    gen_len = beams.size(1) - prompt.size(1)
    return beams, beam_scores / (gen_len ** length_penalty)


beams, scores = beam_search(target, prompt)
for b, s in zip(beams.tolist(), scores.tolist()):
    print("beam", b[6:], f"{s:.5f}")


# -- speculative decoding ------------------------------------------------------------
@torch.no_grad()
def speculative_generate(target, draft, prompt, n_new, gamma=3, temperature=1.0, generator=None):
    ids = prompt
    accepted_total = 0
    while ids.size(1) - prompt.size(1) < n_new:
        draft_ids = ids
        q_probs = []
        for _ in range(gamma):
            logits = draft(draft_ids)[:, -1]
            if temperature == 0:
                q = F.one_hot(logits.argmax(-1), V).float()
            else:
                q = F.softmax(logits / temperature, dim=-1)
            nxt = torch.multinomial(q, 1, generator=generator)
            q_probs.append(q)
            draft_ids = torch.cat([draft_ids, nxt], dim=1)
        t_logits = target(draft_ids)[:, -gamma - 1:]
        if temperature == 0:
            p_all = F.one_hot(t_logits.argmax(-1), V).float()
        else:
            p_all = F.softmax(t_logits / temperature, dim=-1)
        n_accept = 0
        for i in range(gamma):
            tok = draft_ids[0, ids.size(1) + i]
            p, q = p_all[0, i, tok], q_probs[i][0, tok]
            r = torch.rand(1, generator=generator)
            if r < torch.clamp(p / q, max=1.0):
                n_accept += 1
            else:
                break
        accepted_total += n_accept
        ids = draft_ids[:, : ids.size(1) + n_accept]
        if n_accept < gamma:
            residual = (p_all[0, n_accept] - q_probs[n_accept][0]).clamp(min=0)
            residual = residual / residual.sum()
            extra = torch.multinomial(residual, 1, generator=generator)
        else:
            extra = torch.multinomial(p_all[0, gamma], 1, generator=generator)
        ids = torch.cat([ids, extra[None]], dim=1)
    return ids[:, : prompt.size(1) + n_new], accepted_total


@torch.no_grad()
def greedy(model, prompt, n_new):
    ids = prompt
    for _ in range(n_new):
        ids = torch.cat([ids, model(ids)[:, -1:].argmax(-1)], dim=1)
    return ids


g = torch.Generator().manual_seed(3)
spec0, acc0 = speculative_generate(target, draft, prompt, 8, temperature=0, generator=g)
print("speculative@T=0 == target greedy", torch.equal(spec0, greedy(target, prompt, 8)), "accepted", acc0)
spec1, acc1 = speculative_generate(target, draft, prompt, 8, temperature=1.0, generator=g)
print("speculative sample", spec1[0, 6:].tolist(), "accepted", acc1)


# -- kv caches: full, sliding-window rolling buffer, int8 ----------------------------
with torch.no_grad():
    caches = [{} for _ in range(L)]
    out_a = target(prompt[:, :4], caches)
    out_b = target(prompt[:, 4:], caches, start=4)
    full = target(prompt)
print("kv cache == full", torch.allclose(torch.cat([out_a, out_b], 1), full, atol=1e-5),
      "cached k", tuple(caches[0]["k"].shape))

window = 4
buf = torch.zeros(1, H, window, D // H)
pos_in_buf = torch.zeros(window, dtype=torch.long) - 1
kfull = caches[0]["k"]
for t in range(kfull.size(2)):
    slot = t % window
    buf.index_copy_(2, torch.tensor([slot]), kfull[:, :, t:t + 1])
    pos_in_buf[slot] = t
order = torch.roll(torch.arange(window), shifts=-(kfull.size(2) % window))
print("rolling buffer holds positions", pos_in_buf[order].tolist(),
      "in order", torch.equal(buf[:, :, order], kfull[:, :, -window:]))


def quantize_int8(x, dim=-1):
    scale = x.abs().amax(dim=dim, keepdim=True).clamp(min=1e-8) / 127.0
    q = torch.round(x / scale).clamp(-127, 127).to(torch.int8)
    return q, scale


def dequantize(q, scale):
    return q.to(torch.float32) * scale


kq, ks = quantize_int8(kfull)
err = (dequantize(kq, ks) - kfull).abs().max().item()
print("int8 kv", kq.dtype == torch.int8, f"max err {err:.6f}", f"bound {(ks / 2).max().item():.6f}", "ok", err <= (ks / 2).max().item() + 1e-7)


class QuantLinear(nn.Module):
    def __init__(self, linear):
        super().__init__()
        q, scale = quantize_int8(linear.weight.data, dim=1)
        self.register_buffer("qweight", q)
        self.register_buffer("scale", scale)
        self.bias = linear.bias

    def forward(self, x):
        return F.linear(x, dequantize(self.qweight, self.scale), self.bias)


def quantize_model(module):
    for name, child in module.named_children():
        if isinstance(child, nn.Linear) and name != "head":
            setattr(module, name, QuantLinear(child))
        else:
            quantize_model(child)


import copy  # noqa: E402

qmodel = copy.deepcopy(target)
quantize_model(qmodel)
with torch.no_grad():
    ref_logits, q_logits = target(prompt), qmodel(prompt)
print("quantized linears", sum(isinstance(m, QuantLinear) for m in qmodel.modules()),
      f"logit max diff {(ref_logits - q_logits).abs().max().item():.5f}",
      "same argmax", torch.equal(ref_logits.argmax(-1), q_logits.argmax(-1)))
print("buffers", sorted({n.split(".")[-1] for n, _ in qmodel.named_buffers()}),
      "int8 bytes", sum(b.numel() * b.element_size() for n, b in qmodel.named_buffers() if n.endswith("qweight")))
