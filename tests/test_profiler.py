"""The op profiler: counts, times, shapes, the table, and no trace left when off."""

from __future__ import annotations

import threading

import pytest

import minigrad as mg
from minigrad import _instrument, ops
from minigrad.autograd import engine
from tests.tool_models import batch, mlp_with_batchnorm, transformer_block


def originals() -> dict[tuple[str, str], object]:
    """Every function the instrumentation may swap, by owner and name."""
    found: dict[tuple[str, str], object] = {("engine", "_run_backward"): engine._run_backward}
    todo = [ops.Function]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for attr in ("apply", "backward"):
            if attr in cls.__dict__:
                found[(cls.__name__, attr)] = cls.__dict__[attr]
    return found


def by_name(prof: mg.profile) -> dict[str, object]:
    return {s.name: s for s in prof.key_averages()}


def test_counts_and_shapes_on_a_known_graph() -> None:
    a = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = mg.tensor([1.0, 2.0, 3.0])
    with mg.profile() as prof:
        y = (a * b + a).sum()
        y.backward()
    stats = {s.name: s for s in prof.key_averages()}
    assert set(stats) == {"Mul", "Add", "Sum"}
    for name in ("Mul", "Add", "Sum"):
        assert stats[name].count == 1
        assert stats[name].backward_count == 1
        assert stats[name].forward_time > 0 and stats[name].backward_time > 0
    assert stats["Mul"].input_shapes == [((2, 3), (3,))]
    assert stats["Add"].input_shapes == [((2, 3), (2, 3))]
    assert stats["Sum"].input_shapes == [((2, 3),)]
    assert prof.backward_passes == 1
    # The engine's own ops (reducing Mul's gradient for b is skipped: b needs none) are not forwards.
    assert sum(s.count for s in stats.values()) == 3
    # Backward runs in reverse creation order.
    assert [(e.name, e.phase) for e in prof.events()] == [
        ("Mul", "forward"), ("Add", "forward"), ("Sum", "forward"),
        ("Sum", "backward"), ("Add", "backward"), ("Mul", "backward"),
    ]
    assert a.grad is not None and a.grad.tolist() == [[2.0, 3.0, 4.0], [2.0, 3.0, 4.0]]


def test_ops_inside_backward_formulas_are_not_counted_as_forward() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = mg.tensor([2.0, 2.0, 2.0], requires_grad=True)
    with mg.profile() as prof:
        y = (x * w).exp().sum()  # Exp's backward multiplies, Mul's backward multiplies twice
        y.backward()
    stats = by_name(prof)
    assert stats["Mul"].count == 1  # type: ignore[attr-defined]
    assert stats["Exp"].count == 1  # type: ignore[attr-defined]
    assert [e.phase for e in prof.events()].count("forward") == 3


def test_shapes_grouping_and_separate_rows() -> None:
    with mg.profile() as prof:
        for n in (2, 3, 3):
            (mg.ones(n, requires_grad=True) * 2.0).sum()
    merged = by_name(prof)["Mul"]
    assert merged.count == 3  # type: ignore[attr-defined]
    assert merged.input_shapes == [((2,), ()), ((3,), ())]  # type: ignore[attr-defined]
    grouped = [s for s in prof.key_averages(group_by_input_shape=True) if s.name == "Mul"]
    assert [(s.input_shapes, s.count) for s in grouped] == [([((2,), ())], 1), ([((3,), ())], 2)]


