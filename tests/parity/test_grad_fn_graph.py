"""grad_fn.next_functions walks the graph as PyTorch's does (the 60-minute blitz prints it)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn
from tests.helpers import require_torch


def _chain(fn: Any) -> list[str]:
    """The names met following each node's first input made by an op (else its first leaf)."""
    names = []
    while fn is not None:
        names.append(fn.name())
        nxt = [f for f, _ in fn.next_functions if f is not None]
        ops = [f for f in nxt if f.name() != "torch::autograd::AccumulateGrad"]
        fn = (ops or nxt or [None])[0]
    return names


def _model(lib: Any) -> Any:
    return lib.Sequential(lib.Linear(4, 3), lib.ReLU(), lib.Linear(3, 2))


def test_next_functions_follow_the_graph_as_in_pytorch() -> None:
    torch = require_torch()
    ours, theirs = _model(nn), _model(torch.nn)
    x = mg.randn(7, 4)
    loss = nn.functional.mse_loss(ours(x), mg.zeros(7, 2))
    tloss = torch.nn.functional.mse_loss(theirs(torch.tensor(x.numpy())), torch.zeros(7, 2))
    # PyTorch's MSELoss is one node; ours is composed (its chain starts with the mean of squares)
    assert _chain(loss.grad_fn)[-5:] == _chain(tloss.grad_fn)[-5:] == [
        "AddmmBackward0", "ReluBackward0", "AddmmBackward0", "TBackward0", "torch::autograd::AccumulateGrad"]


def test_next_functions_entries() -> None:
    torch = require_torch()
    w, b = mg.randn(5, 3, requires_grad=True), mg.randn(3, requires_grad=True)
    tw, tb = torch.randn(5, 3, requires_grad=True), torch.randn(3, requires_grad=True)
    z, tz = mg.ones(5) @ w + b, torch.ones(5) @ tw + tb
    entries = z.grad_fn.next_functions
    tentries = tz.grad_fn.next_functions
    assert len(entries) == len(tentries) == 2
    assert [i for _, i in entries] == [i for _, i in tentries] == [0, 0]
    assert entries[1][0].name() == tentries[1][0].name() == "torch::autograd::AccumulateGrad"
    assert entries[1][0].variable is b and tentries[1][0].variable is tb
    assert entries[1][0].next_functions == tentries[1][0].next_functions == ()
    # an input that does not require grad has no node
    y, ty = w * mg.ones(5, 3), tw * torch.ones(5, 3)
    missing = [f is None for f, _ in y.grad_fn.next_functions]
    assert missing == [f is None for f, _ in ty.grad_fn.next_functions] == [False, True]


def test_view_nodes_named_as_pytorch_names_them() -> None:
    torch = require_torch()
    a, ta = mg.randn(2, 3, requires_grad=True), torch.randn(2, 3, requires_grad=True)
    for f in (lambda x: x.T, lambda x: x.t(), lambda x: x.mT, lambda x: x.transpose(0, 1),
              lambda x: x.permute(1, 0), lambda x: x.swapaxes(0, 1)):
        assert f(a).grad_fn.name() == f(ta).grad_fn.name()


def test_shape_ops_and_rnn_results_named_as_pytorch_names_them() -> None:
    """squeeze's three overloads, unsqueeze, stack, split/chunk, unbind, and the recurrent layers'
    outputs and final states (what printing an LSTM's result shows, as the sequence models tutorial does)."""
    torch = require_torch()

    def names(lib: Any) -> list[str]:
        a = lib.ones(2, 1, 3, requires_grad=True)
        b = lib.ones(3, requires_grad=True)
        made = [a.squeeze(1), a.squeeze(), a.squeeze((0, 1)), b.unsqueeze(0), lib.stack([b, b], 1),
                b.chunk(3)[0], lib.split(b, 2)[1], b.unbind()[2]]
        for rnn in (lib.nn.LSTM(3, 2), lib.nn.GRU(3, 2), lib.nn.RNN(3, 2, num_layers=2),
                    lib.nn.LSTM(3, 2, bidirectional=True), lib.nn.LSTM(3, 2, batch_first=True)):
            out, h = rnn(lib.ones(4, 2, 3))
            made += [out, h if isinstance(h, lib.Tensor) else h[1], rnn(lib.ones(4, 3))[0]]
        return [t.grad_fn.name() for t in made]

    assert names(mg) == names(torch)


