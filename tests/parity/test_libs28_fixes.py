"""Regressions found by running small third-party PyTorch libraries (timm's optimizers, schedulers and
losses, schedulefree, prodigyopt, dadaptation, madgrad, pytorch-metric-learning, entmax, geoopt, torchcde)
on minigrad and comparing with real torch. The libraries are not needed here: each test reproduces the
torch-API pattern the library relied on and compares it with torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

ROOT = Path(mg.__file__).resolve().parent.parent


def test_finfo_of_bfloat16_gives_its_limits() -> None:
    """timm's Kron optimizer: ``torch.finfo(torch.bfloat16).tiny`` as a float32 clamp floor."""
    torch = require_torch()
    ours, theirs = mg.finfo(mg.bfloat16), torch.finfo(torch.bfloat16)
    for name in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert repr(ours) == repr(theirs)
    with pytest.raises(TypeError):
        torch.iinfo(torch.bfloat16)
    with pytest.raises(TypeError):
        mg.iinfo(mg.bfloat16)


def _last_error_line(script: Path, *launcher: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, *launcher, str(script)], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 1, run.stderr
    return run.stderr.strip().splitlines()[-1]


def test_launcher_reports_an_uncaught_error_with_pythons_suggestion(tmp_path: Path) -> None:
    """A driver's typo (``entmax.SparsemaxTopKLoss``): ``python script.py`` adds "Did you mean: ...?"
    to an uncaught AttributeError; the launcher's report of it did not."""
    require_torch()
    script = tmp_path / "script.py"
    script.write_text("import json\nimport torch\n\ndef load():\n    return json.dumsp\n\nload()\n")
    expected = _last_error_line(script)
    assert expected.endswith("Did you mean: 'dump'?")
    assert _last_error_line(script, "-m", "minigrad.compat") == expected


def test_launcher_suggests_the_torch_name_a_missing_one_is_close_to(tmp_path: Path) -> None:
    require_torch()
    script = tmp_path / "script.py"
    script.write_text("import torch\n\nlayer = torch.nn.Linearr(2, 3)\n")
    assert _last_error_line(script).endswith("Did you mean: 'Linear'?")
    ours = _last_error_line(script, "-m", "minigrad.compat")
    assert ours.startswith("AttributeError: torch.nn.Linearr is not in minigrad")
    assert ours.endswith("Did you mean: 'Linear'?")


def test_list_of_index_lists_warns_pytorchs_whole_message() -> None:
    """pytorch-metric-learning's HistogramLoss: ``mat[[rows, cols]]`` (a list of index lists) warns."""
    torch = require_torch()
    import warnings

    messages = []
    for lib in (torch, mg):
        mat = lib.arange(12.0).reshape(3, 4)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            picked = mat[[[0, 2], [1, 3]]]
        assert picked.tolist() == [1.0, 11.0]
        assert len(caught) == 1 and caught[0].category is UserWarning
        messages.append(str(caught[0].message))
    assert messages[0].startswith(messages[1] + " (Triggered internally")  # PyTorch's C++ site is not ours


def _subclasses(lib: Any) -> tuple[type, type]:
    """geoopt's ManifoldTensor / ManifoldParameter pattern: instances built in ``__new__``, extra keywords."""

    class Tagged(lib.Tensor):
        def __new__(cls, data: Any, *, tag: str = "", requires_grad: bool = False) -> Any:
            instance = lib.Tensor._make_subclass(cls, data, requires_grad)
            instance.tag = tag
            return instance

    class TaggedParameter(Tagged, lib.nn.Parameter):
        def __new__(cls, data: Any, tag: str = "p", requires_grad: bool = True) -> Any:
            instance = Tagged._make_subclass(cls, data, requires_grad)
            instance.tag = tag
            return instance

    return Tagged, TaggedParameter


@pytest.mark.parametrize("requires_grad", [False, True])
def test_make_subclass_builds_a_leaf_sharing_the_data(requires_grad: bool) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        tagged, _ = _subclasses(lib)
        src = lib.arange(3.0, requires_grad=True) * 2  # a non-leaf: the instance is cut from its graph
        t = tagged(src, tag="m", requires_grad=requires_grad)
        assert type(t) is tagged and t.tag == "m"
        assert t.requires_grad is requires_grad and t.is_leaf and t.grad_fn is None
        assert t._version == 0
        with lib.no_grad():
            src.add_(1.0)  # the instance holds src's memory
        assert t.tolist() == [1.0, 3.0, 5.0]
        if requires_grad:
            (t * t).sum().backward()
            assert t.grad.tolist() == [2.0, 6.0, 10.0]


