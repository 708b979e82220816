"""The boilerplate of a modern training script, as templates and blog posts
write it: argparse flags, device picked by torch.cuda.is_available() and
torch.backends.mps.is_available(), cudnn.benchmark and
set_float32_matmul_precision, torch.compile of the model, autocast and
GradScaler switched off on CPU (enabled=False), channels_last, DataLoader
with pin_memory/persistent_workers off, activation checkpointing with
torch.utils.checkpoint (use_reentrant=False) and checkpoint_sequential,
set_to_none zeroing, a checkpoint dict to a temporary file reloaded with
map_location and weights_only, seeding helpers (seed_worker,
torch.initial_seed) and a torch.jit.trace export. Seeded weights and data: the numbers
agree to float32 rounding (which AdamW grows a little over three epochs)."""

import argparse
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description="boilerplate")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--lr", type=float, default=3e-3)
parser.add_argument("--amp", action="store_true", default=False)
parser.add_argument("--compile", action="store_true", default=True)
args = parser.parse_args([])


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the templates seed numpy's legacy global state
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)  # noqa: NPY002
    random.seed(worker_seed)


set_seed(42)
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
torch.backends.cudnn.benchmark = True
torch.backends.cuda.matmul.allow_tf32 = True
torch.set_float32_matmul_precision("high")
print("device", device, "initial seed", torch.initial_seed(), "threads ok", torch.get_num_threads() >= 1)

X = torch.randn(256, 3, 8, 8)
y = (X.mean(dim=(1, 2, 3)) > 0).long() + (X[:, 0].mean(dim=(1, 2)) > 0.1).long()
g = torch.Generator()
g.manual_seed(0)
loader = DataLoader(TensorDataset(X, y), batch_size=args.batch_size, shuffle=True, num_workers=0,
                    pin_memory=device.type == "cuda", worker_init_fn=seed_worker, generator=g,
                    persistent_workers=False, drop_last=True)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class Net(nn.Module):
    def __init__(self, use_checkpoint=True):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.blocks = nn.Sequential(Block(16), Block(16), Block(16))
        self.head = nn.Linear(16, 3)
        self.use_checkpoint = use_checkpoint

    def forward(self, x):
        x = F.relu(self.stem(x))
        if self.use_checkpoint and self.training:
            x = checkpoint(self.blocks[0], x, use_reentrant=False)
            x = checkpoint_sequential(self.blocks[1:], 2, x, use_reentrant=False)
        else:
            x = self.blocks(x)
        return self.head(F.adaptive_avg_pool2d(x, 1).flatten(1))


model = Net().to(device).to(memory_format=torch.channels_last)
reference = Net(use_checkpoint=False)
reference.load_state_dict(model.state_dict())
if args.compile:
    model = torch.compile(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, fused=None)
scaler = torch.amp.GradScaler(device.type, enabled=args.amp)
print("scaler enabled", scaler.is_enabled(), "scale", scaler.get_scale())

xb, yb = X[:8], y[:8]
reference.train()
ref_loss = F.cross_entropy(reference(xb), yb)
ref_loss.backward()
m = model._orig_mod if hasattr(model, "_orig_mod") else model
ck_loss = F.cross_entropy(model(xb), yb)
ck_loss.backward()
same = all(torch.allclose(p.grad, q.grad, atol=1e-6) for p, q in zip(m.parameters(), reference.parameters()))
print("checkpointed grads match", same, round(ck_loss.item(), 6))
optimizer.zero_grad(set_to_none=True)
print("grads cleared", all(p.grad is None for p in m.parameters()))

for epoch in range(args.epochs):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        xb = xb.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last)
        yb = yb.to(device, non_blocking=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.amp):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        total += loss.item() * yb.size(0)
        correct += (logits.argmax(1) == yb).sum().item()
        seen += yb.size(0)
    print(f"epoch {epoch} | loss {total / seen:.5f} | acc {correct / seen:.4f} | norm {norm.item():.5f}")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "ckpt.pt")
    torch.save({"epoch": args.epochs, "model": m.state_dict(), "optimizer": optimizer.state_dict(),
                "scaler": scaler.state_dict(), "args": vars(args)}, path)
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
fresh = Net()
fresh.load_state_dict(ckpt["model"])
fresh.eval()
m.eval()
with torch.inference_mode():
    same = torch.allclose(fresh(X[:16]), m(X[:16]))
print("reloaded", ckpt["epoch"], sorted(ckpt["args"]), same, len(ckpt["optimizer"]["state"]))

# export for deployment: trace the eval-mode model and check it against the eager one
example = X[:2]
traced = torch.jit.trace(fresh, example)
print("traced agrees", torch.allclose(traced(X[:16]), fresh(X[:16])), "scripting", torch.jit.is_scripting())
