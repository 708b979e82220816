"""Smoke tests of the example scripts: each runs as a subprocess, from another cwd, on tiny settings.

The scripts must find their data relative to their own file and import
minigrad from the checkout, so every run uses a temporary directory as its
working directory. ``-W error`` makes any warning inside a script fail it.
The full char_transformer run (minutes) only runs with MINIGRAD_RUN_SLOW=1.
"""

from __future__ import annotations

import ast
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SCRIPTS = ["mlp_digits.py", "cnn_digits.py", "char_transformer.py", "gradcheck_tutorial.py"]

FLOAT = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)"


def run(script: str, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run an example with one BLAS thread and no progress bar; fail the test on a non-zero exit."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NO_PROGRESS="1")
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / script), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    command = " ".join((script, *args))
    assert proc.returncode == 0, f"{command} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def without_times(text: str) -> list[str]:
    """The output's lines with wall-clock figures removed, for run-to-run comparison."""
    out = []
    for line in text.splitlines():
        if line.startswith(("total time", "training time")):
            continue
        out.append(re.sub(r"\s+[\d.]+s$", "", line))
    return out


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_exits_zero_and_explains(script: str, tmp_path: Path) -> None:
    proc = run(script, "--help", cwd=tmp_path)
    assert proc.stdout.startswith("usage:")
    docstring = ast.get_docstring(ast.parse((EXAMPLES / script).read_text(encoding="utf-8")))
    assert docstring
    assert docstring.splitlines()[0] in proc.stdout  # the module docstring is the description
    assert "--seed" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize("script", SCRIPTS)
def test_bad_flag_is_a_usage_error(script: str, tmp_path: Path) -> None:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), "--no-such-flag"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in proc.stderr


def assert_curves_written(text: str, out: Path, header: list[str], rows: int) -> None:
    """The curves table is always written; the PNG exactly when matplotlib can be imported."""
    table = (out / "curves.tsv").read_text().splitlines()
    assert table[0].split("\t") == header and len(table) == rows + 1
    assert f"curves written to {out / 'curves.tsv'}" in text
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "(install matplotlib for a PNG plot" in text
        assert not (out / "curves.png").exists()
    else:
        assert f"curves written to {out / 'curves.png'}" in text
        assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------- mlp_digits

ACCURACY = re.compile(r"^test accuracy: (\d+\.\d+)% \((\d+)/(\d+)\)", re.MULTILINE)
EPOCH = re.compile(
    rf"^epoch\s+(\d+)/(\d+)\s+train loss ({FLOAT})\s+train acc\s+({FLOAT})%\s+test loss ({FLOAT})\s+"
    rf"test acc\s+({FLOAT})%", re.MULTILINE)


def test_mlp_digits_short_run_saves_a_checkpoint_that_eval_reloads(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run("mlp_digits.py", "--epochs", "2", "--hidden", "32", "--out", str(out), cwd=tmp_path)
    text = proc.stdout
    assert "1438 training and 359 test images" in text
    epochs = EPOCH.findall(text)
    assert [int(e[0]) for e in epochs] == [1, 2]
    train_losses = [float(e[2]) for e in epochs]
    assert all(math.isfinite(v) for v in train_losses)
    assert train_losses[1] < train_losses[0] < math.log(10) + 0.5
    (acc, correct, total), = ACCURACY.findall(text)
    assert int(total) == 359
    assert float(acc) == pytest.approx(100 * int(correct) / 359, abs=0.005)
    assert float(acc) > 80.0  # two epochs of a small MLP already classify most digits
    assert float(acc) == float(epochs[-1][5])

    checkpoint = out / "model.npz"
    assert f"checkpoint written to {checkpoint}" in text
    with np.load(checkpoint, allow_pickle=False) as state:
        keys = set(state.files)
        assert {"scale.mean", "scale.std", "net.0.weight", "net.1.running_mean", "net.8.weight"} <= keys
        assert state["net.0.weight"].shape == (32, 64)
    assert_curves_written(text, out, ["epoch", "train_loss", "train_acc", "test_loss", "test_acc"], rows=2)
    table = (out / "curves.tsv").read_text().splitlines()
    # the table keeps 6 digits; the printed accuracy (in %) two decimals, so half its last place apart
    assert float(table[2].split("\t")[4]) == pytest.approx(float(acc) / 100, abs=5e-5)

    evaluated = run("mlp_digits.py", "--eval", str(checkpoint), cwd=tmp_path).stdout
    assert ACCURACY.findall(evaluated) == [(acc, correct, total)]


def test_mlp_digits_eval_of_a_missing_checkpoint_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLES / "mlp_digits.py"), "--eval", "missing.npz"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "--eval: no checkpoint at missing.npz" in proc.stderr


