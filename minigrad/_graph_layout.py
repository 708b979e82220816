"""A small layered graph layout that writes SVG: ``mg.viz``'s picture when Graphviz is absent.

The method is the classic one of Sugiyama et al., kept short:

1. rank: every node sits one row above the highest node that uses it, so
   the output is the bottom row and each input hugs its first user;
2. edges spanning several rows get invisible waypoints, one per row;
3. order each row by the mean position of its neighbours (a few sweeps down
   and up), keeping the members of a box (a module call) next to each other;
4. place: each node moves towards the mean of its neighbours' positions, as
   far as the minimum gaps in its row allow (an exact least-squares fit per
   row, by pooling adjacent violators);
5. draw boxes around each cluster's members, curves through the waypoints,
   then the nodes.

The output depends only on the input (no randomness, fixed number formats),
so the same graph always gives the same bytes.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from html import escape

__all__ = ["Cluster", "Node", "to_svg"]

FONT = 10.0
CHAR_W = 5.9  # average Helvetica glyph width at 10 px
LINE_H = 13.0
H_GAP = 18.0
BOX_PAD = 10.0
LABEL_H = 14.0
ROW_GAP = 30.0
MARGIN = 12.0
SWEEPS = 8


@dataclass
class Node:
    """A node to draw: ``shape`` is "ellipse" (an op) or "box" (a tensor)."""

    id: str
    lines: list[str]
    shape: str = "box"
    fill: str = "white"
    dashed: bool = False
    cluster: str | None = None
    # filled in by the layout
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0
    y: float = 0.0
    rank: int = 0
    dummy: bool = False


@dataclass
class Cluster:
    """A labelled box around the nodes of one module call; ``parent`` is the enclosing box."""

    id: str
    label: str
    parent: str | None = None
    order: int = 0  # siblings are stacked top to bottom in this order (the order of the calls)
    box: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))


def _size(node: Node) -> None:
    text_w = max((len(line) for line in node.lines), default=0) * CHAR_W
    text_h = LINE_H * max(len(node.lines), 1)
    if node.dummy:
        node.w, node.h = 0.0, 0.0
    elif node.shape == "ellipse":
        node.w, node.h = text_w * 1.15 + 18, text_h + 14
    else:
        node.w, node.h = text_w + 16, text_h + 10


def _chains(clusters: dict[str, Cluster]) -> dict[str | None, tuple[str, ...]]:
    """Each cluster's chain of enclosing clusters and itself, outermost first (None: no cluster)."""
    chain: dict[str | None, tuple[str, ...]] = {None: ()}

    def of(cid: str | None) -> tuple[str, ...]:
        if cid not in chain:
            assert cid is not None
            chain[cid] = (*of(clusters[cid].parent), cid)
        return chain[cid]

    for cid in clusters:
        of(cid)
    return chain


def _stack_siblings(nodes: list[Node], clusters: dict[str, Cluster], paths: dict[str, tuple[str, ...]],
                    succ: dict[str, list[str]], pred: dict[str, list[str]]) -> None:
    """Add ranking-only edges so that boxes with the same parent sit one below the other, in call
    order (a module's calls run one after the other, so their data can only flow downwards)."""
    members: dict[str, list[str]] = {}
    for n in nodes:
        for cid in paths[n.id]:
            members.setdefault(cid, []).append(n.id)
    siblings: dict[str | None, list[str]] = {}
    for cid in sorted(members, key=lambda c: clusters[c].order):
        siblings.setdefault(clusters[cid].parent, []).append(cid)
    for kids in siblings.values():
        for a, b in itertools.pairwise(kids):
            barrier = f"{a}>{b}"
            succ[barrier], pred[barrier] = list(members[b]), list(members[a])
            for m in members[a]:
                succ[m].append(barrier)
            for m in members[b]:
                pred[m].append(barrier)


