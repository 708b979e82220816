"""An ensemble saved as one checkpoint: a config dict (input shape as torch.Size, dtype, device, sizes),
a list of member state_dicts and their validation scores; reloaded from disk, members rebuilt from the
config, evaluated one by one and as a probability average under torch.inference_mode, with per-class
accuracy from bincount and a member-disagreement count, then a greedy soup of the state_dicts."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)

X = torch.randn(150, 4)
y = torch.bucketize(X[:, 0] + 0.5 * X[:, 1], torch.tensor([-0.6, 0.6]))
Xv = torch.randn(60, 4)
yv = torch.bucketize(Xv[:, 0] + 0.5 * Xv[:, 1], torch.tensor([-0.6, 0.6]))
config = {"input_shape": X.shape[1:], "dtype": torch.float32, "device": torch.device("cpu"), "hidden": 12,
          "classes": 3}


def build(cfg):
    return nn.Sequential(nn.Linear(cfg["input_shape"][0], cfg["hidden"]), nn.Tanh(),
                         nn.Linear(cfg["hidden"], cfg["classes"])).to(device=cfg["device"], dtype=cfg["dtype"])


members, scores = [], []
for seed in range(4):
    torch.manual_seed(100 + seed)
    m = build(config)
    opt = torch.optim.SGD(m.parameters(), lr=0.3)
    for _ in range(25):
        loss = F.cross_entropy(m(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        scores.append((m(Xv).argmax(1) == yv).float().mean().item())
    members.append(m.state_dict())
    print(f"member {seed} train loss {loss.item():.5f} val acc {scores[-1]:.4f}")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ensemble.pt")
    torch.save({"config": config, "members": members, "scores": torch.tensor(scores)}, path)
    ckpt = torch.load(path, weights_only=True)
cfg = ckpt["config"]
print("config", cfg)
print("types", type(cfg["input_shape"]).__name__, cfg["dtype"] == torch.float32, cfg["device"].type)
print("scores", ckpt["scores"], "members", len(ckpt["members"]), type(ckpt["members"][0]).__name__)

models = []
for sd in ckpt["members"]:
    m = build(cfg)
    m.load_state_dict(sd)
    models.append(m.eval())

with torch.inference_mode():
    probs = torch.stack([F.softmax(m(Xv), dim=1) for m in models])
    print("probs shape", probs.shape, "inference", probs.is_inference())
mean_p = probs.mean(0)
pred = mean_p.argmax(1)
votes = probs.argmax(2)
disagree = (votes != votes[0]).any(0)
print("ensemble acc", round((pred == yv).float().mean().item(), 5), "disagreements", int(disagree.sum()))
correct = torch.bincount(yv[pred == yv], minlength=3)
total = torch.bincount(yv, minlength=3)
for c in range(3):
    print(f"class {c}: {correct[c].item()}/{total[c].item()} = {correct[c].item() / total[c].item():.4f}")
nll = F.nll_loss(mean_p.log(), yv)
print(f"ensemble nll {nll.item():.5f} entropy {(-(mean_p * mean_p.log()).sum(1)).mean().item():.5f}")
vote_counts = F.one_hot(votes, 3).sum(0)
print("majority equals mean-prob argmax", int((vote_counts.argmax(1) == pred).sum()), "of", len(pred))

order = torch.argsort(ckpt["scores"], descending=True, stable=True).tolist()
print("order", order)
soup = [ckpt["members"][order[0]]]
best = ckpt["scores"][order[0]].item()
for i in order[1:]:
    cand = soup + [ckpt["members"][i]]
    avg = {k: torch.stack([s[k] for s in cand]).mean(0) for k in cand[0]}
    m = build(cfg)
    m.load_state_dict(avg)
    with torch.no_grad():
        acc = (m(Xv).argmax(1) == yv).float().mean().item()
    print(f"try member {i}: soup acc {acc:.4f} (best {best:.4f})", "kept" if acc >= best else "dropped")
    if acc >= best:
        soup, best = cand, acc
print("soup size", len(soup), "final", round(best, 4))
