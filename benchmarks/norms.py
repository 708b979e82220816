"""``norms``: forward + backward of single normalization/regularization layers.

Three rows, each with a fixed random upstream gradient (a ``sum()`` on top
would hide a backward that ignores its input):

* ``norms/batchnorm1d``: BatchNorm1d(512), training mode, on (256, 512);
* ``norms/layernorm``: LayerNorm(256) over the last dim of (32, 128, 256);
* ``norms/dropout``: Dropout(0.5), training mode, on (256, 1024).

Dropout draws different masks in each library, so its check is a
self-consistency one: every output element is either 0 or x / (1 - p), the
gradient uses the same mask, and about half the elements are kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, LayerRunner, load_params, make_builders
from benchmarks.harness import IMPLS, TORCH_MISSING, Array, Case, CheckReport, Runner, load_torch
from benchmarks.numpy_ref import NumpyBatchNorm, NumpyDropout, NumpyLayerNorm

BN_SHAPE = (256, 512)
LN_SHAPE = (32, 128, 256)
DROPOUT_SHAPE = (256, 1024)
DROPOUT_P = 0.5


def _arrays(shape: tuple[int, ...], seed: int) -> tuple[Array, Array, Array, Array]:
    """x (shifted and scaled, so normalization has work to do), upstream g, weight, bias."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape, dtype=np.float32) * 2 + 0.5).astype(np.float32)
    g = rng.standard_normal(shape, dtype=np.float32)
    n = shape[-1]
    w = (1 + 0.1 * rng.standard_normal(n)).astype(np.float32)
    b = (0.1 * rng.standard_normal(n)).astype(np.float32)
    return x, g, w, b


def _skipped() -> dict[str, str]:
    return {} if load_torch() is not None else {"pytorch": TORCH_MISSING}


def batchnorm_case() -> Case:
    """BatchNorm1d(512) in training mode on (256, 512)."""
    x, g, w, b = _arrays(BN_SHAPE, 10)

    def build(fw: Framework, check: bool) -> LayerRunner:
        layer = fw.nn.BatchNorm1d(BN_SHAPE[1])
        layer.train()
        load_params(fw, layer, {"weight": w, "bias": b})
        return LayerRunner(fw, layer, x, g)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyBatchNorm(w, b, x, g)
    return Case("norms/batchnorm1d", f"BatchNorm1d (training) on {BN_SHAPE}: forward + backward",
                builders, _skipped())


def layernorm_case() -> Case:
    """LayerNorm(256) on (32, 128, 256)."""
    x, g, w, b = _arrays(LN_SHAPE, 11)

    def build(fw: Framework, check: bool) -> LayerRunner:
        layer = fw.nn.LayerNorm(LN_SHAPE[-1])
        load_params(fw, layer, {"weight": w, "bias": b})
        return LayerRunner(fw, layer, x, g)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyLayerNorm(w, b, x, g)
    return Case("norms/layernorm", f"LayerNorm over the last dim of {LN_SHAPE}: forward + backward",
                builders, _skipped())


def dropout_case() -> Case:
    """Dropout(0.5) in training mode on (256, 1024)."""
    x, g, _, _ = _arrays(DROPOUT_SHAPE, 12)

    def build(fw: Framework, check: bool) -> LayerRunner:
        layer = fw.nn.Dropout(DROPOUT_P)
        layer.train()
        return LayerRunner(fw, layer, x, g)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyDropout(x, g, DROPOUT_P)
    return Case("norms/dropout", f"Dropout({DROPOUT_P}) (training) on {DROPOUT_SHAPE}: forward + backward",
                builders, _skipped(), checker=lambda runners: check_dropout(runners, x, g, DROPOUT_P))


def check_dropout(
    runners: dict[str, Runner], x: Array, g: Array, p: float, rtol: float = 1e-6
) -> CheckReport:
    """Self-consistency of inverted dropout, per implementation.

    Kept elements (output != 0) must equal x / (1 - p) and carry g / (1 - p)
    as gradient; dropped ones must have zero gradient; the kept fraction must
    be within 10 standard deviations of 1 - p, and two steps must draw
    different masks. The reported error is the worst relative deviation of a
    kept value (output or gradient).
    """
    report = CheckReport(reference=None)
    n = x.size
    tol_frac = 10 * np.sqrt(p * (1 - p) / n)
    scale = np.float32(1.0 / (1.0 - p))
    for impl in IMPLS:
        runner = runners.get(impl)
        if runner is None:
            continue
        problems: list[str] = []
        worst = 0.0
        try:
            masks = []
            for _ in range(2):
                runner.step()
                snap = runner.snapshot()
                y, gx = snap["out:y"], snap["grad:x"]
                keep = y != 0
                masks.append(keep)
                if y.dtype != np.float32 or gx.dtype != np.float32:
                    problems.append(f"dtypes {y.dtype}, {gx.dtype}; expected float32")
                frac = float(keep.mean())
                if abs(frac - (1 - p)) > tol_frac:
                    problems.append(f"kept fraction {frac:.4f}, expected {1 - p} +- {tol_frac:.4f}")
                err_y = float(np.max(np.abs(y[keep] - x[keep] * scale)) / np.max(np.abs(x * scale)))
                err_g = float(np.max(np.abs(gx[keep] - g[keep] * scale)) / np.max(np.abs(g * scale)))
                worst = max(worst, err_y, err_g)
                if err_y > rtol or err_g > rtol:
                    problems.append(f"kept values off by {err_y:.1e} (output), {err_g:.1e} (gradient)")
                if np.any(gx[~keep] != 0):
                    problems.append("gradient is non-zero where the output was dropped")
            if np.array_equal(masks[0], masks[1]):
                problems.append("two steps drew the same mask")
        except Exception as e:
            report.status[impl] = "error"
            report.messages.append(f"{impl}: {type(e).__name__}: {e}")
            continue
        report.errors[impl] = worst
        report.status[impl] = "FAIL" if problems else "ok"
        report.messages += [f"{impl}: {m}" for m in problems]
    return report


def cases() -> list[Case]:
    """The three ``norms`` rows."""
    return [batchnorm_case(), layernorm_case(), dropout_case()]
