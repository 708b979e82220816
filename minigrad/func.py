"""``torch.func``: function transforms built on minigrad's autograd.

* :func:`functional_call` runs a module with some parameters/buffers swapped for given tensors;
* :func:`grad` / :func:`grad_and_value` / :func:`vjp`, :func:`jacrev` / :func:`jacfwd` /
  :func:`hessian` turn a function into its derivative (reverse mode underneath; a derivative is
  itself differentiable whenever its inputs are, so transforms nest: ``hessian`` is
  ``jacfwd(jacrev(f))``, ``grad(grad(f))`` works);
* :func:`vmap` maps a function over a batch dim by calling it once per batch element and stacking
  the results: the same values as PyTorch's batching rules (per-sample gradients, ensembles),
  at the speed of a Python loop.

Arguments and results may be pytrees (nested tuples, lists and dicts of tensors), as in PyTorch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from minigrad.autograd.engine import grad as _autograd_grad
from minigrad.errors import MinigradError
from minigrad.grad_mode import _extras, enable_grad, is_grad_enabled
from minigrad.nn.module import Module
from minigrad.nn.utils.stateless import _functional_call
from minigrad.random import default_generator
from minigrad.tensor import Tensor, stack

__all__ = [
    "functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize",
    "replace_all_batch_norm_modules_", "stack_module_state", "vjp", "vmap",
]  # fmt: skip


# ------------------------------------------------------------------ pytrees

def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, (tuple, list)):
        return [x for t in tree for x in _leaves(t)]
    if isinstance(tree, Mapping):
        return [x for t in tree.values() for x in _leaves(t)]
    return [tree]


def _rebuild(tree: Any, leaves: Iterator[Any]) -> Any:
    if isinstance(tree, (tuple, list)):
        items = [_rebuild(t, leaves) for t in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, Mapping):
        return {k: _rebuild(v, leaves) for k, v in tree.items()}
    return next(leaves)


def _map(fn: Callable[[Any], Any], tree: Any) -> Any:
    return _rebuild(tree, iter([fn(x) for x in _leaves(tree)]))


# ------------------------------------------------------------------ functional_call

Dicts = dict[str, Any] | Sequence[dict[str, Any]]


def functional_call(module: Module, parameter_and_buffer_dicts: Dicts, args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the named parameters and buffers (dotted names, as in
    ``named_parameters``) replaced by the given tensors for this call only.

    ``parameter_and_buffer_dicts`` is one dict or a sequence of dicts (merged; a name may appear in
    only one); ``args`` a tuple, or a single value. Gradients flow to the given tensors. A name the
    module lacks is set as an attribute for the call (see ``nn.utils.stateless._reparametrize_module``).

    Raises:
        RuntimeError: (``strict``) a name the module does not have or a parameter or buffer left out.
        ValueError: a name given in two dicts, tied names given different tensors, or not dicts.
        AttributeError: a dotted name through a submodule the module lacks.
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        values = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts: dict[str, int] = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call "
                             "is ambiguous")
        values = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, "
                         f"but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, values, args, kwargs, tie_weights=tie_weights, strict=strict)


def stack_module_state(models: Sequence[Module]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """The parameters and buffers of same-shaped ``models`` stacked along a new first dim (for
    :func:`vmap` over an ensemble): new leaves, requiring grad where the originals do.

    Raises:
        RuntimeError: no models, or models of different structure.
    """
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    first = models[0]
    if not all(type(m) is type(first) and m.training == first.training for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class and to be in the "
                           "same mode (train or eval).")
    all_params = [dict(m.named_parameters()) for m in models]
    params = {k: stack([p[k].detach() for p in all_params]).requires_grad_(
        any(p[k].requires_grad for p in all_params)) for k in all_params[0]}
    all_buffers = [dict(m.named_buffers()) for m in models]
    buffers = {k: stack([b[k].detach() for b in all_buffers]) for k in all_buffers[0]}
    return params, buffers


def replace_all_batch_norm_modules_(root: Module) -> Module:
    """Switch off the running statistics of every batch-norm layer in ``root`` (itself included), in
    place, and return ``root``: ``running_mean``, ``running_var`` and ``num_batches_tracked`` become
    None and ``track_running_stats`` False, so each layer normalizes by its batch's statistics in
    both modes (what :func:`vmap` over per-sample groups needs; PyTorch's vmap cannot write a
    batched statistic into an unbatched buffer). Instance-norm layers are left alone, as in PyTorch.
    """
    for module in root.modules():
        if getattr(type(module), "_batch_norm", False) and module.track_running_stats:
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root


# ------------------------------------------------------------------ derivatives

def _differentiable(x: Any) -> Any:
    """A tensor to differentiate with respect to: an alias that keeps an outer graph, or a new leaf."""
    if not isinstance(x, Tensor):
        raise TypeError(f"Expected the differentiated arguments to be Tensors, got {type(x).__name__}")
    return x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)


def _argnums(argnums: int | tuple[int, ...], n: int) -> tuple[int, ...]:
    ok = isinstance(argnums, int) or (isinstance(argnums, tuple) and all(isinstance(a, int) for a in argnums))
    if not ok:  # (PyTorch's check, a RuntimeError: not a list, a float, a string)
        raise MinigradError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _prepare(args: tuple[Any, ...], argnums: int | tuple[int, ...]) -> tuple[list[Any], Any, bool]:
    """Args with the differentiated ones swapped for fresh tensors; those (as argnums shapes them); and
    whether the results must stay differentiable (an outer transform or graph is watching)."""
    nums = _argnums(argnums, len(args))
    outer = is_grad_enabled() and any(t.requires_grad for a in nums for t in _leaves(args[a])
                                      if isinstance(t, Tensor))
    new_args = list(args)
    for a in nums:
        new_args[a] = _map(_differentiable, args[a])
    diff = new_args[nums[0]] if isinstance(argnums, int) else tuple(new_args[a] for a in nums)
    return new_args, diff, outer


def _reaches_outer(out: Any, fresh: Any) -> bool:
    """Whether ``out``'s graph reaches a leaf that requires grad other than the ``fresh`` ones (a module's
    parameters the function captured): PyTorch's transforms then return results still differentiable
    w.r.t. it (a PINN's loss on ``jacrev(u)(t)`` trains ``u``'s weights). Only asked with grad mode on."""
    own = {id(t) for t in _leaves(fresh)}
    todo: list[Any] = [t.grad_fn for t in _leaves(out) if isinstance(t, Tensor) and t.grad_fn is not None]
    seen: set[int] = set()
    while todo:
        fn = todo.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        var = getattr(fn, "variable", None)
        if var is not None:
            if id(var) not in own:
                return True
            continue
        todo.extend(nf for nf, _ in fn.next_functions)
    return False


def _split_aux(out: Any, has_aux: bool, fn: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{fn}(f, ...)(*args): output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    # aux is returned as a value, outside the transform's graph, as PyTorch's unwrapped aux
    return out[0], _map(lambda t: t.detach() if isinstance(t, Tensor) else t, out[1])


def _gradients(out: Tensor, wrt: Any, keep: bool, grad_out: Any = None, retain: bool | None = None) -> Any:
    leaves = _leaves(wrt)
    outs, gos = ((_leaves(out), _leaves(grad_out)) if grad_out is not None else ([out], None))
    # an output that does not depend on the inputs (detached, integer) contributes zero, as PyTorch's
    live = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
    if not live:
        gs: Sequence[Tensor | None] = [t.detach().new_zeros(t.shape) for t in leaves]
    else:
        gs = _autograd_grad([outs[i] for i in live], leaves, None if gos is None else [gos[i] for i in live],
                            retain_graph=retain, create_graph=keep, allow_unused=True, materialize_grads=True)
    return _rebuild(wrt, iter([g if keep else g.detach() for g in gs if g is not None]))


def grad_and_value(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """A function returning ``(gradient of func's scalar output w.r.t. args[argnums], output)``
    (with ``has_aux``: ``(gradient, (output, aux))``). The gradient has the argument's structure.

    Raises:
        RuntimeError: the output is not a scalar tensor, or bad ``argnums``.
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        new_args, diff, keep = _prepare(args, argnums)
        outer = is_grad_enabled()
        with enable_grad():
            out, aux = _split_aux(func(*new_args, **kwargs), has_aux, "grad_and_value")
            keep = keep or (outer and _reaches_outer(out, diff))
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(out)}")
            if out.dim() != 0:  # (a shape-(1,) result too, as PyTorch)
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                                   f"got tensor with {out.dim()} dims. Maybe you wanted to use the vjp or "
                                   "jacrev APIs instead?")
            g = _gradients(out, diff, keep)
        value = out if keep else out.detach()
        return (g, (value, aux)) if has_aux else (g, value)

    return wrapper


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """A function returning the gradient of ``func``'s scalar output w.r.t. ``args[argnums]`` (with
    ``has_aux``: ``(gradient, aux)``); see :func:`grad_and_value`."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def _structure(tree: Any) -> Any:
    """A pytree's structure as PyTorch compares it (node kinds, dict keys in order; '*' for a leaf)."""
    kind = _node_kind(tree)
    if kind is None:
        return "*"
    if kind is dict:
        return dict, tuple((k, _structure(v)) for k, v in tree.items())
    return kind, tuple(_structure(v) for v in tree)


