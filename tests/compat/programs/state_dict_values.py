"""State-dict values are tensors: weight statistics per layer, a "best weights"
snapshot, an exponential moving average written through the state dict, and a
pruning mask computed from sorted magnitudes. Each calls tensor methods on the
values (abs, norm, std, sort, t, masked_fill, ...) whose numpy namesakes mean
something else (numpy's sort() sorts in place, its std() is the biased one)."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
ema = copy.deepcopy(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
x = torch.randn(64, 8)
y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()

sd = model.state_dict()
for k, v in sd.items():
    if v.is_floating_point():
        print(f"{k:22s} {str(tuple(v.shape)):8s} abs-max {v.abs().max():.4f} norm {v.norm():.4f} "
              f"std {v.std() if v.numel() > 1 else 0:.4f}")
    else:
        print(f"{k:22s} {v.dtype} {v.item()}")
print(isinstance(sd["0.weight"], torch.Tensor), torch.is_tensor(sd["1.running_var"]), sd["0.weight"].requires_grad)

best, best_loss = None, float("inf")
for epoch in range(6):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    with torch.no_grad():
        esd = ema.state_dict()
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                esd[k].mul_(0.9).add_(v, alpha=0.1)
            else:
                esd[k].copy_(v)
    if loss.item() < best_loss:
        best_loss, best = loss.item(), {k: v.clone() for k, v in model.state_dict().items()}
    print(f"epoch {epoch} loss {loss.item():.4f}")

w = model.state_dict()["0.weight"]
vals, idx = w.abs().flatten().sort()
cut = vals[len(vals) // 2]
print("median |w|", f"{cut:.4f}", "first indices", idx[:5].tolist())
mask = w.abs() >= cut
print("kept", int(mask.sum()), "of", w.numel())
pruned = w.masked_fill(~mask, 0.0)
print("pruned row sums", pruned.sum(1)[:4])
print("w.t() shape", tuple(w.t().shape), "transpose", tuple(w.transpose(0, 1).shape), "view", tuple(w.view(-1).shape))
print("unchanged by sorting:", torch.equal(model[0].weight.detach(), w))

model.load_state_dict(best)
ema.eval()
print("best loss", f"{best_loss:.4f}", "ema output", ema(x[:2]))
print("ema bn running_mean", ema.state_dict()["1.running_mean"][:4])
