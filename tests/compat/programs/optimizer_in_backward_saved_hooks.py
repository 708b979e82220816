"""Two memory tutorials as their readers run them on a small model: "How to save memory by fusing the
optimizer step into the backward pass" (a dict of per-parameter Adam optimizers stepped from
register_post_accumulate_grad_hook, grads set to None right there, compared step by step with the
ordinary loop) and "Hooks for autograd saved tensors" (saved_tensors_hooks that count, inspect and
round-trip what each op saves, save_on_cpu, and pack hooks that store to a dict and unpack by key,
plus a hook that refuses to save and the error a reader sees). Seeded: every printed number agrees."""

import torch
import torch.nn as nn

torch.set_num_threads(1)


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 32), nn.Tanh(),
                         nn.Linear(32, 4))


torch.manual_seed(1)
X = torch.randn(64, 8)
Y = torch.randn(64, 4)

# the ordinary loop
model = make_model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-3, weight_decay=1e-3)
plain_losses = []
for step in range(6):
    xb, yb = X[step * 8:(step + 1) * 8], Y[step * 8:(step + 1) * 8]
    loss = nn.functional.mse_loss(model(xb), yb)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    plain_losses.append(loss.item())
print("plain losses", [f"{v:.6f}" for v in plain_losses])

# optimizer in backward
model = make_model()
optimizer_dict = {p: torch.optim.Adam([p], lr=1e-2, eps=1e-3, weight_decay=1e-3) for p in model.parameters()}
calls = []


def optimizer_hook(parameter) -> None:
    calls.append(tuple(parameter.shape))
    optimizer_dict[parameter].step()
    optimizer_dict[parameter].zero_grad()


handles = [p.register_post_accumulate_grad_hook(optimizer_hook) for p in model.parameters()]
fused_losses = []
for step in range(6):
    xb, yb = X[step * 8:(step + 1) * 8], Y[step * 8:(step + 1) * 8]
    loss = nn.functional.mse_loss(model(xb), yb)
    loss.backward()
    fused_losses.append(loss.item())
    if step == 0:
        print("hook order", calls)
        print("grads after backward", [p.grad for p in model.parameters()][:2])
print("fused losses", [f"{v:.6f}" for v in fused_losses])
print("same", all(abs(a - b) < 1e-6 for a, b in zip(plain_losses, fused_losses)))
print("hook calls", len(calls))
state = optimizer_dict[model[0].weight].state[model[0].weight]
print("state step", state["step"], f"{state['exp_avg'].abs().sum().item():.6f}",
      f"{state['exp_avg_sq'].sum().item():.8f}")
for h in handles:
    h.remove()
loss = nn.functional.mse_loss(model(X[:8]), Y[:8])
loss.backward()
print("after remove grad kept", model[0].weight.grad is not None, f"{model[0].weight.grad.norm().item():.6f}")

# saved tensors hooks: count and describe what is saved
model = make_model()
saved = []


def pack_hook(x):
    saved.append((tuple(x.shape), str(x.dtype), x.requires_grad))
    return x


def unpack_hook(x):
    return x


with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    out = model(X[:4])
    loss = out.pow(2).sum()
print("saved something", len(saved) > 0, "all float32", all(s[1] == "torch.float32" for s in saved))
print("input saved", (4, 8) in [s[0] for s in saved])
loss.backward()
print("grad norm", f"{model[3].weight.grad.norm().item():.6f}")

a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
packed = []
with torch.autograd.graph.saved_tensors_hooks(lambda x: packed.append(x) or x * 1, lambda x: x):
    y = a * b
print("mul saved", len(packed), [p is a or p is b for p in packed])
y.sum().backward()
print("a.grad", a.grad.tolist(), "b.grad", [f"{v:.4f}" for v in b.grad.tolist()])

# store to a dict, unpack by key (the tutorial's "saving to disk" idea, in memory)
storage = {}
counter = [0]


def pack_to_store(tensor):
    key = f"t{counter[0]}"
    counter[0] += 1
    storage[key] = tensor.detach().clone()
    return key


def unpack_from_store(key):
    return storage[key]


x = torch.randn(3, 3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_to_store, unpack_from_store):
    z = (x.sin() * x.exp()).tanh().sum()
print("stored keys", sorted(storage))
z.backward()
print("x.grad", [f"{v:.6f}" for v in x.grad.flatten().tolist()])
xx = x.detach().clone().requires_grad_()
(xx.sin() * xx.exp()).tanh().sum().backward()
print("store matches plain", torch.allclose(x.grad, xx.grad))

# a hook that modifies what is saved changes the gradient
x.grad = None
with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 2, lambda t: t):
    w = x.pow(2).sum()
w.backward()
print("doubled saved grad", [f"{v:.5f}" for v in x.grad.flatten().tolist()[:3]])

# save_on_cpu (a no-op copy here) keeps results
x.grad = None
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    q = (x @ x.t()).relu().sum()
q.backward()
print("save_on_cpu grad", f"{x.grad.sum().item():.6f}")

# nested: the innermost hooks win
order = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: order.append("outer") or t, lambda t: t):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: order.append("inner") or t, lambda t: t):
        r = x.exp().sum()
    r2 = x.exp().sum()
print("nested order", order)

# a model trained with packing that stores float16 copies (lossy on purpose, as in the tutorial's idea)
model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(5):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t.to(torch.float16), lambda t: t.to(torch.float32)):
        loss = nn.functional.mse_loss(model(X[:16]), Y[:16])
    opt.zero_grad()
    loss.backward()
    opt.step()
    print("half-saved step", step, f"{loss.item():.5f}")