def test_matrix_product_nodes_named_as_pytorch_names_them() -> None:
    """bmm / baddbmm / addbmm, and matmul with a 1-D operand (dot, mv, a squeezed or viewed product), as
    d2l's printed attention outputs show them."""
    torch = require_torch()

    def names(lib: Any) -> list[str]:
        a, m = lib.ones(3, requires_grad=True), lib.ones(3, 4, requires_grad=True)
        b, c = lib.ones(2, 4, 3, requires_grad=True), lib.ones(2, 3, 4, requires_grad=True)
        made = [lib.bmm(c, b), c.bmm(b), lib.baddbmm(lib.zeros(3, 3), c, b, beta=0.5),
                lib.addbmm(lib.zeros(3, 3), c, b), a @ a, m.T @ a, lib.mv(m.T, a), a @ m, b @ a, a @ c, c @ b,
                m @ m.T]
        return [t.grad_fn.name() for t in made]

    assert names(mg) == names(torch)


def test_composed_losses_list_their_inputs_as_next_functions() -> None:
    """The blitz prints loss.grad_fn.next_functions[0][0] (AddmmBackward0 under MseLossBackward0):
    a loss minigrad composes lists its own inputs there, as PyTorch's single op does, also after backward."""
    torch = require_torch()

    def walk(lib: Any) -> list[Any]:
        fn = lib.nn.functional
        x = lib.ones(3, 4, requires_grad=True)
        out = lib.nn.Linear(4, 3)(x)
        target = lib.tensor([0, 1, 2])
        ones = lib.ones(3, 3)
        losses = [fn.mse_loss(out, ones), fn.mse_loss(out, x[:, :3]), fn.cross_entropy(out, target),
                  fn.nll_loss(out.log_softmax(1), target), fn.binary_cross_entropy_with_logits(out, ones),
                  lib.nn.MSELoss()(out, lib.zeros(3, 3))]
        seen = [[(f.name() if f is not None else None, i) for f, i in loss.grad_fn.next_functions]
                for loss in losses]
        chain = losses[0].grad_fn.next_functions[0][0]
        deeper = chain.next_functions[0][0].name()
        losses[0].backward()
        return [*seen, chain.name(), deeper, losses[0].grad_fn.next_functions[0][0].name()]

    assert walk(mg) == walk(torch)


