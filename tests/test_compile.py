"""mg.compile: replayed steps agree with eager ones bit for bit, side effects included.

Each test runs the same training loop eagerly and compiled from the same seed
and compares with ``np.array_equal`` (not a tolerance): losses, parameters,
buffers, gradients, optimizer state and the random generator's state.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import optim
from minigrad.random import default_generator

Array = Any


def _batches(n: int, shape: tuple[int, ...], classes: int, seed: int = 1) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [(mg.tensor(rng.standard_normal(shape).astype(np.float32)),
             mg.tensor(rng.integers(0, classes, shape[0]))) for _ in range(n)]


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(12, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 5))


class _TinyGPT(nn.Module):
    """Token + position embeddings, a causal pre-LN encoder layer with dropout, LayerNorm, head."""

    def __init__(self, vocab: int = 11, context: int = 8, width: int = 16) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.drop = nn.Dropout(0.1)
        self.block = nn.TransformerEncoderLayer(width, 2, dim_feedforward=32, dropout=0.1, activation="gelu",
                                                batch_first=True, norm_first=True)
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        self.register_buffer("pos", mg.arange(context), persistent=False)
        self.mask = nn.Transformer.generate_square_subsequent_mask(context)

    def forward(self, idx: mg.Tensor) -> mg.Tensor:
        x = self.drop(self.wte(idx) + self.wpe(self.pos))
        x = self.block(x, src_mask=self.mask, is_causal=True)
        return self.head(self.ln(x))


def _state(model: nn.Module, opt: optim.Optimizer) -> list[Array]:
    """Every number a training step leaves behind, as copies."""
    out = [p.detach().numpy().copy() for p in model.parameters()]
    out += [p.grad.numpy().copy() for p in model.parameters() if p.grad is not None]
    out += [b.numpy().copy() for b in model.buffers()]
    for s in opt.state.values():
        out += [np.asarray(v).copy() for v in s.values()
                if isinstance(v, (np.ndarray, mg.Tensor, int, float))]
    return out


def _rng_state() -> Any:
    return default_generator.get_state().tolist()  # (the state's bytes as a list: comparable with ==)


def _assert_same(a: list[Array], b: list[Array]) -> None:
    """Bit for bit (so NaN == NaN, and -0.0 != 0.0)."""
    assert len(a) == len(b)
    for i, (x, y) in enumerate(zip(a, b)):
        x, y = np.asarray(x), np.asarray(y)
        assert (x.dtype, x.shape) == (y.dtype, y.shape) and x.tobytes() == y.tobytes(), f"entry {i} differs"


def _train(build: Callable[[], tuple[nn.Module, optim.Optimizer]], steps: int, data: list[Any],
           compiled: bool, loss_of: Callable[[nn.Module, Any], mg.Tensor],
           clip: float | None = None) -> tuple[list[float], list[Array], Any, Any]:
    mg.manual_seed(0)
    model, opt = build()

    def step(*batch: mg.Tensor) -> mg.Tensor:
        opt.zero_grad()
        loss = loss_of(model, batch)
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        return loss

    f = mg.compile(step) if compiled else step
    losses = [float(f(*data[i % len(data)]).detach().numpy()) for i in range(steps)]
    return losses, _state(model, opt), _rng_state(), f


class _ConvFreeBN2d(nn.Module):
    """(N, C, H, W) features through BatchNorm2d, Dropout2d (whole channels), a per-pixel Linear, BatchNorm1d.

    Without convolutions (the ``cnn`` model has them): the channels are mixed per pixel by a Linear.
    """

    def __init__(self) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(3)
        self.drop = nn.Dropout2d(0.25)
        self.mix = nn.Linear(3, 4)
        self.bn1 = nn.BatchNorm1d(4 * 5 * 5, momentum=0.3)
        self.head = nn.Linear(4 * 5 * 5, 5)

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        h = self.drop(self.bn(x).relu())
        h = self.mix(h.permute(0, 2, 3, 1)).tanh()  # channels last: Linear over the channels of each pixel
        return self.head(F.dropout(self.bn1(h.reshape(h.shape[0], -1)), 0.1, self.training))


_MODELS: dict[str, Callable[[], tuple[nn.Module, optim.Optimizer]]] = {
    "mlp": lambda: (m := nn.Sequential(nn.Linear(12, 32), nn.Tanh(), nn.Linear(32, 32), nn.GELU(),
                                       nn.Linear(32, 5)),
                    optim.Adam(m.parameters(), lr=1e-2)),
    "mlp_batchnorm_dropout": lambda: (m := _mlp(),
                                      optim.SGD(m.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)),
    "batchnorm2d_dropout2d": lambda: (m := _ConvFreeBN2d(), optim.RMSprop(m.parameters(), lr=1e-2)),
    # convolutions (im2col, col2im), padded max pooling (its first-maximum mask) and BatchNorm2d
    "cnn": lambda: (m := nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                                       nn.MaxPool2d(3, stride=2, padding=1), nn.Conv2d(6, 8, 2, bias=False),
                                       nn.ReLU(), nn.Flatten(), nn.Linear(8 * 2 * 2, 5)),
                    optim.SGD(m.parameters(), lr=0.05, momentum=0.9)),
}


@pytest.mark.parametrize("name", list(_MODELS))
def test_mlp_and_batchnorm_dropout_models_are_bit_identical_for_100_steps(name: str) -> None:
    shape = (16, 3, 5, 5) if name in ("batchnorm2d_dropout2d", "cnn") else (16, 12)
    data = _batches(7, shape, 5)

    def loss_of(model: nn.Module, batch: Any) -> mg.Tensor:
        return F.cross_entropy(model(batch[0]), batch[1])

    eager = _train(_MODELS[name], 100, data, False, loss_of)
    compiled = _train(_MODELS[name], 100, data, True, loss_of)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])
    assert eager[2] == compiled[2]  # the generator advanced exactly as eagerly: fresh masks each step
    # the first call finds no .grad yet (a variant of its own); the second and third are traced
    assert compiled[3].traces == 3 and compiled[3].replays == 97
    assert eager[0][-1] < eager[0][0]  # and it trained


def test_small_gpt_with_adamw_and_clipping_is_bit_identical_for_100_steps() -> None:
    rng = np.random.default_rng(2)
    data = [(mg.tensor(rng.integers(0, 11, (4, 8))), mg.tensor(rng.integers(0, 11, (4, 8))))
            for _ in range(5)]

    def build() -> tuple[nn.Module, optim.Optimizer]:
        model = _TinyGPT()
        return model, optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)

    def loss_of(model: nn.Module, batch: Any) -> mg.Tensor:
        logits = model(batch[0])
        return F.cross_entropy(logits.reshape(-1, 11), batch[1].reshape(-1))

    eager = _train(build, 100, data, False, loss_of, clip=0.5)
    compiled = _train(build, 100, data, True, loss_of, clip=0.5)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])
    assert eager[2] == compiled[2]
    assert compiled[3].replays == 97


def test_compiled_module_trains_like_eager_under_an_ordinary_loop() -> None:
    data = _batches(5, (16, 12), 5)

    def run(compiled: bool) -> tuple[list[float], list[Array], Any, Any]:
        mg.manual_seed(0)
        model = _mlp()
        opt = optim.Adam(model.parameters(), lr=1e-2)
        net = mg.compile(model) if compiled else model
        losses = []
        for i in range(100):
            x, y = data[i % 5]
            opt.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            losses.append(float(loss.detach().numpy()))
            if i % 10 == 9:  # evaluation in between: another signature (no grad, eval mode)
                net.eval()
                with mg.no_grad():
                    losses.append(float(F.cross_entropy(net(x), y).numpy()))
                net.train()
        return losses, _state(model, opt), _rng_state(), net

    eager, compiled = run(False), run(True)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])
    assert eager[2] == compiled[2]
    assert compiled[3]._compiled_forward.replays == 98 + 8  # training calls and evaluation calls


def test_a_compiled_module_is_wrapped_as_pytorchs() -> None:
    # training scripts unwrap torch.compile's result by raw_model = model._orig_mod, and strip the
    # wrapper's "_orig_mod." prefix from its state_dict keys (PyTorch's OptimizedModule)
    model = _mlp()
    keys = list(model.state_dict())
    compiled = mg.compile(model)
    assert compiled._orig_mod is model and type(compiled).__name__ == "OptimizedModule"
    assert list(compiled.state_dict()) == ["_orig_mod." + k for k in keys]
    assert mg.compile(compiled)._orig_mod is model
    compiled.eval()
    assert not model.training and not compiled.training
    model.compile()  # (Module.compile(): in place, no wrapper)
    assert list(model.state_dict()) == keys


def test_compiled_module_second_call_before_backward_runs_eagerly_and_stays_correct() -> None:
    def run(compiled: bool) -> list[Array]:
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
        net = mg.compile(model) if compiled else model
        x1, x2 = mg.randn(3, 4), mg.randn(3, 4)
        for _ in range(4):
            model.zero_grad()
            ((net(x1) ** 2).sum() + (net(x2) ** 2).sum()).backward()  # two calls in one graph
        return [p.grad.numpy().copy() for p in model.parameters()]

    _assert_same(run(False), run(True))


def test_double_backward_through_a_compiled_module_raises() -> None:
    model = mg.compile(nn.Linear(3, 1))
    x = mg.randn(2, 3, requires_grad=True)
    with pytest.raises(mg.MinigradError, match="second derivative"):
        mg.grad(model(x).sum(), x, create_graph=True)


def test_new_signature_traces_again() -> None:
    sizes = [8, 8, 8, 5, 8, 5, 5, 8, 5]

    def run(compiled: bool) -> tuple[list[float], list[Array], Any]:
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        f = mg.compile(step) if compiled else step
        rng = np.random.default_rng(0)
        losses = [float(f(mg.tensor(rng.standard_normal((n, 6)).astype(np.float32)),
                          mg.tensor(rng.integers(0, 3, n))).detach().numpy()) for n in sizes]
        return losses, _state(model, opt), f

    eager, compiled = run(False), run(True)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])
    # batch 8: no .grad yet, then two traces; batch 5: two traces; the rest replays
    assert compiled[2].traces == 5 and compiled[2].replays == 4


def test_reading_a_value_falls_back_to_eager_with_one_warning_naming_the_line() -> None:
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    total = []

    def step(x: mg.Tensor) -> mg.Tensor:
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        total.append(loss.item())  # a Python float: cannot be replayed
        loss.backward()
        opt.step()
        return loss

    f = mg.compile(step)
    x = mg.randn(4, 3)
    with pytest.warns(RuntimeWarning, match=r"test_compile\.py:\d+ reads tensor values into Python \(item\)"):
        f(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        for _ in range(3):
            f(x)
    assert f.replays == 0 and len(total) == 4  # every call ran the Python code


def test_bool_of_a_tensor_inside_also_falls_back() -> None:
    def fn(x: mg.Tensor) -> mg.Tensor:
        return x * 2 if (x.sum() > 0) else x * 3

    f = mg.compile(fn)
    with pytest.warns(RuntimeWarning, match="reads tensor values into Python"):
        f(mg.ones(3))
    assert np.array_equal(f(-mg.ones(3)).numpy(), -3 * np.ones(3, np.float32))


@pytest.mark.parametrize("read", [float, lambda t: t.tolist(), repr, lambda t: t.numpy().item()])
def test_every_way_of_reading_values_is_detected(read: Callable[[mg.Tensor], Any]) -> None:
    seen = []

    def fn(x: mg.Tensor) -> mg.Tensor:
        y = (x * 2).sum()
        seen.append(read(y))
        return y

    f = mg.compile(fn)
    with pytest.warns(RuntimeWarning, match=r"test_compile\.py:\d+ reads"):  # the user's line
        f(mg.ones(3))
    f(mg.full((3,), 2.0))
    assert len(seen) == 2 and f.replays == 0


def test_side_effects_match_eager_grads_buffers_rng_and_optimizer_state() -> None:
    data = _batches(3, (8, 12), 5)

    def run(compiled: bool, set_to_none: bool) -> tuple[list[Array], Any]:
        mg.manual_seed(3)
        model = _mlp()
        opt = optim.Adam(model.parameters(), lr=1e-3, amsgrad=True)

        def step(x: mg.Tensor, y: mg.Tensor) -> None:
            opt.zero_grad(set_to_none=set_to_none)
            F.cross_entropy(model(x), y).backward()
            opt.step()

        f = mg.compile(step) if compiled else step
        snaps = []
        for i in range(6):
            f(*data[i % 3])
            snaps += _state(model, opt)
        return snaps, _rng_state()

    for set_to_none in (True, False):
        eager, compiled = run(False, set_to_none), run(True, set_to_none)
        _assert_same(eager[0], compiled[0])
        assert eager[1] == compiled[1]


def test_gradients_accumulate_across_calls_without_zero_grad() -> None:
    def run(compiled: bool) -> list[Array]:
        mg.manual_seed(0)
        model = nn.Linear(5, 3)
        x = mg.randn(4, 5)

        def fwd_bwd(x: mg.Tensor) -> None:
            model(x).tanh().sum().backward()

        f = mg.compile(fwd_bwd) if compiled else fwd_bwd
        grads = []
        for i in range(8):
            if i % 3 == 0:
                model.zero_grad()
            f(x)
            grads += [p.grad.numpy().copy() for p in model.parameters()]
        return grads

    _assert_same(run(False), run(True))


@pytest.mark.parametrize("inside", [False, True])
def test_a_learning_rate_schedule_is_read_at_replay_time(inside: bool) -> None:
    data = _batches(4, (8, 12), 5)

    def run(compiled: bool) -> tuple[list[float], list[Array], list[float]]:
        mg.manual_seed(0)
        model = _mlp()
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

        def step(x: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            if inside:
                sched.step()
            return loss

        f = mg.compile(step) if compiled else step
        losses, lrs = [], []
        for i in range(20):
            losses.append(float(f(*data[i % 4]).detach().numpy()))
            if not inside:
                sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        return losses, _state(model, opt), lrs

    eager, compiled = run(False), run(True)
    assert eager[0] == compiled[0] and eager[2] == compiled[2]
    assert len(set(eager[2])) > 3  # the rate did change
    _assert_same(eager[1], compiled[1])


def test_a_tensor_read_through_a_global_that_changes_is_detected() -> None:
    w = mg.ones(3)
    holder = {"x": mg.ones(3)}

    def fn() -> mg.Tensor:
        return (holder["x"] * w).sum()

    f = mg.compile(fn)
    outs = []
    with pytest.warns(RuntimeWarning, match="different kernels"):
        for i in range(4):
            holder["x"] = mg.full((3,), float(i))
            outs.append(float(f().numpy()))
    assert outs == [0.0, 3.0, 6.0, 9.0]


def test_python_number_arguments_are_part_of_the_signature() -> None:
    def fn(x: mg.Tensor, scale: float) -> mg.Tensor:
        return (x * scale).exp().sum()

    f = mg.compile(fn)
    x = mg.randn(5)
    for scale in (1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0):
        assert np.array_equal(f(x, scale).numpy(), fn(x, scale).numpy())
    assert f.replays == 3


def test_results_are_new_tensors_each_call() -> None:
    f = mg.compile(lambda x: (x * 2).sum())
    x = mg.ones(4)
    first = [f(x) for _ in range(4)]
    x.numpy()[:] = 3
    later = f(x)
    assert [float(t.numpy()) for t in first] == [8.0] * 4 and float(later.numpy()) == 24.0
    assert not later.requires_grad


@pytest.mark.parametrize("layer", [nn.LayerNorm(6), nn.BatchNorm1d(6)], ids=["LayerNorm", "BatchNorm1d"])
def test_a_normalization_output_made_in_its_product_array_is_new_each_call(layer: nn.Module) -> None:
    # the replay writes x_hat * w + b's product into a new array and adds b there: results held
    # from earlier calls keep their values, and each equals eager's bit for bit
    def step(x: mg.Tensor) -> mg.Tensor:
        y = layer(x)
        y.backward(mg.ones(5, 6))
        return y

    xs = [mg.randn(5, 6) for _ in range(4)]
    eager = [step(x).detach().numpy().copy() for x in xs]
    f = mg.compile(step)
    held = [f(x) for x in xs]
    assert f.replays == 2 and len({id(t.numpy()) for t in held}) == 4
    for y, e in zip(held, eager):
        assert np.array_equal(y.numpy(), e)


@pytest.mark.parametrize("fn", [lambda x: x.t() * 2, lambda x: x.unsqueeze(0).permute(2, 0, 1).exp()])
def test_a_result_made_new_each_call_is_laid_out_as_eager(fn: Callable[[mg.Tensor], mg.Tensor]) -> None:
    # an elementwise result of a transposed input is column-major eagerly (numpy's and PyTorch's order);
    # the replay's new array was row-major: the same values, but sums over it added in another order
    x = mg.randn(3, 4)
    f = mg.compile(fn)
    got = [f(x) for _ in range(4)]
    assert f.replays == 2
    assert got[-1].stride() == fn(x).stride() and np.array_equal(got[-1].numpy(), fn(x).numpy())


def test_torch_compile_keywords_are_accepted_and_ignored() -> None:
    from minigrad import compile as mg_compile

    @mg.compile(mode="max-autotune", fullgraph=True, dynamic=False, backend="inductor")
    def f(x: mg.Tensor) -> mg.Tensor:
        return x.relu() + 1

    x = mg.tensor([-1.0, 2.0])
    for _ in range(3):
        assert f(x).tolist() == [1.0, 3.0]
    assert f.replays == 1
    assert mg_compile is mg.compile
    assert mg.compile(f) is f and mg.compile(f, disable=True) is f


def test_a_check_inside_minigrad_is_redone_eagerly_when_it_fails_on_replay() -> None:
    model = nn.Linear(4, 3)
    step = mg.compile(lambda x, y: F.cross_entropy(model(x), y))
    x = mg.randn(2, 4)
    with mg.no_grad():
        for _ in range(3):
            step(x, mg.tensor([0, 2]))
        assert step.replays == 1
        with pytest.raises(mg.DimensionError, match="out of bounds"):  # eager's own error, not garbage
            step(x, mg.tensor([0, 7]))


def test_a_failed_check_undoes_the_replays_effects_before_running_eagerly() -> None:
    def run(compiled: bool) -> tuple[list[Array], Any, Any]:
        mg.manual_seed(0)
        # 5 x 512 activations: above 2048 elements relu's backward takes a fast path for finite gradients
        model = nn.Sequential(nn.Linear(4, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5),
                              nn.Linear(512, 3))

        def step(x: mg.Tensor, w: mg.Tensor) -> mg.Tensor:
            model.zero_grad()
            out = model(x)
            (out * w).sum().backward()
            return out

        f = mg.compile(step) if compiled else step
        outs = []
        for i in range(6):
            w = mg.tensor([1.0, 2.0, float("inf") if i == 4 else 3.0])
            outs.append(f(mg.randn(5, 4), w).detach().numpy().copy())
            outs += [p.grad.numpy().copy() for p in model.parameters()]
            outs += [b.numpy().copy() for b in model.buffers()]
        return outs, _rng_state(), f

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # inf * 0 in the eager reference's numpy
        eager, compiled = run(False), run(True)
    _assert_same(eager[0], compiled[0])
    assert eager[1] == compiled[1]
    assert compiled[2].replays == 2  # calls 4 and 6; call 5 started replaying, failed the check, ran eagerly


def test_a_compiled_module_inside_a_compiled_step_is_part_of_its_record() -> None:
    data = _batches(3, (8, 12), 5)

    def run(compiled: bool) -> tuple[list[Array], Any]:
        mg.manual_seed(0)
        model = _mlp()
        opt = optim.SGD(model.parameters(), lr=0.1)
        net = mg.compile(model) if compiled else model

        def step(x: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
            opt.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            return loss

        f = mg.compile(step) if compiled else step
        for i in range(8):
            f(*data[i % 3])
        return _state(model, opt), f

    eager, compiled = run(False), run(True)
    _assert_same(eager[0], compiled[0])
    assert compiled[1].replays == 5


def test_gradients_flow_through_a_compiled_module_into_the_layers_before_it() -> None:
    def run(compiled: bool) -> list[Array]:
        mg.manual_seed(0)
        emb, body = nn.Embedding(10, 6), nn.Sequential(nn.Linear(6, 6), nn.GELU(), nn.LayerNorm(6))
        net = mg.compile(body) if compiled else body
        opt = optim.Adam([*emb.parameters(), *body.parameters()], lr=1e-2)
        idx = mg.tensor([[1, 2, 3], [4, 5, 1]])
        for _ in range(5):
            opt.zero_grad()
            (net(emb(idx)) ** 2).mean().backward()  # the argument comes from an eager graph
            opt.step()
        return [p.detach().numpy().copy() for p in (*emb.parameters(), *body.parameters())]

    _assert_same(run(False), run(True))


def test_a_compiled_module_with_several_outputs_takes_gradients_from_all_of_them() -> None:
    def run(compiled: bool) -> tuple[list[float], list[Array], Any]:
        mg.manual_seed(0)
        lstm = nn.LSTM(5, 4, num_layers=2, dropout=0.2, batch_first=True)
        net = mg.compile(lstm) if compiled else lstm
        opt = optim.SGD(lstm.parameters(), lr=0.1)
        x = mg.randn(3, 6, 5)
        losses = []
        for _ in range(6):
            opt.zero_grad()
            out, (h, c) = net(x)  # three tensors, packed into one node and handed back as views
            loss = out.pow(2).mean() + h.sum() * 0.5 - c.mean()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach().numpy()))
        return losses, [p.detach().numpy().copy() for p in lstm.parameters()], net

    eager, compiled = run(False), run(True)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])
    assert compiled[2]._compiled_forward.replays == 4


def test_a_value_read_that_changes_every_call_falls_back_to_eager_and_says_where() -> None:
    """BatchNorm with momentum=None reads its batch counter into Python (as PyTorch does): not replayable."""

    def run(compiled: bool) -> tuple[list[float], list[Array]]:
        mg.manual_seed(0)
        bn = nn.BatchNorm1d(3, momentum=None)
        x = mg.randn(8, 3)

        def step() -> mg.Tensor:
            loss = bn(x).pow(3).sum()
            loss.backward()
            return loss

        f = mg.compile(step) if compiled else step
        losses = [float(f().detach().numpy()) for _ in range(5)]
        return losses, [b.numpy().copy() for b in bn.buffers()]

    message = r"reads a tensor value into Python that changed between two calls \(2 then 3"
    with pytest.warns(RuntimeWarning, match=message) as caught:
        compiled = run(True)
    assert len(caught) == 1
    eager = run(False)
    assert eager[0] == compiled[0]
    _assert_same(eager[1], compiled[1])


def test_a_grad_set_by_replay_is_one_tensor_rewritten_each_call_as_documented() -> None:
    """The documented difference from eager (docs/compile.md): a kept .grad must be cloned."""
    lin = nn.Linear(3, 2)

    def step(x: mg.Tensor) -> mg.Tensor:
        lin.zero_grad()
        loss = lin(x).pow(2).sum()
        loss.backward()
        return loss

    f = mg.compile(step)
    kept = []
    for _ in range(5):
        f(mg.randn(4, 3))
        assert lin.weight.grad is not None
        kept.append((lin.weight.grad, lin.weight.grad.numpy().copy()))
    assert f.replays == 2
    assert kept[3][0] is kept[4][0]  # replays: the same tensor
    assert not np.array_equal(kept[3][0].numpy(), kept[3][1])  # rewritten by the last call
    assert np.array_equal(kept[4][0].numpy(), kept[4][1])


@pytest.mark.parametrize("mode, layers", [("LSTM", 1), ("LSTM", 2), ("GRU", 1), ("GRU", 2), ("RNN", 1)])
def test_a_compiled_module_hands_back_its_outputs_laid_out_as_eager(mode: str, layers: int) -> None:
    # batch_first outputs are transposed views eagerly; a packed copy in another memory order
    # made sums over them add in another order (1-layer LSTM: a loss one ulp off at step 5)
    def run(compiled: bool) -> tuple[list[float], list[tuple[int, ...]]]:
        mg.manual_seed(0)
        rnn = getattr(nn, mode)(5, 4, num_layers=layers, batch_first=True)
        net = mg.compile(rnn) if compiled else rnn
        opt = optim.SGD(rnn.parameters(), lr=0.1)
        x = mg.randn(3, 6, 5)
        losses, strides = [], []
        for _ in range(6):
            opt.zero_grad()
            out, state = net(x)
            h = state[0] if mode == "LSTM" else state
            loss = out.pow(2).mean() + h.sum() * 0.5
            loss.backward()
            opt.step()
            losses.append(float(loss.detach().numpy()))
            strides += [out.detach().numpy().strides, h.detach().numpy().strides]
        return losses, strides

    assert run(True) == run(False)
