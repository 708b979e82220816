"""``python -m minigrad.compat``: PyTorch scripts run unchanged; what minigrad lacks fails naming it.

Each test runs a small script in a subprocess (the hook changes the process's
import system, and this test process may have the real PyTorch imported).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import minigrad
from tests.helpers import require_torch

ROOT = Path(minigrad.__file__).resolve().parent.parent


def _run(tmp_path: Path, code: str, *args: str, launcher: tuple[str, ...] = ("-m", "minigrad.compat"),
         files: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, *launcher, str(script), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


TRAINING_SCRIPT = """
    import argparse
    import sys

    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    from helper import make_data  # a sibling file, found as with `python script.py`

    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(0)
    x, y = make_data(torch)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    epochs = []  # mean loss per epoch (one batch's loss is too noisy to compare)
    for epoch in range(args.epochs):
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        epochs.append(total / len(loader))
    print("name", __name__, "argv", sys.argv[1:], "device", device, "is minigrad", torch.__name__)
    print("loss went down", epochs[-1] < epochs[0])
"""

HELPER = """
    def make_data(torch):
        x = torch.randn(64, 4)
        y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
        return x, y
"""


def test_a_pytorch_training_script_runs_unchanged(tmp_path: Path) -> None:
    out = _run(tmp_path, TRAINING_SCRIPT, "--epochs", "5", files={"helper.py": HELPER})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "name __main__ argv ['--epochs', '5'] device cpu is minigrad minigrad"
    assert lines[1] == "loss went down True"


def test_module_paths_resolve_to_the_same_objects(tmp_path: Path) -> None:
    code = """
        import sys
        import minigrad
        import torch
        import torch.nn as nn
        import torch.utils.data
        import torch.autograd.functional as AF
        from torch.nn.modules.linear import Linear
        from torch.nn.parameter import Parameter
        from torch.utils.data.dataloader import DataLoader
        from torch.utils.data.sampler import RandomSampler
        from torch.utils.data.dataset import Dataset
        import torch.backends.cudnn as cudnn
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel
        checks = [
            torch is minigrad, nn is minigrad.nn, Linear is minigrad.nn.Linear,
            Parameter is minigrad.nn.Parameter,
            torch.utils.data.DataLoader is DataLoader is minigrad.utils.data.DataLoader,
            RandomSampler is minigrad.utils.data.RandomSampler, Dataset is minigrad.data.Dataset,
            AF.jacobian is minigrad.autograd.functional.jacobian, sys.modules["torch.nn"] is minigrad.nn,
            minigrad.nn.__name__ == "minigrad.nn", minigrad.nn.__spec__.name == "minigrad.nn",
            cudnn.benchmark is False, dist.is_available() is False, torch.cuda.is_available() is False,
        ]
        print(checks)
    """
    out = _run(tmp_path, code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str([True] * 14)


@pytest.mark.parametrize(("code", "message"), [
    ("import torch\nx = torch.fft.fft(torch.ones(4))\n",
     "AttributeError: torch.fft is not in minigrad (module 'minigrad' has no attribute 'fft')"),
    ("import torch.fft\n",
     "ModuleNotFoundError: torch.fft is not in minigrad (there is no module minigrad.fft)"),
    ("import torch.nn as nn\nnn.functional.not_a_function(1)\n",
     "AttributeError: torch.nn.functional.not_a_function is not in minigrad"),
    ("import torch\ntorch.ones(2).not_a_method()\n",
     "AttributeError: torch.Tensor.not_a_method is not in minigrad"),
    ("from torch.nn import NotALayer\n", "torch.nn.NotALayer is not in minigrad"),
    ("import torch\ntorch.zeros(2, device='cuda')\n",
     "DeviceError: Torch not compiled with CUDA enabled (device 'cuda' was requested, but minigrad runs on "
     "the CPU only"),
    ("import torch.distributed as dist\ndist.init_process_group('nccl')\n",
     "minigrad does not do distributed training"),
    ("from torch.utils.tensorboard import SummaryWriter\nimport tempfile\n"
     "SummaryWriter(tempfile.mkdtemp()).add_mesh('x', None)\n",
     "AttributeError: SummaryWriter.add_mesh is not in minigrad"),
])
def test_what_minigrad_lacks_fails_naming_it(tmp_path: Path, code: str, message: str) -> None:
    out = _run(tmp_path, code)
    assert out.returncode == 1
    assert message in out.stderr, out.stderr
    head = "Traceback (most recent call last):\n  File \"" + str(tmp_path / "script.py")
    assert out.stderr.startswith(head)  # the report starts in the script, as `python script.py`'s would


def test_exit_status_and_usage(tmp_path: Path) -> None:
    assert _run(tmp_path, "import sys\nsys.exit(3)\n").returncode == 3
    usage = subprocess.run([sys.executable, "-m", "minigrad.compat"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert usage.returncode == 2 and "usage: python -m minigrad.compat SCRIPT" in usage.stderr
    missing = subprocess.run([sys.executable, "-m", "minigrad.compat", str(tmp_path / "nope.py")],
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             timeout=60)
    assert missing.returncode == 2 and "can't open file" in missing.stderr


def test_install_in_a_notebook_and_uninstall(tmp_path: Path) -> None:
    code = """
        import sys
        import minigrad, minigrad.compat
        minigrad.compat.install()
        minigrad.compat.install()  # idempotent
        import torch
        assert torch is minigrad and minigrad.compat.installed()
        assert torch.Tensor([0, 1]).dtype == torch.float32 and torch.Tensor(3).shape == (3,)  # its rules
        try:
            torch.not_there
        except AttributeError as e:
            assert "not in minigrad" in str(e)
        # reprs name the package the script imported
        assert repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
        assert repr(torch.tensor([1], dtype=torch.int8)) == "tensor([1], dtype=torch.int8)"
        minigrad.compat.uninstall()
        assert "torch" not in sys.modules and not minigrad.compat.installed()
        assert minigrad.Tensor([0, 1]).dtype == minigrad.int64  # minigrad's own rules again
        assert repr(minigrad.zeros(2, 3).shape) == "minigrad.Size([2, 3])"
        assert repr(minigrad.tensor([1], dtype=minigrad.int8)) == "tensor([1], dtype=minigrad.int8)"
        try:
            minigrad.not_there
        except AttributeError as e:
            assert str(e) == "module 'minigrad' has no attribute 'not_there'", str(e)
        try:
            minigrad.ones(1).not_there
        except AttributeError as e:
            assert "not in minigrad" not in str(e), str(e)
        print("ok")
    """
    out = _run(tmp_path, code, launcher=())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_install_refuses_when_pytorch_is_already_imported(tmp_path: Path) -> None:
    require_torch()
    code = """
        import torch
        import minigrad.compat
        try:
            minigrad.compat.install()
        except RuntimeError as e:
            print(e)
    """
    out = _run(tmp_path, code, launcher=())
    assert out.returncode == 0, out.stderr
    assert "PyTorch itself is already imported" in out.stdout


def test_run_a_module_with_dash_m(tmp_path: Path) -> None:
    pkg = tmp_path / "pkgdemo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text("import sys, torch\nprint(torch.__name__, __name__, sys.argv[1:])\n")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    out = subprocess.run([sys.executable, "-m", "minigrad.compat", "-m", "pkgdemo", "x"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "minigrad __main__ ['x']"


def test_reprs_name_torch_under_the_hook(tmp_path: Path) -> None:
    code = """
        import minigrad, minigrad.compat
        x = minigrad.tensor([[1.0, 3.0], [2.0, 0.5]], dtype=minigrad.float64)
        before = (repr(x.shape), repr(x), repr(x.max(1)))
        minigrad.compat.install()
        import torch
        print(repr(x.shape), repr(torch.ones(1, dtype=torch.int32)))
        print(repr(x.max(1)))
        minigrad.compat.uninstall()
        assert (repr(x.shape), repr(x), repr(x.max(1))) == before, before
    """
    out = _run(tmp_path, code, launcher=())
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "torch.Size([2, 2]) tensor([1], dtype=torch.int32)",
        "torch.return_types.max(",
        "values=tensor([3., 2.], dtype=torch.float64),",
        "indices=tensor([1, 0]))",
    ]


# The masks torch 2.13 draws for F.dropout(torch.ones(2, 8), 0.5) after torch.manual_seed(0), and its
# next torch.rand(3): a script run under the launcher must see both (the main stream, as PyTorch's).
_TORCH_MASKS = "[[0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0], [0.0, 2.0, 2.0, 2.0, 2.0, 0.0, 2.0, 2.0]]"
_TORCH_NEXT = "[0.17591017484664917, 0.2698335647583008, 0.15067976713180542]"


@pytest.mark.parametrize("fast", [False, True])
def test_the_launcher_draws_pytorchs_dropout_masks(tmp_path: Path, fast: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code = """
        import torch
        torch.manual_seed(0)
        print(torch.nn.functional.dropout(torch.ones(2, 8), 0.5).tolist())
        print(torch.rand(3).tolist())
        import minigrad.compat, minigrad.random
        minigrad.compat.uninstall()
        print(minigrad.random.pytorch_dropout_masks())
    """
    if fast:
        monkeypatch.setenv("MINIGRAD_FAST_DROPOUT_MASKS", "1")
    else:
        monkeypatch.delenv("MINIGRAD_FAST_DROPOUT_MASKS", raising=False)
    out = _run(tmp_path, code)
    assert out.returncode == 0, out.stderr
    masks, after, restored = out.stdout.splitlines()
    assert (masks == _TORCH_MASKS and after == _TORCH_NEXT) is not fast  # the fast stream: other masks
    assert restored == "False"  # uninstall puts back the setting install() found