def test_retains_grad_is_pytorchs() -> None:
    """False for leaves and for non-leaves until retain_grad(); True after it."""
    torch = require_torch()
    seen = []
    for lib in (mg, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        before = (x.retains_grad, y.retains_grad)
        y.retain_grad()
        seen.append((*before, y.retains_grad, (y * 3).retains_grad))
    assert seen[0] == seen[1] == (False, False, True, False)


def test_round_nodes_named_by_overload_as_pytorch_names_them() -> None:
    """round() is RoundBackward0; with decimals given (0 too) it is the overload RoundBackward1."""
    torch = require_torch()

    def names(lib: Any) -> list[str]:
        x = lib.tensor([1.26, -0.5], requires_grad=True)
        made = [x.round(), x.round(decimals=0), lib.round(x, decimals=2), lib.round(x)]
        return [t.grad_fn.name() for t in made]

    want = ["RoundBackward0", "RoundBackward1", "RoundBackward1", "RoundBackward0"]
    assert names(mg) == names(torch) == want


def test_rsqrt_is_one_node_with_pytorchs_edge_gradients() -> None:
    """rsqrt records RsqrtBackward0 (one op, as RMSNorm uses it) whose gradient comes from the result:
    -0.0 gives +inf there, and a second derivative matches too."""
    torch = require_torch()

    def run(lib: Any) -> tuple[str, list[float], list[float]]:
        x = lib.tensor([4.0, 0.0, -0.0, -1.0, 0.25], dtype=lib.float64, requires_grad=True)
        y = x.rsqrt()
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (g2,) = lib.autograd.grad(g[[0, 4]].sum(), x)
        return y.grad_fn.name(), g.tolist(), g2.tolist()

    ours, theirs = run(mg), run(torch)
    assert ours[0] == theirs[0] == "RsqrtBackward0"
    for a, b in zip(ours[1:], theirs[1:]):
        np.testing.assert_array_equal(a, b)  # (nan where PyTorch has nan)


def test_composed_ops_named_as_pytorch_names_them() -> None:
    # print(x.norm()), print(x.std())... show grad_fn=<...>: PyTorch's one op's name, not our last primitive's
    torch = require_torch()
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    f = "nn.functional."
    cases = [
        "t.norm()", "t.norm(p=1)", "t.norm(p=float('inf'))", "t.norm(3, dim=1)", "lib.linalg.vector_norm(t)",
        "lib.dist(t, t.flip(0))", "t.std()", "lib.std(t, 0)", "t.logsumexp(1)", "(t * 1).squeeze()",
        "t.repeat(1, 2)", "t.tile(2)", "t.flip(0)", "t.roll(1)", "t.roll(1, 1)", "t.tril()", "t.triu(1)",
        "t[:, :3].trace()", "t.sort(1).values", "t.topk(2).values", "t.kthvalue(2, 1).values",
        "t.median(1).values", "t.mode(1).values", "2 ** t", "t.prod(1)", "t.cumprod(1)", "t.logcumsumexp(1)",
        "t.reciprocal()", "lib.addcmul(t, t, t)", "lib.addcdiv(t, t, t + 3)",
        "t.index_select(0, lib.tensor([0, 2]))", "t.take(lib.tensor([1]))", "t.masked_select(t > 0)",
        f"lib.{f}pad(t, (1, 1))", "lib.cdist(t, t)", f"lib.{f}soft_margin_loss(t, lib.ones(3, 4))",
        f"lib.{f}multi_margin_loss(t, lib.tensor([0, 1, 2]))",
        f"lib.{f}multilabel_margin_loss(t, lib.tensor([[0, 1, -1, 0]] * 3))",
        "lib.std_mean(t)[0]", "lib.std_mean(t, 1)[1]", "lib.var_mean(t)[0]", "lib.var_mean(t, 0)[1]",
        "lib.aminmax(t).min", "lib.aminmax(t, dim=1).max", "t.cummax(1).values", "t.cummin(0).values",
        "t.nansum()", "t.frac()", "t.sigmoid().logit()", "t.sinc()",
        "t[0].diag()", "t[0].diag(-1)", "lib.diag_embed(t)", "lib.diag_embed(t, 1, 0, 2)",
        "t.repeat_interleave(2)", "t.repeat_interleave(2, 1)", "t.repeat_interleave(lib.tensor(2), 0)",
        "t.repeat_interleave(lib.tensor([1, 0, 2]), 0)",
        f"lib.{f}cross_entropy(t, t.detach().softmax(1))", f"lib.{f}cross_entropy(t, t.detach().softmax(1), "
        "reduction='sum')", f"lib.{f}cross_entropy(t, t.detach().softmax(1), reduction='none')",
        f"lib.{f}cross_entropy(t, t.detach().softmax(1), weight=lib.ones(4), label_smoothing=0.1)",
        f"lib.{f}cross_entropy(t.reshape(1, 4, 3, 1), lib.tensor([[[0], [3], [1]]]))",
        f"lib.{f}cross_entropy(t.reshape(1, 4, 3, 1), lib.tensor([[[0], [3], [1]]]), reduction='none')",
        f"lib.{f}cross_entropy(t.reshape(1, 4, 3), lib.tensor([[0, 3, 1]]), weight=lib.ones(4), "
        "ignore_index=3)",
        f"lib.{f}nll_loss(t.reshape(1, 4, 3), lib.tensor([[0, 3, 1]]), reduction='sum')",
        f"lib.{f}nll_loss(t.reshape(1, 4, 3), lib.tensor([[0, 3, 1]]), reduction='none')",
        f"lib.{f}nll_loss(t.reshape(1, 4, 1, 3, 1), lib.tensor([[[[0], [3], [1]]]]), ignore_index=0)",
        "lib.linalg.svd(t).U", "lib.linalg.svd(t, full_matrices=False).S", "lib.linalg.svdvals(t)",
        "lib.svd(t).V", "lib.linalg.qr(t.mT).Q", "lib.linalg.qr(t.mT).R", "lib.linalg.qr(t, mode='r').R",
        "lib.linalg.eigh(t @ t.mT).eigenvalues", "lib.linalg.eigh(t @ t.mT).eigenvectors",
        "lib.linalg.eigvalsh(t @ t.mT)", "lib.linalg.slogdet(t @ t.mT)[1]", "lib.slogdet(t @ t.mT).sign",
        "lib.linalg.lu(t).L", "lib.linalg.lu(t).U", "lib.linalg.lu_factor(t).LU",
        "lib.linalg.lstsq(t.mT, t[0]).solution", "lib.linalg.matrix_exp(t[:, :3] / 4)",
        "lib.linalg.solve_triangular(t[:, :3].triu() + 3 * lib.eye(3), t, upper=True)",
        "lib.linalg.lu_solve(*lib.linalg.lu_factor(t @ t.mT), t)",
        "lib.linalg.cholesky(t @ t.mT + lib.eye(3), upper=True)",
        "lib.cholesky_solve(t, lib.linalg.cholesky(t @ t.mT + lib.eye(3)))",
        "lib.cholesky_inverse(lib.linalg.cholesky(t @ t.mT + lib.eye(3)))",
        "lib.linalg.cross(t[:, :3], t[:, 1:])",
        "lib.cross(t[:, :3], t[:, 1:], dim=1)",
        "lib.linalg.matrix_norm(t, 2)", "lib.linalg.matrix_norm(t, -2)",
        "lib.linalg.matrix_norm(t, 2, keepdim=True)",
        "lib.linalg.matrix_norm(t, 'nuc', keepdim=True)", "lib.linalg.matrix_norm(t, 1)",
        "lib.linalg.matrix_norm(t, -float('inf'))", "lib.linalg.norm(t, 2)",
    ]
    for case in cases:
        ours = eval(case, {"t": mg.tensor(a, requires_grad=True), "lib": mg}).grad_fn.name()
        theirs = eval(case, {"t": torch.tensor(a, requires_grad=True), "lib": torch}).grad_fn.name()
        assert ours == theirs, (case, ours, theirs)


def test_t_of_a_vector_is_a_new_view_as_in_pytorch() -> None:
    # x.t() of a 0-d or 1-D tensor is a TBackward0 view (no leaf, not x itself), as PyTorch's
    torch = require_torch()
    for lib in (mg, torch):
        for x in (lib.tensor([1.0, 2.0], requires_grad=True), lib.tensor(3.0, requires_grad=True)):
            y = x.t()
            assert y is not x and not y.is_leaf and y.grad_fn.name() == "TBackward0" and y._base is x
            (y * 2).sum().backward()
            assert x.grad.tolist() == ([2.0, 2.0] if x.ndim else 2.0)
        plain = lib.zeros(3)
        plain.t()[1] = 5.0
        assert plain.tolist() == [0.0, 5.0, 0.0] and plain.t() is not plain


def test_copy_slices_named_as_pytorch() -> None:
    # (progs15) an in-place op through a view: grad_fn.name() is PyTorch's torch::autograd::CopySlices (was
    # CopySlices), while the reprs show the class name
    torch = require_torch()
    for lib in (mg, torch):
        x = lib.ones(3, requires_grad=True)
        h = x * 2
        h[0].mul_(2)
        assert h.grad_fn.name() == "torch::autograd::CopySlices"
        assert repr(h).endswith("grad_fn=<CopySlices>)")
        assert repr(h.grad_fn).startswith("<CopySlices object at")
        assert h.grad_fn.next_functions[0][0].name() == "MulBackward0"


def test_deprecated_cholesky_named_as_pytorch() -> None:
    torch = require_torch()
    a = np.array([[4.0, 1.0], [1.0, 3.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = mg.cholesky(mg.tensor(a, requires_grad=True), upper=True).grad_fn.name()
        theirs = torch.cholesky(torch.tensor(a, requires_grad=True), upper=True).grad_fn.name()
    assert ours == theirs == "CholeskyBackward0"


def test_layer_functionals_named_as_pytorch_names_them() -> None:
    # (progs15) print(out) shows PyTorch's one op for these functionals (were the last primitive's name)
    torch = require_torch()
    rng = np.random.default_rng(1)
    img = rng.standard_normal((2, 4, 4, 5)).astype(np.float32)
    mat = rng.standard_normal((4, 5)).astype(np.float32)
    f = "nn.functional."
    cases = [
        f"lib.{f}interpolate(x, scale_factor=2)", f"lib.{f}interpolate(x, size=(3, 7), mode='bilinear')",
        f"lib.{f}interpolate(x, scale_factor=1.5, mode='bicubic', align_corners=True)",
        f"lib.{f}interpolate(x, scale_factor=2, mode='nearest-exact')",
        f"lib.{f}interpolate(x, scale_factor=0.5, mode='bilinear', antialias=True)",
        f"lib.{f}interpolate(x[0], scale_factor=2, mode='linear')",
        f"lib.{f}interpolate(x, size=(2, 2), mode='area')", f"lib.{f}adaptive_avg_pool2d(x, 1)",
        f"lib.{f}adaptive_avg_pool2d(x, (2, 3))", f"lib.{f}adaptive_avg_pool1d(x[0], 2)",
        f"lib.{f}adaptive_max_pool2d(x, 2)", f"lib.{f}adaptive_max_pool1d(x[0], 2)",
        f"lib.{f}conv_transpose2d(x, lib.ones(4, 2, 3, 3))",
        f"lib.{f}conv_transpose1d(x[0], lib.ones(4, 2, 3))",
        f"lib.{f}unfold(x, 2)", f"lib.{f}fold(lib.{f}unfold(x, 2), (4, 5), 2)", "x[0, 0].unfold(1, 2, 1)",
        f"lib.{f}grid_sample(x, x[:, :2].permute(0, 2, 3, 1).tanh(), align_corners=False)",
        f"lib.{f}affine_grid(m[:2, :3].reshape(1, 2, 3), (1, 1, 3, 4), align_corners=False)",
        f"lib.{f}pdist(m)", f"lib.{f}pairwise_distance(m, m.flip(0))",
        f"lib.{f}embedding_bag(lib.tensor([[0, 1], [2, 3]]), m)", f"lib.{f}channel_shuffle(x, 2)",
        f"lib.{f}rrelu(m)", "m.nan_to_num()",
        "lib.zeros(4, 5).scatter(1, lib.tensor([[0], [1], [2], [3]]), m)",
        "m.scatter(1, lib.tensor([[0], [1], [2], [3]]), 2.0)", "m.clamp_min(0.1)", "m.clamp_max(m.flip(0))",
        "m.clamp(min=lib.zeros(5))", "lib.logaddexp(m, m.flip(0))", "lib.logaddexp2(m, m)",
    ]
    for case in cases:
        names = []
        for lib in (mg, torch):
            x, m = lib.tensor(img, requires_grad=True), lib.tensor(mat, requires_grad=True)
            scope = {"x": x, "m": m, "lib": lib}
            names.append(eval(case, scope).grad_fn.name())
        assert names[0] == names[1], (case, *names)
