"""Integer arithmetic and indexing corners a port from numpy runs into, printed next to a tiny
label-smoothing classifier whose targets are built with them: floor division and remainder of negatives
(Python's rounding, not C's), rounding modes, 0-d tensors and Python scalars in type promotion, masked and
duplicated-index assignment, index_put_ accumulation, advanced indexing that mixes slices and index
tensors, stable sorts and tie-breaking in topk, unique with inverse and counts, and the errors a bad index
raises."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def show(label, fn):
    try:
        print(label, fn())
    except (IndexError, TypeError, ValueError, RuntimeError) as e:
        kind = next(k.__name__ for k in (IndexError, TypeError, ValueError, RuntimeError) if isinstance(e, k))
        print(label, "raises", kind, str(e).split(" (")[0][:90])


a = torch.tensor([-7, -3, 0, 3, 7])
show("a // 2", lambda: a // 2)
show("a // -2", lambda: a // -2)
show("a % 3", lambda: a % 3)
show("a % -3", lambda: a % -3)
show("fmod", lambda: torch.fmod(a, 3))
show("remainder float", lambda: torch.remainder(torch.tensor([-7.5, 7.5]), 2))
show("div trunc", lambda: torch.div(a, 2, rounding_mode="trunc"))
show("div floor", lambda: torch.div(a, 2, rounding_mode="floor"))
show("true div", lambda: a / 2)
show("int / 0", lambda: torch.tensor([1, 0, -1]) / 0)
show("int // 0", lambda: torch.tensor([1]) // 0)
show("floor_divide", lambda: torch.floor_divide(torch.tensor([-7.0, 7.0]), 2))
show("int32 + 0-d float", lambda: (torch.tensor([1, 2], dtype=torch.int32) + torch.tensor(1.5)).dtype)
show("int8 + 0-d int64", lambda: (torch.tensor([1, 2], dtype=torch.int8) + torch.tensor(300)).dtype)
show("uint8 wraps", lambda: torch.tensor([200], dtype=torch.uint8) + 100)
show(
    "half * 0-d double",
    lambda: (torch.ones(2, dtype=torch.float16) * torch.tensor(2.0, dtype=torch.float64)).dtype,
)
show("bool + bool", lambda: torch.tensor([True]) + torch.tensor([True]))
show("bool * 1.5", lambda: torch.tensor([True, False]) * 1.5)
show("int ** 0.5", lambda: torch.tensor([2, 3]) ** 0.5)
show(
    "result_type",
    lambda: (torch.result_type(torch.tensor([1]), 1.0), torch.promote_types(torch.int32, torch.float16)),
)
show(
    "can_cast",
    lambda: (torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32)),
)
show("where scalars", lambda: torch.where(torch.tensor([True, False]), 1.0, 0))
show("where int scalars", lambda: torch.where(torch.tensor([True, False]), 1, 0))
show("where tensor/scalar", lambda: torch.where(torch.tensor([True, False]), torch.tensor([1, 2]), 2.5))
show("where nonzero", lambda: torch.where(torch.tensor([[0, 1], [1, 0]])))
show("round half even", lambda: torch.round(torch.tensor([0.5, 1.5, 2.5, -2.5])))
show("round decimals", lambda: torch.round(torch.tensor([1.2345, 2.5, -0.5]), decimals=2))
show("round tens", lambda: torch.round(torch.tensor([1234.5, 1250.0]), decimals=-2))
show("clamp int by float", lambda: torch.clamp(torch.arange(5), min=1.5))
show("clamp min > max", lambda: torch.clamp(torch.arange(5.0), min=3, max=1))
show("clamp tensors", lambda: torch.clamp(torch.arange(5.0), min=torch.ones(5), max=torch.tensor(3.0)))

x = torch.arange(12.0).view(3, 4)
mask = x > 5
y = x.clone()
y[mask] = -1.0
show("mask fill", lambda: y)
y = x.clone()
y[mask] = torch.arange(6.0) * 10
show("mask scatter", lambda: y)
y = x.clone()
y[torch.tensor([True, False, True])] = torch.tensor([9.0, 8.0, 7.0, 6.0])
show("row mask", lambda: y)
z = torch.zeros(5)
z[torch.tensor([0, 2])] = torch.tensor([1.0, 3.0])
show("index assign", lambda: z)
show(
    "index_put accumulate",
    lambda: torch.zeros(5).index_put_(
        (torch.tensor([0, 0, 2]),), torch.tensor([1.0, 2.0, 3.0]), accumulate=True
    ),
)
show("rows and slice", lambda: x[[0, 2], 1:3])
show("broadcast index", lambda: x[torch.tensor([[0], [2]]), torch.tensor([1, 3])])
show("split advanced", lambda: torch.arange(24).view(2, 3, 4)[[0, 1], :, [1, 2]])
show("ellipsis", lambda: torch.arange(24).view(2, 3, 4)[..., [0, 3]].shape)
show("None + list", lambda: x[None, [0, 1]].shape)
show("x[True]", lambda: x[True].shape)
show("out of range", lambda: x[3])
show("out of range tensor", lambda: x[torch.tensor([5])])
show("float index", lambda: x[torch.tensor([0.0])])
show("zero step", lambda: x[::0])
show("take", lambda: x.take(torch.tensor([0, 11, 5])))
show("take_along_dim", lambda: torch.take_along_dim(x, torch.tensor([[0], [3], [1]]), dim=1))
show("gather -1", lambda: x.gather(-1, torch.tensor([[0, 0], [1, 1], [3, 2]])))

v = torch.tensor([3, 1, 2, 1, 3, 1])
show("argsort stable", lambda: torch.argsort(v, stable=True))
show("sort desc stable", lambda: torch.sort(v, descending=True, stable=True))
show("topk ties", lambda: torch.topk(torch.tensor([1.0, 3.0, 3.0, 2.0, 3.0]), 2))
show("topk smallest", lambda: torch.topk(torch.tensor([1.0, 3.0, 1.0, 2.0, 1.0]), 2, largest=False))
show("unique", lambda: torch.unique(v, return_inverse=True, return_counts=True))
show(
    "unique rows",
    lambda: torch.unique(
        torch.tensor([[1, 2], [3, 4], [1, 2]]), dim=0, return_inverse=True, return_counts=True
    ),
)
show(
    "unique_consecutive",
    lambda: torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]), return_counts=True),
)

# a 3-class classifier whose soft targets come from the integer ops above
feats = torch.linspace(-2, 2, 18).view(9, 2)
labels = (torch.arange(9) * 7 // 3) % 3
counts = torch.bincount(labels, minlength=3)
print("labels", labels, "counts", counts)
soft = torch.full((9, 3), 0.1 / 2)
soft[torch.arange(9), labels] = 0.9
model = nn.Linear(2, 3)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]]))
    model.bias.copy_(torch.tensor([0.0, 0.1, -0.1]))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(6):
    opt.zero_grad()
    logits = model(feats)
    loss = F.cross_entropy(logits, soft)
    hard = F.cross_entropy(logits, labels, label_smoothing=0.15)
    loss.backward()
    opt.step()
    pred = logits.argmax(1)
    print(
        f"step {step} | soft {loss.item():.6f} | smoothed {hard.item():.6f} | "
        f"correct {(pred == labels).sum().item()} | per-class {torch.bincount(pred, minlength=3).tolist()}"
    )
