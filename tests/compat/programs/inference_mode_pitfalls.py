"""torch.inference_mode as forum threads and 2025 tutorials meet it: an @torch.inference_mode()
evaluate() inside a training loop, features precomputed under inference_mode and then used in training
(the "Inference tensors cannot be saved for backward" error, and the clone() / no_grad fixes), which ops
are fine (add, cat, where over them) and which are not (mul, matmul, linear), is_inference() of results,
views and detached copies, in-place updates of inference tensors outside the mode, requires_grad_ on
one, where() with its inputs changed in place before backward, and sdpa through torch.nn.attention's
sdpa_kernel(SDPBackend.MATH). Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def attempt(label, fn):
    try:
        out = fn()
        print(f"{label}: ok {out}")
    except RuntimeError as err:
        print(f"{label}: RuntimeError: {err}")


backbone = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4))
head = nn.Linear(4, 2)
X = torch.randn(32, 6)
Y = (X[:, 0] > 0).long()

with torch.inference_mode():
    feats = backbone(X)
print(feats.is_inference(), feats.requires_grad, feats[:2])

attempt("head(feats).backward", lambda: F.cross_entropy(head(feats), Y).backward())
attempt("feats * w", lambda: (feats * head.weight[0, :4]).sum().backward())
attempt("feats + b", lambda: (feats + head.bias.sum()).sum().backward() or head.bias.grad)
attempt("cat", lambda: torch.cat([feats, head.weight.repeat(8, 1)]).shape)
attempt("where", lambda: torch.where(feats > 0, feats, head.bias[0]).sum().backward() or head.bias.grad)
feats_ok = feats.clone()
print(feats_ok.is_inference(), feats.detach().is_inference(), feats[0].is_inference(), feats.view(-1).is_inference())
attempt("detach", lambda: F.cross_entropy(head(feats.detach()), Y).backward())
attempt("view", lambda: (feats[0] * head.weight[0, :4]).sum().backward())

opt = torch.optim.SGD(head.parameters(), lr=0.5)
for step in range(5):
    loss = F.cross_entropy(head(feats_ok), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f}")

with torch.no_grad():
    feats_ng = backbone(X)
print(feats_ng.is_inference(), feats_ng.requires_grad)
print(F.cross_entropy(head(feats_ng), Y).grad_fn.name())

attempt("inplace outside", lambda: feats.add_(1))
attempt("requires_grad_", lambda: feats.requires_grad_())
with torch.inference_mode():
    feats.mul_(1.0)
    print("inside ok", feats.is_inference())
normal = torch.ones(3)
with torch.inference_mode():
    v = normal[1:]
    w = normal * 2
print(v.is_inference(), w.is_inference())
attempt("normal view inplace", lambda: (v.add_(1), normal)[1])


@torch.inference_mode()
def evaluate(model, x, y):
    logits = model(x)
    return (logits.argmax(1) == y).float().mean().item(), logits.is_inference()


model = nn.Sequential(backbone, head)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    for i in range(0, 32, 8):
        loss = F.cross_entropy(model(X[i:i + 8]), Y[i:i + 8])
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc, flag = evaluate(model, X, Y)
    print(f"epoch {epoch} loss {loss.item():.6f} acc {acc:.4f} {flag} {torch.is_inference_mode_enabled()}")

x = torch.ones(3, requires_grad=True)
a, b = x * 2, x * 3
y = torch.where(torch.tensor([True, False, True]), a, b)
a.add_(1)
b.mul_(2)
y.sum().backward()
print(x.grad, y.grad_fn.name())

from torch.nn.attention import SDPBackend, sdpa_kernel  # noqa: E402 - imported where the notebook cell does

q = torch.randn(1, 2, 4, 8)
with sdpa_kernel(SDPBackend.MATH):
    out_math = F.scaled_dot_product_attention(q, q, q, is_causal=True)
with torch.nn.attention.sdpa_kernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION]):
    out_two = F.scaled_dot_product_attention(q, q, q, is_causal=True)
print(out_math[0, 0, -1], torch.allclose(out_math, out_two), SDPBackend.MATH.name, int(SDPBackend.MATH))