def test_mlp_digits_is_deterministic_given_the_seed(tmp_path: Path) -> None:
    args = ("--epochs", "2", "--hidden", "32", "--seed", "5")
    first = run("mlp_digits.py", *args, "--out", str(tmp_path / "a"), cwd=tmp_path).stdout
    second = run("mlp_digits.py", *args, "--out", str(tmp_path / "b"), cwd=tmp_path).stdout
    first_lines = [line.replace("/a/", "/x/") for line in without_times(first)]
    second_lines = [line.replace("/b/", "/x/") for line in without_times(second)]
    assert len(EPOCH.findall(first)) == 2
    assert first_lines == second_lines
    other = run("mlp_digits.py", "--epochs", "2", "--hidden", "32", "--seed", "6",
                "--out", str(tmp_path / "c"), cwd=tmp_path).stdout
    assert EPOCH.findall(other) != EPOCH.findall(first)


def test_mlp_digits_defaults_reach_the_figures_its_help_quotes(tmp_path: Path) -> None:
    # The README's main job: the default run must meet the advertised accuracy, and --help must
    # quote today's figures (split sizes, accuracy), not last month's.
    proc = run("mlp_digits.py", "--out", str(tmp_path / "run"), cwd=tmp_path, timeout=300)
    (acc, _, _), = ACCURACY.findall(proc.stdout)
    assert float(acc) >= 97.0, proc.stdout
    helptext = " ".join(run("mlp_digits.py", "--help", cwd=tmp_path).stdout.split())
    n_train, n_test = re.search(r"gives ([\d,]+) training and ([\d,]+) test images", helptext).groups()  # type: ignore[union-attr]
    n_train, n_test = n_train.replace(",", ""), n_test.replace(",", "")
    assert f"digits: {n_train} training and {n_test} test images" in proc.stdout
    (claimed,) = re.findall(r"reaches about (\d+)% test accuracy", helptext)
    assert abs(float(acc) - float(claimed)) < 1.0, (acc, claimed)
    assert not re.search(r"\d+(\.\d+)?%", helptext.replace(f"{claimed}%", "")), "a figure no test checks"


# --------------------------------------------------------------------- cnn_digits


