"""fast.ai course part 2 "miniai" style without fastai: a DataLoaders pair built from a TensorDataset,
a Learner whose fit/epoch/batch phases run callbacks through a with_cbs decorator (Cancel*Exception
classes), TrainCB / MetricsCB / DeviceCB / a recorder of the lr and loss, an LR finder on
ExponentialLR that cancels the fit, Hook/Hooks classes (context manager, forward hooks with
functools.partial) collecting ActivationStats (means, stds, histc of |activations|, the "dead"
fraction), GeneralRelu and kaiming_normal_ init, BatchNorm, then the learner's model saved to an
io.BytesIO with torch.save and loaded back (odict_keys, load_state_dict's result), and a MAML-style
inner step with torch.func.functional_call and torch.func.grad whose gradients print with their
grad_fn. Fixed batch order: every number agrees."""

import io
import math
from functools import partial
from operator import attrgetter

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(42)

n_in, n_cls = 16, 4
centers = torch.randn(n_cls, n_in) * 2
ys = torch.arange(256) % n_cls
xs = centers[ys] + torch.randn(256, n_in)
xv = centers[torch.arange(64) % n_cls] + torch.randn(64, n_in)
yv = torch.arange(64) % n_cls


class DataLoaders:
    def __init__(self, *dls):
        self.train, self.valid = dls[:2]


dls = DataLoaders(DataLoader(TensorDataset(xs, ys), batch_size=64, shuffle=False),
                  DataLoader(TensorDataset(xv, yv), batch_size=64))
xb, yb = next(iter(dls.train))
print(xb.shape, yb[:10], xb.dtype, yb.dtype)


class CancelFitException(Exception):  # noqa: N818 - fast.ai's names
    pass


class CancelBatchException(Exception):  # noqa: N818
    pass


class CancelEpochException(Exception):  # noqa: N818
    pass


class Callback:
    order = 0


def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter("order")):
        method = getattr(cb, method_nm, None)
        if method is not None:
            method(learn)


class with_cbs:
    def __init__(self, nm):
        self.nm = nm

    def __call__(self, f):
        def _f(o, *args, **kwargs):
            try:
                o.callback(f"before_{self.nm}")
                f(o, *args, **kwargs)
                o.callback(f"after_{self.nm}")
            except globals()[f"Cancel{self.nm.title()}Exception"]:
                pass
            finally:
                o.callback(f"cleanup_{self.nm}")
        return _f


class Learner:
    def __init__(self, model, dls, loss_func=F.cross_entropy, lr=0.1, cbs=None, opt_func=torch.optim.SGD):
        self.model, self.dls, self.loss_func, self.lr, self.opt_func = model, dls, loss_func, lr, opt_func
        self.cbs = list(cbs or [])

    @with_cbs("batch")
    def _one_batch(self):
        self.predict()
        self.callback("after_predict")
        self.get_loss()
        self.callback("after_loss")
        if self.training:
            self.backward()
            self.callback("after_backward")
            self.step()
            self.callback("after_step")
            self.zero_grad()

    @with_cbs("epoch")
    def _one_epoch(self):
        for self.iter, self.batch in enumerate(self.dl):  # noqa: B020 - miniai's loop, as written
            self._one_batch()

    def one_epoch(self, training):
        self.model.train(training)
        self.dl = self.dls.train if training else self.dls.valid
        self._one_epoch()

    @with_cbs("fit")
    def _fit(self, train, valid):
        for self.epoch in self.epochs:  # noqa: B020
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

    def __getattr__(self, name):
        if name in ("predict", "get_loss", "backward", "step", "zero_grad"):
            return partial(self.callback, name)
        raise AttributeError(name)

    def callback(self, method_nm):
        run_cbs(self.cbs, method_nm, self)

    @property
    def training(self):
        return self.model.training


class TrainCB(Callback):
    def predict(self, learn): learn.preds = learn.model(learn.batch[0])
    def get_loss(self, learn): learn.loss = learn.loss_func(learn.preds, learn.batch[1])
    def backward(self, learn): learn.loss.backward()
    def step(self, learn): learn.opt.step()
    def zero_grad(self, learn): learn.opt.zero_grad()


class MetricsCB(Callback):
    order = 1

    def before_epoch(self, learn):
        self.loss_sum, self.correct, self.count = 0.0, 0, 0

    def after_batch(self, learn):
        n = len(learn.batch[1])
        self.loss_sum += learn.loss.item() * n
        self.correct += (learn.preds.argmax(dim=1) == learn.batch[1]).sum().item()
        self.count += n

    def after_epoch(self, learn):
        split = "train" if learn.training else "eval"
        print(f"epoch {learn.epoch} {split} loss {self.loss_sum / self.count:.5f} "
              f"accuracy {self.correct / self.count:.4f}")


class DeviceCB(Callback):
    def before_fit(self, learn):
        learn.model.to("cpu")

    def before_batch(self, learn):
        learn.batch = tuple(t.to("cpu") for t in learn.batch)


