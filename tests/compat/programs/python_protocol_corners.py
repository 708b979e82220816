"""Tensors meeting plain Python: format specs on vectors and 0-d tensors, == against None/strings/lists,
arithmetic with lists, requires_grad on integer tensors and Parameters, dropout's identity in eval, deepcopy
of leaves with grads and of non-leaves, operator.index/math/range/slicing with 0-d tensors, sum/max/sorted/
zip/unpacking over tensors, truthiness, numpy interop, hashing, divmod, ~ and & on the wrong dtypes, @ with a
number, and in-place operators that cannot broadcast or cast back (int *= 2.5, int /= 2)."""

import _show
import torch
import copy
import math
import operator
import torch.nn as nn


def show(label, fn):
    """Print what fn returns, or the class PyTorch documents (a RuntimeError first) and the start of the
    message."""
    _show.show(label, fn, _show.RUNTIME_FIRST)


show("format vec", lambda: f"{torch.ones(2):.2f}")
show("format 1el", lambda: f"{torch.ones(1):.2f}")
show("format int spec", lambda: f"{torch.tensor(3):>5}")
show("format bool", lambda: f"{torch.tensor(True)}")
show("eq None", lambda: torch.ones(2) == None)  # noqa: E711
show("eq str", lambda: torch.ones(2) == "a")
show("ne None", lambda: torch.ones(2) != None)  # noqa: E711
show("eq list", lambda: torch.tensor([1, 2]) == [1, 3])
show("lt tuple", lambda: torch.tensor([1, 2]) < (2, 2))
show("add list", lambda: torch.tensor([1, 2]) + [1, 1])
show("radd list", lambda: [1, 1] + torch.tensor([1, 2]))
show("mul str", lambda: torch.tensor([1]) * "a")
show("int req grad", lambda: torch.tensor([1]).requires_grad_())
show("int param", lambda: nn.Parameter(torch.tensor([1])))
show("int param no grad", lambda: nn.Parameter(torch.tensor([1]), requires_grad=False))
show("tensor req grad int", lambda: torch.tensor([1], requires_grad=True))
show("zeros req grad int", lambda: torch.zeros(1, dtype=torch.int64, requires_grad=True))
show(
    "dropout eval same", lambda: (lambda t: nn.functional.dropout(t, 0.5, training=False) is t)(torch.ones(2))
)
show("deepcopy nonleaf", lambda: copy.deepcopy(torch.ones(2, requires_grad=True) * 2))
show(
    "deepcopy leaf",
    lambda: (lambda t: (t.grad, t.requires_grad))(
        copy.deepcopy(
            (lambda p: (setattr(p, "grad", torch.ones(1)), p)[1])(torch.ones(1, requires_grad=True))
        )
    ),
)
show("copy.copy", lambda: copy.copy(torch.ones(2)))
show("operator.index", lambda: operator.index(torch.tensor(3)))
show("operator.index float", lambda: operator.index(torch.tensor(3.0)))
show(
    "math funcs",
    lambda: (
        math.sqrt(torch.tensor(4.0)),
        math.floor(torch.tensor(2.7)),
        math.isclose(torch.tensor(1.0), 1.0),
    ),
)
show("range tensor", lambda: list(range(torch.tensor(3))))
show("slice by tensor", lambda: [0, 1, 2, 3][torch.tensor(1) : torch.tensor(3)])
show("tensor slice by tensor", lambda: torch.arange(5)[torch.tensor(1) : torch.tensor(3)])
show("sum python", lambda: sum([torch.tensor(1.0), torch.tensor(2.0)]))
show("max python", lambda: max(torch.tensor([3, 1, 2])))
show("sorted python", lambda: sorted(torch.tensor([3, 1, 2])))
show("zip unpack", lambda: [(a.item(), b.item()) for a, b in zip(*torch.tensor([[1, 2], [3, 4]]))])
show("unpack", lambda: (lambda a, b: (a, b))(*torch.tensor([1, 2])))
show("str in", lambda: "tensor" in str(torch.ones(1)))
show("any python", lambda: any(torch.tensor([0, 1])))
show("bool empty", lambda: bool(torch.tensor([])))
show("iter 2d", lambda: [r.shape for r in torch.ones(2, 3)])
show(
    "numpy interop",
    lambda: (
        __import__("numpy").asarray(torch.ones(2)).dtype,
        __import__("numpy").float32(2) * torch.ones(1),
    ),
)
show("np array times tensor", lambda: type(__import__("numpy").ones(2) * torch.ones(2)).__name__)
show("hash", lambda: hash(torch.ones(1)) == hash(torch.ones(1)))
show("set of tensors", lambda: len({torch.tensor(1), torch.tensor(1)}))
show("pow python base", lambda: 2.0 ** torch.tensor([1, 2]))
show("divmod", lambda: divmod(torch.tensor([7]), 2))
show("abs neg", lambda: (abs(torch.tensor([-1.5])), -torch.tensor([1]), +torch.tensor([1])))
show("invert bool", lambda: ~torch.tensor([True, False]))
show("invert float", lambda: ~torch.tensor([1.0]))
show("and float", lambda: torch.tensor([1.0]) & torch.tensor([1.0]))
show("matmul scalar", lambda: torch.ones(2) @ 2)
show("rmatmul list", lambda: [1.0, 2.0] @ torch.ones(2))
show("iadd broadcast fail", lambda: (lambda t: t.__iadd__(torch.ones(2, 2)))(torch.ones(2)))
show("iadd dtype fail", lambda: (lambda t: t.__iadd__(torch.ones(2)))(torch.ones(2, dtype=torch.int64)))
show("imul int by float", lambda: (lambda t: (t.__imul__(2.5), t)[1])(torch.ones(2, dtype=torch.int64)))
show("itruediv int", lambda: (lambda t: t.__itruediv__(2))(torch.ones(2, dtype=torch.int64)))
show("ifloordiv int", lambda: (lambda t: (t.__ifloordiv__(2), t)[1])(torch.full((2,), 5)))
show("setitem dtype", lambda: (lambda t: (t.__setitem__(0, 2.7), t)[1])(torch.zeros(2, dtype=torch.int64)))
show("setitem bad shape", lambda: (lambda t: t.__setitem__(slice(None), torch.ones(3)))(torch.zeros(2)))
