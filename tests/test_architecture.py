"""The shape of the project: every derivative lives in minigrad/ops.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import minigrad
from minigrad import ops

PACKAGE = Path(minigrad.__file__).parent
# The engine's entry points are called backward (or vjp) but hold no derivative: torch.autograd.functional's
# vjp and torch.func's vjp are calls of mg.grad.
ENGINE_ENTRY_POINTS = {
    ("tensor.py", "Tensor.backward"), ("autograd/engine.py", "backward"), ("autograd/functional.py", "vjp"),
    ("func.py", "vjp"),
}
# minigrad.autograd.Function (torch.autograd.Function): the user writes the derivative in their own
# backward; the adapter's two nodes only hand the outputs' gradients to it and hold no formula.
CUSTOM_FUNCTION_ADAPTER = {
    ("autograd/function.py", "_CustomNode.backward"), ("autograd/function.py", "_OutputNode.backward"),
    ("autograd/function.py", "Function.backward"),
    # a Module's full backward hooks (torch's BackwardHookFunction): an identity custom Function whose
    # backward hands the gradients to the user's hooks and returns what they return
    ("utils/hooks.py", "BackwardHookFunction.backward"),
    # torch.library.custom_op: a custom Function whose backward calls the one register_autograd was given
    ("library.py", "_OpFunction.backward"),
}
# (InplaceFunction: PyTorch's base class for users' in-place custom Functions; it defines no backward)
CUSTOM_FUNCTION_NODES = {("autograd/function.py", "_CustomNode"), ("autograd/function.py", "_OutputNode"),
                         ("utils/hooks.py", "BackwardHookFunction"), ("library.py", "_OpFunction"),
                         ("autograd/function.py", "InplaceFunction")}


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
                    and (rel, name) not in ENGINE_ENTRY_POINTS | CUSTOM_FUNCTION_ADAPTER):
                offenders.append(f"{rel}: {name}")
            if isinstance(node, ast.ClassDef) and (rel, name) not in CUSTOM_FUNCTION_NODES and any(
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


def _imports() -> dict[str, set[str]]:
    """Module -> the minigrad modules it imports, at the top or inside functions (not for type checking only).

    ``from minigrad.x import y`` counts as importing ``minigrad.x.y`` when that is a module, else
    ``minigrad.x``. An import inside a function body is still a dependency (deferring it only hides
    a circle), so it counts.
    """
    names: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        tree = ast.parse(path.read_text())
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package this module is in
                    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in names else base for a in node.names}
        graph[name] = {m for m in found if m in names and m != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(component)
    return circles


def test_the_only_import_circle_is_tensor_and_ops() -> None:
    """Issue 11: every module sits above or below the others, except the Tensor and its primitives.

    (Modules that Tensor methods call, such as the engine and the function
    modules, hand themselves to ``_tensor_methods.provide`` when imported
    instead of being imported by the Tensor.)
    """
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert _circles(_imports()) == [{"minigrad.tensor", "minigrad.ops"}]


def test_rule_modules_are_leaves() -> None:
    """Grad mode imports nothing from minigrad; the rule and kernel modules little else (errors, defaults)."""
    graph = _imports()
    assert graph["minigrad.grad_mode"] == set()
    assert graph["minigrad._clock"] == set()
    assert graph["minigrad.dtypes"] <= {"minigrad.errors", "minigrad.default_dtype"}
    assert graph["minigrad.shapes"] <= {"minigrad.errors"}
    assert graph["minigrad._kernels"] <= {"minigrad.shapes"}
    assert "minigrad.autograd" not in graph["minigrad.tensor"] | graph["minigrad.ops"]
    assert "minigrad.autograd.engine" not in graph["minigrad.tensor"] | graph["minigrad.ops"]
