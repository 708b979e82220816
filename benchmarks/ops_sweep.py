"""``python -m benchmarks.ops_sweep [NAME ...]``: common ops and layers, forward + backward, against PyTorch.

The workloads of ``python -m benchmarks`` are whole training steps; this sweep
looks one op or layer at a time, on the shapes a small script gives them, for
the pathologies a step would hide (a numpy fallback that loops per row, a copy
that a layout forces, a composition that makes ten passes where one would do).
Each case first checks that both libraries agree (the result and every input
gradient, differences below 1e-3 of the reference's largest magnitude in
float32), then times one call of each in turn and reports the medians and their
ratio. It found, among others, topk's full sort, the embedding gradient's
element-by-element ``np.add.at`` and the composed softplus / hardswish; see
benchmarks/README.md.
"""

from __future__ import annotations

from benchmarks._threads import pin_threads

pin_threads()  # before anything imports numpy

import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

Array = np.ndarray[Any, Any]

Shapes = list[tuple[int, ...]]
Ints = list[tuple[tuple[int, ...], int]]


def _sq(y: Any) -> Any:
    return y.square().mean()


#: name -> (float input shapes, integer inputs as (shape, high), the call on (lib, *inputs): a scalar loss)
CASES: dict[str, tuple[Shapes, Ints, Callable[..., Any]]] = {
    "conv2d 3x3": ([(16, 8, 28, 28), (16, 8, 3, 3)], [],
                   lambda m, x, w: _sq(m.nn.functional.conv2d(x, w, padding=1))),
    "depthwise conv2d": ([(8, 32, 28, 28), (32, 1, 3, 3)], [],
                         lambda m, x, w: _sq(m.nn.functional.conv2d(x, w, padding=1, groups=32))),
    "max_pool2d": ([(16, 16, 28, 28)], [], lambda m, x: _sq(m.nn.functional.max_pool2d(x, 2))),
    "avg_pool2d": ([(16, 16, 28, 28)], [], lambda m, x: _sq(m.nn.functional.avg_pool2d(x, 2))),
    "adaptive_avg_pool2d(1)": ([(16, 64, 7, 7)], [],
                               lambda m, x: _sq(m.nn.functional.adaptive_avg_pool2d(x, 1))),
    "interpolate bilinear": ([(8, 8, 32, 32)], [], lambda m, x: _sq(m.nn.functional.interpolate(
        x, scale_factor=2, mode="bilinear", align_corners=False))),
    "interpolate nearest": ([(8, 16, 32, 32)], [],
                            lambda m, x: _sq(m.nn.functional.interpolate(x, scale_factor=2, mode="nearest"))),
    "embedding": ([(10000, 128)], [((32, 64), 10000)], lambda m, w, i: _sq(m.nn.functional.embedding(i, w))),
    "index_select": ([(1000, 64)], [((300,), 1000)], lambda m, x, i: _sq(m.index_select(x, 0, i))),
    "x[:, idx]": ([(64, 500)], [((200,), 500)], lambda m, x, i: _sq(x[:, i])),
    "gather": ([(256, 1000)], [((256, 10), 1000)], lambda m, x, i: _sq(m.gather(x, 1, i))),
    "scatter_add": ([(256, 64)], [((256, 64), 32)],
                    lambda m, x, i: _sq(m.zeros(32, 64).scatter_add(0, i, x))),
    "topk": ([(256, 1000)], [], lambda m, x: _sq(m.topk(x, 10, dim=1)[0])),
    "cumsum": ([(256, 1000)], [], lambda m, x: _sq(m.cumsum(x, 1))),
    "softmax dim 1 of 4-d": ([(8, 10, 32, 32)], [], lambda m, x: _sq(m.softmax(x, 1))),
    "cross_entropy 5000 classes": ([(256, 5000)], [((256,), 5000)],
                                   lambda m, x, y: m.nn.functional.cross_entropy(x, y)),
    "cross_entropy 4-d": ([(8, 10, 32, 32)], [((8, 32, 32), 10)],
                          lambda m, x, y: m.nn.functional.cross_entropy(x, y)),
    "bce_with_logits": ([(256, 100)], [((256, 100), 2)],
                        lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, y.float())),
    "mse + l1 + smooth_l1": ([(256, 100)], [((256, 100), 3)], lambda m, x, y: (
        m.nn.functional.mse_loss(x, y.float()) + m.nn.functional.l1_loss(x, y.float())
        + m.nn.functional.smooth_l1_loss(x, y.float()))),
    "layer_norm (32, 20, 64)": ([(32, 20, 64), (64,), (64,)], [],
                                lambda m, x, w, b: _sq(m.nn.functional.layer_norm(x, (64,), w, b))),
    # (+ x: the mean square of a normalized output is constant, and its gradient rounding noise)
    "group_norm": ([(16, 32, 14, 14)], [], lambda m, x: _sq(m.nn.functional.group_norm(x, 4) + x)),
    "gelu": ([(64, 1024)], [], lambda m, x: _sq(m.nn.functional.gelu(x))),
    "elu": ([(64, 1024)], [], lambda m, x: _sq(m.nn.functional.elu(x))),
    "softplus": ([(64, 1024)], [], lambda m, x: _sq(m.nn.functional.softplus(x))),
    "hardswish": ([(64, 1024)], [], lambda m, x: _sq(m.nn.functional.hardswish(x))),
    "hardsigmoid": ([(64, 1024)], [], lambda m, x: _sq(m.nn.functional.hardsigmoid(x))),
    "cdist": ([(128, 32), (256, 32)], [], lambda m, a, b: _sq(m.cdist(a, b))),
    "cosine_similarity": ([(512, 64), (512, 64)], [],
                          lambda m, a, b: _sq(m.nn.functional.cosine_similarity(a, b))),
    "scaled_dot_product_attention causal": ([(8, 4, 64, 32)] * 3, [], lambda m, q, k, v: _sq(
        m.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True))),
    "bmm": ([(64, 32, 48), (64, 48, 32)], [], lambda m, a, b: _sq(m.bmm(a, b))),
    "stack of 100": ([(100, 8)], [], lambda m, x: _sq(m.stack([x[i] for i in range(100)]))),
    "unbind + stack": ([(64, 32, 16)], [], lambda m, x: _sq(m.stack(x.unbind(1), 2))),
    "conv2d 3x3 stride 2": ([(32, 32, 28, 28), (64, 32, 3, 3)], [],
                            lambda m, x, w: _sq(m.nn.functional.conv2d(x, w, stride=2, padding=1))),
    "adaptive_max_pool2d": ([(16, 32, 14, 14)], [],
                            lambda m, x: _sq(m.nn.functional.adaptive_max_pool2d(x, 7))),
    "huber": ([(256, 100), (256, 100)], [], lambda m, x, t: m.nn.functional.huber_loss(x, t.detach())),
    # (a top-p sampler's sort of a GPT-2-sized vocabulary)
    "sort descending 50257": ([(1, 50257)], [], lambda m, x: _sq(m.sort(x, descending=True)[0][:, :100])),
}


