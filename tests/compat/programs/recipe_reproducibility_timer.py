"""PyTorch's "Reproducibility" notes and the torch.utils.benchmark recipe, timing-free: manual_seed's
returned Generator, initial_seed, get_rng_state/set_rng_state round trips, use_deterministic_algorithms
(with warn_only) and its query functions, cudnn.deterministic/benchmark flags, seeding random and numpy
as the notes do, torch.random.fork_rng; then benchmark.Timer with stmt/setup/globals/label/sub_label/
description/num_threads, timeit and blocked_autorange Measurements (only the structure is printed: the
times are the machine's), and Compare over several Measurements. Seeded: every printed line agrees
(the RNG state's length is printed as a comparison: minigrad's state is PyTorch's 5,056 bytes plus 32
for its dropout-mask stream)."""

import random

import numpy as np
import torch
import torch.utils.benchmark as benchmark

torch.set_num_threads(1)
g = torch.manual_seed(0)
print(type(g).__name__, torch.initial_seed(), g.initial_seed())
random.seed(0)
np.random.seed(0)  # noqa: NPY002 - the reproducibility notes' recipe, as written
print(torch.rand(3), random.random(), np.random.rand())  # noqa: NPY002

state = torch.get_rng_state()
print(state.dtype, state.shape[0] >= 5056)  # (minigrad appends its dropout-mask stream's 32 bytes)
a = torch.randn(4)
torch.set_rng_state(state)
b = torch.randn(4)
print("replayed", torch.equal(a, b))

torch.use_deterministic_algorithms(True)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(True, warn_only=True)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(False)
print(torch.are_deterministic_algorithms_enabled(), torch.get_deterministic_debug_mode())
torch.backends.cudnn.benchmark = False
torch.backends.cudnn.deterministic = True
print(torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic)

with torch.random.fork_rng():
    torch.manual_seed(123)
    inside = torch.rand(2)
after = torch.rand(2)
torch.manual_seed(0)
torch.rand(3)
torch.randn(4)
print("fork_rng restores", torch.equal(after, torch.rand(2)), inside)


def run_twice(seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.25),
                                torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(16, 4)
    y = x.sum(1, keepdim=True)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 5))
    return losses


print("same seed same run", run_twice(3) == run_twice(3), run_twice(3))


def batched_dot_mul_sum(a, b):
    """Computes batched dot by multiplying and summing."""
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    """Computes batched dot by reducing to bmm."""
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


x = torch.randn(100, 64)
print("same result", torch.allclose(batched_dot_mul_sum(x, x), batched_dot_bmm(x, x), rtol=1e-4))

t0 = benchmark.Timer(stmt="batched_dot_mul_sum(x, x)", setup="from __main__ import batched_dot_mul_sum",
                     globals={"x": x})
t1 = benchmark.Timer(stmt="batched_dot_bmm(x, x)", setup="from __main__ import batched_dot_bmm",
                     globals={"x": x})
m0 = t0.timeit(20)
m1 = t1.timeit(20)
print(type(m0).__name__, m0.number_per_run, len(m0.times), m0.stmt, "|", m1.stmt)
print(m0.mean > 0, m0.median > 0, m0.task_spec.num_threads, m0.task_spec.setup)
print(isinstance(m0.mean, float), m0.title, m0.label, m0.sub_label, m0.description)

m2 = benchmark.Timer(stmt="torch.add(x, 1)", globals={"x": x, "torch": torch}, label="add",
                     sub_label="100x64", description="out-of-place", num_threads=1).blocked_autorange(
    min_run_time=0.02)
print(m2.label, m2.sub_label, m2.description, m2.task_spec.num_threads, m2.number_per_run >= 1,
      len(m2.times) >= 1, m2.title)
print(m2.task_spec.summarize().splitlines()[0] if m2.task_spec.summarize() else "")

results = []
for n in [1, 16]:
    xs = torch.ones(n, 8)
    for fn, name in [("batched_dot_mul_sum", "mul/sum"), ("batched_dot_bmm", "bmm")]:
        results.append(benchmark.Timer(stmt=f"{fn}(xs, xs)", setup=f"from __main__ import {fn}",
                                       globals={"xs": xs}, label="Batched dot", sub_label=f"[{n}, 8]",
                                       description=name).timeit(5))
print(len(results), [r.sub_label for r in results], [r.description for r in results])
compare = benchmark.Compare(results)
print(type(compare).__name__)
text = str(compare)
print("Batched dot" in text, "mul/sum" in text, "[16, 8]" in text, "Times are in" in text)
