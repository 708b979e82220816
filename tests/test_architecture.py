"""The shape of the project: every derivative lives in minigrad/ops.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import minigrad
from minigrad import ops

PACKAGE = Path(minigrad.__file__).parent
# The engine's entry points are called backward (or vjp) but hold no derivative: torch.autograd.functional's
# vjp is a call of mg.grad.
ENGINE_ENTRY_POINTS = {
    ("tensor.py", "Tensor.backward"), ("autograd/engine.py", "backward"), ("autograd/functional.py", "vjp"),
}


def _functions(path: Path) -> list[tuple[str, ast.AST]]:
    tree = ast.parse(path.read_text())
    found: list[tuple[str, ast.AST]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((prefix + child.name, child))
                visit(child, prefix + child.name + ".")

    visit(tree, "")
    return found


def test_backward_is_defined_only_in_ops() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == Path(ops.__file__):
            continue
        rel = str(path.relative_to(PACKAGE))
        for name, node in _functions(path):
            leaf = name.rsplit(".", 1)[-1]
            if (isinstance(node, ast.FunctionDef) and leaf in {"backward", "vjp", "_backward"}
                    and (rel, name) not in ENGINE_ENTRY_POINTS):
                offenders.append(f"{rel}: {name}")
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", getattr(b, "attr", None)) == "Function" for b in node.bases
            ):
                offenders.append(f"{rel}: class {name} subclasses Function")
    assert offenders == [], f"gradient code outside minigrad/ops.py: {offenders}"


def test_nn_and_optim_hold_no_gradient_arithmetic() -> None:
    pattern = re.compile(r"def (_)?backward|vjp|\.grad *(\+|-|\*)= |Function\)")
    hits = []
    for sub in ("nn", "optim"):
        for path in (PACKAGE / sub).rglob("*.py"):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    hits.append(f"{path.relative_to(PACKAGE)}:{i}: {line.strip()}")
    assert hits == []


def test_every_primitive_documents_its_derivative() -> None:
    primitives = [c for c in vars(ops).values()
                  if isinstance(c, type) and issubclass(c, ops.Function) and c is not ops.Function]
    assert len(primitives) >= 25
    for cls in primitives:
        assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__name__} has no docstring"
        assert "backward" in vars(cls) or any("backward" in vars(b) for b in cls.__mro__[1:-2]), cls


def test_only_the_tensor_bumps_version_counters() -> None:
    """Every in-place write goes through Tensor._write (issue 11): nobody else counts versions."""
    pattern = re.compile(r"\._version\s*(\+=|-=|=\s*[^=0\s])")
    assert pattern.search("p._version += 1") and pattern.search("t._version = v + 1")
    assert not any(map(pattern.search, ("out._version = 0", "p._version == v", "event(file_version=V)")))
    hits = [
        f"{path.relative_to(PACKAGE)}:{i}: {line.strip()}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "tensor.py"
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []
