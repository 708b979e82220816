"""The "Autograd mechanics" note and the autograd tutorial's checks as scripts
print them: requires_grad propagation through ops and modules, is_leaf of
parameters / results / detached and requires_grad_() tensors, retain_grad on
intermediates, grad accumulation over two backward calls and zeroing (grad =
None, grad.zero_()), tensor hooks that modify the gradient, register_hook on
a leaf vs post-accumulate hooks, grad_fn names and next_functions, the errors
for a second backward without retain_graph and for in-place modification of a
saved tensor (the _version counter) and the harmless change of a
tensor an op used but did not save, torch.autograd.grad with allow_unused /
materialize_grads and grad_outputs, set_grad_enabled / enable_grad inside
no_grad / inference_mode, freezing a submodule for finetuning, and
torch.autograd.backward on several roots. Fixed numbers: every line agrees."""

import torch
import torch.nn as nn


def r(t, nd=5):
    if t is None:
        return None
    return [round(v, nd) for v in t.flatten().tolist()]


x = torch.ones(5)
y = torch.zeros(3)
w = torch.linspace(-1.0, 1.0, 15).reshape(5, 3).requires_grad_()
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn.name()}")
print(f"Gradient function for loss = {loss.grad_fn.name()}")
nf = (w * 2).sum().grad_fn.next_functions[0][0]
print("next functions", [f.name() if f is not None else None for f, _ in nf.next_functions])
loss.backward()
print("w.grad", r(w.grad))
print("b.grad", r(b.grad))

