"""Differences found by the progs25 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def test_vmap_randomness_error_leaves_the_generator_alone() -> None:
    # PyTorch refuses the random call inside vmap(randomness='error') before it draws, so the numbers drawn
    # after the caught error are the ones a run without the attempt would draw
    def attempt(lib: object) -> list[float]:
        lib.manual_seed(0)  # type: ignore[attr-defined]
        x = lib.ones(3, 4)  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError, match="randomness error mode"):
            lib.func.vmap(lambda a: a + lib.rand(4))(x)  # type: ignore[attr-defined]
        return lib.rand(3).tolist()  # type: ignore[attr-defined, no-any-return]

    assert attempt(mg) == pytest.approx(attempt(torch), abs=1e-7)


@pytest.fixture(params=[False, True], ids=["numpy-dtypes", "compat-dtypes"])
def shown_dtypes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs a test as is and again with tensors showing PyTorch's dtype objects, as under minigrad.compat."""
    if request.param:
        from minigrad.dtypes import torch_style
        monkeypatch.setattr(mg.Tensor, "dtype", property(lambda self: torch_style(self.numpy(force=True).dtype)))


@pytest.mark.usefixtures("shown_dtypes")
@pytest.mark.parametrize("rnn", ["RNN", "GRU", "LSTM"])
def test_rnn_dtype_mismatch_message_is_pytorchs(rnn: str) -> None:
    # hawkes_point_process.py: a float64 model fed float32 input; under minigrad.compat a tensor's dtype
    # prints "torch.float32" itself, and the message read "torch.torch.float32"
    with pytest.raises(ValueError) as want:
        getattr(torch.nn, rnn)(1, 2).double()(torch.zeros(3, 1, 1))
    with pytest.raises(ValueError) as got:
        getattr(mg.nn, rnn)(1, 2).double()(mg.zeros(3, 1, 1))
    assert str(got.value) == str(want.value)


@pytest.mark.usefixtures("shown_dtypes")
def test_check_tensor_all_dtype_message_is_pytorchs() -> None:
    with pytest.raises(TypeError) as want:
        torch._check_tensor_all(torch.tensor([1.0]), lambda: "msg")
    with pytest.raises(TypeError) as got:
        mg._check_tensor_all(mg.tensor([1.0]), lambda: "msg")
    assert str(got.value) == str(want.value)
