"""Finite-difference checks of analytical gradients (first and second order).

``torch.autograd.gradcheck`` lives here as in PyTorch, and is re-exported as
``mg.gradcheck``. ``mg.gradcheck(fn, inputs)`` checks the gradients of ``fn(*inputs)`` with
respect to every input that requires grad. A layer's own parameters are
checked too when ``fn`` is a Module (``mg.gradcheck(layer, x)``) or when
``check_params`` names them (``True`` finds every leaf requiring grad that the
function's graph reaches besides the inputs).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from minigrad._kernels import writable_alias
from minigrad.autograd.engine import grad as _grad
from minigrad.errors import GradcheckError, InvalidParameterError
from minigrad.tensor import Array, Tensor, from_numpy, stack

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]

ParamSpec = bool | Mapping[str, Tensor] | Iterable[Tensor] | None


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(out: Any) -> list[Tensor]:
    outs = _as_tuple(out)  # (no float output: nothing to check, True as in PyTorch)
    bad = next((o for o in outs if not isinstance(o, Tensor)), None)
    if bad is not None:  # PyTorch fails here too (an AttributeError)
        raise InvalidParameterError(f"gradcheck: fn returned a {type(bad).__name__}, not a floating-point "
                                    "Tensor")
    return [o for o in outs if o.dtype.kind == "f"]


def _analytical(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int],
                nondet_tol: float) -> tuple[list[Array], Array]:
    """Jacobians d(all outputs, flattened)/d(input i), one backward per output element, and per row
    whether its output requires grad (PyTorch checks only those outputs, when there is one).

    The first row is computed twice: backward must give the same values again (within
    ``nondet_tol``), as PyTorch's reentrancy check.

    Raises:
        GradcheckError: the repeated backward differs (PyTorch's message).
    """
    outputs = _float_outputs(fn(*inputs))
    n_out = sum(o.numel() for o in outputs)
    jac = [np.zeros((n_out, inputs[i].numel())) for i in diff]
    row = 0
    checked = False
    for o in outputs:
        for j in range(o.numel()):
            if o.requires_grad:
                seed = np.zeros(o.numel(), dtype=o.dtype)
                seed[j] = 1
                ins = [inputs[i] for i in diff]
                grads = _grad(o, ins, from_numpy(seed.reshape(o.shape)), retain_graph=True, allow_unused=True)
                for k, g in enumerate(grads):
                    if g is not None:
                        jac[k][row] = g.numpy(force=True).reshape(-1)
                if not checked:
                    checked = True
                    again = _grad(o, ins, from_numpy(seed.reshape(o.shape)), retain_graph=True,
                                  allow_unused=True)
                    for g1, g2 in zip(grads, again):
                        if g1 is not None and g2 is not None and \
                                float(np.max(np.abs(g1.numpy(force=True) - g2.numpy(force=True)),
                                             initial=0.0)) > nondet_tol:
                            raise GradcheckError(
                                "Backward is not reentrant, i.e., running backward with same input and "
                                "grad_output multiple times gives different values, although analytical "
                                "gradient matches numerical gradient. The tolerance for nondeterminism was "
                                f"{nondet_tol}.")
            row += 1
    keep = np.concatenate([np.full(o.numel(), o.requires_grad) for o in outputs] or [np.zeros(0, bool)])
    return jac, keep


def _numerical(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int], eps: float) -> list[Array]:
    """Jacobians by central differences: (f(x + eps) - f(x - eps)) / (2 eps) per element.

    ``fn`` runs in the caller's grad mode, as PyTorch's gradcheck runs it (a function may differentiate
    internally, register hooks, or check what requires grad).
    """

    def flat_outputs() -> Array:
        outs = _float_outputs(fn(*inputs))
        if not outs:
            return np.zeros(0)
        return np.concatenate([o.numpy(force=True).astype(np.float64).reshape(-1) for o in outs])

    jacs = []
    for i in diff:
        x = inputs[i].numpy(force=True)  # perturbed in place, restored exactly after each element
        if not x.flags.writeable:  # (expand's read-only view adding size-1 dims: its memory is writable)
            alias = writable_alias(x)
            if alias is None:
                raise RuntimeError(f"gradcheck: input {i}'s memory is read-only, so it cannot be perturbed")
            x = alias
        cols = []
        for k in range(x.size):
            idx = np.unravel_index(k, x.shape)
            orig = x[idx].item()
            x[idx] = orig + eps
            plus = flat_outputs()
            x[idx] = orig - eps
            minus = flat_outputs()
            x[idx] = orig
            cols.append((plus - minus) / (2 * eps))
        n_out = flat_outputs().size
        jacs.append(np.stack(cols, axis=1) if cols else np.zeros((n_out, 0)))
    return jacs


def _rel(a: float, n: float) -> str:
    return f"{abs(a - n) / abs(n):.3g}" if n != 0 else "inf"


def _report(failures: list[tuple[float, int, tuple[int, ...], int, float, float]],
            atol: float, rtol: float, order: str, labels: Mapping[int, str], low: Sequence[str]) -> str:
    # Worst first: by how many times an entry exceeds its tolerance atol + rtol*|numerical|,
    # which stays meaningful where the numerical derivative is 0 (a relative error does not).
    failures.sort(key=lambda f: -f[0])
    _, inp, idx, _, a, n = failures[0]
    lines = [
        f"{order} gradient mismatch for {labels[inp]} at element index {idx}: "
        f"analytical {a:.6g} vs numerical {n:.6g} (abs err {abs(a - n):.3g}, rel err {_rel(a, n)}; "
        f"atol={atol}, rtol={rtol}; {len(failures)} entries fail)",
        f"{'input':>5}  {'index':<14}{'output':>7}  {'analytical':>14}  {'numerical':>14}  "
        f"{'abs err':>9}  {'rel err':>9}",
    ]
    for _, inp, idx, out, a, n in failures[:10]:
        lines.append(f"{inp:>5}  {idx!s:<14}{out:>7}  {a:>14.6g}  {n:>14.6g}  "
                     f"{abs(a - n):>9.3g}  {_rel(a, n):>9}")
    if len(failures) > 10:
        lines.append(f"... and {len(failures) - 10} more")
    params = sorted({inp for _, inp, *_ in failures if not labels[inp].startswith("input")})
    if params:
        lines.append("inputs " + ", ".join(f"{i} = {labels[i]}" for i in params))
    if low:
        lines.append(
            f"note: {', '.join(low)} {'is' if len(low) == 1 else 'are'} not float64. Central differences "
            "in lower precision are off by far more than these tolerances, so this failure may be the "
            "precision, not the gradient: check with float64 (x.double(), module.double())."
        )
    return "\n".join(lines)


def _low_precision(inputs: tuple[Any, ...], diff: list[int], labels: Mapping[int, str]) -> list[str]:
    """Warn, as torch.autograd.gradcheck does, for each checked tensor that is not float64."""
    low = []
    for i in diff:
        t = inputs[i]
        if t.dtype != np.float64:
            # PyTorch's numbering: grad_outputs count as inputs after the inputs (gradgradcheck)
            who = labels[i].capitalize() if labels[i].startswith("parameter") else f"Input #{i}"
            warnings.warn(
                f"{who} requires gradient and is not a double precision floating point or complex. "
                "This check will likely fail if all the inputs are not of double precision floating "
                f"point or complex. (Finite differences need float64: it is {t.dtype}.)",
                UserWarning, stacklevel=4,
            )
            low.append(f"{labels[i]} ({t.dtype})")
    return low


def _check_forward(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int], numerical: list[Array],
                   atol: float, rtol: float, raise_exception: bool, labels: Mapping[int, str]) -> bool:
    """PyTorch's check_forward_ad: for each checked input, the tangent forward mode carries
    (:mod:`minigrad.autograd.forward_ad`) for a random direction t must equal the central-difference
    Jacobian times t, within ``atol + rtol * |J t|``."""
    from minigrad import _draws
    from minigrad.autograd import forward_ad as fwad
    from minigrad.random import default_generator

    for k, i in enumerate(diff):
        x = inputs[i]
        t = _draws.normal(default_generator, x.shape, 0.0, 1.0, x.dtype)
        with fwad.dual_level():
            args = list(inputs)
            args[i] = fwad.make_dual(x.detach(), from_numpy(t))
            outs = _float_outputs(fn(*args))
            tangents = [fwad.unpack_dual(o).tangent for o in outs]
        got = np.concatenate([np.zeros(o.numel()) if g is None
                              else g.numpy(force=True).astype(np.float64).reshape(-1)
                              for o, g in zip(outs, tangents)] or [np.zeros(0)])
        want = numerical[k] @ t.astype(np.float64).reshape(-1)
        bad = np.nonzero(~(np.abs(got - want) <= atol + rtol * np.abs(want)))[0]
        if bad.size:
            j = int(bad[np.argmax(np.abs(got - want)[bad])])
            if raise_exception:
                out = int(np.searchsorted(np.cumsum([o.numel() for o in outs]), bad[0], side="right"))
                raise GradcheckError(f"Jacobian computed with forward mode mismatch for output {out} with "
                                     f"respect to input {k},\noutput element {j} with respect to {labels[i]} "
                                     f"(in a random direction): forward mode "
                                     f"{got[j]:.6g} vs numerical {want[j]:.6g} (atol={atol}, rtol={rtol}; "
                                     f"{bad.size} output elements fail)")
            return False
    return True


def _check(fn: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float, rtol: float,
           raise_exception: bool, order: str, labels: Mapping[int, str], nondet_tol: float = 0.0,
           forward_ad: bool = False, backward_ad: bool = True) -> bool:
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:  # PyTorch raises too: a check of nothing would always pass
        raise InvalidParameterError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have "
            "requires_grad=True. (To check a layer's parameters, pass the Module itself or "
            "check_params=True.)"
        )
    for i in diff:  # PyTorch's check: perturbing one element of an expanded dim would move several
        if inputs[i].numel() and any(st == 0 and n > 1 for st, n in zip(inputs[i].stride(), inputs[i].shape)):
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs that are "
                "non-overlapping to be able to compute the numerical gradients correctly. You should call "
                ".contiguous on the input before passing it to gradcheck."
            )
    low = _low_precision(inputs, diff, labels)
    if not backward_ad:  # (check_backward_ad=False: forward mode only, as for a Function with just a jvp)
        numerical = _numerical(fn, inputs, diff, eps)
        return _check_forward(fn, inputs, diff, numerical, atol, rtol, raise_exception, labels)
    analytical, keep = _analytical(fn, inputs, diff, nondet_tol)
    numerical = _numerical(fn, inputs, diff, eps)
    differentiable = bool(keep.any())
    if differentiable:  # (an output that needs no grad, say a threshold read through .item(), is not checked)
        numerical = [np.where(keep[:, None], n, a) if n.shape == a.shape else n
                     for n, a in zip(numerical, analytical)]
    if not differentiable and any(np.any(n != 0) for n in numerical):
        if raise_exception:  # PyTorch's words: an output that needs no grad still moved with the input
            raise GradcheckError("Numerical gradient for function expected to be zero (no output of the "
                                 "function requires grad, but its values change with the inputs)")
        return False
    failures = []
    for k, i in enumerate(diff):
        a, n = analytical[k], numerical[k]
        if a.shape != n.shape:
            raise GradcheckError(f"{labels[i]}: the function's outputs changed size between calls")
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        for out, col in zip(*np.nonzero(bad)):
            av, nv = float(a[out, col]), float(n[out, col])
            excess = abs(av - nv) / (atol + rtol * abs(nv))
            idx = tuple(int(v) for v in np.unravel_index(col, inputs[i].shape))
            failures.append((excess if excess == excess else math.inf, i, idx, int(out), av, nv))
    if failures:
        if raise_exception:
            raise GradcheckError(_first_pair(fn, inputs, diff, failures, "")
                                 + _report(failures, atol, rtol, order, labels, low))
        return False
    return not forward_ad or _check_forward(fn, inputs, diff, numerical, atol, rtol, raise_exception, labels)


def _first_pair(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int],
                failures: list[tuple[float, int, tuple[int, ...], int, float, float]], mode: str) -> str:
    """PyTorch's first line: the first (output, checked input) pair that fails, in its loop order (outputs
    outer; inputs numbered among those checked), so a test matching on PyTorch's message matches."""
    ends = np.cumsum([o.numel() for o in _float_outputs(fn(*inputs))])
    out, inp = min((int(np.searchsorted(ends, f[3], side="right")), diff.index(f[1])) for f in failures)
    return f"Jacobian {mode}mismatch for output {out} with respect to input {inp},\n"


