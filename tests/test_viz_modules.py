"""mg.viz without passing the model: automatic names, a box per module call, statistics, SVG and HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad import _module_calls
from tests.test_viz import parse_dot, parse_dot_clusters
from tests.tool_models import batch, mlp_with_batchnorm, transformer_block

SVG = "{http://www.w3.org/2000/svg}"


def mlp_loss() -> tuple[nn.Module, mg.Tensor]:
    mg.manual_seed(0)
    model = mlp_with_batchnorm()
    return model, nn.functional.cross_entropy(model(batch(6, 4)), mg.tensor([0, 1, 2, 0, 1, 2]))


def test_parameters_are_named_without_passing_the_model() -> None:
    model, loss = mlp_loss()
    labels = {label.split("\n")[0] for label in parse_dot(mg.viz.to_dot(loss))[0].values()}
    assert {name for name, _ in model.named_parameters()} <= labels
    assert "leaf" not in labels
    tree = mg.viz.format_graph(loss)
    assert " 0.weight (8, 4) float32 requires_grad" in tree
    assert mg.viz.parameter_names()[id(model[3].bias)] == "3.bias"


def test_the_largest_model_names_shared_parameters() -> None:
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 3), nn.Tanh())
    model(mg.randn(2, 3))
    model[0](mg.randn(2, 3))  # the block called on its own later does not shorten the names
    assert mg.viz.parameter_names()[id(model[0].weight)] == "0.weight"


def test_one_box_per_module_call_nested_with_its_parameters() -> None:
    _model, loss = mlp_loss()  # (names come from live models: keep it)
    nodes, _, boxes = parse_dot_clusters(mg.viz.to_dot(loss))
    by_label = {label.split("\n")[0]: nid for nid, label in nodes.items()}
    assert boxes[by_label["0.weight"]] == ["Sequential", "0: Linear"]
    assert boxes[by_label["1.bias"]] == ["Sequential", "1: BatchNorm1d"]
    assert boxes[by_label["ReluBackward0"]] == ["Sequential", "2: ReLU"]
    assert boxes[by_label["LogSoftmaxBackward0"]] == []  # cross_entropy is a function, not a module
    assert boxes[by_label["const"]] == []  # the input batch is not created by any module
    all_boxes = {tuple(b) for b in boxes.values()}
    assert all_boxes == {(), ("Sequential", "0: Linear"), ("Sequential", "1: BatchNorm1d"),
                         ("Sequential", "2: ReLU"), ("Sequential", "3: Linear")}
    assert parse_dot(mg.viz.to_dot(loss, clusters=False))[0] == nodes  # same nodes, no boxes
    assert "subgraph" not in mg.viz.to_dot(loss, clusters=False)


def test_nested_calls_of_a_transformer_block() -> None:
    mg.manual_seed(0)
    block = transformer_block()
    out = block(batch(2, 5, 8)).sum()
    nodes, _, boxes = parse_dot_clusters(mg.viz.to_dot(out))
    paths = {tuple(b) for b in boxes.values()}
    assert ("TransformerEncoderLayer", "self_attn: MultiheadAttention") in paths
    assert ("TransformerEncoderLayer", "linear1: Linear") in paths
    named = {nodes[n].split("\n")[0]: boxes[n] for n in nodes}
    assert named["self_attn.in_proj_weight"] == ["TransformerEncoderLayer", "self_attn: MultiheadAttention"]
    assert named["norm1.weight"] == ["TransformerEncoderLayer", "norm1: LayerNorm"]


def test_a_deleted_model_keeps_its_boxes_by_class_name() -> None:
    out = nn.Sequential(nn.Linear(2, 2), nn.Tanh())(mg.ones(1, 2)).sum()
    assert boxes_of(out) == {(), ("Sequential", "Linear"), ("Sequential", "Tanh")}


def test_calls_under_no_grad_and_failed_calls_leave_no_trace() -> None:
    _module_calls.clear()
    lin = nn.Linear(2, 2)
    with mg.no_grad():
        lin(mg.ones(1, 2))
    assert len(_module_calls._roots) == 0
    with pytest.raises(mg.ShapeError):
        nn.Sequential(lin)(mg.ones(1, 3))
    assert _module_calls._current.call is None  # the failed call closed its record
    y = lin(mg.ones(1, 2)).sum()
    assert boxes_of(y) == {(), ("Linear",)}


def test_records_stay_bounded_over_many_steps() -> None:
    _module_calls.clear()
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Sequential(nn.Linear(2, 1)))
    for _ in range(3 * _module_calls.MAX_ROOTS):
        model(mg.ones(1, 2)).sum().backward()
    assert len(_module_calls._roots) == _module_calls.MAX_ROOTS
    assert all(len(root) == 5 for root in _module_calls._roots)  # Sequential, Linear, Tanh, Sequential, Lin.
    y = model(mg.ones(1, 2)).sum()  # the newest graph still has its boxes
    assert ("Sequential", "2: Sequential", "2.0: Linear") in boxes_of(y)


def boxes_of(t: mg.Tensor) -> set[tuple[str, ...]]:
    return {tuple(b) for b in parse_dot_clusters(mg.viz.to_dot(t))[2].values()}


def test_statistics_of_values_and_gradients() -> None:
    w = mg.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    nodes, _ = parse_dot(mg.viz.to_dot(y, params={"w": w}, stats=True))
    label = next(v for v in nodes.values() if v.startswith("w\n"))
    a = w.detach().numpy().astype(np.float64)
    g = 2 * a
    assert label.split("\n") == [
        "w", "(2, 2) float32",
        f"mean {a.mean():.4g} std {a.std():.4g}", f"min {a.min():.4g} max {a.max():.4g}",
        "grad (2, 2)",
        f"grad mean {g.mean():.4g} std {g.std():.4g}", f"grad min {g.min():.4g} max {g.max():.4g}",
    ]
    assert "mean" not in mg.viz.to_dot(y)


def _svg_boxes(svg: str) -> tuple[list[tuple[str, tuple[float, ...]]], list[tuple[str, tuple[float, ...]]]]:
    """(id, (x0, y0, x1, y1)) of each module box and each node, from our SVG."""
    root = ET.fromstring(svg)
    boxes, nodes = [], []
    for g in root.iter(f"{SVG}g"):
        title = g.get("data-id") or ""
        shape = g.find(f"{SVG}rect")
        if shape is not None:
            x, y, w, h = (float(shape.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[arg-type]
            rect = (x, y, x + w, y + h)
        else:
            e = g.find(f"{SVG}ellipse")
            cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))  # type: ignore[union-attr, arg-type]
            rect = (cx - rx, cy - ry, cx + rx, cy + ry)
        (boxes if g.get("class") == "cluster" else nodes).append((title, rect))
    return boxes, nodes


@pytest.mark.parametrize("which", ["mlp", "transformer"])
def test_builtin_svg_is_deterministic_and_boxes_hold_exactly_their_members(which: str) -> None:
    if which == "mlp":
        _, out = mlp_loss()
    else:
        mg.manual_seed(0)
        block = transformer_block()
        out = block(batch(2, 3, 8)).sum()
    g = mg.viz.graph(out)
    svg = g.svg(engine="python")
    assert svg == mg.viz.graph(out).svg(engine="python")
    boxes, nodes = _svg_boxes(svg)
    dot_nodes, edges, membership = parse_dot_clusters(g.source)
    assert len(nodes) == len(dot_nodes) and svg.count('marker-end="url(#mg-arrow)"') == len(edges)
    clusters = g._model.clusters
    assert sorted(cid for cid, _ in boxes) == sorted(clusters)
    assert sorted(nid for nid, _ in nodes) == sorted(dot_nodes)
    label_of = {cid: c.label for cid, c in clusters.items()}

    def inside(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]

    def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for nid, rect in nodes:
        member_of = membership[nid]
        for cid, box in boxes:
            # (labels along one path are distinct here, so a label names its box)
            if label_of[cid] in member_of:
                assert inside(rect, box), (dot_nodes[nid], label_of[cid])
            elif overlaps(rect, box):
                pytest.fail(f"{dot_nodes[nid]!r} is drawn over the box {label_of[cid]!r} (not its own)")
    for i, (t1, r1) in enumerate(nodes):
        for t2, r2 in nodes[i + 1:]:
            assert not overlaps(r1, r2), (t1, t2)


def test_graph_objects_display_in_notebooks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _, loss = mlp_loss()
    g = mg.viz.graph(loss, stats=True)
    assert re.fullmatch(r"<minigrad\.viz\.Graph: \d+ ops, 5 module calls>", repr(g))
    assert str(g) == mg.viz.format_graph(loss)
    monkeypatch.setattr(mg.viz.shutil, "which", lambda name: None)
    svg = g._repr_svg_()
    assert svg == g.svg("python") and svg.startswith("<svg") and "0: Linear" in svg
    with pytest.raises(mg.MinigradError, match="apt-get install graphviz"):
        g.svg("dot")
    with pytest.raises(mg.InvalidParameterError, match="engine='fast'"):
        g.svg("fast")
    assert Path(g.render(tmp_path / "g.svg")).read_text() == svg


def test_html_of_tensors_and_modules() -> None:
    model, loss = mlp_loss()
    page = loss._repr_html_()
    assert "<pre>tensor(" in page and "grad_fn" in page and "<details><summary>graph (" in page
    assert "<svg" in page and "0: Linear" in page
    leaf = mg.tensor([1.0, 3.0])
    leaf_page = leaf._repr_html_()
    assert "mean 2 std 1" in leaf_page and "<svg" not in leaf_page
    loss.backward()
    table = model._repr_html_()
    n_params = sum(p.numel() for p in model.parameters())
    assert f"{n_params:,} parameters" in table
    for name, p in model.named_parameters():
        assert f"<td style='text-align:left'>{name}</td>" in table
        assert f"{float(np.linalg.norm(p.grad.numpy().astype(np.float64))):.4g}" in table  # type: ignore[union-attr]
    assert "running_mean" in table
