"""utils.tensorboard.SummaryWriter: real event files, read back by an independent reader (tfevents.py).

The byte-for-byte comparison with PyTorch's own writer is in tests/parity/test_tensorboard_parity.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.utils.tensorboard import SummaryWriter
from minigrad.utils.tensorboard._event_file import crc32c, masked_crc32c
from tests.utils.tfevents import crc32c_bitwise, event_files, masked, read_events

ROOT = Path(__file__).resolve().parents[2]


def only_file(log_dir: Path) -> Path:
    files = event_files(log_dir)
    assert len(files) == 1, files
    return files[0]


def logged(log_dir: Path) -> list[tuple[int, float, str, str, object]]:
    """(step, wall_time, tag, kind, value) of every summary value in the one event file of ``log_dir``."""
    events = read_events(only_file(log_dir))
    assert events[0].file_version == "brain.Event:2" and not events[0].values
    return [(e.step, e.wall_time, *v) for e in events[1:] for v in e.values]


# CRC-32C test vectors of RFC 3720 (iSCSI), appendix B.4, and the usual "123456789" check value
CRC_VECTORS = [
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
    (b"", 0),
]


@pytest.mark.parametrize(("data", "expected"), CRC_VECTORS)
def test_crc32c_known_answers(data: bytes, expected: int) -> None:
    assert crc32c(data) == expected
    assert crc32c_bitwise(data) == expected  # the test reader's own CRC is right too


def test_masked_crc_matches_the_reader_on_random_bytes() -> None:
    rng = np.random.default_rng(0)
    for n in [1, 7, 8, 100, 1000]:
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert masked_crc32c(data) == masked(crc32c_bitwise(data))


def test_scalars_are_logged_with_tag_step_value_and_time(tmp_path: Path) -> None:
    before = time.time()
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("Loss/train", mg.tensor(2.5), 10)
        w.add_scalar("Loss/test", 0.1, global_step=20, walltime=1234.5)
        w.add_scalar("lr", np.float64(3e-4), 0)
        w.add_scalar("acc", np.array([[0.75]]), -3)  # one element of any shape, as PyTorch
        w.add_scalar("count", 7)
        w.add_scalar("zero", mg.tensor([0.0], requires_grad=True) * 1)  # a graph's output: detached
    after = time.time()
    rows = logged(tmp_path)
    assert [(s, tag, kind) for s, _, tag, kind, _ in rows] == [
        (10, "Loss/train", "simple_value"), (20, "Loss/test", "simple_value"), (0, "lr", "simple_value"),
        (-3, "acc", "simple_value"), (0, "count", "simple_value"), (0, "zero", "simple_value")]
    # stored as float32, as TensorBoard's simple_value
    assert [v for *_, v in rows] == [2.5, np.float32(0.1), np.float32(3e-4), 0.75, 7.0, 0.0]
    assert rows[1][1] == 1234.5
    assert all(before <= t <= after for i, (_, t, *_) in enumerate(rows) if i != 1)
    assert [t for _, t, *_ in rows if t != 1234.5] == sorted(t for _, t, *_ in rows if t != 1234.5)
    header = read_events(only_file(tmp_path))[0]
    assert before <= header.wall_time <= after and header.step == 0


def test_new_style_scalars_are_scalars_plugin_tensors(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", 0.1, 1, new_style=True)
        w.add_scalar("b", 0.1, 2, new_style=True, double_precision=True)
    (_, _, _, kind_a, a), (_, _, _, kind_b, b) = logged(tmp_path)
    assert kind_a == kind_b == "tensor"
    assert (a["dtype"], a["shape"], a["float_val"], a["plugin_name"]) == (1, [], [np.float32(0.1)], "scalars")
    assert (b["dtype"], b["double_val"], b["float_val"], b["plugin_name"]) == (2, [0.1], [], "scalars")


def test_a_scalar_must_hold_one_element_and_be_a_number_or_array(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ShapeError, match=r"one element, got shape \(2,\)"):
            w.add_scalar("x", mg.tensor([1.0, 2.0]))
        with pytest.raises(NotImplementedError, match="list"):
            w.add_scalar("x", [1.0])


def tensorflow_edges() -> np.ndarray:
    """TensorFlow's default histogram edges as PyTorch documents them: 0 and +-1e-12 * 1.1 ** k below 1e20."""
    positive = [1e-12]
    while positive[-1] * 1.1 < 1e20:
        positive.append(positive[-1] * 1.1)
    return np.array([-v for v in positive[::-1]] + [0.0] + positive)


