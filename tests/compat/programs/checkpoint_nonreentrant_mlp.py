"""Activation checkpointing as the torch.utils.checkpoint docs and memory-saving tutorials use it: a deep
MLP whose blocks run under checkpoint(use_reentrant=False) with dropout (the RNG state is restored on
recomputation, so gradients equal the plain run's), checkpoint_sequential over an nn.Sequential,
keyword arguments and non-tensor outputs through a checkpointed function, inputs that do not require
grad, torch.autograd.grad through checkpoints, a no_grad evaluation, and the warnings/errors scripts meet."""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)
torch.set_num_threads(1)


class Block(nn.Module):
    def __init__(self, d, p=0.1):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x, scale=1.0):
        return x + scale * self.drop(self.fc2(F.gelu(self.fc1(self.norm(x)))))


class DeepMLP(nn.Module):
    def __init__(self, d=16, depth=6, use_ckpt=False):
        super().__init__()
        self.blocks = nn.ModuleList(Block(d) for _ in range(depth))
        self.head = nn.Linear(d, 3)
        self.use_ckpt = use_ckpt

    def forward(self, x):
        for blk in self.blocks:
            if self.use_ckpt and self.training:
                x = checkpoint(blk, x, use_reentrant=False, scale=0.5)
            else:
                x = blk(x, scale=0.5)
        return self.head(x)


plain = DeepMLP()
ckpt = DeepMLP(use_ckpt=True)
ckpt.load_state_dict(plain.state_dict())
x = torch.randn(32, 16)
y = torch.randint(0, 3, (32,))

torch.manual_seed(5)
loss_p = F.cross_entropy(plain(x), y)
loss_p.backward()
torch.manual_seed(5)
loss_c = F.cross_entropy(ckpt(x), y)
loss_c.backward()
print(f"plain loss {loss_p.item():.6f} ckpt loss {loss_c.item():.6f}")
print("grad_fn", type(loss_c.grad_fn).__name__)
diffs = [(a.grad - b.grad).abs().max().item() for a, b in zip(plain.parameters(), ckpt.parameters())]
print("grads equal:", max(diffs) < 1e-6, "n params", len(diffs))
print("fc1 grad norm", f"{ckpt.blocks[0].fc1.weight.grad.norm().item():.6f}")

# training both for a few steps, same seeds for dropout
opt_p = torch.optim.SGD(plain.parameters(), lr=0.1, momentum=0.9)
opt_c = torch.optim.SGD(ckpt.parameters(), lr=0.1, momentum=0.9)
for step in range(10):
    for model, opt in ((plain, opt_p), (ckpt, opt_c)):
        torch.manual_seed(100 + step)
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    if step % 3 == 0:
        print(f"step {step} plain {F.cross_entropy(plain(x), y).item():.5f}")
plain.eval()
ckpt.eval()
with torch.no_grad():
    print("eval agree:", torch.allclose(plain(x), ckpt(x), atol=1e-5), f"{plain(x).sum().item():.4f}")

# checkpoint_sequential
seq = nn.Sequential(*[nn.Sequential(nn.Linear(8, 8), nn.Tanh()) for _ in range(6)])
inp = torch.randn(4, 8, requires_grad=True)
out = checkpoint_sequential(seq, 3, inp, use_reentrant=False)
out.sum().backward()
g_ckpt = inp.grad.clone()
inp.grad = None
seq(inp).sum().backward()
print("sequential", tuple(out.shape), "grad equal:", torch.allclose(g_ckpt, inp.grad), f"{g_ckpt.sum().item():.6f}")


# a function returning a tuple with a non-tensor, and an input that needs no grad
def fn(a, b, k):
    return a.sin() * b, k * 2


a = torch.randn(3, requires_grad=True)
b = torch.randn(3)
(o, k2) = checkpoint(fn, a, b, 5, use_reentrant=False)
o.sum().backward()
print("tuple out", k2, "a.grad", [f"{v:.5f}" for v in a.grad.tolist()], "b.grad", b.grad)
ga, = torch.autograd.grad(checkpoint(lambda t: (t ** 3).sum(), a, use_reentrant=False), a)
print("autograd.grad", [f"{v:.5f}" for v in ga.tolist()])

with torch.no_grad():
    r = checkpoint(fn, a, b, 1, use_reentrant=False)[0]
print("no_grad out requires_grad:", r.requires_grad)

with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    try:
        checkpoint(fn, a, b, 1)
    except Exception as e:
        print(type(e).__name__, str(e)[:60])
    print("warnings on missing use_reentrant:", len(w) > 0)
try:
    checkpoint(fn, a, b, 1, use_reentrant=False, bogus=1)
except TypeError as e:
    print("TypeError:", e)
