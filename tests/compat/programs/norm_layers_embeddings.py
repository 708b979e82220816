"""Normalisation layers and embedding options side by side, as a "which norm?" notebook compares them:
BatchNorm2d with momentum=None (cumulative average) and 0.3, InstanceNorm2d tracking running stats,
GroupNorm, LayerNorm without bias, RMSNorm (default and explicit eps), LocalResponseNorm and
CrossMapLRN2d forward; train/eval outputs, running statistics and input gradients; then Embedding
max_norm (renormalising the weight in place), EmbeddingBag max/sum with per_sample_weights,
include_last_offset and padding_idx, and their gradients."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.randn(4, 6, 3, 3) * 3 + 1
layers = [nn.BatchNorm2d(6, momentum=None), nn.BatchNorm2d(6, momentum=0.3),
          nn.InstanceNorm2d(6, track_running_stats=True, affine=True), nn.GroupNorm(3, 6), nn.GroupNorm(1, 6, eps=1e-3),
          nn.LayerNorm([3, 3], bias=False), nn.RMSNorm([6, 3, 3]), nn.RMSNorm(3, eps=1e-2),
          nn.LocalResponseNorm(3, alpha=0.1, beta=0.75, k=1.5), nn.CrossMapLRN2d(3, alpha=0.1, beta=0.75, k=1.5)]
for m in layers:
    for _ in range(3):
        y = m(x)
    stats = [round(v, 5) for v in m.running_var.tolist()] if getattr(m, "running_var", None) is not None else ""
    count = m.num_batches_tracked.item() if getattr(m, "num_batches_tracked", None) is not None else ""
    print(m)
    print(f"  train mean {abs(y.mean().item()):.6f} std {y.std().item():.6f} y[1,2,1,1] {y[1, 2, 1, 1].item():.6f}", stats, count)
    m.eval()
    print(f"  eval mean {m(x).mean().item():.6f}")
    if not isinstance(m, nn.CrossMapLRN2d):  # (PyTorch's legacy backward is not its forward's gradient)
        xg = x.clone().requires_grad_(True)
        m.train()
        (m(xg) ** 2).mean().backward()
        print(f"  input grad {xg.grad.abs().sum().item():.6f}")
print("functional", f"{F.group_norm(x, 2).std().item():.6f}", f"{F.instance_norm(x).mean().abs().item():.6f}",
      f"{F.local_response_norm(x, 2).sum().item():.4f}", f"{F.rms_norm(x, (3,)).pow(2).mean().item():.6f}")

e = nn.Embedding(6, 3, max_norm=1.0, norm_type=2.0)
with torch.no_grad():
    e.weight.copy_(torch.arange(18.0).reshape(6, 3) / 4)
out = e(torch.tensor([1, 3, 3]))
print(e)
print("renormed rows", [round(v, 5) for v in e.weight.norm(dim=1).tolist()], f"{out.sum().item():.5f}")
eb = nn.EmbeddingBag(6, 3, mode="max")
with torch.no_grad():
    eb.weight.copy_(torch.linspace(-1, 1, 18).reshape(6, 3) ** 3)
o = eb(torch.tensor([0, 2, 4, 1, 5]), torch.tensor([0, 3]))
print(eb, "max bags", [[round(v, 5) for v in r] for r in o.tolist()])
o.sum().backward()
print("max grad", eb.weight.grad.tolist())
eb2 = nn.EmbeddingBag(6, 3, mode="sum", include_last_offset=True, padding_idx=2)
with torch.no_grad():
    eb2.weight.copy_(torch.linspace(-2, 1, 18).reshape(6, 3))
o2 = eb2(torch.tensor([0, 2, 4, 1, 5]), torch.tensor([0, 3, 5]), per_sample_weights=torch.tensor([1.0, 2.0, 0.5, -1.0, 3.0]))
print(eb2, "weighted bags", [[round(v, 5) for v in r] for r in o2.tolist()])
o2.pow(2).sum().backward()
print("weighted grad", [[round(v, 5) for v in r] for r in eb2.weight.grad.tolist()])
print("2-d mean bags", [[round(v, 5) for v in r] for r in F.embedding_bag(torch.tensor([[0, 1], [2, 3]]), eb2.weight, mode="mean").tolist()])
print("functional max_norm", F.embedding(torch.tensor([0, 5]), torch.arange(18.0).reshape(6, 3), padding_idx=5, max_norm=2.0))
