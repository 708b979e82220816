"""Meta-learning and weight-averaging loops built on copy.deepcopy of a model, as the Reptile sine demo
(OpenAI's reptile-sinewaves script ported to PyTorch), first-order MAML learners and Lookahead wrappers
write them: each task's learner is a deepcopy of the meta-model trained by its own SGD (the copies
start with no gradients, as PyTorch's Parameter copies do), the meta-update interpolates the weights
(Reptile) or sums first-order gradients (FOMAML), and Lookahead keeps deepcopied slow weights synced
every k steps; an EMA teacher made by deepcopy with requires_grad_(False), evaluated on held-out
sine tasks. Seeded: every printed number agrees."""

import copy
import math

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.RandomState(0)

x_all = np.linspace(-5, 5, 50)[:, None]


def gen_task():
    phase = rng.uniform(low=0, high=2 * np.pi)
    ampl = rng.uniform(0.1, 5)
    return lambda x: np.sin(x + phase) * ampl


def totorch(x):
    return torch.tensor(x, dtype=torch.float32)


def make_model():
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


model = make_model()
ntrain, innerstepsize, innerepochs, outerstepsize0, niterations = 10, 0.02, 1, 0.1, 60


def train_on_batch(net, x, y, opt=None):
    x, y = totorch(x), totorch(y)
    net.zero_grad()
    loss = (net(x) - y).pow(2).mean()
    loss.backward()
    if opt is None:
        for param in net.parameters():
            param.data -= innerstepsize * param.grad.data
    else:
        opt.step()
    return loss.item()


# Reptile, in place and with a deepcopied learner (the two must agree)
reptile_clone = copy.deepcopy(model)
for iteration in range(niterations):
    f = gen_task()
    y_all = f(x_all)
    inds = rng.permutation(len(x_all))
    weights_before = copy.deepcopy(model.state_dict())
    learner = copy.deepcopy(reptile_clone)
    fresh = all(p.grad is None for p in learner.parameters())
    opt = torch.optim.SGD(learner.parameters(), lr=innerstepsize)
    for _ in range(innerepochs):
        for start in range(0, len(x_all), ntrain):
            mbinds = inds[start:start + ntrain]
            train_on_batch(model, x_all[mbinds], y_all[mbinds])
            train_on_batch(learner, x_all[mbinds], y_all[mbinds], opt)
    outerstepsize = outerstepsize0 * (1 - iteration / niterations)
    weights_after = model.state_dict()
    model.load_state_dict({name: weights_before[name] + (weights_after[name] - weights_before[name]) * outerstepsize
                           for name in weights_before})
    with torch.no_grad():
        for p_meta, p_task in zip(reptile_clone.parameters(), learner.parameters()):
            p_meta.add_(p_task - p_meta, alpha=outerstepsize)
    if iteration % 15 == 14:
        same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), reptile_clone.parameters()))
        print(f"reptile iter {iteration} outer step {outerstepsize:.4f} learner fresh {fresh} copies agree {same}")

f_plot = gen_task()
xtrain_plot = x_all[rng.choice(len(x_all), size=ntrain)]
model_copy = copy.deepcopy(model)
for inneriter in range(8):
    loss = train_on_batch(model_copy, xtrain_plot, f_plot(xtrain_plot))
    if inneriter in (0, 7):
        with torch.no_grad():
            test = (model_copy(totorch(x_all)) - totorch(f_plot(x_all))).pow(2).mean().item()
        print(f"adapt step {inneriter} train {loss:.5f} test {test:.5f}")
print("meta-model untouched by adaptation", torch.equal(model[0].weight, copy.deepcopy(model)[0].weight),
      "meta grads", model[0].weight.grad is not None, "copy grads", copy.deepcopy(model)[0].weight.grad)

# first-order MAML with deepcopied learners
torch.manual_seed(1)
meta = make_model()
meta_opt = torch.optim.Adam(meta.parameters(), lr=1e-3, eps=1e-4)
for it in range(20):
    meta_opt.zero_grad()
    tasks_loss = 0.0
    for _ in range(3):
        f = gen_task()
        xs = x_all[rng.choice(50, size=10)]
        xq = x_all[rng.choice(50, size=10)]
        learner = copy.deepcopy(meta)
        inner = torch.optim.SGD(learner.parameters(), lr=0.01)
        for _ in range(2):
            inner.zero_grad()
            (learner(totorch(xs)) - totorch(f(xs))).pow(2).mean().backward()
            inner.step()
        inner.zero_grad()
        q_loss = (learner(totorch(xq)) - totorch(f(xq))).pow(2).mean()
        q_loss.backward()
        for p_meta, p_fast in zip(meta.parameters(), learner.parameters()):
            p_meta.grad = p_fast.grad.clone() if p_meta.grad is None else p_meta.grad + p_fast.grad
        tasks_loss += q_loss.item()
    meta_opt.step()
    if it % 5 == 4:
        print(f"fomaml iter {it} query loss {tasks_loss / 3:.5f}")


# Lookahead with deepcopied slow weights
class Lookahead:
    def __init__(self, model, base_optimizer, k=5, alpha=0.5):
        self.model, self.base, self.k, self.alpha = model, base_optimizer, k, alpha
        self.slow = copy.deepcopy(model)
        for p in self.slow.parameters():
            p.requires_grad_(False)
        self.step_count = 0

    def zero_grad(self):
        self.base.zero_grad()

    def step(self):
        self.base.step()
        self.step_count += 1
        if self.step_count % self.k == 0:
            with torch.no_grad():
                for slow, fast in zip(self.slow.parameters(), self.model.parameters()):
                    slow.add_(fast - slow, alpha=self.alpha)
                    fast.copy_(slow)
            return True
        return False


torch.manual_seed(2)
net = make_model()
f = gen_task()
X, Y = totorch(x_all), totorch(f(x_all))
(net(X) - Y).pow(2).mean().backward()  # a warm-up backward: the wrapper is made while net holds gradients
la = Lookahead(net, torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9), k=4, alpha=0.5)
print("slow weights", [(p.requires_grad, p.grad) for p in la.slow.parameters()][:2])
for step in range(16):
    la.zero_grad()
    loss = (net(X) - Y).pow(2).mean()
    loss.backward()
    synced = la.step()
    if synced:
        print(f"lookahead step {step} loss {loss.item():.5f} synced {synced}")

# EMA teacher by deepcopy
torch.manual_seed(3)
student = make_model()
teacher = copy.deepcopy(student).requires_grad_(False)
opt = torch.optim.SGD(student.parameters(), lr=0.05)
for step in range(10):
    opt.zero_grad()
    loss = (student(X) - Y).pow(2).mean()
    loss.backward()
    opt.step()
    with torch.no_grad():
        for t, s in zip(teacher.parameters(), student.parameters()):
            t.mul_(0.9).add_(s, alpha=0.1)
with torch.no_grad():
    t_loss = (teacher(X) - Y).pow(2).mean().item()
print(f"student {loss.item():.5f} teacher {t_loss:.5f} teacher grads {[p.grad for p in teacher.parameters()][:1]}")
print(f"phase check {math.isfinite(t_loss)}")
