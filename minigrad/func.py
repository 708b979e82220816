"""Function transforms, as ``torch.func``: ``grad``, ``grad_and_value``, ``vjp``, ``jacrev``, ``jacfwd``,
``hessian``, ``functional_call`` and ``vmap``.

All are built on :func:`minigrad.autograd.grad`. A transform runs ``func`` on
fresh nodes standing for the differentiated arguments and asks the engine for
the gradients; when an argument already takes part in a graph (an outer
transform, or a tensor that requires grad), the gradients are recorded too, so
transforms nest (``hessian`` is ``jacfwd(jacrev(f))``) and compose with
``backward()``. ``jacfwd`` gives the forward-mode Jacobian's values, computed
in reverse mode. ``vmap`` runs ``func`` once per slice of the mapped dim and
stacks the results, so it is differentiable but not faster than a loop.

Arguments and results may be tensors or (nested) tuples, lists and dicts of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from minigrad.autograd.engine import grad as _engine_grad
from minigrad.errors import MinigradError
from minigrad.grad_mode import enable_grad
from minigrad.random import get_rng_state, set_rng_state
from minigrad.tensor import Tensor, stack

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "vjp", "vmap"]

Argnums = int | tuple[int, ...]


# ------------------------------------------------------------------ nested containers of tensors


def _flatten(tree: Any) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    """The leaves of a nested tuple/list/dict, and the function that rebuilds it from new leaves."""
    if isinstance(tree, (tuple, list, dict)):
        keys = list(tree) if isinstance(tree, dict) else range(len(tree))
        parts = [_flatten(tree[k]) for k in keys]
        counts = [len(leaves) for leaves, _ in parts]

        def build(leaves: list[Any]) -> Any:
            items, start = [], 0
            for (_, rebuild), n in zip(parts, counts):
                items.append(rebuild(leaves[start : start + n]))
                start += n
            if isinstance(tree, dict):
                return dict(zip(keys, items))
            return type(tree)(items) if not hasattr(tree, "_fields") else type(tree)(*items)

        return [leaf for leaves, _ in parts for leaf in leaves], build
    return [tree], lambda leaves: leaves[0]


def _map(fn: Callable[[Any], Any], tree: Any) -> Any:
    leaves, build = _flatten(tree)
    return build([fn(leaf) for leaf in leaves])


# ------------------------------------------------------------------ reverse-mode transforms


def _fresh(x: Any) -> Any:
    """A new node standing for ``x``: a view of it if it is in a graph (outer gradients flow), else a leaf."""
    if not isinstance(x, Tensor):
        return x
    return x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)


def _nums(argnums: Argnums, n: int, fn: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or not all(isinstance(i, int) and -n <= i < n for i in nums):
        raise MinigradError(f"{fn}: Got argnums={argnums!r}, but only {n} positional inputs")
    return tuple(i % n for i in nums)


def _trace(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    nums: tuple[int, ...],
    has_aux: bool,
    fn: str,
) -> tuple[list[Any], list[Tensor], Any, Any, bool]:
    """Run ``func`` with fresh nodes for ``args[nums]``: (fresh args, their tensors, output, aux, nested)."""
    nested = any(t.requires_grad for i in nums for t in _flatten(args[i])[0] if isinstance(t, Tensor))
    new_args = list(args)
    for i in nums:
        new_args[i] = _map(_fresh, args[i])
    inputs = [t for i in nums for t in _flatten(new_args[i])[0] if isinstance(t, Tensor)]
    with enable_grad():
        out = func(*new_args, **kwargs)
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise MinigradError(
                f"{fn}(f, ...)(*args): output of function f should be a tuple: (output, aux) "
                "if has_aux is True"
            )
        out, aux = out
    return new_args, inputs, out, aux, nested


def _grads(
    outputs: list[Tensor], inputs: list[Tensor], cotangents: list[Tensor] | None, nested: bool
) -> list[Tensor]:
    """d(outputs)/d(inputs) contracted with ``cotangents``; zeros for inputs the outputs do not use."""
    wired = [o for o in outputs if o.requires_grad]
    cts = None if cotangents is None else [c for o, c in zip(outputs, cotangents) if o.requires_grad]
    got = (
        _engine_grad(wired, inputs, cts, retain_graph=True, create_graph=nested, allow_unused=True)
        if wired
        else [None] * len(inputs)
    )
    return [x.new_zeros(x.shape) if g is None else g for x, g in zip(inputs, got)]


def _detached(tree: Any, nested: bool) -> Any:
    return tree if nested else _map(lambda t: t.detach() if isinstance(t, Tensor) else t, tree)


def _rebuild(args: list[Any], nums: tuple[int, ...], grads: list[Tensor], argnums: Argnums) -> Any:
    """The gradients shaped as the differentiated arguments (one, or a tuple for tuple argnums)."""
    out, start = [], 0
    for i in nums:
        leaves, build = _flatten(args[i])
        n = sum(isinstance(t, Tensor) for t in leaves)
        it = iter(grads[start : start + n])
        out.append(build([next(it) if isinstance(t, Tensor) else t for t in leaves]))
        start += n
    return out[0] if isinstance(argnums, int) else tuple(out)


def grad_and_value(
    func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``func`` -> a function returning ``(gradient, value)`` (``(gradient, (value, aux))`` with ``has_aux``).

    The gradient is of ``func``'s 0-d output with respect to the positional
    argument(s) ``argnums`` (shaped like them: a tuple for a tuple of argnums).

    Raises (when called):
        MinigradError: the output is not a 0-d tensor, or ``argnums`` names no argument.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _nums(argnums, len(args), "grad_and_value")
        new_args, inputs, out, aux, nested = _trace(func, args, kwargs, nums, has_aux, "grad_and_value")
        if not isinstance(out, Tensor) or out.ndim != 0:
            dims = f"tensor with {out.ndim} dims" if isinstance(out, Tensor) else type(out).__name__
            raise MinigradError(
                f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                f"{dims}. Maybe you wanted to use the vjp or jacrev APIs instead?"
            )
        g = _rebuild(new_args, nums, _grads([out], inputs, None, nested), argnums)
        value = _detached(out, nested)
        return (g, (value, _detached(aux, nested))) if has_aux else (g, value)

    return wrapper


def grad(func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """``func`` -> its gradient function: d func(*args) / d args[argnums] (with ``has_aux``: ``(grad, aux)``).

    Raises (when called):
        MinigradError: the output is not a 0-d tensor, or ``argnums`` names no argument.
    """
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), vjp_fn)`` (and ``aux`` with ``has_aux``): ``vjp_fn(cotangents)`` gives v^T J.

    ``vjp_fn`` takes cotangents shaped like the output and returns a tuple with
    one gradient per primal; it may be called many times.
    """
    nums = tuple(range(len(primals)))
    new_args, inputs, out, aux, nested = _trace(func, primals, {}, nums, has_aux, "vjp")
    outputs = _flatten(out)[0]

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        cts = _flatten(cotangents)[0]
        if len(cts) != len(outputs):
            raise MinigradError(
                f"Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function: {len(cts)} tensors for {len(outputs)} outputs"
            )
        return tuple(_rebuild(new_args, nums, _grads(outputs, inputs, cts, nested), nums))

    value = _detached(out, nested)
    return (value, vjp_fn, _detached(aux, nested)) if has_aux else (value, vjp_fn)


