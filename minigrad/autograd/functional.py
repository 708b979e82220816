"""Higher-order autograd on whole functions, as ``torch.autograd.functional``.

``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp`` and ``hvp`` take a
function of tensors and the point to differentiate at, and are each a few
calls of :func:`minigrad.grad` (the reverse-mode engine) -- HIPS autograd's
idea. Forward mode comes from two reverse passes: the backward pass is linear
in its incoming gradient ``u``, so differentiating ``J^T u`` with respect to
``u`` in the direction ``v`` gives ``J v`` (the "double-vjp trick"); ``hvp``
uses the same trick on the gradient. The results are exact (no finite
differences) and have PyTorch's structure: a single Tensor where the function
takes one Tensor and returns one, tuples where either side is a tuple, tuples
of tuples for a Jacobian between tuples.

Arguments as PyTorch: ``create_graph=True`` makes the results differentiable;
``strict=True`` raises where an output is independent of an input instead of
returning zeros; ``vectorize`` and ``strategy``/``outer_jacobian_strategy``
are accepted, and since the answer is the same exact Jacobian it is computed
row by row by reverse mode either way (PyTorch's rules for which combinations
are allowed are kept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad.autograd import enable_grad, grad, is_grad_enabled, set_grad_enabled
from minigrad.errors import MinigradError, _AssertedParameterError
from minigrad.factories import zeros_like
from minigrad.tensor import Tensor, from_numpy, stack

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Fn = Callable[..., Any]


def _as_tuple(x: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """``(was it a tuple, x as a tuple)``; every element must be a Tensor (lists are not tuples here)."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                f"{where} has type {type(el)}."
            )
    return is_tuple, items


def _unpack(res: Any, to_unpack: bool | tuple[bool, bool]) -> Any:
    """Undo :func:`_as_tuple` on a result: one level, or two for (outputs, inputs)."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
        return res
    return res if to_unpack else res[0]


def _preprocess(inputs: tuple[Tensor, ...], create_graph: bool, need_graph: bool) -> tuple[Tensor, ...]:
    """Fresh tensor objects for the inputs, so the function's own captures of them are not confused with them.

    With ``create_graph`` an input that requires grad gets a differentiable
    copy (gradients flow back to it); otherwise a detached alias.
    """
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.to(copy=True))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _postprocess(res: Any, create_graph: bool) -> Any:
    """Detach results (recursively through tuples) unless the caller asked for a graph."""
    if isinstance(res[0], Tensor):
        return res if create_graph else tuple(t.detach() for t in res)
    return tuple(_postprocess(r, create_graph) for r in res)


# PyTorch's names of these private helpers, which pytorch-minimize's ScipyMinimizer imports
_tuple_postprocess = _unpack
_grad_postprocess = _postprocess


def _construct_standard_basis_for(tensors: tuple[Tensor, ...],
                                  tensor_numels: tuple[int, ...]) -> tuple[Tensor, ...]:
    """The rows of the ``N x N`` identity, N = ``sum(tensor_numels)``, split by columns into one
    ``(N, numel)`` chunk per tensor in that tensor's dtype: the grad_outputs that batch a Jacobian."""
    total, start, chunks = sum(tensor_numels), 0, []
    for t, n in zip(tensors, tensor_numels):
        eye = np.zeros((total, n), dtype=t._array.dtype)
        eye[start:start + n] = np.eye(n, dtype=eye.dtype)
        chunks.append(from_numpy(eye))
        start += n
    return tuple(chunks)


def _validate_v(v: tuple[Tensor, ...], other: tuple[Tensor, ...], other_is_tuple: bool) -> None:
    if len(v) != len(other):
        if other_is_tuple:
            raise MinigradError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise MinigradError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise MinigradError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


_INDEPENDENT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
               "computed in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with "
                "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                "should ensure that your function is twice differentiable and that the jacobian depends on "
                "the inputs (this would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the "
               "input. This is not allowed in strict mode. You should ensure that your function is thrice "
               "differentiable and that the hessian depends on the inputs.",
}


