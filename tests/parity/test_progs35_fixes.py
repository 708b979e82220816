"""Differences found while writing progs35's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


# ---------------------------- a parameter listed twice (pointer_generator_coverage.py's tied embedding)


def _duplicate_run(m: Any, name: str, **kw: Any) -> tuple[list[float], list[float], dict[str, Any]]:
    w = m.nn.Parameter(m.tensor([[1.0, -2.0], [0.3, 0.4]]))
    u = m.nn.Parameter(m.tensor([0.5]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (both warn that the group holds a parameter twice)
        opt = getattr(m.optim, name)([w, u, w], **kw)
    for _ in range(3):
        opt.zero_grad()
        ((w**2).sum() + (u * w).sum()).backward()
        opt.step()
    return w.flatten().tolist(), u.tolist(), opt.state_dict()


@pytest.mark.parametrize("kw", [{"momentum": 0.9}, {"momentum": 0.9, "nesterov": True},
                                {"momentum": 0.9, "dampening": 0.5}])
def test_sgd_momentum_with_a_parameter_listed_twice(kw: dict[str, Any]) -> None:
    # PyTorch reads every momentum buffer before updating: in the first step both entries of the
    # parameter start a buffer of their own (the last one is kept)
    mw, mu, msd = _duplicate_run(mg, "SGD", lr=0.1, **kw)
    tw, tu, tsd = _duplicate_run(torch, "SGD", lr=0.1, **kw)
    np.testing.assert_allclose(mw, tw, rtol=1e-6)
    np.testing.assert_allclose(mu, tu, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(msd["state"][2]["momentum_buffer"]),
                               tsd["state"][2]["momentum_buffer"].numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["Adam", "Adagrad", "SGD"])
def test_state_dict_indexes_a_duplicate_by_its_last_position(name: str) -> None:
    kw = {"lr": 0.1, "momentum": 0.9} if name == "SGD" else {"lr": 0.1}
    *_, msd = _duplicate_run(mg, name, **kw)
    *_, tsd = _duplicate_run(torch, name, **kw)
    assert msd["param_groups"][0]["params"] == tsd["param_groups"][0]["params"] == [2, 1, 2]
    assert sorted(msd["state"]) == sorted(tsd["state"]) == [1, 2]


# ------------------------------------------------ vector_to_parameters makes views (ewc_lottery_ticket.py)


def _views_run(m: Any) -> tuple[bool, list[float], list[float], str]:
    lin = m.nn.Linear(3, 2)
    vec = m.arange(8.0)
    m.nn.utils.vector_to_parameters(vec, lin.parameters())
    shares = lin.weight.data_ptr() == vec.data_ptr()
    opt = m.optim.SGD(lin.parameters(), lr=0.1)
    lin(m.ones(1, 3)).sum().backward()
    opt.step()  # the step writes through the views into vec
    before = vec.tolist()
    vec.mul_(2)
    m.nn.utils.vector_to_parameters(m.zeros(8, dtype=m.float64), lin.parameters())
    return shares, before, lin.bias.tolist(), str(lin.weight.dtype).replace("torch.", "")


def test_vector_to_parameters_shares_the_vector_as_pytorch() -> None:
    ours, theirs = _views_run(mg), _views_run(torch)
    assert ours[0] is theirs[0] is True
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert ours[2] == theirs[2] and ours[3] == theirs[3] == "float64"


# ----------------------------------------------------- Adam's int betas (stylegan_infogan_pieces.py)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("betas", [(0, 0.99), (0.9, 1 - 1), [0.5, 0.9], (np.float64(0.0), 0.9)])
def test_adam_refuses_int_betas_at_construction_as_pytorch(name: str, betas: Any) -> None:
    def build(m: Any) -> BaseException | None:
        try:
            getattr(m.optim, name)([m.nn.Parameter(m.ones(2))], betas=betas)
        except ValueError as e:
            return e
        return None

    ours, theirs = build(mg), build(torch)
    assert (ours is None) == (theirs is None)
    if theirs is not None:
        assert str(ours).startswith(str(theirs))


# ------------------------------------------------------- bool() of an empty tensor (PyTorch's words)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2,)])
def test_bool_of_a_tensor_without_one_value_names_the_case(shape: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError) as theirs:
        bool(torch.ones(shape))
    with pytest.raises(RuntimeError) as ours:
        bool(mg.ones(shape))
    assert str(ours.value) == str(theirs.value)


# ------------------------------------------------ a dataset without __len__ or __getitem__ (PyTorch's words)


class _NoLen:
    def __getitem__(self, i: int) -> int:
        if i >= 4:
            raise IndexError
        return i


class _NoItem:
    def __len__(self) -> int:
        return 4


@pytest.mark.parametrize("cls", [_NoLen, _NoItem])
def test_dataloader_of_an_incomplete_dataset_says_what_pytorch_says(cls: type) -> None:
    with pytest.raises(TypeError) as theirs:
        list(torch.utils.data.DataLoader(cls(), batch_size=2))
    with pytest.raises(TypeError) as ours:
        list(mg.utils.data.DataLoader(cls(), batch_size=2))
    assert str(ours.value).startswith(str(theirs.value))


# ------------------------------- CrossMapLRN2d's gradient is PyTorch's hand-written one (probing nn layers)


@pytest.mark.parametrize(("size", "channels"), [(3, 4), (5, 7), (2, 5), (4, 3), (7, 4), (6, 9)])
def test_cross_map_lrn2d_gradient_follows_pytorchs_backward(size: int, channels: int) -> None:
    x = np.random.default_rng(size * 10 + channels).standard_normal((2, channels, 2, 3))
    weights = np.arange(1, channels + 1, dtype=np.float64).reshape(1, channels, 1, 1)
    grads = []
    for m in (mg, torch):
        t = m.tensor(x, requires_grad=True)
        out = m.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.75, k=1)(t)
        (out**2 * m.tensor(weights)).sum().backward()
        grads.append((out.detach().numpy(), t.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-10, atol=1e-12)


# ---------------------- torch.overrides' dispatch helpers (torch_function_subclasses.py's library functions)


class _Duck:
    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return ("duck", func.__name__, [t.__name__ for t in types], len(args), sorted(kwargs or {}))


class _Refuser:
    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return NotImplemented


def _overrides_run(m: Any) -> list[Any]:
    o = m.overrides

    class Sub(m.Tensor):  # type: ignore[name-defined,misc]
        pass

    def lib(a: Any, b: Any = 1) -> Any:
        if o.has_torch_function_variadic(a, b):
            return o.handle_torch_function(lib, (a, b), a, b=b)
        return (a + b).tolist()

    plain, param, sub = m.ones(2), m.nn.Parameter(m.ones(1)), m.ones(2).as_subclass(Sub)
    out: list[Any] = [
        [o.has_torch_function(args) for args in ((plain,), (param,), (sub,), [_Duck()], (1, "a"))],
        [o.has_torch_function_unary(a) for a in (plain, param, sub, _Duck(), 3)],
        lib(plain), lib(_Duck(), b=2), lib(_Refuser(), _Duck()), type(lib(sub)).__name__,
    ]
    try:
        lib(_Refuser())
    except TypeError as e:
        out.append(str(e).split(":")[0].replace("tests.parity.test_progs35_fixes.", ""))
    try:
        o.has_torch_function(_Duck())
    except TypeError as e:
        out.append(str(e))
    return out


def test_overrides_dispatch_helpers_as_pytorch() -> None:
    assert _overrides_run(mg) == _overrides_run(torch)


# ---------------------------------------------- Module.to(an integer dtype) names it as PyTorch does


@pytest.mark.parametrize("name", ["int64", "int32", "bool", "uint8"])
def test_module_to_an_integer_dtype_names_it_as_pytorch(name: str) -> None:
    with pytest.raises(TypeError) as theirs:
        torch.nn.Linear(2, 2).to(getattr(torch, name))
    with pytest.raises(TypeError) as ours:
        mg.nn.Linear(2, 2).to(getattr(mg, name))
    assert str(ours.value) == str(theirs.value)


# -------------------------------- loaded views share one storage with its offsets (probing torch.save/load)


def _saved_views(m: Any) -> list[Any]:
    import io

    base = m.arange(6.0)
    buf = io.BytesIO()
    m.save({"base": base, "view": base[2:4], "col": base.view(2, 3)[:, 1]}, buf)
    buf.seek(0)
    out = m.load(buf)
    root = out["base"].untyped_storage().data_ptr()
    same = [out[k].untyped_storage().data_ptr() == root for k in ("view", "col")]
    out["view"].add_(100)
    return [out["view"].storage_offset(), out["col"].storage_offset(), out["col"].stride(), same,
            out["base"].tolist(), out["col"].tolist()]


def test_loaded_views_keep_their_storage_offsets_as_pytorch() -> None:
    assert _saved_views(mg) == _saved_views(torch)


# --------------------------------------------- pad_sequence / pad_packed_sequence mistakes in PyTorch's words


def _rnn_words(m: Any, case: str) -> str:
    rnn = m.nn.utils.rnn
    try:
        if case == "empty":
            rnn.pad_sequence([])
        elif case == "trailing":
            rnn.pad_sequence([m.ones(2, 3), m.ones(1, 2)])
        else:
            rnn.pad_packed_sequence(rnn.pack_sequence([m.ones(3), m.ones(2)]), total_length=2)
    except (RuntimeError, ValueError) as e:
        return str(e)
    return "no error"


@pytest.mark.parametrize("case", ["empty", "trailing", "total_length"])
def test_rnn_padding_mistakes_start_with_pytorchs_words(case: str) -> None:
    assert _rnn_words(mg, case).startswith(_rnn_words(torch, case))