def _spec(tree: Any) -> str:
    """A pytree's structure written as PyTorch's treespec_pprint writes it (``(*, [*, *])``)."""
    kind = _node_kind(tree)
    if kind is None:
        return "*"
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {_spec(v)}" for k, v in tree.items()) + "}"
    inner = ", ".join(_spec(v) for v in tree)
    if kind is list:
        return f"[{inner}]"
    return f"{kind.__name__}({inner})" if kind is not tuple else f"({inner}{',' if len(tree) == 1 else ''})"


def _check_vjp_outputs(out: Any) -> None:
    """PyTorch's checks on what a function under vjp/jacrev returned: tensors, at least one, all floating."""
    flat = _leaves(out)
    if not flat or (len(flat) == 1 and flat[0] is None):
        raise RuntimeError("vjp(f, *primals): Expected f to be a function that has non-empty output (got "
                           "output = [])")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError("vjp(f, *primals): expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")
    for o in flat:
        if not (o.is_floating_point() or o.is_complex()):
            raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got "
                               f"Tensor with dtype {o.dtype}")


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """``(func(*primals), vjp_fn)`` where ``vjp_fn(cotangents)`` gives the vector-Jacobian products,
    one per primal (with ``has_aux``: ``(output, vjp_fn, aux)``)."""
    # no primals: PyTorch calls func() (a TypeError if it needs arguments) and vjp_fn gives ()
    new_args, diff, keep = _prepare(primals, tuple(range(len(primals)))) if primals else ([], (), True)
    outer = is_grad_enabled()
    with enable_grad():
        out, aux = _split_aux(func(*new_args), has_aux, "vjp")
        _check_vjp_outputs(out)
        keep = keep or (outer and _reaches_outer(out, diff))

    def vjp_fn(cotangents: Any, retain_graph: bool = True,
               create_graph: bool | None = None) -> tuple[Any, ...]:
        if _structure(cotangents) != _structure(out):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure "
                               f"of outputs to the function. cotangents: {_spec(cotangents)}, primal output: "
                               f"{_spec(out)}")
        if not primals:
            return ()
        with enable_grad():
            # PyTorch's vjp_fn may be called again (one row of a Jacobian per call): keep the graph
            return tuple(_gradients(out, diff, keep and create_graph is not False, cotangents,
                                    retain=retain_graph))

    result = out if keep else _map(lambda t: t.detach() if isinstance(t, Tensor) else t, out)
    return (result, vjp_fn, aux) if has_aux else (result, vjp_fn)


