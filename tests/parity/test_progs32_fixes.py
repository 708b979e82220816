"""Differences found while writing progs32's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _anomaly_message(lib: Any) -> str:
    x = lib.tensor([0.0, 1.0, 4.0], requires_grad=True)
    with pytest.warns(UserWarning), lib.autograd.detect_anomaly():
        z = (lib.sqrt(x) * 0.0).sum()
        with pytest.raises(RuntimeError) as info:
            z.backward()
    return str(info.value)


def test_anomaly_nan_message_first_line_is_pytorchs() -> None:
    # (nan_anomaly_debugging.py printed str(e).splitlines()[0]: minigrad's details followed on the same line)
    want = _anomaly_message(torch)
    assert _anomaly_message(mg).splitlines()[0] == want.splitlines()[0]


def _reloaded_metadata(lib: Any, extra_state: bool) -> tuple[Any, list[str]]:
    import io

    class Block(lib.nn.Module):
        _version = 3

        def __init__(self) -> None:
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)
            self.bn = lib.nn.BatchNorm1d(2)

        def get_extra_state(self) -> Any:
            return {"calls": 2}

        def set_extra_state(self, state: Any) -> None:
            pass

    if not extra_state:
        del Block.get_extra_state
    model = lib.nn.Sequential(Block(), lib.nn.ReLU())
    buf = io.BytesIO()
    lib.save(model.state_dict(), buf)
    buf.seek(0)
    loaded = lib.load(buf)
    return {k: dict(v) for k, v in loaded._metadata.items()}, list(loaded)


@pytest.mark.parametrize("extra_state", [False, True])
def test_saved_state_dict_keeps_its_module_versions(extra_state: bool) -> None:
    # (versioned_modules_global_hooks.py read loaded._metadata["body.0"]["version"] after torch.load:
    # minigrad's checkpoint dropped the attribute, so _load_from_state_dict migrations saw version None)
    assert _reloaded_metadata(mg, extra_state) == _reloaded_metadata(torch, extra_state)


@pytest.mark.parametrize("call", ["pow_op", "pow_fn", "pow_"])
def test_integer_to_negative_power_message_starts_as_pytorchs(call: str) -> None:
    # (a probe of common one-liners: minigrad's sentence began "pow: integers to ...")
    messages = []
    for lib in (torch, mg):
        x = lib.tensor([2, 3])
        with pytest.raises(RuntimeError) as info:
            _ = x ** -1 if call == "pow_op" else lib.pow(x, -2) if call == "pow_fn" else x.pow_(-1)
        messages.append(str(info.value))
    assert messages[1].startswith(messages[0])


_MESSAGE_CASES: dict[str, Any] = {
    "tensor of strings": lambda lib: lib.tensor(["a", "b"]),
    "tensor of a number and a string": lambda lib: lib.tensor([1.0, "a"]),
    "tensor with None": lambda lib: lib.tensor([1, None]),
    "tensor of None": lambda lib: lib.tensor(None),
    "tensor of a dict": lambda lib: lib.tensor([{"a": 1}]),
    "multinomial of zeros": lambda lib: lib.multinomial(lib.tensor([0.0, 0.0]), 1),
    "multinomial too many": lambda lib: lib.multinomial(lib.tensor([0.5, 0.5]), 3),
    "multinomial negative": lambda lib: lib.multinomial(lib.tensor([-1.0, 1.0]), 1, replacement=True),
    "multinomial negative, 5 draws": lambda lib: lib.multinomial(lib.tensor([-1.0, 1.0]), 5, True),
    "bce input": lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
    "bce target": lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([0.5]), lib.tensor([2.0])),
    "one_hot of floats": lambda lib: lib.nn.functional.one_hot(lib.tensor([1.0])),
    "pack of a zero length": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(3, 2, 1), [3, 0]),
    "pack unsorted": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(3, 2, 1), [1, 3]),
    "cat sizes": lambda lib: lib.cat([lib.ones(2, 2), lib.ones(3, 3)], dim=1),
    "cat ranks": lambda lib: lib.cat([lib.ones(2, 2), lib.ones(2)]),
}


@pytest.mark.parametrize("case", sorted(_MESSAGE_CASES))
def test_common_mistakes_start_with_pytorchs_words(case: str) -> None:
    # (a probe of the mistakes training scripts make: minigrad prefixed these with the function's name, or
    # worded them its own way; the words a printed exception shows now start as PyTorch's)
    caught = []
    for lib in (torch, mg):
        with pytest.raises(Exception) as info:
            _MESSAGE_CASES[case](lib)
        caught.append(info.value)
    want, got = caught
    assert isinstance(got, type(want))
    words = str(want).split(" You can pass")[0]  # (PyTorch's pack hint goes on about ONNX, minigrad's not)
    assert str(got).startswith(words)


def _packed_shapes(lib: Any, op: str, needs: tuple[bool, bool, bool]) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []

    def pack(t: Any) -> Any:
        shapes.append(tuple(t.shape))
        return t

    a, b, c = lib.ones(2, 3), lib.ones(3, 3), lib.ones(3)
    for t, need in zip((a, b, c), needs):
        t.requires_grad_(need)
    with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        if op == "mm":
            _ = a @ b
        elif op == "linear":
            _ = lib.nn.functional.linear(a, b, c)
        elif op == "linear without bias":
            _ = lib.nn.functional.linear(a, b)
        elif op == "mul":
            _ = a * c
        else:
            _ = a / c
    return sorted(shapes)


@pytest.mark.parametrize("op", ["mm", "linear", "linear without bias", "mul", "div"])
@pytest.mark.parametrize("needs", [(True, False, False), (False, True, False), (False, False, True),
                                   (True, True, True)])
def test_saved_tensors_hooks_see_only_what_backward_reads(op: str, needs: tuple[bool, bool, bool]) -> None:
    # (x @ w with only w needing a gradient keeps x, not w: minigrad's pack hook saw both, so a script
    # counting saved bytes with saved_tensors_hooks counted the weights too)
    assert _packed_shapes(mg, op, needs) == _packed_shapes(torch, op, needs)


def _checkpoint_packs(lib: Any, reentrant: bool) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []

    def pack(t: Any) -> Any:
        shapes.append(tuple(t.shape))
        return t

    lib.manual_seed(0)
    block = lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 3))
    x = lib.randn(4, 3, requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = lib.utils.checkpoint.checkpoint(block, x, use_reentrant=reentrant)
        z = (y * 2).sum()
    z.backward()
    return sorted(shapes)


@pytest.mark.parametrize("reentrant", [False, True])
def test_checkpoint_region_hides_its_saved_tensors_from_outer_hooks(reentrant: bool) -> None:
    # (activation_memory_accounting.py counted the bytes saved under checkpoint: minigrad's hooks saw every
    # op inside the region, and the parameters; PyTorch's see the checkpoint's saved inputs alone)
    assert _checkpoint_packs(mg, reentrant) == _checkpoint_packs(torch, reentrant)


def test_pickling_a_parametrized_module_raises_pytorchs_message() -> None:
    # (a probe of parametrizations with copy/pickle/save: PyTorch's message has a line break before the link)
    import pickle

    messages = []
    for lib in (torch, mg):
        module = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(4, 3))
        with pytest.raises(RuntimeError) as info:
            pickle.dumps(module)
        messages.append(str(info.value))
    assert messages[1] == messages[0]


_VMAP_MISTAKES: dict[str, Any] = {
    "in_dim past the rank": lambda lib: lib.func.vmap(lib.sin, in_dims=1)(lib.ones(3)),
    "in_dim on a float": lambda lib: lib.func.vmap(lib.sin, in_dims=0)(3.0),
    "in_dims None": lambda lib: lib.func.vmap(lib.sin, in_dims=None)(lib.ones(3)),
    "in_dims a list": lambda lib: lib.func.vmap(lib.add, in_dims=[0, 0])(lib.ones(2), lib.ones(2)),
    "in_dims too short": lambda lib: lib.func.vmap(lib.add, in_dims=(0,))(lib.ones(2, 3), lib.ones(2, 3)),
    "in_dim on an int": lambda lib: lib.func.vmap(lambda a, b: a + b, in_dims=(0, 0))(lib.ones(2), 3),
    "returns an int": lambda lib: lib.func.vmap(lambda a: 3)(lib.ones(2)),
    "all None": lambda lib: lib.func.vmap(lib.add, in_dims=(None, None))(lib.ones(2), lib.ones(2)),
}


@pytest.mark.parametrize("case", sorted(_VMAP_MISTAKES))
def test_vmap_argument_errors_start_with_pytorchs_words(case: str) -> None:
    # (a probe of torch.func mistakes: minigrad's vmap began its errors "vmap: ", PyTorch's name the call,
    # "vmap(sin, in_dims=1, ...)(<inputs>): ", and it refuses in_dims that is neither an int nor a tuple)
    caught = []
    for lib in (torch, mg):
        with pytest.raises(ValueError) as info:
            _VMAP_MISTAKES[case](lib)
        caught.append(str(info.value))
    want, got = caught
    assert got.startswith(want.split(" in_dims has structure")[0].split(" (in_dims are")[0])


@pytest.mark.parametrize("expr", [
    "(a @ w).grad_fn._saved_mat2", "(a @ w).grad_fn._saved_self", "(x @ w).grad_fn._saved_self",
    "(x @ w).grad_fn._saved_mat2", "F.linear(a, w, c).grad_fn._saved_mat2",
    "F.linear(a, w, c).grad_fn._saved_mat1", "F.linear(x, w.T).grad_fn._saved_mat2",
    "F.linear(x, w.T).grad_fn._saved_self"])
def test_matrix_products_saved_factors_as_pytorch(expr: str) -> None:
    # (a probe of grad_fn._saved_* after the saved_tensors_hooks fix: a factor the product did not need is
    # None in PyTorch; minigrad raised AttributeError for _saved_mat2/_saved_mat1, or gave the tensor)
    shown = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        a, x = lib.randn(2, 3), lib.randn(2, 3, requires_grad=True)
        w, c = lib.randn(3, 3, requires_grad=True), lib.randn(3, requires_grad=True)
        if "(x @ w)" in expr or "F.linear(x" in expr:
            w = w.detach()
        value = eval(expr, {"a": a, "x": x, "w": w, "c": c, "F": lib.nn.functional})
        shown.append(None if value is None else (tuple(value.shape), value.tolist()))
    assert shown[1] == shown[0]
