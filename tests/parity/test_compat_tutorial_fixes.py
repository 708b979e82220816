"""What the tutorial-style compat programs (tests/compat/programs: autoencoder_early_stop, profiler_inference,
extending_autograd, forward_mode_ad, model_surgery, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


@pytest.mark.parametrize(("n", "batch", "num_samples"),
                         [(48, 8, None), (50, 8, None), (20, 4, 40), (20, 4, 7)])
def test_loader_advances_its_generator_as_torch(n: int, batch: int, num_samples: int | None) -> None:
    # autoencoder_early_stop: a loader's own generator must be where PyTorch's is after each epoch, which
    # includes the empty last permutation PyTorch's RandomSampler draws when the passes come out even
    def epochs(lib: Any) -> list[list[int]]:
        gen = lib.Generator().manual_seed(7)
        ds = lib.utils.data.TensorDataset(lib.arange(n))
        sampler = lib.utils.data.RandomSampler(ds, num_samples=num_samples, generator=gen)
        loader = lib.utils.data.DataLoader(ds, batch_size=batch, sampler=sampler)
        out = [[int(i) for b in loader for i in b[0].tolist()] for _ in range(3)]
        out.append([int(v) for v in lib.randperm(5, generator=gen).tolist()])
        return out

    assert epochs(mg) == epochs(torch)


def test_random_sampler_iterated_directly_advances_its_generator_as_torch() -> None:
    def orders(lib: Any) -> list[list[int]]:
        gen = lib.Generator().manual_seed(3)
        sampler = lib.utils.data.RandomSampler(range(12), generator=gen)
        return [list(sampler) for _ in range(3)]

    assert orders(mg) == orders(torch)
    np.testing.assert_array_equal(sorted(orders(mg)[0]), np.arange(12))


def test_number_minus_tensor_is_named_rsub_as_torch() -> None:
    # d2l_scratch prints `true_b - b`, whose repr shows the grad_fn
    def names(lib: Any) -> list[str]:
        b = lib.ones(2, requires_grad=True)
        return [type(t.grad_fn).__name__ if lib is torch else t.grad_fn.name()
                for t in (1 - b, 4.2 - b, b - 1, lib.tensor(1.0) - b)]

    assert names(mg) == names(torch)
    b = mg.tensor([1.0, 2.0], requires_grad=True)
    (3.0 - b * b).sum().backward()
    assert b.grad is not None and b.grad.tolist() == [-2.0, -4.0]
    assert repr(4.2 - mg.tensor([1.0], requires_grad=True)) == repr(
        4.2 - torch.tensor([1.0], requires_grad=True))


def _fwd(lib: Any, primal: np.ndarray, tangent: np.ndarray, other: np.ndarray
         ) -> tuple[Any, Any, Any, Any, bool]:
    fw = lib.autograd.forward_ad
    with fw.dual_level() as level:
        t = lib.tensor(tangent)
        dual = fw.make_dual(lib.tensor(primal), t)
        out = (dual * dual + lib.tensor(other)).sin() * dual.sum()
        unused = fw.unpack_dual(lib.tensor(other) * 2).tangent
        p, jt = fw.unpack_dual(out)
        same = fw.unpack_dual(dual).tangent is t and fw.unpack_dual(out).tangent is jt
    after = fw.unpack_dual(out).tangent
    return level, p.detach().numpy(), jt.detach().numpy(), (unused, after), same


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.autograd.forward_ad imports torch.jit
def test_forward_ad_dual_tensors_match_torch() -> None:
    # forward_mode_ad: the forward-mode AD tutorial's make_dual / unpack_dual inside dual_level
    rng = np.random.default_rng(0)
    primal, tangent, other = (rng.standard_normal((3, 4)) for _ in range(3))
    ours, theirs = _fwd(mg, primal, tangent, other), _fwd(torch, primal, tangent, other)
    assert ours[0] == theirs[0] == 0
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-10)
    assert ours[3] == theirs[3] == (None, None)
    assert ours[4] and theirs[4]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.autograd.forward_ad imports torch.jit
def test_forward_ad_through_a_parameter_keeps_its_reverse_graph() -> None:
    # make_dual of a tensor that requires grad: the tangent is J t and backward still reaches the primal
    def run(lib: Any) -> tuple[np.ndarray, np.ndarray]:
        w = lib.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=lib.float64, requires_grad=True)
        x = lib.tensor([1.0, 3.0], dtype=lib.float64)
        with lib.autograd.forward_ad.dual_level():
            dual = lib.autograd.forward_ad.make_dual(w, lib.ones(2, 2, dtype=lib.float64))
            y = (dual @ x).tanh()
            jt = lib.autograd.forward_ad.unpack_dual(y).tangent
            y.sum().backward()
        return jt.detach().numpy(), w.grad.numpy()

    for a, b in zip(run(mg), run(torch), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.autograd.forward_ad imports torch.jit
def test_forward_ad_errors_match_torch() -> None:
    for lib in (mg, torch):
        fw = lib.autograd.forward_ad
        with pytest.raises(RuntimeError, match="no level exists"):
            fw.make_dual(lib.ones(2), lib.ones(2))
        with fw.dual_level():
            with pytest.raises(RuntimeError, match="different size"):
                fw.make_dual(lib.ones(2), lib.ones(3))
            with pytest.raises(ValueError, match="floating point"):
                fw.make_dual(lib.ones(2), lib.ones(2, dtype=lib.int64))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.autograd.forward_ad imports torch.jit
def test_func_vjp_fn_may_be_called_again_as_torch() -> None:
    # forward_mode_ad builds a Jacobian from one vjp_fn call per row
    def rows(lib: Any) -> np.ndarray:
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64)
        _, vjp_fn = lib.func.vjp(lambda t: t.tanh() * t.sum(), x)
        return np.stack([vjp_fn(e)[0].numpy() for e in lib.eye(3, dtype=lib.float64)])

    np.testing.assert_allclose(rows(mg), rows(torch), rtol=1e-12)


_SCHEDULES = [(1, 1, 2, 0, 0, 0), (1, 1, 2, 2, 1, 0), (2, 0, 1, 3, 0, 1), (0, 2, 3, 0, 4, 0)]


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch: a schedule without warmup skews results
@pytest.mark.parametrize(("wait", "warmup", "active", "repeat", "skip_first", "skip_first_wait"), _SCHEDULES)
def test_profiler_schedule_matches_torch(wait: int, warmup: int, active: int, repeat: int, skip_first: int,
                                         skip_first_wait: int) -> None:
    kw = {"wait": wait, "warmup": warmup, "active": active, "repeat": repeat, "skip_first": skip_first,
          "skip_first_wait": skip_first_wait}
    ours, theirs = mg.profiler.schedule(**kw), torch.profiler.schedule(**kw)
    assert [ours(i).name for i in range(30)] == [theirs(i).name for i in range(30)]


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch: events are cleared at the end of each cycle
def test_profiler_cycles_and_labels_match_torch() -> None:
    # profiler_inference: a scheduled profile hands each recorded cycle to on_trace_ready
    def cycles(lib: Any) -> tuple[list[list[str]], list[tuple[str, int]], bool]:
        seen: list[list[str]] = []

        def ready(p: Any) -> None:
            seen.append(sorted(e.key for e in p.key_averages() if e.key.startswith("step")))

        x = lib.ones(3, 3)
        sched = lib.profiler.schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], schedule=sched,
                                  on_trace_ready=ready) as p:
            for step in range(12):
                with lib.profiler.record_function(f"step{step}"):
                    (x @ x).sum()
                p.step()

        @lib.profiler.record_function("decorated")
        def work() -> Any:
            return (x * 2).sum()

        with lib.autograd.profiler.profile() as prof:
            work()
            work()
        labels = sorted((e.key, e.count) for e in prof.key_averages() if e.key == "decorated")
        table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=5)
        return seen, labels, "decorated" in table and isinstance(table, str)

    assert cycles(mg) == cycles(torch)
    assert cycles(mg)[0] == [["step3", "step4"], ["step7", "step8"]]


def test_profile_without_schedule_calls_on_trace_ready_at_exit(tmp_path: Any) -> None:
    seen = []
    with mg.profiler.profile(on_trace_ready=lambda p: seen.append(len(p.key_averages()))) as prof:
        mg.ones(2) * 3
    assert seen == [1]
    assert prof.key_averages()[0].cpu_time_total >= 0
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    assert [e["name"] for e in json.loads(path.read_text())["traceEvents"]] == ["Mul"]
    handler = mg.profiler.tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w")
    with mg.profiler.profile(on_trace_ready=handler):
        mg.ones(2) + 1
    assert [p.name.startswith("w.") for p in (tmp_path / "tb").iterdir()] == [True]


def test_device_is_a_context_manager_as_torch() -> None:
    # `with torch.device('cpu'):` builds modules and tensors on that device
    with mg.device("cpu") as dev:
        t = mg.ones(2)
    assert dev == mg.device("cpu") and t.device == dev
    with torch.device("cpu"):
        assert torch.ones(2).device == torch.device("cpu")
    with pytest.raises(RuntimeError, match="CPU only"), mg.device("cuda"):
        pass


def _exp_function(lib: Any) -> type:
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, i: Any) -> Any:
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            result, = ctx.saved_tensors
            return grad_output * result

    return Exp


def test_custom_function_saving_its_output_is_twice_differentiable() -> None:
    # extending_autograd: the docs' Exp saves its result; double backward goes through the saved output
    def run(lib: Any) -> tuple[bool, np.ndarray, np.ndarray, bool]:
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        exp = _exp_function(lib)
        y = exp.apply(x)
        g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x)
        return (g.requires_grad, g.detach().numpy(), gg.numpy(), lib.autograd.gradgradcheck(exp.apply, (x,)))

    ours, theirs = run(mg), run(torch)
    assert ours[0] and theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)
    assert ours[3] and theirs[3]


def test_mark_dirty_returns_the_input_itself_with_new_history() -> None:
    def run(lib: Any) -> tuple[bool, list[float], bool]:
        class AddOne(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx: Any, grad_out: Any) -> Any:
                return grad_out * 3

        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        out = AddOne.apply(b)
        (out * out).sum().backward()
        return out is b, a.grad.tolist(), b.grad_fn is not None

    assert run(mg) == run(torch)


def _numpy_sin(lib: Any, name: str) -> Any:
    @lib.library.custom_op(name, mutates_args=(), schema="(Tensor x) -> Tensor")
    def numpy_sin(x: Any) -> Any:
        return lib.from_numpy(np.sin(x.detach().numpy()))

    @numpy_sin.register_fake
    def _(x: Any) -> Any:
        return lib.empty_like(x)

    def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
        ctx.save_for_backward(inputs[0])

    def backward(ctx: Any, grad: Any) -> Any:
        x, = ctx.saved_tensors
        return grad * x.cos()

    numpy_sin.register_autograd(backward, setup_context=setup_context)
    return numpy_sin


def test_library_custom_op_with_autograd_matches_torch() -> None:
    # extending_autograd: the "Custom Python Operators" tutorial's numpy_sin
    def run(lib: Any, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        op = _numpy_sin(lib, name)
        x = lib.tensor([0.3, -1.2, 2.5], dtype=lib.float64, requires_grad=True)
        y = op(x)
        (y * y).sum().backward()
        via_ops = getattr(lib.ops, name.split("::")[0]).numpy_sin(x)
        return (y.detach().numpy(), x.grad.numpy(), via_ops.detach().numpy(),
                lib.autograd.gradcheck(op, (x,)))

    ours, theirs = run(mg, "tutorfix::numpy_sin"), run(torch, "tutorfix::numpy_sin")
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert ours[3] and theirs[3]


def test_library_custom_op_without_autograd_refuses_backward() -> None:
    @mg.library.custom_op("tutorfix::plain", mutates_args=())
    def plain(x: mg.Tensor) -> mg.Tensor:
        return x * 2

    y = plain(mg.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError, match="no autograd formula was registered"):
        y.sum().backward()
    with pytest.raises(ValueError, match="namespace::name"):
        mg.library.custom_op("noname", mutates_args=())


def test_as_strided_windows_and_errors_match_torch() -> None:
    # unfold_einsum: sliding windows by as_strided; the gradient counts every overlapping read
    def run(lib: Any) -> tuple[np.ndarray, np.ndarray, list[str]]:
        x = lib.tensor(np.linspace(-1.0, 2.0, 12), requires_grad=True)
        w = x[2:].as_strided((4, 3), (2, 1))
        (w * w).sum().backward()
        errors = []
        for args in [((3, 3), (1, 1), 12), ((3,), (1, -1)), ((3,), (-1,))]:
            with pytest.raises(RuntimeError) as info:
                x.detach().as_strided(*args)
            errors.append(str(info.value).split(":")[0])
        return w.detach().numpy(), x.grad.numpy(), errors

    ours, theirs = run(mg), run(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    assert ours[2] == theirs[2]


def test_vander_matches_torch_and_differentiates_like_its_products() -> None:
    # polynomial-regression scripts build their design matrix with torch.vander
    x = np.array([0.5, -1.5, 2.0, 0.0])
    for kwargs in ({}, {"N": 3, "increasing": True}, {"N": 1}, {"N": 0}):
        np.testing.assert_allclose(mg.vander(mg.tensor(x), **kwargs).numpy(),
                                   torch.vander(torch.tensor(x), **kwargs).numpy(), rtol=1e-15)
    xg = mg.tensor(x, requires_grad=True)
    mg.vander(xg, N=4).sum().backward()  # d/dx (x^3 + x^2 + x + 1) = 3x^2 + 2x + 1 (PyTorch's raises here)
    assert xg.grad is not None
    np.testing.assert_allclose(xg.grad.numpy(), 3 * x**2 + 2 * x + 1, rtol=1e-12)
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="one-dimensional"):
            lib.vander(lib.ones(2, 2))
        with pytest.raises(RuntimeError, match="non-negative"):
            lib.vander(lib.ones(2), N=-1)


def test_asarray_is_nonzero_and_set_default_tensor_type_match_torch() -> None:
    def run(lib: Any) -> list[Any]:
        a = np.ones(3)
        shared, copied = lib.asarray(a), lib.asarray(a, copy=True)
        a[0] = 5.0
        t = lib.tensor([1.0, 2.0])
        grad_leaf = lib.asarray(t, dtype=lib.float64, requires_grad=True)
        out = [shared.tolist(), copied.tolist(), lib.asarray(t) is t, grad_leaf.is_leaf,
               grad_leaf.requires_grad, str(lib.asarray([1, 2]).dtype).replace("torch.", ""),
               lib.is_nonzero(lib.tensor([0.0])), lib.is_nonzero(lib.tensor(3))]
        for bad in (lib.tensor([1.0, 2.0]), lib.tensor([])):
            with pytest.raises(RuntimeError, match="ambiguous") as info:
                lib.is_nonzero(bad)
            out.append(str(info.value))
        with warnings.catch_warnings():  # (PyTorch warns once per process)
            warnings.simplefilter("ignore")
            lib.set_default_tensor_type(lib.DoubleTensor)
            out.append(str(lib.tensor([1.0]).dtype).replace("torch.", ""))
            lib.set_default_tensor_type("torch.FloatTensor")
            out.append(str(lib.tensor([1.0]).dtype).replace("torch.", ""))
        with pytest.raises(TypeError, match="floating-point"):
            lib.set_default_tensor_type(lib.LongTensor)
        return out

    assert run(mg) == run(torch)
    was = mg.is_warn_always_enabled()
    mg.set_warn_always(True)  # (PyTorch's warning is once per process: the calls above spent it)
    try:
        with pytest.warns(UserWarning, match="deprecated as of PyTorch 2.1"):
            mg.set_default_tensor_type(mg.FloatTensor)
    finally:
        mg.set_warn_always(was)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_jit_script_and_trace_compute_what_torchs_do() -> None:
    # the "save and load a model" / deployment tutorials trace or script the model and call it again
    def run(lib: Any) -> list[Any]:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))
        x = lib.linspace(-1, 1, 6).reshape(2, 3)
        traced = lib.jit.trace(model, x)
        scripted = lib.jit.script(model)

        @lib.jit.ignore
        def helper(t: Any) -> Any:
            return t * 2

        fut = lib.jit.fork(helper, x)
        return [traced(x).detach().numpy(), scripted(x + 1).detach().numpy(), lib.jit.wait(fut).numpy(),
                lib.jit.is_scripting(), lib.jit.is_tracing(), lib.jit.annotate(int, 3)]

    ours, theirs = run(mg), run(torch)
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)  # float32 rounding
    assert ours[3:] == theirs[3:]
    with pytest.warns(DeprecationWarning, match="torch.jit.script. is deprecated"):
        mg.jit.script(lambda t: t)


def test_layout_flags_match_torch_for_dense_cpu_tensors() -> None:
    # custom optimizers test `if p.grad.is_sparse: raise ...`; minigrad's gradients are dense CPU tensors
    flags = ["is_cpu", "is_cuda", "is_sparse", "is_meta", "is_quantized", "is_mkldnn", "is_nested"]
    x, t = mg.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    (x * 2).sum().backward()
    (t * 2).sum().backward()
    assert x.grad is not None and t.grad is not None
    assert [getattr(x.grad, f) for f in flags] == [getattr(t.grad, f) for f in flags]
    emb = mg.nn.Embedding(5, 2, sparse=True)
    emb(mg.tensor([1, 3])).sum().backward()
    assert emb.weight.grad is not None and emb.weight.grad.is_sparse is False  # dense values, rows kept aside
