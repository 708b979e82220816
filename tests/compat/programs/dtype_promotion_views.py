"""Type promotion and integer arithmetic as scripts meet them, then in-place writes through views:
mixed int/float/bool/uint8 tensors and Python scalars (0-d tensors promote as scalars), integer
division and remainder signs, uint8 wraparound, result_type/promote_types/can_cast, the errors
PyTorch raises, and in-place updates through slices, transposes, diagonals, unfold and expand."""

import torch

torch.set_num_threads(1)

i64 = torch.tensor([5, -7, 3])
i32 = torch.tensor([2, 2, -2], dtype=torch.int32)
u8 = torch.tensor([250, 3, 7], dtype=torch.uint8)
i8 = torch.tensor([-3, 100, 5], dtype=torch.int8)
f32 = torch.tensor([0.5, -1.5, 2.0])
f64 = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
f16 = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16)
bl = torch.tensor([True, False, True])
zero_d64 = torch.tensor(2.0, dtype=torch.float64)
zero_di = torch.tensor(3)

cases = {
    "i64+i32": i64 + i32, "i32*2": i32 * 2, "i32*2.5": i32 * 2.5, "u8+i8": u8 + i8, "u8+1": u8 + 1,
    "u8+bl": u8 + bl, "bl+bl": bl + bl, "bl*2": bl * 2, "bl*1.5": bl * 1.5, "i64/i64": i64 / i32,
    "f32+f64": f32 + f64, "f16+f32": f16 + f32, "f16*2.0": f16 * 2.0, "f32+0d64": f32 + zero_d64,
    "i32+0d64": i32 + zero_d64, "i8+0di": i8 + zero_di, "u8*0di": u8 * zero_di, "f16+i64": f16 + i64,
    "bl+0di": bl + zero_di, "i32**2": i32 ** 2, "2**i32": 2 ** i32, "i64**0.5": i64.abs() ** 0.5,
    "u8-u8": u8 - torch.tensor([251, 4, 7], dtype=torch.uint8), "u8*2": u8 * 2, "i8*2": i8 * 2,
    "bl&bl": bl & torch.tensor([True, True, False]), "~bl": ~bl, "~i8": ~i8, "i64<<2": i64 << 2,
    "i64>>1": i64 >> 1, "i64^3": i64 ^ 3, "i32|u8": i32 | u8, "-u8": -u8, "abs i8": i8.abs(),
    "i64.sum": i64.sum(), "i32.sum": i32.sum(), "u8.sum": u8.sum(), "bl.sum": bl.sum(), "i32.mean f": i32.float().mean(),
    "u8.prod": u8.prod(), "i32.cumsum": i32.cumsum(0), "bl.cumsum": bl.cumsum(0), "i8.cumprod": i8.cumprod(0),
    "i32.cumsum f64": i32.cumsum(0, dtype=torch.float64), "i64.sum f": i64.sum(dtype=torch.float32),
}
for name, t in cases.items():
    print(f"{name:14s} {t.tolist()} {str(t.dtype).replace('torch.', '')}")

print("result_type", torch.result_type(i32, 2.5) == torch.float32, torch.result_type(u8, i8) == torch.int16,
      torch.result_type(bl, 3) == torch.int64, torch.result_type(f16, zero_d64) == torch.float16,
      torch.result_type(2, 3.0) == torch.float32)
print("promote_types", torch.promote_types(torch.uint8, torch.int8) == torch.int16,
      torch.promote_types(torch.int32, torch.float16) == torch.float16,
      torch.promote_types(torch.bool, torch.int16) == torch.int16,
      torch.promote_types(torch.float32, torch.float64) == torch.float64)
print("can_cast", torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32),
      torch.can_cast(torch.bool, torch.uint8), torch.can_cast(torch.int64, torch.bool))

