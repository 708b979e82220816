"""Differences found while writing progs38's compat programs (data-loading corners, schedulers, tensor
semantics, printing), each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _subset_order(m: Any, kind: str) -> list[str]:
    idx = {"tensor": m.tensor([4, 5, 6, 9]), "list": [4, 5, 6, 9], "array": np.array([4, 5, 6, 9])}[kind]
    sampler = m.utils.data.SubsetRandomSampler(idx, generator=m.Generator().manual_seed(0))
    return [repr(i) for i in sampler]


@pytest.mark.parametrize("kind", ["tensor", "list", "array"])
def test_subset_random_sampler_yields_the_indices_own_elements(kind: str) -> None:
    # samplers_loader_keys.py: SubsetRandomSampler(torch.tensor([...])) yields 0-d tensors in PyTorch
    # (indices[i]), and a custom dataset's __getitem__ receives them; minigrad yielded Python ints
    assert _subset_order(mg, kind) == _subset_order(torch, kind)


def _loader_keys(m: Any) -> list[Any]:
    class Keys(m.utils.data.Dataset):  # type: ignore[name-defined,misc]
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: Any) -> str:
            return type(i).__name__

    m.manual_seed(3)
    sampler = m.utils.data.SubsetRandomSampler(m.tensor([1, 5, 7, 8]))
    return list(m.utils.data.DataLoader(Keys(), batch_size=3, sampler=sampler))


def test_loader_passes_subset_sampler_tensor_keys() -> None:
    assert _loader_keys(mg) == _loader_keys(torch)


@pytest.mark.parametrize("first,second", [(1, 1.5), (1.5, 1), (True, 2)])
def test_default_collate_promotes_mixed_dtypes(first: Any, second: Any) -> None:
    # samplers_loader_keys.py: collating an int64 and a float32 sample gives float32 (torch.stack's
    # promotion); minigrad's numpy stack gave float64
    def run(m: Any) -> Any:
        return m.utils.data.default_collate([m.tensor([first]), m.tensor([second])])

    t, g = run(torch), run(mg)
    assert str(g.dtype) == str(t.dtype).removeprefix("torch.")
    assert g.tolist() == t.tolist()


@pytest.mark.parametrize("kwargs", [{"anneal_strategy": "quad"}, {"anneal_epochs": -1},
                                    {"anneal_epochs": 2.0}])
def test_swalr_errors_read_as_pytorch(kwargs: dict[str, Any]) -> None:
    # swa_bn_schedules.py: SWALR's ValueErrors, PyTorch's words exactly
    def run(m: Any) -> str:
        opt = m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1)
        with pytest.raises(ValueError) as info:
            m.optim.swa_utils.SWALR(opt, swa_lr=0.05, **kwargs)
        return str(info.value)

    assert run(mg) == run(torch)


def test_integer_division_by_zero_message() -> None:
    def run(m: Any) -> str:
        with pytest.raises(RuntimeError) as info:
            m.tensor([1, 2]) // 0
        return str(info.value)

    assert run(mg) == run(torch)


@pytest.mark.parametrize("index", ["zero step", "float tensor"])
def test_bad_index_messages_start_with_pytorchs(index: str) -> None:
    # integer_index_semantics.py: x[::0] and x[float_tensor] read as PyTorch's messages (minigrad's
    # details after them, in parentheses)
    def run(m: Any) -> str:
        x = m.arange(12.0).view(3, 4)
        with pytest.raises((ValueError, IndexError)) as info:
            x[::0] if index == "zero step" else x[m.tensor([0.0])]
        return str(info.value).split(" (")[0]

    assert run(mg) == run(torch)


def test_implicit_grad_of_non_scalar_message() -> None:
    # autograd_functional_penalty.py: autograd.grad of a non-scalar output without grad_outputs reads as
    # PyTorch's message (minigrad's hint after it, in parentheses)
    def run(m: Any) -> str:
        w = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            m.autograd.grad(w * 2, w)
        return str(info.value).split(" (")[0]

    assert run(mg) == run(torch)


def _raised(fn: Any) -> BaseException:
    try:
        fn()
    except Exception as e:  # (the class is what is compared)
        return e
    raise AssertionError("no error")


@pytest.mark.parametrize("data", [[2**63], 2**63, [-(2**63) - 1], [2**64], [[1], [2**70]]])
def test_python_ints_beyond_int64(data: Any) -> None:
    # construction_reduction_edges.py: PyTorch's ValueError "Overflow when unpacking long long" (minigrad
    # gave its int64 range message, or "cannot make a tensor from data of dtype object")
    t, m = _raised(lambda: torch.tensor(data)), _raised(lambda: mg.tensor(data))
    assert isinstance(t, ValueError) and isinstance(m, ValueError)
    assert str(m) == str(t)


def test_wide_ints_with_a_float_dtype_are_floats() -> None:
    for data in ([2**64], [[2**63], [1]]):
        assert mg.tensor(data, dtype=mg.float64).tolist() == torch.tensor(data, dtype=torch.float64).tolist()


@pytest.mark.parametrize("case", ["int8 data", "uint8 data", "clamp", "full", "fill_"])
def test_overflow_messages_start_with_pytorchs(case: str) -> None:
    def run(m: Any) -> Any:
        return {
            "int8 data": lambda: m.tensor([300], dtype=m.int8),
            "uint8 data": lambda: m.tensor(300, dtype=m.uint8),
            "clamp": lambda: m.tensor([1], dtype=m.int8).clamp(min=300),
            "full": lambda: m.full((1,), 300, dtype=m.int8),
            "fill_": lambda: m.zeros(1, dtype=m.uint8).fill_(-300),
        }[case]

    t, g = _raised(run(torch)), _raised(run(mg))
    assert isinstance(g, RuntimeError)
    assert str(g).split(" (")[0] == str(t)


@pytest.mark.parametrize("shapes", [((2,), (3,)), ((2, 3), (4, 1, 3), (5,)), ((1, 2), (3, 1), (2, 2, 4)),
                                    (2, [3])])
def test_broadcast_shapes_mismatch_message(shapes: tuple[Any, ...]) -> None:
    t, m = _raised(lambda: torch.broadcast_shapes(*shapes)), _raised(lambda: mg.broadcast_shapes(*shapes))
    assert isinstance(m, RuntimeError)
    assert str(m) == str(t)


@pytest.mark.parametrize("name", ["max", "min", "amax", "amin", "argmax", "argmin"])
def test_empty_reduction_error_classes(name: str) -> None:
    # construction_reduction_edges.py: tensor([]).max() is a RuntimeError in PyTorch, argmax's an IndexError
    t = _raised(lambda: getattr(torch, name)(torch.tensor([])))
    m = _raised(lambda: getattr(mg, name)(mg.tensor([])))
    assert isinstance(m, IndexError) == isinstance(t, IndexError)
    assert isinstance(m, RuntimeError) and str(m) == str(t)


@pytest.mark.parametrize("name", ["Bernoulli", "ContinuousBernoulli",
                                  "relaxed_bernoulli.LogitRelaxedBernoulli"])
def test_support_error_names_only_the_given_parameter(name: str) -> None:
    # distributions_validation_reprs.py: Bernoulli(0.3).log_prob(0.5)'s error shows the distribution as
    # Bernoulli(probs: ...); minigrad cached the logits before the check, so its repr listed them too
    def run(m: Any) -> str:
        module, _, cls = name.rpartition(".")
        where = m.distributions
        if module:
            where = __import__(f"{m.__name__}.distributions.{module}", fromlist=[cls])
        args = (m.tensor(0.5),) if module else ()
        # (validate_args given: another test in the process may have turned the default off)
        d = getattr(where, cls)(*args, probs=m.tensor(0.3), validate_args=True)
        with pytest.raises(ValueError) as info:
            d.log_prob(m.tensor(float("nan")) if module else m.tensor(2.0))
        return str(info.value).split("but found")[0]

    assert run(mg) == run(torch)


@pytest.mark.parametrize("case", ["alpha", "index_select"])
def test_argument_error_messages_start_with_pytorchs(case: str) -> None:
    # nan_order_out_args.py: add(int, int, alpha=0.5) and index_select with a 2-d index read as PyTorch's
    def run(m: Any) -> str:
        with pytest.raises((RuntimeError, IndexError)) as info:
            if case == "alpha":
                m.add(m.tensor([1]), m.tensor([1]), alpha=0.5)
            else:
                m.arange(5.0).index_select(0, m.tensor([[1]]))
        return str(info.value).split(" (")[0]

    assert run(mg) == run(torch)


def test_load_of_a_file_that_is_no_checkpoint(tmp_path: Any) -> None:
    # checkpoint_io_corners.py: PyTorch's torch.load raises pickle.UnpicklingError for such bytes, and a
    # missing file's FileNotFoundError reads as open()'s
    import pickle

    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage")
    for m in (torch, mg):
        with pytest.raises(pickle.UnpicklingError):
            m.load(str(bad))
    missing = str(tmp_path / "missing.pt")
    t, g = _raised(lambda: torch.load(missing)), _raised(lambda: mg.load(missing))
    assert type(g) is type(t) is FileNotFoundError
    assert str(g) == str(t)


@pytest.mark.parametrize("expr", ["t @ 2", "2 @ t", "t @ 2.5", "~f"])
def test_operator_type_errors(expr: str) -> None:
    # python_protocol_corners.py: @ with a number is Python's TypeError (PyTorch's @ takes tensors only;
    # minigrad raised a ShapeError), and ~ on a float tensor reads as PyTorch's message
    def run(m: Any) -> str:
        with pytest.raises(TypeError) as info:
            eval(expr, {"t": m.ones(2), "f": m.ones(1)})
        return str(info.value).split(" (got")[0]

    assert run(mg) == run(torch)


@pytest.mark.parametrize("which", ["vector", "one-element vector", "float"])
def test_func_grad_needs_a_0d_tensor(which: str) -> None:
    # func_transform_options.py: torch.func.grad of a non-scalar reads as PyTorch's message, and a shape-(1,)
    # result is refused as in PyTorch (minigrad took any one-element tensor)
    fns = {"vector": lambda a: a * 2, "one-element vector": lambda a: (a * 2)[:1], "float": lambda a: 3.0}
    fn = fns[which]

    def run(m: Any) -> str:
        with pytest.raises(RuntimeError) as info:
            m.func.grad(fn)(m.ones(2))
        return str(info.value)

    assert run(mg) == run(torch)


def test_train_mode_error_message() -> None:
    # prune_lazy_pretrained.py: Module.train("x") reads as PyTorch's ValueError
    def run(m: Any) -> str:
        with pytest.raises(ValueError) as info:
            m.nn.Linear(1, 1).train("x")
        return str(info.value).split(" (")[0]

    assert run(mg) == run(torch)


def test_tensor_str_print_options() -> None:
    # print_magnitudes_options.py: torch._tensor_str.PRINT_OPTS / get_printoptions / printoptions
    def run(m: Any) -> list[str]:
        ts = m._tensor_str
        out = [str(ts.get_printoptions()), str(ts.PRINT_OPTS.precision)]
        with ts.printoptions(precision=2, sci_mode=True):
            out.append(str(m.tensor([1 / 3, 2.0])))
            out.append(str(ts.PRINT_OPTS.sci_mode))
        out.append(str(m.tensor([1 / 3, 2.0])))
        out.append(str(ts.get_printoptions()))
        return [line.replace("torch.", "").replace("minigrad.", "") for line in out]

    assert run(mg) == run(torch)
