"""The autograd tutorial's prints: requires_grad_, grad_fn names and
next_functions, .grad of leaves (and None for non-leaves), is_leaf,
Jacobian-vector products through backward(v), retain_graph and gradient
accumulation, detach, no_grad / set_grad_enabled / enable_grad, autograd.grad,
tensor hooks and retain_grad."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn.name()}")
print(f"Gradient function for loss = {loss.grad_fn.name()}")
print("loss", loss)
loss.backward()
print(w.grad)
print(b.grad)
print("z grad", z.grad is None, "z leaf", z.is_leaf, "w leaf", w.is_leaf, "x leaf", x.is_leaf)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad, z_det.grad_fn)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

x = torch.randn(3, requires_grad=True)
y = x * 2
steps = 0
while y.data.norm() < 100:
    y = y * 2
    steps += 1
print("steps", steps, y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)

print(x.requires_grad, (x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad, x.eq(y).all())

a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn.name())
print([f[0].name() if f[0] is not None else None for f in b.grad_fn.next_functions])

q = torch.tensor([2.0, 3.0], requires_grad=True)
p = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * q ** 3 - p ** 2
external_grad = torch.tensor([1.0, 1.0])
Q.backward(gradient=external_grad)
print(9 * q ** 2 == q.grad)
print(-2 * p == p.grad)
print(q.grad, p.grad)

xs = torch.linspace(-2, 2, 5, requires_grad=True)
ys = torch.sigmoid(xs)
g, = torch.autograd.grad(ys.sum(), xs, create_graph=True)
print("sigmoid'", g.detach(), g.requires_grad)
g2, = torch.autograd.grad(g.sum(), xs)
print("sigmoid''", g2)

with torch.set_grad_enabled(False):
    print("disabled", (xs * 2).requires_grad)
with torch.no_grad():
    with torch.enable_grad():
        print("enabled inside", (xs * 2).requires_grad)
print("is_grad_enabled", torch.is_grad_enabled())

h = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
mid = h * h
mid.retain_grad()
handle = mid.register_hook(lambda grad: grad * 10)
(mid.sum() * 2).backward()
print("retained mid grad", mid.grad, "h grad", h.grad)
handle.remove()
h.grad = None
mid = h * h
(mid.sum() * 2).backward()
print("after remove", h.grad)

W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
vec = torch.tensor([1.0, -1.0])
out = W @ vec
out.backward(torch.tensor([1.0, 0.5]))
print("vjp", W.grad)
print(torch.autograd.functional.jacobian(lambda t: t ** 2 + t.sum(), torch.tensor([1.0, 2.0, 3.0])))
print(torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0])))
