"""Printing across magnitudes the way a results notebook meets them: when float32/float64/float16 tensors
switch to scientific notation (ratios near 1e3, values near 1e8, subnormals, the float extremes), integer
widths, expanded and empty tensors, then precision/sci_mode/linewidth/edgeitems/threshold settings, and
torch._tensor_str (PRINT_OPTS, get_printoptions, the printoptions context manager) to set and restore them."""

import torch
import torch._tensor_str as ts
from torch._tensor_str import printoptions

cases = [
    torch.tensor([0.001, 1000.0]),
    torch.tensor([0.0001, 1.0]),
    torch.tensor([1e-5, 1e3]),
    torch.tensor([123456.0, 1.5]),
    torch.tensor([1e8, 1.0]),
    torch.tensor([-1e-9, 0.0]),
    torch.tensor([1.0, float("nan"), 1e10]),
    torch.tensor([[1e-3, 2.0], [3.0, 4e5]]),
    torch.tensor([2.0**40]),
    torch.tensor([0.1, 0.25], dtype=torch.float64),
    torch.tensor([1 / 3], dtype=torch.float64),
    torch.tensor([1e16, -1e16], dtype=torch.float64),
    torch.tensor([100000.0, 0.5]),
    torch.tensor([99999.0, 0.5]),
    torch.tensor([1.0, 2.0]) * 1e-4,
    torch.tensor([5e-324], dtype=torch.float64),
    torch.tensor([3.4e38, -3.4e38]),
    torch.tensor([65504.0], dtype=torch.float16),
    torch.tensor([1e-8, 1e-7], dtype=torch.float16),
    torch.arange(-3, 3) * 1e-3,
    torch.tensor([[-0.0]]),
    torch.full((2, 2), 7.0),
    torch.tensor([12345678], dtype=torch.int32),
    torch.tensor([-1], dtype=torch.int16).expand(3),
    torch.linspace(0, 1, 7)[::2],
    torch.ones(2, 1, 3),
    torch.zeros(1, 0, 2),
    torch.tensor([[[1.5]]], requires_grad=True),
]
for c in cases:
    print(c)
torch.set_printoptions(precision=2, sci_mode=False)
for c in cases[:8]:
    print(c)
torch.set_printoptions(precision=10)
print(torch.tensor([1 / 3]), torch.tensor([1 / 3], dtype=torch.float64))
torch.set_printoptions(profile="default")
torch.set_printoptions(linewidth=30, edgeitems=2, threshold=10)
print(torch.arange(100.0).view(10, 10), torch.arange(20))
torch.set_printoptions(profile="default")
print(torch._tensor_str.PRINT_OPTS.precision)
print(torch._tensor_str.PRINT_OPTS.precision, ts.get_printoptions())
with printoptions(precision=2, sci_mode=True):
    print(torch.tensor([1 / 3, 2.0]), ts.PRINT_OPTS.sci_mode)
print(torch.tensor([1 / 3, 2.0]), ts.get_printoptions())
torch.set_printoptions(precision=6)
print(ts.PRINT_OPTS.precision, torch.tensor([1 / 3]))
old = ts.get_printoptions()
torch.set_printoptions(profile="short")
print(torch.arange(10.0))
torch.set_printoptions(**old)
print(torch.arange(10.0) / 3)
