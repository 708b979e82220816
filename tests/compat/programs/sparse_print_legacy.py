"""How COO sparse tensors print and what the legacy constructors give: dtypes, integer and bool values,
hybrid (dense-dim) values, 3 sparse dims, many entries, grad_fn and requires_grad lines, the legacy
torch.sparse.FloatTensor/DoubleTensor/LongTensor forms, type() strings, and sparse tensors in
torch.save/torch.load and a module's buffers."""
import io
import warnings
import torch
torch.manual_seed(0)
warnings.filterwarnings("ignore", "Sparse invariant checks")
warnings.filterwarnings("ignore", ".*torch.sparse.*Tensor.*deprecated|.*legacy")
i = torch.tensor([[0, 1, 2], [2, 0, 1]])
print(torch.sparse_coo_tensor(i, torch.tensor([1, 2, 3]), (3, 3)))
print(torch.sparse_coo_tensor(i, torch.tensor([1.5, 2.0, -3.25], dtype=torch.float64), (3, 3)))
print(torch.sparse_coo_tensor(i, torch.tensor([True, False, True]), (3, 3)))
print(torch.sparse_coo_tensor(i, torch.randn(3, 2), (3, 3, 2)))
i3 = torch.tensor([[0, 1], [1, 0], [2, 2]])
print(torch.sparse_coo_tensor(i3, torch.tensor([7.0, 8.0]), (2, 2, 3)))
big = torch.randn(40, 40) * (torch.rand(40, 40) < 0.2)
bs = big.to_sparse()
print(bs)
print(bs._nnz(), bs.type(), bs.double().type(), bs.long().type() if hasattr(bs, "long") else None)
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
s = torch.sparse_coo_tensor(i, w * 2, (3, 3))
print(s)
print(torch.sparse_coo_tensor(i, torch.ones(3), (3, 3), requires_grad=True))
f = torch.sparse.FloatTensor(i, torch.tensor([1.0, 2.0, 3.0]), torch.Size([3, 3]))
print(f, f.dtype, f.type())
print(torch.sparse.FloatTensor(i, torch.tensor([1.0, 2.0, 3.0])).shape)
print(torch.sparse.DoubleTensor(i, torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), torch.Size([4, 4])).type())
print(isinstance(f, torch.sparse.FloatTensor), isinstance(f.to_dense(), torch.sparse.FloatTensor))
buf = io.BytesIO()
torch.save({"adj": f.coalesce(), "x": torch.arange(3)}, buf)
buf.seek(0)
ld = torch.load(buf)
print(ld["adj"], ld["adj"].is_sparse, ld["x"])
m = torch.nn.Module()
m.register_buffer("adj", f.coalesce())
print(list(m.state_dict()), m.state_dict()["adj"].is_sparse)
