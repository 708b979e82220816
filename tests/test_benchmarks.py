"""Smoke tests of the benchmark suite: it checks agreement, times, and reports.

Timing numbers are not asserted (the machine is shared); the agreement check,
the table's rows and the JSON layout are. The failure tests use a
deliberately wrong implementation to show the check is not vacuous.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from benchmarks import cnn, harness, lstm, mlp, norms, overhead
from benchmarks.harness import Case, CheckReport, Settings
from benchmarks.numpy_ref import NumpyDropout, NumpyMLP
from tests.helpers import require_torch

FAST = Settings(repeats=2, warmup=1, min_sample_s=0.0)


def _rows(table: str, case: str) -> list[str]:
    return [ln.split()[1] for ln in table.splitlines() if ln.split()[:1] == [case]]


@pytest.mark.parametrize("cases", [overhead.cases, lambda: [norms.layernorm_case()]])
def test_quick_run_agrees_and_reports_every_implementation(cases: object) -> None:
    case = cases()[0]  # type: ignore[operator]
    result = harness.run_case(case, FAST)
    assert result.check.ok, result.check.messages
    expected = [i for i in harness.IMPLS if i in case.builders]
    assert "minigrad" in expected and "numpy" in expected
    assert result.check.reference is not None
    assert result.check.status[result.check.reference] == "ref"
    for impl in expected:
        if impl != result.check.reference:
            assert result.check.status[impl] == "ok"
            assert 0 <= result.check.errors[impl] <= harness.RTOL
        t = result.timings[impl]
        assert len(t.samples_ms) == FAST.repeats
        assert 0 < t.min <= t.median <= t.max
    table = harness.format_table([result])
    # an implementation whose library is missing (PyTorch, in a run without it) gets a "skipped" row
    assert _rows(table, case.name) == [i for i in harness.IMPLS if i in case.builders or i in case.skipped]
    if "numpy" in result.timings:
        assert result.ratio("numpy", "numpy") == pytest.approx(1.0)


def test_mlp_check_passes_and_numpy_matches_minigrad_without_torch() -> None:
    case = mlp.cases()[0]
    # drop PyTorch so the reference falls back to numpy, as on a machine without it
    no_torch = Case(case.name, case.description, {k: v for k, v in case.builders.items() if k != "pytorch"})
    report = harness.check_case(no_torch)
    assert report.reference == "numpy"
    assert report.status == {"minigrad": "ok", "compiled": "ok", "numpy": "ref"}, report.messages
    assert report.errors["minigrad"] <= harness.RTOL


def test_every_minigrad_row_has_a_compiled_row_checked_bit_for_bit() -> None:
    for case in [*mlp.cases(), *overhead.cases(), *norms.cases()]:
        assert "compiled" in case.builders, case.name
    runner = overhead.cases()[0].builders["compiled"](True)
    for _ in range(harness.REPLAY_CHECK_STEPS):
        runner.step()
    assert runner._run.replays == harness.REPLAY_CHECK_STEPS - 2  # the check covers replayed steps
    same = [{"loss": np.array([1.0, 2.0], np.float32)}]
    assert harness.bitwise_differences(same, same) == []
    off = [{"loss": np.array([1.0, np.nextafter(np.float32(2), np.float32(3))], np.float32)}]
    assert harness.bitwise_differences(same, off) == ["step 1: loss is not bit-identical to eager minigrad's"]


def test_memory_column_reports_peak_bytes_allocated_per_step() -> None:
    result = harness.run_case(norms.layernorm_case(), FAST)
    x_bytes = 4 * int(np.prod(norms.LN_SHAPE))
    eager, compiled, numpy_ = (result.timings[i] for i in ("minigrad", "compiled", "numpy"))
    # every step allocates at least its output and the input's gradient
    assert eager.peak_bytes is not None and eager.peak_bytes >= 2 * x_bytes
    assert numpy_.peak_bytes is not None and numpy_.peak_bytes >= 2 * x_bytes
    # a replay writes into buffers it keeps: it allocates less per step, and reports what it keeps
    assert compiled.peak_bytes is not None and compiled.peak_bytes < eager.peak_bytes
    assert compiled.static_bytes is not None and compiled.static_bytes >= x_bytes
    if "pytorch" in result.timings:
        assert result.timings["pytorch"].peak_bytes is None  # its allocator does not report to tracemalloc
    header = harness.format_table([result]).splitlines()[0]
    assert "MB/step" in header


class _GradientOff(NumpyMLP):
    """Correct step, then one weight gradient off by 0.1% (a subtle backward bug)."""

    def step(self) -> None:
        super().step()
        self.grads["0.weight"] = self.grads["0.weight"] * np.float32(1.001)


def _mlp_case_with(wrong: type[NumpyMLP], momentum: float = mlp.MOMENTUM) -> Case:
    widths = (mlp.IN_FEATURES, 64, 64, mlp.CLASSES)
    weights = mlp.mlp_weights(widths)
    x, y = mlp.mlp_data()
    return Case("mlp-test", "a correct and a wrong numpy MLP", {
        "numpy": lambda check: NumpyMLP(weights, x, y, 0.0),
        "minigrad": lambda check: wrong(weights, x, y, 0.0, momentum=momentum),
    })


def test_check_fails_on_a_wrong_gradient_and_nothing_is_timed() -> None:
    result = harness.run_case(_mlp_case_with(_GradientOff), FAST)
    assert not result.check.ok
    assert result.check.status["minigrad"] == "FAIL"
    assert result.check.errors["minigrad"] == pytest.approx(1e-3, rel=0.05)
    assert any("grad:0.weight" in m for m in result.check.messages)
    assert result.timings == {}
    assert "FAIL" in harness.format_table([result])


def test_check_fails_on_a_wrong_optimizer_visible_only_at_the_second_step() -> None:
    report = harness.check_case(_mlp_case_with(NumpyMLP, momentum=0.8))
    assert report.status["minigrad"] == "FAIL"
    # the first step has no momentum yet: only step 2 may differ
    assert report.messages and all("step 2" in m for m in report.messages)


def test_relative_errors_floor_dtype_and_keys() -> None:
    ref = {"grad:w": np.array([1.0, -2.0], np.float32), "grad:b": np.array([1e-9], np.float32)}
    # noise on an analytically-zero gradient is measured against the group's scale
    err, key, problems = harness.relative_errors(ref, {**ref, "grad:b": np.array([3e-9], np.float32)})
    assert problems == [] and key == "grad:b" and err == pytest.approx(2e-9 / (harness.FLOOR * 2), rel=1e-3)
    err, key, problems = harness.relative_errors(ref, {**ref, "grad:w": np.array([1.0, -2.001], np.float32)})
    assert key == "grad:w" and err == pytest.approx(5e-4, rel=1e-3) and len(problems) == 1
    _, _, problems = harness.relative_errors(ref, {**ref, "grad:w": ref["grad:w"].astype(np.float64)})
    assert problems == ["grad:w: dtype float64, reference has float32"]
    _, _, problems = harness.relative_errors(ref, {"grad:w": ref["grad:w"]})
    assert "keys differ" in problems[0]


class _UnmaskedGradient(NumpyDropout):
    """Dropout whose backward forgets the mask."""

    def step(self) -> None:
        super().step()
        self.gx = self.g / np.float32(1 - self.p)


def test_dropout_self_check_passes_and_catches_an_unmasked_gradient() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 256), dtype=np.float32)
    g = rng.standard_normal((64, 256), dtype=np.float32)
    good: CheckReport = norms.check_dropout({"numpy": NumpyDropout(x, g, 0.5)}, x, g, 0.5)
    assert good.status == {"numpy": "ok"}, good.messages
    bad = norms.check_dropout({"numpy": _UnmaskedGradient(x, g, 0.5)}, x, g, 0.5)
    assert bad.status == {"numpy": "FAIL"}
    assert any("non-zero where the output was dropped" in m for m in bad.messages)


def test_command_line_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.run import main

    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "overhead", "--repeats", "2", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "overhead" in text and "us/op" in text
    data = json.loads(out.read_text())
    assert [c["name"] for c in data["cases"]] == ["overhead"]
    case = data["cases"][0]
    assert case["check"]["ok"] and case["ops_per_step"] == overhead.CYCLES * overhead.OPS_PER_CYCLE
    assert set(case["results"]) >= {"minigrad", "numpy"}
    assert len(case["results"]["minigrad"]["samples_ms"]) == 2
    assert data["machine"]["threads"]["OPENBLAS_NUM_THREADS"] == "1"


def test_command_line_rejects_unknown_names() -> None:
    from benchmarks.run import main

    with pytest.raises(SystemExit):
        main(["--only", "nonsense"])


def test_targets_compare_ratios_of_medians() -> None:
    from benchmarks.targets import evaluate, format_targets

    case = Case("mlp", "", {})
    timings = {"minigrad": harness.Timing([3.0, 3.3, 9.0], 1), "numpy": harness.Timing([2.0, 2.5, 3.0], 1),
               "pytorch": harness.Timing([3.3, 3.4, 3.5], 1)}
    entries = evaluate([harness.CaseResult(case, CheckReport(reference="pytorch"), timings)])
    assert [(e["target"], round(e["ratio"], 3), e["met"]) for e in entries] == [
        ("mlp: minigrad / pytorch <= 0.95", 0.971, False),
        ("mlp: minigrad / numpy <= 1.2", 1.32, False),
    ]
    assert "MISSED by 10%" in format_targets(entries)


def test_quick_run_prints_only_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import run

    assert run.main(["--quick", "--only", "overhead", "--repeats", "1"]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    # notes about this environment (numpy imported in-process, PyTorch missing) follow the table
    lines = [line for line in printed if not line.startswith("note: ")]
    assert lines[0].split()[:2] == ["case", "impl"] and set(lines[1]) <= {"-", " "}
    case = overhead.cases()[0]
    assert [line.split()[:2] for line in lines[2:]] == [["overhead", impl] for impl in harness.IMPLS
                                                       if impl in case.builders or impl in case.skipped]
    for line in lines[2:]:
        assert line.endswith("skipped") or re.search(r"\d\.\d\dx", line)  # the ratios
    assert not any(re.search(r"(?i)issue|target", line) for line in printed)


def test_targets_are_printed_on_request_without_issue_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import run

    require_torch()  # the overhead goal is a ratio to PyTorch

    assert run.main(["--only", "overhead", "--repeats", "1", "--targets"]) == 0
    out = capsys.readouterr().out
    assert "targets (ratios of medians):" in out and "overhead: minigrad / pytorch <= 1" in out
    assert "issue" not in out.lower()


def test_lstm_layer_check_agrees_with_torch() -> None:
    case = lstm.layer_case()
    if "pytorch" not in case.builders:
        pytest.skip("PyTorch is not installed")
    report = harness.check_case(case)
    assert report.status == {"minigrad": "ok", "compiled": "ok", "pytorch": "ref"}, report.messages
    assert report.errors["minigrad"] <= harness.RTOL


def test_cnn_row_agrees_across_implementations() -> None:
    """The numpy im2col baseline (convolution, pooling) computes what minigrad and PyTorch compute.

    (The ``conv`` row uses the same numpy convolution at a size too slow for the test suite.)
    """
    report = harness.check_case(cnn.cases()[0])
    reference = report.reference
    assert reference in ("pytorch", "numpy")
    expected = {k: "ref" if k == reference else "ok" for k in ("minigrad", "compiled", "numpy", "pytorch")
                if k in report.status}
    assert report.status == expected, report.messages
    assert max(report.errors.values()) <= harness.RTOL


def test_ops_sweep_checks_agreement_before_timing(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import ops_sweep

    require_torch()
    assert ops_sweep.main(["topk", "embedding"], seconds=0.01) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [r.split()[0] for r in rows] == ["topk", "embedding"]
    assert all(float(r.split()[1]) < 1e-3 and r.endswith("x") for r in rows)
    assert ops_sweep.main(["no such op"]) == 2
    import torch

    import minigrad as mg

    wrong = dict(ops_sweep.CASES)
    shapes, ints, _ = wrong["gelu"]
    wrong["gelu"] = (shapes, ints, lambda m, x: ops_sweep._sq(x * 2 if m is mg else x))  # a wrong result
    ops_sweep.CASES, saved = wrong, ops_sweep.CASES
    try:
        assert ops_sweep.agreement("gelu", torch, mg) > 1e-3
    finally:
        ops_sweep.CASES = saved
