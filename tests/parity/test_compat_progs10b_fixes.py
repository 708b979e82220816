"""What the progs10b batch of compat programs (tests/compat/programs) needed: each fix checked against
torch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _bn_per_sample_grads(lib: Any) -> tuple[Any, dict[str, np.ndarray]]:
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(5, 6), lib.nn.BatchNorm1d(6), lib.nn.ReLU(), lib.nn.Linear(6, 3))
    lib.func.replace_all_batch_norm_modules_(net)
    params = {k: v.detach() for k, v in net.named_parameters()}
    x = lib.randn(4, 3, 5)
    y = lib.randint(3, (4, 3))

    def loss(p: Any, xs: Any, ys: Any) -> Any:
        return lib.nn.functional.cross_entropy(lib.func.functional_call(net, p, (xs,)), ys)

    grads = lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    return net, {k: v.detach().numpy() for k, v in grads.items()}


def test_replace_all_batch_norm_modules_matches_torch() -> None:
    # the per-sample-gradients recipe for a BatchNorm model: minigrad's torch.func lacked it (ImportError)
    ours, our_grads = _bn_per_sample_grads(mg)
    theirs, their_grads = _bn_per_sample_grads(torch)
    bn, tbn = ours[1], theirs[1]
    assert (bn.running_mean, bn.running_var, bn.num_batches_tracked) == (None, None, None)
    assert bn.track_running_stats is tbn.track_running_stats is False
    assert sorted(dict(ours.named_buffers())) == sorted(dict(theirs.named_buffers())) == []
    for k, v in their_grads.items():
        np.testing.assert_allclose(our_grads[k], v.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert mg.func.replace_all_batch_norm_modules_(ours) is ours  # returns its argument; idempotent
    x = mg.tensor(np.linspace(-1.0, 1.0, 15, dtype=np.float32).reshape(3, 5))
    ours.train()
    out = ours(x)
    ours.eval()  # still the batch's statistics
    np.testing.assert_allclose(ours(x).detach().numpy(), out.detach().numpy())


def _tanh_function(lib: Any) -> Any:
    class Tanh(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            y = lib.tanh(x)
            ctx.save_for_backward(y)
            ctx.save_for_forward(y)
            return y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (y,) = ctx.saved_tensors
            return g * (1 - y * y)

        @staticmethod
        def jvp(ctx: Any, x_t: Any) -> Any:
            (y,) = ctx.saved_tensors
            return x_t * (1 - y * y)

    return Tanh


def test_save_for_forward_function_runs_as_torch() -> None:
    # a Function saving for both modes (the docs' forward-mode example) raised AttributeError
    data = np.linspace(-1.0, 1.0, 6)
    results = []
    for lib in (mg, torch):
        fn = _tanh_function(lib)
        x = lib.tensor(data, requires_grad=True)
        fn.apply(x).sum().backward()
        with warnings.catch_warnings():  # (PyTorch's forward AD imports torch.jit.script, which warns)
            warnings.simplefilter("ignore", DeprecationWarning)
            assert lib.autograd.gradcheck(fn.apply, (x,), check_forward_ad=True)
            with lib.autograd.forward_ad.dual_level():
                dual = lib.autograd.forward_ad.make_dual(x.detach(), lib.ones_like(x))
                tangent = lib.autograd.forward_ad.unpack_dual(fn.apply(dual)).tangent
        results.append((x.grad.numpy(), tangent.detach().numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_save_for_forward_refuses_non_tensors_as_torch() -> None:
    for lib in (mg, torch):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_forward(x, 3)
                return x * 2

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * 2

        with pytest.raises(AssertionError, match="save_for_forward expects all arguments to be tensors"):
            Bad.apply(lib.ones(2, requires_grad=True))


def test_gradgradcheck_non_contiguous_grad_outputs_as_torch() -> None:
    # gen_non_contig_grad_outputs=True raised NotImplementedError; PyTorch draws the same values, strided
    data = np.linspace(0.1, 0.9, 6).reshape(2, 3)
    after = []
    for lib in (mg, torch):
        lib.manual_seed(3)
        x = lib.tensor(data, requires_grad=True)
        assert lib.autograd.gradgradcheck(lambda t: (t ** 3).sum(1), (x,), gen_non_contig_grad_outputs=True)
        assert lib.autograd.gradgradcheck(lambda t: t.sin() * t, (x,), gen_non_contig_grad_outputs=True)
        after.append(lib.rand(3).numpy())
    np.testing.assert_array_equal(after[0], after[1])  # the same draws consumed


_NOT_PD = np.array([[4.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 5.0]])


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_reports_info_and_partial_factor_as_torch(upper: bool) -> None:
    # cholesky_ex raised LinAlgError on a matrix that is not positive definite: scripts read its info
    batch = np.stack([_NOT_PD, 4.0 * np.eye(3), -np.eye(3), np.eye(3) + 0.5])
    for arr in (_NOT_PD, batch):
        ours = mg.linalg.cholesky_ex(mg.tensor(arr), upper=upper)
        theirs = torch.linalg.cholesky_ex(torch.tensor(arr), upper=upper)
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        assert ours.info.dtype == np.int32
        np.testing.assert_allclose(ours.L.numpy(), theirs.L.numpy(), rtol=1e-12, atol=1e-15)
    jitter = np.outer(np.arange(1.0, 5.0), np.arange(1.0, 5.0))
    for lib in (mg, torch):
        assert lib.linalg.cholesky_ex(lib.tensor(jitter)).info.item() == 2


def test_cholesky_ex_check_errors_message_as_torch() -> None:
    for arr, where in ((_NOT_PD, ""), (np.stack([np.eye(3), _NOT_PD]), "(Batch element 1): ")):
        with pytest.raises(torch.linalg.LinAlgError) as theirs:
            torch.linalg.cholesky_ex(torch.tensor(arr), check_errors=True)
        with pytest.raises(mg.linalg.LinAlgError) as ours:
            mg.linalg.cholesky_ex(mg.tensor(arr), check_errors=True)
        assert str(ours.value) == str(theirs.value)
        assert where in str(ours.value)
        assert isinstance(ours.value, RuntimeError)


def test_cholesky_ex_gradient_reaches_the_matrices_that_factored() -> None:
    spd = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
    grads = []
    for lib in (mg, torch):
        a = lib.tensor(np.stack([spd, _NOT_PD]), requires_grad=True)
        L, info = lib.linalg.cholesky_ex(a)
        (L[0] * lib.tensor(np.arange(9.0).reshape(3, 3))).sum().backward()
        grads.append(a.grad[0].numpy())
        assert info.tolist() == [0, 2]
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)
    # all positive definite: the plain factorization, with its graph
    x = mg.tensor(spd, requires_grad=True)
    L, info = mg.linalg.cholesky_ex(x)
    assert info.item() == 0 and L.grad_fn is not None


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int64", "uint8", "bool"])
@pytest.mark.parametrize("noncontiguous", [False, True])
def test_make_tensor_draws_torch_values(name: str, noncontiguous: bool) -> None:
    # float32 values came from a float64 draw (other numbers than PyTorch's), and noncontiguous repeated
    # each value where PyTorch draws a twice-as-long last dim and keeps its odd elements
    for shape, kwargs in (((2, 3), {}), ((5,), {"low": -1, "high": 1}), ((), {}), ((3, 0), {})):
        if name == "bool" and kwargs:
            continue
        torch.manual_seed(0)
        theirs = torch.testing.make_tensor(shape, dtype=getattr(torch, name), device="cpu",
                                           noncontiguous=noncontiguous, **kwargs)
        mg.manual_seed(0)
        ours = mg.testing.make_tensor(shape, dtype=getattr(mg, name), noncontiguous=noncontiguous, **kwargs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.is_contiguous() == theirs.is_contiguous()
        assert mg.rand(2).tolist() == torch.rand(2).tolist()  # the same draws consumed


_SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


def _ex_results(lib: Any, a: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    t = lib.tensor(a)
    n = a.shape[-1]
    calls = [lib.linalg.inv_ex(t), lib.linalg.solve_ex(t, lib.arange(1.0, n + 1, dtype=t.dtype)),
             lib.linalg.solve_ex(t, lib.ones(*a.shape[:-1], 2, dtype=t.dtype)),
             lib.linalg.solve_ex(t, lib.ones(*a.shape[:-2], 2, n, dtype=t.dtype), left=False)]
    return [(r[0].numpy(), r[1].numpy()) for r in calls]


@pytest.mark.parametrize("arr", [_SINGULAR, np.zeros((3, 3)), np.stack([2.0 * np.eye(2), _SINGULAR]),
                                 np.stack([_SINGULAR, np.eye(2)])], ids=["rank1", "zeros", "batch", "batch0"])
def test_inv_ex_and_solve_ex_report_info_as_torch(arr: np.ndarray) -> None:
    # inv_ex / solve_ex raised LinAlgError on a singular matrix: scripts read info and fall back
    for (ours, our_info), (theirs, their_info) in zip(_ex_results(mg, arr), _ex_results(torch, arr)):
        np.testing.assert_array_equal(our_info, their_info)
        assert our_info.dtype == np.int32
        ok = their_info.reshape(-1) == 0  # the invertible matrices' results agree; a singular one's are
        ours_b, theirs_b = ours.reshape(len(ok), -1), theirs.reshape(len(ok), -1)  # LAPACK's infs and nans
        np.testing.assert_allclose(ours_b[ok], theirs_b[ok], rtol=1e-12)
        assert not np.isfinite(ours_b[~ok]).all() and not np.isfinite(theirs_b[~ok]).all()
    rank1 = _ex_results(mg, _SINGULAR)
    np.testing.assert_array_equal(rank1[0][0], [[-np.inf, np.inf], [np.inf, -np.inf]])  # PyTorch's exactly


def test_ex_check_errors_messages_as_torch() -> None:
    for arr in (_SINGULAR, np.stack([np.eye(2), _SINGULAR])):
        for call in (lambda lib, t: lib.linalg.inv_ex(t, check_errors=True),
                     lambda lib, t: lib.linalg.solve_ex(t, lib.ones(2, dtype=t.dtype), check_errors=True)):
            with pytest.raises(torch.linalg.LinAlgError) as theirs:
                call(torch, torch.tensor(arr))
            with pytest.raises(mg.linalg.LinAlgError) as ours:
                call(mg, mg.tensor(arr))
            assert str(ours.value) == str(theirs.value)


def test_inv_ex_gradient_reaches_the_invertible_matrices() -> None:
    grads = []
    for lib in (mg, torch):
        x = lib.tensor(np.stack([np.array([[2.0, 0.5], [0.25, 1.0]]), _SINGULAR]), requires_grad=True)
        inverse, _ = lib.linalg.inv_ex(x)
        inverse[0].sum().backward()
        grads.append(x.grad[0].numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


_RESULTS: list[tuple[str, Any]] = [
    ("linalg.eigh", lambda lib, x: lib.linalg.eigh(x @ x.T)),
    ("linalg.qr", lambda lib, x: lib.linalg.qr(x)),
    ("linalg.slogdet", lambda lib, x: lib.linalg.slogdet(x)),
    ("slogdet", lambda lib, x: lib.slogdet(x)),
    ("linalg.cholesky_ex", lambda lib, x: lib.linalg.cholesky_ex(x @ x.T)),
    ("linalg.inv_ex", lambda lib, x: lib.linalg.inv_ex(x)),
    ("linalg.solve_ex", lambda lib, x: lib.linalg.solve_ex(x, x)),
    ("linalg.lu", lambda lib, x: lib.linalg.lu(x)),
    ("linalg.lu_factor", lambda lib, x: lib.linalg.lu_factor(x)),
    ("linalg.lu_factor_ex", lambda lib, x: lib.linalg.lu_factor_ex(x)),
    ("geqrf", lambda lib, x: lib.geqrf(x)),
]


@pytest.mark.parametrize(("name", "call"), _RESULTS, ids=[n for n, _ in _RESULTS])
def test_linalg_results_print_as_torch(name: str, call: Any) -> None:
    # print(torch.linalg.eigh(A)) showed "linalg_eigh(eigenvalues=..., ...)" on one line, the _ex and LU
    # results their class names (CholeskyExResult(...)), torch.slogdet the linalg form's type
    data = np.array([[2.0, 0.5, 0.0], [0.25, 1.5, 0.5], [0.0, 0.75, 3.0]])
    ours, theirs = call(mg, mg.tensor(data)), call(torch, torch.tensor(data))
    assert type(ours).__name__ == type(theirs).__name__, name
    assert repr(ours).replace("minigrad", "torch") == repr(theirs), name


def test_init_private_fan_helpers_and_gain_as_torch() -> None:
    # custom layers' reset_parameters call init._calculate_fan_in_and_fan_out (AttributeError before);
    # calculate_gain('conv2d') printed 1.0 where PyTorch prints 1
    for shape in ((4, 3), (4, 3, 2, 2), (0, 3), (5, 2, 7)):
        ours = mg.nn.init._calculate_fan_in_and_fan_out(mg.empty(*shape))
        assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
        for mode in ("fan_in", "fan_out"):
            assert (mg.nn.init._calculate_correct_fan(mg.empty(*shape), mode)
                    == torch.nn.init._calculate_correct_fan(torch.empty(*shape), mode))
    for lib in (mg, torch):
        with pytest.raises(ValueError):
            lib.nn.init._calculate_fan_in_and_fan_out(lib.empty(3))
        with pytest.raises(ValueError):
            lib.nn.init._calculate_correct_fan(lib.empty(4, 3), "fan_middle")
    for name in ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        ours_gain, their_gain = mg.nn.init.calculate_gain(name), torch.nn.init.calculate_gain(name)
        assert repr(ours_gain) == repr(their_gain), name


def test_generator_device_as_torch() -> None:
    # DataLoader(generator=g) helpers read g.device (AttributeError before)
    ours, theirs = mg.Generator().device, torch.Generator().device
    assert (ours.type, ours.index, str(ours)) == (theirs.type, theirs.index, str(theirs))
    assert repr(ours) == repr(theirs)


def _scale_function(lib: Any, name: str) -> Any:
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        ctx.scale = 3.0
        return x * 3.0

    def grad(ctx: Any, g: Any) -> Any:
        return g * ctx.scale

    methods = {"forward": staticmethod(forward), name: staticmethod(grad)}
    return type("Scale", (lib.autograd.Function,), methods)


def test_function_vjp_is_backward_as_torch() -> None:
    # a Function defining vjp instead of backward raised NotImplementedError when differentiated
    data = np.array([1.0, -2.0, 0.5])
    grads = []
    for lib in (mg, torch):
        x = lib.tensor(data, requires_grad=True)
        (g,) = lib.autograd.grad(_scale_function(lib, "vjp").apply(x * 2).sum(), x)
        grads.append(g.numpy())
        both = _scale_function(lib, "vjp")
        both.backward = staticmethod(lambda ctx, g: g)
        with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp'"):
            both.apply(x).sum().backward()
    np.testing.assert_array_equal(grads[0], grads[1])


def test_custom_function_node_exposes_ctx_and_inputs_as_torch() -> None:
    # y.grad_fn.saved_tensors raised AttributeError, and next_functions showed the function's own node
    # where PyTorch shows the inputs' (MulBackward0)
    seen = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = _scale_function(lib, "backward").apply(x * 2)
        node = y.grad_fn
        seen.append((node.saved_tensors[0].tolist(), node.needs_input_grad, node.scale,
                     [f.name() for f, _ in node.next_functions], node.next_functions[0][1]))
    assert seen[0] == seen[1]


def test_mark_dirty_leaf_raises_as_torch() -> None:
    # an in-place custom Function on a leaf requiring grad went through; PyTorch refuses it
    for lib in (mg, torch):
        class AddOne(lib.autograd.Function):  # type: ignore[name-defined,misc]
            @staticmethod
            def forward(ctx: Any, a: Any) -> Any:
                a.add_(1)
                ctx.mark_dirty(a)
                return a

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g

        leaf = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an"):
            AddOne.apply(leaf)
        with lib.no_grad():
            AddOne.apply(leaf)  # not recorded: allowed
        x = leaf * 1
        out = AddOne.apply(x)
        assert out is x
        out.sum().backward()
        assert leaf.grad.tolist() == [1.0, 1.0]
