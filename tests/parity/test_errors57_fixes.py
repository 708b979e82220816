"""errors57: misuse of the training-side API (optimizers, schedulers, torch.utils.data, nn.Module) raises
PyTorch's exception class and warns as PyTorch warns, found by driving the same bad call through PyTorch and
minigrad (a sweep of every optimizer's and scheduler's arguments, state_dict round trips, DataLoader and
dataset misuse, Module attribute and container misuse, nn.init and nn.utils).

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class, and of the minigrad class named with the case.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import errors_of_both, require_torch

_BAD = mg.InvalidParameterError


def _lbfgs_loaded_with_another_size(t: Any) -> Any:
    """An LBFGS state saved for 2 entries loaded by one over 3, then stepped."""
    p = t.nn.Parameter(t.ones(2))
    opt = t.optim.LBFGS([p])
    opt.step(lambda: (p * p).sum().backward() or (p * p).sum())
    q = t.nn.Parameter(t.ones(3))
    other = t.optim.LBFGS([q])
    other.load_state_dict(opt.state_dict())
    other.zero_grad()
    return other.step(lambda: (q * q).sum().backward() or (q * q).sum())


def _load_other_optimizers_state(t: Any) -> Any:
    """An Adam state loaded into an SGD with momentum, which then steps."""
    p = t.nn.Parameter(t.ones(2))
    adam = t.optim.Adam([p], lr=0.1)
    p.grad = t.ones(2)
    adam.step()
    q = t.nn.Parameter(t.ones(2))
    sgd = t.optim.SGD([q], lr=0.1, momentum=0.9)
    sgd.load_state_dict(adam.state_dict())
    q.grad = t.ones(2)
    return sgd.step()


def _other_schedulers_state(t: Any, make: Callable[[Any, Any], Any]) -> Any:
    """A StepLR's state loaded into the scheduler ``make(optimizer, lr_scheduler module)``."""
    opt = t.optim.SGD([t.nn.Parameter(t.ones(2))], lr=0.1, momentum=0.9)
    return make(opt, t.optim.lr_scheduler).load_state_dict(t.optim.lr_scheduler.StepLR(opt, 3).state_dict())


# case: (what raises, the class minigrad's error must also be)
_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # LBFGS's flat vectors of another length: PyTorch's RuntimeError at the next step (minigrad's numpy
    # broadcasting raised a ValueError there; now a ShapeError at loading, as the other optimizers' states)
    "LBFGS.load_state_dict(other size)": (_lbfgs_loaded_with_another_size, mg.ShapeError),
    # the state of another optimizer: PyTorch loads it and its step fails reading a hyperparameter the saved
    # groups lack (KeyError 'momentum'); minigrad filled them from its own defaults, silently
    "SGD.load_state_dict(Adam's)": (_load_other_optimizers_state, KeyError),
    # the state of another scheduler: PyTorch's KeyError for the entry the class needs (minigrad loaded it)
    "LambdaLR.load_state_dict(StepLR's)": (
        lambda t: _other_schedulers_state(t, lambda o, lr: lr.LambdaLR(o, lambda e: 1.0)), KeyError),
    "MultiplicativeLR.load_state_dict(StepLR's)": (
        lambda t: _other_schedulers_state(t, lambda o, lr: lr.MultiplicativeLR(o, lambda e: 1.0)), KeyError),
    "CyclicLR.load_state_dict(StepLR's)": (
        lambda t: _other_schedulers_state(t, lambda o, lr: lr.CyclicLR(o, 0.01, 0.1)), KeyError),
    # AveragedModel given both averaging functions: PyTorch's assert (minigrad's ValueError)
    "AveragedModel(avg_fn, multi_avg_fn)": (
        lambda t: t.optim.swa_utils.AveragedModel(t.nn.Linear(2, 2), avg_fn=lambda *a: a[0],
                                                  multi_avg_fn=lambda *a: None), _BAD),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class(case: str) -> None:
    run, also = _CASES[case]
    theirs, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__
    if case.startswith("AveragedModel"):
        assert str(ours) == str(theirs)


def _step_order_warnings(lib: Any, sequence: str) -> list[int]:
    """The number of warnings each action of ``sequence`` raised: o optimizer.step(), S/T a StepLR/an
    ExponentialLR built on the optimizer, s the latest scheduler's step()."""
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([p], lr=0.1)
    scheduler: Any = None
    counts = []
    for action in sequence:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            if action == "o":
                opt.step()
            elif action == "S":
                scheduler = lib.optim.lr_scheduler.StepLR(opt, 1)
            elif action == "T":
                scheduler = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
            else:
                scheduler.step()
        counts.append(len(seen))
    return counts