def _inputs(lib: Any, shapes: list[tuple[int, ...]], ints: list[tuple[tuple[int, ...], int]],
            seed: int) -> tuple[list[Any], list[Any]]:
    """(float inputs that require grad, integer inputs) of ``lib``, the same values in both libraries."""
    rng = np.random.default_rng(seed)
    floats = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    indices = [rng.integers(0, high, s) for s, high in ints]
    if lib.__name__ == "torch":
        return [lib.from_numpy(a).requires_grad_(True) for a in floats], [lib.from_numpy(i) for i in indices]
    return [lib.tensor(a, requires_grad=True) for a in floats], [lib.tensor(i) for i in indices]


def _run(lib: Any, name: str) -> tuple[Callable[[], Any], list[Any]]:
    """A call that runs the case forward and backward (grads reset first), and its float inputs."""
    shapes, ints, fn = CASES[name]
    floats, indices = _inputs(lib, shapes, ints, seed=sum(map(ord, name)))

    def step() -> Any:
        for t in floats:
            t.grad = None
        loss = fn(lib, *floats, *indices)
        loss.backward()
        return loss

    return step, floats


def _numpy(t: Any) -> Array:
    return np.array(t.detach().numpy() if hasattr(t, "detach") else t.numpy(), dtype=np.float64)


def _worst(a: Array, b: Array) -> float:
    """The largest difference relative to the reference's largest magnitude (elements that cancel to
    near zero would make an elementwise ratio meaningless in float32)."""
    return float(np.max(np.abs(a - b)) / (np.max(np.abs(b)) + 1e-12)) if a.size else 0.0


def agreement(name: str, torch: Any, mg: Any) -> float:
    """The worst relative difference between the libraries' loss and input gradients for case ``name``."""
    (t_step, t_in), (m_step, m_in) = _run(torch, name), _run(mg, name)
    worst = _worst(_numpy(m_step()), _numpy(t_step()))
    for m, t in zip(m_in, t_in):
        if (m.grad is None) != (t.grad is None):
            return float("inf")
        if m.grad is not None:
            worst = max(worst, _worst(_numpy(m.grad), _numpy(t.grad)))
    return worst


def time_case(name: str, torch: Any, mg: Any, seconds: float = 0.3) -> tuple[float, float]:
    """Median seconds per call (PyTorch, minigrad), the two calls interleaved for ``seconds`` in all."""
    t_step, _ = _run(torch, name)
    m_step, _ = _run(mg, name)
    for step in (t_step, m_step, t_step, m_step):  # (warm-up)
        step()
    times: tuple[list[float], list[float]] = ([], [])
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times[0]) < 5:
        for step, out in ((t_step, times[0]), (m_step, times[1])):
            start = time.perf_counter()
            step()
            out.append(time.perf_counter() - start)
    return float(np.median(times[0])), float(np.median(times[1]))


def main(argv: list[str] | None = None, seconds: float = 0.3) -> int:
    """Print agreement, medians and the ratio for each named case (all by default); 1 on disagreement."""
    import torch

    import minigrad as mg

    torch.set_num_threads(1)
    names = (argv if argv is not None else sys.argv[1:]) or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s) {unknown}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    failed = False
    print(f"{'case':38s} {'agree':>8s} {'pytorch us':>11s} {'minigrad us':>12s} {'ratio':>7s}")
    for name in names:
        worst = agreement(name, torch, mg)
        if worst > 1e-3:
            failed = True
            print(f"{name:38s} {worst:8.1e}  DIFFERENT: not timed")
            continue
        t, m = time_case(name, torch, mg, seconds)
        print(f"{name:38s} {worst:8.1e} {t * 1e6:11.1f} {m * 1e6:12.1f} {m / t:6.2f}x", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
