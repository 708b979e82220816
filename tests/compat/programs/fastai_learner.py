"""fast.ai's "from the foundations" (course part 2) style on the bundled digits:
a DataLoaders pair, a Learner driven by callbacks (before_fit / before_batch /
after_batch / after_epoch dispatched with getattr, CancelFitException,
CancelBatchException, a with_cbs decorator), a MetricsCB-like accumulator, an
LRFinderCB with ExponentialLR that stops when the loss explodes, activation
statistics from forward hooks registered with functools.partial (means,
stds, histc histograms), GeneralRelu with leak/sub/maxv, kaiming_normal_
init with a=leak, LayerNorm / BatchNorm written by hand (lerp_ running
stats), OneCycleLR via a scheduler callback and a final evaluation.
Fixed batch order: every number agrees."""

import math
from functools import partial
from operator import attrgetter

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.manual_seed(42)
pixels, labels = digits()
x = torch.tensor(pixels[:600] / 16.0, dtype=torch.float32)
y = torch.tensor(labels[:600])
xm, xs = x.mean(), x.std()
x = (x - xm) / xs
x_train, y_train, x_valid, y_valid = x[:480], y[:480], x[480:], y[480:]
print(f"normalized |mean| < 1e-6 {x.mean().abs().item() < 1e-6} std {x.std().item():.5f}")


class DataLoaders:
    def __init__(self, *dls):
        self.train, self.valid = dls[:2]

    @classmethod
    def from_dd(cls, ds_train, ds_valid, batch_size, **kwargs):
        return cls(DataLoader(ds_train, batch_size, shuffle=False, **kwargs),
                   DataLoader(ds_valid, batch_size * 2, shuffle=False, **kwargs))


dls = DataLoaders.from_dd(TensorDataset(x_train, y_train), TensorDataset(x_valid, y_valid), 48)
xb, yb = next(iter(dls.train))
print("batch", xb.shape, yb[:10])


class CancelFitException(Exception):  # noqa: N818 - fastai's names
    pass


class CancelBatchException(Exception):  # noqa: N818
    pass


class CancelEpochException(Exception):  # noqa: N818
    pass


class Callback:
    order = 0


def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter('order')):
        method = getattr(cb, method_nm, None)
        if method is not None:
            method(learn)


class with_cbs:
    def __init__(self, nm):
        self.nm = nm

    def __call__(self, f):
        def _f(o, *args, **kwargs):
            try:
                o.callback(f'before_{self.nm}')
                f(o, *args, **kwargs)
                o.callback(f'after_{self.nm}')
            except globals()[f'Cancel{self.nm.title()}Exception']:
                pass
            finally:
                o.callback(f'cleanup_{self.nm}')
        return _f


class Learner:
    def __init__(self, model, dls, loss_func=F.cross_entropy, lr=0.1, cbs=None, opt_func=optim.SGD):
        self.model, self.dls, self.loss_func, self.lr, self.opt_func = model, dls, loss_func, lr, opt_func
        self.cbs = list(cbs or [])

    @with_cbs('batch')
    def _one_batch(self):
        self.preds = self.model(self.batch[0])
        self.loss = self.loss_func(self.preds, self.batch[1])
        if self.training:
            self.loss.backward()
            self.opt.step()
            self.opt.zero_grad()

    @with_cbs('epoch')
    def _one_epoch(self):
        for self.iter, self.batch in enumerate(self.dl):  # noqa: B020 - fastai's idiom
            self._one_batch()

    def one_epoch(self, training):
        self.model.train(training)
        self.dl = self.dls.train if training else self.dls.valid
        self._one_epoch()

    @with_cbs('fit')
    def _fit(self, train, valid):
        for self.epoch in range(self.n_epochs):  # noqa: B020
            if train:
                self.one_epoch(True)
            if valid:
                with torch.no_grad():
                    self.one_epoch(False)

    def fit(self, n_epochs=1, train=True, valid=True, cbs=None, lr=None):
        cbs = list(cbs or [])
        self.cbs += cbs
        try:
            self.n_epochs = n_epochs
            self.epochs = range(n_epochs)
            self.opt = self.opt_func(self.model.parameters(), self.lr if lr is None else lr)
            self._fit(train, valid)
        finally:
            for cb in cbs:
                self.cbs.remove(cb)

    def callback(self, method_nm):
        run_cbs(self.cbs, method_nm, self)

    @property
    def training(self):
        return self.model.training


