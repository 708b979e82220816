"""What the gaps24 pass closed, each checked against torch: numpy() of a tensor that requires grad, numpy
arrays as operands, Generator.get_state's form, and the argument attributes of grad_fn nodes."""

from __future__ import annotations

import io
import tokenize
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

ROOT = Path(__file__).resolve().parents[2]


def _outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    """The exception's class and message of ``fn()``, or ``("ok", ...)`` with the result's kind."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # (numpy 2's note on torch's __array_wrap__)
            out = fn()
    except Exception as e:  # (the class is what is compared)
        for cls in (TypeError, ValueError, RuntimeError):
            if isinstance(e, cls):
                return cls.__name__, str(e).split("\n")[0]
        return type(e).__name__, str(e)
    if isinstance(out, (mg.Tensor, torch.Tensor)):
        return "ok", f"Tensor {str(out.dtype).rpartition('.')[2]} {list(out.shape)}"
    return "ok", type(out).__name__


# ------------------------------------------------------------ 1. numpy() of a tensor that requires grad


def _numpy_cases(lib: ModuleType) -> dict[str, Callable[[], Any]]:
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    return {
        "numpy": lambda: x.numpy(),
        "numpy of a result": lambda: y.numpy(),
        "asarray": lambda: np.asarray(x),
        "array": lambda: np.array(x),
        "asarray dtype": lambda: np.asarray(x, dtype=np.float64),
        "__array__": lambda: x.__array__(),
        "ufunc": lambda: np.exp(x),
        "list of 0-d": lambda: np.asarray([x[0], x[1]]),
        "force": lambda: x.numpy(force=True),
        "detach": lambda: x.detach().numpy(),
        "no_grad": lambda: _under_no_grad(lib, x),
        "tolist": lambda: x.tolist(),
        "plain": lambda: lib.ones(3).numpy(),
    }


def _under_no_grad(lib: ModuleType, x: Any) -> Any:
    with lib.no_grad():  # (the flag is the tensor's: no_grad does not lift the error)
        return x.numpy()


def test_numpy_of_a_tensor_that_requires_grad_raises_as_pytorch() -> None:
    """Before gaps24 minigrad handed out the array of a tensor that requires grad; PyTorch raises its
    RuntimeError for numpy(), np.asarray/np.array/__array__ and numpy ufuncs alike, while force=True,
    detach().numpy() and tolist() work."""
    theirs = {k: _outcome(f) for k, f in _numpy_cases(torch).items()}
    ours = {k: _outcome(f) for k, f in _numpy_cases(mg).items()}
    assert ours == theirs
    assert theirs["numpy"] == ("RuntimeError", "Can't call numpy() on Tensor that requires grad. Use "
                                               "tensor.detach().numpy() instead.")


def test_numpy_force_shares_the_memory() -> None:
    """numpy(force=True) of a CPU tensor that requires grad is its memory in PyTorch, as in minigrad."""
    for lib in (torch, mg):
        p = lib.zeros(3, requires_grad=True)
        p.numpy(force=True)[0] = 5.0
        assert p.detach().numpy()[0] == 5.0


def test_training_helpers_still_work_on_parameters() -> None:
    """The library's own reads of parameters (optimizer steps, clip_grad_norm_, state_dict, repr) go
    through numpy(force=True): a training step, a clip, a state dict and a print all still work."""
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.ReLU(), mg.nn.Linear(8, 2))
    for opt in (mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), mg.optim.Adam(model.parameters()),
                mg.optim.LBFGS(model.parameters())):
        x = mg.randn(5, 4)

        def closure(x: mg.Tensor = x, opt: mg.optim.Optimizer = opt) -> mg.Tensor:
            opt.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            return loss

        opt.step(closure)
        mg.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    assert set(model.state_dict()) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert "requires_grad=True" in repr(model[0].bias)


def test_minigrad_itself_calls_numpy_only_with_force() -> None:
    """Every ``.numpy()`` call inside the package says ``force=True`` (or detaches first): a plain call
    would raise for any tensor that requires grad that reaches it."""
    bare = []
    for path in sorted((ROOT / "minigrad").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines, toks = text.splitlines(), list(tokenize.generate_tokens(io.StringIO(text).readline))
        for i in range(1, len(toks) - 2):
            if toks[i].string == "numpy" and toks[i - 1].string == "." and toks[i + 1].string == "(" \
                    and toks[i + 2].string == ")" and not (i >= 4 and toks[i - 2].string == ")"
                                                           and toks[i - 4].string == "detach") \
                    and "raises as PyTorch's" not in lines[toks[i].start[0] - 1]:  # (__array__'s own)
                bare.append(f"{path.relative_to(ROOT)}:{toks[i].start[0]}")
    assert not bare, f"bare .numpy() calls (use numpy(force=True)): {bare}"


# ------------------------------------------------------------ 2. numpy arrays as operands


def _array_operand_cases(lib: ModuleType) -> dict[str, Callable[[], Any]]:
    x, a = lib.ones(3), np.ones(3)
    xi, ai = lib.ones(3, dtype=lib.int64), np.ones(3, np.int64)
    xb, ab = lib.ones(3, dtype=lib.bool), np.ones(3, bool)

    def iadd() -> Any:
        y = x.clone()
        y += a  # (PyTorch's __iadd__ declines: Python falls back to y + a, a new float64 tensor)
        return y

    def ifloordiv() -> Any:
        y = x.clone()
        y //= a
        return y

    def ipow() -> Any:
        y = x.clone()
        y **= a
        return y

    def array_iadd() -> Any:
        b = a.copy()
        b += x
        return b

    return {
        "x.add(a)": lambda: x.add(a), "x.sub(a)": lambda: x.sub(a), "x.mul(a)": lambda: x.mul(a),
        "x.div(a)": lambda: x.div(a), "x.add(a, alpha=2)": lambda: x.add(a, alpha=2),
        "x.add(0-d a)": lambda: x.add(np.array(2.0)), "x.add(np.float64)": lambda: x.add(np.float64(2.0)),
        "x.subtract(a)": lambda: x.subtract(a), "x.multiply(a)": lambda: x.multiply(a),
        "x.divide(a)": lambda: x.divide(a), "x.multiply([1.])": lambda: x.multiply([1.0]),
        "x.true_divide(a)": lambda: x.true_divide(a), "x.floor_divide(a)": lambda: x.floor_divide(a),
        "x.remainder(a)": lambda: x.remainder(a), "x.fmod(a)": lambda: x.fmod(a),
        "x.div(a, rounding_mode)": lambda: x.div(a, rounding_mode="floor"),
        "x.copysign(a)": lambda: x.copysign(a), "x.xlogy(a)": lambda: x.xlogy(a),
        "x.maximum(a)": lambda: x.maximum(a), "x.minimum(a)": lambda: x.minimum(a),
        "x.atan2(a)": lambda: x.atan2(a), "x.atan2([1.])": lambda: x.atan2([1.0]),
        "x.hypot(a)": lambda: x.hypot(a), "x.logaddexp(a)": lambda: x.logaddexp(a),
        "x.fmax(a)": lambda: x.fmax(a), "x.fmin(a)": lambda: x.fmin(a),
        "x.pow(a)": lambda: x.pow(a), "x.pow([1.])": lambda: x.pow([1.0]),
        "x.eq(a)": lambda: x.eq(a), "x.ne(a)": lambda: x.ne(a), "x.lt(a)": lambda: x.lt(a),
        "x.ge(a)": lambda: x.ge(a),
        "x.add_(a)": lambda: x.clone().add_(a), "x.sub_(a)": lambda: x.clone().sub_(a),
        "x.mul_(a)": lambda: x.clone().mul_(a), "x.div_(a)": lambda: x.clone().div_(a),
        "x.fmod_(a)": lambda: x.clone().fmod_(a), "x.pow_(a)": lambda: x.clone().pow_(a),
        "x.le_(a)": lambda: x.clone().le_(a), "x.atan2_(a)": lambda: x.clone().atan2_(a),
        "add(x, a)": lambda: lib.add(x, a), "add(a, x)": lambda: lib.add(a, x),
        "mul(x, a)": lambda: lib.mul(x, a), "sub(x, a)": lambda: lib.sub(x, a),
        "div(x, a)": lambda: lib.div(x, a), "eq(x, a)": lambda: lib.eq(x, a),
        "subtract(x, a)": lambda: lib.subtract(x, a), "multiply(x, a)": lambda: lib.multiply(x, a),
        "divide(x, a)": lambda: lib.divide(x, a), "true_divide(x, a)": lambda: lib.true_divide(x, a),
        "pow(x, a)": lambda: lib.pow(x, a), "fmod(x, a)": lambda: lib.fmod(x, a),
        "maximum(x, a)": lambda: lib.maximum(x, a), "atan2(x, a)": lambda: lib.atan2(x, a),
        "matmul(x, a)": lambda: lib.matmul(x, a),
        # the operators: numpy's answer (through __array__ and __array_wrap__) or Python's TypeError
        "x + a": lambda: x + a, "a + x": lambda: a + x, "x * a": lambda: x * a, "a * x": lambda: a * x,
        "x - a": lambda: x - a, "a - x": lambda: a - x, "x / a": lambda: x / a, "a / x": lambda: a / x,
        "x ** a": lambda: x**a, "a ** x": lambda: a**x, "x @ a": lambda: x @ a, "a @ x": lambda: a @ x,
        "x + 0-d a": lambda: x + np.array(2.0), "x == a": lambda: x == a, "a == x": lambda: a == x,
        "x != a": lambda: x != a, "x < a": lambda: x < a, "a < x": lambda: a < x,
        "x // a": lambda: x // a, "a // x": lambda: a // x, "x % a": lambda: x % a, "a % x": lambda: a % x,
        "xb & ab": lambda: xb & ab, "ab & xb": lambda: ab & xb, "xb | ab": lambda: xb | ab,
        "xi ^ ai": lambda: xi ^ ai, "xi << ai": lambda: xi << ai, "ai >> xi": lambda: ai >> xi,
        "x //= a": ifloordiv, "x **= a": ipow,
        "x += a": iadd, "a += x": array_iadd,
    }


def test_numpy_array_operands_as_pytorch() -> None:
    """Before gaps24 minigrad computed with a numpy array operand everywhere (``x.add(np.ones(3))``,
    promoting to float64). PyTorch's named methods and functions raise its argument TypeError; its
    operators decline, so numpy computes (float64) or Python raises: the same answers now."""
    theirs = {k: _outcome(f) for k, f in _array_operand_cases(torch).items()}
    ours = {k: _outcome(f) for k, f in _array_operand_cases(mg).items()}
    assert ours == theirs
    assert theirs["x.add(a)"] == ("TypeError", "add(): argument 'other' (position 1) must be Tensor, not "
                                               "numpy.ndarray")


def test_array_operand_of_a_tensor_that_requires_grad() -> None:
    """``x + arr`` with x requiring grad goes through numpy (x's __array__), so PyTorch raises its numpy()
    error there; a state dict's array still stands for a tensor (PyTorch's state_dict holds tensors)."""
    ours, theirs = mg.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    assert _outcome(lambda: ours + np.ones(3)) == _outcome(lambda: theirs + np.ones(3))
    sd = mg.nn.Linear(3, 1).state_dict()
    assert mg.ones(3).add(sd["weight"][0]).shape == (3,)


def test_not_tensor_message_is_one_helper() -> None:
    """The one-line argument error is built in one place (errors.not_tensor_error), naming numpy's array
    as PyTorch does (its module and class)."""
    from minigrad.errors import not_tensor_error

    assert str(not_tensor_error("add", "other", 1, np.ones(2))) == \
        "add(): argument 'other' (position 1) must be Tensor, not numpy.ndarray"
    assert _outcome(lambda: mg.ones(3).add([1.0])) == _outcome(lambda: torch.ones(3).add([1.0]))
    assert _outcome(lambda: mg.matmul(mg.ones(3), [1.0])) == \
        _outcome(lambda: torch.matmul(torch.ones(3), [1.0]))


# ------------------------------------------------------------ 3. Generator.get_state as a uint8 tensor


def _state_run(lib: ModuleType) -> list[Any]:
    g = lib.Generator()
    g.manual_seed(5)
    lib.randn(3, generator=g)  # (a cached normal mid-stream)
    state = g.get_state()
    first = lib.randn(7, generator=g)
    back = g.set_state(state)
    again = lib.randn(7, generator=g)
    buf = io.BytesIO()
    lib.save({"rng": g.get_state()}, buf)
    buf.seek(0)
    then = lib.rand(4, generator=g)
    g.set_state(lib.load(buf)["rng"])
    return [type(state).__name__, str(state.dtype).rpartition(".")[2], state.requires_grad, back is g,
            first.tolist() == again.tolist(), then.tolist() == lib.rand(4, generator=g).tolist(),
            g.get_state()[:5056].tolist() == lib.Generator().manual_seed(5).get_state()[:5056].tolist()]


def test_generator_state_is_a_uint8_tensor() -> None:
    """Before gaps24 Generator.get_state() returned a dict; PyTorch's is a uint8 tensor (the bytes of
    torch.get_rng_state()), set_state returns the generator, and a round trip (also through save/load)
    restores the exact stream."""
    assert _state_run(mg) == _state_run(torch)
    g, tg = mg.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    mg.rand(5, generator=g)
    torch.rand(5, generator=tg)
    assert g.get_state()[:5056].tolist() == tg.get_state().tolist()  # PyTorch's bytes, then the mask stream's
    mg.manual_seed(7)
    g.set_state(mg.get_rng_state())  # PyTorch's way to fork the global stream
    assert mg.equal(mg.rand(3), mg.rand(3, generator=g))


def test_generator_set_state_errors_as_pytorch() -> None:
    """A state of the wrong type, dtype, size or contents raises PyTorch's error class and words."""
    for make in (lambda lib: {}, lambda lib: np.zeros(5056, np.uint8), lambda lib: [0] * 5056,
                 lambda lib: None, lambda lib: lib.zeros(5056), lambda lib: lib.zeros(10, dtype=lib.uint8),
                 lambda lib: lib.zeros(5100, dtype=lib.uint8),
                 lambda lib: lib.zeros(2, 2528, dtype=lib.uint8)):
        for setter in ("set_state", "set_rng_state"):
            def run(lib: ModuleType, setter: str = setter, make: Any = make) -> Any:
                target = lib.Generator().set_state if setter == "set_state" else lib.set_rng_state
                return target(make(lib))

            assert _outcome(lambda: run(mg)) == _outcome(lambda: run(torch))