def _tangent_map(out: Any, diff: Any, keep: bool) -> Callable[[Any], Any]:
    """``t -> J t`` for ``out`` as a function of ``diff``, by two reverse passes: the vector-Jacobian
    product ``u -> J^T u`` is linear in u, so differentiating ``<J^T u, t>`` with respect to u gives J t."""
    outs, ins = _leaves(out), _leaves(diff)
    # an output that ignores the inputs (an integer one too) has J t = 0, of its own dtype
    live = [k for k, o in enumerate(outs) if o.requires_grad]
    with enable_grad():
        us = [o.detach().new_zeros(o.shape).requires_grad_(k in live) for k, o in enumerate(outs)]
        live_us = [us[k] for k in live]
        back = (_autograd_grad([outs[k] for k in live], ins, live_us, create_graph=True, allow_unused=True,
                               materialize_grads=True) if live else [None] * len(ins))

    def push(tangents: Any) -> Any:
        ts = _leaves(tangents)
        pairs = [(b, t) for b, t in zip(back, ts) if b is not None and b.requires_grad]
        with enable_grad():
            got = (_autograd_grad([b for b, _ in pairs], live_us, [t for _, t in pairs], create_graph=keep,
                                  retain_graph=True, allow_unused=True, materialize_grads=True)
                   if pairs else [None] * len(live_us))
        jv = [u.detach().new_zeros(u.shape) for u in us]
        for k, g in zip(live, got):
            if g is not None:
                jv[k] = g
        return _rebuild(out, iter([j if keep else j.detach() for j in jv]))

    return push


