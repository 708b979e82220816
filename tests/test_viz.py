"""Graph visualisation: DOT structure, Graphviz rendering, the text tree."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from tests.tool_models import batch, mlp_with_batchnorm, transformer_block

NODE = re.compile(r'^\s+(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$')
EDGE = re.compile(r"^  (\w+) -> (\w+)(?: \[label=(\d+)\])?;$")
CLUSTER = re.compile(r"^\s+subgraph (cluster_\d+) \{$")
CLUSTER_LABEL = re.compile(r'^\s+label="((?:[^"\\]|\\.)*)"; style=.*;$')
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")


def parse_dot_clusters(text: str) -> tuple[dict[str, str], list[tuple[str, str]], dict[str, list[str]]]:
    """Node id -> label (with real newlines), edges, and node id -> labels of the boxes around it
    (outermost first), from our DOT output; rejects any other line."""
    lines = text.strip().splitlines()
    assert lines[0] == "digraph minigrad {" and lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    boxes: dict[str, list[str]] = {}
    open_boxes: list[str] = []
    for line in lines[1:-1]:
        if m := NODE.match(line):
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = m.group(2).replace("\\n", "\n").replace('\\"', '"')
            boxes[m.group(1)] = list(open_boxes)
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
        elif CLUSTER.match(line):
            open_boxes.append("?")
        elif m := CLUSTER_LABEL.match(line):
            assert open_boxes and open_boxes[-1] == "?", line
            open_boxes[-1] = m.group(1)
        elif line.strip() == "}":
            open_boxes.pop()
        else:
            assert line.startswith(("  graph ", "  node ", "  edge ")), line
    assert not open_boxes
    for a, b in edges:
        assert a in nodes and b in nodes, (a, b)
    return nodes, edges, boxes


def parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Node id -> label (with real newlines), and edges, from our DOT output."""
    nodes, edges, _ = parse_dot_clusters(text)
    return nodes, edges


def small_graph() -> tuple[mg.Tensor, mg.Tensor, mg.Tensor]:
    a = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = mg.tensor([[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]])
    return (a * b + a).sum(), a, b


def test_dot_structure_of_a_known_graph() -> None:
    y, a, _ = small_graph()
    nodes, edges = parse_dot(mg.viz.to_dot(y, params={"a": a}))
    ops = sorted(label for label in nodes.values() if label.endswith("Backward0"))
    assert ops == ["AddBackward0", "MulBackward0", "SumBackward0"]
    tensors = [label for label in nodes.values() if not label.endswith("Backward0")]
    # y, a*b+a, a*b, a, b
    assert len(tensors) == 5
    # a->Mul, b->Mul, Mul->ab, ab->Add, a->Add, Add->s, s->Sum, Sum->y
    assert len(edges) == 8
    by_label = {v: k for k, v in nodes.items()}
    assert "a\n(2, 3) float32" in by_label
    assert "output\n() float32" in by_label
    assert "const\n(2, 3) float32" in by_label
    a_id = by_label["a\n(2, 3) float32"]
    # a feeds both Mul and Add
    assert sorted(nodes[dst] for src, dst in edges if src == a_id) == ["AddBackward0", "MulBackward0"]


def test_dot_is_deterministic_and_names_constants() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    first = mg.viz.to_dot((x * 2.5).sum())
    assert first == mg.viz.to_dot((x * 2.5).sum())
    nodes, _ = parse_dot(first)
    assert "const 2.5\n() float32" in nodes.values()
    assert "leaf\n(2,) float32" in nodes.values()


def test_same_input_twice_gives_two_labelled_edges() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    text = mg.viz.to_dot(x * x)
    assert re.search(r"t1 -> f0 \[label=0\];\n  t1 -> f0 \[label=1\];", text)


def test_mlp_parameters_named_and_grad_shapes_after_backward() -> None:
    mg.manual_seed(0)
    model = mlp_with_batchnorm()
    loss = model(batch(6, 4)).sum()
    nodes, _ = parse_dot(mg.viz.to_dot(loss, params=model))
    labels = set(nodes.values())
    for name, p in model.named_parameters():
        shape = "(" + ", ".join(map(str, p.shape)) + ("," if p.ndim == 1 else "") + ")"
        assert f"{name}\n{shape} float32" in labels
    op_names = {label for label in labels if label.endswith("Backward0")}
    # Linear is AddmmBackward0 as in PyTorch; batch norm is made of primitives: mean (Sum, Div),
    # centering, variance, (var + eps) ** -0.5, scale.
    assert {"AddmmBackward0", "SumBackward0", "AddBackward0", "PowBackward0", "MulBackward0",
            "ReluBackward0"} <= op_names
    assert not any("grad " in label for label in labels)

    loss.backward(retain_graph=True)
    nodes, _ = parse_dot(mg.viz.to_dot(loss, params=dict(model.named_parameters())))
    assert "0.weight\n(8, 4) float32\ngrad (8, 4)" in nodes.values()
    assert "3.bias\n(3,) float32\ngrad (3,)" in nodes.values()
    assert not any("freed" in label for label in nodes.values())


