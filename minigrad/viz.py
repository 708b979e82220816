"""Pictures of the graph behind a tensor: Graphviz DOT, rendered files and a text tree.

>>> loss = model(x).sum()
>>> mg.viz.print_graph(loss, params=model)       # indented tree in the terminal
>>> dot = mg.viz.to_dot(loss, params=model)       # Graphviz DOT text
>>> mg.viz.render(loss, "graph.svg", params=model)  # needs Graphviz's ``dot`` program

Every op recorded for backward is a node named like its ``grad_fn``
(``MulBackward``); every tensor is a node showing its shape and dtype. Leaves
that are parameters are named by their module path (``0.weight``) when the
model (or a ``{name: tensor}`` dict) is passed as ``params``; after
``backward(retain_graph=True)`` leaves also show the shape of their ``.grad``.
A plain ``backward()`` frees the graph; freed ops are drawn, marked freed,
without their inputs.

Walks are iterative, so graphs thousands of ops deep are fine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from minigrad.errors import InvalidParameterError, MinigradError

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

__all__ = ["format_graph", "print_graph", "render", "to_dot"]

_FORMATS = ("svg", "png", "pdf")


def _param_names(params: Any) -> dict[int, str]:
    """id(tensor) -> name, from a Module (parameters and buffers) or a mapping."""
    if params is None:
        return {}
    items: Iterable[tuple[str, Any]]
    if hasattr(params, "named_parameters"):
        items = list(params.named_parameters())
        if hasattr(params, "named_buffers"):
            items += list(params.named_buffers())
    elif isinstance(params, Mapping):
        items = params.items()
    else:
        raise TypeError(
            f"params must be a Module or a mapping of name -> Tensor, got {type(params).__name__}"
        )
    return {id(t): str(name) for name, t in items}


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _describe(t: Tensor) -> str:
    return f"{_shape(t.shape)} {t.dtype}"


def _leaf_name(t: Tensor, names: dict[int, str]) -> str:
    name = names.get(id(t))
    if name is not None:
        return name
    if t.requires_grad:
        return "leaf"
    if t.numel() == 1:
        return f"const {t.numpy().reshape(()).item():.4g}"
    return "const"


def _parents(t: Tensor) -> tuple[Tensor, ...] | None:
    """The inputs of the op that made ``t``; ``()`` for leaves, None if the op was freed."""
    fn = t._ctx
    if fn is None:
        return ()
    return fn.parents


def _walk(root: Tensor) -> list[Tensor]:
    """Every tensor reachable from ``root``, in depth-first discovery order."""
    order: list[Tensor] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        order.append(t)
        stack.extend(reversed(_parents(t) or ()))
    return order


# ------------------------------------------------------------------------ DOT


def _quote(text: str) -> str:
    # DOT string: escape backslash and quote; "\n" is DOT's own centered line break.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(tensor: Tensor, params: Any = None) -> str:
    """Graphviz DOT text for the graph that produced ``tensor``.

    Nodes: one per op (grey ellipse, ``MulBackward``; "freed" once a backward
    without ``retain_graph`` released it) and one per tensor (box with shape
    and dtype: parameters and other leaves needing grad in blue, constants
    dashed, the output green). Edges follow the data, inputs -> op -> output.

    Args:
        tensor: the tensor whose history to draw (e.g. a loss).
        params: a Module or a mapping ``name -> Tensor`` used to name leaves
            (``dict(model.named_parameters())``); a Module's buffers are named too.

    Raises:
        TypeError: ``params`` is neither a Module nor a mapping.
    """
    names = _param_names(params)
    lines = [
        "digraph minigrad {",
        '  graph [rankdir=TB, fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    edges: list[str] = []
    order = _walk(tensor)
    # Node names by discovery order, not id(), so the same graph gives the same text.
    tname = {id(t): f"t{i}" for i, t in enumerate(order)}
    fname: dict[int, str] = {}
    for t in order:
        tid = tname[id(t)]
        fn = t._ctx
        if fn is None:
            label = f"{_leaf_name(t, names)}\n{_describe(t)}"
            if t.grad is not None:
                label += f"\ngrad {_shape(t.grad.shape)}"
            if t.requires_grad:
                style = 'shape=box, style="rounded,filled", fillcolor=lightblue'
            else:
                style = 'shape=box, style="rounded,dashed"'
        else:
            label = ("output\n" if t is tensor else "") + _describe(t)
            if t.grad is not None:
                label += f"\ngrad {_shape(t.grad.shape)}"
            style = 'shape=box, style="rounded,filled", fillcolor=' + (
                "darkolivegreen1" if t is tensor else "white"
            )
            fid = fname.setdefault(id(fn), f"f{len(fname)}")
            op_label = fn.name + ("\n(freed)" if fn.released else "")
            lines.append(f"  {fid} [label={_quote(op_label)}, shape=ellipse, style=filled, "
                         "fillcolor=lightgrey];")
            edges.append(f"  {fid} -> {tid};")
            for i, p in enumerate(fn.parents or ()):
                attr = f" [label={i}]" if len(fn.parents or ()) > 1 else ""
                edges.append(f"  {tname[id(p)]} -> {fid}{attr};")
        if t is tensor and fn is None:
            style = 'shape=box, style="rounded,filled", fillcolor=darkolivegreen1'
        lines.append(f"  {tid} [label={_quote(label)}, {style}];")
    return "\n".join([*lines, *edges, "}"]) + "\n"


def render(tensor: Tensor, path: str | os.PathLike[str], format: str | None = None,  # noqa: A002
           params: Any = None) -> str:
    """Draw the graph of ``tensor`` into an SVG, PNG or PDF file with Graphviz's ``dot``.

    Args:
        tensor: the tensor whose history to draw.
        path: the file to write.
        format: ``"svg"``, ``"png"`` or ``"pdf"``; by default taken from the
            file's extension (svg when it has none of those).
        params: as for :func:`to_dot`.

    Returns:
        The path written, as a string.

    Raises:
        InvalidParameterError: an unsupported ``format``.
        MinigradError: the ``dot`` program is not installed, or it failed.
    """
    path = os.fspath(path)
    if format is None:
        ext = os.path.splitext(path)[1].lstrip(".").lower()
        format = ext if ext in _FORMATS else "svg"  # noqa: A001
    if format not in _FORMATS:
        raise InvalidParameterError(f"format={format!r} is not one of {', '.join(_FORMATS)}")
    exe = shutil.which("dot")
    if exe is None:
        raise MinigradError(
            "render() needs the Graphviz program 'dot', which is not on PATH. Install Graphviz "
            "itself: 'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) "
            "or 'conda install graphviz'. Note that 'pip install graphviz' installs only a "
            "Python binding, not the program. mg.viz.to_dot() needs neither: paste its text "
            "into any Graphviz viewer."
        )
    result = subprocess.run(
        [exe, f"-T{format}", "-o", path], input=to_dot(tensor, params).encode(),
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        raise MinigradError(
            f"dot -T{format} failed (exit code {result.returncode}): "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    return path


# ------------------------------------------------------------------------ text tree


def format_graph(tensor: Tensor, params: Any = None) -> str:
    """The text tree that :func:`print_graph` prints, as a string.

    One line per tensor, the output first and each op's inputs indented
    below it: ``MulBackward (2, 3) float32`` for a tensor made by an op,
    ``fc.weight (2, 3) float32 requires_grad`` for a leaf. A tensor used by
    several ops gets a ``[#n]`` tag; its subtree is printed once and later
    uses print ``[#n] (shown above)``.
    """
    names = _param_names(params)
    uses: dict[int, int] = {}
    for t in _walk(tensor):
        for p in _parents(t) or ():
            uses[id(p)] = uses.get(id(p), 0) + 1
    tags: dict[int, int] = {}
    lines: list[str] = []
    # (tensor, prefix for this line, prefix for its children)
    stack: list[tuple[Tensor, str, str]] = [(tensor, "", "")]
    while stack:
        t, head, tail = stack.pop()
        fn = t._ctx
        if fn is not None and id(t) in tags:
            lines.append(f"{head}{fn.name} [#{tags[id(t)]}] (shown above)")
            continue
        tag = ""
        if fn is not None and uses.get(id(t), 0) > 1:
            tags[id(t)] = len(tags) + 1
            tag = f" [#{tags[id(t)]}]"
        if fn is None:
            text = f"{_leaf_name(t, names)} {_describe(t)}"
            if t.requires_grad:
                text += " requires_grad"
        else:
            text = f"{fn.name} {_describe(t)}{tag}"
            if fn.released:
                text += " (freed by backward)"
        if t.grad is not None:
            text += f" grad {_shape(t.grad.shape)}"
        lines.append(head + text)
        kids = _parents(t) or ()
        for i in reversed(range(len(kids))):
            last = i == len(kids) - 1
            stack.append((kids[i], tail + ("└── " if last else "├── "),
                          tail + ("    " if last else "│   ")))
    return "\n".join(lines)


def print_graph(tensor: Tensor, params: Any = None, file: TextIO | None = None) -> None:
    """Print the graph behind ``tensor`` as an indented tree (see :func:`format_graph`).

    Args:
        tensor: the tensor whose history to print.
        params: a Module or mapping ``name -> Tensor`` naming the leaves.
        file: where to print; standard output by default.
    """
    print(format_graph(tensor, params), file=sys.stdout if file is None else file)
