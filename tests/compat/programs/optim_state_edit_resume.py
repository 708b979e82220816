"""Saving a nested training checkpoint (model, optimizer, scheduler, history lists, a tuple of RNG-free
metadata, views of one tensor, which load back sharing it) with torch.save into a BytesIO and a temp file, loading it back with
map_location, editing the optimizer's saved state (a new lr in every param group, a reset Adam moment),
and resuming: the resumed run matches an unbroken one when nothing was edited."""

import io
import os
import tempfile

import torch
import torch.nn as nn

torch.manual_seed(1)
torch.set_num_threads(1)

X = torch.randn(64, 5)
w_true = torch.tensor([[1.0], [-2.0], [0.5], [0.0], [3.0]])
Y = X @ w_true + 0.1 * torch.randn(64, 1)


def make():
    torch.manual_seed(2)
    m = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
    o = torch.optim.Adam([{"params": m[0].parameters()}, {"params": m[2].parameters(), "lr": 0.005}],
                         lr=0.01, betas=(0.9, 0.99), weight_decay=1e-4)
    s = torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5)
    return m, o, s


def train(m, o, s, steps):
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(m(X), Y)
        o.zero_grad()
        loss.backward()
        o.step()
        s.step()
        losses.append(round(loss.item(), 6))
    return losses


model, opt, sched = make()
hist = train(model, opt, sched, 8)
print("first 8 losses", hist)
base = torch.arange(6.0)
ckpt = {
    "model": model.state_dict(),
    "optim": opt.state_dict(),
    "sched": sched.state_dict(),
    "meta": {"epoch": 8, "history": hist, "shape": (5, 8, 1), "note": None},
    "arange": {"base": base, "tail": base[3:].clone()},
    "views": {"base": base, "tail": base[3:], "grid": base.view(2, 3).t()},
}
buf = io.BytesIO()
torch.save(ckpt, buf)
print("bytes written > 0", buf.tell() > 0)
buf.seek(0)
loaded = torch.load(buf, map_location="cpu", weights_only=False)
print("top keys", list(loaded))
print("meta", loaded["meta"])
print("arange", loaded["arange"]["base"].tolist(), loaded["arange"]["tail"].dtype)
views = loaded["views"]
print("views share", views["tail"].data_ptr() == views["base"].data_ptr() + 3 * 4, views["grid"].stride())
views["base"][4] = 40.0
print("after edit", views["tail"].tolist(), views["grid"].tolist(), "clone kept", loaded["arange"]["tail"].tolist())
osd = loaded["optim"]
print("state keys", sorted(osd["state"]), "per-param", sorted(osd["state"][0]))
print("step", osd["state"][0]["step"], osd["state"][0]["step"].dtype)
print("group keys", sorted(osd["param_groups"][0]))
print("group params", [g["params"] for g in osd["param_groups"]], "lrs", [g["lr"] for g in osd["param_groups"]])
print("initial_lr", [g["initial_lr"] for g in osd["param_groups"]])
print("sched", {k: v for k, v in loaded["sched"].items() if k != "_get_lr_called_within_step"})
print("exp_avg_sq norm", round(osd["state"][3]["exp_avg_sq"].norm().item(), 8))

# resume unedited: identical to an unbroken run
unbroken_m, unbroken_o, unbroken_s = make()
unbroken = train(unbroken_m, unbroken_o, unbroken_s, 14)
m2, o2, s2 = make()
m2.load_state_dict(loaded["model"])
o2.load_state_dict(loaded["optim"])
s2.load_state_dict(loaded["sched"])
resumed = train(m2, o2, s2, 6)
print("unbroken tail", unbroken[8:])
print("resumed      ", resumed)
print("identical", resumed == unbroken[8:])
print("lr now", [g["lr"] for g in o2.param_groups], "last_lr", s2.get_last_lr())

# edit the saved state: new lr everywhere, reset the first moment of the head's weight
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ckpt.pt")
    torch.save(ckpt, path)
    edited = torch.load(path, weights_only=False)
for g in edited["optim"]["param_groups"]:
    g["lr"] = g["lr"] * 0.1
edited["optim"]["state"][2]["exp_avg"].zero_()
m3, o3, s3 = make()
m3.load_state_dict(edited["model"])
o3.load_state_dict(edited["optim"])
print("edited lrs", [g["lr"] for g in o3.param_groups])
print("state shares the loaded tensor", o3.state[m3[2].weight]["exp_avg"].abs().sum().item(),
      o3.state[m3[2].weight]["exp_avg"].data_ptr() == edited["optim"]["state"][2]["exp_avg"].data_ptr())
print("edited run", train(m3, o3, torch.optim.lr_scheduler.LambdaLR(o3, lambda e: 1.0), 4))
print("step after", o3.state_dict()["state"][0]["step"].item())

# a fresh optimizer whose lr is changed before the state is loaded: the saved lr wins
m4, o4, s4 = make()
for g in o4.param_groups:
    g["lr"] = 1.0
o4.load_state_dict(loaded["optim"])
print("after load lrs", [g["lr"] for g in o4.param_groups])
try:
    bad = dict(loaded["optim"])
    bad["param_groups"] = bad["param_groups"][:1]
    o4.load_state_dict(bad)
except ValueError as e:
    print("ValueError", "different number of parameter groups" in str(e))