def test_make_subclass_of_a_parameter_subclass_is_a_parameter() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        _, tagged_parameter = _subclasses(lib)
        p = tagged_parameter(lib.ones(2, 2))
        assert isinstance(p, lib.nn.Parameter) and p.tag == "p" and p.requires_grad
        layer = lib.nn.Linear(2, 2)
        layer.weight = p
        assert dict(layer.named_parameters())["weight"] is p


def test_make_subclass_refuses_what_pytorch_refuses() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        tagged, _ = _subclasses(lib)
        with pytest.raises(TypeError):
            lib.Tensor._make_subclass(tagged, [1.0, 2.0])
        with pytest.raises(RuntimeError):
            lib.Tensor._make_subclass(tagged, lib.arange(3), True)  # integers cannot require grad


def test_parameter_subclass_builds_with_super_new() -> None:
    """The usual custom parameter: ``super().__new__(cls, data, requires_grad)`` in its ``__new__``."""
    torch = require_torch()
    for lib in (torch, mg):

        class Param(lib.nn.Parameter):  # type: ignore[misc,name-defined]
            def __new__(cls, data: Any, requires_grad: bool = True, group: str = "decay") -> Any:
                instance = super().__new__(cls, data, requires_grad)
                instance.group = group
                return instance

        p = Param(lib.ones(3), group="no_decay")
        assert type(p) is Param and p.group == "no_decay" and p.requires_grad and p.is_leaf
        assert p._version == 0
        q = Param(lib.zeros(2), False)
        assert not q.requires_grad and q.group == "decay"
        assert lib.nn.Parameter(lib.ones(2))._version == 0


def test_a_subclass_prints_its_name_and_a_parameter_subclass_is_wrapped() -> None:
    """geoopt's ManifoldTensor.__repr__ prints ``torch.Tensor.__repr__(self)`` after its manifold."""
    torch = require_torch()
    shown = []
    for lib in (torch, mg):
        tagged, tagged_parameter = _subclasses(lib)

        class Plain(lib.nn.Parameter):  # type: ignore[misc,name-defined]
            pass

        values = lib.arange(6.0).reshape(2, 3)
        shown.append([repr(tagged(values)), repr(tagged(values.double(), requires_grad=True)),
                      repr(tagged_parameter(values)), repr(Plain(lib.ones(2))), str(tagged(lib.ones(2))),
                      repr(lib.nn.Parameter(lib.ones(2))), repr(values)])
    assert shown[1] == [s.replace("torch.", "minigrad.") for s in shown[0]]


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_sizeof_a_storage_counts_its_memory() -> None:
    """torchinfo's summary: "Input size" sums ``sys.getsizeof(t.untyped_storage())`` over the inputs."""
    torch = require_torch()
    sizes = []
    for lib in (torch, mg):
        empty = sys.getsizeof(lib.empty(0).untyped_storage())
        tensors = (lib.ones(10), lib.ones(10, dtype=lib.float64), lib.ones(4, 5)[1:3], lib.arange(6))
        sizes.append(([sys.getsizeof(t.untyped_storage()) - empty for t in tensors],
                      [sys.getsizeof(t.storage()) for t in tensors]))
    assert sizes[1] == sizes[0]


def test_triangular_solve_warns_its_deprecation_once() -> None:
    """nflows' LULinear inverts with ``torch.triangular_solve``: PyTorch warns once per process."""
    torch = require_torch()
    import warnings

    from minigrad import settings

    messages = []
    for lib in (torch, mg):
        if lib is mg:
            settings._warned_once.discard("triangular_solve")  # (another test may have warned already)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2):
                x = lib.triangular_solve(lib.ones(3, 2), 2 * lib.eye(3)).solution
                assert x.tolist() == [[0.5, 0.5]] * 3
        messages.append([str(w.message) for w in caught if "deprecated" in str(w.message)])
    theirs, ours = messages
    assert len(theirs) <= 1 and len(ours) == 1  # (PyTorch's may have warned before this test)
    if theirs:
        assert theirs[0].startswith(ours[0] + " (Triggered internally")


