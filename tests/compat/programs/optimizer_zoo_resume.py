"""Eleven optimizers with their less common flags (NAdam and RAdam with decoupled weight decay, ASGD's t0,
Rprop, Adadelta, Adagrad's lr_decay and initial accumulator, centered RMSprop with momentum, AMSGrad AdamW
maximizing, Nesterov SGD, Adafactor), each trained three steps, saved with torch.save to a buffer, reloaded
into a fresh model and optimizer, and stepped on in lockstep with the original; then param_group keys,
defaults, argument errors, lr as a tensor, zero_grad(set_to_none=False), a closure step and strong-Wolfe
LBFGS."""

import torch
import io
import torch.nn as nn
import torch.nn.functional as F
from _show import show


torch.manual_seed(0)


def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))


x = torch.randn(8, 3)
yv = torch.randn(8, 1)
for name, ctor in [
    ("NAdam", lambda p: torch.optim.NAdam(p, lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("RAdam", lambda p: torch.optim.RAdam(p, lr=0.01, decoupled_weight_decay=True)),
    ("Adamax", lambda p: torch.optim.Adamax(p, lr=0.01)),
    ("ASGD", lambda p: torch.optim.ASGD(p, lr=0.01, t0=2)),
    ("Rprop", lambda p: torch.optim.Rprop(p, lr=0.01)),
    ("Adadelta", lambda p: torch.optim.Adadelta(p)),
    ("Adagrad", lambda p: torch.optim.Adagrad(p, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("RMSprop", lambda p: torch.optim.RMSprop(p, centered=True, momentum=0.5)),
    ("AdamW ams", lambda p: torch.optim.AdamW(p, amsgrad=True, maximize=True)),
    ("SGD nest", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("Adafactor", lambda p: torch.optim.Adafactor(p, lr=0.01)),
]:
    m = model()
    try:
        o = ctor(m.parameters())
    except Exception as e:
        print(name, "EXC", e)
        continue
    losses = []
    for i in range(3):
        o.zero_grad()
        l = F.mse_loss(m(x), yv)
        l.backward()
        o.step()
        losses.append(round(l.item(), 6))
    sd = o.state_dict()
    st = sd["state"][0]
    print(
        name,
        losses,
        sorted(st.keys()),
        {
            k: (v.dtype, tuple(v.shape)) if torch.is_tensor(v) else v
            for k, v in st.items()
            if k == "step" or k == "eta" or k == "mu"
        },
    )
    buf = io.BytesIO()
    torch.save({"m": m.state_dict(), "o": sd}, buf)
    buf.seek(0)
    ck = torch.load(buf)
    m2 = model()
    m2.load_state_dict(ck["m"])
    o2 = ctor(m2.parameters())
    o2.load_state_dict(ck["o"])
    for i in range(2):
        o.zero_grad()
        F.mse_loss(m(x), yv).backward()
        o.step()
        o2.zero_grad()
        F.mse_loss(m2(x), yv).backward()
        o2.step()
    print(name, "resume same", all(torch.equal(a, b) for a, b in zip(m.parameters(), m2.parameters())))
    print(o)
o = torch.optim.Adam(model().parameters(), lr=0.1)
show("pg keys", lambda: sorted(o.param_groups[0].keys()))
show("defaults", lambda: sorted(o.defaults.items()))
show("sd pg", lambda: o.state_dict()["param_groups"])
show("bad lr", lambda: torch.optim.Adam(model().parameters(), lr=-1))
show("bad beta", lambda: torch.optim.Adam(model().parameters(), betas=(1.0, 0.9)))
show("empty", lambda: torch.optim.SGD([], lr=0.1))
show("lr tensor", lambda: torch.optim.Adam(model().parameters(), lr=torch.tensor(0.01)).param_groups[0]["lr"])
show(
    "load mismatch",
    lambda: torch.optim.Adam(model().parameters()).load_state_dict(
        torch.optim.Adam([nn.Parameter(torch.ones(1))]).state_dict()
    ),
)
show(
    "zero_grad none",
    lambda: (lambda m: (torch.optim.SGD(m.parameters(), lr=0.1).zero_grad(), m[0].weight.grad))(model()),
)
show(
    "zero_grad false",
    lambda: (
        lambda m: (
            F.mse_loss(m(x), yv).backward(),
            torch.optim.SGD(m.parameters(), lr=0.1).zero_grad(set_to_none=False),
            m[0].bias.grad,
        )
    )(model())[2],
)
show(
    "step closure",
    lambda: torch.optim.SGD((m := model()).parameters(), lr=0.1).step(lambda: F.mse_loss(m(x), yv)),
)
show(
    "lbfgs",
    lambda: (
        lambda m: (
            lambda o: [
                round(
                    o.step(lambda: (o.zero_grad(), (l := F.mse_loss(m(x), yv)), l.backward(), l)[1]).item(), 6
                )
                for _ in range(3)
            ]
        )(
            torch.optim.LBFGS(
                m.parameters(), lr=0.5, max_iter=5, history_size=3, line_search_fn="strong_wolfe"
            )
        )
    )(model()),
)