def _check_batched(fn: Callable[..., Any], inputs: tuple[Any, ...], raise_exception: bool) -> bool:
    """PyTorch's check_batched_grad: for each output, the vector-Jacobian products of two random
    upstream gradients computed under ``vmap`` must equal the two computed one at a time."""
    from minigrad import _draws
    from minigrad.func import vmap
    from minigrad.random import default_generator

    ins = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    for out_idx, o in enumerate(_float_outputs(fn(*inputs))):
        if not o.requires_grad:
            continue

        def vjp(v: Tensor, o: Tensor = o) -> tuple[Tensor, ...]:
            grads = _grad(o, ins, v, retain_graph=True, allow_unused=True)
            return tuple(g if g is not None else from_numpy(np.zeros(x.shape, dtype=x.dtype))
                         for g, x in zip(grads, ins))

        gos = [from_numpy(_draws.normal(default_generator, o.shape, 0.0, 1.0, o.dtype)) for _ in range(2)]
        expected = [stack(list(shards)) for shards in zip(*(vjp(g) for g in gos))]
        got = vmap(vjp)(stack(gos))
        for in_idx, (r, e) in enumerate(zip(got, expected)):
            if not np.allclose(r.numpy(force=True), e.numpy(force=True), rtol=1e-5, atol=1e-8):
                if raise_exception:
                    raise GradcheckError(f"For output {out_idx} and input {in_idx}: the gradients computed "
                                         f"under vmap differ from those computed one upstream gradient at a "
                                         f"time.\nGot:\n{r.numpy()}\nExpected:\n{e.numpy()}")
                return False
    return True