def _check_primals(primals: Any, tangents: Any, fn: str) -> None:
    for what, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"{fn}: Expected {what} to be a tuple. E.g. it should be valid to call "
                               "f(*primals).")
    if len(primals) != len(tangents):
        raise RuntimeError(f"{fn}: Expected primals and tangents to have the same python structure "
                           f"(got {len(primals)} and {len(tangents)} entries)")
    for p, t in zip(_leaves(primals), _leaves(tangents)):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"{fn}: Expected primals and tangents to have the same shape, got "
                               f"{tuple(p.shape)} and {tuple(t.shape)}")


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> Any:
    """``(func(*primals), J tangents)``: the Jacobian-vector product, shaped like the output (with
    ``has_aux``: ``(output, jvp_out, aux)``). PyTorch runs it in forward mode; minigrad by two
    reverse passes (the values agree).

    Raises:
        RuntimeError: primals or tangents not tuples, of different lengths or leaf shapes.
    """
    del strict
    _check_primals(primals, tangents, "jvp(f, primals, tangents)")
    new_args, diff, keep = _prepare(primals, tuple(range(len(primals))))
    outer = is_grad_enabled()
    with enable_grad():
        out, aux = _split_aux(func(*new_args), has_aux, "jvp")
        keep = keep or (outer and _reaches_outer(out, diff))
    jv = _tangent_map(out, diff, keep)(tangents)
    result = out if keep else _map(lambda t: t.detach() if isinstance(t, Tensor) else t, out)
    return (result, jv, aux) if has_aux else (result, jv)


