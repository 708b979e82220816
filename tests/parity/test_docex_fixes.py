"""What running the usage examples of PyTorch's own docstrings under minigrad turned up: each fix checked
against torch on its own (small programs of our own, in the spirit of those examples)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("fn", ["isclose", "allclose"])
def test_closeness_of_shapes_that_do_not_broadcast_raises_runtime_error(fn: str) -> None:
    # before: numpy's ValueError ("operands could not be broadcast together"); PyTorch raises RuntimeError
    with pytest.raises(RuntimeError) as want:
        getattr(torch, fn)(torch.ones(3, 4, 4), torch.eye(5))
    with pytest.raises(RuntimeError) as got:
        getattr(mg, fn)(mg.ones(3, 4, 4), mg.eye(5))
    assert isinstance(got.value, mg.ShapeError)
    assert "must match the size of tensor b (5)" in str(want.value)
    assert "must match the size of tensor b (5)" in str(got.value)
    # shapes that broadcast still compare
    assert getattr(mg, fn)(mg.zeros(2, 3), mg.zeros(3)) is not None


def test_typename_of_classes_and_functions_is_their_own_name() -> None:
    # before: typename(SomeClass) was 'type' (the class's class); PyTorch names the class itself
    class Local:
        pass

    def f() -> None:
        pass

    for obj in (Local, f, 3, [1], len):
        assert mg.typename(obj) == torch.typename(obj)
    assert mg.typename(mg.zeros(2)) == torch.typename(torch.zeros(2))
    assert mg.typename(mg.nn.Parameter).endswith(".Parameter")


def test_generator_repr_under_the_compat_alias_is_pytorchs() -> None:
    # before: <minigrad.random.Generator object at ...> where a notebook cell ending in manual_seed shows
    # PyTorch's <torch._C.Generator object at ...>
    from minigrad import _format

    want = repr(torch.manual_seed(0)).split(" at ")[0]
    before = _format.NAMESPACE
    _format.NAMESPACE = "torch"
    try:
        got = repr(mg.manual_seed(0))
    finally:
        _format.NAMESPACE = before
    assert got.split(" at ")[0] == want
    assert repr(mg.Generator()).startswith("<minigrad.random.Generator object at 0x")


def _asarray_cases(lib: Any) -> list[tuple[Any, ...]]:
    rows = []
    for kw in [{}, {"requires_grad": False}, {"requires_grad": True}, {"requires_grad": False, "copy": True},
               {"requires_grad": True, "copy": True}, {"dtype": lib.float64}]:
        leaf = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        nonleaf = leaf * 2
        plain = lib.tensor([1.0, 2.0])
        for src in (leaf, nonleaf, plain):
            out = lib.asarray(src, **kw)
            rows.append((out is src, out.requires_grad, out.is_leaf, src.requires_grad,
                         out.grad_fn.name() if out.grad_fn is not None else None))
    return rows


def test_asarray_requires_grad_of_a_tensor() -> None:
    # before: requires_grad=False returned a tensor that required grad unchanged, True made a detached
    # leaf out of a graph tensor, and copy=True dropped the graph; PyTorch defaults requires_grad to the
    # tensor's own, switches a leaf returned as itself in place, detaches a non-leaf for False and
    # clones (CloneBackward0) for copy=True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both libraries' note that the default changed (tested below)
        want = _asarray_cases(torch)
        got = _asarray_cases(mg)
    assert got == want


@pytest.mark.parametrize("returns", ["leaf", "none", "other", "int"])
def test_post_accumulate_grad_hook_may_return_the_leaf(returns: str) -> None:
    # before: a hook written as `lambda p: p.add_(p.grad, alpha=-lr)` (it returns p) raised "should return
    # None"; PyTorch accepts the leaf itself, raises RuntimeError for another tensor, TypeError otherwise
    def run(lib: Any) -> Any:
        v = lib.tensor([0.0, 0.0, 0.0], requires_grad=True)
        v.register_post_accumulate_grad_hook(
            lambda p: {"leaf": p.add_(p.grad, alpha=-0.5), "none": None, "other": p * 2, "int": 3}[returns])
        try:
            v.backward(lib.tensor([1.0, 2.0, 3.0]))
        except (TypeError, RuntimeError) as e:
            return type(e).__mro__[:2] if isinstance(e, TypeError) else RuntimeError
        return v.detach().numpy().copy()

    want, got = run(torch), run(mg)
    if isinstance(want, np.ndarray):
        np.testing.assert_array_equal(got, want)
    elif want is RuntimeError:
        assert got is RuntimeError
    else:
        assert got[0] is TypeError and want[0] is TypeError


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 3), (4, 1)),
                                          ((4, 2, 3), (1, 12, 4)), ((2, 1, 3), (1, 1, 2))])
def test_empty_strided_has_the_strides_asked_for(size: tuple[int, ...], stride: tuple[int, ...]) -> None:
    # before: every empty_strided tensor was row-major (stride() (3, 1) for a column-major request)
    want, got = torch.empty_strided(size, stride), mg.empty_strided(size, stride)
    assert got.stride() == want.stride()
    assert got.is_contiguous() == want.is_contiguous()
    assert got.dim_order() == want.dim_order()
    src = np.arange(float(np.prod(size)), dtype=np.float32).reshape(size)
    np.testing.assert_array_equal(got.copy_(mg.tensor(src)).numpy(), want.copy_(torch.tensor(src)).numpy())


@pytest.mark.parametrize("size, layout", [((2, 3, 5, 7), (0, 2, 3, 1)), ((2, 3), (1, 0)),
                                          ((2, 1, 3), (2, 1, 0))])
def test_empty_permuted_is_laid_out_in_the_physical_order(size: tuple[int, ...],
                                                          layout: tuple[int, ...]) -> None:
    # before: row-major whatever physical_layout said; Tensor.dim_order did not exist
    want = torch.empty_permuted(size, layout, requires_grad=True)
    got = mg.empty_permuted(size, layout, requires_grad=True)
    assert (got.shape, got.stride(), got.dim_order(), got.is_leaf) == (
        tuple(want.shape), want.stride(), want.dim_order(), want.is_leaf)


def test_dim_order() -> None:
    for make in (lambda lib: lib.zeros(2, 3), lambda lib: lib.zeros(2, 3).t(),
                 lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1), lambda lib: lib.zeros(2, 1, 3)):
        assert make(mg).dim_order() == make(torch).dim_order()
    with pytest.raises(RuntimeError):
        torch.zeros(2, 1, 3).dim_order(ambiguity_check=True)
    for shape in [(3,), (1,), (2, 3), (1, 3), (3, 1), (2, 1, 3), (1, 2, 3, 4)]:
        try:
            want = torch.zeros(shape).dim_order(ambiguity_check=True)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                mg.zeros(shape).dim_order(ambiguity_check=True)
        else:
            assert mg.zeros(shape).dim_order(ambiguity_check=True) == want
    with pytest.raises(TypeError):
        mg.zeros(2).dim_order(ambiguity_check=3)


def test_adjoint_and_is_storage_functions() -> None:
    # before: torch.adjoint and torch.is_storage were not in minigrad (only the Tensor method adjoint)
    x = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    want, got = torch.adjoint(torch.tensor(x)), mg.adjoint(mg.tensor(x))
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.stride() == want.stride()
    with pytest.raises(RuntimeError):
        torch.adjoint(torch.zeros(3))
    with pytest.raises(RuntimeError):
        mg.adjoint(mg.zeros(3))
    for lib in (torch, mg):
        t = lib.tensor([1, 2, 3])
        assert [lib.is_storage(o) for o in (t.untyped_storage(), t, [1, 2, 3])] == [True, False, False]


def test_asarray_warns_once_about_its_requires_grad_default_as_torch() -> None:
    torch = require_torch()
    from minigrad import settings

    counts = []
    for lib, reset in ((mg, lambda: settings._warned_once.discard("asarray")), (torch, None)):
        x = lib.ones(3, requires_grad=True)
        if reset is not None:
            reset()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.asarray(lib.ones(3))  # (no grad: no warning)
            lib.asarray(x, requires_grad=True)  # (given: no warning)
            lib.asarray(x)
            lib.asarray(x * 2)
        counts.append([str(w.message)[:40] for w in caught if "requires_grad" in str(w.message)])
    # PyTorch warns once per process: if an earlier test already triggered it there, it stays silent
    assert counts[0] == ["torch.asarray: unspecified requires_grad"]
    assert counts[1] in ([], counts[0])


# Samplers on non-float tensors: PyTorch has float kernels only and raises; minigrad drew floats and
# cast them (normal_ on a long tensor gave truncated zeros, poisson on Poisson(torch.tensor([4]))
# gave counts). Each call is (torch module, tensor) -> result, run on both libraries.
_INT_SAMPLERS = {
    "poisson": lambda t, x: t.poisson(x),
    "bernoulli": lambda t, x: t.bernoulli(x),
    "binomial count": lambda t, x: t.binomial(x, t.tensor([0.5, 0.5])),
    "binomial prob": lambda t, x: t.binomial(x.float(), x),
    "_standard_gamma": lambda t, x: t._standard_gamma(x),
    "_sample_dirichlet": lambda t, x: t._sample_dirichlet(x),
    "normal mean": lambda t, x: t.normal(x, 1.0),
    "normal std": lambda t, x: t.normal(0.0, x),
    "normal size": lambda t, x: t.normal(0.0, 1.0, (2,), dtype=x.dtype),
    "multinomial": lambda t, x: t.multinomial(x, 1),
    "normal_": lambda t, x: x.clone().normal_(),
    "uniform_": lambda t, x: x.clone().uniform_(),
    "exponential_": lambda t, x: x.clone().exponential_(),
    "cauchy_": lambda t, x: x.clone().cauchy_(),
    "log_normal_": lambda t, x: x.clone().log_normal_(),
    "geometric_": lambda t, x: x.clone().geometric_(0.5),
    "rand": lambda t, x: t.rand(2, dtype=x.dtype),
    "randn": lambda t, x: t.randn(2, dtype=x.dtype),
    "rand_like": lambda t, x: t.rand_like(x),
    "randn_like": lambda t, x: t.randn_like(x),
    "init.uniform_": lambda t, x: t.nn.init.uniform_(x.clone()),
    "init.normal_": lambda t, x: t.nn.init.normal_(x.clone()),
    "init.trunc_normal_": lambda t, x: t.nn.init.trunc_normal_(x.clone()),
    "init.xavier_uniform_": lambda t, x: t.nn.init.xavier_uniform_(x.clone().reshape(1, 2)),
    "init.kaiming_normal_": lambda t, x: t.nn.init.kaiming_normal_(x.clone().reshape(1, 2)),
    "init.orthogonal_": lambda t, x: t.nn.init.orthogonal_(x.clone().reshape(1, 2)),
    "Poisson.sample": lambda t, x: t.distributions.Poisson(x).sample(),
    "Bernoulli.sample": lambda t, x: t.distributions.Bernoulli(x).sample(),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", sorted(_INT_SAMPLERS))
def test_samplers_refuse_non_float_tensors_as_pytorch(name: str, dtype: str) -> None:
    call = _INT_SAMPLERS[name]
    want: BaseException | None = None
    try:
        call(torch, torch.tensor([1, 0], dtype=getattr(torch, dtype)))
    except Exception as e:  # whatever PyTorch raises is the expectation
        want = e
    if want is None:  # integers are fine here (geometric_ on ints): minigrad must agree
        out = call(mg, mg.tensor([1, 0], dtype=getattr(mg, dtype)))
        assert str(out.dtype) == dtype
        return
    with pytest.raises(type(want)) as got:
        call(mg, mg.tensor([1, 0], dtype=getattr(mg, dtype)))
    # (trunc_normal_ of uint8: PyTorch first fails casting the bound a=-2 to uint8, a RuntimeError too)
    # (rand, randn and their *_like forms add minigrad's own words after PyTorch's, which a test pins)
    if (name, dtype) != ("init.trunc_normal_", "uint8"):
        assert str(got.value).startswith(str(want))
    assert isinstance(got.value, RuntimeError) or isinstance(want, ValueError)


def test_rand_of_an_integer_dtype_stays_an_invalid_parameter_error() -> None:
    # tests/robustness pins InvalidParameterError (a ValueError) for rand(2, dtype=int64); PyTorch's
    # class is NotImplementedError: the error is both
    with pytest.raises(mg.InvalidParameterError) as got:
        mg.rand(2, dtype=mg.int64)
    assert isinstance(got.value, NotImplementedError)


def test_samplers_on_float_tensors_unchanged() -> None:
    # the dtype checks leave float draws as they were: the same numbers as PyTorch from one seed
    def draws(t: Any) -> list[np.ndarray[Any, Any]]:
        t.manual_seed(3)
        x = t.tensor([4.0, 2.0])
        out = [t.poisson(x), t.bernoulli(t.tensor([0.3, 0.7])), t.zeros(3).normal_(), t.zeros(3).uniform_(),
               t.zeros(2).exponential_(), t.distributions.Poisson(x).sample(),
               t.zeros(2, dtype=t.int64).geometric_(0.5)]
        return [o.numpy() for o in out]

    for w, g in zip(draws(torch), draws(mg), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6)
        assert g.dtype == w.dtype


@pytest.mark.parametrize("mode", ["all", "any"])
def test_multi_grad_hook_fires_once_per_backward_pass(mode: str) -> None:
    # before: mode="all" waited for every tensor's gradient, across passes (the docstring's first
    # backward, which never reaches d, printed nothing; the next pass then fired with stale grads), and
    # mode="any" fired in the first pass only
    def run(t: Any) -> list[Any]:
        a = t.ones(2, 3, requires_grad=True)
        b = t.full((2, 3), 2.0, requires_grad=True)
        c, d = a * b, a * b
        seen: list[Any] = []

        def fn(grads: Any) -> None:
            if mode == "all":
                seen.append([g is not None for g in grads])
            else:
                seen.append(grads.numpy().tolist())

        handle = t.autograd.graph.register_multi_grad_hook((a, b, c, d), fn, mode=mode)
        for loss in (c.sum(), d.sum(), c.sum() + 2 * d.sum()):
            loss.backward(retain_graph=True)
            seen.append("|")
        (a * 1).sum().backward()  # reaches a only
        seen.append("|")
        handle.remove()
        c.sum().backward()
        return seen

    assert run(mg) == run(torch)


def test_func_vjp_without_primals_calls_func_as_pytorch() -> None:
    # before: RuntimeError "argnums must be non-empty"; PyTorch calls func() (its docstring's misuse
    # vjp(f)(x) is then the TypeError of f missing its argument) and vjp_fn gives ()
    for t in (torch, mg):
        with pytest.raises(TypeError, match="missing 1 required positional argument"):
            t.func.vjp(lambda x: x.sin())
    x_t, x_m = torch.ones(2, requires_grad=True), mg.ones(2, requires_grad=True)
    (out_t, fn_t), (out_m, fn_m) = torch.func.vjp(lambda: x_t * 2), mg.func.vjp(lambda: x_m * 2)
    np.testing.assert_array_equal(out_m.detach().numpy(), out_t.detach().numpy())
    assert out_m.requires_grad == out_t.requires_grad
    assert fn_m(mg.ones(2)) == fn_t(torch.ones(2)) == ()


# Distributions with integer parameters: PyTorch's samplers refuse them (minigrad drew and truncated:
# Normal(tensor([0]), tensor([2])).sample() gave an int64 tensor); FisherSnedecor draws from float gammas
_INT_DISTRIBUTIONS = {
    "Normal": lambda dist, z, o: dist.Normal(z, o),
    "LogNormal": lambda dist, z, o: dist.LogNormal(z, o),
    "Uniform": lambda dist, z, o: dist.Uniform(z, o),
    "Cauchy": lambda dist, z, o: dist.Cauchy(z, o),
    "Laplace": lambda dist, z, o: dist.Laplace(z, o),
    "Gumbel": lambda dist, z, o: dist.Gumbel(z, o),
    "Exponential": lambda dist, z, o: dist.Exponential(o),
    "Pareto": lambda dist, z, o: dist.Pareto(o, o),
    "Gamma": lambda dist, z, o: dist.Gamma(o, o),
    "Beta": lambda dist, z, o: dist.Beta(o, o),
    "Dirichlet": lambda dist, z, o: dist.Dirichlet(o.repeat(2)),
    "StudentT": lambda dist, z, o: dist.StudentT(o),
    "Kumaraswamy": lambda dist, z, o: dist.Kumaraswamy(o, o),
    "Binomial": lambda dist, z, o: dist.Binomial(3, o.clamp(max=1)),
    "Geometric": lambda dist, z, o: dist.Geometric(probs=o.clamp(max=1)),
    "FisherSnedecor": lambda dist, z, o: dist.FisherSnedecor(o, o),
}


@pytest.mark.parametrize("method", ["sample", "rsample"])
@pytest.mark.parametrize("name", sorted(_INT_DISTRIBUTIONS))
def test_distributions_with_integer_parameters_sample_as_pytorch(name: str, method: str) -> None:
    make = _INT_DISTRIBUTIONS[name]

    def run(t: Any) -> Any:
        t.manual_seed(0)
        d = make(t.distributions, t.tensor([0]), t.tensor([2]))
        if method == "rsample" and not d.has_rsample:
            return None
        return getattr(d, method)()

    try:
        want = run(torch)
    except Exception as e:  # what PyTorch raises is the expectation
        with pytest.raises(type(e)):
            run(mg)
        return
    got = run(mg)
    if want is None:
        assert got is None
        return
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5)
