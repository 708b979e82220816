"""What notebooks print: tensors of every common dtype and size through print() and repr() (the default
printing, scientific notation, summarization of large tensors with '...', integer and bool tensors,
empty and 0-d tensors, requires_grad and grad_fn, nan/inf), torch.set_printoptions (precision,
sci_mode, threshold, edgeitems, linewidth, profile); and integer / mixed-dtype arithmetic as scripts do
it: true division, floor_divide and div(rounding_mode=...) with negatives, remainder vs fmod, integer
pow, bitwise and shift operators, type promotion with Python scalars and between dtypes
(result_type, promote_types, can_cast), uint8 wraparound, bool sums, clamp of ints, float16 rounding."""

import torch

torch.manual_seed(0)
print(torch.tensor([1.0, 2.5, -3.25]))
print(torch.tensor([[1, 2], [3, 4]]))
print(torch.tensor([True, False, True]))
print(torch.tensor([1e-8, 1.0, 1e8]))
print(torch.tensor([0.001, 12345.678]))
print(torch.tensor([1.5, float("nan"), float("inf"), -float("inf")]))
print(torch.tensor(3.14159))
print(torch.tensor(7))
print(torch.tensor([]))
print(torch.zeros(2, 0))
print(torch.arange(6, dtype=torch.float64).reshape(2, 3) / 7)
print(torch.tensor([1.0, 2.0], requires_grad=True))
w = torch.tensor([0.5, -0.5], requires_grad=True)
print(w * 2)
print((w * 2).sum())
print(torch.arange(2000))
print(torch.linspace(0, 1, 1500).reshape(30, 50))
print(torch.arange(12, dtype=torch.int32).reshape(3, 4))
print(torch.tensor([255, 0], dtype=torch.uint8))
print(torch.tensor([1.5, 2.25], dtype=torch.float16))
print(torch.tensor([100000.0, 0.5]))
print(torch.tensor([[1e-5, 2.0], [3.0, 4.0]]))
print(repr(torch.ones(2, 2, 2)))
print(torch.full((3,), -0.0))

torch.set_printoptions(precision=2)
print(torch.tensor([3.14159, 2.71828]))
torch.set_printoptions(sci_mode=True)
print(torch.tensor([3.14159, 271.828]))
torch.set_printoptions(sci_mode=False, precision=6)
print(torch.tensor([1e-8, 1.0]))
torch.set_printoptions(threshold=5, edgeitems=2)
print(torch.arange(10))
print(torch.arange(20.0).reshape(4, 5))
torch.set_printoptions(linewidth=40)
print(torch.arange(10, dtype=torch.float32) * 1.5)
torch.set_printoptions(profile="default")
print(torch.arange(10, dtype=torch.float32) * 1.5)
torch.set_printoptions(profile="short")
print(torch.tensor([3.14159, 2.71828]))
torch.set_printoptions(profile="default")

a = torch.tensor([7, -7, 5, -5])
b = torch.tensor([2, 2, -3, -3])
print("true div", a / b)
print("floor_divide", torch.floor_divide(a, b), a // b)
print("div floor", torch.div(a, b, rounding_mode="floor"))
print("div trunc", torch.div(a, b, rounding_mode="trunc"))
print("remainder", a % b, torch.remainder(a, b))
print("fmod", torch.fmod(a, b))
print("float remainder", torch.tensor([-3.5, 3.5]) % 2, torch.fmod(torch.tensor([-3.5, 3.5]), 2))
print("int pow", a ** 2, torch.pow(2, torch.tensor([0, 1, 10])))
print("bitwise", a & 3, a | 8, a ^ 1, ~a, a << 1, a >> 1)
print("bool ops", torch.tensor([True, False]) & torch.tensor([True, True]), ~torch.tensor([True, False]))
print("promotion", (a + 1.5).dtype == torch.float32, (a * 2).dtype == torch.int64,
      (torch.tensor([1], dtype=torch.int32) + torch.tensor([1])).dtype == torch.int64,
      (torch.tensor([1.0]) + torch.tensor([1.0], dtype=torch.float64)).dtype == torch.float64,
      (torch.tensor([1.0], dtype=torch.float16) + 1.0).dtype == torch.float16,
      (torch.tensor([True]) + 1).dtype == torch.int64,
      (torch.tensor([1], dtype=torch.uint8) + torch.tensor([1], dtype=torch.int8)).dtype == torch.int16)
print("result_type", torch.result_type(a, 1.0) == torch.float32,
      torch.promote_types(torch.int32, torch.float16) == torch.float16,
      torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32))
u = torch.tensor([250, 5], dtype=torch.uint8)
print("uint8 wrap", u + 10, u - 10)
print("bool sum", torch.tensor([True, True, False]).sum(), torch.tensor([True, False]).float().mean())
print("int mean error", end=" ")
try:
    a.mean()
except RuntimeError as e:
    print(isinstance(e, RuntimeError), e)
print("int clamp", a.clamp(-6, 6), a.clamp(min=0))
print("int div by zero float", torch.tensor([1, 0]) / 0)
print("argmax ties", torch.tensor([1, 3, 3, 2]).argmax(), torch.tensor([[1, 1], [0, 0]]).argmax(dim=1))
print("half", torch.tensor([0.1, 1000.7], dtype=torch.float16) * 3, torch.tensor(65504.0, dtype=torch.float16) * 2)
print("sum int32 dtype", torch.tensor([1, 2], dtype=torch.int32).sum().dtype == torch.int64,
      torch.tensor([1, 2], dtype=torch.int32).cumsum(0).dtype == torch.int64)
print("to list", torch.tensor([[1.5, 2]]).tolist(), torch.tensor(2.5).item(), torch.tensor([3]).item())
print("round half even", torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5])),
      torch.round(torch.tensor([1.2345, 9.8765]), decimals=2))
print("trunc/frac", torch.trunc(torch.tensor([-1.7, 1.7])), torch.frac(torch.tensor([-1.7, 1.7])))
print("sign", torch.sign(torch.tensor([-2.0, 0.0, 3.0])), torch.sgn(torch.tensor([-2, 0, 3])))
print("arange float step", torch.arange(0, 1, 0.1).shape, torch.arange(1, 2.5, 0.5))
print("linspace int", torch.linspace(0, 10, 5), torch.logspace(0, 2, 3))
print("eye/tri", torch.eye(2, 3), torch.tril(torch.ones(3, 3), diagonal=-1))
print(torch.randn(3), torch.rand(2, 2), torch.randint(0, 10, (5,)), torch.randperm(6))
for bad in (lambda: torch.tensor([1, 2]).var(), lambda: torch.tensor([True]).mean()):
    try:
        bad()
    except RuntimeError as e:
        print("error:", e)