def linearize(func: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``(func(*primals), jvp_fn)`` where ``jvp_fn(*tangents)`` gives ``J tangents`` at the primals."""
    new_args, diff, keep = _prepare(primals, tuple(range(len(primals))))
    with enable_grad():
        out = func(*new_args)
    push = _tangent_map(out, diff, keep)

    def jvp_fn(*tangents: Any) -> Any:
        _check_primals(primals, tangents, "linearize")
        return push(tangents)

    return (out if keep else _map(lambda t: t.detach() if isinstance(t, Tensor) else t, out)), jvp_fn


def _jacobian(out: Tensor, wrt: Any, keep: bool, forward: bool = False) -> Any:
    if not out.requires_grad:  # an output that ignores the inputs: a zero Jacobian, as PyTorch's
        like = (lambda leaf: out) if forward else (lambda leaf: leaf)
        return _map(lambda leaf: like(leaf).detach().new_zeros((*out.shape, *leaf.shape)), wrt)
    rows = []
    flat = out.reshape(-1)
    for i in range(flat.shape[0]):
        g = _autograd_grad([flat[i]], _leaves(wrt), create_graph=keep, retain_graph=True, allow_unused=True,
                           materialize_grads=True)
        rows.append([x for x in g if x is not None])  # (materialized: none is None)
    per_leaf = []
    for j, leaf in enumerate(_leaves(wrt)):
        col = stack([r[j] for r in rows]) if rows else leaf.new_zeros((0, *leaf.shape))
        col = col.reshape((*out.shape, *leaf.shape))
        per_leaf.append(col if keep else col.detach())
    return _rebuild(wrt, iter(per_leaf))


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable[..., Any]:
    """A function returning the Jacobian of ``func`` w.r.t. ``args[argnums]``: for an output of shape
    O and an input of shape I, a tensor of shape O + I (pytrees of them for pytree outputs/inputs).
    ``chunk_size`` is accepted for compatibility (rows are computed one at a time).

    Raises:
        ValueError: ``chunk_size`` is not None and not positive (at once, as PyTorch).
    """
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian_fn(func, argnums, has_aux, forward=False)


def _jacobian_fn(func: Callable[..., Any], argnums: int | tuple[int, ...], has_aux: bool,
                 forward: bool) -> Callable[..., Any]:
    """jacrev's function; ``forward``: serving jacfwd, which (as PyTorch's forward mode) takes integer
    outputs, their zero Jacobian of the output's dtype."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        new_args, diff, keep = _prepare(args, argnums)
        outer = is_grad_enabled()
        with enable_grad():
            out, aux = _split_aux(func(*new_args, **kwargs), has_aux, "jacrev")
            if not forward:
                _check_vjp_outputs(out)
            keep = keep or (outer and _reaches_outer(out, diff))
            jac = _map(lambda o: _jacobian(o, diff, keep, forward), out)
        return (jac, aux) if has_aux else jac

    return wrapper


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian of ``func`` w.r.t. ``args[argnums]``, shaped as :func:`jacrev`'s (output shape O plus
    input shape I). For one Tensor argument and a Tensor output it is built column by column from
    :func:`jvp` with the unit tangents, as PyTorch's forward mode builds it, so even the signs of zero
    entries agree (``J[i, j] = 2 x_i * 0`` for ``x ** 2``, where a row by row reverse pass gives
    ``2 x_j * 0``); pytree or tuple ``argnums``, keyword arguments and ``has_aux`` go through :func:`jacrev`
    (the same values)."""
    rev = _jacobian_fn(func, argnums, has_aux, forward=True)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_aux or kwargs or not isinstance(argnums, int) or not -len(args) <= argnums < len(args):
            return rev(*args, **kwargs)
        i = argnums % len(args)
        x = args[i]
        if not isinstance(x, Tensor) or x.numel() == 0:
            return rev(*args, **kwargs)

        def at(v: Tensor) -> Any:
            return func(*args[:i], v, *args[i + 1:])

        n = x.numel()
        cols = []
        for j in range(n):
            unit = x.new_zeros(n)
            unit[j] = 1
            cols.append(jvp(at, (x,), (unit.reshape(x.shape),))[1])
        if not isinstance(cols[0], Tensor):
            return rev(*args, **kwargs)
        return stack(cols, -1).reshape((*cols[0].shape, *x.shape))

    return wrapper


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """The Hessian of a scalar ``func`` w.r.t. ``args[argnums]``: ``jacfwd(jacrev(func))``."""
    return jacfwd(jacrev(func, argnums), argnums)


# ------------------------------------------------------------------ vmap

def _name(func: Any) -> str:
    """How PyTorch's vmap errors name a function (its __name__, a partial's function, else its repr)."""
    if hasattr(func, "__name__"):
        return str(func.__name__)
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return repr(func)


def _batch_size(args: tuple[Any, ...], in_dims: Any, where: str = "vmap: ") -> int:
    sizes = set()
    for arg, dims in zip(args, in_dims):
        arg_dims = _broadcast_dims(arg, dims)
        for leaf, d in zip(_leaves(arg), arg_dims):
            if d is None:
                continue
            if not isinstance(leaf, Tensor):
                raise ValueError(f"{where}Got in_dim={d} for an input but the input is of type {type(leaf)}. "
                                 "We cannot vmap over non-Tensor arguments, please use None as the "
                                 "respective in_dim")
            if not -leaf.ndim <= d < max(leaf.ndim, 1) or leaf.ndim == 0:
                raise ValueError(f"{where}Got in_dim={d} for some input, but that input is a Tensor of "
                                 f"dimensionality {leaf.ndim} so expected in_dim to satisfy "
                                 f"-{leaf.ndim} <= in_dim < {leaf.ndim}.")
            sizes.add(leaf.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over (in_dims are all None)")
    if len(sizes) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got "
                         f"sizes {sorted(sizes)} for the mapped dimension")
    return int(sizes.pop())


def _broadcast_dims(arg: Any, dims: Any) -> list[Any]:
    """One in_dim per leaf of ``arg`` (an int/None applies to every leaf)."""
    if dims is None or isinstance(dims, int):
        return [dims] * len(_leaves(arg))
    return _leaves(dims)


def _same_value(a: Any, b: Tensor) -> bool:
    if a is b:
        return True
    if not (isinstance(a, Tensor) and a.shape == b.shape and a.dtype == b.dtype):
        return False
    return bool(np.array_equal(a.numpy(force=True), b.numpy(force=True), equal_nan=a.is_floating_point()))


def _node_kind(tree: Any) -> Any:
    """The pytree node type PyTorch matches structures by (a namedtuple class is its own kind), or None
    for a leaf."""
    if isinstance(tree, (tuple, list)):
        return type(tree) if hasattr(tree, "_fields") else (tuple if isinstance(tree, tuple) else list)
    return dict if isinstance(tree, Mapping) else None


def _out_dims_per_leaf(out_dims: Any, out: Any) -> list[Any] | None:
    """One out_dim per leaf of ``out``: ``out_dims`` is a prefix of ``out``'s structure whose int/None
    entries cover their whole subtree (a single-tensor output also takes a 1-tuple); None if the
    structures do not fit, as PyTorch's vmap."""
    if _node_kind(out) is None:
        if out_dims is None or isinstance(out_dims, int):
            return [out_dims]
        return list(out_dims) if isinstance(out_dims, tuple) and len(out_dims) == 1 else None
    if out_dims is None or _node_kind(out_dims) is None:
        return [out_dims] * len(_leaves(out))
    if _node_kind(out_dims) is not _node_kind(out) or len(out_dims) != len(out):
        return None
    pairs = (zip(out_dims, out) if not isinstance(out, Mapping) else
             [(out_dims[k], v) for k, v in out.items()] if set(out_dims) == set(out) else None)
    if pairs is None:
        return None
    result: list[Any] = []
    for d, sub in pairs:
        got = _out_dims_per_leaf(d, sub) if _node_kind(sub) is not None or _node_kind(d) is None else None
        if got is None:
            return None
        result.extend(got)
    return result


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable[..., Any]:
    """Map ``func`` over a dim of its inputs: ``in_dims`` (an int, None, or one entry per argument,
    possibly nested like the argument) says which dim of each input is mapped (None: shared);
    the results are stacked along ``out_dims``. Computed by calling ``func`` on each slice and
    stacking, so it is differentiable and composes with :func:`grad` and :func:`jacrev`.

    Raises:
        ValueError: mapped sizes differ, nothing is mapped, an in_dim is out of range or names a
            non-tensor, or ``func`` returns something other than tensors; ``chunk_size`` is not None
            and not positive (raised at once, as PyTorch).
        RuntimeError: ``randomness`` is not 'error', 'different' or 'same' (raised at once).
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if any(not (d is None or isinstance(d, int)) for d in _leaves(out_dims)):
            raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                             "None or a python collection of ints representing where in the outputs the "
                             "vmapped dimension should appear.")
        where = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): "  # (PyTorch's errors start so)
        if not isinstance(in_dims, (int, tuple)):
            raise ValueError(f"{where}expected `in_dims` to be int or a (potentially nested) tuple matching "
                             f"the structure of inputs, got: {type(in_dims)}.")
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"{where}in_dims is not compatible with the structure of `inputs`. (expected "
                             f"one entry per argument ({len(args)}), got {len(dims)})")
        n = _batch_size(args, dims, where)
        # (mg.compile replays no state read: "error" only compares two, so a compiled vmap stays compiled)
        start = default_generator._get_dict(unrecorded=randomness == "error")

        def run(i: int) -> Any:
            if randomness == "same":  # every slice draws what the first one drew
                default_generator._set_dict(start)
            result = func(*[slice_arg(a, d, i) for a, d in zip(args, dims)], **kwargs)
            if randomness == "error" and default_generator._get_dict(unrecorded=True) != start:
                # PyTorch refuses the draw itself, so its generator does not advance: put it back
                default_generator._set_dict(start)
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please "
                                   "either use the 'same' or 'different' randomness flags on vmap or perform "
                                   "the randomness operation out of vmap")
            return result

        def slice_arg(arg: Any, d: Any, i: int) -> Any:
            arg_dims = iter(_broadcast_dims(arg, d))
            def pick(leaf: Any) -> Any:
                dd = next(arg_dims)
                return leaf if dd is None else leaf.select(dd, i)

            return _map(pick, arg)

        results = []
        outer = _extras.retain
        try:
            for i in range(n):
                _extras.retain = outer or i < n - 1  # the graph a slice's backward walks is the next's too
                results.append(run(i))
        finally:
            _extras.retain = outer
        first = results[0]
        leaf_dims = _out_dims_per_leaf(out_dims, first)
        if leaf_dims is None:
            raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                             "compatible with the structure of `outputs`.")
        for leaf, d in zip(_leaves(first), leaf_dims):
            if d is not None and not isinstance(leaf, Tensor):
                raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got "
                                 f"type {type(leaf)}. Did you mean to set out_dims= to None for output?")
        per_result = [_leaves(r) for r in results]
        for j, d in enumerate(leaf_dims):
            # out_dim None returns the first slice's value; a value that differs across slices came
            # from the mapped inputs (a BatchedTensor in PyTorch), which PyTorch refuses there
            if d is None and isinstance(per_result[0][j], Tensor) and not all(
                    _same_value(r[j], per_result[0][j]) for r in per_result[1:]):
                raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor "
                                 "when out_dim is None")
        stacked = [stack([r[j] for r in per_result], dim=d if d is not None else 0)
                   if d is not None else per_result[0][j] for j, d in enumerate(leaf_dims)]
        return _rebuild(first, iter(stacked))

    return wrapper
