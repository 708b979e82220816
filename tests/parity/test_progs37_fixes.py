"""Differences found while writing progs37's compat programs (sparse COO, Tensor subclasses), each compared
with PyTorch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _empty(m: Any, how: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch's invariant-check notice)
        if how == "positional":
            return m.sparse_coo_tensor((2, 4))
        if how == "keyword":
            return m.sparse_coo_tensor(size=(2, 3, 5), dtype=m.float64)
        return m.sparse_coo_tensor([4, 1], requires_grad=True)


@pytest.mark.parametrize("how", ["positional", "keyword", "grad"])
def test_sparse_coo_tensor_size_only_is_empty(how: str) -> None:
    # sparse_coo_tour.py: torch.sparse_coo_tensor(size=(2, 4)), the empty COO tensor of that shape
    t, m = _empty(torch, how), _empty(mg, how)
    assert tuple(m.shape) == tuple(t.shape)
    assert str(m.dtype) == str(t.dtype).removeprefix("torch.")
    assert tuple(m.indices().shape) == tuple(t.indices().shape)
    assert str(m.indices().dtype) == str(t.indices().dtype).removeprefix("torch.")
    assert tuple(m.values().shape) == tuple(t.values().shape)
    assert (m.is_coalesced(), m.requires_grad, m.sparse_dim(), m.dense_dim(), m._nnz()) == \
        (t.is_coalesced(), t.requires_grad, t.sparse_dim(), t.dense_dim(), t._nnz())
    assert m.to_dense().tolist() == t.to_dense().tolist()


def test_sparse_coo_tensor_no_arguments_is_type_error() -> None:
    with pytest.raises(TypeError):
        torch.sparse_coo_tensor()
    with pytest.raises(TypeError):
        mg.sparse_coo_tensor()


def _resolved(m: Any) -> list[Any]:
    o, F = m.overrides, m.nn.functional
    return [o.resolve_name(f) for f in (F.relu, m.Tensor.sum, m.cat, m.zeros, m.linalg.norm, print,
                                        m.Tensor.add, m.Tensor.__len__)]


def test_resolve_name() -> None:
    # subclass_metadata_modules.py: torch.overrides.resolve_name for a logging subclass's counts
    assert [n.replace("minigrad", "torch") if n else n for n in _resolved(mg)] == _resolved(torch)
    assert mg.overrides.resolve_name(mg.Tensor.shape.__get__) == "torch.Tensor.shape.__get__"


def test_resolve_name_of_what_a_subclass_receives() -> None:
    def seen(m: Any) -> list[str | None]:
        names: list[str | None] = []

        class Logged(m.Tensor):  # type: ignore[misc, name-defined]
            @classmethod
            def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                names.append(m.overrides.resolve_name(func))
                return super().__torch_function__(func, types, args, kwargs or {})

        c = m.ones(2, 2).as_subclass(Logged)
        _ = m.matmul(c, c), m.nn.functional.gelu(c), c.mean(0), c.t(), c.shape, c + 1
        return names

    assert seen(mg) == seen(torch)


def test_is_tensor_method_or_property() -> None:
    for m in (torch, mg):
        o = m.overrides
        got = [o.is_tensor_method_or_property(f) for f in (m.Tensor.add, m.add, m.Tensor.grad.__get__,
                                                            m.nn.functional.relu, m.Tensor.size)]
        assert got == [True, False, True, False, True]


def test_wrap_torch_function() -> None:
    class Intercept:
        @classmethod
        def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            return "intercepted " + func.__name__

    for m in (torch, mg):
        @m.overrides.wrap_torch_function(lambda a, b: (a, b))
        def my_add(a: Any, b: Any) -> Any:
            return a + b

        assert my_add(m.ones(2), m.ones(2)).tolist() == [2.0, 2.0]
        assert my_add(Intercept(), m.ones(2)) == "intercepted my_add"
        assert my_add.__name__ == "my_add"


def _masked(m: Any, coalesce: bool) -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mask = m.sparse_coo_tensor(m.tensor([[2, 0, 2], [1, 0, 1]]), m.ones(3), (3, 3))
        x = m.arange(9.0).view(3, 3).requires_grad_()
        r = x.sparse_mask(mask.coalesce() if coalesce else mask)
        r.to_dense().mul(m.tensor([1.0, 2.0, 3.0])).sum().backward()
        return r, x.grad


@pytest.mark.parametrize("coalesce", [False, True])
def test_sparse_mask(coalesce: bool) -> None:
    # sparse_grads_ops.py: dense.sparse_mask(mask), the mask's pattern with the dense entries, in the graph
    (t, tg), (m, mg_) = _masked(torch, coalesce), _masked(mg, coalesce)
    assert m.is_coalesced() == t.is_coalesced()
    assert m._indices().tolist() == t._indices().tolist()
    assert m._values().tolist() == t._values().tolist()
    assert m.grad_fn.name() == t.grad_fn.name() == "SparseMaskBackward0"
    assert mg_.tolist() == tg.tolist()


def test_sparse_mask_dense_values_and_errors() -> None:
    for m in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m3 = m.sparse_coo_tensor(m.tensor([[1]]), m.ones(1, 3), (3, 3))
        r = m.arange(9.0).view(3, 3).sparse_mask(m3)
        assert r._values().tolist() == [[3.0, 4.0, 5.0]]
        with pytest.raises(NotImplementedError):
            m.ones(3, 3).sparse_mask(m.ones(3, 3))
        with pytest.raises(RuntimeError, match=r"sparse_mask\(\): operands have incompatible sizes"):
            m.ones(3, 3).sparse_mask(m.ones(2, 3).to_sparse())


def _tracked_param(m: Any, requires_grad: bool = True) -> tuple[Any, Any]:
    class Tracked(m.Tensor):  # type: ignore[misc, name-defined]
        pass

    return Tracked, m.nn.Parameter(m.ones(3, 2).as_subclass(Tracked), requires_grad=requires_grad)


@pytest.mark.parametrize("requires_grad", [True, False])
def test_parameter_of_a_subclass_keeps_its_class(requires_grad: bool) -> None:
    # subclass_units_modes.py: nn.Parameter(x.as_subclass(Tracked)) stays a Tracked, isinstance Parameter
    for m in (torch, mg):
        cls, p = _tracked_param(m, requires_grad)
        assert type(p) is cls
        assert isinstance(p, m.nn.Parameter) and p._is_param
        assert (p.requires_grad, p.is_leaf) == (requires_grad, True)
        assert not isinstance(m.ones(2), m.nn.Parameter)
        assert not isinstance(m.ones(2).as_subclass(cls), m.nn.Parameter)
        lin = m.nn.Linear(2, 3)
        lin.weight = p
        assert next(type(q) for q in lin.parameters()) is cls
        assert list(lin.state_dict()) == ["weight", "bias"]


def test_parameter_of_a_subclass_whose_detach_changes_class() -> None:
    for m in (torch, mg):
        class Plainer(m.Tensor):  # type: ignore[misc, name-defined]
            __torch_function__ = m._C._disabled_torch_function_impl

        with pytest.raises(RuntimeError, match="Creating a Parameter from an instance of type Plainer"):
            m.nn.Parameter(m.ones(2).as_subclass(Plainer))
        assert type(m.nn.Parameter(m.ones(2))) is m.nn.Parameter


def _sparse_checkpoint(m: Any, coalesce: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = m.sparse_coo_tensor(m.tensor([[0, 1, 0], [2, 0, 2]]), m.tensor([1.0, 2.0, 3.0]), (2, 3))
        return {"adj": s.coalesce() if coalesce else s, "x": m.arange(3)}


def _same_sparse(got: Any, want: Any) -> None:
    assert got.is_sparse and want.is_sparse
    assert got.is_coalesced() == want.is_coalesced()
    assert got._indices().tolist() == want._indices().tolist()
    assert got._values().tolist() == want._values().tolist()
    assert tuple(got.shape) == tuple(want.shape)


@pytest.mark.parametrize("coalesce", [False, True])
def test_sparse_tensor_survives_save_and_load(coalesce: bool) -> None:
    # sparse_print_legacy.py: torch.save of a dict holding a COO adjacency loaded back dense
    import io

    for m in (torch, mg):
        buf = io.BytesIO()
        m.save(_sparse_checkpoint(m, coalesce), buf)
        buf.seek(0)
        got = m.load(buf)
        _same_sparse(got["adj"], _sparse_checkpoint(torch, coalesce)["adj"])
        assert got["x"].tolist() == [0, 1, 2]


def test_pytorch_sparse_checkpoint_loads_in_minigrad() -> None:
    import io

    buf = io.BytesIO()
    torch.save(_sparse_checkpoint(torch, True), buf)
    buf.seek(0)
    got = mg.load(buf)
    _same_sparse(got["adj"], _sparse_checkpoint(torch, True)["adj"])


def _copied(m: Any, coalesce: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = m.sparse_coo_tensor(m.zeros(2, 0, dtype=m.long), m.zeros(0, dtype=m.float64), (3, 3))
        src = m.sparse_coo_tensor([[0, 2, 0], [1, 1, 1]], [1.0, 2.0, 3.0], (3, 3))
        assert s.copy_(src.coalesce() if coalesce else src) is s
        return s


@pytest.mark.parametrize("coalesce", [False, True])
def test_sparse_copy_takes_the_pattern(coalesce: bool) -> None:
    # sparse_module_buffers.py: load_state_dict into a sparse buffer kept its old (empty) pattern
    t, m = _copied(torch, coalesce), _copied(mg, coalesce)
    assert str(m.dtype) == str(t.dtype).removeprefix("torch.")
    _same_sparse(m, t)
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match=r"copy_\(\) between dense and sparse Tensors"):
            _copied(lib, True).copy_(lib.ones(3, 3))


def test_load_state_dict_into_a_sparse_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import _format

    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat (Tensor values)

    def loaded(m: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            src = m.nn.Module()
            src.register_buffer("adj", m.sparse_coo_tensor([[0, 1, 2], [1, 2, 0]], [1.0, 2.0, 3.0], (3, 3)))
            dst = m.nn.Module()
            dst.register_buffer("adj", m.sparse_coo_tensor(m.zeros(2, 0, dtype=m.long), m.zeros(0), (3, 3)))
            dst.load_state_dict(src.state_dict())
            return dst.adj

    _same_sparse(loaded(mg), loaded(torch))


def test_subclass_results_in_a_graph_are_aliases() -> None:
    # subclass_wrapper_printing.py: PyTorch's _convert aliases results (grad_fn=<AliasBackward0>)
    def names(m: Any) -> list[Any]:
        class Plain(m.Tensor):  # type: ignore[misc, name-defined]
            pass

        p = m.arange(6.0).view(2, 3).as_subclass(Plain).requires_grad_()
        q = p * 2
        s = q.sum()
        s.backward()
        d = m.ones(2).as_subclass(Plain) + 1
        return [type(q).__name__, q.grad_fn.name(), s.grad_fn.name(), d.grad_fn, p.grad.tolist(), repr(s)]

    assert names(mg) == names(torch)


def test_embedding_module_dispatches_subclass_indices() -> None:
    # subclass_wrapper_printing.py: nn.Embedding(Wrapped indices) goes through F.embedding's dispatch
    def kind(m: Any) -> str:
        class Wrapped(m.Tensor):  # type: ignore[misc, name-defined]
            @classmethod
            def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                unwrap = [a.as_subclass(m.Tensor) if isinstance(a, Wrapped) else a for a in args]
                out = func(*unwrap, **(kwargs or {}))
                return out.as_subclass(Wrapped) if type(out) is m.Tensor else out

        emb = m.nn.Embedding(10, 3)
        return type(emb(m.tensor([1, 2, 3]).as_subclass(Wrapped))).__name__

    assert kind(mg) == kind(torch) == "Wrapped"
