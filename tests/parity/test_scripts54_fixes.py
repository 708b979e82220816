"""Regressions found by running unmodified PyTorch tutorial and training scripts (graykode's nlp-tutorial,
AntixK's PyTorch-VAE, ...) under ``python -m minigrad.compat`` and comparing their output with real torch:
each test makes the same calls on both libraries and compares values, or error classes and words."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _error(call: Any) -> tuple[bool, bool, str]:
    with pytest.raises(BaseException) as info:
        call()
    return isinstance(info.value, RuntimeError), isinstance(info.value, AssertionError), str(info.value)


# ------------------------------------------------------------------ .cuda(device) with a device not CUDA's


def test_tensor_cuda_of_a_cpu_device_says_invalid_device() -> None:
    """PyTorch-VAE's HVAE/MSSIMVAE sample() call ``z.cuda(current_device)`` with current_device='cpu':
    PyTorch's CPU build raises the RuntimeError "Invalid device, must be cuda device" (it checks the
    device's type before looking for CUDA); minigrad said "Torch not compiled with CUDA enabled"."""
    torch = require_torch()
    for dev in ("cpu", "meta", "cpu:0"):
        for lib in (torch, mg):
            is_runtime, _, words = _error(lambda lib=lib, dev=dev: lib.ones(2).cuda(dev))
            assert is_runtime and words.startswith("Invalid device, must be cuda device"), (lib, dev, words)
        _, _, words = _error(lambda dev=dev: mg.ones(2).cuda(mg.device(dev)))
        assert words.startswith("Invalid device, must be cuda device")
    for dev in (None, "cuda", "cuda:1"):  # (a CUDA device: PyTorch's AssertionError words, unchanged)
        _, is_assert, words = _error(lambda dev=dev: mg.ones(2).cuda(dev))
        assert is_assert and words.startswith("Torch not compiled with CUDA enabled")


def test_module_cuda_of_a_cpu_device_raises_as_pytorch() -> None:
    """``model.cuda('cpu')`` moves each tensor with ``t.cuda('cpu')`` in PyTorch, which raises; minigrad
    went through ``to('cpu')`` and returned the module as if nothing were wrong. A module without
    tensors is still returned unchanged, as PyTorch's."""
    torch = require_torch()
    for lib in (torch, mg):
        for dev in ("cpu", lib.device("cpu")):
            is_runtime, _, words = _error(lambda lib=lib, dev=dev: lib.nn.Linear(2, 2).cuda(dev))
            assert is_runtime and words.startswith("Invalid device, must be cuda device"), (lib, words)
        relu = lib.nn.ReLU()
        assert relu.cuda("cpu") is relu


# ------------------------------------------------------------------ instance_norm of one spatial element


def test_instance_norm_of_one_spatial_element_says_pytorchs_words() -> None:
    """PyTorch-GAN's MUNIT MultiDiscriminator on a too small image: InstanceNorm2d raises PyTorch's
    ValueError "Expected more than 1 spatial element when training, got input size torch.Size([...])";
    minigrad's words began "instance_norm: expected ..." (a script matching the message missed it)."""
    torch = require_torch()
    for shape in ((2, 4, 1, 1), (2, 4, 1)):
        words = []
        for lib in (torch, mg):
            norm = (lib.nn.InstanceNorm2d if len(shape) == 4 else lib.nn.InstanceNorm1d)(4)
            with pytest.raises(ValueError) as info:
                norm(lib.ones(*shape))
            words.append(str(info.value))
        head = "Expected more than 1 spatial element when training, got input size "
        assert words[0].startswith(head) and words[1].startswith(head), words  # (sizes: torch.Size or tuple)


# ------------------------------------------------------------------ an RNN's dropout out of [0, 1]


