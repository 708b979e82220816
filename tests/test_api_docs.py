"""docs/api.md stays true: every name it lists exists, and every public name is listed.

The page's tables name API objects in their first column, in backticks,
qualified the way users write them: ``mg.cat(tensors, dim=0)``,
``Tensor.sum(dim=None, keepdim=False)``, ``nn.Linear(...)``, ``F.relu(input)``,
``optim.lr_scheduler.StepLR(...)``, ``utils.data.DataLoader(...)``. A cell may
hold several names (``mg.exp(input)`` / ``Tensor.exp()``). Everything before the
first ``(`` is a dotted path from the ``minigrad`` package (``mg.`` is the
package itself, ``F.`` is ``nn.functional``).

"Public" means: each name in the ``__all__`` of every public module of
minigrad (found by walking the package, so a new module is covered when it
lands), and every public attribute of ``Tensor``, ``nn.Module`` and
``optim.Optimizer``. A failure lists the missing names as table rows, with
their signature and the first line of their docstring, ready to edit into the
right section.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import minigrad as mg

PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"

#: modules whose ``__all__`` the page must cover; each must exist and declare ``__all__``
REQUIRED_MODULES = (
    "minigrad", "minigrad.nn", "minigrad.nn.functional", "minigrad.nn.init", "minigrad.nn.utils",
    "minigrad.nn.utils.rnn", "minigrad.optim", "minigrad.optim.lr_scheduler", "minigrad.utils.data",
    "minigrad.utils.checkpoint", "minigrad.autograd", "minigrad.autograd.functional", "minigrad.errors",
)  # fmt: skip

#: classes whose public attributes the page must cover (name on the page, the class)
CLASSES: dict[str, type] = {
    "Tensor": mg.Tensor, "nn.Module": mg.nn.Module, "optim.Optimizer": mg.optim.Optimizer,
}  # fmt: skip

#: names in a module's ``__all__`` that are plumbing shared between minigrad's own modules, not for
#: users (so not on the page); each with the reason. Better still: a leading underscore.
INTERNAL: dict[str, str] = {
    "minigrad.device.check_device": "device-argument check used by the factories",
    "minigrad.device.parse_to": "argument parser behind Tensor.to and Module.to",
    "minigrad.device.DeviceLike": "type alias for annotations",
    "minigrad.compat.hook.torch_name": "name mapping used by the launcher's messages",
    "minigrad.optim.optimizer.check_betas": "argument check shared by the optimizers",
    "minigrad.optim.optimizer.check_number": "argument check shared by the optimizers",
    "minigrad.optim.optimizer.check_lr": "lr check shared by the optimizers",
    "minigrad.optim.optimizer.lr_value": "lr reading shared by the optimizers",
    "minigrad.optim.lr_scheduler.base.format_param": "argument normalisation shared by the schedulers",
    "minigrad.optim.lr_scheduler.base.group_values": "copies of the groups' lrs, shared by the schedulers",
    "minigrad.optim.lr_scheduler.base.set_group_value": "the in-place lr update shared by the schedulers",
    "minigrad.optim.lr_scheduler.base.EPOCH_DEPRECATION_WARNING": "warning text shared by the schedulers",
    "minigrad.nn.functional.attention.additive_mask": "mask conversion shared by F and MultiheadAttention",
    "minigrad.nn.functional.attention.attention": "the attention kernel behind F and MultiheadAttention",
    "minigrad.nn.functional.attention.causal_mask": "mask builder shared by F and the Transformer layers",
    "minigrad.nn.functional.embedding.embedding_renorm_": "max_norm helper of the embeddings",
    "minigrad.nn.functional.embedding.normalize_padding_idx": "argument check shared by the embedding layers",
    "minigrad.nn.functional.vector.vector_norm": "norm helper of the distance functions",
}

_ROW = re.compile(r"^\|\s*(`[^|]*)\|")
_NAME = re.compile(r"`([A-Za-z_][\w.]*)")
_ALIASES = {"mg": "", "F": "nn.functional"}


def documented_names(text: str) -> list[str]:
    """The dotted paths named in the first column of the page's tables, in order."""
    names = []
    for line in text.splitlines():
        row = _ROW.match(line)
        if row:
            matches = (_NAME.match(span) for span in re.findall(r"`[^`]+`", row.group(1)))
            names += [m.group(1) for m in matches if m]
    return names