class LRFinderCB(Callback):
    def __init__(self, gamma=1.3, max_mult=3):
        self.gamma, self.max_mult = gamma, max_mult

    def before_fit(self, learn):
        self.sched = torch.optim.lr_scheduler.ExponentialLR(learn.opt, self.gamma)
        self.lrs, self.losses = [], []
        self.min = math.inf

    def after_batch(self, learn):
        if not learn.training:
            raise CancelEpochException()
        self.lrs.append(learn.opt.param_groups[0]["lr"])
        loss = learn.loss.detach().item()
        self.losses.append(loss)
        if loss < self.min:
            self.min = loss
        if math.isnan(loss) or loss > self.min * self.max_mult:
            raise CancelFitException()
        self.sched.step()

    def cleanup_fit(self, learn):
        print("lr finder:", [f"{lr:.4g}" for lr in self.lrs], [f"{loss:.4f}" for loss in self.losses])


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


def init_weights(m, leaky=0.0):
    if isinstance(m, (nn.Linear, nn.Conv1d)):
        nn.init.kaiming_normal_(m.weight, a=leaky)


act_gr = partial(GeneralRelu, leak=0.1, sub=0.4)


def get_model(act=act_gr, nfs=(32, 32, 16), norm=True):
    layers = []
    n_prev = n_in
    for nf in nfs:
        layers += [nn.Linear(n_prev, nf, bias=not norm)]
        if norm:
            layers.append(nn.BatchNorm1d(nf))
        layers.append(act())
        n_prev = nf
    return nn.Sequential(*layers, nn.Linear(n_prev, n_cls))


class Hook:
    def __init__(self, m, f):
        self.hook = m.register_forward_hook(partial(f, self))

    def remove(self):
        self.hook.remove()

    def __del__(self):
        self.remove()


class Hooks(list):
    def __init__(self, ms, f):
        super().__init__([Hook(m, f) for m in ms])

    def __enter__(self, *args):
        return self

    def __exit__(self, *args):
        self.remove()

    def __del__(self):
        self.remove()

    def remove(self):
        for h in self:
            h.remove()


def append_stats(hook, mod, inp, outp):
    if not hasattr(hook, "stats"):
        hook.stats = ([], [], [])
    acts = outp.detach().cpu()
    hook.stats[0].append(acts.mean().item())
    hook.stats[1].append(acts.std().item())
    hook.stats[2].append(acts.abs().histc(20, 0, 4))


class ActivationStats(Callback):
    order = 5

    def __init__(self, mod_filter=lambda m: isinstance(m, GeneralRelu)):
        self.mod_filter = mod_filter

    def before_fit(self, learn):
        mods = [m for m in learn.model.modules() if self.mod_filter(m)]
        self.hooks = Hooks(mods, append_stats)

    def after_fit(self, learn):
        for i, h in enumerate(self.hooks):
            hist = torch.stack(h.stats[2]).t().float()
            dead = hist[0] / hist.sum(0)
            print(f"layer {i}: means {[round(v, 3) for v in h.stats[0][:3]]} "
                  f"stds {[round(v, 3) for v in h.stats[1][:3]]} dead {[round(v.item(), 3) for v in dead[:3]]}")
        self.hooks.remove()


torch.manual_seed(1)
model = get_model().apply(partial(init_weights, leaky=0.1))
learn = Learner(model, dls, lr=0.01, cbs=[TrainCB(), DeviceCB()])
learn.fit(1, valid=False, cbs=[LRFinderCB(gamma=1.6)])
print([type(cb).__name__ for cb in learn.cbs])

torch.manual_seed(1)
model = get_model().apply(partial(init_weights, leaky=0.1))
astats = ActivationStats()
learn = Learner(model, dls, lr=0.2, cbs=[TrainCB(), DeviceCB(), MetricsCB(), astats],
                opt_func=partial(torch.optim.SGD, momentum=0.9))
learn.fit(2)
print(model[1].running_mean[:4], model[1].num_batches_tracked)

buf = io.BytesIO()
torch.save(model.state_dict(), buf)
print(buf.getbuffer().nbytes > 0)
buf.seek(0)
sd = torch.load(buf, weights_only=True)
print(type(sd).__name__, list(sd.keys())[:5])
print(sd["1.num_batches_tracked"], sd["6.weight"].shape, sd["9.bias"])
model2 = get_model()
print(model2.load_state_dict(sd))
del sd["9.bias"]
print(model2.load_state_dict(sd, strict=False))
model2.eval()
model.eval()
with torch.no_grad():
    print(torch.equal(model(xv), model2(xv)[:, :]), (model2(xv[:4]) - model(xv[:4])).abs().max())

ckpt = {"model": model.state_dict(), "opt": learn.opt.state_dict(), "epoch": 2}
buf = io.BytesIO()
torch.save(ckpt, buf)
buf.seek(0)
loaded = torch.load(buf)
print(type(loaded["model"]).__name__, type(loaded["opt"]).__name__, loaded["epoch"],
      sorted(loaded["opt"]["param_groups"][0].keys())[:4], len(loaded["opt"]["state"]))

# MAML-style inner adaptation on the trained head, functionally
head = nn.Sequential(nn.Linear(n_in, 8), nn.Tanh(), nn.Linear(8, n_cls))
params = dict(head.named_parameters())


def task_loss(p, x, y):
    return F.cross_entropy(functional_call(head, p, (x,)), y)


g = grad(task_loss)(params, xs[:8], ys[:8])
for k, v in g.items():
    print(k, v.shape, v.grad_fn.name(), round(v.abs().sum().item(), 5))
print(g["2.bias"])
fast = {k: params[k] - 0.5 * g[k] for k in params}
outer = task_loss(fast, xv[:8], yv[:8])
outer.backward()
print(round(outer.item(), 5), head[0].weight.grad.abs().sum().item() > 0, head[2].bias.grad)
