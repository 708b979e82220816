"""How NaN and infinities travel through sorting and selection (sort/argsort/topk/max/min/median/quantile/
cummax/unique with NaNs, fmax versus maximum, clamp), softmax/logsumexp at -inf, then the argument forms
scripts ported from older code use: alpha= on add/sub (and its integer error), out= (resized, the wrong
dtype), masked_fill with non-bool masks and tensor values, index_select with int32 and 2-d indices, the
deprecated scatter reduce=, nonzero(as_tuple)/argwhere/isin, finfo/iinfo reprs, numpy() of a tensor that
requires grad, item() types, integer corners of abs/neg/sqrt/sigmoid/prod/std, and norm variants."""

import _show
import torch


def show(label, fn):
    """Print what fn returns, or the class PyTorch documents (a RuntimeError first) and the start of the
    message."""
    _show.show(label, fn, _show.RUNTIME_FIRST)


n = torch.tensor([3.0, float("nan"), 1.0, float("-inf"), 2.0, float("nan")])
show("sort nan", lambda: torch.sort(n))
show("sort nan desc", lambda: torch.sort(n, descending=True))
show("argsort nan", lambda: torch.argsort(n, descending=True, stable=True))
show("topk nan", lambda: torch.topk(n, 2))
show("topk nan small", lambda: torch.topk(n, 2, largest=False))
show("max nan dim", lambda: n.view(2, 3).max(dim=1))
show("min nan", lambda: n.min())
show("maximum nan", lambda: torch.maximum(n, torch.zeros(6)))
show("fmax", lambda: torch.fmax(n, torch.zeros(6)))
show("clamp nan", lambda: n.clamp(0, 2))
show("unique nan", lambda: torch.unique(n))
show("sort bool", lambda: torch.sort(torch.tensor([True, False, True])))
show("sort int desc", lambda: torch.sort(torch.tensor([[3, 1], [2, 2]]), dim=0, descending=True))
show("msort", lambda: torch.msort(torch.tensor([[3, 1], [2, 2]])))
show(
    "kthvalue dim", lambda: torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]).kthvalue(2, dim=1, keepdim=True)
)
show("median nan", lambda: torch.median(n))
show("nanmedian dim", lambda: torch.nanmedian(n.view(2, 3), dim=1))
show("nanquantile", lambda: torch.nanquantile(n[:5], 0.5))
show("quantile nan", lambda: torch.quantile(n, 0.5))
show("cummax nan", lambda: torch.cummax(n, 0))
show("logsumexp inf", lambda: torch.logsumexp(torch.tensor([float("-inf"), float("-inf")]), 0))
show("softmax inf", lambda: torch.softmax(torch.tensor([float("-inf"), float("-inf")]), 0))
show("log_softmax big", lambda: torch.log_softmax(torch.tensor([1000.0, 0.0]), 0))
show("add alpha", lambda: torch.add(torch.ones(2), torch.ones(2), alpha=3))
show("sub alpha", lambda: torch.ones(2).sub(torch.ones(2), alpha=0.5))
show("add_ alpha ret", lambda: (lambda t: t.add_(torch.ones(2), alpha=2) is t)(torch.zeros(2)))
show("add int alpha float", lambda: torch.add(torch.tensor([1]), torch.tensor([1]), alpha=0.5))
show("out=", lambda: (lambda o: (torch.add(torch.ones(2), 1, out=o), o))(torch.empty(2))[1])
show("out= resize", lambda: (lambda o: (torch.mul(torch.ones(3), 2, out=o), o.shape))(torch.empty(0))[1])
show("out= dtype", lambda: (lambda o: torch.add(torch.ones(2), 1, out=o))(torch.empty(2, dtype=torch.int64)))
show("sum out", lambda: (lambda o: (torch.sum(torch.ones(2, 3), 1, out=o), o))(torch.empty(2))[1])
show(
    "matmul out",
    lambda: (lambda o: (torch.matmul(torch.ones(2, 2), torch.ones(2, 2), out=o), o))(torch.empty(2, 2))[1],
)
show("cat out", lambda: (lambda o: (torch.cat([torch.ones(1), torch.zeros(1)], out=o), o))(torch.empty(2))[1])
show("masked_fill int mask", lambda: torch.ones(2).masked_fill(torch.tensor([1, 0]), 0.0))
show(
    "masked_fill tensor val",
    lambda: torch.ones(2).masked_fill(torch.tensor([True, False]), torch.tensor(5.0)),
)
show(
    "masked_fill bad val",
    lambda: torch.ones(2).masked_fill(torch.tensor([True, False]), torch.tensor([5.0, 6.0])),
)
show("index_select int32", lambda: torch.arange(5.0).index_select(0, torch.tensor([4, 0], dtype=torch.int32)))
show("index_select 2d idx", lambda: torch.arange(5.0).index_select(0, torch.tensor([[1]])))
show(
    "scatter_ reduce",
    lambda: torch.zeros(3).scatter_(0, torch.tensor([0, 0]), torch.tensor([1.0, 2.0]), reduce="add"),
)
show("scatter value", lambda: torch.zeros(3).scatter(0, torch.tensor([2]), 7.0))
show("nonzero tuple", lambda: torch.nonzero(torch.tensor([[0, 1], [1, 1]]), as_tuple=True))
show("argwhere", lambda: torch.argwhere(torch.tensor([[0, 1], [1, 1]])))
show("isin", lambda: torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]), invert=True))
show("finfo repr", lambda: repr(torch.finfo(torch.float16)))
show("iinfo repr", lambda: repr(torch.iinfo(torch.int8)))
show("tensor.T 3d", lambda: torch.ones(2, 3, 4).T.shape)
show("mH", lambda: torch.ones(2, 3).mH.shape)
show("H", lambda: torch.ones(2, 3).H.shape)
show("numpy grad", lambda: torch.ones(2, requires_grad=True).numpy())
show("numpy force", lambda: torch.ones(2, requires_grad=True).numpy(force=True))
show(
    "tolist 0d",
    lambda: (
        torch.tensor(2).tolist(),
        torch.tensor([True]).tolist(),
        torch.tensor([1.5], dtype=torch.float16).tolist(),
    ),
)
show(
    "item types",
    lambda: (
        type(torch.tensor(2).item()).__name__,
        type(torch.tensor(True).item()).__name__,
        type(torch.tensor(2, dtype=torch.uint8).item()).__name__,
    ),
)
show("sign/sgn", lambda: (torch.sign(torch.tensor([-2.0, 0.0, 3.0])), torch.sgn(torch.tensor([-2, 0, 3]))))
show("abs int min", lambda: torch.abs(torch.tensor([-128], dtype=torch.int8)))
show("neg uint8", lambda: -torch.tensor([1], dtype=torch.uint8))
show("div uint8", lambda: torch.tensor([7], dtype=torch.uint8) // 2)
show("sqrt int", lambda: torch.sqrt(torch.tensor([4])))
show("exp int32", lambda: torch.exp(torch.tensor([1], dtype=torch.int32)).dtype)
show("sigmoid int", lambda: torch.sigmoid(torch.tensor([0])))
show("mean bool", lambda: torch.tensor([True]).float().mean())
show("prod bool", lambda: torch.tensor([True, True]).prod())
show("cumprod bool", lambda: torch.tensor([True, True]).cumprod(0))
show("std int", lambda: torch.tensor([1, 2]).std())
show("var dim list", lambda: torch.ones(2, 3, 4).var(dim=[0, 2]).shape)
show(
    "norm p",
    lambda: (
        torch.tensor([3.0, 4.0]).norm(p=1),
        torch.tensor([3.0, 4.0]).norm(p=float("inf")),
        torch.tensor([[3.0, 4.0]]).norm(dim=1, p=0),
    ),
)
show(
    "linalg.norm ord",
    lambda: (
        torch.linalg.norm(torch.eye(2), ord="fro"),
        torch.linalg.norm(torch.eye(2), ord=2),
        torch.linalg.vector_norm(torch.ones(3), ord=3),
    ),
)
show("matrix_norm nuc", lambda: torch.linalg.matrix_norm(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), ord="nuc"))
show("dist", lambda: torch.dist(torch.ones(3), torch.zeros(3), p=3))
