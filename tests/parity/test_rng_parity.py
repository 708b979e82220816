"""minigrad's random stream is PyTorch's CPU one: the same seed draws the same numbers, bit for bit.

Covers the factories (rand, randn, randint, randperm, normal, bernoulli), the in-place samplers,
dropout masks, every layer's default initialization, nn.init, the data utilities' orders
(DataLoader shuffling with and without a generator, random_split, the samplers), generator state
round trips, and a whole seeded training run with dropout and shuffling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.fixture(autouse=True)
def _pytorch_masks() -> Any:
    """Dropout masks as PyTorch draws them (minigrad's default is its fast mask stream)."""
    mg.random.use_pytorch_dropout_masks(True)
    yield
    mg.random.use_pytorch_dropout_masks(False)


def _same(draw: Callable[[Any], Any], seed: int = 7) -> None:
    """``draw(lib)`` after ``lib.manual_seed(seed)`` gives identical arrays (or nested lists) in both."""
    torch.manual_seed(seed)
    want = draw(torch)
    mg.manual_seed(seed)
    got = draw(mg)
    _assert_equal(got, want)


def _assert_equal(got: Any, want: Any) -> None:
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _assert_equal(g, w)
        return
    w = want.detach().numpy() if isinstance(want, torch.Tensor) else np.asarray(want)
    g = got.detach().numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    assert g.shape == w.shape and g.dtype == w.dtype, f"{g.shape} {g.dtype} vs {w.shape} {w.dtype}"
    np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("n", [1, 5, 15, 16, 17, 100, 4099])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_randn_rand_and_normal_match_bit_for_bit(n: int, dtype: str) -> None:
    _same(lambda lib: [lib.randn(n, dtype=getattr(lib, dtype)), lib.rand(n, dtype=getattr(lib, dtype)),
                       lib.empty(n, dtype=getattr(lib, dtype)).normal_(0.5, 0.02),
                       lib.empty(n, dtype=getattr(lib, dtype)).uniform_(-0.3, 0.7)])


def test_a_stream_of_mixed_draws_stays_in_step() -> None:
    # small normal draws cache the second of each Box-Muller pair, as PyTorch's generator does
    _same(lambda lib: [lib.randn(3), lib.rand(20), lib.randn(1), lib.randn(2, 33), lib.randperm(7),
                       lib.randint(0, 10, (5,)), lib.randn(1, dtype=lib.float64), lib.randn(4)])


def test_integers_permutations_and_bernoulli_match() -> None:
    p = np.random.default_rng(0).random(50)
    _same(lambda lib: [lib.randint(3, 17, (40,)), lib.randint(-2**40, 2**40, (9,)), lib.randperm(1000),
                       lib.randperm(1), lib.empty(30).bernoulli_(0.3),
                       lib.bernoulli(lib.tensor(p, dtype=lib.float32)), lib.bernoulli(lib.tensor(p)),
                       lib.empty(4, dtype=lib.int64).random_(), lib.empty(6).random_(5, 9),
                       lib.normal(lib.zeros(3), lib.ones(3) * 2)])


def test_dropout_masks_match() -> None:
    x = np.arange(1.0, 401.0, dtype=np.float32).reshape(20, 20)

    def draw(lib: Any) -> list[Any]:
        t = lib.tensor(x)
        return [lib.nn.functional.dropout(t, 0.3), lib.nn.Dropout(0.5)(t),
                lib.nn.functional.dropout2d(lib.ones(2, 6, 3, 3), 0.5),
                lib.nn.functional.alpha_dropout(t, 0.2, training=True)]

    _same(draw)


def _modules(lib: Any) -> list[Any]:
    nn = lib.nn
    return [nn.Linear(10, 7), nn.Conv2d(3, 4, 3), nn.Conv1d(2, 3, 5, bias=False), nn.ConvTranspose2d(3, 2, 2),
            nn.Embedding(11, 4), nn.LSTM(4, 5, num_layers=2), nn.GRU(3, 4, bidirectional=True), nn.RNN(2, 3),
            nn.LSTMCell(3, 4), nn.MultiheadAttention(8, 2), nn.Bilinear(3, 4, 5),
            nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), nn.BatchNorm1d(4), nn.PReLU()]


def test_default_initialization_of_layers_matches() -> None:
    _same(lambda lib: [[p for _, p in m.named_parameters()] for m in _modules(lib)])


def test_nn_init_matches() -> None:
    def draw(lib: Any) -> list[Any]:
        init = lib.nn.init
        w = lib.empty(6, 5)
        return [init.xavier_uniform_(lib.empty(6, 5)).clone(), init.xavier_normal_(w).clone(),
                init.kaiming_uniform_(lib.empty(4, 3, 3, 3)).clone(), init.kaiming_normal_(w).clone(),
                init.trunc_normal_(lib.empty(40), std=0.02).clone(), init.normal_(w, 0.0, 0.02).clone(),
                init.uniform_(w, -1, 1).clone(), init.sparse_(lib.empty(10, 6), 0.3).clone()]

    _same(draw)


def test_data_orders_match() -> None:
    def draw(lib: Any) -> list[Any]:
        data = lib.utils.data
        ds = data.TensorDataset(lib.arange(50.0))
        orders = [[b[0] for b in data.DataLoader(ds, batch_size=8, shuffle=True)] for _ in range(2)]
        gen = lib.Generator().manual_seed(3)
        orders += [[b[0] for b in data.DataLoader(ds, batch_size=8, shuffle=True, generator=gen)]]
        split = data.random_split(ds, [30, 20])
        sampler = data.RandomSampler(range(10), replacement=True, num_samples=40)
        subset = data.SubsetRandomSampler([3, 5, 7, 9])
        return [orders, list(split[0].indices), list(sampler), list(subset), lib.rand(2)]

    _same(draw)


