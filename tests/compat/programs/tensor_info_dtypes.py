"""A "tensor info" helper as notebooks write one, run over every common dtype: dtype, shape, device,
type(), is_floating_point/is_complex/is_signed, dtype.is_floating_point/itemsize/to_real, finfo and
iinfo (printed whole and by field), element_size/nbytes, the default dtype and set_default_dtype,
promote_types/result_type/can_cast tables, and what tensor(...) infers from Python and numpy values."""

import numpy as np
import torch

torch.manual_seed(0)
torch.set_num_threads(1)


def tensor_info(tensor):
    print(tensor.dtype, tensor.shape, tensor.device, type(tensor), tensor.is_floating_point(),
          tensor.dtype.is_floating_point, tensor.dtype.itemsize)
    if tensor.dtype.is_floating_point:
        print(torch.finfo(tensor.dtype))
    elif tensor.dtype != torch.bool:
        print(torch.iinfo(tensor.dtype))


DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int16, torch.int8,
          torch.uint8, torch.bool]
for dt in DTYPES:
    t = torch.ones(2, 3, dtype=dt)
    tensor_info(t)
    print(f"  {str(dt):14s} is_complex {t.is_complex()} is_signed {t.is_signed()} dtype.is_signed {dt.is_signed}"
          f" dtype.is_complex {dt.is_complex} element_size {t.element_size()} nbytes {t.nbytes} type {t.type()}")
    print("  repr", repr(dt), "str", str(dt), "hash-equal", hash(dt) == hash(t.dtype), dt == t.dtype, dt is t.dtype)
    print("  sum dtype", t.sum().dtype, "mean ok", dt.is_floating_point, "to_real", dt.to_real() if dt.is_floating_point else "-")

for dt in [torch.float32, torch.float64, torch.float16]:
    fi = torch.finfo(dt)
    print(dt, "bits", fi.bits, "eps", fi.eps, "max", fi.max, "min", fi.min, "tiny", fi.tiny,
          "smallest_normal", fi.smallest_normal, "resolution", fi.resolution, "dtype", fi.dtype)
for dt in [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]:
    ii = torch.iinfo(dt)
    print(dt, "bits", ii.bits, "max", ii.max, "min", ii.min, "dtype", ii.dtype)
print(torch.finfo(), torch.finfo().dtype)
print(torch.finfo(torch.half).eps, torch.finfo(torch.double).eps, torch.iinfo(torch.long).max, torch.iinfo(torch.int).min)

print("aliases", torch.float is torch.float32, torch.double is torch.float64, torch.half is torch.float16,
      torch.long is torch.int64, torch.int is torch.int32, torch.short is torch.int16)
print("aliases printed", torch.float, torch.double, torch.half, torch.long, torch.int, torch.short)
print(type(torch.float32), isinstance(torch.float32, torch.dtype), torch.float32 == torch.float64)
print(torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.tensor([1]).dtype, torch.tensor([True]).dtype,
      torch.tensor(1.5).dtype, torch.tensor([1, 2.0]).dtype, torch.tensor([[1], [2]]).dtype)
print(torch.tensor(np.array([1.5])).dtype, torch.tensor(np.array([1])).dtype, torch.tensor(np.float16(1)).dtype,
      torch.tensor(np.array([1], dtype=np.int8)).dtype, torch.tensor([np.float32(1.5)]).dtype)
print(torch.zeros(2).dtype, torch.arange(3).dtype, torch.arange(3.0).dtype, torch.arange(0, 1, 0.5).dtype,
      torch.linspace(0, 1, 3).dtype, torch.full((2,), 7).dtype, torch.full((2,), 7.0).dtype,
      torch.full((2,), True).dtype, torch.randint(0, 5, (2,)).dtype, torch.randperm(3).dtype, torch.eye(2).dtype)

torch.set_default_dtype(torch.float64)
print("default float64:", torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.zeros(2).dtype,
      torch.arange(3.0).dtype, torch.tensor([1]).dtype, torch.nn.Linear(2, 2).weight.dtype,
      (torch.tensor([1]) / 2).dtype, torch.rand(2).dtype)
tensor_info(torch.randn(2))
torch.set_default_dtype(torch.float32)
print("back:", torch.get_default_dtype(), torch.tensor([1.5]).dtype)

print("promote_types")
names = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
for a in DTYPES:
    row = [str(torch.promote_types(a, b)).replace("torch.", "") for b in DTYPES]
    print(f"  {str(a):14s}", " ".join(f"{r:8s}" for r in row))
print("result_type", torch.result_type(torch.tensor([1]), 1.5), torch.result_type(torch.tensor([1], dtype=torch.int8), 300),
      torch.result_type(torch.tensor(1.0, dtype=torch.float64), torch.tensor([1], dtype=torch.int32)),
      torch.result_type(2, 3.0), torch.result_type(torch.tensor([1.], dtype=torch.float16), torch.tensor(1.0)))
print("can_cast", [torch.can_cast(a, b) for a, b in [(torch.float32, torch.int32), (torch.int32, torch.float32),
                                                     (torch.int64, torch.int8), (torch.bool, torch.uint8),
                                                     (torch.float64, torch.float16), (torch.uint8, torch.bool)]])

x = torch.randn(3, 4)
for target in [torch.float64, torch.int32, torch.uint8, torch.bool, torch.float16]:
    y = x.to(target)
    print(f"{str(target):14s}", y.dtype, y.shape, y.device, type(y).__name__, y.is_floating_point(), y.element_size(),
          x.to(target) is x, x.type(target).dtype, y)
print(x.to(torch.float32) is x, x.float() is x, x.to(x) is x, x.to(torch.zeros(1, dtype=torch.int64)).dtype)
print(x.new_zeros(2).dtype, x.new_tensor([1, 2]).dtype, x.new_full((2,), 3).dtype, x.new_ones(1, dtype=torch.int8).dtype)
print(torch.empty(0).dtype, torch.empty(0, dtype=torch.int16).shape, torch.zeros(0, 3).shape, torch.zeros(()).shape)
print(torch.is_floating_point(x), torch.is_tensor(x), torch.is_complex(x), torch.is_nonzero(torch.tensor(0.5)),
      torch.numel(x), x.numel(), x.nelement(), x.dim(), x.ndim, x.ndimension(), len(x))
