"""Andrej Karpathy's "A Recipe for Training Neural Networks" as the checks people turn it into: fix the seed,
look at the data just before the net, verify the loss at init (-log(1/C)), init the last bias to the log
prior of imbalanced classes (and a regression bias to the target mean), an input-independent baseline
(inputs zeroed), charting dependencies by backprop (the loss of sample i must give gradient only to
input i: the batch-mixing view bug versus the right permute), overfitting one batch, a full run with Adam
at 3e-4 then 3e-3, weight decay through AdamW, step decay of the learning rate, early stopping on a
validation split, and an ensemble of seeds averaged in probability."""

import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(1337)

C, D, n_train, n_val = 4, 10, 240, 80
priors = torch.tensor([0.55, 0.25, 0.15, 0.05])
centers = torch.randn(C, D) * 1.2


def make(n):
    y = torch.multinomial(priors, n, replacement=True)
    x = centers[y] + torch.randn(n, D)
    return x, y


xtr, ytr = make(n_train)
xva, yva = make(n_val)
print("class counts", torch.bincount(ytr, minlength=C).tolist(), torch.bincount(yva, minlength=C).tolist())
# "visualize just before the net": the exact batch the model sees
xb, yb = xtr[:8], ytr[:8]
print("batch", tuple(xb.shape), xb.dtype, yb.tolist(), "mean {:.4f} std {:.4f}".format(xb.mean(), xb.std()))
mu, sd = xtr.mean(0), xtr.std(0)


def norm(x):
    return (x - mu) / sd


print("normalized", "mean near 0:", bool(norm(xtr).mean().abs() < 1e-5), "std {:.4f}".format(norm(xtr).std()))


class MLP(nn.Module):
    def __init__(self, prior=None):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(D, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, C))
        if prior is not None:  # "init well": the last bias at the log prior
            with torch.no_grad():
                self.net[-1].weight.mul_(0.01)
                self.net[-1].bias.copy_(prior.log())

    def forward(self, x):
        return self.net(norm(x))


# verify loss @ init
model = MLP()
with torch.no_grad():
    loss0 = F.cross_entropy(model(xtr), ytr)
print("loss at init {:.4f} expected {:.4f}".format(loss0.item(), -math.log(1 / C)))
model.net[-1].weight.data.mul_(0.01)
model.net[-1].bias.data.zero_()
with torch.no_grad():
    print("with a small last layer {:.4f}".format(F.cross_entropy(model(xtr), ytr).item()))
emp = torch.bincount(ytr, minlength=C).float() / n_train
model_p = MLP(prior=emp)
with torch.no_grad():
    p0 = model_p(xtr).softmax(-1).mean(0)
    print("prior init probs", [round(v, 4) for v in p0.tolist()],
          "loss {:.4f}".format(F.cross_entropy(model_p(xtr), ytr).item()),
          "entropy of prior {:.4f}".format(-(emp * emp.log()).sum().item()))
reg = nn.Linear(D, 1)
target = 3.0 + xtr[:, 0:1]
with torch.no_grad():
    reg.bias.fill_(target.mean().item())
print("regression bias {:.4f}".format(reg.bias.item()))


def train(model, x, y, steps, lr, opt_cls=torch.optim.Adam, print_every=0, **kw):
    opt = opt_cls(model.parameters(), lr=lr, **kw)
    losses = []
    for step in range(steps):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if print_every and step % print_every == 0:
            print(f"  step {step:3d} loss {loss.item():.4f}")
    return losses


# input-independent baseline: zero the inputs, the net can only learn the prior
torch.manual_seed(0)
base = MLP()
zeros = torch.zeros_like(xtr)
zl = train(base, zeros + mu, ytr, 150, 3e-3)
torch.manual_seed(0)
real = MLP()
rl = train(real, xtr, ytr, 150, 3e-3)
print("input-independent {:.4f} real {:.4f}".format(zl[-1], rl[-1]))


