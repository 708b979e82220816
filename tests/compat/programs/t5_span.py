"""A T5-style encoder-decoder written from scratch, as the Hugging Face
modeling_t5 code and its from-scratch rewrites do it: T5LayerNorm (RMS, no
mean, no bias; variance in float32), relative position buckets (torch.abs,
torch.log of a float ratio, torch.min with torch.full_like, torch.where,
.to(torch.long)), a shared relative-attention bias embedding added to
unscaled scores, an encoder padding mask and a decoder causal mask combined by
broadcasting, cross-attention, gated-GELU feed-forward (gelu_new by tanh),
tied input/output embeddings scaled by d_model ** -0.5, span corruption with
sentinel tokens, shift_right with the decoder start token (masked_fill_ of
-100 labels), Adafactor-free AdamW training, then greedy decoding with a
key/value cache of past decoder states checked against full recomputation.
Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import words

torch.manual_seed(0)
VOCAB_WORDS = words(60)
PAD, EOS, UNK = 0, 1, 2
N_SENTINELS = 6
vocab = ["<pad>", "</s>", "<unk>"] + VOCAB_WORDS + [f"<extra_id_{i}>" for i in range(N_SENTINELS)]
stoi = {w: i for i, w in enumerate(vocab)}
SENTINEL0 = len(vocab) - N_SENTINELS


class T5LayerNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        variance = hidden_states.to(torch.float32).pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states


def relative_position_bucket(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    relative_position_if_large = max_exact + (
        torch.log(relative_position.float() / max_exact)
        / math.log(max_distance / max_exact)
        * (num_buckets - max_exact)
    ).to(torch.long)
    relative_position_if_large = torch.min(
        relative_position_if_large, torch.full_like(relative_position_if_large, num_buckets - 1))
    relative_buckets += torch.where(is_small, relative_position, relative_position_if_large)
    return relative_buckets


class T5Attention(nn.Module):
    def __init__(self, d_model, n_heads, d_kv, has_relative_attention_bias=False, is_decoder=False,
                 num_buckets=16, max_distance=32):
        super().__init__()
        self.n_heads, self.d_kv, self.is_decoder = n_heads, d_kv, is_decoder
        self.q = nn.Linear(d_model, n_heads * d_kv, bias=False)
        self.k = nn.Linear(d_model, n_heads * d_kv, bias=False)
        self.v = nn.Linear(d_model, n_heads * d_kv, bias=False)
        self.o = nn.Linear(n_heads * d_kv, d_model, bias=False)
        self.has_relative_attention_bias = has_relative_attention_bias
        self.num_buckets, self.max_distance = num_buckets, max_distance
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(num_buckets, n_heads)

    def compute_bias(self, query_length, key_length, offset=0):
        context_position = torch.arange(query_length, dtype=torch.long)[:, None] + offset
        memory_position = torch.arange(key_length, dtype=torch.long)[None, :]
        relative_position = memory_position - context_position
        buckets = relative_position_bucket(relative_position, bidirectional=not self.is_decoder,
                                           num_buckets=self.num_buckets, max_distance=self.max_distance)
        values = self.relative_attention_bias(buckets)
        return values.permute([2, 0, 1]).unsqueeze(0)

    def shape(self, x):
        return x.view(x.size(0), -1, self.n_heads, self.d_kv).transpose(1, 2)

    def forward(self, hidden, mask=None, kv=None, position_bias=None, past=None):
        q = self.shape(self.q(hidden))
        source = hidden if kv is None else kv
        k, v = self.shape(self.k(source)), self.shape(self.v(source))
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        scores = torch.matmul(q, k.transpose(3, 2))  # T5 does not scale by 1/sqrt(d)
        if position_bias is None:
            if self.has_relative_attention_bias:
                position_bias = self.compute_bias(q.size(2), k.size(2), offset=k.size(2) - q.size(2))
            else:
                position_bias = torch.zeros(1, self.n_heads, q.size(2), k.size(2))
            if mask is not None:
                position_bias = position_bias + mask
        scores = scores + position_bias
        attn = F.softmax(scores.float(), dim=-1).type_as(scores)
        out = torch.matmul(attn, v).transpose(1, 2).contiguous().view(hidden.size(0), -1, self.n_heads * self.d_kv)
        return self.o(out), position_bias, (k, v)


class T5DenseGatedActDense(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.wi_0 = nn.Linear(d_model, d_ff, bias=False)
        self.wi_1 = nn.Linear(d_model, d_ff, bias=False)
        self.wo = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x):
        return self.wo(F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, d_kv, d_ff, first, is_decoder):
        super().__init__()
        self.is_decoder = is_decoder
        self.ln_sa = T5LayerNorm(d_model)
        self.sa = T5Attention(d_model, n_heads, d_kv, has_relative_attention_bias=first, is_decoder=is_decoder)
        if is_decoder:
            self.ln_ca = T5LayerNorm(d_model)
            self.ca = T5Attention(d_model, n_heads, d_kv, is_decoder=True)
        self.ln_ff = T5LayerNorm(d_model)
        self.ff = T5DenseGatedActDense(d_model, d_ff)

    def forward(self, x, mask, bias, enc=None, enc_mask=None, enc_bias=None, past=None):
        a, bias, kv = self.sa(self.ln_sa(x), mask=mask, position_bias=bias, past=past)
        x = x + a
        if self.is_decoder:
            c, enc_bias, _ = self.ca(self.ln_ca(x), mask=enc_mask, kv=enc, position_bias=enc_bias)
            x = x + c
        return x + self.ff(self.ln_ff(x)), bias, enc_bias, kv


class T5(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, d_kv=8, d_ff=64, layers=2):
        super().__init__()
        self.d_model = d_model
        self.shared = nn.Embedding(vocab_size, d_model)
        self.encoder = nn.ModuleList([Block(d_model, n_heads, d_kv, d_ff, i == 0, False) for i in range(layers)])
        self.decoder = nn.ModuleList([Block(d_model, n_heads, d_kv, d_ff, i == 0, True) for i in range(layers)])
        self.enc_norm = T5LayerNorm(d_model)
        self.dec_norm = T5LayerNorm(d_model)
        factor = 1.0
        for name, p in self.named_parameters():
            if "relative_attention_bias" in name or "shared" in name:
                nn.init.normal_(p, mean=0.0, std=factor * 1.0)
            elif name.endswith((".q.weight",)):
                nn.init.normal_(p, mean=0.0, std=factor * (d_model * d_kv) ** -0.5)
            elif name.endswith((".k.weight", ".v.weight", "wi_0.weight", "wi_1.weight")):
                nn.init.normal_(p, mean=0.0, std=factor * d_model ** -0.5)
            elif name.endswith((".o.weight",)):
                nn.init.normal_(p, mean=0.0, std=factor * (n_heads * d_kv) ** -0.5)
            elif name.endswith("wo.weight"):
                nn.init.normal_(p, mean=0.0, std=factor * d_ff ** -0.5)

    def encode(self, ids, attention_mask):
        ext = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x, bias = self.shared(ids), None
        for block in self.encoder:
            x, bias, _, _ = block(x, ext, bias)
        return self.enc_norm(x), ext

    def decode(self, dec_ids, enc, enc_ext, past=None):
        T = dec_ids.size(1)
        offset = 0 if past is None else past[0][0].size(2)
        causal = torch.tril(torch.ones(T, offset + T, dtype=torch.bool), diagonal=offset)
        causal_ext = (~causal)[None, None].float() * torch.finfo(torch.float32).min
        x, bias, enc_bias = self.shared(dec_ids), None, None
        new_past = []
        for i, block in enumerate(self.decoder):
            x, bias, enc_bias, kv = block(x, causal_ext, bias, enc, enc_ext, enc_bias,
                                          None if past is None else past[i])
            new_past.append(kv)
        x = self.dec_norm(x) * (self.d_model ** -0.5)
        return x @ self.shared.weight.t(), new_past


def span_corrupt(tokens, gen, noise_density=0.3, mean_span=2):
    n = len(tokens)
    num_noise = max(1, round(n * noise_density))
    num_spans = max(1, round(num_noise / mean_span))
    starts = torch.randperm(n - mean_span, generator=gen)[:num_spans].sort().values.tolist()
    noise = torch.zeros(n, dtype=torch.bool)
    for s in starts:
        noise[s:s + mean_span] = True
    inputs, targets, sentinel, prev = [], [], SENTINEL0, False
    for tok, is_noise in zip(tokens, noise.tolist()):
        if is_noise and not prev:
            inputs.append(sentinel)
            targets.append(sentinel)
            sentinel += 1
        if is_noise:
            targets.append(tok)
        else:
            inputs.append(tok)
        prev = is_noise
    return inputs + [EOS], targets + [EOS]


def shift_right(labels, decoder_start_token_id=PAD):
    shifted = labels.new_zeros(labels.shape)
    shifted[..., 1:] = labels[..., :-1].clone()
    shifted[..., 0] = decoder_start_token_id
    shifted.masked_fill_(shifted == -100, PAD)
    return shifted


def pad_to(seqs, value):
    L = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (L - len(s)) for s in seqs])


rel = torch.arange(-40, 41)
print("buckets bi", relative_position_bucket(rel, True, 16, 32)[::8].tolist())
print("buckets uni", relative_position_bucket(rel, False, 16, 32)[::8].tolist())

gen = torch.Generator().manual_seed(11)
corpus = [[stoi[w] for w in VOCAB_WORDS[i:i + 10]] for i in range(0, 50, 5)]
inp, tgt = span_corrupt(corpus[0], gen)
print("corrupted", [vocab[t] for t in inp])
print("targets", [vocab[t] for t in tgt])

model = T5(len(vocab))
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
for step in range(20):
    pairs = [span_corrupt(corpus[(step * 3 + j) % len(corpus)], gen) for j in range(4)]
    input_ids = pad_to([p[0] for p in pairs], PAD)
    attention_mask = (input_ids != PAD).long()
    labels = pad_to([p[1] for p in pairs], -100)
    enc, enc_ext = model.encode(input_ids, attention_mask)
    logits, _ = model.decode(shift_right(labels), enc, enc_ext)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0 or step == 19:
        print(f"step {step:2d} | loss {loss.item():.5f} | enc len {input_ids.size(1)} | dec len {labels.size(1)}")

model.eval()
with torch.no_grad():
    input_ids = pad_to([span_corrupt(corpus[2], gen)[0]], PAD)
    enc, enc_ext = model.encode(input_ids, (input_ids != PAD).long())
    dec = torch.tensor([[PAD]])
    past = None
    cached_steps = []
    for _ in range(6):
        logits, past = model.decode(dec[:, -1:], enc, enc_ext, past)
        cached_steps.append(logits[:, -1])
        dec = torch.cat([dec, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    full, _ = model.decode(dec[:, :-1], enc, enc_ext)
print("decoded", [vocab[t] for t in dec[0, 1:].tolist()])
print("cache == full recompute", torch.allclose(torch.stack(cached_steps, 1), full, atol=1e-5),
      f"{full[0, -1].max().item():.5f}")
