"""A program run in a fork of the compat runner's servers sees what a new interpreter would show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat import runner
from tests.helpers import require_torch

PROBE = """\
import sys, threading, atexit, torch
print(__name__, sys.argv[0] == __file__, sys.path[0] == __import__("os").path.dirname(__file__))
print("unseeded", torch.randn(3).tolist())    # new processes differ here (PyTorch; minigrad starts at 0)
torch.manual_seed(0)
print(torch.randn(3).tolist())
print(sorted(k for k in globals() if not k.startswith("__")))
atexit.register(lambda: print("atexit ran"))
threading.Thread(target=lambda: print("thread joined")).start()
sys.exit(int(sys.argv[0].endswith("fail.py")) * 3)
"""


def _seeded(out: str) -> list[str]:
    return [line for line in out.splitlines() if not line.startswith("unseeded")]


def _unseeded(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("unseeded")]


@pytest.mark.parametrize("kind", ["torch", "minigrad"])
def test_a_forked_program_runs_as_in_a_new_interpreter(kind: str, tmp_path: Path) -> None:
    if kind == "torch":
        require_torch()
    server = runner._Server(kind)
    try:
        for name in ("probe.py", "probe_fail.py"):
            program = tmp_path / name
            program.write_text(PROBE)
            proc = runner._start(str(program), kind == "minigrad")
            fresh, _ = proc.communicate(timeout=runner.TIMEOUT)
            server.start(str(program))
            if name == "probe.py":
                assert proc.returncode == 0
                got = server.finish(str(program))
                assert _seeded(got) == _seeded(fresh)
                assert "atexit ran" in fresh and "thread joined" in fresh and "__main__ True True" in fresh
            else:  # the exit status comes back, and the failure names the framework
                assert proc.returncode == 3
                with pytest.raises(AssertionError, match=f"probe_fail.py failed under {kind}"):
                    server.finish(str(program))
        server.start(str(tmp_path / "probe.py"))  # the server still answers after a failure
        again = server.finish(str(tmp_path / "probe.py"))
        assert _seeded(again) == _seeded(got)
        # two forks draw different unseeded numbers, as two new PyTorch processes do
        assert (_unseeded(again) != _unseeded(got)) == (kind == "torch")
    finally:
        server.close()


@pytest.mark.parametrize("kind", ["torch", "minigrad"])
@pytest.mark.parametrize(("body", "shown"), [("raise SystemExit('bye')", "bye"),
                                             ("raise KeyError('lost')", "KeyError: 'lost'")])
def test_a_forked_program_fails_as_in_a_new_interpreter(kind: str, body: str, shown: str,
                                                        tmp_path: Path) -> None:
    """A child leaves by os._exit after the program: the status and stderr of an exit message or an
    uncaught exception are still Python's (status 1, the message or traceback on stderr)."""
    if kind == "torch":
        require_torch()
    program = tmp_path / "leave.py"
    program.write_text(f"import torch\nprint('before')\n{body}\n")
    proc = runner._start(str(program), kind == "minigrad")
    fresh, err = proc.communicate(timeout=runner.TIMEOUT)
    assert proc.returncode == 1 and fresh == "before\n" and shown in err
    server = runner._Server(kind)
    try:
        server.start(str(program))
        with pytest.raises(AssertionError, match=f"leave.py failed under {kind}") as failed:
            server.finish(str(program))
        assert shown in str(failed.value) and "before" in str(failed.value)
    finally:
        server.close()