# backprop to chart dependencies
class Mixer(nn.Module):
    """Flattens time-major (T, B, D) features (an RNN's output) into per-sample rows: with view it silently
    mixes the batch, with transpose first it does not."""

    def __init__(self, buggy):
        super().__init__()
        self.buggy = buggy
        self.proj = nn.Linear(12, 2)

    def forward(self, x):  # x: (T=4, B, D=3)
        B = x.shape[1]
        if self.buggy:
            x = x.view(B, -1)
        else:
            x = x.transpose(0, 1).reshape(B, -1)
        return self.proj(x).softmax(-1)  # (B, 2)


for buggy in (True, False):
    torch.manual_seed(5)
    m = Mixer(buggy)
    x = torch.randn(4, 6, 3, requires_grad=True)
    out = m(x)
    i = 2
    out[i].pow(2).sum().backward()
    nz = (x.grad.abs().sum((0, 2)) > 0).nonzero().flatten().tolist()
    print("buggy" if buggy else "fixed", "grad reaches samples", nz, "only i:", nz == [i])
# and through a model whose normalisation mixes samples (BatchNorm in train mode)
bn_net = nn.Sequential(nn.Linear(D, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, C))
x = xtr[:6].clone().requires_grad_()
bn_net(x)[2].sum().backward()
print("batchnorm train-mode grad samples", (x.grad.abs().sum(1) > 0).sum().item())
bn_net.eval()
x.grad = None
bn_net(x)[2].sum().backward()
print("batchnorm eval-mode grad samples", (x.grad.abs().sum(1) > 0).nonzero().flatten().tolist())

# overfit one batch
torch.manual_seed(2)
tiny = MLP()
ol = train(tiny, xb, yb, 200, 3e-3, print_every=50)
with torch.no_grad():
    print("one batch: final loss {:.5f} acc {:.2f}".format(ol[-1], (tiny(xb).argmax(1) == yb).float().mean()))


# the full run: Adam 3e-4 is safe, 3e-3 is faster here; weight decay via AdamW; step decay; early stop
def evaluate(model):
    model.eval()
    with torch.no_grad():
        logits = model(xva)
        loss = F.cross_entropy(logits, yva).item()
        acc = (logits.argmax(1) == yva).float().mean().item()
    model.train()
    return loss, acc


for lr in (3e-4, 3e-3):
    torch.manual_seed(3)
    m = MLP(prior=emp)
    tl = train(m, xtr, ytr, 100, lr)
    print("adam lr {} train {:.4f} val {:.4f} acc {:.4f}".format(lr, tl[-1], *evaluate(m)))

torch.manual_seed(3)
m = MLP(prior=emp)
opt = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=60, gamma=0.3)
best, best_state, bad, patience = float("inf"), None, 0, 4
g = torch.Generator().manual_seed(9)
for epoch in range(40):
    perm = torch.randperm(n_train, generator=g)
    for k in range(0, n_train, 48):
        idx = perm[k:k + 48]
        loss = F.cross_entropy(m(xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    vl, va = evaluate(m)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} train {loss.item():.4f} val {vl:.4f} acc {va:.4f} lr {sched.get_last_lr()[0]:.6f}")
    if vl < best - 1e-4:
        best, best_state, bad = vl, copy.deepcopy(m.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch} best val {best:.4f}")
            break
m.load_state_dict(best_state)
print("restored best val {:.4f} acc {:.4f}".format(*evaluate(m)))
wn = sum(p.pow(2).sum() for n_, p in m.named_parameters() if n_.endswith("weight")).sqrt()
print("weight norm {:.4f}".format(wn.item()))

# ensembles: average the probabilities of models from different seeds
probs = []
for seed in range(3):
    torch.manual_seed(100 + seed)
    e = MLP(prior=emp)
    train(e, xtr, ytr, 120, 3e-3)
    e.eval()
    with torch.no_grad():
        probs.append(e(xva).softmax(-1))
    print("member", seed, "acc {:.4f}".format((probs[-1].argmax(1) == yva).float().mean().item()))
avg = torch.stack(probs).mean(0)
print("ensemble acc {:.4f} nll {:.4f}".format((avg.argmax(1) == yva).float().mean().item(),
                                              F.nll_loss(avg.log(), yva).item()))
