"""What the progs20 batch of compat programs (tests/compat/programs: recipe_reproducibility_timer,
print_grad_fn_zoo, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from minigrad.utils import benchmark as mg_benchmark
from tests.helpers import require_torch

torch = require_torch()
import torch.utils.benchmark as torch_benchmark  # noqa: E402 - after require_torch's skip


def _timer(bench: Any, lib: Any, **kwargs: Any) -> Any:
    return bench.Timer(stmt="x + 1", globals={"x": lib.ones(3)}, **kwargs)


def test_benchmark_timer_measurement_structure() -> None:
    """Before progs20 ``import torch.utils.benchmark`` (PyTorch's benchmark recipe) failed under the alias:
    minigrad had no Timer, Measurement or Compare. What a Measurement holds besides the times matches."""
    for kwargs in ({}, {"label": "add", "sub_label": "3", "description": "ones", "num_threads": 1}):
        got = _timer(mg_benchmark, mg, **kwargs).timeit(20)
        want = _timer(torch_benchmark, torch, **kwargs).timeit(20)
        for attr in ("number_per_run", "stmt", "setup", "label", "sub_label", "description", "title",
                     "num_threads", "as_row_name", "env"):
            assert getattr(got, attr) == getattr(want, attr), attr
        assert len(got.times) == len(want.times) == 1
        assert got.task_spec.summarize() == want.task_spec.summarize()
        assert got.mean > 0 and got.median > 0 and isinstance(got.mean, float)
        n = len(want.task_spec.summarize().splitlines())
        lines, want_lines = repr(got).splitlines(), repr(want).splitlines()
        assert lines[1:1 + n] == want_lines[1:1 + n]  # (then the time, and the counts line)
        assert lines[1 + n].endswith(("ns", "us", "ms", " s")) and lines[2 + n] == want_lines[2 + n]
    auto = _timer(mg_benchmark, mg).blocked_autorange(min_run_time=0.01)
    assert auto.number_per_run >= 1 and sum(auto.raw_times) >= 0.01
    block = {"stmt": "\n    y = x * 2\n    y.sum()\n", "setup": "\n    x = torch.ones(2)\n"}
    got, want = mg_benchmark.Timer(**block).timeit(3), torch_benchmark.Timer(**block).timeit(3)
    assert (got.stmt, got.setup, got.title) == (want.stmt, want.setup, want.title)


def test_benchmark_compare_table_layout() -> None:
    """The Compare table groups by label, a row per sub-label and a column per description, as PyTorch's
    (the times themselves are the machine's, so only the layout is compared)."""
    def table(bench: Any, lib: Any) -> list[str]:
        results = [bench.Timer(stmt="x + 1", globals={"x": lib.ones(n)}, label="L", sub_label=f"[{n}]",
                               description=d).timeit(10) for n in (1, 16) for d in ("a", "bb")]
        return str(bench.Compare(results)).splitlines()

    got, want = table(mg_benchmark, mg), table(torch_benchmark, torch)
    assert len(got) == len(want)
    assert got[0].startswith("[") and "L" in got[0] and got[0].count("-") > 4
    rows = [line.split("|")[0] for line in got[1:] if "|" in line]
    assert rows == [line.split("|")[0] for line in want[1:] if "|" in line]  # (header, then [1] and [16])
    assert got[2].startswith("1 threads: -") and want[2].startswith("1 threads: -")
    assert got[-1].startswith("Times are in")
    with pytest.raises(ValueError, match="Measurement"):
        mg_benchmark.Compare(["not a measurement"])  # type: ignore[list-item]


@pytest.mark.parametrize("case", [
    "t().reshape(-1)", "t().reshape(2, 2, 3)", "t().view(2, 2, 3)", "t().flatten()", "[:, ::2].reshape(6)",
    "[:, 1].reshape(3, 1)", "reshape(-1)", "view(-1)", "t().unflatten(0, (2, 2))", "t().reshape_as(z)",
    "t().view_as(z)", "unsqueeze(1).expand(3, 2, 4).reshape(6, 4)", "[:, :2].flatten()",
])
def test_reshape_of_strided_tensor_names_its_node(case: str) -> None:
    """Before progs20 every reshape printed ViewBackward0; PyTorch names the reshape of a non-contiguous
    tensor ReshapeAliasBackward0 where it is a view and UnsafeViewBackward0 where it copies (``view``
    and ``unflatten`` stay ViewBackward0)."""
    def name(lib: Any) -> str:
        b = lib.arange(12.0, requires_grad=True).reshape(3, 4) * 2
        z = lib.zeros(2, 2, 3)
        out = eval(f"b.{case}" if not case.startswith("[") else f"b{case}", {"b": b, "z": z})
        return str(out.grad_fn.name())

    assert name(mg) == name(torch)


def test_tensordot_result_is_a_view_node() -> None:
    """Before progs20 ``torch.tensordot(a, b, dims=1)`` of matrices showed MmBackward0; PyTorch's tensordot
    reshapes its product, a ViewBackward0 even where the shape does not change."""
    for dims in (1, 0, ([1], [0])):
        got = mg.tensordot(mg.ones(3, 4, requires_grad=True), mg.ones(4, 4), dims=dims).grad_fn.name()
        want = torch.tensordot(torch.ones(3, 4, requires_grad=True), torch.ones(4, 4), dims=dims)
        assert got == want.grad_fn.name()