def jacrev(
    func: Callable[..., Any], argnums: Argnums = 0, *, has_aux: bool = False, chunk_size: int | None = None
) -> Callable[..., Any]:
    """``func`` -> its Jacobian with respect to ``args[argnums]``, one reverse pass per output element.

    For an output ``o`` and an argument ``x`` the block has shape
    ``o.shape + x.shape``; tuples of outputs or argnums give tuples of blocks
    (outputs outermost). ``chunk_size`` is accepted and has no effect.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _nums(argnums, len(args), "jacrev")
        new_args, inputs, out, aux, nested = _trace(func, args, kwargs, nums, has_aux, "jacrev")
        leaves, build = _flatten(out)
        blocks = []
        for o in leaves:
            rows = []
            for k in range(o.numel()):
                onehot = o.new_zeros(o.numel())
                onehot[k] = 1
                rows.append(_grads([o], inputs, [onehot.reshape(o.shape)], nested))
            per_input = [
                stack([r[j] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape))
                if rows
                else x.new_zeros(tuple(o.shape) + tuple(x.shape))
                for j, x in enumerate(inputs)
            ]
            blocks.append(_rebuild(new_args, nums, per_input, argnums))
        jac = build(blocks)
        return (jac, _detached(aux, nested)) if has_aux else jac

    return wrapper


def jacfwd(
    func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False, *, randomness: str = "error"
) -> Callable[..., Any]:
    """The forward-mode Jacobian's values (shape ``output.shape + input.shape``), computed in reverse mode."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """``func`` -> its Hessian with respect to ``args[argnums]``: ``jacfwd(jacrev(func))``."""
    return jacfwd(jacrev(func, argnums), argnums)