def _rank(nodes: dict[str, Node], succ: dict[str, list[str]], pred: dict[str, list[str]]) -> int:
    """Row of each node (0 at the top): one above its highest user. Returns the number of rows."""
    height: dict[str, int] = {}
    pending = {k: len(v) for k, v in succ.items()}
    ready = [k for k, n in pending.items() if n == 0]
    while ready:  # sinks first, then nodes all of whose users are placed
        k = ready.pop()
        height[k] = 1 + max((height[s] for s in succ[k]), default=-1)
        for p in pred[k]:
            pending[p] -= 1
            if pending[p] == 0:
                ready.append(p)
    top = max(height.values(), default=0)
    for k, node in nodes.items():
        node.rank = top - height[k]
    return top + 1


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _group_sort(ids: list[str], key: dict[str, float], paths: dict[str, tuple[str, ...]],
                depth: int = 0) -> list[str]:
    """Sort ``ids`` by ``key`` while keeping the members of each cluster together (recursively)."""
    buckets: dict[str, list[str]] = {}
    order: list[tuple[float, int, str, bool]] = []
    for i, nid in enumerate(ids):
        path = paths[nid]
        if len(path) > depth:
            cid = path[depth]
            if cid not in buckets:
                buckets[cid] = []
                order.append((0.0, i, cid, True))
            buckets[cid].append(nid)
        else:
            order.append((key[nid], i, nid, False))
    ranked = []
    for k, i, name, is_bucket in order:
        if is_bucket:
            members = buckets[name]
            k = sum(key[m] for m in members) / len(members)
        ranked.append((k, i, name, is_bucket))
    ranked.sort()
    out: list[str] = []
    for _, _, name, is_bucket in ranked:
        out.extend(_group_sort(buckets[name], key, paths, depth + 1) if is_bucket else [name])
    return out


