"""Grad-mode switches as library and training code use them: torch.no_grad / enable_grad /
inference_mode / set_grad_enabled as decorators (on functions, methods and generators) and as context
managers, nested; views made under no_grad; is_grad_enabled and is_inference_mode_enabled inside
each; requires_grad and is_leaf of results; inference tensors (is_inference) and the in-place change
they refuse; .detach() versus .data; an EMA teacher updated under no_grad; a validation loop under
inference_mode; and torch.autograd.grad inside enable_grad within no_grad (the gradient-penalty
pattern)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

w = torch.randn(3, requires_grad=True)


@torch.no_grad()
def predict(x):
    return (x * w).sum(), torch.is_grad_enabled()


@torch.enable_grad()
def grad_inside(x):
    y = (x * w).sum()
    return y.requires_grad, torch.is_grad_enabled()


@torch.inference_mode()
def infer(x):
    y = x * w
    return y, torch.is_inference_mode_enabled(), torch.is_grad_enabled()


@torch.no_grad()
def gen(n):
    for i in range(n):
        yield (w * i).requires_grad, torch.is_grad_enabled()


x = torch.ones(3)
out, enabled = predict(x)
print("no_grad decorator", out.requires_grad, enabled, torch.is_grad_enabled())
with torch.no_grad():
    print("enable_grad inside no_grad", grad_inside(x))
y, inf_mode, enabled = infer(x)
print("inference_mode", y.requires_grad, y.is_inference(), inf_mode, enabled, torch.is_inference_mode_enabled())
print("generator", list(gen(2)), torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    z = w * 2
    with torch.set_grad_enabled(True):
        z2 = w * 2
print("set_grad_enabled ctx", z.requires_grad, z2.requires_grad, z.is_leaf, z2.is_leaf)
with torch.no_grad():  # views of a tensor that requires grad require grad (leaves); copies do not
    print("views under no_grad", w[:2], w.view(3, 1).requires_grad, w.t().is_leaf, w[[0, 1]].requires_grad,
          (w * 1).requires_grad)
    v = w[1:]
try:
    v.mul_(2)
except RuntimeError as e:
    print("in-place on it outside:", str(e).split(".")[0])
torch.set_grad_enabled(False)
print("set_grad_enabled fn", (w * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)
print("restored", torch.is_grad_enabled())
with torch.inference_mode(mode=False):
    print("inference_mode(False)", (w * 2).requires_grad, torch.is_inference_mode_enabled())
with torch.no_grad():
    with torch.inference_mode():
        inner = torch.ones(2) * 3
    print("nested", inner.is_inference(), torch.is_grad_enabled())
try:
    inner.add_(1)
except RuntimeError as e:
    print("inference tensor refuses in-place outside:", "Inplace update to inference tensor" in str(e))
print("clone is normal", inner.clone().is_inference())

d = w.detach()
d[0] = 100.0
print("detach shares", w[0].item(), d.requires_grad, w.data.requires_grad)
with torch.no_grad():
    w[0] = 0.5
print("edited under no_grad", w, w.is_leaf)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, x):
        return self.net(x)

    @torch.no_grad()
    def ema_update(self, student, decay=0.9):
        for pt, ps in zip(self.parameters(), student.parameters()):
            pt.mul_(decay).add_(ps, alpha=1 - decay)


student, teacher = Model(), Model()
teacher.load_state_dict(student.state_dict())
for p in teacher.parameters():
    p.requires_grad_(False)
opt = torch.optim.SGD(student.parameters(), lr=0.1)
X, Y = torch.randn(32, 4), torch.randint(0, 2, (32,))
for step in range(5):
    loss = F.cross_entropy(student(X), Y)
    with torch.no_grad():
        t_loss = F.cross_entropy(teacher(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    teacher.ema_update(student)
    print(f"step {step} student {loss.item():.5f} teacher {t_loss.item():.5f} grad {t_loss.requires_grad}")


@torch.inference_mode()
def evaluate(model, X, Y):
    logits = model(X)
    return F.cross_entropy(logits, Y).item(), (logits.argmax(1) == Y).float().mean().item(), logits.is_inference()


print("eval", evaluate(student, X, Y))

# gradient penalty: autograd.grad needs grad mode even when called from no_grad code
disc = nn.Linear(4, 1)


@torch.no_grad()
def penalty(real):
    with torch.enable_grad():
        real = real.clone().requires_grad_(True)
        out = disc(real)
        g, = torch.autograd.grad(out.sum(), real, create_graph=False)
    return ((g.norm(2, dim=1) - 1) ** 2).mean()


print("penalty", f"{penalty(X).item():.6f}", torch.is_grad_enabled())
print("is_grad_enabled after all", torch.is_grad_enabled(), torch.is_inference_mode_enabled())
