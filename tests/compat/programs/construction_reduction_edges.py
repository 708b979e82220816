"""Building tensors from Python data and reducing them, where ports from numpy trip: arange with float
steps, linspace/logspace dtypes, mixed int/float/bool lists, numpy scalars' dtypes, integers too wide for
int64 or for the requested dtype, from_numpy/as_tensor memory sharing, view(dtype) reinterpretation, view
versus reshape on non-contiguous data, expand/broadcast_to/broadcast_shapes and their errors, torch.Size
arithmetic, cat/stack promotion and errors, reductions of empty tensors, dtype= on sum/mean, Python
conversions (int/float/bool/index) and operator corners on bool and integer tensors."""

import _show
import torch
import numpy as np


def show(label, fn):
    """Print what fn returns, or the start of the message it raises (with the class, for the lookup and
    type errors; a ValueError or RuntimeError by its words alone)."""
    _show.show_words(label, fn, (IndexError, TypeError, NotImplementedError))


show(
    "arange float",
    lambda: (len(torch.arange(0, 1, 0.1)), torch.arange(0, 1, 0.1)[-1].item(), torch.arange(1, 2.5, 0.5)),
)
show("arange int step float", lambda: torch.arange(0, 5, 1.5))
show(
    "arange dtype",
    lambda: (torch.arange(5.0).dtype, torch.arange(5, dtype=torch.float64)[-1], torch.arange(0, 10, 3)),
)
show("arange neg", lambda: torch.arange(5, 0, -2))
show("arange bad", lambda: torch.arange(0, 5, -1))
show("linspace int", lambda: torch.linspace(0, 10, 4, dtype=torch.int64))
show("linspace 1", lambda: torch.linspace(2, 5, 1))
show("logspace", lambda: torch.logspace(0, 2, 3, base=2))
show("mixed list", lambda: torch.tensor([1, 2.5, True]))
show("bool int list", lambda: torch.tensor([True, 2]))
show("np f16", lambda: torch.tensor(np.array([1.5], dtype=np.float16)).dtype)
show("np i32 scalar", lambda: torch.tensor(np.int32(3)).dtype)
show("np f64 scalar", lambda: torch.tensor(np.float64(3)).dtype)
show("overflow", lambda: torch.tensor([2**63]))
show("overflow u64", lambda: torch.tensor([2**64]))
show("int8 overflow", lambda: torch.tensor([300], dtype=torch.int8))
show("float to int", lambda: torch.tensor([1.7, -1.7]).long())
show("nan to int", lambda: torch.tensor([float("nan")]).int().dtype)
show("from_numpy share", lambda: (lambda a: (torch.from_numpy(a).add_(1), a)[1])(np.zeros(2)))
show(
    "as_tensor share",
    lambda: (lambda a: (torch.as_tensor(a)[0].fill_(5), a)[1])(np.zeros(2, dtype=np.float32)),
)
show("from_numpy ro", lambda: torch.from_numpy(np.broadcast_to(np.zeros(2), (2, 2))).shape)
show("tensor of tensors", lambda: torch.tensor([torch.tensor(1.0), torch.tensor(2.0)]))
show("tensor of tensor warn", lambda: torch.tensor(torch.ones(2)))
show("view dtype", lambda: torch.tensor([1.0]).view(torch.int32))
show("view dtype 2", lambda: torch.tensor([1.0, 2.0]).view(torch.int16).shape)
show("view noncontig", lambda: torch.ones(2, 3).t().view(-1))
show("reshape noncontig", lambda: torch.arange(6).view(2, 3).t().reshape(-1))
show("view bad", lambda: torch.ones(2, 3).view(4, -1))
show("view two -1", lambda: torch.ones(2, 3).view(-1, -1))
show("type_as", lambda: torch.ones(2).type_as(torch.tensor([1])).dtype)
show("expand bad", lambda: torch.ones(2, 3).expand(3, 3))
show("expand -1", lambda: torch.ones(1, 3).expand(2, -1).shape)
show("expand new dim", lambda: torch.ones(3).expand(2, 2, 3).shape)
show("broadcast_to", lambda: torch.broadcast_to(torch.tensor([1, 2]), (2, 2)))
show("broadcast_shapes", lambda: torch.broadcast_shapes((2, 1), (1, 3), (3,)))
show("broadcast_shapes bad", lambda: torch.broadcast_shapes((2,), (3,)))
show("broadcast_tensors", lambda: [t.shape for t in torch.broadcast_tensors(torch.ones(2, 1), torch.ones(3))])
show(
    "Size ops",
    lambda: (
        torch.Size([2, 3]) + (4,),
        type(torch.Size([2, 3]) + (4,)).__name__,
        torch.Size([2, 3]).numel(),
        torch.Size([2, 3])[1:],
        type(torch.Size([2, 3])[1:]).__name__,
    ),
)
show("Size eq", lambda: (torch.Size([2]) == (2,), torch.Size([2]) == [2]))
show("cat empty legacy", lambda: torch.cat([torch.tensor([]), torch.ones(2, 2)]))
show("cat promote", lambda: torch.cat([torch.tensor([1]), torch.tensor([1.5])]))
show("cat bad", lambda: torch.cat([torch.ones(2, 2), torch.ones(2, 3)]))
show("cat dim bad", lambda: torch.cat([torch.ones(2), torch.ones(2)], dim=1))
show("stack bad", lambda: torch.stack([torch.ones(2), torch.ones(3)]))
show("stack empty", lambda: torch.stack([]))
show("sum empty", lambda: (torch.tensor([]).sum(), torch.tensor([]).prod(), torch.tensor([]).mean()))
show("max empty", lambda: torch.tensor([]).max())
show("argmax empty", lambda: torch.tensor([]).argmax())
show("max empty dim", lambda: torch.zeros(0, 3).max(dim=0))
show("amax empty", lambda: torch.zeros(0, 3).amax(dim=1))
show("std empty", lambda: torch.tensor([]).std())
show("norm empty", lambda: torch.tensor([]).norm())
show(
    "int sum dtype",
    lambda: (
        torch.tensor([1], dtype=torch.int32).sum().dtype,
        torch.tensor([1], dtype=torch.uint8).sum().dtype,
    ),
)
show("sum dtype arg", lambda: torch.tensor([1, 2]).sum(dtype=torch.float32))
show("mean dtype arg", lambda: torch.tensor([1, 2]).mean(dtype=torch.float64))
show(
    "all any",
    lambda: (
        torch.tensor([1, 0]).all(),
        torch.tensor([1.5, 0]).any(dim=0),
        torch.tensor([], dtype=torch.bool).all(),
    ),
)
show("all uint8", lambda: torch.tensor([1, 2], dtype=torch.uint8).all())
show("item multi", lambda: torch.ones(2).item())
show("int() multi", lambda: int(torch.ones(2)))
show(
    "float() 1el", lambda: (float(torch.tensor([[2.5]])), int(torch.tensor([3.9])), bool(torch.tensor([0.0])))
)
show("bool multi", lambda: bool(torch.ones(2)))
show("index", lambda: [10, 20, 30][torch.tensor(1)])
show("index float", lambda: [10, 20, 30][torch.tensor(1.0)])
show("len 0d", lambda: len(torch.tensor(1.0)))
show("iter 0d", lambda: list(torch.tensor(1.0)))
show(
    "hash eq",
    lambda: (torch.tensor(1.0) in [torch.tensor(1.0)], {torch.tensor(1.0): 1}.get(torch.tensor(1.0))),
)
show("contains", lambda: (2 in torch.tensor([1, 2]), torch.tensor(2) in torch.tensor([1, 2])))
show("round python", lambda: (round(torch.tensor(2.567), 1), round(torch.tensor(2.5))))
show("math", lambda: (abs(torch.tensor(-2)), -torch.tensor(True) if False else 0, divmod(7, 2)))
show("neg bool", lambda: -torch.tensor([True]))
show("sub bool", lambda: torch.tensor([True]) - torch.tensor([False]))
show("pow int neg", lambda: torch.tensor([2]) ** -1)
show("pow 0d int neg", lambda: 2 ** torch.tensor([-1]))
show("rpow", lambda: 2 ** torch.tensor([1.5, 2]))
show("rdiv int", lambda: 1 / torch.tensor([2]))
show("rfloordiv", lambda: 7 // torch.tensor([2, -2]))
show("rmod", lambda: 7 % torch.tensor([3, -3]))
show("matmul 1d", lambda: torch.tensor([1.0, 2.0]) @ torch.tensor([3.0, 4.0]))
show("matmul int", lambda: torch.tensor([[1, 2]]) @ torch.tensor([[3], [4]]))
show("matmul mix", lambda: torch.tensor([[1, 2]]) @ torch.tensor([[3.0], [4.0]]))
show("matmul bad", lambda: torch.ones(2, 3) @ torch.ones(2, 3))
show("mm bad dims", lambda: torch.mm(torch.ones(2), torch.ones(2)))
show("dot int", lambda: torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])))
show("outer", lambda: torch.outer(torch.tensor([1, 2]), torch.tensor([1.0, 2.0])))

# a least-squares fit whose design matrix is assembled with the pieces above
t = torch.arange(0, 2, 0.25)
design = torch.stack([torch.ones_like(t), t, t**2], dim=1)
target = (1.5 - 2 * t + 0.75 * t**2).unsqueeze(1) + torch.linspace(-0.01, 0.01, len(t)).unsqueeze(1)
coef = torch.zeros(3, 1, requires_grad=True)
opt = torch.optim.SGD([coef], lr=0.05, momentum=0.8)
for step in range(8):
    opt.zero_grad()
    resid = design @ coef - target
    loss = (resid**2).mean()
    loss.backward()
    opt.step()
    print(f"fit step {step} | loss {loss.item():.6f} | coef", " ".join(f"{c:.5f}" for c in coef.detach().flatten().tolist()))
exact = torch.linalg.lstsq(design, target).solution
print("lstsq", exact.flatten(), "residual", (design @ exact - target).abs().max() < 0.02)
