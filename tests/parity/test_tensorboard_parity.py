"""utils.tensorboard against PyTorch's SummaryWriter and TensorBoard's own reader.

The same calls with the same wall times must produce the same records, byte for
byte, as torch.utils.tensorboard (which builds its messages with the protobuf
library); and TensorBoard's EventAccumulator must read minigrad's logs.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.utils.tensorboard import SummaryWriter, _summary
from tests.helpers import require_torch
from tests.utils.tfevents import event_files, read_records

torch = require_torch()


def _require_tensorboard() -> ModuleType:
    """torch.utils.tensorboard needs the tensorboard package (in the parity extra): CI must have it."""
    try:
        import tensorboard
    except ImportError:
        if os.environ.get("MINIGRAD_REQUIRE_TORCH"):
            raise
        pytest.skip("tensorboard is not installed (pip install -e '.[parity]')", allow_module_level=True)
    return tensorboard


_require_tensorboard()
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.compat.proto import event_pb2  # noqa: E402
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402
from torch.utils.tensorboard import summary as torch_summary  # noqa: E402

RNG = np.random.default_rng(0)
WEIGHTS = RNG.normal(size=(16, 8)).astype(np.float32)


def log_everything(writer: Any, lib: Any) -> None:
    """The same calls for either writer; ``lib`` is torch or minigrad."""
    for step in range(3):
        writer.add_scalar("Loss/train", lib.tensor(2.0 / (step + 1)), step, walltime=100.0 + step)
        writer.add_scalar("Loss/test", 1.5 - 0.1 * step, step, walltime=100.5 + step)
    writer.add_scalar("lr", np.float32(3e-4), 7, walltime=101.0, new_style=True)
    writer.add_scalar("lr64", 3e-4, 7, walltime=101.0, new_style=True, double_precision=True)
    writer.add_histogram("fc.weight", lib.tensor(WEIGHTS), 3, walltime=102.0)
    writer.add_histogram("fc.weight/auto", WEIGHTS, 4, bins="auto", walltime=102.5, max_bins=5)
    writer.add_text("config", "lr: 3e-4, *batch* 32", 0, walltime=103.0)
    writer.add_scalars("pair", {"a": 1.0, "b": lib.tensor(2.0)}, 9, walltime=104.0)
    writer.flush()
    writer.add_scalar("after flush", -2.5, 10, walltime=105.0)
    writer.close()


def records_by_dir(root: Path) -> dict[str, list[bytes]]:
    """Each run directory's records after the header (whose writer name and time differ)."""
    out = {}
    for d in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
        (path,) = event_files(d)
        header, *rest = read_records(path)
        assert event_pb2.Event.FromString(header).file_version == "brain.Event:2"
        out[d.relative_to(root).as_posix()] = rest
    return out


def test_the_same_calls_write_the_same_records_as_pytorch(tmp_path: Path) -> None:
    log_everything(TorchWriter(str(tmp_path / "torch")), torch)
    log_everything(SummaryWriter(tmp_path / "minigrad"), mg)
    ours, theirs = records_by_dir(tmp_path / "minigrad"), records_by_dir(tmp_path / "torch")
    assert list(ours) == list(theirs) == [".", "pair_a", "pair_b"]
    for run in theirs:
        assert len(ours[run]) == len(theirs[run])
        for i, (a, b) in enumerate(zip(ours[run], theirs[run])):
            assert a == b, f"{run} #{i}:\n{event_pb2.Event.FromString(a)}\n{event_pb2.Event.FromString(b)}"


def test_purge_step_records_match_pytorch(tmp_path: Path) -> None:
    for name, cls in [("torch", TorchWriter), ("minigrad", SummaryWriter)]:
        with cls(str(tmp_path / name), purge_step=5) as w:
            w.add_scalar("x", 1.0, 5, walltime=1.0)
    ours, theirs = (read_records(event_files(tmp_path / n)[0])[1:] for n in ("minigrad", "torch"))
    strip = [event_pb2.Event.FromString(r) for r in theirs]
    mine = [event_pb2.Event.FromString(r) for r in ours]
    for e in strip + mine:
        e.wall_time = 0  # the purge events carry the time they were written
    assert mine == strip


finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)


@given(values=hnp.arrays(np.float64, st.integers(1, 60), elements=finite),
       # not 'auto'/'fd': on outliers with a tiny spread they ask numpy for billions of bins (torch too)
       bins=st.sampled_from(["tensorflow", "sturges", "sqrt", "rice", 1, 5, 40]),
       max_bins=st.sampled_from([None, 1, 3, 10]))
def test_histograms_match_pytorchs(values: np.ndarray, bins: Any, max_bins: int | None) -> None:
    edges = _summary.tensorflow_bins() if bins == "tensorflow" else bins
    expected = torch_summary.histogram("h", values, edges, max_bins=max_bins).SerializeToString()
    assert _summary.histogram("h", values, edges, max_bins) == expected


def test_tensorflow_bins_are_pytorchs(tmp_path: Path) -> None:
    w = TorchWriter(str(tmp_path))
    assert _summary.tensorflow_bins() == w.default_bins
    w.close()


def test_tensorboard_reads_minigrad_logs(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for step in range(5):
            w.add_scalar("Loss/train", mg.tensor(1.0 / (step + 1)), step * 10)
        w.add_histogram("w", mg.tensor(WEIGHTS), 2)
        w.add_text("note", "hello", 1)
    acc = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    scalars = acc.Scalars("Loss/train")
    assert [s.step for s in scalars] == [0, 10, 20, 30, 40]
    np.testing.assert_allclose([s.value for s in scalars], [1.0, 0.5, 1 / 3, 0.25, 0.2], rtol=1e-7)
    (hist,) = acc.Histograms("w")
    assert hist.step == 2 and hist.histogram_value.num == WEIGHTS.size
    assert hist.histogram_value.min == WEIGHTS.min() and sum(hist.histogram_value.bucket) == WEIGHTS.size
    (text,) = acc.Tensors("note/text_summary")
    assert text.step == 1 and text.tensor_proto.string_val == [b"hello"]