# ------------------------------------------------------------ 4. grad_fn argument attributes


_ARGUMENTS = ("_saved_dim", "_saved_keepdim", "_saved_self_sym_sizes", "_saved_self_sym_numel", "_saved_dim0",
              "_saved_dim1", "_saved_self", "_saved_other", "_saved_alpha")


def _node_arguments(lib: ModuleType) -> dict[str, Any]:
    x = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = lib.tensor(np.arange(6.0).reshape(2, 3) + 1, requires_grad=True)
    z = lib.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    results = {
        "sum(1)": x.sum(1), "sum()": x.sum(), "sum((0, 1), keepdim)": x.sum(dim=(0, 1), keepdim=True),
        "mean(1)": x.mean(1), "mean()": x.mean(), "mean((0, 2))": z.mean((0, 2)), "view": x.view(3, 2),
        "reshape": x.reshape(3, 2), "flatten": x.flatten(), "view(-1, 4)": z.view(-1, 4),
        "expand": x.expand(2, 2, 3), "transpose(0, 1)": x.transpose(0, 1),
        "transpose(1, 2)": z.transpose(1, 2),
        "transpose(0, 2)": z.transpose(0, 2), "t": x.t(), "permute": x.permute(1, 0),
        "cat(dim=1)": lib.cat([x, y], 1), "cat": lib.cat([x, y]), "stack(dim=1)": lib.stack([x, y], 1),
        "mul": x * y, "mul(detached other)": x * y.detach(), "mul(detached self)": x.detach() * y,
        "div": x / y, "div(detached other)": x / y.detach(), "add": x + y, "sub": x - y,
    }
    out: dict[str, Any] = {}
    for label, t in results.items():
        node = t.grad_fn
        found: dict[str, Any] = {}
        for name in _ARGUMENTS:
            try:
                value = getattr(node, name)
            except AttributeError:
                continue
            found[name] = (type(value).__name__, value.tolist() if hasattr(value, "tolist") else value)
        out[label] = (node.name(), found)
    return out


def test_grad_fn_argument_attributes_as_pytorch() -> None:
    """Before gaps24 grad_fn had no _saved_dim/_saved_keepdim/_saved_self_sym_sizes/_saved_dim0/_saved_dim1
    (and answered _saved_self for nodes PyTorch keeps no input in: AddBackward0, SumBackward0, views); the
    values and types (tuples of ints, bools, ints, Tensors) now are PyTorch's."""
    theirs, ours = _node_arguments(torch), _node_arguments(mg)
    assert ours == theirs
    assert theirs["sum(1)"][1]["_saved_dim"] == ("tuple", (1,))


def test_argument_attributes_survive_backward() -> None:
    """The dims and sizes stay readable after backward has freed the node's tensors, as PyTorch's."""
    for lib in (torch, mg):
        x = lib.ones(2, 3, requires_grad=True)
        y = x.sum(1)
        y.sum().backward()
        assert (y.grad_fn._saved_dim, y.grad_fn._saved_keepdim, y.grad_fn._saved_self_sym_sizes) == \
            ((1,), False, (2, 3))
