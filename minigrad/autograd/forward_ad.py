"""Dual tensors for forward-mode differentiation, as ``torch.autograd.forward_ad``.

>>> with forward_ad.dual_level():
...     x = forward_ad.make_dual(primal, tangent)
...     y = f(x)
...     jvp = forward_ad.unpack_dual(y).tangent      # J_f(primal) @ tangent

PyTorch carries the tangent along with every op. minigrad has reverse-mode
formulas only, so a dual tensor is a tensor the graph records (a fresh leaf,
or a view of a primal that already requires grad), and :func:`unpack_dual`
computes J t when asked, by two reverse passes: u -> J^T u is linear in u, so
the gradient of <J^T u, t> with respect to u is J t (HIPS autograd's trick,
as :func:`minigrad.func.jvp`). A custom Function with a ``jvp`` gets its
outputs' tangents from it when applied (they join the level's duals, and the
reverse passes stop at its node), as PyTorch. The numbers are PyTorch's; what differs is that
a dual made from a tensor that needs no grad reports ``requires_grad=True``,
and that tangents need grad mode on where the dual tensors are used.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, NamedTuple

from minigrad.autograd.engine import grad as _grad
from minigrad.grad_mode import enable_grad, no_grad
from minigrad.tensor import Tensor

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual"]

#: one list per entered level, innermost last: (dual, tangent, primal already required grad)
_levels: list[list[tuple[Tensor, Tensor, bool]]] = []
#: per level, the tangents unpack_dual computed, by tensor id (the tensor kept so the id stays its own):
#: asking twice gives the same tangent object, as PyTorch's tangent stored on the tensor
_computed: list[dict[int, tuple[Tensor, Tensor | None]]] = []
#: per level, the nodes of custom Functions whose outputs got tangents from their jvp (by id)
_cuts: list[dict[int, object]] = []
#: while unpack_dual's reverse passes run: those nodes, which pass nothing back (function.py reads it)
_jvp_cut: set[int] = set()


class UnpackedDualTensor(NamedTuple):
    """``(primal, tangent)`` of a dual tensor; tangent is None for a tensor with no tangent."""

    primal: Any
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Open a new forward-AD level and return its index (0 for the outermost)."""
    _levels.append([])
    _computed.append({})
    _cuts.append({})
    return len(_levels) - 1


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the innermost level: its dual tensors lose their tangents.

    Raises:
        RuntimeError: no level is open, or ``level`` is not the innermost one.
    """
    if not _levels:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    if level is not None and level != len(_levels) - 1:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    _levels.pop()
    _computed.pop()
    _cuts.pop()


class dual_level:  # noqa: N801 - PyTorch's name
    """Context manager around :func:`enter_dual_level` / :func:`exit_dual_level`; ``as`` gives the level."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        exit_dual_level()


def _current(level: int | None) -> list[tuple[Tensor, Tensor, bool]] | None:
    if not _levels:
        return None
    return _levels[-1 if level is None else level]


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A dual tensor with ``tensor``'s values (shared memory) and ``tangent`` as its tangent.

    Raises:
        RuntimeError: no dual level is open, or the shapes differ.
        ValueError: the tangent is not floating point.
    """
    duals = _current(level)
    if duals is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError(f"make_dual(): expected Tensors, got {type(tensor).__name__} and "
                        f"{type(tangent).__name__}")
    if tangent.dtype.kind != "f":
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the "
                           f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
                           f"while the given forward gradient is of size {list(tangent.shape)}.")
    tracked = tensor.requires_grad
    with enable_grad():
        # a view keeps a primal's own reverse-mode graph; otherwise a fresh leaf for unpack_dual to aim at
        dual = tensor.view_as(tensor) if tracked else tensor.detach().requires_grad_(True)
    duals.append((dual, tangent, tracked))
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the tangent is J t, the Jacobian of ``tensor`` with respect to this
    level's dual tensors applied to their tangents (None when it depends on none of them)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"unpack_dual(): argument 'dual' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    duals = _current(level)
    if not duals or not tensor.requires_grad:
        return UnpackedDualTensor(tensor, None)
    tracked = any(keep for _, _, keep in duals)
    primal = tensor if tracked else tensor.detach()
    for dual, tangent, _ in duals:
        if dual is tensor:
            return UnpackedDualTensor(primal, tangent)
    cache = _computed[-1 if level is None else level]
    if id(tensor) not in cache:
        cache[id(tensor)] = (tensor, _tangent(tensor, duals, _cuts[-1 if level is None else level]))
    return UnpackedDualTensor(primal, cache[id(tensor)][1])


def _custom_jvp(jvp: Callable[..., Any], ctx: Any, args: tuple[Any, ...], result: Any) -> None:
    """(For :meth:`Function.apply`.) A custom Function that defines ``jvp`` gave ``result`` for ``args``:
    inside a dual level, its outputs' tangents are its jvp of its inputs' (zeros for a tensor without one)."""
    if not _levels:
        return
    tangents = [unpack_dual(a).tangent if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    tangents = [a.new_zeros(a.shape) if t is None and isinstance(a, Tensor) else t
                for a, t in zip(args, tangents)]
    saved, ctx._saved = ctx._saved, ctx._saved_forward  # (the jvp's ctx.saved_tensors)
    try:
        with no_grad():
            got = jvp(ctx, *tangents)
    finally:
        ctx._saved = saved
    outs, got = (result, got) if isinstance(result, tuple) else ((result,), (got,))
    tracked = any(keep for _, _, keep in _levels[-1])
    for o, t in zip(outs, got if isinstance(got, tuple) else (got,)):
        if isinstance(o, Tensor) and isinstance(t, Tensor) and o._ctx is not None:
            _levels[-1].append((o, t, tracked))
            node = getattr(o._ctx, "custom", o._ctx)
            _cuts[-1][id(node)] = node


def _tangent(tensor: Tensor, duals: list[tuple[Tensor, Tensor, bool]],
             cut: dict[int, object]) -> Tensor | None:
    with enable_grad():
        u = tensor.detach().new_zeros(tensor.shape).requires_grad_(True)
        _jvp_cut.update(cut)
        try:
            back = _grad([tensor], [d for d, _, _ in duals], [u], retain_graph=True, create_graph=True,
                         allow_unused=True)
        finally:
            _jvp_cut.difference_update(cut)
        pairs = [(b, t) for b, (_, t, _) in zip(back, duals, strict=True) if b is not None]
        if not pairs:
            return None
        live = [(b, t) for b, t in pairs if b.requires_grad]
        got = _grad([b for b, _ in live], [u], [t for _, t in live], allow_unused=True)[0] if live else None
    return got.detach() if got is not None else u.detach().new_zeros(u.shape)
