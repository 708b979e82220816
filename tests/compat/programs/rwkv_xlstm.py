"""Linear-recurrent language models written from scratch: RWKV-4 time mixing as
the "RWKV in 150 lines" posts write it (token shift by nn.ZeroPad2d((0, 0, 1,
-1)), time_decay/time_first parameters, the numerically stable WKV recurrence
with torch.maximum and torch.exp in a Python loop, channel mixing with
torch.square(torch.relu(k))), its layer-by-layer init from ratios
(torch.pow, torch.ones_like, in-place fill through a view), and the same
model run as an RNN one token at a time against the parallel form; then
xLSTM's sLSTM and mLSTM cells (exponential gating stabilized by a running
max, F.logsigmoid, torch.einsum outer products, a normalizer clamped by
torch.clamp(min=1)), and a stack trained by Adam with
torch.optim.lr_scheduler.OneCycleLR. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)


class RWKV_TimeMix(nn.Module):
    def __init__(self, n_embd, layer_id, n_layer):
        super().__init__()
        self.layer_id = layer_id
        ratio_0_to_1 = layer_id / max(n_layer - 1, 1)
        ratio_1_to_almost0 = 1.0 - (layer_id / n_layer)
        decay_speed = torch.ones(n_embd)
        for h in range(n_embd):
            decay_speed[h] = -5 + 8 * (h / (n_embd - 1)) ** (0.7 + 1.3 * ratio_0_to_1)
        self.time_decay = nn.Parameter(decay_speed)
        zigzag = torch.tensor([(i + 1) % 3 - 1 for i in range(n_embd)]) * 0.5
        self.time_first = nn.Parameter(torch.ones(n_embd) * math.log(0.3) + zigzag)
        x = torch.ones(1, 1, n_embd)
        for i in range(n_embd):
            x[0, 0, i] = i / n_embd
        self.time_mix_k = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.time_mix_v = nn.Parameter(torch.pow(x, ratio_1_to_almost0) + 0.3 * ratio_0_to_1)
        self.time_mix_r = nn.Parameter(torch.pow(x, 0.5 * ratio_1_to_almost0))
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.receptance = nn.Linear(n_embd, n_embd, bias=False)
        self.output = nn.Linear(n_embd, n_embd, bias=False)

    def wkv(self, k, v, state=None):
        B, T, C = k.shape
        w = -torch.exp(self.time_decay)
        u = self.time_first
        if state is None:
            aa = torch.zeros(B, C)
            bb = torch.zeros(B, C)
            pp = torch.full((B, C), -1e38)
        else:
            aa, bb, pp = state
        outs = []
        for t in range(T):
            kt, vt = k[:, t], v[:, t]
            ww = u + kt
            p = torch.maximum(pp, ww)
            e1 = torch.exp(pp - p)
            e2 = torch.exp(ww - p)
            outs.append((e1 * aa + e2 * vt) / (e1 * bb + e2))
            ww = pp + w
            p = torch.maximum(ww, kt)
            e1 = torch.exp(ww - p)
            e2 = torch.exp(kt - p)
            aa = e1 * aa + e2 * vt
            bb = e1 * bb + e2
            pp = p
        return torch.stack(outs, dim=1), (aa, bb, pp)

    def forward(self, x, state=None):
        xx = self.time_shift(x) if state is None else torch.cat([state[3].unsqueeze(1), x[:, :-1]], dim=1)
        xk = x * self.time_mix_k + xx * (1 - self.time_mix_k)
        xv = x * self.time_mix_v + xx * (1 - self.time_mix_v)
        xr = x * self.time_mix_r + xx * (1 - self.time_mix_r)
        k, v, r = self.key(xk), self.value(xv), self.receptance(xr)
        y, wkv_state = self.wkv(k, v, None if state is None else state[:3])
        return self.output(torch.sigmoid(r) * y), (*wkv_state, x[:, -1])


class RWKV_ChannelMix(nn.Module):
    def __init__(self, n_embd, layer_id, n_layer):
        super().__init__()
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        ratio_1_to_almost0 = 1.0 - (layer_id / n_layer)
        x = torch.ones(1, 1, n_embd)
        x.view(-1)[:] = torch.arange(n_embd) / n_embd
        self.time_mix_k = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.time_mix_r = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.key = nn.Linear(n_embd, 4 * n_embd, bias=False)
        self.receptance = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(4 * n_embd, n_embd, bias=False)

    def forward(self, x, last=None):
        xx = self.time_shift(x) if last is None else torch.cat([last.unsqueeze(1), x[:, :-1]], dim=1)
        xk = x * self.time_mix_k + xx * (1 - self.time_mix_k)
        xr = x * self.time_mix_r + xx * (1 - self.time_mix_r)
        k = torch.square(torch.relu(self.key(xk)))
        return torch.sigmoid(self.receptance(xr)) * self.value(k), x[:, -1]


class Block(nn.Module):
    def __init__(self, n_embd, layer_id, n_layer):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)
        self.att = RWKV_TimeMix(n_embd, layer_id, n_layer)
        self.ffn = RWKV_ChannelMix(n_embd, layer_id, n_layer)

    def forward(self, x, state=None):
        a, att_state = self.att(self.ln1(x), None if state is None else state[:4])
        x = x + a
        f, last = self.ffn(self.ln2(x), None if state is None else state[4])
        return x + f, (*att_state, last)


class RWKV(nn.Module):
    def __init__(self, vocab, n_embd=32, n_layer=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, n_embd)
        self.ln0 = nn.LayerNorm(n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, i, n_layer) for i in range(n_layer)])
        self.ln_out = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab, bias=False)
        nn.init.uniform_(self.emb.weight, a=-1e-4, b=1e-4)
        nn.init.orthogonal_(self.head.weight, gain=0.5)

    def forward(self, idx, states=None):
        x = self.ln0(self.emb(idx))
        new_states = []
        for i, block in enumerate(self.blocks):
            x, s = block(x, None if states is None else states[i])
            new_states.append(s)
        return self.head(self.ln_out(x)), new_states


raw = text(6_000)
chars = sorted(set(raw))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in raw])
model = RWKV(len(chars))
att = model.blocks[1].att
print("time_decay", [f"{v:.5f}" for v in att.time_decay[:4].tolist()], "time_first", [f"{v:.5f}" for v in att.time_first[:3].tolist()])
print("time_mix_v[-3:]", [f"{v:.5f}" for v in att.time_mix_v.flatten()[-3:].tolist()])
print("head orthogonal", torch.allclose(model.head.weight.T @ model.head.weight, 0.25 * torch.eye(32), atol=1e-5))

opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=14, pct_start=0.3)
for step in range(14):
    ix = torch.randint(0, len(data) - 17, (4,))
    xb = torch.stack([data[i:i + 16] for i in ix])
    yb = torch.stack([data[i + 1:i + 17] for i in ix])
    logits, _ = model(xb)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), yb.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 4 == 0 or step == 13:
        print(f"rwkv step {step:2d} | loss {loss.item():.5f} | lr {sched.get_last_lr()[0]:.6f}"
              f" | decay grad {att.time_decay.grad.norm().item():.6f}")

model.eval()
with torch.no_grad():
    seq = data[100:112].unsqueeze(0)
    parallel, _ = model(seq)
    states, outs = None, []
    for t in range(seq.size(1)):
        o, states = model(seq[:, t:t + 1], states)
        outs.append(o)
    recurrent = torch.cat(outs, dim=1)
    chunked_a, st = model(seq[:, :5])
    chunked_b, _ = model(seq[:, 5:], st)
print("rnn mode == parallel", torch.allclose(parallel, recurrent, atol=1e-5),
      "chunked", torch.allclose(torch.cat([chunked_a, chunked_b], 1), parallel, atol=1e-5),
      f"{parallel[0, -1].logsumexp(-1).item():.5f}")


# -- xLSTM cells --------------------------------------------------------------------
class sLSTMCell(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.W = nn.Linear(d_in, 4 * d_hidden)
        self.R = nn.Linear(d_hidden, 4 * d_hidden, bias=False)

    def forward(self, x, state):
        h, c, n, m = state
        z_t, i_t, f_t, o_t = (self.W(x) + self.R(h)).chunk(4, dim=-1)
        log_f = F.logsigmoid(f_t)
        m_new = torch.maximum(log_f + m, i_t)
        i = torch.exp(i_t - m_new)
        f = torch.exp(log_f + m - m_new)
        c = f * c + i * torch.tanh(z_t)
        n = f * n + i
        h = torch.sigmoid(o_t) * (c / n)
        return h, (h, c, n, m_new)


class mLSTMCell(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.d = d_hidden
        self.qkv = nn.Linear(d_in, 3 * d_hidden)
        self.gates = nn.Linear(d_in, 3)  # input, forget, (scalar) output gate pre-activations
        self.o = nn.Linear(d_in, d_hidden)

    def forward(self, x, state):
        C, n, m = state
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        k = k / math.sqrt(self.d)
        i_t, f_t, _ = self.gates(x).unbind(-1)
        log_f = F.logsigmoid(f_t)
        m_new = torch.maximum(log_f + m, i_t)
        i = torch.exp(i_t - m_new).unsqueeze(-1)
        f = torch.exp(log_f + m - m_new).unsqueeze(-1)
        C = f.unsqueeze(-1) * C + i.unsqueeze(-1) * torch.einsum("bi,bj->bij", v, k)
        n = f * n + i * k
        denom = torch.clamp(torch.einsum("bj,bj->b", n, q).abs(), min=1.0).unsqueeze(-1)
        h = torch.sigmoid(self.o(x)) * (torch.einsum("bij,bj->bi", C, q) / denom)
        return h, (C, n, m_new)


class xLSTMLM(nn.Module):
    def __init__(self, vocab, d=24):
        super().__init__()
        self.d = d
        self.emb = nn.Embedding(vocab, d)
        self.s = sLSTMCell(d, d)
        self.m = mLSTMCell(d, d)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, idx):
        B, T = idx.shape
        x = self.emb(idx)
        s_state = (torch.zeros(B, self.d), torch.zeros(B, self.d), torch.ones(B, self.d), torch.zeros(B, self.d))
        m_state = (torch.zeros(B, self.d, self.d), torch.zeros(B, self.d), torch.zeros(B))
        outs = []
        for t in range(T):
            h1, s_state = self.s(x[:, t], s_state)
            h2, m_state = self.m(h1 + x[:, t], m_state)
            outs.append(h2 + h1)
        return self.head(self.norm(torch.stack(outs, 1)))


torch.manual_seed(1)
xl = xLSTMLM(len(chars))
opt = torch.optim.Adam(xl.parameters(), lr=5e-3)
for step in range(10):
    ix = torch.randint(0, len(data) - 13, (4,))
    xb = torch.stack([data[i:i + 12] for i in ix])
    yb = torch.stack([data[i + 1:i + 13] for i in ix])
    loss = F.cross_entropy(xl(xb).transpose(1, 2), yb)
    opt.zero_grad()
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(xl.parameters(), max_norm=2.0)
    opt.step()
    if step % 3 == 0 or step == 9:
        print(f"xlstm step {step} | loss {loss.item():.5f} | norm {gn.item():.5f}")
print(f"mLSTM qkv grad norm {xl.m.qkv.weight.grad.norm().item():.6f}")