def test_generator_states_and_default_seed() -> None:
    def draw(lib: Any) -> list[Any]:
        lib.randn(3)
        state = lib.get_rng_state()
        a = lib.randn(20)
        lib.set_rng_state(state)
        return [a, lib.randn(20), lib.Generator().initial_seed(), lib.randn(5, generator=lib.Generator())]

    _same(draw)


def test_a_seeded_training_run_with_dropout_and_shuffling_matches() -> None:
    def run(lib: Any) -> list[Any]:
        nn, F = lib.nn, lib.nn.functional
        x = lib.randn(96, 6)
        y = (x[:, 0] - x[:, 1] > 0).long()
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.25), nn.Linear(16, 2))
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(3):
            for xb, yb in loader:
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.detach())
        return [lib.stack(losses), model[3].weight.detach()]

    torch.manual_seed(0)
    want = run(torch)
    mg.manual_seed(0)
    got = run(mg)
    # same data, weights, masks and batches; only float32 sums round differently (BLAS)
    np.testing.assert_allclose(got[0].numpy(), want[0].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1].numpy(), want[1].numpy(), rtol=1e-4, atol=1e-5)


def test_distribution_samples_and_other_samplers_match() -> None:
    probs = np.random.default_rng(1).random((3, 6)).astype(np.float32)
    x = np.linspace(-2, 2, 41).astype(np.float32)

    def draw(lib: Any) -> list[Any]:
        d = lib.distributions
        return [d.Normal(lib.zeros(3), lib.ones(3) * 2).sample((2,)), d.Normal(1.0, 0.5).rsample((20,)),
                d.Uniform(lib.tensor([0.0, 1.0]), lib.tensor([2.0, 5.0])).sample((3,)),
                d.Bernoulli(probs=lib.tensor([0.2, 0.7])).sample((4,)),
                d.Categorical(probs=lib.tensor(probs)).sample(),
                d.Categorical(probs=lib.tensor(probs)).sample((5,)),
                d.Exponential(lib.tensor([1.0, 3.0])).sample((3,)),
                d.MultivariateNormal(lib.zeros(2), lib.eye(2) * 2).sample((3,)),
                lib.multinomial(lib.tensor(probs), 1), lib.multinomial(lib.tensor(probs), 4),
                lib.multinomial(lib.tensor(probs), 5, replacement=True), lib.empty(7).exponential_(2.5),
                lib.nn.functional.rrelu(lib.tensor(x), training=True)]

    _same(draw)


def test_laplace_samples_match_to_rounding() -> None:
    # the uniforms are the same; log1p in float32 may round an ulp apart
    torch.manual_seed(3)
    want = torch.distributions.Laplace(0.0, 1.0).sample((50,)).numpy()
    mg.manual_seed(3)
    got = mg.distributions.Laplace(0.0, 1.0).sample((50,)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_normal_with_number_and_tensor_parameters_matches() -> None:
    # a number std scales inside the draw (one rounding), a tensor std after it; a tensor mean comes last
    _same(lambda lib: [lib.normal(0.5, 0.3, size=(40,)), lib.normal(lib.arange(40.0), 0.3),
                       lib.normal(0.5, lib.arange(40.0) / 40),
                       lib.normal(lib.arange(40.0), lib.arange(40.0) / 40)])


def test_gamma_family_and_poisson_samples_match() -> None:
    def draw(lib: Any) -> list[Any]:
        d = lib.distributions
        conc = lib.tensor([0.05, 0.5, 1.0, 2.5, 7.0])
        return [d.Gamma(conc, lib.tensor(2.0)).sample((4,)),
                d.Gamma(conc.double(), lib.tensor(0.5, dtype=lib.float64)).sample((2,)),
                d.Beta(lib.tensor([0.5, 2.0]), lib.tensor([1.5, 0.7])).sample((3,)),
                d.Dirichlet(lib.tensor([0.3, 1.0, 4.0])).sample((3,)),
                d.Poisson(lib.tensor([0.0, 0.5, 4.0, 9.9, 10.0, 30.0])).sample((3,)),
                lib.poisson(lib.tensor([2.0, 50.0])), lib.randn(3)]

    _same(draw)


def test_weighted_random_sampler_matches() -> None:
    w = [0.1, 0.5, 2.0, 1.0, 0.0, 3.0]
    _same(lambda lib: [list(lib.utils.data.WeightedRandomSampler(w, 20)),
                       list(lib.utils.data.WeightedRandomSampler(w, 5, replacement=False))])


def test_fast_masks_are_the_default_and_leave_the_main_stream_alone() -> None:
    mg.random.use_pytorch_dropout_masks(False)
    mg.manual_seed(0)
    mask = mg.nn.functional.dropout(mg.ones(10_000), 0.3).numpy() != 0
    after = mg.rand(3).numpy()
    mg.manual_seed(0)
    np.testing.assert_array_equal(mg.rand(3).numpy(), after)  # masks came from the mask stream
    assert abs(mask.mean() - 0.7) < 0.02
    mg.manual_seed(0)
    np.testing.assert_array_equal(mg.nn.functional.dropout(mg.ones(10_000), 0.3).numpy() != 0, mask)
