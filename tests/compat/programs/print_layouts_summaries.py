"""What notebooks print for bigger and higher-dimensional tensors, after PyTorch's printing docs
(torch.set_printoptions) and torch/_tensor_str.py's behaviour: 3-D and 4-D tensors summarized with
threshold/edgeitems, linewidth wrapping of long rows (and of rows of mixed signs and widths), the
"profile" presets, integer and bool tensors past the threshold, float64 and float16 with a dtype suffix,
scientific mode chosen for wide ranges, values with a common integer part, requires_grad/grad_fn suffixes
on summarized tensors, names of views' grad_fn, torch.Size and the repr of tuples/dicts of tensors, and a
row of nan/inf beside tiny values."""

import torch

torch.manual_seed(0)

x3 = torch.randn(4, 5, 6)
print(x3)
torch.set_printoptions(threshold=50, edgeitems=2)
print(x3)
print(torch.arange(200).view(2, 10, 10))
print(torch.randn(3, 4, 5, 6) * 100)
print(torch.arange(60).view(3, 4, 5) % 2 == 0)
torch.set_printoptions(profile="default")
torch.set_printoptions(linewidth=50)
print(torch.randn(3, 12))
print(torch.linspace(-1000, 1000, 11))
print(torch.arange(30) * 37 - 500)
torch.set_printoptions(linewidth=80)
torch.set_printoptions(profile="short")
print(torch.randn(4, 4))
print(torch.randn(30, 30))
torch.set_printoptions(profile="full")
print(torch.arange(1200).view(30, 40)[::7, ::9])
print(torch.randn(2, 700).sum(1))
torch.set_printoptions(profile="default")
print(torch.randn(3, 3, dtype=torch.float64) * 1e5)
print(torch.tensor([[1e-5, 2.5], [3.0, 1e6]], dtype=torch.float64))
print(torch.randn(2, 3).half() * 1000)
print(torch.tensor([100.25, 100.5, 100.75]))
print(torch.tensor([1.0, 2.0, 3.0]) * 1e-4)
print(torch.tensor([123456789.0, 1.0]))
print(torch.tensor([0.1, float("nan"), float("inf"), -float("inf"), 1e-8]))
print(torch.tensor([[float("nan")]]), torch.tensor([float("-inf"), 2.0]))
w = torch.randn(1500, requires_grad=True)
print(w * 2)
print((w * 2).view(30, 50)[1:3].t())
print(torch.randn(2, 3, requires_grad=True).permute(1, 0).unsqueeze(0).expand(2, 3, 2))
print((torch.ones(3, requires_grad=True) + 0).reshape(3, 1).squeeze())
print(torch.Size([3, 4]), torch.randn(0, 3, 2).shape, torch.ones(()).shape)
print((torch.zeros(2), torch.ones(1, dtype=torch.long)), {"a": torch.tensor(1.5), "b": torch.tensor([True])})
print([torch.tensor(1), torch.tensor(2.0)])
print(repr(torch.tensor(-0.0)), str(torch.tensor(1e20)), torch.tensor(3, dtype=torch.int8))
print(torch.tensor([2 ** 40, -3]), torch.tensor([255, 0], dtype=torch.uint8))
print(torch.randint(-1000, 1000, (3, 25)))
print(torch.zeros(2, 3, 0), torch.empty(0, dtype=torch.bool), torch.zeros(0, 4, dtype=torch.float64))
torch.set_printoptions(precision=3, sci_mode=True)
print(torch.tensor([1.5, 2.25, 1000.0]), torch.tensor(0.5))
torch.set_printoptions(precision=6, sci_mode=False)
print(torch.tensor([1e-7, 1.0, 1e7]))
torch.set_printoptions(profile="default", sci_mode=None)
print(torch.tensor([1e-7, 1.0, 1e7]))
print(f"{torch.tensor(3.14159):.2f} {torch.tensor(7):>4} {torch.tensor(2.5).item():e}")