def functional_call(
    module: Any,
    parameter_and_buffer_dicts: Any,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """Call ``module`` with some parameters and buffers replaced by the given tensors (by dotted name).

    The module's own tensors are put back afterwards, even if the call
    raises. ``parameter_and_buffer_dicts`` is a dict or a tuple of dicts;
    ``args`` a tuple of positional arguments (or one argument). With
    ``tie_weights``, a tensor the module holds under several names (tied
    weights) is replaced under all of them when one is given.

    Raises:
        MinigradError: with ``strict``, a parameter or buffer the dicts do not name;
            a name given in two dicts.
    """
    dicts = (
        parameter_and_buffer_dicts
        if isinstance(parameter_and_buffer_dicts, (tuple, list))
        else (parameter_and_buffer_dicts,)
    )
    given: dict[str, Any] = {}
    for d in dicts:
        for name, value in d.items():
            if name in given:
                raise MinigradError(
                    f"{name} appeared in multiple dictionaries; behavior of functional call is ambiguous"
                )
            given[name] = value
    own = [*module.named_parameters(remove_duplicate=False), *module.named_buffers(remove_duplicate=False)]
    if tie_weights:  # a tensor registered under several names is replaced under all of them
        replaced = {id(t): given[n] for n, t in own if n in given}
        given.update({n: replaced[id(t)] for n, t in own if n not in given and id(t) in replaced})
    if strict:
        missing = [n for n, _ in own if n not in given]
        if missing:
            keys = ", ".join(repr(n) for n in missing)
            raise MinigradError(
                f"Error(s) in reparametrizing for {type(module).__name__}:\n\tMissing key(s): {keys}."
            )
    saved = []
    try:
        for name, value in given.items():
            owner_name, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_name) if owner_name else module
            table = owner._parameters if attr in owner._parameters else owner._buffers
            if attr in table:
                saved.append((table, attr, table[attr]))
                table[attr] = value
            else:
                saved.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
                owner.__dict__[attr] = value
        call_args = args if isinstance(args, tuple) else () if args is None else (args,)
        return module(*call_args, **(kwargs or {}))
    finally:
        for table, attr, old in reversed(saved):
            if old is _MISSING:
                del table[attr]
            else:
                table[attr] = old


_MISSING = object()


# ------------------------------------------------------------------ vmap


def _in_dims_for(in_dims: Any, args: tuple[Any, ...], name: str) -> list[Any]:
    """One in_dim per leaf of ``args`` (None for leaves that are not mapped)."""
    if isinstance(in_dims, int):
        in_dims = (in_dims,) * len(args)
    if not isinstance(in_dims, tuple):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
            f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}."
        )
    if len(in_dims) != len(args):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
            f"structure of `inputs`: {len(in_dims)} in_dims for {len(args)} inputs."
        )
    dims: list[Any] = []
    for arg, d in zip(args, in_dims):
        leaves = _flatten(arg)[0]
        if d is None or isinstance(d, int):
            dims += [d] * len(leaves)
        else:
            sub = _flatten(d)[0]
            if len(sub) != len(leaves):
                raise ValueError(
                    f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                    "with the structure of `inputs`."
                )
            dims += sub
    return dims