z = torch.matmul(x, w) + b
print("requires_grad", z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print("under no_grad", z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print("detached", z_det.requires_grad, z_det.is_leaf, z_det.grad_fn)

# ---------------------------------------------------------------- leaves
a = torch.rand(10, requires_grad=True)
print("a leaf", a.is_leaf)
b2 = torch.rand(10, requires_grad=True) + 2
print("b2 leaf", b2.is_leaf, b2.grad_fn.name())
c = torch.rand(10).requires_grad_()
print("c leaf", c.is_leaf)
d = torch.rand(10, dtype=torch.float64).requires_grad_()
print("d leaf", d.is_leaf)
e = torch.rand(10).to(torch.float64).requires_grad_()
print("e leaf", e.is_leaf)
lin = nn.Linear(3, 2)
print("param leaf", lin.weight.is_leaf, lin.weight.requires_grad, lin(torch.ones(1, 3)).is_leaf)
print("no-grad result leaf", (torch.ones(2) * 3).is_leaf, (torch.ones(2) * 3).requires_grad)

# ---------------------------------------------------------------- retain_grad and accumulation
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x * x
h.retain_grad()
out = (h * torch.tensor([0.5, -1.0, 2.0])).sum()
out.backward(retain_graph=True)
print("h.grad", r(h.grad), "x.grad", r(x.grad), "h retains", h.retains_grad, "x retains", x.retains_grad)
out.backward()
print("accumulated x.grad", r(x.grad), "h.grad", r(h.grad))
x.grad.zero_()
print("zeroed", r(x.grad))
x.grad = None
(x ** 3).sum().backward()
print("after None", r(x.grad))

try:
    q = (x * 2).sum()
    q.backward()
    q.backward()
except RuntimeError as err:
    print("second backward:", str(err).split(".")[0])

s = torch.tensor([1.0, 2.0], requires_grad=True)
a = s * 1
t = a.exp()  # exp saves its result, not its input: changing the input afterwards is harmless
u = a + 1
a.mul_(2)
(t.sum() + u.sum() + a.sum()).backward()
print("input changed after use", r(s.grad))
try:
    s = torch.tensor([1.0, 2.0], requires_grad=True)
    t = s * 1
    q = t * t
    t.add_(1)
    q.sum().backward()
except RuntimeError as err:
    msg = str(err)
    print("in-place on saved:", msg[:msg.index("[")].strip())
try:
    s = torch.tensor([1.0, 2.0], requires_grad=True)
    t = s.sigmoid()  # sigmoid saves its result
    t.mul_(2)
    t.sum().backward()
except RuntimeError as err:
    print("in-place on a saved result:", str(err).split("],")[1].split(" instead")[0])
v = torch.zeros(3)
print("version", v._version, end=" ")
v.add_(1)
v[0] = 5
print(v._version)

# ---------------------------------------------------------------- hooks
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
y = x * 2
seen = []
hy = y.register_hook(lambda g: seen.append(r(g)))
hx = x.register_hook(lambda g: g * 10)
(y ** 2).sum().backward()
print("hook saw", seen, "x.grad after doubling hook", r(x.grad))
hx.remove()
hy.remove()
x.grad = None
(x * 2).pow(2).sum().backward()
print("after remove", r(x.grad), "seen", len(seen))

p = torch.tensor([1.0, 2.0], requires_grad=True)
events = []
p.register_post_accumulate_grad_hook(lambda t: events.append(("post", r(t.grad))))
(p * 3).sum().backward()
(p * 3).sum().backward()
print("post-accumulate", events)

# ---------------------------------------------------------------- torch.autograd.grad
u = torch.tensor([0.5, 1.5], requires_grad=True)
v_ = torch.tensor([2.0, -1.0], requires_grad=True)
unused = torch.tensor([1.0], requires_grad=True)
f = (u ** 2 * v_).sum()
gu, gv, gn = torch.autograd.grad(f, [u, v_, unused], allow_unused=True, retain_graph=True)
print("grad", r(gu), r(gv), gn)
gu, gn = torch.autograd.grad(f, [u, unused], allow_unused=True, materialize_grads=True, retain_graph=True)
print("materialized", r(gu), r(gn))
try:
    torch.autograd.grad(f, [unused])
except RuntimeError as err:
    print("unused error:", str(err).split(".")[0])
vec = (u * v_)
(gvec,) = torch.autograd.grad(vec, u, grad_outputs=torch.tensor([1.0, 10.0]))
print("vjp", r(gvec))
try:
    torch.autograd.grad(vec.sum() * 0 + torch.ones(2).sum(), u)
except RuntimeError as err:
    print("no graph:", str(err)[:40])
print("u.grad untouched", u.grad)

# ---------------------------------------------------------------- grad modes
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
    z = x * 2
print("enable_grad inside no_grad", y.requires_grad, z.requires_grad)
torch.set_grad_enabled(False)
print("set_grad_enabled(False)", (x * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    print("context", (x * 2).requires_grad)
print("restored", (x * 2).requires_grad)
with torch.inference_mode():
    k = x * 2
print("inference", k.requires_grad, k.is_inference(), torch.is_inference_mode_enabled())


@torch.no_grad()
def doubler(t):
    return t * 2


print("decorated", doubler(x).requires_grad)

# ---------------------------------------------------------------- finetuning with a frozen feature extractor
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
with torch.no_grad():
    for i, prm in enumerate(model.parameters()):
        prm.copy_(torch.sin(torch.arange(prm.numel(), dtype=torch.float32) + i).reshape(prm.shape) * 0.4)
for param in model[0].parameters():
    param.requires_grad = False
model[2] = nn.Linear(6, 2)
with torch.no_grad():
    model[2].weight.copy_(torch.cos(torch.arange(12.0)).reshape(2, 6) * 0.3)
    model[2].bias.zero_()
print("trainable", [n for n, prm in model.named_parameters() if prm.requires_grad])
opt = torch.optim.SGD(filter(lambda prm: prm.requires_grad, model.parameters()), lr=0.5, momentum=0.9)
inp = torch.linspace(-2, 2, 24).reshape(6, 4)
tgt = torch.tensor([0, 1, 1, 0, 1, 0])
for step in range(5):
    opt.zero_grad()
    l = nn.functional.cross_entropy(model(inp), tgt)
    l.backward()
    opt.step()
    print(f"finetune {step} loss {l.item():.6f} frozen grad {model[0].weight.grad}")

# ---------------------------------------------------------------- several roots
a = torch.tensor([1.0, 2.0], requires_grad=True)
l1 = (a * 3).sum()
l2 = (a ** 2).sum()
torch.autograd.backward([l1, l2])
print("backward on two roots", r(a.grad))
a.grad = None
torch.autograd.backward([a * 1.0], grad_tensors=[torch.tensor([0.5, 2.0])])
print("grad_tensors", r(a.grad))
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
out = m.sum(dim=1)
try:
    out.backward()
except RuntimeError as err:
    print("non-scalar:", str(err).split(" (")[0])  # (minigrad adds what to do about it, in parentheses)
out.backward(torch.ones_like(out))
print("with gradient arg", r(m.grad))