def test_cnn_digits_short_run_learns_and_saves_a_checkpoint_that_eval_reloads(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run("cnn_digits.py", "--epochs", "3", "--channels", "8", "--out", str(out), cwd=tmp_path)
    text = proc.stdout
    assert "1438 training and 359 test images" in text
    assert "channels 8/16" in text
    epochs = EPOCH.findall(text)
    assert [int(e[0]) for e in epochs] == [1, 2, 3]
    train_losses = [float(e[2]) for e in epochs]
    assert train_losses[2] < train_losses[1] < train_losses[0] < math.log(10) + 0.5
    (acc, correct, total), = ACCURACY.findall(text)
    assert int(total) == 359
    assert float(acc) > 70.0  # three epochs of a tiny CNN already classify most digits
    assert float(acc) == float(epochs[-1][5])
    checkpoint = out / "model.npz"
    with np.load(checkpoint, allow_pickle=False) as state:
        assert state["features.0.weight"].shape == (8, 1, 3, 3)
        assert state["features.4.weight"].shape == (16, 8, 3, 3)
        assert state["features.1.running_var"].shape == (8,)
        assert state["classifier.2.weight"].shape == (10, 64)
        assert "features.0.bias" not in state.files  # no conv bias before a batch norm
    assert (out / "curves.tsv").read_text().splitlines()[0].split("\t")[-1] == "test_acc"
    evaluated = run("cnn_digits.py", "--eval", str(checkpoint), cwd=tmp_path).stdout
    assert ACCURACY.findall(evaluated) == [(acc, correct, total)]


def test_cnn_digits_is_deterministic_given_the_seed(tmp_path: Path) -> None:
    args = ("--epochs", "1", "--channels", "4", "--seed", "3")
    first = run("cnn_digits.py", *args, "--out", str(tmp_path / "a"), cwd=tmp_path).stdout
    second = run("cnn_digits.py", *args, "--out", str(tmp_path / "b"), cwd=tmp_path).stdout
    assert EPOCH.findall(first) == EPOCH.findall(second)
    assert ACCURACY.findall(first) == ACCURACY.findall(second)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("MINIGRAD_RUN_SLOW"), reason="half a minute; set MINIGRAD_RUN_SLOW=1")
def test_cnn_digits_defaults_reach_98_5_percent(tmp_path: Path) -> None:
    proc = run("cnn_digits.py", "--out", str(tmp_path / "run"), cwd=tmp_path, timeout=600)
    (acc, _, _), = ACCURACY.findall(proc.stdout)
    assert float(acc) >= 98.5, proc.stdout


# --------------------------------------------------------------------- char_transformer

EVAL = re.compile(rf"^step\s+(\d+)/(\d+) \(\s*\d+%\)\s+train loss ({FLOAT})\s+val loss ({FLOAT})",
                  re.MULTILINE)
TINY = ("--layers", "1", "--heads", "2", "--width", "32", "--context", "16", "--batch-size", "8")


def sample_of(text: str) -> str:
    match = re.search(r"--- sample \(.*?\) ---\n(.*)\n--- end of sample ---", text, re.DOTALL)
    assert match, text
    return match.group(1)