def _instance(cls: type) -> Any:
    """An instance, for attributes a class sets in ``__init__`` (``Tensor.grad``, ``Module.training``)."""
    if cls is mg.Tensor:
        return mg.zeros(1)
    try:
        return cls()
    except Exception:
        return None


def _walk(path: str, parts: list[str], start_module: str | None) -> tuple[Any, Any]:
    """Follow ``parts`` as attributes from minigrad, or from ``start_module`` (importing it) if given."""
    owner: Any = None
    obj: Any = mg
    if start_module is not None:
        owner = importlib.import_module(start_module.rpartition(".")[0])
        obj = importlib.import_module(start_module)
        parts = parts[start_module.count(".") :]
    for part in parts:
        owner = obj
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif isinstance(obj, ModuleType):
            try:
                obj = importlib.import_module(f"{obj.__name__}.{part}")
            except ModuleNotFoundError:
                raise LookupError(path) from None
        elif isinstance(obj, type) and hasattr(_instance(obj), part):
            obj = getattr(_instance(obj), part)
        else:
            raise LookupError(path)
    return owner, obj


def resolve(path: str) -> tuple[Any, Any, str]:
    """(owner, object, last name) for a documented dotted path; raises LookupError if it does not exist.

    Attributes are followed from the package (of a class, or of an instance of
    it); failing that, the longest prefix that is a module is imported first
    (``device.check_device`` is in the module ``minigrad.device``, while
    ``mg.device`` is a class).
    """
    head, _, rest = path.partition(".")
    full = ".".join(p for p in (_ALIASES[head], rest) if p) if head in _ALIASES else path
    parts = full.split(".") if full else []
    if any(p.startswith("__") for p in parts):
        raise LookupError(path)
    last = parts[-1] if parts else "minigrad"
    try:
        return (*_walk(path, parts, None), last)
    except LookupError:
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(["minigrad", *parts[:i]])
            try:
                importlib.import_module(module)
            except ModuleNotFoundError:
                continue
            return (*_walk(path, parts, module), last)
        raise


def public_modules() -> list[ModuleType]:
    """minigrad and its public submodules (no ``_private`` part, no ``__main__``)."""
    mods = [mg]
    for info in pkgutil.walk_packages(mg.__path__, "minigrad."):
        if any(p.startswith("_") for p in info.name.split(".")):
            continue
        mods.append(importlib.import_module(info.name))
    return mods


_VALUES = (bool, int, float, complex, str, bytes, type(None), tuple, list, dict, set, frozenset)


def _key(obj: Any) -> int:
    # mg.mul is minigrad.pointwise.mul with out= added (minigrad/_out.py): one function, two objects
    return id(inspect.unwrap(obj)) if inspect.isfunction(obj) else id(obj)


def _by_identity(obj: Any) -> bool:
    # the same class, function, dtype or generator under two paths is one thing; a flag or a number is not
    return not isinstance(obj, _VALUES)


def public_names() -> dict[str, tuple[Any, Any, str]]:
    """'module.name' -> (owner, object, name) for every name the page must list."""
    out: dict[str, tuple[Any, Any, str]] = {}
    internal = set()  # an internal helper stays internal under every path that re-exports it
    for key in INTERNAL:
        module, _, name = key.rpartition(".")
        obj = getattr(importlib.import_module(module), name, None)
        if _by_identity(obj):
            internal.add(id(obj))
    for mod in public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if f"{mod.__name__}.{name}" not in INTERNAL and not (_by_identity(obj) and id(obj) in internal):
                out[f"{mod.__name__}.{name}"] = (mod, obj, name)
    for qual, cls in CLASSES.items():
        inst = _instance(cls)
        names = {n for n in dir(cls) if not n.startswith("_")}
        names |= {n for n in vars(inst) if not n.startswith("_")} if hasattr(inst, "__dict__") else set()
        for name in sorted(names):
            out[f"{qual}.{name}"] = (cls, getattr(cls, name, None), name)
    return out