def test_rnn_dropout_out_of_range_says_pytorchs_words() -> None:
    """A GRU/LSTM with dropout=1.5 raises PyTorch's ValueError "dropout should be a number in range [0, 1]
    representing the probability of an element being zeroed" (minigrad: its own words); PyTorch takes
    float(dropout) first, so None is its TypeError and 'abc' float()'s ValueError."""
    torch = require_torch()
    for value, cls in ((1.5, ValueError), (-0.1, ValueError), (True, ValueError), ("0.5", ValueError),
                       ("abc", ValueError), (None, TypeError), ([0.1], TypeError)):
        words = []
        for lib in (torch, mg):
            with pytest.raises(cls) as info:
                lib.nn.GRU(3, 4, num_layers=2, dropout=value)
            words.append(str(info.value))
        assert words[1].startswith(words[0]), words
    for value in (0, 1, 0.25):
        assert mg.nn.LSTM(3, 4, num_layers=2, dropout=value).dropout == torch.nn.LSTM(
            3, 4, num_layers=2, dropout=value).dropout


# ------------------------------------------------------------------ autograd.grad checks outputs first


def test_autograd_grad_checks_the_outputs_before_the_inputs() -> None:
    """torch.autograd.grad(loss, x) where neither requires grad (a tutorial's forgotten requires_grad=True)
    raises PyTorch's "element 0 of tensors does not require grad and does not have a grad_fn": the
    outputs are checked first, then the inputs; minigrad said "One of the differentiated Tensors does not
    require grad". A non-scalar output without grad_outputs is also reported before the inputs."""
    torch = require_torch()
    cases = [
        lambda lib: (lib.ones(2).sum(), lib.ones(2)),
        lambda lib: (lib.ones(2).sum(), lib.ones(2, requires_grad=True)),
        lambda lib: ((lib.ones(2, requires_grad=True) * 2).sum(), lib.ones(2)),
        lambda lib: (lib.ones(2, requires_grad=True) * 2, lib.ones(2)),
    ]
    for case in cases:
        words = []
        for lib in (torch, mg):
            out, inp = case(lib)
            with pytest.raises(RuntimeError) as info:
                lib.autograd.grad(out, inp)
            words.append(str(info.value))
        assert words[1].startswith(words[0]), words


# ------------------------------------------------------------------ weight_norm's FutureWarning: once


def _weight_norm_warnings(lib: Any) -> int:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # (Python's default action: once per location)
        lib.nn.utils.weight_norm(lib.nn.Linear(3, 2))
        lib.nn.utils.weight_norm(lib.nn.Conv1d(3, 2, 1))  # (another line of the caller)
    return sum(issubclass(w.category, FutureWarning) for w in caught)


def test_weight_norm_deprecation_is_shown_once_under_default_filters() -> None:
    """PyTorch's weight_norm warns from its own line (torch/nn/utils/weight_norm.py), so under Python's
    default filters a model applying it in several places (WaveNet/TCN-style blocks) prints it once;
    minigrad located it at each caller's line and printed it once per call site."""
    torch = require_torch()
    assert _weight_norm_warnings(mg) == _weight_norm_warnings(torch) == 1


# ------------------------------------------------------------------ deprecation warnings' locations


def _count_default_warnings(calls: list[Any]) -> int:
    """How many warnings Python's default filters show for ``calls``, each made from its own line."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for call in calls:
            call()
    return len(caught)


def _deprecation_counts(lib: Any) -> tuple[int, int, int]:
    sched = lib.optim.lr_scheduler.StepLR(lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1), 1)
    return (
        _count_default_warnings([lambda: lib.range(0, 2),
                                 lambda: lib.range(0, 3)]),  # (two lines: two warnings)
        _count_default_warnings([lambda: lib.set_default_tensor_type(lib.FloatTensor),
                                 lambda: lib.set_default_tensor_type(lib.FloatTensor)]),
        _count_default_warnings([lambda: sched.get_lr(),
                                 lambda: sched.get_lr()]),
    )


@pytest.mark.usefixtures("warn_always")  # (set_default_tensor_type's is once per process in both)
def test_deprecation_warnings_are_located_as_pytorchs() -> None:
    """Under default filters a warning shows once per location: PyTorch's set_default_tensor_type and a
    scheduler's get_lr() warn from inside the library (once however many lines call them), torch.range
    from the caller's line (once per line); minigrad had the first two at the caller's line and
    torch.range at its own wrapper's line (once per process)."""
    torch = require_torch()
    assert _deprecation_counts(torch) == _deprecation_counts(mg) == (2, 1, 1)