def test_char_transformer_few_steps_prints_losses_and_a_sample(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run("char_transformer.py", "--steps", "5", "--eval-interval", "5", "--eval-iters", "2", *TINY,
               "--sample-len", "40", "--prompt", "ROMEO:", "--out", str(out), cwd=tmp_path)
    text = proc.stdout
    assert "vocabulary of 76" in text
    evals = EVAL.findall(text)
    assert [int(e[0]) for e in evals] == [0, 5]
    losses = [float(v) for e in evals for v in e[2:]]
    assert all(math.isfinite(v) for v in losses)
    # An untrained model predicts close to uniformly over the 76 characters.
    assert float(evals[0][2]) == pytest.approx(math.log(76), abs=0.1)
    sample = sample_of(text)
    assert sample.startswith("ROMEO:")
    assert len(sample) == len("ROMEO:") + 40
    with np.load(out / "ckpt.npz", allow_pickle=False) as state:  # readable by numpy alone
        assert state["model/tok_emb.weight"].shape == (76, 32)
        assert state["model/pos_emb.weight"].shape == (16, 32)
        assert state["model/blocks.0.attn.qkv.weight"].shape == (96, 32)
        assert state["model/head.weight"].shape == (76, 32)
    ckpt = mg.load(out / "ckpt.npz")
    assert ckpt["step"] == 5 and ckpt["config"]["width"] == 32 and len(ckpt["config"]["vocab"]) == 76
    assert [row[0] for row in ckpt["history"]] == [0, 5]
    assert (out / "config.json").is_file()
    assert f"checkpoint written to {out / 'ckpt.npz'}" in text
    assert_curves_written(text, out, ["step", "train_loss", "val_loss"], rows=2)


def test_char_transformer_learns_in_a_short_run(tmp_path: Path) -> None:
    proc = run("char_transformer.py", "--steps", "150", "--eval-interval", "150", "--eval-iters", "4", *TINY,
               "--lr", "3e-3", "--sample-len", "0", "--out", str(tmp_path / "run"), cwd=tmp_path)
    (_, _, train0, val0), (_, _, train1, val1) = EVAL.findall(proc.stdout)
    # From ~4.33 nats (uniform) to well below the unigram entropy of the text (~3.3).
    assert float(train1) < 3.0 < float(train0)
    assert float(val1) < 3.0 < float(val0)


def test_char_transformer_is_deterministic_given_the_seed(tmp_path: Path) -> None:
    args = ("--steps", "6", "--eval-interval", "3", "--eval-iters", "2", *TINY, "--dropout", "0.1",
            "--sample-len", "30", "--seed", "7")
    first = run("char_transformer.py", *args, "--out", str(tmp_path / "a"), cwd=tmp_path).stdout
    second = run("char_transformer.py", *args, "--out", str(tmp_path / "b"), cwd=tmp_path).stdout
    assert EVAL.findall(first) == EVAL.findall(second)
    assert sample_of(first) == sample_of(second)


def test_compile_flag_trains_to_the_same_numbers(tmp_path: Path) -> None:
    args = ("--epochs", "2", "--hidden", "32")
    eager = run("mlp_digits.py", *args, "--out", str(tmp_path / "a"), cwd=tmp_path).stdout
    compiled = run("mlp_digits.py", *args, "--compile", "--out", str(tmp_path / "b"), cwd=tmp_path).stdout
    assert len(EPOCH.findall(eager)) == 2 and EPOCH.findall(compiled) == EPOCH.findall(eager)
    args = ("--steps", "6", "--eval-interval", "3", "--eval-iters", "2", *TINY, "--dropout", "0.1",
            "--sample-len", "30")
    eager = run("char_transformer.py", *args, "--out", str(tmp_path / "c"), cwd=tmp_path).stdout
    compiled = run("char_transformer.py", *args, "--compile", "--out", str(tmp_path / "d"),
                   cwd=tmp_path).stdout
    assert EVAL.findall(eager) and EVAL.findall(compiled) == EVAL.findall(eager)
    assert sample_of(compiled) == sample_of(eager)


def test_char_transformer_resumes_exactly_samples_and_evaluates(tmp_path: Path) -> None:
    args = ("--steps", "6", "--eval-interval", "3", "--eval-iters", "2", *TINY, "--dropout", "0.1",
            "--sample-len", "30", "--seed", "7")
    whole = run("char_transformer.py", *args, "--out", str(tmp_path / "whole"), cwd=tmp_path).stdout
    first = run("char_transformer.py", *args, "--stop-after", "3", "--out", str(tmp_path / "split"),
                cwd=tmp_path).stdout
    ckpt = tmp_path / "split" / "ckpt.npz"
    assert [int(e[0]) for e in EVAL.findall(first)] == [0, 3]
    assert f"stopped after step 3 of 6; checkpoint written to {ckpt}" in first
    assert "--- sample" not in first
    rest = run("char_transformer.py", "--resume", str(ckpt), "--sample-len", "30", cwd=tmp_path).stdout
    assert "resuming" in rest and "at step 3 of 6" in rest
    # the interrupted run ends exactly where the uninterrupted one does: losses, sample, weights
    assert EVAL.findall(first) + EVAL.findall(rest) == EVAL.findall(whole)
    assert sample_of(rest) == sample_of(whole)
    a, b = mg.load(ckpt), mg.load(tmp_path / "whole" / "ckpt.npz")
    assert a["step"] == b["step"] == 6 and a["history"] == b["history"]
    for key, value in b["model"].items():
        np.testing.assert_array_equal(np.asarray(a["model"][key]), np.asarray(value), err_msg=key)

    sample_args = ("--sample", str(ckpt), "--prompt", "ROMEO:", "--tokens", "25", "--seed", "7")
    sampled = run("char_transformer.py", *sample_args, cwd=tmp_path).stdout
    assert f"checkpoint: {ckpt} (step 6)" in sampled
    assert "shakespeare:" not in sampled and "training:" not in sampled  # no data, no training
    text = sample_of(sampled)
    assert text.startswith("ROMEO:") and len(text) == len("ROMEO:") + 25
    assert sample_of(run("char_transformer.py", *sample_args, cwd=tmp_path).stdout) == text

    evaluated = run("char_transformer.py", "--eval", str(ckpt), cwd=tmp_path).stdout
    (loss, count), = re.findall(rf"validation loss ({FLOAT}) nats/char over ([\d,]+) characters", evaluated)
    assert int(count.replace(",", "")) == (115_135 - 1) // 16 * 16
    sys.path.insert(0, str(EXAMPLES))
    try:
        import char_transformer as ct
    finally:
        sys.path.remove(str(EXAMPLES))
    model, _ = ct.model_from(mg.load(ckpt))
    data = ct.CharData(ct.DATA_FILE.read_text(encoding="utf-8"))
    expected, _ = ct.full_loss(model, data.splits["val"], 16, batch_windows=100_000)  # one batch
    assert float(loss) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("flags", "message"), [
    (("--sample", "missing.npz"), "no checkpoint at missing.npz"),
    (("--resume", "missing.npz"), "no checkpoint at missing.npz"),
    (("--eval", "x.npz", "--sample", "x.npz"), "not allowed with argument"),
])
def test_char_transformer_checkpoint_flags_are_checked(tmp_path: Path, flags: tuple[str, ...],
                                                       message: str) -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLES / "char_transformer.py"), *flags], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and message in proc.stderr


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("MINIGRAD_RUN_SLOW"), reason="minutes long; set MINIGRAD_RUN_SLOW=1")
def test_char_transformer_default_run_reaches_validation_loss_2(tmp_path: Path) -> None:
    proc = run("char_transformer.py", "--out", str(tmp_path / "run"), cwd=tmp_path, timeout=3600)
    *_, (step, total, _, val) = EVAL.findall(proc.stdout)
    assert step == total == "2000"
    assert float(val) <= 2.0, proc.stdout