def _fit_row(desired: list[float], gaps: list[float]) -> list[float]:
    """Positions closest (least squares) to ``desired`` with x[i+1] - x[i] >= gaps[i]."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    # with y = x - offset the constraint is y non-decreasing: isotonic regression (pool adjacent violators)
    blocks: list[list[float]] = []  # [sum, count]
    for d, o in zip(desired, offsets):
        blocks.append([d - o, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    ys: list[float] = []
    for s, c in blocks:
        ys.extend([s / c] * int(c))
    return [y + o for y, o in zip(ys, offsets)]


def _clear_boxes(rows: list[list[str]], by_id: dict[str, Node], paths: dict[str, tuple[str, ...]],
                 clusters: dict[str, Cluster]) -> None:
    """Move nodes out of boxes they do not belong to (a box spans its members' extent over all its
    rows, which can cover an outside node in a row where the box is narrow): the node, and the rest
    of its row on that side, shift just past the box."""
    for _ in range(12):
        spans: dict[str, list[float]] = {}  # cid -> [x0, x1, first row, last row]
        for nid, node in by_id.items():
            if node.dummy:
                continue
            for depth, cid in enumerate(reversed(paths[nid])):
                pad = BOX_PAD * (depth + 1)
                sp = spans.setdefault(cid, [math.inf, -math.inf, node.rank, node.rank])
                sp[0], sp[1] = min(sp[0], node.x - node.w / 2 - pad), max(sp[1], node.x + node.w / 2 + pad)
                sp[2], sp[3] = min(sp[2], node.rank), max(sp[3], node.rank)
        for cid, sp in spans.items():  # a long label widens its box
            sp[1] = max(sp[1], sp[0] + len(clusters[cid].label) * CHAR_W + 2 * BOX_PAD)
        moved = False
        for r, row in enumerate(rows):
            for i, nid in enumerate(row):
                node = by_id[nid]
                if node.dummy:
                    continue
                for cid, (x0, x1, r0, r1) in spans.items():
                    if cid in paths[nid] or not r0 <= r <= r1:
                        continue
                    if node.x + node.w / 2 + 1 <= x0 or node.x - node.w / 2 - 1 >= x1:
                        continue
                    inside = [j for j, m in enumerate(row) if cid in paths[m]]
                    left = x0 - node.w / 2 - 2 - node.x
                    right = x1 + node.w / 2 + 2 - node.x
                    go_left = i < inside[0] if inside else -left <= right
                    for m in (row[: i + 1] if go_left else row[i:]):
                        by_id[m].x += left if go_left else right
                    moved = True
                    break
        if not moved:
            return


def _fmt(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def to_svg(nodes: list[Node], edges: list[tuple[str, str, str]], clusters: dict[str, Cluster]) -> str:
    """Lay out the graph (edges go from source to target, drawn downwards) and return SVG text."""
    by_id = {n.id: n for n in nodes}
    succ: dict[str, list[str]] = {n.id: [] for n in nodes}
    pred: dict[str, list[str]] = {n.id: [] for n in nodes}
    for a, b, _ in edges:
        succ[a].append(b)
        pred[b].append(a)
    chains = _chains(clusters)
    paths = {n.id: chains[n.cluster] for n in nodes}
    _stack_siblings(nodes, clusters, paths, succ, pred)
    n_rows = _rank(by_id, succ, pred)

    # waypoints on long edges, in the innermost cluster both ends share
    routes: list[tuple[list[str], str]] = []
    all_nodes = list(nodes)
    for a, b, label in edges:
        chain = [a]
        ra, rb = by_id[a].rank, by_id[b].rank
        shared = paths[a][: _common(paths[a], paths[b])]
        for r in range(ra + 1, rb):
            d = Node(f"{a}>{b}@{r}", [], cluster=shared[-1] if shared else None, dummy=True, rank=r)
            all_nodes.append(d)
            by_id[d.id] = d
            paths[d.id] = shared
            chain.append(d.id)
        chain.append(b)
        routes.append((chain, label))
    up: dict[str, list[str]] = {n.id: [] for n in all_nodes}
    down: dict[str, list[str]] = {n.id: [] for n in all_nodes}
    for chain, _ in routes:
        for u, v in itertools.pairwise(chain):
            down[u].append(v)
            up[v].append(u)
    for n in all_nodes:
        _size(n)

    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for n in all_nodes:  # discovery order is a good start: the walk visits neighbours together
        rows[n.rank].append(n.id)
    pos = {nid: float(i) for row in rows for i, nid in enumerate(row)}
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        for r in (range(1, n_rows) if downward else range(n_rows - 2, -1, -1)):
            near = up if downward else down
            key = {}
            for nid in rows[r]:
                ns = near[nid]
                key[nid] = sum(pos[m] for m in ns) / len(ns) if ns else pos[nid]
            rows[r] = _group_sort(rows[r], key, paths)
            for i, nid in enumerate(rows[r]):
                pos[nid] = float(i)

    def gap(a: str, b: str) -> float:
        crossed = len(paths[a]) + len(paths[b]) - 2 * _common(paths[a], paths[b])
        return (by_id[a].w + by_id[b].w) / 2 + (H_GAP if not (by_id[a].dummy or by_id[b].dummy) else 8.0) \
            + BOX_PAD * crossed

    for row in rows:
        x = 0.0
        for i, nid in enumerate(row):
            x = x + gap(row[i - 1], nid) if i else 0.0
            by_id[nid].x = x
    for sweep in range(2 * SWEEPS):
        near = up if sweep % 2 == 0 else down
        for row in (rows if sweep % 2 == 0 else reversed(rows)):
            desired = []
            for nid in row:
                ns = near[nid] or up[nid] + down[nid]
                desired.append(sum(by_id[m].x for m in ns) / len(ns) if ns else by_id[nid].x)
            for nid, x in zip(row, _fit_row(desired, [gap(a, b) for a, b in itertools.pairwise(row)])):
                by_id[nid].x = x

    _clear_boxes(rows, by_id, paths, clusters)

    # rows: extra space above a row for each box that starts there, below for each that ends
    starts = [0] * n_rows
    ends = [0] * n_rows
    span: dict[str, list[int]] = {}
    for n in nodes:
        for cid in paths[n.id]:
            lo_hi = span.setdefault(cid, [n.rank, n.rank])
            lo_hi[0], lo_hi[1] = min(lo_hi[0], n.rank), max(lo_hi[1], n.rank)
    for lo, hi in span.values():
        starts[lo] += 1
        ends[hi] += 1
    y = MARGIN
    for r, row in enumerate(rows):
        y += starts[r] * (BOX_PAD + LABEL_H)
        height = max((by_id[nid].h for nid in row), default=0.0)
        for nid in row:
            by_id[nid].y = y + height / 2
        y += height + ROW_GAP + ends[r] * BOX_PAD

    # boxes: members' extent plus padding, children first
    depth_of = {cid: len(chains[cid]) for cid in clusters}
    for cid in sorted(span, key=lambda c: -depth_of[c]):
        members = [n for n in nodes if n.cluster == cid]
        rects = [(n.x - n.w / 2, n.y - n.h / 2, n.x + n.w / 2, n.y + n.h / 2) for n in members]
        rects += [clusters[c].box for c in span if clusters[c].parent == cid]
        label_w = len(clusters[cid].label) * CHAR_W
        x0 = min(r[0] for r in rects) - BOX_PAD
        clusters[cid].box = (x0, min(r[1] for r in rects) - BOX_PAD - LABEL_H,
                             max(max(r[2] for r in rects) + BOX_PAD, x0 + label_w + 2 * BOX_PAD),
                             max(r[3] for r in rects) + BOX_PAD)

    xs = [n.x - n.w / 2 for n in nodes] + [clusters[c].box[0] for c in span]
    shift = MARGIN - min(xs, default=0.0)
    for n in all_nodes:
        n.x += shift
    for cid in span:
        x0, y0, x1, y1 = clusters[cid].box
        clusters[cid].box = (x0 + shift, y0, x1 + shift, y1)
    width = max([n.x + n.w / 2 for n in nodes] + [clusters[c].box[2] for c in span], default=0.0) + MARGIN
    height = max([n.y + n.h / 2 for n in nodes] + [clusters[c].box[3] for c in span], default=0.0) + MARGIN
    return _draw(nodes, routes, by_id, clusters, sorted(span, key=lambda c: depth_of[c]),
                 width, height)


_SVG_COLORS = {"darkolivegreen1": "#caff70"}  # Graphviz (X11) names that SVG lacks


def _draw(nodes: list[Node], routes: list[tuple[list[str], str]], by_id: dict[str, Node],
          clusters: dict[str, Cluster], boxes: list[str], width: float, height: float) -> str:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="{_fmt(FONT)}">',
        '<defs><marker id="mg-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
        f'<rect width="{_fmt(width)}" height="{_fmt(height)}" fill="white"/>',
    ]
    for cid in boxes:
        x0, y0, x1, y1 = clusters[cid].box
        out.append(f'<g class="cluster" data-id="{cid}"><title>{escape(clusters[cid].label)}</title>'
                   f'<rect x="{_fmt(x0)}" y="{_fmt(y0)}" width="{_fmt(x1 - x0)}" height="{_fmt(y1 - y0)}" '
                   'rx="6" fill="#f3f6fb" fill-opacity="0.55" stroke="#8a9bb8"/>'
                   f'<text x="{_fmt(x0 + 6)}" y="{_fmt(y0 + LABEL_H - 2)}" fill="#3b4d6b">'
                   f'{escape(clusters[cid].label)}</text></g>')
    for chain, label in routes:
        pts = []
        for i, nid in enumerate(chain):
            n = by_id[nid]
            if i == 0:
                pts.append((n.x, n.y + n.h / 2))
            elif i == len(chain) - 1:
                pts.append((n.x, n.y - n.h / 2))
            else:
                pts.append((n.x, n.y))
        d = f"M{_fmt(pts[0][0])},{_fmt(pts[0][1])}"
        for (xa, ya), (xb, yb) in itertools.pairwise(pts):
            dy = (yb - ya) / 2
            d += f" C{_fmt(xa)},{_fmt(ya + dy)} {_fmt(xb)},{_fmt(yb - dy)} {_fmt(xb)},{_fmt(yb)}"
        out.append(f'<path d="{d}" fill="none" stroke="#555" marker-end="url(#mg-arrow)"/>')
        if label:
            (xa, ya), (xb, yb) = pts[-2], pts[-1]
            out.append(f'<text x="{_fmt((xa + xb) / 2 + 4)}" y="{_fmt((ya + yb) / 2)}" font-size="9" '
                       f'fill="#555">{escape(label)}</text>')
    for n in nodes:
        dash = ' stroke-dasharray="4,3"' if n.dashed else ""
        fill = _SVG_COLORS.get(n.fill, n.fill)
        if n.shape == "ellipse":
            shape = (f'<ellipse cx="{_fmt(n.x)}" cy="{_fmt(n.y)}" rx="{_fmt(n.w / 2)}" ry="{_fmt(n.h / 2)}" '
                     f'fill="{fill}" stroke="#333"{dash}/>')
        else:
            shape = (f'<rect x="{_fmt(n.x - n.w / 2)}" y="{_fmt(n.y - n.h / 2)}" width="{_fmt(n.w)}" '
                     f'height="{_fmt(n.h)}" rx="4" fill="{fill}" stroke="#333"{dash}/>')
        first = n.y - LINE_H * (len(n.lines) - 1) / 2 + FONT * 0.35
        text = "".join(f'<tspan x="{_fmt(n.x)}" y="{_fmt(first + i * LINE_H)}">{escape(line)}</tspan>'
                       for i, line in enumerate(n.lines))
        out.append(f'<g class="node" data-id="{n.id}"><title>{escape(" ".join(n.lines))}</title>{shape}'
                   f'<text text-anchor="middle">{text}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
