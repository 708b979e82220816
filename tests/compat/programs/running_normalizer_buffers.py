"""Observation normalisation as RL code writes it: a module whose running count, mean and sum of squared
deviations live in buffers (Welford's parallel update per batch), a non-persistent scratch buffer, an
optional clip buffer registered as None and filled later; the statistics are checked against the whole
data, saved in a state_dict through torch.save/torch.load, restored into a fresh module, and the
normaliser frozen (eval) in front of a small regression net trained on the normalised inputs."""

import io

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(12)
torch.set_num_threads(1)


class RunningNorm(nn.Module):
    def __init__(self, shape, eps=1e-4):
        super().__init__()
        self.register_buffer("count", torch.tensor(eps, dtype=torch.float64))
        self.register_buffer("mean", torch.zeros(shape, dtype=torch.float64))
        self.register_buffer("m2", torch.zeros(shape, dtype=torch.float64))
        self.register_buffer("last_batch_mean", torch.zeros(shape), persistent=False)
        self.register_buffer("clip", None)

    @torch.no_grad()
    def update(self, x):
        x = x.double()
        b_mean, b_var, b_n = x.mean(0), x.var(0, unbiased=False), x.shape[0]
        delta = b_mean - self.mean
        tot = self.count + b_n
        self.mean += delta * b_n / tot
        self.m2 += b_var * b_n + delta.pow(2) * self.count * b_n / tot
        self.count.copy_(tot)
        self.last_batch_mean.copy_(b_mean)

    @property
    def var(self):
        return self.m2 / self.count

    def forward(self, x):
        if self.training:
            self.update(x)
        out = (x - self.mean.float()) / torch.sqrt(self.var.float() + 1e-8)
        return out.clamp(-self.clip, self.clip) if self.clip is not None else out


scale = torch.tensor([1.0, 10.0, 0.1])
shift = torch.tensor([5.0, -3.0, 0.5])
data = torch.randn(200, 3) * scale + shift
norm = RunningNorm(3)
print("buffers", [(n, str(b.dtype) if b is not None else None) for n, b in norm._buffers.items()])
print("state keys", list(norm.state_dict()))
for i in range(0, 200, 32):
    norm(data[i:i + 32])
print("count", norm.count.item(), "dtype", norm.count.dtype)
print("mean  ", [round(v, 6) for v in norm.mean.tolist()])
print("direct", [round(v, 6) for v in data.double().mean(0).tolist()])
print("var   ", [round(v, 5) for v in norm.var.tolist()])
print("direct", [round(v, 5) for v in data.double().var(0, unbiased=False).tolist()])
print("last batch mean", [round(v, 5) for v in norm.last_batch_mean.tolist()])
norm.clip = torch.tensor(2.5)
print("clip now a buffer", "clip" in norm.state_dict(), [n for n, _ in norm.named_buffers()])

buf = io.BytesIO()
torch.save({"norm": norm.state_dict(), "seen": 200}, buf)
buf.seek(0)
state = torch.load(buf)
fresh = RunningNorm(3)
fresh.clip = torch.tensor(0.0)
print(fresh.load_state_dict(state["norm"]))
print("restored equal", all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), norm.state_dict().values())),
      "scratch not restored", fresh.last_batch_mean.abs().sum().item(), "clip", fresh.clip.item())

target = (data[:, 0] - 5.0) * 2 - (data[:, 1] + 3.0) / 10 + torch.sin(data[:, 2] * 10)
net = nn.Sequential(fresh, nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
fresh.eval()
opt = torch.optim.Adam([p for p in net.parameters()], lr=0.02)
print("trainable", [n for n, p in net.named_parameters()], "buffers", [n for n, _ in net.named_buffers()])
for step in range(60):
    net.train()
    fresh.eval()
    loss = F.mse_loss(net(data).squeeze(1), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.5f} count {fresh.count.item()}")
with torch.no_grad():
    z = fresh(data)
print("normalised mean", [round(v, 5) for v in z.mean(0).tolist()], "std", [round(v, 5) for v in z.std(0).tolist()])
print("clipped", int((z.abs() == 2.5).sum()))
net.double()
print("after double", fresh.count.dtype, fresh.mean.dtype, fresh.last_batch_mean.dtype, fresh.clip.dtype)