a = torch.tensor([7, -7, 7, -7, 0])
b = torch.tensor([2, 2, -2, -2, 3])
print("//", (a // b).tolist(), "%", (a % b).tolist())
print("div floor", torch.div(a, b, rounding_mode="floor").tolist(), "trunc", torch.div(a, b, rounding_mode="trunc").tolist())
print("true", torch.div(a, b).tolist(), torch.true_divide(a, b).dtype == torch.float32)
print("fmod", torch.fmod(a, b).tolist(), "remainder", torch.remainder(a, b).tolist())
af = a.float()
bf = torch.tensor([2.0, 2.0, -2.0, -2.0, 3.0])
print("float //", (af // bf).tolist(), "%", (af % bf).tolist(), "fmod", torch.fmod(af, bf).tolist())
print("scalar forms", (a // 3).tolist(), (a % -3).tolist(), (-7 // torch.tensor(2)).item(), (7 % torch.tensor(-3)).item())
print("remainder scalar first", torch.remainder(-7, torch.tensor([3, -3])).tolist())
print("float mod", (torch.tensor([5.5, -5.5]) % 2).tolist(), torch.fmod(torch.tensor([5.5, -5.5]), 2).tolist())
print("floor_divide", torch.floor_divide(torch.tensor([-7.5, 7.5]), 2).tolist())
print("rsub", torch.rsub(torch.tensor([1, 2]), 10).tolist(), torch.sub(i64, 1, alpha=2).tolist(),
      torch.add(f32, f32, alpha=0.5).tolist())

for label, fn in [("int div by zero", lambda: torch.tensor([1, 2]) // torch.tensor([1, 0])),
                  ("int remainder by zero", lambda: torch.tensor([1]) % 0),
                  ("float into long", lambda: i64.add_(1.5)),
                  ("int ** negative", lambda: torch.tensor([2]) ** -1),
                  ("bool sub", lambda: bl - bl),
                  ("neg bool", lambda: -bl),
                  ("float shift", lambda: f32 << 1),
                  ("float and", lambda: f32 & f32)]:
    try:
        r = fn()
        print(label, "ok", r.tolist())
    except (RuntimeError, NotImplementedError) as exc:
        print(label, "RuntimeError" if isinstance(exc, RuntimeError) else "NotImplementedError")
print("float by zero", (torch.tensor([1.0, -1.0, 0.0]) / 0).tolist(), (torch.tensor([1.0]) // 0).tolist())
print("int to float inplace", torch.zeros(2).add_(torch.tensor([1, 2])).tolist())
ii = torch.tensor([1, 2])
ii *= 3
ii += torch.tensor([True, False])
print("int inplace", ii.tolist(), ii.dtype == torch.int64)
print("casts", torch.tensor([-1.7, 1.7, 300.0]).to(torch.uint8).tolist() if False else "skip",
      torch.tensor([-1.7, 1.7, 2.5]).long().tolist(), torch.tensor([3.9, -0.1]).int().tolist(),
      torch.tensor([0.0, 0.1, -2.0]).bool().tolist(), torch.tensor([300, -1]).to(torch.uint8).tolist(),
      torch.tensor([130]).to(torch.int8).tolist())

# in-place writes through views
m = torch.arange(12.0).reshape(3, 4)
m[:, 1:3] *= 10
m.t()[0].add_(100)
m.diagonal().fill_(-1)
m[1] = torch.tensor([7.0, 8.0, 9.0, 10.0])
m[m > 50] = 0.5
m[[0, 2], [3, 3]] = torch.tensor([11.0, 22.0])
print(m)
v = m.view(-1)
v[::5] = 9
print("through flat view", m[0].tolist(), m[2].tolist(), v.is_contiguous(), v._base is m if hasattr(v, "_base") else None)
copy_not_view = m[[0, 1]]
copy_not_view[0] = -100
print("advanced index copies", m[0, 0].item(), copy_not_view[0, 0].item())
m[0][1] = -3
print("chained index", m[0].tolist())
w = torch.arange(10.0)
u = w.unfold(0, 4, 2)
print("unfold", tuple(u.shape), u[1].tolist())
n = torch.zeros(2, 3)
n.T.copy_(torch.arange(6.0).reshape(3, 2))
print("transposed copy_", n.tolist())
n.narrow(1, 1, 2).sub_(1)
n.select(0, 1).clamp_(max=3)
print("narrow/select", n.tolist())
e = torch.zeros(3).expand(2, 3)
try:
    e.add_(1)
    print("expand add_", e.tolist())
except RuntimeError:
    print("expanded in-place RuntimeError")
s = torch.arange(6.0)
s.view(2, 3)[:, -1] = torch.tensor([-1.0, -2.0])
print("view assign", s.tolist())
s2 = torch.arange(4.0)
s2.unsqueeze_(0)
s2.transpose_(0, 1)
s2.squeeze_()
s2.t_()
print("shape in place", tuple(s2.shape), s2.tolist())
tr = torch.ones(3, 3)
tr.triu_(1).add_(torch.eye(3))
tr.tril_()
print("triu_/tril_", tr.tolist())

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x * 2
view = h[1:]
view.mul_(torch.tensor([10.0, 100.0]))
h.sum().backward()
print("grad through in-place view", x.grad.tolist(), h)
x.grad = None
h = x.exp()
h[:2].add_(1)
try:
    h.sum().backward()
    print("exp grad", [round(g, 5) for g in x.grad.tolist()])
except RuntimeError as exc:
    print("version error", "modified by an inplace operation" in str(exc))
h = x.sigmoid()
h2 = h * 1
h2[1:].mul_(h2[:2].clone())
h2.sum().backward()
print("sigmoid grad", [round(g, 6) for g in x.grad.tolist()])
try:
    x[0] = 5
except RuntimeError as exc:
    print("leaf in-place", "leaf Variable" in str(exc))
with torch.no_grad():
    x[0] = 5
print("no_grad write", x.tolist(), x.requires_grad, x.is_leaf)
