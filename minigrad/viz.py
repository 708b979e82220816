"""Pictures of the graph behind a tensor: Graphviz DOT, SVG (with or without Graphviz), a text tree.

>>> loss = model(x).sum()
>>> mg.viz.print_graph(loss)                 # indented tree in the terminal
>>> mg.viz.graph(loss)                       # in Jupyter: the picture (SVG)
>>> mg.viz.graph(loss, stats=True).render("graph.svg")
>>> dot = mg.viz.to_dot(loss)                # Graphviz DOT text

Every op recorded for backward is a node named like its ``grad_fn``
(``MulBackward``); every tensor is a node showing its shape and dtype.

* **Names.** A parameter or buffer is named by the attribute path under which
  its model holds it (``0.weight``, ``blocks.1.attn.qkv.bias``), found
  automatically for any model that has been called: every ``Module`` call is
  recorded (see :mod:`minigrad._module_calls`). ``params`` (a Module or a
  ``{name: tensor}`` dict) overrides or adds names.
* **Module boxes.** The ops created during each module call are drawn inside a
  labelled box (a Graphviz cluster), nested as the calls were, with the
  parameters the module owns. ``clusters=False`` turns them off.
* **Statistics.** ``stats=True`` adds mean/std and min/max of every tensor and
  of its ``.grad`` (after ``backward(retain_graph=True)``).
* **Pictures.** :func:`to_svg` and :class:`Graph` use Graphviz's ``dot`` when it
  is installed and a small built-in layout otherwise, so notebooks always
  show a picture (``Graph._repr_svg_``); tensors and modules have an
  ``_repr_html_`` too.

A plain ``backward()`` frees the graph; freed ops are drawn, marked freed,
without their inputs. Walks are iterative, so graphs thousands of ops deep
are fine.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from minigrad import _graph_layout, _module_calls
from minigrad._kernels import quiet
from minigrad.errors import InvalidParameterError, MinigradError

if TYPE_CHECKING:
    from minigrad.nn.module import Module
    from minigrad.tensor import Tensor

def _stored_grad(t: Tensor) -> Tensor | None:
    """``t.grad`` without the warning for a non-leaf (the pictures show every tensor's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return t.grad


__all__ = ["Graph", "format_graph", "graph", "parameter_names", "print_graph", "render", "to_dot", "to_svg",
           "walk"]

_FORMATS = ("svg", "png", "pdf")
_ENGINES = ("auto", "dot", "python")
_NO_DOT = (
    "needs the Graphviz program 'dot', which is not on PATH. Install Graphviz itself: "
    "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
    "'conda install graphviz'. Note that 'pip install graphviz' installs only a Python binding, "
    "not the program. Without it, SVG is drawn by minigrad's own layout (engine='python')."
)


def parameter_names() -> dict[int, str]:
    """id(tensor) -> attribute path, for the parameters and buffers of every model called so far.

    A tensor belonging to several models is named by the largest one. This is
    what names leaves when no ``params`` are given.
    """
    return _module_calls.named_tensors()


def _param_names(params: Any) -> dict[int, str]:
    """id(tensor) -> name: the automatic names, overridden by ``params`` (a Module or a mapping)."""
    names = parameter_names()
    if params is None:
        return names
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
    names.update({id(t): str(name) for name, t in items})
    return names


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _describe(t: Tensor) -> str:
    return f"{_shape(t.shape)} {t.dtype}"


def _stats(arr: np.ndarray[Any, Any], prefix: str = "") -> list[str]:
    """``mean m std s`` and ``min a max b`` lines (4 significant digits), or nothing for empty/bool."""
    if arr.size == 0 or arr.dtype.kind not in "iuf":
        return []
    a = arr.astype(np.float64)
    std = f" std {quiet(a.std):.4g}" if a.size > 1 else ""  # inf - inf in the std is nan, silently
    return [f"{prefix}mean {quiet(a.mean):.4g}{std}", f"{prefix}min {a.min():.4g} max {a.max():.4g}"]


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


def walk(root: Tensor) -> list[Tensor]:
    """Every tensor reachable from ``root`` through the graph, in depth-first discovery order."""
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


# ------------------------------------------------------------------------ the graph, once


_PARAM_STYLE = ("box", "lightblue", False)
_CONST_STYLE = ("box", "white", True)
_OUTPUT_STYLE = ("box", "darkolivegreen1", False)
_TENSOR_STYLE = ("box", "white", False)
_OP_STYLE = ("ellipse", "lightgrey", False)


class _Model:
    """Nodes, edges and module boxes of one graph: what the DOT and SVG writers both draw."""

    def __init__(self, tensor: Tensor, params: Any, stats: bool, clusters: bool) -> None:
        names = _param_names(params)
        order = walk(tensor)
        # Node names by discovery order, not id(), so the same graph gives the same text.
        tname = {id(t): f"t{i}" for i, t in enumerate(order)}
        fname: dict[int, str] = {}
        self.nodes: list[_graph_layout.Node] = []
        self.edges: list[tuple[str, str, str]] = []
        self.clusters: dict[str, _graph_layout.Cluster] = {}
        self._keys: dict[int, str] = {}
        self.n_ops = 0
        ops = [t._ctx for t in order if t._ctx is not None and not t._ctx.released]
        calls = _module_calls.calls_for([fn.seq for fn in ops]) if clusters else {}
        first_user: dict[int, Any] = {}  # id(leaf) -> the call of the first op that uses it
        for op in sorted(ops, key=lambda f: f.seq):
            for p in op.parents:
                first_user.setdefault(id(p), calls.get(op.seq))

        for t in order:
            tid = tname[id(t)]
            fn = t._ctx
            lines: list[str]
            cluster = None
            if fn is None:
                lines = [_leaf_name(t, names), _describe(t)]
                shape, fill, dashed = _PARAM_STYLE if t.requires_grad else _CONST_STYLE
                cluster = self._leaf_cluster(t, first_user.get(id(t)), id(t) in names)
            else:
                lines = ["output"] if t is tensor else []
                lines.append(_describe(t))
                shape, fill, dashed = _OUTPUT_STYLE if t is tensor else _TENSOR_STYLE
                call = calls.get(getattr(fn, "seq", -1)) if not fn.released else None
                cluster = self._cluster(call)
                fid = fname.get(id(fn))
                if fid is None:
                    fid = fname[id(fn)] = f"f{len(fname)}"
                    self.n_ops += 1
                    op_shape, op_fill, _ = _OP_STYLE
                    op_lines = [fn.name()] + (["(freed)"] if fn.released else [])
                    self.nodes.append(_graph_layout.Node(fid, op_lines, op_shape, op_fill, False, cluster))
                self.edges.append((fid, tid, ""))
                parents = fn.parents or ()
                for i, p in enumerate(parents):
                    self.edges.append((tname[id(p)], fid, str(i) if len(parents) > 1 else ""))
            if t is tensor and fn is None:
                shape, fill, dashed = _OUTPUT_STYLE
            if stats:
                lines += _stats(t.numpy(force=True))
            if (tg := _stored_grad(t)) is not None:
                lines.append(f"grad {_shape(tg.shape)}")
                if stats:
                    lines += _stats(tg.numpy(force=True), "grad ")
            self.nodes.append(_graph_layout.Node(tid, lines, shape, fill, dashed, cluster))
        # Edges first into each node by input position; nodes were appended op before its output.
        self.edges.sort(key=lambda e: (e[1], e[2]))

    def _cluster(self, call: _module_calls.Call | None) -> str | None:
        """The box of ``call`` (created with its enclosing boxes on first use), or None."""
        if call is None:
            return None
        key = self._keys.get(id(call))
        if key is None:  # numbered by discovery (not the op counter): the same graph, the same text
            key = self._keys[id(call)] = f"cluster_{len(self._keys)}"
            kind = call.kind.__name__
            name = call.qualname()
            label = f"{name}: {kind}" if name and name != kind else kind
            self.clusters[key] = _graph_layout.Cluster(key, label,
                                                       self._cluster(call.parent), call.start)
        return key

    def _leaf_cluster(self, t: Tensor, call: _module_calls.Call | None, named: bool) -> str | None:
        """A parameter goes in the box of the innermost call of the module that owns it; a scalar
        constant in the box of its first user; other leaves (inputs) outside every box."""
        if call is None:
            return None
        if not named:
            return self._cluster(call) if t.numel() == 1 and not t.requires_grad else None
        c: _module_calls.Call | None = call
        while c is not None:
            module = c.module()
            if module is not None and any(v is t for v in (*module._parameters.values(),
                                                            *module._buffers.values())):
                return self._cluster(c)
            c = c.parent
        return None


def _quote(text: str) -> str:
    # DOT string: escape backslash and quote; "\n" is DOT's own centered line break.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_style(node: _graph_layout.Node) -> str:
    if node.shape == "ellipse":
        return f"shape=ellipse, style=filled, fillcolor={node.fill}"
    if node.dashed:
        return 'shape=box, style="rounded,dashed"'
    return f'shape=box, style="rounded,filled", fillcolor={node.fill}'


def _dot(model: _Model) -> str:
    lines = [
        "digraph minigrad {",
        '  graph [rankdir=TB, fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    members: dict[str | None, list[_graph_layout.Node]] = {}
    for node in model.nodes:
        members.setdefault(node.cluster, []).append(node)
    children: dict[str | None, list[str]] = {}
    for cid, c in model.clusters.items():
        children.setdefault(c.parent, []).append(cid)

    def emit(cid: str | None, indent: str) -> None:
        for node in members.get(cid, []):
            lines.append(f"{indent}{node.id} [label={_quote(chr(10).join(node.lines))}, {_dot_style(node)}];")
        for child in children.get(cid, []):
            lines.append(f"{indent}subgraph {child} {{")
            lines.append(f"{indent}  label={_quote(model.clusters[child].label)}; style=\"rounded,filled\"; "
                         "fillcolor=aliceblue; color=slategray; fontsize=10;")
            emit(child, indent + "  ")
            lines.append(f"{indent}}}")

    emit(None, "  ")
    order = {node.id: i for i, node in enumerate(model.nodes)}
    for src, dst, label in sorted(model.edges, key=lambda e: (order[e[1]], e[2], order[e[0]])):
        attr = f" [label={label}]" if label else ""
        lines.append(f"  {src} -> {dst}{attr};")
    return "\n".join([*lines, "}"]) + "\n"


def to_dot(tensor: Tensor, params: Any = None, *, stats: bool = False, clusters: bool = True) -> str:
    """Graphviz DOT text for the graph that produced ``tensor``.

    Nodes: one per op (grey ellipse, ``MulBackward``; "freed" once a backward
    without ``retain_graph`` released it) and one per tensor (box with shape
    and dtype: parameters and other leaves needing grad in blue, constants
    dashed, the output green). Edges follow the data, inputs -> op -> output;
    an op's inputs are numbered when it has several. Each module call is a
    ``subgraph cluster_N`` labelled ``name: Class``.

    Args:
        tensor: the tensor whose history to draw (e.g. a loss).
        params: a Module or a mapping ``name -> Tensor`` naming leaves, in
            addition to (and over) the automatic names.
        stats: add mean/std and min/max of each tensor and of its ``.grad``.
        clusters: draw a box around the ops of each module call.

    Raises:
        TypeError: ``params`` is neither a Module nor a mapping.
    """
    return _dot(_Model(tensor, params, stats, clusters))


def _run_dot(dot: str, fmt: str, path: str | None = None) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise MinigradError(f"drawing {fmt.upper()} {_NO_DOT}")
    command = [exe, f"-T{fmt}"] + (["-o", path] if path else [])
    result = subprocess.run(command, input=dot.encode(), capture_output=True, check=False)
    if result.returncode != 0:
        raise MinigradError(
            f"dot -T{fmt} failed (exit code {result.returncode}): "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout


class Graph:
    """A drawing of the graph behind a tensor, taken when it is made (see :func:`graph`).

    In Jupyter it displays as a picture (``_repr_svg_``). ``source`` is the DOT
    text, ``str(graph)`` the text tree; :meth:`svg` and :meth:`render` draw it.
    """

    def __init__(self, tensor: Tensor, params: Any = None, *, stats: bool = False,
                 clusters: bool = True) -> None:
        self._model = _Model(tensor, params, stats, clusters)
        self.source = _dot(self._model)
        self._tree = format_graph(tensor, params)
        self._svg: dict[str, str] = {}

    @property
    def num_ops(self) -> int:
        """How many op nodes the drawing has."""
        return self._model.n_ops

    def svg(self, engine: str = "auto") -> str:
        """The picture as SVG text.

        Args:
            engine: ``"dot"`` (Graphviz), ``"python"`` (minigrad's own layout,
                no dependencies, the same bytes on every machine), or
                ``"auto"``: dot when it is installed, else python.

        Raises:
            InvalidParameterError: an unknown engine.
            MinigradError: engine="dot" without Graphviz installed.
        """
        if engine not in _ENGINES:
            raise InvalidParameterError(f"engine={engine!r} is not one of {', '.join(_ENGINES)}")
        if engine == "auto":
            engine = "dot" if shutil.which("dot") else "python"
        if engine not in self._svg:
            if engine == "dot":
                self._svg[engine] = _run_dot(self.source, "svg").decode()
            else:
                m = self._model
                self._svg[engine] = _graph_layout.to_svg(list(m.nodes), m.edges, dict(m.clusters))
        return self._svg[engine]

    def _repr_svg_(self) -> str:
        return self.svg()

    def render(self, path: str | os.PathLike[str], format: str | None = None,  # noqa: A002
               engine: str = "auto") -> str:
        """Write the picture to ``path`` (SVG with any engine; PNG and PDF need Graphviz). Returns the path.

        ``format`` defaults to the file's extension (svg when it has none of svg/png/pdf).

        Raises:
            InvalidParameterError: an unsupported format or engine.
            MinigradError: PNG/PDF (or engine="dot") without Graphviz installed, or dot failed.
        """
        target = os.fspath(path)
        if format is None:
            ext = os.path.splitext(target)[1].lstrip(".").lower()
            format = ext if ext in _FORMATS else "svg"  # noqa: A001
        if format not in _FORMATS:
            raise InvalidParameterError(f"format={format!r} is not one of {', '.join(_FORMATS)}")
        if format == "svg":
            with open(target, "w", encoding="utf-8") as f:
                f.write(self.svg(engine))
        else:
            if engine == "python":
                raise InvalidParameterError(f"engine='python' draws SVG only, not {format}")
            _run_dot(self.source, format, target)
        return target

    def __str__(self) -> str:
        return self._tree

    def __repr__(self) -> str:
        return f"<minigrad.viz.Graph: {self.num_ops} ops, {len(self._model.clusters)} module calls>"


def graph(tensor: Tensor, params: Any = None, *, stats: bool = False, clusters: bool = True) -> Graph:
    """A :class:`Graph` of ``tensor``'s history: shows itself in Jupyter, renders to SVG/PNG/PDF.

    Arguments as for :func:`to_dot`.
    """
    return Graph(tensor, params, stats=stats, clusters=clusters)


def to_svg(tensor: Tensor, params: Any = None, *, stats: bool = False, clusters: bool = True,
           engine: str = "auto") -> str:
    """SVG text of ``tensor``'s graph: Graphviz's layout when installed, else minigrad's own (see
    :meth:`Graph.svg`)."""
    return Graph(tensor, params, stats=stats, clusters=clusters).svg(engine)


def render(tensor: Tensor, path: str | os.PathLike[str], format: str | None = None,  # noqa: A002
           params: Any = None, *, stats: bool = False, clusters: bool = True, engine: str = "auto") -> str:
    """Draw the graph of ``tensor`` into an SVG, PNG or PDF file.

    SVG works everywhere (Graphviz's layout when ``dot`` is installed, else
    minigrad's own); PNG and PDF need Graphviz. ``format`` defaults to the
    file's extension (svg when it has none of those).

    Returns:
        The path written, as a string.

    Raises:
        InvalidParameterError: an unsupported ``format`` or ``engine``.
        MinigradError: PNG/PDF without Graphviz's ``dot`` program, or dot failed.
    """
    return Graph(tensor, params, stats=stats, clusters=clusters).render(path, format, engine)


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
    for t in walk(tensor):
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
            lines.append(f"{head}{fn.name()} [#{tags[id(t)]}] (shown above)")
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
            text = f"{fn.name()} {_describe(t)}{tag}"
            if fn.released:
                text += " (freed by backward)"
        if (tg := _stored_grad(t)) is not None:
            text += f" grad {_shape(tg.shape)}"
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
        params: a Module or mapping ``name -> Tensor`` naming the leaves (beside the automatic names).
        file: where to print; standard output by default.
    """
    print(format_graph(tensor, params), file=sys.stdout if file is None else file)


# ------------------------------------------------------------------------ notebooks

MAX_INLINE_OPS = 400  # a tensor's HTML embeds its graph's picture up to this size


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
                    f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def tensor_html(t: Tensor) -> str:
    """HTML for a tensor in Jupyter: its repr, shape/dtype/grad facts and statistics, and, when it
    was made by ops, a picture of its graph (folded; up to ``MAX_INLINE_OPS`` ops)."""
    rows = [("shape", _shape(t.shape)), ("dtype", str(t.dtype)), ("requires_grad", str(t.requires_grad))]
    if t.grad_fn is not None:
        rows.append(("grad_fn", t.grad_fn.name()))
    rows += [("value", line) for line in _stats(t.numpy(force=True))]
    if (tg := _stored_grad(t)) is not None:
        rows += [("grad", line) for line in _stats(tg.numpy(force=True))]
    parts = [f"<pre>{html.escape(repr(t))}</pre>", _table(rows)]
    if t.grad_fn is not None:
        g = Graph(t)
        if g.num_ops <= MAX_INLINE_OPS:
            parts.append(f"<details><summary>graph ({g.num_ops} ops)</summary>{g.svg()}</details>")
        else:
            parts.append(f"<p>graph: {g.num_ops} ops; draw it with mg.viz.graph(t)</p>")
    return "<div class='minigrad-tensor'>" + "".join(parts) + "</div>"


def module_html(module: Module) -> str:
    """HTML for a module in Jupyter: its repr and a table of its parameters and buffers
    (shape, dtype, size, gradient norm once computed)."""
    head = ("<tr><th style='text-align:left'>name</th><th>kind</th><th>shape</th><th>dtype</th>"
            "<th>numel</th><th>grad norm</th></tr>")
    body = []
    total = 0
    entries: list[tuple[str, str, Tensor]] = [(n, "parameter", p) for n, p in module.named_parameters()]
    entries += [(n, "buffer", b) for n, b in module.named_buffers()]
    for name, kind, t in entries:
        if kind == "parameter":
            total += t.numel()
        tg = _stored_grad(t)
        grad = "" if tg is None else f"{float(np.linalg.norm(tg.numpy().astype(np.float64))):.4g}"
        body.append(f"<tr><td style='text-align:left'>{html.escape(name)}</td><td>{kind}</td>"
                    f"<td>{_shape(t.shape)}</td><td>{t.dtype}</td><td>{t.numel():,}</td><td>{grad}</td></tr>")
    return (f"<div class='minigrad-module'><pre>{html.escape(repr(module))}</pre>"
            f"<p>{total:,} parameters</p><table>{head}{''.join(body)}</table></div>")
