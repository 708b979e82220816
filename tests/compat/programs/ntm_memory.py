"""A Neural Turing Machine on the copy task, as the pytorch-ntm repo and
the NTM paper's appendix write it: an LSTMCell controller, read and write
heads that emit key, strength (softplus), gate (sigmoid), shift weights
(softmax over -1/0/+1) and sharpening (1 + softplus); addressing by content
(F.cosine_similarity against every memory row, softmax of beta * sim),
interpolation with the previous weighting, circular convolution by
torch.roll over the shift kernel, and sharpening by pow and renormalise;
erase/add writes by outer products (torch.ger's successor torch.outer and
batched einsum), memory and heads reset per batch with register_buffer
bias vectors, RMSprop(momentum=0.9, alpha=0.95) with clip_grad_value_, the
cost in bits per sequence, and the learned weightings' shift statistics.
Seeded; every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

N, M = 16, 8           # memory rows, row width
seq_w = 4              # bits per copy-task item
ctrl = 48


class Memory(nn.Module):
    def __init__(self):
        super().__init__()
        stdev = 1 / (N + M) ** 0.5
        self.register_buffer("mem_bias", torch.empty(N, M).uniform_(-stdev, stdev))

    def reset(self, b):
        self.memory = self.mem_bias.clone().repeat(b, 1, 1)

    def read(self, w):
        return torch.einsum("bn,bnm->bm", w, self.memory)

    def write(self, w, e, a):
        erase = torch.einsum("bn,bm->bnm", w, e)
        add = torch.einsum("bn,bm->bnm", w, a)
        self.memory = self.memory * (1 - erase) + add

    def address(self, k, beta, g, s, gamma, w_prev):
        wc = F.softmax(beta * F.cosine_similarity(self.memory + 1e-16, k[:, None, :] + 1e-16, dim=-1), dim=1)
        wg = g * wc + (1 - g) * w_prev
        w_hat = s[:, 0:1] * torch.roll(wg, -1, dims=1) + s[:, 1:2] * wg + s[:, 2:3] * torch.roll(wg, 1, dims=1)
        w = w_hat ** gamma
        return w / (w.sum(1, keepdim=True) + 1e-16)


class Head(nn.Module):
    def __init__(self, write):
        super().__init__()
        self.write_head = write
        sizes = [M, 1, 1, 3, 1] + ([M, M] if write else [])
        self.sizes = sizes
        self.fc = nn.Linear(ctrl, sum(sizes))
        nn.init.xavier_uniform_(self.fc.weight, gain=1.4)
        nn.init.normal_(self.fc.bias, std=0.01)

    def forward(self, h, w_prev, memory):
        o = self.fc(h).split(self.sizes, dim=1)
        k, beta, g, s, gamma = o[0], F.softplus(o[1]), torch.sigmoid(o[2]), F.softmax(o[3], 1), 1 + F.softplus(o[4])
        w = memory.address(k, beta, g, s, gamma, w_prev)
        if self.write_head:
            memory.write(w, torch.sigmoid(o[5]), o[6])
        return w


class NTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.memory = Memory()
        self.controller = nn.LSTMCell(seq_w + 1 + M, ctrl)
        self.read_head, self.write_head = Head(False), Head(True)
        self.fc_out = nn.Linear(ctrl + M, seq_w)
        self.register_buffer("read_bias", torch.randn(1, M) * 0.01)
        self.register_buffer("h_bias", torch.randn(1, ctrl) * 0.05)
        self.register_buffer("c_bias", torch.randn(1, ctrl) * 0.05)

    def init_sequence(self, b):
        self.memory.reset(b)
        self.state = (self.h_bias.repeat(b, 1), self.c_bias.repeat(b, 1))
        self.prev_read = self.read_bias.repeat(b, 1)
        self.w_r = torch.zeros(b, N)
        self.w_w = torch.zeros(b, N)
        self.trace = []

    def forward(self, x):
        h, c = self.controller(torch.cat([x, self.prev_read], 1), self.state)
        self.state = (h, c)
        self.w_r = self.read_head(h, self.w_r, self.memory)
        self.prev_read = self.memory.read(self.w_r)
        self.w_w = self.write_head(h, self.w_w, self.memory)
        self.trace.append(self.w_w.detach())
        return self.fc_out(torch.cat([h, self.prev_read], 1))


def copy_batch(b, length, g):
    seq = torch.randint(0, 2, (length, b, seq_w), generator=g).float()
    inp = torch.zeros(length + 1, b, seq_w + 1)
    inp[:length, :, :seq_w] = seq
    inp[length, :, seq_w] = 1.0  # delimiter
    return inp, seq


def run(model, inp, length):
    b = inp.size(1)
    model.init_sequence(b)
    for t in range(inp.size(0)):
        model(inp[t])
    outs = [model(torch.zeros(b, seq_w + 1)) for _ in range(length)]
    return torch.stack(outs)


model = NTM()
print("parameters", sum(p.numel() for p in model.parameters()), "buffers", [n for n, _ in model.named_buffers()])
opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9, alpha=0.95)
g = torch.Generator().manual_seed(1)
for step in range(60):
    length = int(torch.randint(1, 5, (1,), generator=g))
    inp, seq = copy_batch(8, length, g)
    out = run(model, inp, length)
    loss = F.binary_cross_entropy_with_logits(out, seq)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), 10)
    opt.step()
    if step % 10 == 0 or step == 59:
        bits = ((torch.sigmoid(out) > 0.5).float() - seq).abs().sum().item() / 8
        print(f"step {step:2d} | len {length} | loss {loss.item():.6f} | cost {bits:.3f} bits/seq")

with torch.no_grad():
    inp, seq = copy_batch(2, 4, torch.Generator().manual_seed(5))
    out = run(model, inp, 4)
    W = torch.stack(model.trace)[:, 0]
print("write weighting peaks", W.argmax(1).tolist())
print("write weighting max", [round(v, 4) for v in W.max(1).values.tolist()])
shift = (W[1:].argmax(1) - W[:-1].argmax(1)) % N
print("peak shifts", shift.tolist())
print("memory norm", round(model.memory.memory.norm().item(), 5), "read norm", round(model.prev_read.norm().item(), 5))
print("prediction[0]", (torch.sigmoid(out[:, 0]) > 0.5).int().tolist(), "target", seq[:, 0].int().tolist())
