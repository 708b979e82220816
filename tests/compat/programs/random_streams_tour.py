"""Every seeded random draw a training script makes, each after torch.manual_seed(3): randn/rand/randint
in several dtypes and sizes, randperm, the in-place samplers (normal_, uniform_, bernoulli_, exponential_,
geometric_, cauchy_, log_normal_, random_), multinomial with and without replacement, poisson, the dropout
family, rrelu and gumbel_softmax, explicit Generators, get/set_rng_state, fork_rng, and the default
initializations of common layers."""

import torch
from _show import show as shown


def show(label, fn):
    """After seeding, print what fn returns, or the class PyTorch documents and the start of the message."""
    torch.manual_seed(3)
    shown(label, fn)


show("randn f64", lambda: torch.randn(3, dtype=torch.float64))
show("randn big", lambda: torch.randn(20)[-3:])
show("rand f16", lambda: torch.rand(3, dtype=torch.float16))
show("randint", lambda: torch.randint(-5, 5, (6,)))
show("randint int32", lambda: torch.randint(10, (4,), dtype=torch.int32))
show("randint big", lambda: torch.randint(0, 2**40, (3,)))
show("randint_like", lambda: torch.randint_like(torch.zeros(3), 4))
show("randn_like", lambda: torch.randn_like(torch.zeros(2, dtype=torch.float64)))
show("randperm", lambda: torch.randperm(10))
show("randperm big", lambda: torch.randperm(50)[:5])
show("normal_", lambda: torch.empty(3).normal_(2, 0.5))
show("normal fn", lambda: torch.normal(torch.zeros(3), torch.ones(3)))
show("normal fn2", lambda: torch.normal(2.0, 3.0, size=(3,)))
show("normal mean tensor", lambda: torch.normal(torch.arange(3.0), 1.0))
show("uniform_", lambda: torch.empty(3).uniform_(-2, 2))
show("bernoulli", lambda: torch.bernoulli(torch.full((6,), 0.3)))
show("bernoulli_", lambda: torch.empty(6).bernoulli_(0.7))
show("bernoulli p", lambda: torch.bernoulli(torch.zeros(4), p=0.5))
show("multinomial", lambda: torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True))
show("multinomial norep", lambda: torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 3))
show("multinomial 2d", lambda: torch.multinomial(torch.tensor([[0.1, 0.9], [0.5, 0.5]]), 4, replacement=True))
show("exponential_", lambda: torch.empty(3).exponential_(2.0))
show("geometric_", lambda: torch.empty(4).geometric_(0.3))
show("cauchy_", lambda: torch.empty(3).cauchy_())
show("log_normal_", lambda: torch.empty(3).log_normal_())
show("random_", lambda: torch.empty(4).random_(0, 10))
show("random_ int", lambda: torch.empty(4, dtype=torch.int64).random_(100))
show("poisson", lambda: torch.poisson(torch.tensor([1.0, 5.0, 20.0])))
show("dropout", lambda: torch.nn.functional.dropout(torch.ones(8), 0.5))
show("dropout2d", lambda: torch.nn.functional.dropout2d(torch.ones(1, 4, 1, 1), 0.5).flatten())
show("alpha dropout", lambda: torch.nn.functional.alpha_dropout(torch.ones(4), 0.5, training=True))
show(
    "feature alpha",
    lambda: torch.nn.functional.feature_alpha_dropout(torch.ones(1, 4, 1), 0.5, training=True).flatten(),
)
show("rrelu", lambda: torch.nn.functional.rrelu(-torch.ones(4), training=True))
show("gumbel", lambda: torch.nn.functional.gumbel_softmax(torch.zeros(2, 3), tau=0.5))
show("gumbel hard", lambda: torch.nn.functional.gumbel_softmax(torch.zeros(2, 3), hard=True))
show(
    "gen state",
    lambda: (
        lambda g: (
            g.manual_seed(1),
            torch.rand(2, generator=g),
            g.initial_seed(),
            torch.rand(2, generator=torch.Generator().manual_seed(1)),
        )
    )(torch.Generator())[1:],
)
show(
    "get/set state",
    lambda: (lambda s: (torch.rand(2), torch.set_rng_state(s), torch.rand(2)))(torch.get_rng_state()),
)
show("fork_rng", lambda: (lambda: (torch.random.fork_rng().__enter__(), torch.rand(1)))()[1])
show("seed()", lambda: type(torch.seed()).__name__)
show("rand generator", lambda: torch.rand(3, generator=torch.Generator().manual_seed(9)))
show("randn generator", lambda: torch.randn(3, generator=torch.Generator().manual_seed(9)))
show("randint gen", lambda: torch.randint(0, 5, (4,), generator=torch.Generator().manual_seed(9)))
show("randperm gen", lambda: torch.randperm(6, generator=torch.Generator().manual_seed(9)))
show("init normal", lambda: torch.nn.init.normal_(torch.empty(5)))
show("init trunc", lambda: torch.nn.init.trunc_normal_(torch.empty(5)))
show("init orth", lambda: torch.nn.init.orthogonal_(torch.empty(2, 3)))
show("Linear", lambda: torch.nn.Linear(2, 2).weight)
show("Conv", lambda: torch.nn.Conv1d(1, 2, 2).weight.flatten())
show("Embedding", lambda: torch.nn.Embedding(3, 2, max_norm=1.0)(torch.tensor([0, 1])))
show("LSTM", lambda: torch.nn.LSTM(2, 2).weight_hh_l0[0])
show("MHA", lambda: torch.nn.MultiheadAttention(4, 2).in_proj_weight[0])
show("Transformer", lambda: torch.nn.TransformerEncoderLayer(4, 2, 8).linear1.weight[0])
show("Bilinear", lambda: torch.nn.Bilinear(2, 2, 1).weight.flatten())
show("PReLU", lambda: torch.nn.PReLU(2).weight)
show("rand_like int", lambda: torch.rand_like(torch.zeros(2, dtype=torch.int64)))
show("sobol", lambda: torch.quasirandom.SobolEngine(2, scramble=True, seed=1).draw(3))