def test_freed_graph_is_drawn_without_inputs() -> None:
    y, _, _ = small_graph()
    y.backward()
    nodes, edges = parse_dot(mg.viz.to_dot(y))
    assert sorted(nodes.values()) == ["SumBackward0\n(freed)", "output\n() float32"]
    assert len(edges) == 1
    assert "(freed by backward)" in mg.viz.format_graph(y)


def test_params_must_be_module_or_mapping() -> None:
    y, _, _ = small_graph()
    with pytest.raises(TypeError, match="params must be a Module or a mapping"):
        mg.viz.to_dot(y, params=[1, 2])


def test_deep_graph_does_not_recurse() -> None:
    x = mg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    nodes, edges = parse_dot(mg.viz.to_dot(y))
    assert len(nodes) == 3000 + 3001 + 3000  # ops, tensors (x and every product), constants
    assert len(edges) == 3 * 3000
    assert len(mg.viz.format_graph(y).splitlines()) == 1 + 2 * 3000


def test_print_graph_tree_with_shared_subgraph(capsys: pytest.CaptureFixture[str]) -> None:
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = mg.tensor([0.5, 0.5, 0.5])
    h = w * x
    y = (h + h.exp()).sum()
    mg.viz.print_graph(y, params={"w": w, "x": x})
    expected = """\
SumBackward0 () float32
└── AddBackward0 (3,) float32
    ├── MulBackward0 (3,) float32 [#1]
    │   ├── w (3,) float32 requires_grad
    │   └── x (3,) float32
    └── ExpBackward0 (3,) float32
        └── MulBackward0 [#1] (shown above)
"""
    assert capsys.readouterr().out == expected
    y.backward(retain_graph=True)
    assert mg.viz.format_graph(y, params={"w": w}).splitlines()[3] == (
        "    │   ├── w (3,) float32 requires_grad grad (3,)"
    )


def test_print_graph_of_a_leaf() -> None:
    assert mg.viz.format_graph(mg.tensor(2.0)) == "const 2 () float32"
    assert mg.viz.format_graph(mg.ones(2, 2, dtype=mg.float64)) == "const (2, 2) float64"


def test_transformer_block_graph() -> None:
    mg.manual_seed(0)
    block = transformer_block()
    out = block(batch(2, 5, 8)).sum()
    nodes, edges = parse_dot(mg.viz.to_dot(out, params=block))
    labels = set(nodes.values())
    assert "SoftmaxBackward0" in labels and "AddmmBackward0" in labels
    names = {label.split("\n")[0] for label in labels}
    assert {name for name, _ in block.named_parameters()} <= names
    # every op node has exactly one output tensor and at least one input
    for nid, label in nodes.items():
        if label.endswith("Backward0"):
            assert sum(1 for s, _ in edges if s == nid) == 1
            assert sum(1 for _, d in edges if d == nid) >= 1


# ------------------------------------------------------------------ Graphviz


@needs_dot
def test_dot_program_accepts_our_dot() -> None:
    mg.manual_seed(0)
    model = mlp_with_batchnorm()
    loss = model(batch(6, 4)).sum()
    loss.backward(retain_graph=True)
    for text in (mg.viz.to_dot(loss, params=model), mg.viz.to_dot(small_graph()[0])):
        result = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False)
        assert result.returncode == 0, result.stderr.decode()
        assert result.stderr == b""
        svg = result.stdout.decode()
        assert "<svg" in svg
        assert "MmBackward0" in svg or "MulBackward0" in svg


@needs_dot
def test_render_writes_svg_and_png(tmp_path: Path) -> None:
    y, a, _ = small_graph()
    svg = mg.viz.render(y, tmp_path / "g.svg", params={"a": a})
    assert svg == str(tmp_path / "g.svg")
    text = (tmp_path / "g.svg").read_text()
    assert "<svg" in text and "SumBackward0" in text and ">a<" in text
    mg.viz.render(y, tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    mg.viz.render(y, tmp_path / "graph", format="png")
    assert (tmp_path / "graph").read_bytes()[:4] == b"\x89PNG"


def test_render_without_dot_draws_svg_itself_and_explains_png(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setattr(mg.viz.shutil, "which", lambda name: None)
    y, a, _ = small_graph()
    mg.viz.render(y, tmp_path / "g.svg", params={"a": a})
    text = (tmp_path / "g.svg").read_text()
    assert text.startswith("<svg") and ">SumBackward0<" in text and ">a<" in text
    with pytest.raises(mg.MinigradError) as info:
        mg.viz.render(y, tmp_path / "g.png")
    msg = str(info.value)
    assert "apt-get install graphviz" in msg and "pip install graphviz" in msg
    assert not (tmp_path / "g.png").exists()


def test_render_rejects_unknown_format(tmp_path: Path) -> None:
    y, _, _ = small_graph()
    with pytest.raises(mg.InvalidParameterError, match="format='gif'"):
        mg.viz.render(y, tmp_path / "g.gif", format="gif")


def test_viz_leaves_values_alone() -> None:
    y, a, b = small_graph()
    before = a.detach().numpy().copy()
    mg.viz.to_dot(y)
    mg.viz.format_graph(y)
    np.testing.assert_array_equal(a.detach().numpy(), before)
    assert y.item() == pytest.approx(float(((before * b.numpy()) + before).sum()))
