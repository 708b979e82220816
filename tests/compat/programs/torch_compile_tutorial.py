"""PyTorch's "Introduction to torch.compile" tutorial and the nanoGPT / Lightning habits around it, on
CPU with the aot_eager and eager backends (no C++ toolchain needed): a compiled function (decorator and
call forms) agreeing with eager, a compiled module (the OptimizedModule wrapper: its repr, type name,
_orig_mod, parameter names and state_dict keys with the _orig_mod. prefix), training a compiled model
and an uncompiled twin side by side with the grad_fn names each shows, eval under torch.no_grad,
saving the compiled model's state_dict and loading it into a fresh model after stripping the prefix
(nanoGPT's unwanted_prefix loop) and failing without stripping, raw_model = model._orig_mod checkpoints,
Module.compile() in place (keys unchanged), torch._dynamo.reset(), torch.compiler.is_compiling() and a
@torch.compiler.disable helper. Seeded: every printed number agrees."""

import io

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def foo(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b


opt_foo1 = torch.compile(foo, backend="aot_eager")
x, y = torch.randn(10, 10), torch.randn(10, 10)
print(torch.allclose(opt_foo1(x, y), foo(x, y)), opt_foo1(x, y)[0, :3])


@torch.compile(backend="aot_eager")
def opt_foo2(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b


print(opt_foo2(torch.randn(3, 3), torch.randn(3, 3)))


def inner(x):
    return torch.sin(x)


@torch.compile(backend="eager")
def outer(x, y):
    a = inner(x)
    b = torch.cos(y)
    return a + b


print(outer(torch.ones(2), torch.zeros(2)), type(outer).__name__)


class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(10, 10)

    def forward(self, x):
        return torch.nn.functional.relu(self.lin(x))


mod = MyModule()
opt_mod = torch.compile(mod, backend="aot_eager")
print(opt_mod)
print(type(opt_mod).__name__, opt_mod._orig_mod is mod, isinstance(opt_mod, MyModule),
      isinstance(opt_mod, nn.Module))
print([name for name, _ in opt_mod.named_parameters()])
print(list(opt_mod.state_dict().keys()))
t = torch.randn(10, 100).view(10, 10, 10)[0]
out = opt_mod(t)
print(out[0], out.grad_fn.name())
print(torch.allclose(out, mod(t)), mod(t).grad_fn.name())
print(opt_mod.lin.weight.shape, opt_mod.lin is mod.lin)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.drop = nn.Dropout(0.0)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(self.drop(F.gelu(self.fc1(x))))


torch.manual_seed(1)
model = Net()
twin = Net()
twin.load_state_dict(model.state_dict())
model = torch.compile(model, backend="aot_eager")
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
opt_twin = torch.optim.AdamW(twin.parameters(), lr=1e-2)
X = torch.randn(32, 8)
Y = torch.randint(0, 3, (32,))
for step in range(5):
    for m, o in ((model, opt), (twin, opt_twin)):
        o.zero_grad(set_to_none=True)
        logits = m(X)
        loss = F.cross_entropy(logits, Y)
        loss.backward()
        o.step()
        if step % 2 == 0:
            print(type(m).__name__, step, f"{loss.item():.6f}", logits.grad_fn.name())
model.eval()
print(model.training, model._orig_mod.training, model.drop.training)
with torch.no_grad():
    print(model(X[:2]), twin(X[:2]).requires_grad)
model.train()
print(model.training, twin.training)

buffer = io.BytesIO()
torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "iter_num": 5}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer)
state_dict = checkpoint["model"]
print(sorted(state_dict)[:2], checkpoint["iter_num"])
fresh = Net()
try:
    fresh.load_state_dict(state_dict)
except RuntimeError as e:
    print(isinstance(e, RuntimeError), str(e).splitlines()[0])
unwanted_prefix = "_orig_mod."
for k, v in list(state_dict.items()):
    if k.startswith(unwanted_prefix):
        state_dict[k[len(unwanted_prefix):]] = state_dict.pop(k)
print(fresh.load_state_dict(state_dict))
print(torch.equal(fresh(X), model(X)))
raw_model = model._orig_mod
print(list(raw_model.state_dict())[:2], type(raw_model).__name__)

inplace = Net()
inplace.compile(backend="aot_eager")
print(list(inplace.state_dict())[:2], type(inplace).__name__, inplace(X[:1]).shape)

torch._dynamo.reset()
torch.compiler.reset()
print(torch.compiler.is_compiling())


@torch.compiler.disable
def log_stats(t):
    return f"mean {t.mean().item():.4f}"


print(log_stats(model(X).detach()))
again = torch.compile(Net(), mode="max-autotune-no-cudagraphs", backend="aot_eager", fullgraph=True)
print(again(X).shape, len(list(again.parameters())), sum(p.numel() for p in again.parameters()))
