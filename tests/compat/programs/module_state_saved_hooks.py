"""Module bookkeeping a library author leans on: setattr/delattr of parameters, register_* errors,
state_dict(keep_vars, prefix), load_state_dict(assign=True), half/to(float64) of buffers, requires_grad_,
to_empty, deepcopy with hooks, pickling, torch.save of a whole model loaded with weights_only=False,
get/set_extra_state, functional_call, post-accumulate-grad hooks, saved_tensors_hooks and save_on_cpu,
non-reentrant checkpointing, apply_/map_, grad_fn's next_functions and saved attributes, node hooks."""

import torch
import copy
import io
import pickle
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential
from _show import show


torch.manual_seed(0)
m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
show("setattr bad", lambda: setattr(m[0], "weight", torch.ones(3, 2)))
show("setattr None", lambda: (setattr(m[0], "bias", None), m[0])[1])
show("del attr", lambda: (delattr(m[3], "bias"), [n for n, _ in m[3].named_parameters()]))
show("reg param bad name", lambda: m[0].register_parameter("a.b", None))
show("reg buffer exists", lambda: m[0].register_buffer("weight", torch.ones(1)))
show("add_module bad", lambda: m.add_module("", nn.ReLU()))
show("keep_vars", lambda: {k: type(v).__name__ for k, v in m.state_dict(keep_vars=True).items()})
show("sd prefix", lambda: list(m.state_dict(prefix="model.").keys()))
show(
    "assign",
    lambda: (
        m[0].load_state_dict({"weight": torch.ones(3, 2, requires_grad=False)}, assign=True),
        m[0].weight.requires_grad,
        type(m[0].weight).__name__,
    )[1:],
)
show(
    "half",
    lambda: (
        copy.deepcopy(m).half()[0].weight.dtype,
        copy.deepcopy(m).to(torch.float64)[1].running_mean.dtype,
        copy.deepcopy(m).to(torch.float64)[1].num_batches_tracked.dtype,
    ),
)
show("requires_grad_", lambda: [p.requires_grad for p in copy.deepcopy(m).requires_grad_(False).parameters()])
show("to_empty", lambda: copy.deepcopy(m).to_empty(device="cpu")[0].weight.shape)
show("train flag", lambda: (m.train(False).training, m[1].training, m.train().training))
show(
    "deepcopy hooks",
    lambda: (lambda h: (len(copy.deepcopy(m)._forward_hooks), h.remove()))(m.register_forward_hook(print))[0],
)
show("pickle", lambda: type(pickle.loads(pickle.dumps(m))).__name__)
buf = io.BytesIO()
torch.save(m, buf)
buf.seek(0)
show("load whole", lambda: type(torch.load(buf, weights_only=False)).__name__)
show("extra_state", lambda: None)


class WithExtra(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(1, 1)
        self.counter = 3

    def get_extra_state(self):
        return {"counter": self.counter}

    def set_extra_state(self, st):
        self.counter = st["counter"]


w = WithExtra()
show("extra keys", lambda: list(w.state_dict().keys()))
show(
    "extra load",
    lambda: (w.load_state_dict({**w.state_dict(), "_extra_state": {"counter": 9}}), w.counter)[1],
)
show(
    "functional_call",
    lambda: torch.func.functional_call(
        m[0], {"weight": torch.zeros(3, 2), "bias": torch.ones(3)}, (torch.ones(1, 2),)
    ),
)
show(
    "stateless",
    lambda: torch.nn.utils.stateless.functional_call(m[0], {"bias": torch.ones(3)}, torch.zeros(1, 2)),
)
show(
    "assert_close dtype",
    lambda: torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64)),
)
show("assert_close shape", lambda: torch.testing.assert_close(torch.ones(2), torch.ones(3)))
show("assert_close ok", lambda: torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0 + 1e-7])))
show(
    "make_tensor",
    lambda: torch.testing.make_tensor((2, 2), dtype=torch.float32, device="cpu", low=0, high=1).shape,
)
a = torch.ones(2, requires_grad=True)
show(
    "post acc hook",
    lambda: (
        a.register_post_accumulate_grad_hook(lambda p: print("post acc", p.grad)),
        (a * 3).sum().backward(),
    )[1],
)


def pack(t):
    print("pack", tuple(t.shape))
    return t


def unpack(t):
    print("unpack", tuple(t.shape))
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = (a * a).sum()
y.backward()
with torch.autograd.graph.save_on_cpu():
    y = a.exp().sum()
y.backward()
show("a.grad", lambda: a.grad)

show("ckpt", lambda: checkpoint(lambda t: t.sin() * 2, a, use_reentrant=False).sum())
show("ckpt warn", lambda: checkpoint(lambda t: t.sin() * 2, a).sum())
show(
    "ckpt seq",
    lambda: (
        checkpoint_sequential(
            nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1)),
            2,
            torch.ones(3, 2, requires_grad=True),
            use_reentrant=False,
        ).shape
    ),
)
show("apply_", lambda: torch.tensor([1.0, 2.0]).apply_(lambda v: v * 10))
show("map_", lambda: torch.tensor([1.0, 2.0]).map_(torch.tensor([3.0, 4.0]), lambda u, v: u + v))
show("anomaly", lambda: torch.is_anomaly_enabled())
show(
    "detect_anomaly",
    lambda: (
        lambda: [
            torch.autograd.set_detect_anomaly(True),
            torch.is_anomaly_enabled(),
            torch.autograd.set_detect_anomaly(False),
        ]
    )()[1],
)
show(
    "grad_fn next",
    lambda: [(f[0].name() if f[0] else None, f[1]) for f in ((a * 2).sum() * 3).grad_fn.next_functions],
)
show("grad_fn saved", lambda: ((a * torch.ones(2)).grad_fn._saved_other, (a.pow(3)).grad_fn._saved_exponent))
show("grad_fn metadata", lambda: type((a * 2).grad_fn.metadata).__name__)
show("Node", lambda: isinstance((a * 2).grad_fn, torch.autograd.graph.Node))
show(
    "register_hook on grad_fn",
    lambda: (
        lambda y: (
            y.grad_fn.register_hook(lambda gi, go: print("node hook", len(gi), len(go))),
            y.sum().backward(),
        )
    )(a * 2)[1],
)
show(
    "register_prehook on grad_fn",
    lambda: (
        lambda y: (y.grad_fn.register_prehook(lambda go: print("node prehook", go[0])), y.sum().backward())
    )(a * 2)[1],
)