def _graph_leaves(fn: Callable[..., Any], inputs: tuple[Any, ...]) -> list[tuple[str, Tensor]]:
    """The leaves requiring grad that ``fn(*inputs)``'s graph reaches, other than the inputs, named
    by the attribute path a module holds them under (see :mod:`minigrad.viz`)."""
    from minigrad import viz

    outputs = [o for o in _float_outputs(fn(*inputs)) if o.requires_grad]
    given = {id(t) for t in inputs}
    names = viz.parameter_names()
    found: dict[int, Tensor] = {}
    for o in outputs:
        for t in viz.walk(o):
            if t.is_leaf and t.requires_grad and id(t) not in given:
                found.setdefault(id(t), t)
    return [(names.get(k, f"#{n} {tuple(t.shape)}"), t) for n, (k, t) in enumerate(found.items())]


def _with_params(fn: Any, inputs: tuple[Any, ...], check_params: ParamSpec
                 ) -> tuple[Callable[..., Any], tuple[Any, ...], dict[int, str]]:
    """Append the parameters to check to the inputs: (function of all of them, all inputs, labels)."""
    from minigrad.nn.module import Module

    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function or a Module, got {type(fn).__name__}")
    labels = {i: f"input {i}" for i in range(len(inputs))}
    if check_params is None:
        check_params = isinstance(fn, Module)
    if check_params is False:
        return fn, inputs, labels
    named: list[tuple[str, Tensor]]
    if check_params is True:
        named = list(fn.named_parameters()) if isinstance(fn, Module) else _graph_leaves(fn, inputs)
    elif isinstance(check_params, Mapping):
        named = list(check_params.items())
    else:
        named = [(f"#{k} {tuple(p.shape)}", p) for k, p in enumerate(check_params)]
    given = {id(t) for t in inputs}
    params = [(name, p) for name, p in named if p.requires_grad and id(p) not in given]
    n = len(inputs)
    for k, (name, _) in enumerate(params):
        labels[n + k] = f"parameter {name!r}" if not name.startswith("#") else f"parameter {name}"

    def call(*args: Any) -> Any:
        return fn(*args[:n])  # the parameters are used where fn keeps them: perturbing them in place works

    return call, (*inputs, *(p for _, p in params)), labels