@pytest.mark.parametrize("sequence", ["oSs", "Ss", "Sos", "oSoTs", "oSTs", "SoTs", "STss", "oSsoTs"])
def test_steps_before_the_first_scheduler_do_not_count_for_the_step_order_warning(sequence: str) -> None:
    """PyTorch's optimizer records its steps only once a scheduler has patched its step: an optimizer.step()
    before the first scheduler was built leaves the scheduler's first step() to warn that it came before
    optimizer.step() (minigrad's class-level record counted every step, and did not warn)."""
    torch = require_torch()
    assert _step_order_warnings(mg, sequence) == _step_order_warnings(torch, sequence)


_DATA_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # a timeout without workers: PyTorch's single-process iterator asserts (minigrad ignored the timeout)
    "iter(DataLoader(timeout=5))": (
        lambda t: iter(t.utils.data.DataLoader(t.utils.data.TensorDataset(t.ones(3)), timeout=5)), _BAD),
    # no tensors: PyTorch's len() fails reading tensors[0] with an IndexError (minigrad refuses the dataset at
    # construction, with a ValueError before)
    "len(TensorDataset())": (lambda t: len(t.utils.data.TensorDataset()), _BAD),
    # no num_replicas/rank and no process group: PyTorch's ValueError (minigrad's NotImplementedError)
    "DistributedSampler(ds)": (lambda t: t.utils.data.DistributedSampler(range(4)), mg.UnsupportedError),
}


@pytest.mark.parametrize("case", sorted(_DATA_CASES))
def test_data_misuse_raises_pytorchs_class(case: str) -> None:
    run, also = _DATA_CASES[case]
    _, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__


def _stream_warnings(lib: Any, reported: int, batch_size: int | None, drop_last: bool, len_first: bool,
                     workers: int) -> tuple[list[Any], list[str]]:
    class Stream(lib.utils.data.IterableDataset):  # type: ignore[misc,name-defined]
        def __iter__(self) -> Any:
            return iter(range(5))

        def __len__(self) -> int:
            return reported

        def __repr__(self) -> str:
            return "Stream()"

    loader = lib.utils.data.DataLoader(Stream(), batch_size=batch_size, drop_last=drop_last,
                                       num_workers=workers)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        if len_first:
            len(loader)
        batches = [b.tolist() if hasattr(b, "tolist") else b for b in loader]
    return batches, [str(w.message) for w in seen if "Length of IterableDataset" in str(w.message)]


@pytest.mark.parametrize("reported, batch_size, drop_last, len_first, workers", [
    (3, 1, False, True, 0), (3, 2, False, True, 0), (1, 2, True, True, 0), (2, None, False, True, 0),
    (5, 1, False, True, 0), (3, 1, False, False, 0), (1, 2, False, True, 1),
])
def test_iterable_dataset_longer_than_its_len_warns(reported: int, batch_size: int | None, drop_last: bool,
                                                    len_first: bool, workers: int) -> None:
    """PyTorch's iterator warns for each batch past the length an IterableDataset reported to len(loader)
    (it compares batches with the dataset's len); minigrad's did not warn."""
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (minigrad's one-time note on workers)
        ours = _stream_warnings(mg, reported, batch_size, drop_last, len_first, workers)
    assert ours == _stream_warnings(torch, reported, batch_size, drop_last, len_first, workers)


def _with_grad(t: Any, grad: Any) -> Any:
    p = t.zeros(grad.shape, dtype=grad.dtype)
    p.grad = grad
    return p


_NN_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # a Module assigned where a Parameter is registered: PyTorch's TypeError (minigrad dropped the parameter
    # and registered the module in its place, silently)
    "Linear.weight = Linear": (lambda t: setattr(t.nn.Linear(2, 3), "weight", t.nn.Linear(1, 1)), TypeError),
    # the norm of integer gradients: PyTorch's vector_norm refuses them (minigrad gave an integer norm)
    "clip_grad_norm_(int grads)": (
        lambda t: t.nn.utils.clip_grad_norm_([_with_grad(t, t.tensor([3, -4]))], 1.0), mg.DTypeError),
    "get_total_norm(bool)": (
        lambda t: t.nn.utils.get_total_norm([t.tensor([True])], foreach=True), mg.DTypeError),
    # skip_init of something that is no class: PyTorch's issubclass TypeError (minigrad's RuntimeError)
    "skip_init(function)": (lambda t: t.nn.utils.skip_init(lambda device=None: None), TypeError),
    # nn.init on a lazy layer's placeholder: PyTorch's ValueError (minigrad's RuntimeError reading its shape)
    "init.zeros_(LazyLinear.weight)": (lambda t: t.nn.init.zeros_(t.nn.LazyLinear(3).weight), _BAD),
    "init.kaiming_uniform_(LazyLinear.weight)": (
        lambda t: t.nn.init.kaiming_uniform_(t.nn.LazyLinear(3).weight), _BAD),
    # popitem of an empty ParameterDict: PyTorch's KeyError (minigrad's StopIteration leaked out)
    "ParameterDict().popitem()": (lambda t: t.nn.ParameterDict().popitem(), KeyError),
}


