"""The tensor-creation cells of 2024-2026 course notebooks, printed as they show them: arange with float
steps (and its length), linspace/logspace with dtypes and bases, full/full_like/new_full with ints, bools and
floats, eye with two sizes and dtypes, tril/triu with negative and positive diagonals and the index
forms, *_like and new_* helpers keeping or changing dtype, empty shapes and their reductions, nested-list
promotion (bool/int/float), 0-d tensors, integer arithmetic wraparound, casts that truncate, element
sizes, heaviside/combinations/cartesian_prod, seeded draws with explicit dtypes, and a causal-mask
recipe built three ways. Seeded: every line agrees."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

r = torch.arange(0, 1, 0.1)
print(r, r.shape, r.dtype)
print(torch.arange(5, dtype=torch.float16), torch.arange(10, 0, -3), torch.arange(-1.0, 1.0, 0.5))
print(torch.linspace(0, 10, 5, dtype=torch.int64), torch.linspace(-1, 1, 4, dtype=torch.float64))
print(torch.linspace(3, 3, 1), torch.linspace(0, 1, 0).shape)
print(torch.logspace(0, 3, 4, base=2), torch.logspace(-2, 2, 5, dtype=torch.float64))
print(torch.full((2, 3), 7), torch.full((2,), True), torch.full((2, 2), 2, dtype=torch.float16))
print(torch.full((1, 2), 0.1).dtype, torch.full((1,), 3).dtype, torch.full((1,), False).dtype)
print(torch.eye(3, 4, dtype=torch.int32))
print(torch.eye(2, dtype=torch.bool))
print(torch.tril(torch.ones(3, 4), diagonal=-1))
print(torch.triu(torch.arange(12).view(3, 4), 1))
print(torch.tril_indices(3, 3, -1), torch.triu_indices(4, 3, 1))
print(torch.zeros_like(torch.arange(3), dtype=torch.float32), torch.full_like(torch.arange(3), 2.7))
print(torch.ones_like(torch.eye(2, dtype=torch.bool)), torch.rand_like(torch.ones(2, dtype=torch.float64)).dtype)
print(torch.ones(2, 3).new_full((2,), 3.5), torch.arange(3).new_tensor([1.5, 2.5]))
print(torch.arange(3).new_zeros(2, 2), torch.arange(3.).new_ones((1, 2), dtype=torch.int8))
print(torch.empty(0, 3), torch.empty(2, 0).sum(0), torch.zeros(0).mean(), torch.zeros(0, dtype=torch.long).sum())
print(torch.tensor([]), torch.tensor([[]]).shape, torch.tensor([], dtype=torch.long))
print(torch.tensor([1, 2.5, True]), torch.tensor([True, 1]), torch.tensor([[1, 2], [3, 4]], dtype=torch.uint8))
print(torch.tensor(3), torch.tensor(3.0), torch.tensor(-0.0), torch.tensor(float("nan")), torch.tensor(1e-10))
print(torch.tensor([1e10, 1.0]), torch.tensor([1e-5, 1.0, 100.]), torch.tensor([123456789.0]))
print(torch.tensor([0.1, 0.25], dtype=torch.float64), torch.tensor([1, 2], dtype=torch.float64))
print(torch.tensor([2**40, -3]), torch.tensor([1.5], dtype=torch.float16))
print(torch.randint(0, 10, (3,), dtype=torch.int32), torch.randint(5, (2, 2)))
print(torch.randn(2, 2, dtype=torch.float64))
print(torch.rand(3, requires_grad=True))
print(torch.randperm(5), torch.randperm(4, dtype=torch.int32))
t = torch.arange(6).reshape(2, 3)
print(t.T.contiguous().stride(), t.T.is_contiguous(), t.T.stride(), t.storage_offset(), t[1:].storage_offset())
print(torch.heaviside(torch.tensor([-1., 0., 2.]), torch.tensor(0.5)))
print(torch.combinations(torch.arange(4), 2).shape, torch.cartesian_prod(torch.arange(2), torch.arange(3))[:3])
print(torch.ones(2, 3, dtype=torch.int16) * 1.5, (torch.ones(2, dtype=torch.int8) * 200))
print(torch.ones(2, dtype=torch.uint8) - 3, torch.tensor([3], dtype=torch.int8) // -2)
print(torch.tensor([1.0, 2.0]).to(torch.int32), torch.tensor([-1.7, 1.7]).long(), torch.tensor([300.]).byte())
print(torch.ones(3).element_size(), torch.ones(3, dtype=torch.float64).nbytes, torch.ones(3).itemsize)

T = 5
mask1 = torch.tril(torch.ones(T, T)).bool()
mask2 = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1).logical_not()
mask3 = torch.arange(T)[:, None] >= torch.arange(T)[None, :]
print(torch.equal(mask1, mask2), torch.equal(mask2, mask3), mask3.sum(), mask3.dtype)
scores = torch.randn(T, T).masked_fill(~mask1, float("-inf"))
print(scores.softmax(-1)[2])
float_mask = torch.zeros(T, T).masked_fill(torch.triu(torch.ones(T, T), 1).bool(), float("-inf"))
print(float_mask)
