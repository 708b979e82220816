"""Devices (CPU only, honestly), the default dtype, and the CPU-only cuda/backends/distributed/onnx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.device import check_device


@pytest.fixture
def float64_default() -> Iterator[None]:
    mg.set_default_dtype(mg.float64)
    try:
        yield
    finally:
        mg.set_default_dtype(mg.float32)


def test_device_object() -> None:
    d = mg.device("cpu")
    assert (d.type, d.index) == ("cpu", None)
    assert repr(d) == "device(type='cpu')" and str(d) == "cpu"
    assert repr(mg.device("cpu", 0)) == "device(type='cpu', index=0)" and str(mg.device("cpu:0")) == "cpu:0"
    assert mg.device("cpu:0") == mg.device("cpu", 0) != d
    assert d == mg.device(d) and hash(d) == hash(mg.device("cpu")) and len({d, mg.device("cpu")}) == 1
    assert d != "cpu"  # as torch.device: compare d.type with a string
    cuda = mg.device("cuda:1")  # building one is allowed, as in PyTorch; using it is not
    assert (cuda.type, cuda.index) == ("cuda", 1)


@pytest.mark.parametrize(("arg", "match"), [
    ("foo", "Expected one of cpu, cuda"), ("CPU", "Expected one of"), ("cpu:x", "Invalid device string"),
    ("cuda:-1", "Invalid device string"), (0, "CPU only"),
])
def test_bad_device_strings(arg: Any, match: str) -> None:
    with pytest.raises(mg.DeviceError, match=match) as info:
        mg.device(arg)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(TypeError, match="expects a string"):
        mg.device(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("dev", [None, "cpu", "cpu:0", mg.device("cpu"), mg.device("cpu", 0)])
def test_check_device_accepts_the_cpu(dev: Any) -> None:
    assert check_device(dev) == mg.device("cpu")


@pytest.mark.parametrize("dev", ["cuda", "cuda:0", "mps", "xpu", mg.device("cuda"), 0, "cpu:1"])
def test_check_device_refuses_everything_else(dev: Any) -> None:
    with pytest.raises(mg.DeviceError, match="CPU") as info:
        check_device(dev)
    # PyTorch's CPU build raises AssertionError for CUDA and NotImplementedError (a RuntimeError) for MPS
    assert isinstance(info.value, AssertionError) and isinstance(info.value, NotImplementedError)


FACTORIES: dict[str, Callable[..., mg.Tensor]] = {
    "zeros": lambda **kw: mg.zeros(2, 3, **kw),
    "ones": lambda **kw: mg.ones((2, 3), **kw),
    "empty": lambda **kw: mg.empty(2, 3, **kw),
    "full": lambda **kw: mg.full((2, 3), 1.5, **kw),
    "arange": lambda **kw: mg.arange(0.0, 3.0, **kw),
    "randn": lambda **kw: mg.randn(2, 3, **kw),
    "rand": lambda **kw: mg.rand(2, 3, **kw),
    "randint": lambda **kw: mg.randint(0, 5, (2, 3), **kw),
    "zeros_like": lambda **kw: mg.zeros_like(mg.ones(2), **kw),
    "ones_like": lambda **kw: mg.ones_like(mg.ones(2), **kw),
    "empty_like": lambda **kw: mg.empty_like(mg.ones(2), **kw),
    "full_like": lambda **kw: mg.full_like(mg.ones(2), 7.0, **kw),
    "rand_like": lambda **kw: mg.rand_like(mg.ones(2), **kw),
    "randn_like": lambda **kw: mg.randn_like(mg.ones(2), **kw),
    "randint_like": lambda **kw: mg.randint_like(mg.ones(2), 3, 9, **kw),
    "tensor": lambda **kw: mg.tensor([1.0, 2.0], **kw),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_factory_takes_device(name: str) -> None:
    make = FACTORIES[name]
    for dev in ("cpu", mg.device("cpu"), None, "cpu:0"):
        t = make(device=dev)
        assert t.device == mg.device("cpu")
    with pytest.raises(mg.DeviceError, match="'cuda' was requested, but minigrad runs on the CPU only"):
        make(device="cuda")
    with pytest.raises(mg.DeviceError, match="'mps'"):
        make(device="mps")


def test_like_factories() -> None:
    base = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64)
    assert mg.empty_like(base).shape == (2, 2) and mg.empty_like(base).dtype == np.float64
    mg.manual_seed(3)
    r = mg.randint_like(base, 3, 9)
    assert r.dtype == np.float64 and ((r.numpy() >= 3) & (r.numpy() < 9) & (r.numpy() % 1 == 0)).all()
    assert (mg.randint_like(base, 2).numpy() < 2).all()  # one bound: [0, high)
    g = mg.Generator(5)
    a = mg.randn_like(base, generator=g).numpy()
    assert np.array_equal(a, mg.randn_like(base, generator=mg.Generator(5)).numpy())
    u = mg.rand_like(base, dtype=mg.float32)
    assert u.dtype == np.float32 and ((u.numpy() >= 0) & (u.numpy() < 1)).all()
    with pytest.raises(mg.InvalidParameterError, match="floating"):
        mg.rand_like(mg.tensor([1, 2]))


def test_tensor_device_cpu_and_cuda() -> None:
    x = mg.tensor([1.0, 2.0])
    assert x.device == mg.device("cpu") and x.is_cuda is False
    assert x.cpu() is x
    with pytest.raises(mg.DeviceError, match="CPU only"):
        x.cuda()


def test_tensor_to_forms() -> None:
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    assert x.to("cpu") is x and x.to(mg.device("cpu")) is x and x.to(device="cpu") is x
    assert x.to(mg.float32) is x and x.to("cpu", mg.float32, non_blocking=True) is x
    y = x.to(mg.float64)
    assert y.dtype == np.float64 and y.requires_grad and np.array_equal(y.detach().numpy(), [1.5, 2.5])
    assert x.to("cpu", mg.float64).dtype == np.float64
    assert x.to(device="cpu", dtype=mg.int64).tolist() == [1, 2]
    assert x.to(mg.zeros(1, dtype=mg.float64)).dtype == np.float64  # to(other): other's dtype
    assert x.to(mg.float64, copy=True).dtype == np.float64


def test_tensor_to_copy_is_a_differentiable_copy() -> None:
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    c = x.to(copy=True)
    assert c is not x and np.array_equal(c.detach().numpy(), x.detach().numpy())
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())
    (c * mg.tensor([2.0, 3.0])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [2.0, 3.0]


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    (("cuda",), {}, mg.DeviceError, "CPU only"),
    ((0,), {}, mg.DeviceError, "CPU only"),
    ((), {"device": "mps"}, mg.DeviceError, "'mps'"),
    (("float64",), {}, mg.DeviceError, "device type at start of device string: float64"),
    ((mg.float64,), {"dtype": mg.float32}, TypeError, "multiple values"),
    ((), {"colour": 1}, TypeError, "unexpected keyword argument 'colour'"),
    ((mg.float64, True, True, True), {}, TypeError, "invalid combination"),
])
def test_tensor_to_errors(args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception],
                          match: str) -> None:
    with pytest.raises(error, match=match):
        mg.tensor([1.0]).to(*args, **kwargs)


def test_module_to_device_and_dtype() -> None:
    m = mg.nn.Linear(2, 3)
    w = m.weight
    assert m.to("cpu") is m and m.to(mg.device("cpu")) is m and m.to(device="cpu", non_blocking=True) is m
    assert m.weight.dtype == np.float32
    assert m.to("cpu", mg.float64) is m and m.weight is w and w.dtype == np.float64
    m.to(mg.zeros(1))  # a tensor's dtype: back to float32
    assert w.dtype == np.float32
    m.to(dtype=mg.float64)
    assert w.dtype == np.float64
    with pytest.raises(mg.DeviceError, match="CPU only"):
        m.to("cuda")
    with pytest.raises(mg.InvalidParameterError, match="floating"):
        m.to(mg.int64)


def test_set_default_device() -> None:
    mg.set_default_device("cpu")
    mg.set_default_device(None)
    assert mg.get_default_device() == mg.device("cpu")
    with pytest.raises(mg.DeviceError, match="CPU only"):
        mg.set_default_device("cuda")


def test_default_dtype_is_float32() -> None:
    assert mg.get_default_dtype() == np.float32
    assert mg.tensor(1.5).dtype == np.float32 and mg.zeros(1).dtype == np.float32


@pytest.mark.usefixtures("float64_default")
def test_default_dtype_float64_reaches_floats_factories_promotion_and_layers() -> None:
    assert mg.get_default_dtype() == np.float64
    assert mg.tensor(0.1).dtype == np.float64 and mg.tensor(0.1).item() == 0.1
    assert mg.tensor([1, 2]).dtype == np.int64  # ints are unaffected
    assert mg.tensor(np.ones(2, np.float32)).dtype == np.float32  # numpy arrays keep their dtype
    for name in ("zeros", "ones", "empty", "full", "arange", "randn", "rand"):
        assert FACTORIES[name]().dtype == np.float64, name
    assert mg.full((2,), 3).dtype == np.int64 and mg.arange(3).dtype == np.int64
    ints = mg.tensor([1, 2])
    assert (ints / 2).dtype == np.float64 and (ints * 1.5).dtype == np.float64
    assert ints.exp().dtype == np.float64
    assert mg.tensor([1.0], dtype=mg.float32).dtype == np.float32
    assert mg.nn.Linear(2, 2).weight.dtype == np.float64 and mg.nn.LayerNorm(2).weight.dtype == np.float64


def test_set_default_dtype_refuses_non_floats() -> None:
    for bad in (mg.int64, mg.bool_, None, "not-a-dtype"):
        with pytest.raises(TypeError):
            mg.set_default_dtype(bad)
    with pytest.raises(TypeError, match="float32 or float64"):
        mg.set_default_dtype(np.float16)
    assert mg.get_default_dtype() == np.float32


def test_cuda_module_answers_as_a_cpu_build() -> None:
    assert mg.cuda.is_available() is False and mg.cuda.device_count() == 0
    assert mg.cuda.is_initialized() is False
    assert mg.cuda.manual_seed(1) is None and mg.cuda.manual_seed_all(1) is None
    assert mg.cuda.empty_cache() is None
    assert mg.cuda.memory_allocated() == 0 and mg.cuda.max_memory_allocated() == 0
    assert mg.cuda.is_bf16_supported() is False
    mg.manual_seed(0)
    first = mg.rand(3).numpy()
    mg.manual_seed(0)
    mg.cuda.manual_seed_all(123)  # must not touch the CPU generator
    assert np.array_equal(mg.rand(3).numpy(), first)
    for fn in (mg.cuda.synchronize, mg.cuda.current_device, mg.cuda.get_device_name, mg.cuda.init):
        with pytest.raises(mg.DeviceError, match="needs a GPU"):
            fn()
    with pytest.raises(mg.DeviceError):
        mg.cuda.set_device(0)


def test_accelerator_and_backends() -> None:
    assert mg.accelerator.is_available() is False and mg.accelerator.current_accelerator() is None
    assert mg.accelerator.device_count() == 0
    assert mg.backends.mps.is_available() is False and mg.backends.mps.is_built() is False
    cudnn = mg.backends.cudnn
    flags = (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32)
    assert flags == (True, False, False, True)
    assert cudnn.is_available() is False
    saved = cudnn.benchmark, cudnn.deterministic
    try:
        cudnn.benchmark, cudnn.deterministic = True, True  # settable, as scripts do at the top
        assert (mg.backends.cudnn.benchmark, mg.backends.cudnn.deterministic) == (True, True)
    finally:
        cudnn.benchmark, cudnn.deterministic = saved
    assert mg.backends.cuda.matmul.allow_tf32 is False and mg.backends.cuda.is_built() is False


def test_distributed_onnx_and_parallel_refuse_clearly() -> None:
    dist = mg.distributed
    assert dist.is_available() is False and dist.is_initialized() is False
    for fn in (dist.init_process_group, dist.get_rank, dist.get_world_size, dist.barrier, dist.all_reduce,
               dist.destroy_process_group, dist.broadcast, dist.all_gather, dist.reduce):
        with pytest.raises(mg.UnsupportedError, match="minigrad does not do distributed training") as info:
            fn("nccl")
        assert isinstance(info.value, RuntimeError)
    with pytest.raises(mg.UnsupportedError, match="does not export ONNX"):
        mg.onnx.export(mg.nn.Linear(1, 1), mg.zeros(1), "m.onnx")
    assert mg.onnx.is_in_onnx_export() is False
    from minigrad.nn.parallel import DataParallel, DistributedDataParallel

    with pytest.raises(mg.UnsupportedError, match="distributed training"):
        DistributedDataParallel(mg.nn.Linear(1, 1), device_ids=[0])
    assert issubclass(DistributedDataParallel, mg.nn.Module)
    assert DataParallel is mg.nn.DataParallel


def test_data_parallel_runs_the_module_as_pytorch_without_gpus() -> None:
    # PyTorch's CPU build: the module itself, under the child name "module", device_ids []
    import torch

    results = []
    for lib in (mg, torch):
        lib.manual_seed(0)
        inner = lib.nn.Linear(3, 2)
        dp = lib.nn.DataParallel(inner, device_ids=[0])
        x = lib.ones(4, 3)
        dp(x).sum().backward()
        assert dp.module is inner and dp.device_ids == []
        results.append((list(dp.state_dict()), dp(x).detach().numpy(), inner.weight.grad.numpy(), repr(dp)))
    (keys, out, grad, text), (tkeys, tout, tgrad, ttext) = results
    assert keys == tkeys == ["module.weight", "module.bias"]
    np.testing.assert_allclose(out, tout, rtol=1e-6)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-6)
    assert text == ttext