def expected_buckets(values: np.ndarray, edges: object, max_bins: int | None = None
                     ) -> tuple[list[float], list[float]]:
    """PyTorch's bucket rule: numpy's counts, neighbours merged down to ``max_bins``, then the buckets from
    the (empty) one left of the first filled bin to the last filled bin, each named by its right edge."""
    counts, limits = np.histogram(values.astype(np.float64), bins=edges)  # type: ignore[call-overload]
    counts, limits = list(counts), list(limits)
    if max_bins is not None and len(counts) > max_bins:
        k = len(counts) // max_bins
        merged = [sum(counts[i:i + k]) for i in range(0, len(counts), k)]
        counts, limits = merged, [limits[i] for i in range(0, len(limits) - 1, k)] + [limits[-1]]
    filled = [i for i, c in enumerate(counts) if c]
    first, last = filled[0], filled[-1]
    if first == 0:
        return limits[0:last + 2], [0, *counts[:last + 1]]
    return limits[first:last + 2], counts[first - 1:last + 1]


HISTOGRAM_CASES = {
    "normal float32": (np.random.default_rng(1).normal(size=(20, 50)).astype(np.float32), "tensorflow", None),
    "positive": (np.random.default_rng(2).uniform(0.5, 3.0, 300), "tensorflow", None),
    "with zeros and extremes": (np.array([0.0, 0.0, -1e-13, 5e-12, -7.0, 1e19, 3.0]), "tensorflow", None),
    "merged bins": (np.random.default_rng(3).normal(size=1000), "tensorflow", 37),
    "numpy auto": (np.random.default_rng(4).exponential(size=500), "auto", None),
    "count of bins": (np.arange(-5.0, 5.0), 4, None),
    "given edges": (np.array([0.5, 1.5, 1.7, 9.0]), [0.0, 1.0, 2.0, 3.0, 10.0], None),
    "count merged": (np.random.default_rng(5).normal(size=100), 30, 7),
}


@pytest.mark.parametrize("case", list(HISTOGRAM_CASES))
def test_histogram_buckets_and_statistics(tmp_path: Path, case: str) -> None:
    values, bins, max_bins = HISTOGRAM_CASES[case]
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("weights", mg.tensor(values) if values.dtype == np.float32 else values, 5,
                        bins=bins, walltime=99.0, max_bins=max_bins)
    ((step, wall, tag, kind, h),) = logged(tmp_path)
    assert (step, wall, tag, kind) == (5, 99.0, "weights", "histo")
    edges = tensorflow_edges() if bins == "tensorflow" else bins
    limits, counts = expected_buckets(values, edges, max_bins)
    np.testing.assert_array_equal(h["bucket_limit"], limits)
    np.testing.assert_array_equal(h["bucket"], counts)
    v = values.astype(np.float64).ravel()
    assert (h["min"], h["max"], h["num"]) == (v.min(), v.max(), v.size)
    np.testing.assert_allclose([h["sum"], h["sum_squares"]], [v.sum(), v @ v], rtol=1e-12)


def test_tensorflow_edges_are_the_documented_ones() -> None:
    from minigrad.utils.tensorboard._summary import tensorflow_bins

    edges = tensorflow_edges()
    assert np.array_equal(tensorflow_bins(), edges)
    assert len(edges) == 2 * 774 + 1 and edges[774] == 0 and edges[775] == 1e-12 and edges[-1] < 1e20


