"""``add_graph``'s ``GraphDef``: the operations of one forward call, for TensorBoard's Graphs tab.

PyTorch traces the model with TorchScript; minigrad reads the same operations
off the autograd graph of one call (the inputs are made to require grad so
that they appear in it): one ``NodeDef`` per operation, named and typed after
its node (``AddmmBackward0`` -> op ``aten::addmm``), one per parameter (named
by its ``named_parameters`` name, op ``prim::Parameter``), and the inputs and
outputs as ``IO Node``s (``input/<forward's parameter>``, ``output/output.N``), as
PyTorch's graphs name them. The messages and field numbers are TensorBoard's
(``graph.proto``, ``node_def.proto``, ``attr_value.proto``, ``versions.proto``).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from minigrad.utils.tensorboard._wire import _bytes, _int

__all__ = ["graph_def"]

_PRODUCER = 22  # the GraphDef version PyTorch's writer records


def _node_def(name: str, op: str, inputs: list[str], shape: tuple[int, ...] | None) -> bytes:
    out = _bytes(1, name.encode()) + _bytes(2, op.encode())
    out += b"".join(_bytes(3, i.encode(), always=True) for i in inputs)
    if shape is not None:  # attr["_output_shapes"] = AttrValue(list=ListValue(shape=[TensorShapeProto]))
        dims = b"".join(_bytes(2, _int(1, d, always=True), always=True) for d in shape)
        value = _bytes(1, _bytes(7, dims, always=True), always=True)
        out += _bytes(5, _bytes(1, b"_output_shapes") + _bytes(2, value, always=True), always=True)
    return out


def _op(node: Any) -> str:
    """``aten::addmm`` for an ``AddmmBackward0`` node (CamelCase to snake_case, the suffix dropped)."""
    base = re.sub(r"Backward\d*$", "", node.name().rpartition("::")[2])
    return "aten::" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def graph_def(model: Any, input_to_model: Any) -> bytes:
    """The encoded ``GraphDef`` of ``model(*inputs)``.

    Args:
        model: the Module (or any callable) to run once.
        input_to_model: a tensor, or a tuple/list of tensors, passed as positional arguments.

    Raises:
        TypeError: ``input_to_model`` holds something other than tensors.
    """
    from minigrad.grad_mode import enable_grad
    from minigrad.tensor import Tensor

    args = input_to_model if isinstance(input_to_model, (tuple, list)) else (input_to_model,)
    if not all(isinstance(a, Tensor) for a in args):
        raise TypeError("add_graph: input_to_model must be a tensor or a tuple/list of tensors")
    # (float inputs are made leaves that require grad, so each appears in the graph as its own node)
    inputs = [a.detach().requires_grad_(True) if a.is_floating_point() else a for a in args]
    try:  # (PyTorch names the inputs after forward's parameters: input/x)
        params = list(inspect.signature(model.forward if hasattr(model, "forward") else model).parameters)
    except (TypeError, ValueError):
        params = []
    arg_names = [params[i] if i < len(params) and params[i] not in ("args", "kwargs") else f"input.{i}"
                 for i in range(len(inputs))]
    leaf_names = {id(t): f"input/{n}" for t, n in zip(inputs, arg_names)}
    if hasattr(model, "named_parameters"):
        scope = type(model).__name__
        leaf_names.update({id(p): f"{scope}/{n}" for n, p in model.named_parameters()})
    with enable_grad():
        out = model(*inputs)
    outputs = list(out) if isinstance(out, (tuple, list)) else [out]
    names: dict[int, str] = {}
    seen: list[Any] = []  # (the nodes visited, kept alive: next_functions may make them anew, reusing ids)
    nodes: list[bytes] = [_node_def(leaf_names[id(t)], "IO Node", [], tuple(t.shape)) for t in inputs]
    leaves: dict[int, str] = {}

    def visit(node: Any) -> str:
        if id(node) in names:
            return names[id(node)]
        seen.append(node)
        variable = getattr(node, "variable", None)
        if variable is not None:  # a leaf: an input (its IO Node is there already) or a parameter
            name = leaf_names.get(id(variable)) or f"prim::Parameter/{len(leaves)}"
            if not name.startswith("input/"):
                leaves[id(variable)] = name
                nodes.append(_node_def(name, "prim::Parameter", [], tuple(variable.shape)))
            names[id(node)] = name
            return name
        parents = [visit(p) for p, _ in node.next_functions if p is not None]
        name = f"{_op(node).replace('::', '/')}_{len(names)}"
        names[id(node)] = name
        nodes.append(_node_def(name, _op(node), parents, None))
        return name

    for i, o in enumerate(outputs):
        if isinstance(o, Tensor):
            source = [visit(o.grad_fn)] if o.grad_fn is not None else []
            nodes.append(_node_def(f"output/output.{i + 1}", "IO Node", source, tuple(o.shape)))
    versions = _bytes(4, _int(1, _PRODUCER), always=True)
    return b"".join(_bytes(1, n, always=True) for n in nodes) + versions