class MetricsCB(Callback):
    def before_epoch(self, learn):
        self.loss_sum, self.correct, self.n = 0.0, 0, 0

    def after_batch(self, learn):
        n = len(learn.batch[0])
        self.loss_sum += learn.loss.item() * n
        self.correct += (learn.preds.argmax(1) == learn.batch[1]).sum().item()
        self.n += n

    def after_epoch(self, learn):
        mode = "train" if learn.training else "eval"
        print(f"{learn.epoch} {mode} loss {self.loss_sum / self.n:.6f} accuracy {self.correct / self.n:.4f}")


class SingleBatchCB(Callback):
    order = 1

    def after_batch(self, learn):
        raise CancelFitException()


class LRFinderCB(Callback):
    def __init__(self, gamma=1.3, max_mult=3):
        self.gamma, self.max_mult = gamma, max_mult

    def before_fit(self, learn):
        self.sched = optim.lr_scheduler.ExponentialLR(learn.opt, self.gamma)
        self.lrs, self.losses = [], []
        self.min = math.inf

    def after_batch(self, learn):
        if not learn.training:
            raise CancelEpochException()
        self.lrs.append(learn.opt.param_groups[0]['lr'])
        loss = learn.loss.item()
        self.losses.append(loss)
        if loss < self.min:
            self.min = loss
        if math.isnan(loss) or (loss > self.min * self.max_mult):
            raise CancelFitException()
        self.sched.step()


class GeneralRelu(nn.Module):
    def __init__(self, leak=None, sub=None, maxv=None):
        super().__init__()
        self.leak, self.sub, self.maxv = leak, sub, maxv

    def forward(self, x):
        x = F.leaky_relu(x, self.leak) if self.leak is not None else F.relu(x)
        if self.sub is not None:
            x -= self.sub
        if self.maxv is not None:
            x.clamp_max_(self.maxv)
        return x


class LayerNorm(nn.Module):
    def __init__(self, dummy, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.mult = nn.Parameter(torch.tensor(1.))
        self.add = nn.Parameter(torch.tensor(0.))

    def forward(self, x):
        m = x.mean(-1, keepdim=True)
        v = x.var(-1, keepdim=True)
        x = (x - m) / ((v + self.eps).sqrt())
        return x * self.mult + self.add


class BatchNorm(nn.Module):
    def __init__(self, nf, mom=0.1, eps=1e-5):
        super().__init__()
        self.mom, self.eps = mom, eps
        self.mults = nn.Parameter(torch.ones(nf))
        self.adds = nn.Parameter(torch.zeros(nf))
        self.register_buffer('vars', torch.ones(1, nf))
        self.register_buffer('means', torch.zeros(1, nf))

    def update_stats(self, x):
        m = x.mean(0, keepdim=True)
        v = x.var(0, keepdim=True)
        self.means.lerp_(m, self.mom)
        self.vars.lerp_(v, self.mom)
        return m, v

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                m, v = self.update_stats(x)
        else:
            m, v = self.means, self.vars
        x = (x - m) / (v + self.eps).sqrt()
        return x * self.mults + self.adds


act_gr = partial(GeneralRelu, leak=0.1, sub=0.4)


def get_model(act=nn.ReLU, nfs=(64, 32, 16), norm=None):
    layers = []
    for a, b in zip(nfs[:-1], nfs[1:]):
        layers += [nn.Linear(a, b)]
        if norm is not None:
            layers += [norm(b)]
        layers += [act()]
    return nn.Sequential(*layers, nn.Linear(nfs[-1], 10))


def init_weights(m, leaky=0.):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, a=leaky)


