"""How tensors are laid out, as "Deep Learning with PyTorch" chapter 3 and blog posts on strides show it:
points.storage() printed and indexed, a storage write changing the tensor, storage_offset / stride /
size of rows, columns and transposes, contiguous() making a new storage, views sharing data_ptr with
their base, clone() not sharing, in-place zero_ through a view, reshape of non-contiguous tensors (a
copy), expand's zero strides, as_strided windows, and untyped_storage byte sizes."""

import torch

points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
print(points.storage())
points_storage = points.storage()
print("storage[0]", points_storage[0], "storage[1]", points.storage()[1], "len", len(points_storage))
points_storage[0] = 2.0
print("after storage write", points)
second_point = points[1]
print("offset", second_point.storage_offset(), "size", second_point.size(), "stride", points.stride(), second_point.stride())
second_point = points[1].clone()
second_point[0] = 10.0
print("clone leaves points", points[1])
points_t = points.t()
# (both wrappers held: the ids of two temporaries depend on whether the allocator reuses the first's memory)
storage_a, storage_b = points.storage(), points_t.storage()
print("t shares storage", id(storage_a) != id(storage_b), storage_a.data_ptr() == storage_b.data_ptr())
print("strides", points.stride(), points_t.stride(), "contiguous", points.is_contiguous(), points_t.is_contiguous())
points_t_cont = points_t.contiguous()
print(points_t_cont, points_t_cont.stride())
print(points_t_cont.storage())
print("new storage", points_t_cont.storage().data_ptr() != points.storage().data_ptr())

some_t = torch.ones(3, 4, 5)
transpose_t = some_t.transpose(0, 2)
print("3-d", some_t.shape, transpose_t.shape, some_t.stride(), transpose_t.stride())
col = points[:, 1]
print("column", col, col.stride(), col.storage_offset(), col.is_contiguous())
col.zero_()
print("zeroed through a view", points)
print("reshape copies", points_t.reshape(6), points_t.reshape(6).storage().data_ptr() != points.storage().data_ptr())
e = torch.tensor([1.0, 2.0, 3.0]).unsqueeze(1).expand(3, 4)
print("expand", e.stride(), e.storage().size(), e.is_contiguous())
win = torch.arange(10.0).as_strided((4, 3), (2, 1))
print("as_strided windows", win)
print("storage of a slice", torch.arange(10.0)[3:].storage().size(), torch.arange(10.0)[3:].storage_offset())
u = points.untyped_storage()
print("untyped bytes", u.nbytes(), len(u), points.element_size(), points.nbytes, torch.zeros(3, dtype=torch.float64).untyped_storage().nbytes())
print("int storage", torch.tensor([[1, 2], [3, 4]]).storage(), torch.tensor([True, False]).storage().tolist())
s = torch.zeros(2, 3).storage()
s.fill_(7.0)
print("fill_", s.tolist(), s.type(), s.size(), s.element_size())