def test_histogram_of_nothing_raises(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(InvalidParameterError, match="no element"):
            w.add_histogram("h", np.zeros(0))
        with pytest.raises(ValueError, match="inside the bins"):
            w.add_histogram("h", np.array([5.0, 6.0]), bins=[0.0, 1.0, 2.0])


def test_text_goes_to_the_text_plugin(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "**loss** fell to 0.3 ✓", 4, walltime=7.0)
    ((step, wall, tag, kind, t),) = logged(tmp_path)
    assert (step, wall, tag, kind) == (4, 7.0, "notes/text_summary", "tensor")
    assert t["plugin_name"] == "text" and t["content"] is None  # TextPluginData(version=0) encodes to nothing
    assert (t["dtype"], t["shape"], t["string_val"]) == (7, [1], ["**loss** fell to 0.3 ✓".encode()])


def test_add_scalars_writes_one_sub_run_per_key(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("loss/run", {"train": 1.0, "test": 2.0}, 3)
        w.add_scalars("loss/run", {"train": 0.5, "test": mg.tensor(1.5)}, 4, walltime=50.0)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["loss_run_test", "loss_run_train"]
    assert logged(tmp_path) == []  # the main file holds only its header
    train, test = logged(tmp_path / "loss_run_train"), logged(tmp_path / "loss_run_test")
    assert [(s, tag, v) for s, _, tag, _, v in train] == [(3, "loss/run", 1.0), (4, "loss/run", 0.5)]
    assert [(s, tag, v) for s, _, tag, _, v in test] == [(3, "loss/run", 2.0), (4, "loss/run", 1.5)]
    assert train[0][1] == test[0][1] and train[1][1] == test[1][1] == 50.0  # one wall time per call


def test_default_log_dir_is_runs_date_host_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.close()
    log_dir = Path(w.get_logdir())
    assert log_dir.parent == Path("runs") and log_dir.name.endswith("_" + socket.gethostname() + "_lr0.1")
    time.strptime(log_dir.name[:14], "%b%d_%H-%M-%S")
    assert len(event_files(tmp_path / log_dir)) == 1
    assert SummaryWriter("given", comment="ignored").log_dir == "given"


def test_file_name_and_suffix(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "a", filename_suffix=".v2") as w:
        w.add_scalar("x", 1.0)
    (path,) = (tmp_path / "a").iterdir()
    seconds, pid_and_n = path.name.split(".")[3], path.name[:-len(".v2")].split(".")[-2:]
    assert path.name.startswith("events.out.tfevents.") and path.name.endswith(".v2")
    assert len(seconds) == 10 and abs(int(seconds) - time.time()) < 60 and pid_and_n[0] == str(os.getpid())


def test_events_wait_for_max_queue_or_flush(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, max_queue=3, flush_secs=10_000)
    path = only_file(tmp_path)
    assert len(read_events(path)) == 1  # the header is written at once
    w.add_scalar("x", 1.0, 1)
    w.add_scalar("x", 2.0, 2)
    assert len(read_events(path)) == 1
    w.add_scalar("x", 3.0, 3)  # the third pending event fills the queue
    assert [e.step for e in read_events(path)] == [0, 1, 2, 3]
    w.add_scalar("x", 4.0, 4)
    w.flush()
    assert [e.step for e in read_events(path)][-1] == 4
    w.add_histogram("h", np.ones(3), 5)
    w.close()
    w.close()  # a second close does nothing
    assert [e.step for e in read_events(path)][-1] == 5


def test_flush_secs_writes_on_the_next_event(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, flush_secs=0)
    w.add_scalar("x", 1.0, 1)
    assert [e.step for e in read_events(only_file(tmp_path))] == [0, 1]
    w.close()


def test_logging_after_close_opens_a_new_file(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    w.add_scalar("x", 1.0, 1)
    w.close()
    w.add_scalar("x", 2.0, 2)
    w.flush()
    first, second = event_files(tmp_path)
    assert [e.step for e in read_events(first)] == [0, 1]
    assert [e.step for e in read_events(second)] == [0, 2]
    assert read_events(second)[0].file_version == "brain.Event:2"
    w.close()


def test_purge_step_marks_a_restart(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, purge_step=40) as w:
        w.add_scalar("x", 1.0, 40)
    events = read_events(only_file(tmp_path))
    assert [(e.step, e.file_version, e.session_status) for e in events] == [
        (0, "brain.Event:2", None), (40, "brain.Event:2", None), (40, None, 1), (40, None, None)]
    assert events[0].source_writer == "minigrad.utils.tensorboard"


def test_pending_events_are_written_at_exit(tmp_path: Path) -> None:
    code = ("from minigrad.utils.tensorboard import SummaryWriter\n"
            f"w = SummaryWriter({str(tmp_path)!r})\n"
            "for i in range(3): w.add_scalar('x', i, i)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    assert [e.step for e in read_events(only_file(tmp_path))] == [0, 0, 1, 2]


def test_what_minigrad_lacks_fails_naming_it(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for name in ["add_figure", "add_mesh", "add_video"]:
            with pytest.raises(AttributeError, match=rf"SummaryWriter\.{name} is not in minigrad"):
                getattr(w, name)
        assert not hasattr(w, "__deepcopy__")