class Hook:
    def __init__(self, m, f):
        self.hook = m.register_forward_hook(partial(f, self))

    def remove(self):
        self.hook.remove()

    def __del__(self):
        self.remove()


def append_stats(hook, mod, inp, outp):
    if not hasattr(hook, 'stats'):
        hook.stats = ([], [], [])
    acts = outp.detach()
    hook.stats[0].append(acts.mean())
    hook.stats[1].append(acts.std())
    hook.stats[2].append(acts.abs().histc(10, 0, 5))


class Hooks(list):
    def __init__(self, ms, f):
        super().__init__([Hook(m, f) for m in ms])

    def __enter__(self, *args):
        return self

    def __exit__(self, *args):
        self.remove()

    def remove(self):
        for h in self:
            h.remove()


class ActivationStats(Callback):
    def __init__(self, mod_filter=lambda m: isinstance(m, (nn.ReLU, GeneralRelu))):
        self.mod_filter = mod_filter

    def before_fit(self, learn):
        self.hooks = Hooks([m for m in learn.model.modules() if self.mod_filter(m)], append_stats)

    def after_fit(self, learn):
        for i, h in enumerate(self.hooks):
            means = torch.stack(h.stats[0])
            stds = torch.stack(h.stats[1])
            hist = torch.stack(h.stats[2]).sum(0)
            print(f"layer {i} mean of means {means.mean().item():.5f} last std {stds[-1].item():.5f} "
                  f"hist {[round(v, 3) for v in (hist / hist.sum()).tolist()]}")  # (counts: a value may sit on an edge)
        self.hooks.remove()


class SchedCB(Callback):
    def __init__(self, sched):
        self.sched = sched

    def before_fit(self, learn):
        self.schedo = self.sched(learn.opt)

    def after_batch(self, learn):
        if learn.training:
            self.schedo.step()


# single batch run
torch.manual_seed(1)
model = get_model()
learn = Learner(model, dls, F.cross_entropy, lr=0.2, cbs=[MetricsCB()])
learn.fit(1, cbs=[SingleBatchCB()])
print("single batch cancelled after", learn.iter + 1, "batch")

# LR finder
torch.manual_seed(1)
lrf = LRFinderCB(gamma=1.6)
learn = Learner(get_model(), dls, F.cross_entropy, lr=1e-4, cbs=[lrf])
learn.fit(3)
print("lr finder", len(lrf.lrs), [f"{v:.3g}" for v in lrf.lrs[:5]], [round(v, 4) for v in lrf.losses[:5]])
print("min loss at lr", f"{lrf.lrs[int(np.argmin(lrf.losses))]:.4g}")

# plain ReLU vs GeneralRelu with kaiming init, activation stats
for name, act, leak in [("relu", nn.ReLU, 0.0), ("general relu", act_gr, 0.1)]:
    torch.manual_seed(1)
    model = get_model(act)
    model.apply(partial(init_weights, leaky=leak))
    learn = Learner(model, dls, F.cross_entropy, lr=0.2, cbs=[MetricsCB(), ActivationStats()])
    print(name)
    learn.fit(2)

# hand-written norms with a one-cycle schedule
for name, norm in [("layernorm", LayerNorm), ("batchnorm", BatchNorm)]:
    torch.manual_seed(2)
    model = get_model(act_gr, norm=norm)
    model.apply(partial(init_weights, leaky=0.1))
    tmax = 3 * len(dls.train)
    sched = partial(optim.lr_scheduler.OneCycleLR, max_lr=0.3, total_steps=tmax)
    learn = Learner(model, dls, F.cross_entropy, lr=0.3, cbs=[MetricsCB(), SchedCB(sched)], opt_func=optim.AdamW)
    print(name)
    learn.fit(3)
    if norm is BatchNorm:
        print("running means", [round(v, 5) for v in model[1].means[0, :4].tolist()],
              "vars", [round(v, 5) for v in model[1].vars[0, :4].tolist()])
    print("final lr", learn.opt.param_groups[0]["lr"])