def test_mlp_with_batchnorm_table() -> None:
    mg.manual_seed(0)
    model = mlp_with_batchnorm()
    x = batch(16, 4)
    with mg.profile() as prof:
        for _ in range(2):
            model.zero_grad()
            loss = (model(x) ** 2).mean()
            loss.backward()
    stats = by_name(prof)
    # Two Linear layers per step, each one Addmm (bias + x @ weight.T) forward and one backward.
    assert stats["Addmm"].count == 4  # type: ignore[attr-defined]
    assert stats["Addmm"].backward_count == 4  # type: ignore[attr-defined]
    assert ((8,), (16, 4), (4, 8)) in stats["Addmm"].input_shapes  # type: ignore[attr-defined]
    assert ((3,), (16, 8), (8, 3)) in stats["Addmm"].input_shapes  # type: ignore[attr-defined]
    assert prof.backward_passes == 2
    assert prof.engine_time >= 0

    table = prof.table(sort_by="count", row_limit=5)
    lines = table.splitlines()
    assert lines[1].split()[:3] == ["Name", "#", "Calls"]
    rows = lines[3:3 + 5]
    counts = [int(r.split()[1]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert len(lines) == 3 + 5 + 3  # header block, 5 rows, rule and two totals
    assert lines[-2].startswith("Forward time total: ")
    assert "(2 backward passes)" in lines[-1]

    by_total = prof.table()
    totals = [row for row in by_total.splitlines()[3:] if row and not row.startswith("-")][:-2]
    percents = [float(r.split()[7].rstrip("%")) for r in totals]
    assert percents == sorted(percents, reverse=True)
    assert sum(percents) == pytest.approx(100, abs=0.1)
    assert str(prof) == prof.table()

    names = prof.table(sort_by="name", row_limit=None).splitlines()[3:-3]
    assert [r.split()[0] for r in names] == sorted(r.split()[0] for r in names)


def test_transformer_block_profile() -> None:
    mg.manual_seed(0)
    block = transformer_block()
    x = batch(2, 5, 8)
    with mg.profile() as prof:
        block(x).sum().backward()
    stats = by_name(prof)
    assert stats["Softmax"].count == 1  # type: ignore[attr-defined]
    assert stats["Softmax"].backward_count == 1  # type: ignore[attr-defined]
    assert stats["Softmax"].input_shapes == [((2, 2, 5, 5),)]  # type: ignore[attr-defined]
    for s in prof.key_averages():
        assert s.backward_count <= s.count


def test_table_rejects_unknown_sort_key() -> None:
    with mg.profile() as prof:
        mg.ones(2) + 1
    with pytest.raises(mg.InvalidParameterError, match="sort_by='speed'"):
        prof.table(sort_by="speed")
    assert "Add" in prof.table(sort_by="cpu_time_total")


def test_disabled_profile_and_no_shapes() -> None:
    with mg.profile(enabled=False) as prof:
        mg.ones(2) * 2
        assert not _instrument.is_active()
    assert prof.key_averages() == []
    with mg.profile(record_shapes=False) as prof:
        mg.ones(2) * 2
    assert [(s.name, s.count, s.input_shapes) for s in prof.key_averages()] == [("Mul", 1, [])]


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled:UserWarning")
def test_nothing_is_left_instrumented_after_exit() -> None:
    """No overhead when off: the very same function objects run as before any profile."""
    before = originals()
    with mg.profile():
        assert _instrument.is_active()
        assert ops.Function.__dict__["apply"] is not before[("Function", "apply")]
        with mg.detect_anomaly(), mg.profile():
            mg.ones(2, requires_grad=True).sum().backward()
    assert not _instrument.is_active()
    after = originals()
    assert after.keys() == before.keys()
    for key, fn in before.items():
        assert after[key] is fn, key
    with pytest.raises(RuntimeError), mg.profile():
        raise RuntimeError("boom")
    assert originals() == before


def test_profile_cannot_be_entered_twice() -> None:
    prof = mg.profile()
    with prof, pytest.raises(mg.MinigradError, match="already open"), prof:
        pass
    assert not _instrument.is_active()


def test_reusing_a_profile_starts_fresh() -> None:
    prof = mg.profile()
    with prof:
        mg.ones(1) * 2
    with prof:
        mg.ones(1) + 2
    assert [s.name for s in prof.key_averages()] == ["Add"]


def test_profile_is_process_global() -> None:
    def work() -> None:
        (mg.ones(3) * 3).sum()

    with mg.profile() as prof:
        t = threading.Thread(target=work)
        t.start()
        t.join()
    assert {s.name: s.count for s in prof.key_averages()} == {"Mul": 1, "Sum": 1}