@pytest.mark.parametrize("name", ["uniform", "normal", "trunc_normal", "fill", "zero"])
def test_init_no_grad_helpers_fill_as_torch(name: str) -> None:
    """mup's initializers: ``from torch.nn.init import _no_grad_fill_, _no_grad_normal_, _no_grad_uniform_``
    and call them on parameters with a width-scaled bound."""
    torch = require_torch()
    args = {"uniform": (-0.3, 0.5), "normal": (0.1, 0.2), "trunc_normal": (0.0, 1.0, -0.5, 0.5),
            "fill": (0.25,), "zero": ()}[name]
    filled = []
    for lib in (torch, mg):
        lib.manual_seed(7)
        weight = lib.nn.Linear(6, 4).weight
        out = getattr(lib.nn.init, f"_no_grad_{name}_")(weight, *args)
        assert out is weight and weight.requires_grad and weight.grad_fn is None
        filled.append(weight.detach().numpy().copy())
    np.testing.assert_array_equal(filled[1], filled[0])


def test_launcher_gives_the_script_an_absolute_file_and_argv_as_typed(tmp_path: Path) -> None:
    """``python script.py`` (3.9+): ``__file__`` and the frames' file names are absolute, so warnings and
    tracebacks name '/dir/script.py'; the launcher's were the path as typed ('script.py')."""
    require_torch()
    (tmp_path / "script.py").write_text(
        "import os, sys, warnings\nimport torch\n\nprint(__file__, os.path.dirname(__file__), sys.argv[0])\n"
        "print(__name__, __package__, __spec__, __cached__, type(__loader__).__name__)\n"
        "warnings.warn('checked')\nraise ValueError('stop')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    runs = [subprocess.run([sys.executable, *launcher, "script.py"], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=120) for launcher in ((), ("-m", "minigrad.compat"))]
    assert runs[0].stdout.splitlines()[0] == f"{tmp_path / 'script.py'} {tmp_path} script.py"
    assert runs[1].stdout == runs[0].stdout
    assert runs[1].stderr == runs[0].stderr  # the warning's and the traceback's file names


def test_vmap_of_autograd_grad_without_retain_graph_walks_the_graph_once() -> None:
    """torchjd's Jacobian: ``torch.vmap(vjp)(identity)`` where ``vjp`` calls ``autograd.grad(outputs,
    inputs, grad_outputs, retain_graph=False)`` on a graph built outside vmap: PyTorch's one batched
    backward frees the graph once; minigrad's per-slice backward freed it after the first row."""
    torch = require_torch()
    jacobians = []
    for lib in (torch, mg):
        w = lib.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
        b = lib.tensor([0.5, -0.5], requires_grad=True)
        outputs = [(w @ b).tanh(), (w ** 2).sum(dim=0)]

        def vjp(grad_outputs: list[Any], lib: Any = lib, inputs: Any = (w, b), outputs: Any = outputs) -> Any:
            return lib.autograd.grad(outputs, list(inputs), grad_outputs=grad_outputs, retain_graph=False)

        eye = lib.eye(4)
        jw, jb = lib.vmap(vjp)([eye[:, :2], eye[:, 2:]])
        jacobians.append((jw.detach().numpy(), jb.detach().numpy()))
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            lib.autograd.grad(outputs, [w, b], grad_outputs=[eye[0, :2], eye[0, 2:]])  # freed at the end
    for ours, theirs in zip(jacobians[1], jacobians[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_overrides_is_tensor_like_as_torch() -> None:
    """torchjd's autojac: ``from torch.overrides import is_tensor_like`` (a ModuleNotFoundError)."""
    torch = require_torch()

    class WithProtocol:
        __torch_function__ = None

    for lib in (torch, mg):
        tagged, tagged_parameter = _subclasses(lib)
        cases = [lib.ones(2), lib.nn.Parameter(lib.ones(1)), tagged(lib.ones(2)), lib.Tensor,
                 tagged_parameter, WithProtocol(), WithProtocol, np.ones(2), [1.0], 3.0, None]
        assert [lib.overrides.is_tensor_like(c) for c in cases] == [True] * 7 + [False] * 4


def test_pytree_annotation_is_importable_as_torchs() -> None:
    """torchjd's autogram: ``from torch.utils._pytree import PyTree`` (an ImportError)."""
    require_torch()
    from torch.utils._pytree import PyTree as Theirs

    from minigrad.utils._pytree import PyTree as Ours
    assert Ours is Theirs is Any