#: torch.autograd.gradcheck's (and gradgradcheck's) other keywords, with the value this
#: check's behaviour corresponds to. fast_mode only makes PyTorch check a random
#: projection of the Jacobian (this check is the full one); nondet_tol bounds how much a
#: repeated backward may differ (checked on one row); check_undefined_grad guards against
#: undefined-gradient backward passes, which minigrad's engine does not have;
#: check_grad_dtypes holds for every minigrad gradient (a leaf's gradient has the leaf's
#: dtype); check_batched_grad and check_forward_ad are done (:func:`_check_batched`,
#: :func:`_check_forward`); check_rev_over_rev is what gradgradcheck does.
_ACCEPTED: dict[str, Any] = {
    "fast_mode": None, "nondet_tol": None, "check_undefined_grad": None, "check_grad_dtypes": None,
    "check_backward_ad": None, "check_batched_grad": None, "check_batched_forward_grad": False,
    "check_forward_ad": None, "masked": None, "gen_non_contig_grad_outputs": None,
    "check_fwd_over_rev": False, "check_rev_over_rev": True,
}


def _torch_options(name: str, options: Mapping[str, Any]) -> None:
    """Accept torch.autograd.gradcheck's keywords; refuse the checks minigrad has no machinery for.

    Raises:
        TypeError: an unknown keyword (as Python does for any function).
        NotImplementedError: check_fwd_over_rev or check_batched_forward_grad was asked for.
        AssertionError: neither mode is checked, or batched gradients without backward mode (PyTorch's).
    """
    for key, value in options.items():
        if key not in _ACCEPTED:
            raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
        wanted = _ACCEPTED[key]
        if wanted is not None and bool(value) != wanted:
            raise NotImplementedError(
                f"{name}: {key}={value!r} is not supported: minigrad checks reverse-mode gradients, "
                "first-order forward mode and vmap-batched gradients only"
            )
    if not options.get("check_backward_ad", True):
        if not options.get("check_forward_ad"):
            raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
        if options.get("check_batched_grad"):
            raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")


def gradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True, *,
              check_params: ParamSpec = None, **torch_options: Any) -> bool:
    """Compare ``fn``'s analytical gradients with central finite differences.

    Every Tensor in ``inputs`` with ``requires_grad`` is checked, element by
    element, against every element of every float output: the full Jacobian,
    so keep shapes small. Use float64 inputs (and parameters): float32 is too
    coarse for eps=1e-6, so other dtypes warn, as in PyTorch, and a failure
    report says so. An entry passes if
    ``|analytical - numerical| <= atol + rtol * |numerical|``.

    Args:
        fn: a function of the inputs, or a Module (called as ``module(*inputs)``).
        inputs: a Tensor or a sequence of arguments for ``fn``.
        check_params: also check gradients w.r.t. parameters that ``fn`` uses
            without taking them as inputs: ``True`` (a Module's
            ``parameters()``; for a function, every leaf requiring grad that
            its graph reaches), a dict name -> Tensor, or a list of Tensors.
            Default: True for a Module, False for a function. Parameters are
            perturbed in place and restored exactly.

    Returns:
        True if every entry passes; False on failure when ``raise_exception`` is False.

    Raises:
        GradcheckError: on failure, with a table of the worst entries (input,
            element index, output element, analytical, numerical, relative
            error); parameters are numbered after the inputs and named below
            the table.
        InvalidParameterError: nothing requires grad.
        TypeError: ``fn`` is not callable, or an unknown keyword is given.
        NotImplementedError: a PyTorch option minigrad cannot honour is set
            (see :func:`_torch_options`).
    """
    _torch_options("gradcheck", torch_options)
    call, ins, labels = _with_params(fn, _as_tuple(inputs), check_params)
    ok = _check(call, ins, eps, atol, rtol, raise_exception, "first-order", labels,
                float(torch_options.get("nondet_tol") or 0.0), bool(torch_options.get("check_forward_ad")),
                bool(torch_options.get("check_backward_ad", True)))
    if ok and torch_options.get("check_batched_grad"):
        return _check_batched(call, ins, raise_exception)
    return ok


def gradgradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: Sequence[Tensor] | None = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True, *,
                  check_params: ParamSpec = None, **torch_options: Any) -> bool:
    """Check second derivatives: gradcheck of the vector-Jacobian product of ``fn``.

    The function checked maps (inputs, grad_outputs) to the gradients of
    ``fn(*inputs)`` w.r.t. the inputs (and the parameters picked by
    ``check_params``, as in :func:`gradcheck`), computed with
    ``create_graph=True``. ``grad_outputs`` default to U(-1, 1) draws from the
    global generator (as PyTorch's), in the outputs' dtypes.

    Returns and raises as :func:`gradcheck`.
    """
    _torch_options("gradgradcheck", torch_options)
    call, ins, labels = _with_params(fn, _as_tuple(inputs), check_params)
    diff = [i for i, t in enumerate(ins) if isinstance(t, Tensor) and t.requires_grad]
    outs = _float_outputs(call(*ins))
    if grad_outputs is None:  # PyTorch's: U(-1, 1) from the global generator (make_tensor's draws)
        from minigrad import _draws
        from minigrad.random import default_generator

        strided = bool(torch_options.get("gen_non_contig_grad_outputs"))  # make_tensor's: the odd elements
        shapes = [(*o.shape[:-1], 2 * o.shape[-1]) if strided and o.numel() > 1 else o.shape for o in outs]
        drawn = [_draws.uniform(default_generator, s, -1.0, 1.0, o.dtype) for s, o in zip(shapes, outs)]
        grad_outputs = [from_numpy(a[..., 1::2] if a.shape != o.shape else a).requires_grad_(True)
                        for a, o in zip(drawn, outs)]
    gos = list(grad_outputs)
    labels = {**labels, **{len(ins) + k: f"grad_output {k}" for k in range(len(gos))}}

    def first_derivative(*args: Any) -> tuple[Tensor, ...]:
        xs, gs = args[: len(ins)], args[len(ins):]
        all_ys = _float_outputs(call(*xs))
        ys = [o for o in all_ys if o.requires_grad]
        used = [g for o, g in zip(all_ys, gs) if o.requires_grad]
        if not ys:
            return tuple(from_numpy(np.zeros(xs[i].shape)) for i in diff)
        grads = _grad(ys, [xs[i] for i in diff], used, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else from_numpy(np.zeros(xs[i].shape))
                     for g, i in zip(grads, diff))

    ok = _check(first_derivative, (*ins, *gos), eps, atol, rtol, raise_exception, "second-order", labels,
                float(torch_options.get("nondet_tol") or 0.0))
    if ok and torch_options.get("check_batched_grad"):
        return _check_batched(first_derivative, (*ins, *gos), raise_exception)
    return ok
