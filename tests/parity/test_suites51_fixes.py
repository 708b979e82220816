"""Regressions found by running other projects' PyTorch-based test suites under minigrad (kornia's filters,
color, losses and geometry tests, ...) and comparing with real torch: each test runs the same calls on both
libraries and compares values, or error classes (minigrad's error must be an instance of PyTorch's) and
words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, run_aliased

# ------------------------------------------------------------------ names kornia reads at import

def test_kornia_imports_dlpack_hub_regex_torch_torch_and_dynamo_backends() -> None:
    """kornia's import chain reads torch.utils.dlpack (kornia.image), torch.hub.HASH_REGEX (lightglue's
    ONNX download), annotations spelled ``torch.torch.Tensor`` (geometry.keypoints), and its conftest calls
    torch._dynamo.list_backends(): each stopped the import of kornia under the alias."""
    require_torch()
    import torch._dynamo
    import torch.hub
    import torch.utils.dlpack

    from minigrad import _dynamo, hub
    from minigrad.utils import dlpack

    assert hub.HASH_REGEX.pattern == torch.hub.HASH_REGEX.pattern
    assert hub.HASH_REGEX.search("resnet18-5c106cde.pth").group(1) == "5c106cde"
    assert _dynamo.list_backends() == torch._dynamo.list_backends()
    assert _dynamo.list_backends(None) == [n for n in torch._dynamo.list_backends(None) if "TESTING" not in n]
    assert dict(dlpack.DLDeviceType.__members__) == {k: int(v) for k, v in
                                                     torch.utils.dlpack.DLDeviceType.__members__.items()}
    a = mg.arange(6.0).reshape(2, 3)
    assert dlpack.from_dlpack(dlpack.to_dlpack(a)).tolist() == a.tolist()
    out = run_aliased("""
        import torch, torch.utils.dlpack, torch.hub
        from torch.hub import HASH_REGEX, download_url_to_file, get_dir
        print(torch.torch is torch, torch.torch.Tensor is torch.Tensor, torch.utils.dlpack.from_dlpack is
              torch.from_dlpack, torch._dynamo.list_backends())
    """)
    assert out == ["True", "True", "True", "['cudagraphs',", "'inductor',", "'openxla',", "'tvm']"]


# ------------------------------------------------------------------ gradcheck

def test_gradcheck_takes_an_expanded_input_whose_new_dims_have_size_one() -> None:
    """kornia's camera tests: gradcheck(project_points, (pts, torch.eye(3).expand(1, -1, -1))) failed with
    numpy's 'assignment destination is read-only'; PyTorch perturbs such an input (its memory is writable)
    and refuses only a dim of stride 0 with more than one element (its RuntimeError, checked first)."""
    torch = require_torch()
    def fn(p: Any, k: Any) -> Any:
        return (k @ p.unsqueeze(-1)).squeeze(-1) ** 2

    for lib in (torch, mg):
        p = lib.tensor([[1.0, 2.0, 3.0]], dtype=lib.float64, requires_grad=True)
        k = (lib.eye(3, dtype=lib.float64) * 2).expand(1, -1, -1).requires_grad_()
        assert lib.autograd.gradcheck(fn, (p, k))
        assert k.tolist() == [[[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]]  # restored exactly
    errors = []
    for lib in (torch, mg):
        x = lib.ones(3, dtype=lib.float64).expand(2, 3).requires_grad_()
        with pytest.raises(RuntimeError) as e:
            lib.autograd.gradcheck(lambda t: t * 2, (x,))
        errors.append(str(e.value))
    assert errors[0] == errors[1]


def test_gradcheck_ignores_outputs_that_do_not_require_grad() -> None:
    """kornia's otsu_threshold returns (image, threshold) where the threshold is read through .item() (no
    grad): PyTorch checks only the outputs that require grad, minigrad compared the threshold's
    non-zero numerical derivative with an analytical 0 and failed. With no output requiring grad, the
    numerical derivative must still be zero (PyTorch's GradcheckError)."""
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor([0.3, 0.9, 0.1, 0.5], dtype=lib.float64, requires_grad=True)
        def two(t: Any, lib: Any = lib) -> tuple[Any, Any]:
            return t * 2, lib.tensor([t.max().item()], dtype=lib.float64)

        assert lib.autograd.gradcheck(two, (x,))
        assert lib.autograd.gradcheck(lambda t: (t.detach() * 3, t.sin()), (x,))
        with pytest.raises(RuntimeError if lib is torch else mg.GradcheckError,
                           match="Numerical gradient for function expected to be zero"):
            lib.autograd.gradcheck(lambda t: t.detach() * 3, (x,))


# ------------------------------------------------------------------ in-place writes through views of views

def test_inplace_through_a_view_of_a_non_contiguous_view() -> None:
    """kornia's quaternion_to_axis_angle: ``a = torch.zeros_like(q)[..., :3]; a[..., 0] += q1 * k``. The
    written view's base ``a`` is itself a non-contiguous slice, and minigrad refused ('an in-place operation
    on a view of a non-contiguous tensor ... is not supported'); PyTorch's gradients flow to q."""
    torch = require_torch()

    def run(lib: Any) -> tuple[Any, ...]:
        q = lib.arange(16.0, dtype=lib.float64).reshape(4, 4).requires_grad_()
        a = lib.zeros_like(q)[..., :3]
        a[..., 0] += q[..., 1] * 2
        a[..., 2] += q[..., 3] * q[..., 0]
        v = a.t()[::2, 1:]  # a strided view of it, written again
        v[1] *= 3
        w = lib.linspace(-1.0, 1.0, 12, dtype=lib.float64).reshape(4, 3)
        (a * w).sum().backward()
        return a.detach().numpy().copy(), q.grad.numpy().copy()

    for theirs, ours in zip(run(torch), run(mg)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    q = mg.rand(3, 4, dtype=mg.float64, requires_grad=True)

    def f(q: mg.Tensor) -> mg.Tensor:
        a = mg.zeros_like(q)[:, 1:]
        a[:, 0] += q[:, 2].exp()
        a[:, 2] += q[:, 0] * q[:, 1]
        return a

    assert mg.autograd.gradcheck(f, (q,))


# ------------------------------------------------------------------ Tensor.to's device form

@pytest.mark.parametrize("args", [(None,), (None, None), ("float64",), (None, "float64"),
                                  (None, "float64", False, True), (None, "float64", True), ("cpu", None),
                                  ("cpu", None, True), (None, None, True), ("cpu", False), (None, False),
                                  (None, "cpu"), ("float64", True)])
def test_to_takes_none_as_the_device_of_its_device_form(args: tuple[Any, ...]) -> None:
    """kornia's Image.to calls ``data.to(device, dtype)`` with device None: PyTorch reads a None first
    argument as the device overload's (device=None, dtype=None, non_blocking, copy), whose second slot is
    the dtype (a bool or str there matches no overload); minigrad raised for (None, dtype)."""
    torch = require_torch()

    def run(lib: Any) -> Any:
        t = lib.ones(2)
        given = tuple(getattr(lib, a) if a == "float64" else a for a in args)
        try:
            r = t.to(*given)
        except TypeError as e:
            return str(e).splitlines()[0]
        return str(r.dtype).rpartition(".")[2], r is t

    assert run(mg) == run(torch)


# ------------------------------------------------------------------ triangular solves of singular matrices

def test_solve_triangular_and_lu_solve_of_a_singular_matrix_give_inf_and_nan() -> None:
    """kornia's safe_solve_with_mask (lu_factor_ex, then lu_solve whatever info says), find_essential and
    RANSAC: PyTorch's triangular solves substitute (BLAS trsm) and give inf/nan for a zero on the diagonal,
    where minigrad raised linalg.solve's LinAlgError. Non-singular batches, left=False, unitriangular and
    the gradients stay as they were (compared with PyTorch)."""
    torch = require_torch()
    u = [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    forms: list[dict[str, bool]] = [{"upper": True}, {"upper": True, "left": False}, {"upper": False},
                                    {"upper": True, "unitriangular": True}]
    for kw in forms:
        got = []
        for lib in (torch, mg):
            a = lib.tensor(u if kw["upper"] else np.transpose(u).tolist())
            b = lib.ones(3, 1) if kw.get("left", True) else lib.ones(1, 3)
            got.append(lib.linalg.solve_triangular(a, b, **kw).flatten().tolist())
        np.testing.assert_array_equal(got[1], got[0])
    got = []
    for lib in (torch, mg):
        lu, piv, info = lib.linalg.lu_factor_ex(lib.ones(2, 3, 3))
        got.append((info.tolist(), lib.linalg.lu_solve(lu, piv, lib.ones(2, 3, 1)).flatten().tolist()))
    assert got[1][0] == got[0][0]
    np.testing.assert_array_equal(got[1][1], got[0][1])
    rng = np.random.default_rng(0)
    a0 = np.triu(rng.standard_normal((2, 4, 4))) + 3 * np.eye(4)
    b0 = rng.standard_normal((4, 2))
    grads = []
    for lib in (torch, mg):
        a, b = lib.tensor(a0, requires_grad=True), lib.tensor(b0, requires_grad=True)
        x = lib.linalg.solve_triangular(a, b, upper=True)
        y = lib.linalg.solve_triangular(a, b.mT, upper=True, left=False)
        ((x * x).sum() + y.sin().sum()).backward()
        grads.append((x.detach().numpy(), a.grad.numpy(), b.grad.numpy(), type(x.grad_fn).__name__))
    for theirs, ours in zip(*grads):
        if isinstance(theirs, str):
            assert ours == theirs
        else:
            np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    a = mg.tensor(np.tril(rng.standard_normal((3, 3))) + 2 * np.eye(3), requires_grad=True)
    assert mg.autograd.gradcheck(lambda m: mg.linalg.solve_triangular(m, mg.ones(3, 2, dtype=mg.float64),
                                                                      upper=False), (a,))