@pytest.mark.parametrize("case", sorted(_NN_CASES))
def test_module_misuse_raises_pytorchs_class(case: str) -> None:
    run, also = _NN_CASES[case]
    theirs, ours = errors_of_both(run)
    assert isinstance(ours, also), type(ours).__mro__
    if not case.startswith(("skip_init", "init.")):
        assert str(ours).split()[:2] == str(theirs).split()[:2], (str(ours), str(theirs))


def _replaced_optimizers_warnings(lib: Any) -> list[str]:
    opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.1)
    scheduler = lib.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
    scheduler.optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.5)
    scheduler.optimizer.step()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        scheduler.step()
    assert scheduler.get_last_lr() == [0.25]
    return [str(w.message)[:40] for w in seen]


def test_an_optimizer_put_in_place_of_the_schedulers_warns_as_overridden() -> None:
    """PyTorch patches only the optimizer its scheduler was built on: one set in its place afterwards has an
    unpatched step, and the scheduler's first step() warns that optimizer.step() was overridden (minigrad's
    class-level record made every optimizer look patched)."""
    torch = require_torch()
    assert _replaced_optimizers_warnings(mg) == _replaced_optimizers_warnings(torch) != []


def _scaler_without_scale(t: Any, call: str) -> Any:
    """A GradScaler's ``call`` (unscale_, step, update) in an iteration that never scaled the loss."""
    p = t.nn.Parameter(t.ones(2))
    opt = t.optim.SGD([p], lr=0.1)
    scaler = t.amp.GradScaler("cpu")
    (p * p).sum().backward()
    return scaler.update() if call == "update" else getattr(scaler, call)(opt)


def _scaler_update(t: Any, new_scale: Any) -> Any:
    p = t.nn.Parameter(t.ones(2))
    opt = t.optim.SGD([p], lr=0.1)
    scaler = t.amp.GradScaler("cpu")
    scaler.scale((p * p).sum()).backward()
    scaler.step(opt)
    scaler.update(new_scale(t))
    return scaler.get_scale()


@pytest.mark.parametrize("call", ["step", "unscale_", "update"])
def test_grad_scaler_without_scale_asserts(call: str) -> None:
    """PyTorch's GradScaler asserts that scale() ran before unscale_/step/update (minigrad made the scale on
    the spot: step divided gradients that were never scaled by 65536 and stepped, silently)."""
    theirs, ours = errors_of_both(lambda t: _scaler_without_scale(t, call))
    assert isinstance(ours, AssertionError)
    assert str(ours) == str(theirs)


def test_grad_scaler_update_takes_a_one_element_tensor_of_any_dtype() -> None:
    """PyTorch's update copies a 0-d tensor of any dtype into the scale, and asserts on one of more elements
    (minigrad refused an integer tensor, and raised a ValueError for the others)."""
    torch = require_torch()
    for lib in (torch, mg):
        assert _scaler_update(lib, lambda t: t.tensor(2)) == 2.0
        assert _scaler_update(lib, lambda t: t.tensor(4.0, dtype=t.float64)) == 4.0
    _, ours = errors_of_both(lambda t: _scaler_update(t, lambda t: t.ones(2)))
    assert isinstance(ours, _BAD)
    errors_of_both(lambda t: _scaler_update(t, lambda t: t.ones(1)))  # (the copy into the 0-d scale fails)