def vmap(
    func: Callable[..., Any],
    in_dims: Any = 0,
    out_dims: Any = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """``func`` mapped over a dim of its inputs: ``func`` runs on each slice, the results are stacked.

    ``in_dims``: an int (every positional argument mapped along that dim), or
    a tuple with one entry per argument, each an int, None (not mapped) or a
    nested tuple/list/dict matching the argument. ``out_dims``: where the
    mapped dim goes in each output (None: the output is not mapped). With
    ``randomness='error'`` a random draw inside ``func`` raises; ``'same'``
    gives every slice the same draws; ``'different'`` independent ones.
    ``chunk_size`` is accepted and has no effect. Keyword arguments are passed unmapped.

    Raises (when called):
        ValueError: in_dims that do not fit the inputs, mapped sizes that
            differ, no mapped input, or an output that is not a tensor.
        RuntimeError: a random draw with ``randomness='error'``.
    """
    if randomness not in ("error", "different", "same"):
        raise MinigradError(
            f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}"
        )
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        leaves, build = _flatten(args)
        dims = _in_dims_for(in_dims, args, name)
        sizes = []
        for leaf, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(leaf, Tensor):
                raise ValueError(
                    f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                    f"but the input is of type {type(leaf)}. We cannot vmap over non-Tensor "
                    "arguments, please use None as the respective in_dim"
                )
            if not -leaf.ndim <= d < leaf.ndim:
                raise ValueError(
                    f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                    f"input, but that input is a Tensor of dimensionality {leaf.ndim} so expected "
                    f"in_dim to satisfy -{leaf.ndim} <= in_dim < {leaf.ndim}."
                )
            sizes.append(leaf.shape[d])
        if not sizes:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be a "
                "Tensor mapped along a dim (in_dims all None)"
            )
        if len(set(sizes)) > 1:
            raise ValueError(
                f"vmap: Expected all tensors to have the same size in the mapped dimension, got "
                f"sizes {sizes} for the mapped dimension"
            )
        start_state = get_rng_state()
        results = []
        for i in range(sizes[0]):
            if randomness == "same":
                set_rng_state(start_state)
            before = get_rng_state() if randomness == "error" else None
            sliced = [leaf if d is None else leaf.select(d, i) for leaf, d in zip(leaves, dims)]
            results.append(func(*build(sliced), **kwargs))
            if before is not None and not _same_state(before, get_rng_state()):
                raise MinigradError(
                    "vmap: called random operation while in randomness error mode. Please either "
                    "use the 'same' or 'different' randomness flags on vmap or perform the "
                    "randomness operation out of vmap"
                )
        return _stack_outputs(results, out_dims, name)

    return wrapper


def _same_state(a: Any, b: Any) -> bool:
    flat_a, flat_b = _flatten(a)[0], _flatten(b)[0]
    return len(flat_a) == len(flat_b) and all(
        (x == y).all() if hasattr(x, "all") else x == y for x, y in zip(flat_a, flat_b)
    )


def _stack_outputs(results: list[Any], out_dims: Any, name: str) -> Any:
    first, build = _flatten(results[0])
    columns = [_flatten(r)[0] for r in results]
    dims = [out_dims] * len(first) if out_dims is None or isinstance(out_dims, int) else _flatten(out_dims)[0]
    if len(dims) != len(first):
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the "
            "structure of `outputs`."
        )
    stacked = []
    for j, d in enumerate(dims):
        if d is None:
            stacked.append(first[j])
            continue
        if not isinstance(first[j], Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(first[j])}. "
                "Did you mean to set out_dims= to None for output?"
            )
        stacked.append(stack([c[j] for c in columns], dim=d))
    return build(stacked)
