"""torch.optim, lr_scheduler, utils.data and nn.utils against PyTorch 2.13 (hunt25's fixes)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _sparse_step(lib: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """One step of optimizer ``name`` on an Embedding(sparse=True) weight: its rows, or the error."""
    emb = lib.nn.Embedding(6, 3, sparse=True)
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(np.arange(18.0).reshape(6, 3) / 10, dtype=lib.float32))
    opt = getattr(lib.optim, name)(emb.parameters(), lr=0.1, **kwargs)
    (emb(lib.tensor([1, 2, 2])) ** 2).sum().backward()
    try:
        opt.step()
    except RuntimeError as err:
        return str(err)
    return emb.weight.detach().numpy().tolist()


@pytest.mark.parametrize(("name", "kwargs"), [
    ("Adam", {}), ("AdamW", {}), ("Adamax", {}), ("NAdam", {}), ("RAdam", {}), ("Adadelta", {}),
    ("RMSprop", {}), ("Rprop", {}), ("ASGD", {}), ("Adafactor", {}), ("Muon", {}),
    ("SGD", {"weight_decay": 0.1}), ("SGD", {"momentum": 0.9, "weight_decay": 0.1}),
    ("Adagrad", {"weight_decay": 0.1}),
    ("SGD", {"momentum": 0.9}), ("Adagrad", {}), ("Adagrad", {"maximize": True}),
])  # fmt: skip
def test_sparse_gradients_are_refused_as_pytorch_refuses_them(name: str, kwargs: dict[str, Any]) -> None:
    require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's sparse Adagrad warns (once) of its sparse checks
        theirs = _sparse_step(torch, name, kwargs)
    ours = _sparse_step(mg, name, kwargs)
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)



def test_one_cycle_checks_max_momentum_length_before_base_momentum() -> None:
    require_torch()
    messages = []
    for lib in (torch, mg):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.zeros(2))], lr=0.1, momentum=0.9)
        with pytest.raises(ValueError) as info:
            lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, base_momentum=[0.8, 0.7],
                                              max_momentum=[0.95, 0.9])
        messages.append(str(info.value))
    assert messages[1] == messages[0]


@pytest.mark.parametrize("batch", [
    [1, 2.5], [True, 2], [2, True], [True, 2.5], [1, 2], [True, False],
    [np.int64(1), 2.5], [np.int32(1), np.float32(2)], [np.float32(1), np.float64(2)],
    [np.int8(1), np.int8(2)],
], ids=repr)  # fmt: skip
def test_default_collate_of_mixed_numbers_takes_torch_tensors_dtype(batch: list[Any]) -> None:
    require_torch()
    theirs, ours = torch.utils.data.default_collate(batch), mg.utils.data.default_collate(batch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_default_collate_of_a_tensor_and_a_number_is_a_type_error() -> None:
    require_torch()
    with pytest.raises(TypeError) as theirs:
        torch.utils.data.default_collate([torch.tensor(1), 2])
    with pytest.raises(TypeError) as ours:
        mg.utils.data.default_collate([mg.tensor(1), 2])
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("norm_type", [float("inf"), -float("inf")])
@pytest.mark.parametrize("foreach", [None, False, True])
def test_clip_grad_norm_inf_norm_of_an_empty_gradient_raises(norm_type: float, foreach: bool | None) -> None:
    require_torch()
    messages = []
    for lib in (torch, mg):
        empty, full = lib.nn.Parameter(lib.zeros(0)), lib.nn.Parameter(lib.zeros(2))
        empty.grad, full.grad = lib.zeros(0), lib.ones(2)
        with pytest.raises(RuntimeError) as info:
            lib.nn.utils.clip_grad_norm_([full, empty], 1.0, norm_type=norm_type, foreach=foreach)
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def test_clip_grad_norm_coefficient_overflowing_float16_is_silent() -> None:
    require_torch()
    grads = []
    for lib in (torch, mg):
        p = lib.nn.Parameter(lib.zeros(2, dtype=lib.float16))
        p.grad = lib.zeros(2, dtype=lib.float16)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.nn.utils.clip_grad_norm_([p], -1.0)  # -1 / 1e-6 is beyond float16: -inf * 0 = nan
        grads.append(p.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("api", ["weight_norm", "parametrizations.weight_norm"])
@pytest.mark.parametrize("dim", [2, -3, -2])
def test_weight_norm_checks_dim_as_pytorch(api: str, dim: int) -> None:
    require_torch()
    results = []
    for lib in (torch, mg):
        module = lib.nn.Linear(4, 3, bias=False)
        with lib.no_grad():
            module.weight.copy_(lib.tensor(np.arange(12.0).reshape(3, 4) - 5, dtype=lib.float32))
        fn = lib.nn.utils.parametrizations.weight_norm if "." in api else lib.nn.utils.weight_norm
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # (the old API is deprecated, in both)
                fn(module, dim=dim)
        except IndexError as err:
            results.append(str(err))
            continue
        results.append(module(lib.ones(1, 4)).detach().numpy().tolist())
    if isinstance(results[0], str):
        assert results[1] == results[0]
    else:
        np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


@pytest.mark.parametrize(("max_iter", "steps"), [(4, 1), (1, 3), (2, 2)])
def test_lbfgs_state_keys_in_pytorch_order(max_iter: int, steps: int) -> None:
    require_torch()
    keys = []
    for lib in (torch, mg):
        x = lib.nn.Parameter(lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64))
        opt = lib.optim.LBFGS([x], max_iter=max_iter)

        def closure(opt: Any = opt, x: Any = x) -> Any:
            opt.zero_grad()
            loss = ((x - 1) ** 2).sum() + (x**4).sum() * 0.1
            loss.backward()
            return loss

        for _ in range(steps):
            opt.step(closure)
        keys.append(list(opt.state_dict()["state"][0]))
    assert keys[1] == keys[0]


@pytest.mark.parametrize(("shape", "p", "dim"), [
    ((2, 3, 2, 2), "fro", (0, 2, 3)), ((2, 3, 2, 2), "fro", [0, 1, 2]), ((2, 3, 2, 2), "nuc", None),
    ((2, 3, 2), "nuc", None), ((2, 3), "nuc", None), ((2, 3, 2, 2), "fro", (0, 1)),
    ((2, 3, 2, 2), "fro", None),
])  # fmt: skip
def test_norm_fro_over_many_dims_and_nuc_without_dim_as_pytorch(shape: tuple[int, ...], p: str,
                                                              dim: Any) -> None:
    require_torch()
    x = np.arange(float(np.prod(shape))).reshape(shape)
    results = []
    for lib in (torch, mg):
        try:
            results.append(lib.norm(lib.tensor(x), p=p, dim=dim).numpy())
        except RuntimeError as err:
            results.append(str(err))
    if isinstance(results[0], str):
        assert isinstance(results[1], str)
        assert results[1].startswith("linalg.matrix_norm: dim must be a 2-tuple")
    else:
        np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


def test_zero_grad_keeps_a_create_graph_gradient_object() -> None:
    require_torch()
    same = []
    for lib in (torch, mg):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # (both warn of the reference cycle)
            (p**3).sum().backward(create_graph=True)
        grad = p.grad
        lib.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
        same.append((p.grad is grad, p.grad.requires_grad, p.grad.grad_fn is None, p.grad.tolist()))
    assert same[1] == same[0]


def test_dataloader_with_a_batch_sampler_needs_no_dataset_len() -> None:
    require_torch()
    batches = []
    for lib in (torch, mg):

        class Lookup(lib.utils.data.Dataset):  # type: ignore[name-defined,misc]
            """Indexable, with no __len__."""

            def __getitem__(self, i: int) -> int:
                return i * 10

        loader = lib.utils.data.DataLoader(Lookup(), batch_sampler=[[4, 0], [2]])
        batches.append([b.tolist() for b in loader])
    assert batches[1] == batches[0]


@pytest.mark.parametrize("kind", ["no param_groups", "a list", "no state"])
def test_optimizer_load_state_dict_of_a_malformed_dict_raises_pytorchs_class(kind: str) -> None:
    require_torch()
    classes = []
    for lib in (torch, mg):
        opt = lib.optim.Adam([lib.nn.Parameter(lib.ones(2))])
        saved = {"no param_groups": {"state": {}}, "a list": [1, 2],
                 "no state": {"param_groups": opt.state_dict()["param_groups"]}}[kind]
        with pytest.raises((KeyError, TypeError)) as info:
            opt.load_state_dict(saved)
        classes.append(KeyError if isinstance(info.value, KeyError) else TypeError)
    assert classes[1] is classes[0]
