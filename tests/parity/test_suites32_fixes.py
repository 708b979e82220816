"""Regressions found by running other projects' PyTorch-based test suites under minigrad (kozistr's
pytorch_optimizer, naver's roma, ...) and comparing with real torch: each test runs the same calls on both
libraries and compares values, dtypes or error classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def test_distributed_process_group_and_reduce_op_import_as_torchs() -> None:
    """pytorch_optimizer imports ``ProcessGroup`` (DeMo's annotation) and ``ReduceOp`` (SAM, LOMO) from
    torch.distributed at import time: the whole package failed to import under the alias."""
    torch = require_torch()
    ours, theirs = mg.distributed, torch.distributed
    names = ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"]
    assert [int(getattr(ours.ReduceOp, n)) for n in names] == [
        int(getattr(theirs.ReduceOp, n)) for n in names]
    assert [getattr(ours.ReduceOp, n).name for n in names] == names
    assert repr(ours.ReduceOp.SUM) == repr(theirs.ReduceOp.SUM) == "<RedOpType.SUM: 0>"
    assert hasattr(ours.ReduceOp, "AVG") and ours.ReduceOp.AVG is ours.ReduceOp.RedOpType.AVG
    assert (ours.ReduceOp(ours.ReduceOp.MAX) == ours.ReduceOp.MAX) is (
        theirs.ReduceOp(theirs.ReduceOp.MAX) == theirs.ReduceOp.MAX) is True
    with pytest.raises(mg.UnsupportedError, match="distributed training"):
        ours.ProcessGroup(0, 1)


@pytest.mark.parametrize("name", ["get_rank", "get_world_size", "barrier", "all_reduce", "broadcast",
                                  "reduce", "all_gather", "destroy_process_group"])
def test_distributed_calls_without_a_group_raise_torchs_classes(name: str) -> None:
    """PyTorch raises ValueError ('Default process group has not been initialized') from the calls that
    need the default group, AssertionError from destroy_process_group: library code catching those
    (pytorch_optimizer calls get_world_size() in its distributed Muon) saw minigrad's NotImplementedError."""
    torch = require_torch()
    args: dict[str, tuple[object, ...]] = {"all_reduce": ("x",), "broadcast": ("x", 0), "reduce": ("x", 0),
                                           "all_gather": ("list", "x")}

    def call(lib: object) -> BaseException:
        x = lib.ones(2)  # type: ignore[attr-defined]
        given = [[x] if a == "list" else x if a == "x" else a for a in args.get(name, ())]
        try:
            getattr(lib.distributed, name)(*given)  # type: ignore[attr-defined]
        except Exception as e:
            return e
        raise AssertionError(f"{name} did not raise")

    theirs, ours = call(torch), call(mg)
    assert isinstance(ours, type(theirs)) and isinstance(ours, mg.UnsupportedError)
    assert str(ours).startswith(str(theirs))


@pytest.mark.parametrize("fn", [
    lambda lib, x: x[..., 1:3] * 2,
    lambda lib, x: x[..., 1] + x[1, ...].sum(),
    lambda lib, x: lib.linalg.svd(x)[1].sum() + x,
    lambda lib, x: lib.linalg.svdvals(x @ x.mT) * x[0, 0],
])
def test_compiled_functions_index_with_an_ellipsis(fn: Any) -> None:
    """An index holding ``...`` inside a compiled function raised numpy's 'an index can only have a single
    ellipsis': compile's recorded arrays are ndarray subclasses, which GetItem took for numpy's scalar
    result and indexed again with a second ``...`` appended. linalg.svd unpacks its results that way,
    so roma's test_jvp_torch_compile (special_procrustes under torch.compile) failed."""
    torch = require_torch()
    data = np.arange(6.0).reshape(2, 3) / 7
    expected = fn(torch, torch.tensor(data)).numpy()
    compiled = mg.compile(lambda x: fn(mg, x))
    for _ in range(2):  # (the first call records, the second replays)
        np.testing.assert_allclose(compiled(mg.tensor(data)).numpy(), expected, rtol=1e-12, atol=1e-12)
