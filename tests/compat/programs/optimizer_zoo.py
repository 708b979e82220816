"""The optimizers a course notebook compares on one small regression: SGD (dampening, nesterov,
weight_decay), Adagrad (lr_decay, initial_accumulator_value), RMSprop (centered, momentum), Adadelta,
Adam (amsgrad, maximize on a negated loss), AdamW, NAdam (momentum_decay, decoupled_weight_decay), RAdam
(decoupled), Adamax, ASGD (t0, its ax buffer) and Rprop (etas, step_sizes); per-parameter-group options,
add_param_group, the state_dict layout and a resume from it, zero_grad(set_to_none=False)."""

import argparse
import copy
import io

import torch
import torch.nn as nn
import torch.optim as optim

parser = argparse.ArgumentParser(description="optimizer zoo")
parser.add_argument("--steps", type=int, default=12)
args = parser.parse_args([])

torch.manual_seed(0)
X = torch.linspace(-1, 1, 32).unsqueeze(1)
y = 2.0 * X ** 3 - X + 0.5


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))


def train(name, make_opt, negate=False):
    model = make_model()
    opt = make_opt(model)
    losses = []
    for _ in range(args.steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), y)
        (-loss if negate else loss).backward()
        opt.step()
        losses.append(loss.item())
    w = sum(p.detach().abs().sum().item() for p in model.parameters())
    print(f"{name:10s} | first {losses[0]:.6f} | last {losses[-1]:.6f} | |w| {w:.6f}")
    return model, opt


zoo = {
    "sgd": lambda m: optim.SGD(m.parameters(), lr=0.1, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "nesterov": lambda m: optim.SGD(m.parameters(), lr=0.1, momentum=0.9, nesterov=True),
    "adagrad": lambda m: optim.Adagrad(m.parameters(), lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1,
                                       weight_decay=1e-4),
    "rmsprop": lambda m: optim.RMSprop(m.parameters(), lr=0.01, alpha=0.9, centered=True, momentum=0.5),
    "adadelta": lambda m: optim.Adadelta(m.parameters(), lr=1.0, rho=0.8, weight_decay=1e-3),
    "adam": lambda m: optim.Adam(m.parameters(), lr=0.05, betas=(0.8, 0.95), amsgrad=True),
    "adamw": lambda m: optim.AdamW(m.parameters(), lr=0.05, weight_decay=0.1),
    "nadam": lambda m: optim.NAdam(m.parameters(), lr=0.05, momentum_decay=0.004),
    "nadamw": lambda m: optim.NAdam(m.parameters(), lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
    "radam": lambda m: optim.RAdam(m.parameters(), lr=0.05),
    "radamw": lambda m: optim.RAdam(m.parameters(), lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
    "adamax": lambda m: optim.Adamax(m.parameters(), lr=0.05, weight_decay=1e-3),
    "asgd": lambda m: optim.ASGD(m.parameters(), lr=0.05, lambd=1e-3, alpha=0.75, t0=5),
    "rprop": lambda m: optim.Rprop(m.parameters(), lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-5, 1.0)),
}
trained = {name: train(name, make) for name, make in zoo.items()}
train("maximize", lambda m: optim.Adam(m.parameters(), lr=0.05, maximize=True), negate=True)

# ASGD keeps the running average of the parameters in its state
asgd_model, asgd = trained["asgd"]
st = asgd.state[asgd_model[0].weight]
print("asgd state keys", sorted(st.keys()), "eta", round(float(st["eta"]), 6), "mu", float(st["mu"]))
print("asgd ax sum", f"{st['ax'].sum().item():.6f}")

# per-parameter-group options, then a new group for a layer unfrozen later
model = make_model()
opt = optim.SGD([{"params": model[0].parameters()}, {"params": model[2].weight, "lr": 0.01}],
                lr=0.1, momentum=0.9)
print("groups", len(opt.param_groups), [g["lr"] for g in opt.param_groups],
      [g["momentum"] for g in opt.param_groups])
opt.add_param_group({"params": [model[2].bias], "lr": 0.001, "momentum": 0.0})
print("after add", [(len(g["params"]), g["lr"], g["momentum"], g["nesterov"]) for g in opt.param_groups])
try:
    opt.add_param_group({"params": [model[2].bias]})
except ValueError as e:
    print("duplicate group:", str(e)[:60])
for _ in range(3):
    opt.zero_grad(set_to_none=False)
    nn.functional.mse_loss(model(X), y).backward()
    opt.step()
print("grouped loss", f"{nn.functional.mse_loss(model(X), y).item():.6f}")
opt.zero_grad(set_to_none=False)
print("grad zeroed not None", model[0].weight.grad is not None, model[0].weight.grad.abs().sum().item())
opt.zero_grad()
print("grad after default zero_grad", model[0].weight.grad)

# the state_dict layout, and resuming Adam from a BytesIO checkpoint
model, opt = trained["adam"]
sd = opt.state_dict()
print("state_dict keys", list(sd.keys()), "param ids", sd["param_groups"][0]["params"])
print("state 0 keys", sorted(sd["state"][0].keys()), "step", sd["state"][0]["step"])
print("group keys", sorted(k for k in sd["param_groups"][0].keys()))
buf = io.BytesIO()
torch.save({"model": model.state_dict(), "opt": sd}, buf)
buf.seek(0)
ck = torch.load(buf)
clone = make_model()
clone.load_state_dict(ck["model"])
opt2 = optim.Adam(clone.parameters(), lr=0.05, betas=(0.8, 0.95), amsgrad=True)
opt2.load_state_dict(ck["opt"])
ref = copy.deepcopy(model)
ref_opt = optim.Adam(ref.parameters(), lr=0.05, betas=(0.8, 0.95), amsgrad=True)
ref_opt.load_state_dict(opt.state_dict())
for m, o in ((clone, opt2), (ref, ref_opt)):
    for _ in range(3):
        o.zero_grad()
        nn.functional.mse_loss(m(X), y).backward()
        o.step()
print("resumed equal", all(torch.equal(a, b) for a, b in zip(clone.parameters(), ref.parameters())))
print("resumed loss", f"{nn.functional.mse_loss(clone(X), y).item():.6f}")
print("lr in loaded group", opt2.param_groups[0]["lr"], opt2.param_groups[0]["betas"])
print(repr(optim.Adagrad(make_model().parameters(), lr=0.1)).splitlines()[0])
print(optim.RMSprop(make_model().parameters()))