# --------------------------------------------------------------------- gradcheck_tutorial


def test_gradcheck_tutorial_shows_the_failure_reports(tmp_path: Path) -> None:
    text = run("gradcheck_tutorial.py", cwd=tmp_path).stdout
    assert "mg.gradcheck(f, (x, w)) -> True" in text
    assert "mg.gradcheck(WrongCube.apply, (a,), raise_exception=False) -> False" in text
    assert re.search(r"GradcheckError:\n\s+Jacobian mismatch for output 0 with respect to input 0,\n"
                     r"\s+first-order gradient mismatch for input 0 at element index", text)
    assert re.search(r"second-order gradient mismatch for input 0 at element index", text)
    assert "9 entries fail" in text  # a 3x3 input: every diagonal Jacobian entry of WrongCube is off
    assert "mg.gradcheck(nn.Linear(3, 2), (x,)) -> True" in text  # section 5: a layer's parameters
    assert re.search(r"first-order gradient mismatch for parameter 'scale' at element index", text)
    assert "UNEXPECTED" not in text
    assert "All checks behaved as described" in text
    # The by-hand central difference printed in section 2 agrees with backward.
    numerical = float(re.search(rf"numerical  df/dx\[0,0\] = ({FLOAT})", text).group(1))  # type: ignore[union-attr]
    analytical = float(re.search(rf"analytical df/dx\[0,0\] = ({FLOAT})", text).group(1))  # type: ignore[union-attr]
    assert numerical == pytest.approx(analytical, rel=1e-7, abs=1e-8)