def _display(key: str) -> str:
    path = key.removeprefix("minigrad.")
    if path.startswith("nn.functional."):
        return "F." + path.removeprefix("nn.functional.")
    return "mg." + path if key.count(".") == 1 and key.startswith("minigrad.") else path


def _signature(obj: Any) -> str:
    """``(a, b=1, *, c=None)``: the call signature without annotations, as the page writes it."""
    if not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
        return ""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    empty = inspect.Parameter.empty
    params = [p.replace(annotation=empty) for p in sig.parameters.values() if p.name != "self"]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _suggested_row(key: str, obj: Any) -> str:
    name = key.rpartition(".")[2]
    path = _display(key)
    # a function defined in minigrad.pointwise but also exported as mg.abs is shown as mg.abs
    for namespace, prefix in ((mg, "mg."), (mg.nn, "nn."), (mg.nn.functional, "F."), (mg.optim, "optim.")):
        if _by_identity(obj) and getattr(namespace, name, None) is obj:
            path = prefix + name
            break
    doc = (inspect.getdoc(obj) or "").strip().split("\n")[0] if _by_identity(obj) else ""
    doc = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", doc).replace("``", "`").replace("|", "\\|")  # reST to Markdown
    return f"| `{path}{_signature(obj)}` | {doc} |"


@pytest.fixture(scope="module")
def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_every_listed_name_exists(page: str) -> None:
    names = documented_names(page)
    assert len(names) > 100, "docs/api.md lists almost nothing: is the table format intact?"
    missing = []
    for name in names:
        try:
            resolve(name)
        except LookupError:
            missing.append(name)
    assert missing == [], f"docs/api.md lists names minigrad does not have: {missing}"


def test_every_public_name_is_listed(page: str) -> None:
    ids, paths = set(), set()
    for name in documented_names(page):
        try:
            owner, obj, last = resolve(name)
        except LookupError:
            continue  # reported by test_every_listed_name_exists
        paths.add((id(owner), last))
        if _by_identity(obj):
            ids.add(_key(obj))
    public = public_names()
    # one row per object, under its shortest path (nn.Linear, not nn.linear.Linear)
    missing: dict[Any, str] = {}
    for key, (owner, obj, name) in public.items():
        if (id(owner), name) in paths or (_by_identity(obj) and _key(obj) in ids):
            continue
        ident = _key(obj) if _by_identity(obj) else key
        if ident not in missing or len(_display(key)) < len(_display(missing[ident])):
            missing[ident] = key
    rows = sorted(_suggested_row(key, public[key][1]) for key in missing.values())
    assert rows == [], (
        f"{len(rows)} public names are missing from docs/api.md; add each to its section "
        "(suggested rows: signature and first docstring line):\n" + "\n".join(rows)
    )


def test_internal_names_exist() -> None:
    stale = []
    for key in INTERNAL:
        module, _, name = key.rpartition(".")
        if name not in getattr(importlib.import_module(module), "__all__", ()):
            stale.append(key)
    assert stale == [], f"INTERNAL lists names no module exports any more (remove them): {stale}"


@pytest.mark.parametrize("name", REQUIRED_MODULES)
def test_required_module_declares_all(name: str) -> None:
    mod = importlib.import_module(name)
    assert isinstance(getattr(mod, "__all__", None), (list, tuple)), (
        f"{name} has no __all__: declare its public names so docs/api.md can be checked against them"
    )


def test_the_parser_reads_qualified_names() -> None:
    rows = "| `mg.cat(tensors, dim=0)` / `Tensor.exp()` | x |\n| `F.relu` | y |\n| plain | z |\n"
    assert documented_names(rows) == ["mg.cat", "Tensor.exp", "F.relu"]
    assert resolve("F.relu")[1] is mg.nn.functional.relu
    assert resolve("mg.tensor")[1] is mg.tensor
    assert resolve("Tensor.grad")[2] == "grad"
    # the module minigrad.device, although mg.device is a class
    assert resolve("device.check_device")[0] is importlib.import_module("minigrad.device")
    with pytest.raises(LookupError):
        resolve("nn.NoSuchLayer")
