"""Semi-supervised learning on the bundled digits with 100 labels, as the MixMatch-pytorch and
mean-teacher repositories write it: K augmentations of unlabeled batches (conv layers before batch norm without bias; gaussian noise and random
pixel shifts by torch.roll with per-sample shifts), label guessing by averaging softmaxes and
sharpening (p ** (1 / T), normalized), MixUp with lam from torch.distributions.Beta(alpha, alpha) and
lam = max(lam, 1 - lam), torch.randperm mixing over the concatenated labeled/unlabeled batch,
interleave() of labeled and unlabeled chunks for batch-norm statistics, the SemiLoss (soft-target
cross-entropy by -(log_softmax * targets).sum(1).mean() and the unlabeled MSE), linear_rampup;
a mean teacher kept by torch.optim.swa_utils.AveragedModel(multi_avg_fn=get_ema_multi_avg_fn(0.95),
use_buffers=True), a sigmoid consistency ramp-up exp(-5 (1 - t)^2), and the EMA model's accuracy."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
X = torch.tensor(X / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
y = torch.tensor(y)
perm = torch.randperm(len(X))
X, y = X[perm], y[perm]
labeled_idx = torch.cat([torch.nonzero(y[:1400] == c).flatten()[:10] for c in range(10)])
Xl, yl = X[labeled_idx], y[labeled_idx]
Xu = X[:1400]
Xte, yte = X[1400:], y[1400:]
print("labeled", tuple(Xl.shape), "per class", torch.bincount(yl).tolist(), "unlabeled", len(Xu))


def augment(x, g):
    shifts = torch.randint(-1, 2, (x.shape[0], 2), generator=g)
    out = torch.stack([torch.roll(xi, shifts=(int(s[0]), int(s[1])), dims=(1, 2)) for xi, s in zip(x, shifts)])
    return out + 0.05 * torch.randn(x.shape, generator=g)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.LeakyReLU(0.1),
                                  nn.Conv2d(16, 32, 3, padding=1, stride=2, bias=False),
                                  nn.BatchNorm2d(32), nn.LeakyReLU(0.1))
        self.fc = nn.Linear(32 * 16, 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def sharpen(p, T):
    pt = p ** (1 / T)
    return pt / pt.sum(dim=1, keepdim=True)


def interleave_offsets(batch, nu):
    groups = [batch // (nu + 1)] * (nu + 1)
    for x in range(batch - sum(groups)):
        groups[-x - 1] += 1
    offsets = [0]
    for g in groups:
        offsets.append(offsets[-1] + g)
    assert offsets[-1] == batch
    return offsets


def interleave(xy, batch):
    nu = len(xy) - 1
    offsets = interleave_offsets(batch, nu)
    xy = [[v[offsets[p]:offsets[p + 1]] for p in range(nu + 1)] for v in xy]
    for i in range(1, nu + 1):
        xy[0][i], xy[i][i] = xy[i][i], xy[0][i]
    return [torch.cat(v, dim=0) for v in xy]


def linear_rampup(current, rampup_length=16):
    return float(np.clip(current / rampup_length, 0.0, 1.0))


def accuracy(model):
    model.eval()
    with torch.no_grad():
        acc = (model(Xte).argmax(1) == yte).float().mean().item()
    model.train()
    return acc


print("interleave offsets", interleave_offsets(20, 2))
a, b, c = torch.arange(6), torch.arange(6) + 10, torch.arange(6) + 20
print("interleave", [t.tolist() for t in interleave([a, b, c], 6)])
print("sharpen", [round(v, 5) for v in sharpen(torch.tensor([[0.5, 0.3, 0.2]]), 0.5)[0].tolist()])

torch.manual_seed(1)
model = Net()
ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.95), use_buffers=True)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
beta = torch.distributions.Beta(torch.tensor(0.75), torch.tensor(0.75))
g = torch.Generator().manual_seed(2)
B, T, K, lambda_u = 20, 0.5, 2, 50.0
for step in range(60):
    li = torch.randint(0, len(Xl), (B,), generator=g)
    ui = torch.randint(0, len(Xu), (B,), generator=g)
    inputs_x, targets_x = augment(Xl[li], g), F.one_hot(yl[li], 10).float()
    inputs_u = [augment(Xu[ui], g) for _ in range(K)]
    with torch.no_grad():
        p = sum(torch.softmax(model(u), dim=1) for u in inputs_u) / K
        targets_u = sharpen(p, T).detach()
    all_inputs = torch.cat([inputs_x] + inputs_u, dim=0)
    all_targets = torch.cat([targets_x] + [targets_u] * K, dim=0)
    lam = beta.sample().item()
    lam = max(lam, 1 - lam)
    idx = torch.randperm(all_inputs.size(0))
    mixed_input = lam * all_inputs + (1 - lam) * all_inputs[idx]
    mixed_target = lam * all_targets + (1 - lam) * all_targets[idx]
    mixed_input = list(torch.split(mixed_input, B))
    mixed_input = interleave(mixed_input, B)
    logits = [model(mixed_input[0])]
    for inp in mixed_input[1:]:
        logits.append(model(inp))
    logits = interleave(logits, B)
    logits_x, logits_u = logits[0], torch.cat(logits[1:], dim=0)
    Lx = -torch.mean(torch.sum(F.log_softmax(logits_x, dim=1) * mixed_target[:B], dim=1))
    probs_u = torch.softmax(logits_u, dim=1)
    Lu = torch.mean((probs_u - mixed_target[B:]) ** 2)
    w = lambda_u * linear_rampup(step / 10)
    consistency = float(np.exp(-5.0 * (1.0 - min(step / 40, 1.0)) ** 2))
    with torch.no_grad():
        teacher = torch.softmax(ema(inputs_u[0]), 1)
    Lc = F.mse_loss(torch.softmax(model(inputs_u[1]), 1), teacher)
    loss = Lx + w * Lu + consistency * Lc
    opt.zero_grad()
    loss.backward()
    opt.step()
    ema.update_parameters(model)
    if step % 15 == 0 or step == 59:
        print(f"step {step:2d} lam {lam:.4f} Lx {Lx.item():.5f} Lu {Lu.item():.6f} Lc {Lc.item():.6f} "
              f"w {w:.3f} ramp {consistency:.5f}")

print(f"student acc {accuracy(model):.4f} teacher acc {accuracy(ema):.4f}")
print("n_averaged", int(ema.n_averaged), "ema bn running_mean[:3]",
      [round(v, 5) for v in ema.module.conv[1].running_mean[:3].tolist()])
print("student bn running_mean[:3]", [round(v, 5) for v in model.conv[1].running_mean[:3].tolist()])
print("ema keys", list(ema.state_dict())[:3], len(ema.state_dict()))