def _check_requires_grad(tensors: Sequence[Tensor | None], kind: str, strict: bool) -> None:
    """In strict mode, raise where a tensor is missing (None) or carries no graph."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise MinigradError(f"The output of the user-provided function is independent of input {i}. "
                                "This is not allowed in strict mode.")
        if not t.requires_grad:
            raise MinigradError(_INDEPENDENT[kind].format(i=i))


def _grad(outputs: Sequence[Tensor | None], inputs: tuple[Tensor, ...],
          grad_outputs: Sequence[Tensor | None] | None = None, create_graph: bool = False,
          retain_graph: bool | None = None) -> tuple[Tensor | None, ...]:
    """:func:`minigrad.grad` over the outputs that carry a graph; None for inputs they do not reach."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


_STAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed "
            "in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
                  "when using the double backward trick to compute forward mode gradients. This is not "
                  "allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not "
                   "allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the "
                         "double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: Sequence[Tensor | None], refs: Sequence[Tensor], strict: bool, create_graph: bool,
                   stage: str) -> tuple[Tensor, ...]:
    """Zeros shaped like ``refs[i]`` where a gradient is None (in strict mode: raise instead)."""
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise MinigradError(_STAGES[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise MinigradError(f"The {what} of the user-provided function is independent of input {i}. "
                                "This is not allowed in strict mode when create_graph=True.")
        out.append(g)
    return tuple(out)


def _prepare_v(v: Any, like: tuple[Tensor, ...], like_is_tuple: bool, create_graph: bool, fn: str,
               none_msg: str) -> tuple[Tensor, ...] | None:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise MinigradError(none_msg)
        return None
    _, vs = _as_tuple(v, "v", fn)
    vs = _preprocess(vs, create_graph, need_graph=False)
    _validate_v(vs, like, like_is_tuple)
    return vs


_V_NONE_OUTPUT = ("The vector v can only be None if the user-provided function returns a single Tensor "
                  "with a single element.")
_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function is a single "
                 "Tensor with a single element.")


def vjp(func: Fn, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    Args:
        func: takes the input Tensor(s), returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped like the output(s); may be omitted when the output has one element.
        create_graph: make both results differentiable.
        strict: raise if an input does not influence the outputs (else its vjp is zeros).

    Returns:
        ``(outputs, vjp)``, each a Tensor or a tuple as ``func``'s outputs and ``inputs`` are.

    Raises:
        TypeError: inputs, outputs or v that are not Tensors (or tuples of them).
        MinigradError: v of the wrong number or shape; strict-mode violations.
    """
    with enable_grad():
        inputs_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _preprocess(ins, create_graph, need_graph=True)
        outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outs, "outputs", strict)
        vs = _prepare_v(v, outs, outputs_tuple, create_graph, "vjp", _V_NONE_OUTPUT)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(outs, ins, vs, create_graph=create_graph), ins, strict, create_graph,
                             "back")
    return (_unpack(_postprocess(outs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))


def jvp(func: Fn, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``: the Jacobian-vector product at ``inputs``, by two reverse passes.

    ``v`` is shaped like the input(s) (omit it for a single one-element input).
    Returns ``(outputs, jvp)``, the jvp shaped like the outputs. Arguments and
    errors as :func:`vjp`.
    """
    with enable_grad():
        inputs_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _preprocess(ins, create_graph, need_graph=True)
        vs = _prepare_v(v, ins, inputs_tuple, create_graph, "jvp", _V_NONE_INPUT)
        outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outs, "outputs", strict)
        # The backward pass is linear in u, so u's value never matters; zeros keep inf/nan out.
        us = tuple(zeros_like(o, requires_grad=True) for o in outs)
        grad_inputs = _grad(outs, ins, us, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(grad_inputs, us, vs, create_graph=create_graph), outs, strict,
                             create_graph, "back_trick")
    return (_unpack(_postprocess(outs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), outputs_tuple))


def jacobian(func: Fn, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` has shape ``outputs[i].shape + inputs[j].shape``.

    A single Tensor when ``func`` takes one Tensor and returns one; a tuple
    when one side is a tuple; a tuple of tuples (indexed output, input) when
    both are. Computed exactly, one reverse pass per output element.

    Raises:
        MinigradError: ``strict`` together with ``vectorize`` or forward mode;
            strict-mode violations.
        NotImplementedError: ``strategy='forward-mode'`` with ``create_graph=True``
            or without ``vectorize=True`` (as PyTorch).
        InvalidParameterError: an unknown ``strategy``.
    """
    return _jacobian(func, inputs, create_graph, strict, vectorize, strategy, False)


def _jacobian(func: Fn, inputs: Any, create_graph: bool, strict: bool, vectorize: bool, strategy: str,
              whole_graph: bool) -> Any:
    """:func:`jacobian`; ``whole_graph``: in forward mode keep every result's graph (:func:`hessian`'s
    forward-over-reverse, whose inner gradient PyTorch differentiates with a graph: all of it stays)."""
    _check_strategy(strategy)
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` and "
                                      "`strategy=\"forward-mode\"` are not supported together (yet). Please "
                                      "either set `create_graph=False` or `strategy=\"reverse-mode\"`.")
        if strict:
            raise MinigradError("torch.autograd.functional.jacobian: `strict=True` and "
                                "`strategy=\"forward-mode\"` are not supported together (yet). Please either "
                                "set `strict=False` or `strategy=\"reverse-mode\"`.")
        if not vectorize:  # (PyTorch's words, a space missing)
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
    with enable_grad():
        inputs_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        # PyTorch's forward mode keeps its tangents' graph to the inputs that require grad (its Jacobian of
        # sin requires grad; of x + 1 not): built here by reverse mode with a graph, cut where none reaches
        forward = strategy == "forward-mode" and (whole_graph or any(t.requires_grad for t in ins))
        create_graph = create_graph or forward
        ins = _preprocess(ins, create_graph, need_graph=True)
        outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outs, "outputs", strict)
        if vectorize and strict:
            raise MinigradError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` "
                                "are not supported together. Please either set `strict=False` or "
                                "`vectorize=False`.")
        result = []
        for i, out in enumerate(outs):
            rows: list[list[Tensor]] = [[] for _ in ins]
            flat = out.reshape(-1)
            for k in range(out.numel()):
                row = _grad((flat[k],), ins, retain_graph=True, create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(row, ins)):
                    if g is None:
                        if strict:
                            raise MinigradError(f"Output {i} of the user-provided function is independent of "
                                                f"input {j}. This is not allowed in strict mode.")
                        g = zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise MinigradError(f"The jacobian of the user-provided function is independent of "
                                            f"input {i}. This is not allowed in strict mode when "
                                            "create_graph=True.")
                    rows[j].append(g)
            result.append(tuple(stack(r).reshape(out.shape + inp.shape) for r, inp in zip(rows, ins)))
        if forward and not whole_graph:
            originals = _as_tuple(inputs, "inputs", "jacobian")[1]
            given = {id(t) for t, orig in zip(ins, originals) if orig.requires_grad}
            result = [tuple(t if _reaches(t, given) else t.detach() for t in row) for row in result]
        res = _unpack(_postprocess(tuple(result), create_graph), (outputs_tuple, inputs_tuple))
        if strategy == "forward-mode" and inputs_tuple:  # (PyTorch's forward mode answers in lists there)
            return [list(r) for r in res] if outputs_tuple else list(res)
        return res


def _reaches(t: Tensor, targets: set[int]) -> bool:
    """Whether ``t``'s graph leads back to one of the tensors whose ids are ``targets``."""
    seen, todo = set(), [t]
    while todo:
        u = todo.pop()
        if id(u) in targets:
            return True
        ctx = u._ctx
        if ctx is not None and id(ctx) not in seen:
            seen.add(id(ctx))
            todo.extend(ctx.parents)
    return False


def _check_strategy(strategy: str) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):  # (PyTorch asserts it: its AssertionError)
        raise _AssertedParameterError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has '
            'more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use '
            f'"reverse-mode". (got strategy={strategy!r})'
        )


def hessian(func: Fn, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: the Jacobian of its gradient.

    A single Tensor of shape ``input.shape + input.shape`` for one input; for
    a tuple of inputs a tuple of tuples, ``H[i][j]`` of shape
    ``inputs[i].shape + inputs[j].shape``.

    Raises:
        MinigradError: ``func`` does not return a single one-element Tensor;
            strict-mode violations.
    """
    inputs_tuple, ins = _as_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy)

    def scalar_output(*inp: Tensor) -> Tensor:
        out = func(*inp)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if out_tuple:
            raise MinigradError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise MinigradError("The Tensor returned by the function given to hessian should contain a "
                                "single element")
        return out.squeeze()  # type: ignore[no-any-return]

    def gradient(*inp: Tensor) -> Any:
        jac = jacobian(scalar_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = _jacobian(gradient, ins, create_graph, strict, vectorize, outer_jacobian_strategy,
                    outer_jacobian_strategy == "forward-mode")
    return _unpack(res, (inputs_tuple, inputs_tuple))


def _scalar_function_and_gradient(func: Fn, inputs: Any, v: Any, create_graph: bool, strict: bool,
                                  fn: str) -> tuple[bool, tuple[Tensor, ...], bool, tuple[Tensor, ...],
                                                    tuple[Tensor, ...] | None, tuple[Tensor | None, ...]]:
    """The first half shared by :func:`vhp` and :func:`hvp`: inputs, v, output, its gradient (with graph)."""
    inputs_tuple, ins = _as_tuple(inputs, "inputs", fn)
    ins = _preprocess(ins, create_graph, need_graph=True)
    vs = _prepare_v(v, ins, inputs_tuple, create_graph, fn, _V_NONE_INPUT)
    outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", fn)
    _check_requires_grad(outs, "outputs", strict)
    if outputs_tuple:
        raise MinigradError(f"The function given to {fn} should return a single Tensor")
    if outs[0].numel() != 1:
        raise MinigradError(f"The Tensor returned by the function given to {fn} should contain a single "
                            "element")
    jac = _grad(outs, ins, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return inputs_tuple, ins, outputs_tuple, outs, vs, jac


def vhp(func: Fn, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), v^T H)`` for a scalar ``func``: one reverse pass through its gradient.

    ``v`` is shaped like the input(s). Arguments and errors as :func:`vjp`;
    ``func`` must return a single one-element Tensor.
    """
    with enable_grad():
        inputs_tuple, ins, outputs_tuple, outs, vs, jac = _scalar_function_and_gradient(
            func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(jac, ins, vs, create_graph=create_graph), ins, strict, create_graph,
                             "double_back")
    return (_unpack(_postprocess(outs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))


def hvp(func: Fn, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func``, by the double-vjp trick on its gradient.

    Equal to :func:`vhp` when the Hessian is symmetric (twice continuously
    differentiable ``func``). Arguments and errors as :func:`vhp`.
    """
    with enable_grad():
        inputs_tuple, ins, outputs_tuple, outs, vs, jac = _scalar_function_and_gradient(
            func, inputs, v, create_graph, strict, "hvp")
        us = tuple(zeros_like(t, requires_grad=True) for t in ins)
        double_back = _grad(jac, ins, us, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        res = _fill_in_zeros(_grad(double_back, us, vs, create_graph=create_graph), ins, strict, create_graph,
                             "double_back_trick")
    return (_unpack(_postprocess(outs, create_graph), outputs_tuple),
            _unpack(_postprocess(res, create_graph), inputs_tuple))
