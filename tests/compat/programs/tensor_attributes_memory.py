"""What a "tensors under the hood" tutorial prints: strides and storage offsets of views, contiguity
(and channels_last), element_size/itemsize/nbytes, dim_order, untyped_storage sizes, data_ptr
sharing, type() strings and legacy casts, is_* predicates, new_* factories, clone/contiguous/
detach memory behaviour, and the version counter."""

import torch

torch.set_num_threads(1)

x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
views = {"x": x, "x[1]": x[1], "x[:, 1:]": x[:, 1:], "x.transpose(0, 2)": x.transpose(0, 2),
         "x.permute(2, 0, 1)": x.permute(2, 0, 1), "x[..., ::2]": x[..., ::2], "x.view(6, 4)": x.view(6, 4),
         "x.unsqueeze(1)": x.unsqueeze(1), "x[0, :, 1]": x[0, :, 1], "x.expand(3, 2, 3, 4)": x.expand(3, 2, 3, 4),
         "x.flatten(1)": x.flatten(1), "x.narrow(2, 1, 2)": x.narrow(2, 1, 2), "x.diagonal(0, 1, 2)": x.diagonal(0, 1, 2),
         "x.mT": x.mT, "x[1].t()": x[1].t(), "x.select(1, 2)": x.select(1, 2), "x.unbind(0)[1]": x.unbind(0)[1],
         "x.chunk(2, 2)[1]": x.chunk(2, 2)[1], "x.movedim(0, -1)": x.movedim(0, -1)}
for name, v in views.items():
    print(f"{name:22s} shape {tuple(v.shape)} stride {v.stride()} offset {v.storage_offset()} "
          f"contiguous {v.is_contiguous()} shares {v.data_ptr() - x.data_ptr() == v.storage_offset() * 4}")
print("stride(dim)", x.stride(0), x.stride(-1), x.T.stride() if x.ndim == 2 else x.permute(2, 1, 0).stride())
print("reshape copies", x.transpose(0, 1).reshape(6, 4).data_ptr() == x.data_ptr(),
      "reshape views", x.reshape(4, 6).data_ptr() == x.data_ptr())
print("contiguous", x.transpose(0, 1).contiguous().stride(), x.contiguous() is x)

img = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)
cl = img.to(memory_format=torch.channels_last)
print("channels_last stride", cl.stride(), cl.is_contiguous(), cl.is_contiguous(memory_format=torch.channels_last),
      torch.equal(cl, img), img.dim_order(), cl.dim_order())
print("contiguous_format back", cl.contiguous().stride())
print("dim_order", x.dim_order(), x.permute(1, 2, 0).dim_order())

for dt in [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int16, torch.int8,
           torch.uint8, torch.bool]:
    t = torch.zeros(3, 5, dtype=dt)
    print(f"{str(dt).replace('torch.', ''):8s} element_size {t.element_size()} itemsize {t.itemsize} nbytes {t.nbytes} "
          f"storage {t.untyped_storage().nbytes()} type {t.type()} floating {t.is_floating_point()} signed {t.is_signed()}")
print("view storage", x[1].untyped_storage().nbytes(), x[1].nbytes, len(x.untyped_storage()))
print("type casts", x.type(torch.DoubleTensor).dtype == torch.float64, x.type("torch.IntTensor").dtype == torch.int32,
      x.type(torch.int64).dtype == torch.int64, torch.typename(x), torch.is_tensor(x), torch.is_storage(x),
      torch.is_floating_point(x), torch.is_nonzero(torch.tensor([1.5])), torch.numel(x))
print("legacy", torch.FloatTensor([1, 2]).dtype == torch.float32, torch.LongTensor(2, 3).shape,
      torch.DoubleTensor([[1]]).type(), torch.BoolTensor([1, 0]).tolist(), torch.ByteTensor([3]).type())
print("dims", x.dim(), x.ndimension(), x.nelement(), x.numel(), len(x), x.size(1), x.shape[-1])

n = x.new_zeros(2, 2)
print("new_*", n.dtype == x.dtype, x.new_ones((1, 3)).tolist(), x.new_full((2,), 7).tolist(),
      x.new_tensor([1, 2]).dtype == torch.float32, x.new_empty(0, 3).shape, x.new_tensor([1, 2], dtype=torch.int64).dtype == torch.int64,
      torch.zeros_like(x, dtype=torch.int32).dtype == torch.int32, torch.full_like(x[0, 0], 3.5).tolist(),
      torch.empty_like(cl).stride(), torch.empty_strided((2, 3), (1, 2)).stride())

c = x.clone()
d = x.detach()
print("clone shares", c.data_ptr() == x.data_ptr(), "detach shares", d.data_ptr() == x.data_ptr())
d[0, 0, 0] = 100
print("write via detach", x[0, 0, 0].item(), c[0, 0, 0].item())
print("clone keeps layout", cl.clone().stride(), cl.clone(memory_format=torch.contiguous_format).stride())
print("same size", x.is_same_size(c), x.is_set_to(x), x.is_set_to(d), x[0].is_set_to(x))

v = torch.zeros(3)
print("version", v._version)
v.add_(1)
v[0] = 5
print("version after writes", v._version)
w = v.view(3)
w.mul_(2)
print("written through a view", v.tolist())
s = v.set_(torch.tensor([9.0, 8.0]))
print("set_", s is v, v.tolist(), v.shape)
r = torch.arange(6.0)
r.resize_(2, 2)
print("resize_ smaller", r.tolist(), r.shape)
r.resize_as_(torch.zeros(3))
print("resize_as_", r.tolist())
print("storage_offset after slicing twice", x[1][1:][0, 2:].storage_offset())
print("is_leaf", x.is_leaf, x[0].is_leaf, torch.ones(2, requires_grad=True)[0].is_leaf,
      "grad_fn", torch.ones(2, requires_grad=True).sum().grad_fn.name())
print("requires_grad_", torch.zeros(2).requires_grad_().requires_grad, "output_nr",
      torch.ones(2, requires_grad=True).output_nr)
