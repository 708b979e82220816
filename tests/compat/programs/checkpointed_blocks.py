"""Activation checkpointing as memory-saving training scripts use it: blocks wrapped in
torch.utils.checkpoint.checkpoint with use_reentrant=True and False (outputs printed with their
grad_fn), checkpoint_sequential over segments, dropout inside a checkpoint replayed by
preserve_rng_state (the gradients equal the plain run's), keyword arguments (non-reentrant only),
tuple outputs, and a residual MLP trained both ways with identical losses."""

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
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.drop = nn.Dropout(p)

    def forward(self, x, scale=1.0):
        return x + scale * self.drop(self.fc2(F.gelu(self.fc1(self.norm(x)))))


block = Block(4)
x = torch.randn(3, 4, requires_grad=True)
for reentrant in (True, False):
    y = checkpoint(block.fc1, x, use_reentrant=reentrant)
    print(f"use_reentrant={reentrant}", y.grad_fn.name())
    print(y)
y = checkpoint(block, x, scale=0.5, use_reentrant=False)
print("kwargs", y.grad_fn.name(), [round(v, 4) for v in y[0].tolist()])


def two_outputs(t):
    return t.sin(), t.cos() * 2


a, b = checkpoint(two_outputs, x, use_reentrant=False)
print("tuple outputs", a.grad_fn.name(), b.grad_fn.name())
(a.sum() + b.sum()).backward()
print("tuple grad", [round(v, 4) for v in x.grad[0].tolist()])
x.grad = None

# dropout replayed: the same gradients with and without checkpointing
block.train()
torch.manual_seed(5)
block(x).pow(2).sum().backward()
plain = [p.grad.clone() for p in block.parameters()]
block.zero_grad()
for reentrant in (True, False):
    torch.manual_seed(5)
    checkpoint(block, x, use_reentrant=reentrant).pow(2).sum().backward()
    same = all(torch.allclose(p.grad, g, atol=1e-6) for p, g in zip(block.parameters(), plain))
    print(f"dropout replay use_reentrant={reentrant} grads equal {same}")
    block.zero_grad()

seq = nn.Sequential(*[Block(8, p=0.0) for _ in range(4)], nn.Linear(8, 1))
out = checkpoint_sequential(seq, 2, torch.randn(5, 8, requires_grad=True), use_reentrant=False)
print("checkpoint_sequential", tuple(out.shape), out.grad_fn.name())


def run(use_ckpt, reentrant=False):
    torch.manual_seed(1)
    model = nn.ModuleList([Block(8) for _ in range(3)])
    head = nn.Linear(8, 1)
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=0.01)
    X = torch.randn(32, 8)
    Y = X[:, :2].sum(1, keepdim=True)
    losses = []
    for step in range(10):
        h = X.requires_grad_(reentrant)
        for blk in model:
            h = checkpoint(blk, h, use_reentrant=reentrant) if use_ckpt else blk(h)
        loss = F.mse_loss(head(h), Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 5))
    return losses


base = run(False)
print("plain", base[::3])
ckpt = run(True)
print("checkpointed", ckpt[::3], ckpt == base)
print("reentrant", run(True, True)[::3])
