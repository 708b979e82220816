"""Semi-supervised FixMatch with an EMA teacher, as the FixMatch / Mean-Teacher PyTorch ports write it:
a few labelled and many unlabelled points, weak (jitter) and strong (jitter + noise + feature dropout)
augmentations, pseudo-labels from the weak view's confident predictions (threshold 0.95) with the mask
rate logged, the unlabelled loss weighted by lambda_u, an EMA model updated with torch._foreach_mul_ /
_foreach_add_ over parameter lists and buffers copied, AveragedModel with get_ema_multi_avg_fn for
comparison, and the accuracies of the student and both teachers."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)


def spirals(n, noise=0.15):
    t = torch.rand(n, generator=gen) * 3 + 0.5
    y = torch.randint(0, 2, (n,), generator=gen)
    sign = y.float() * 2 - 1
    x = torch.stack([t * torch.cos(t * 2) * sign, t * torch.sin(t * 2) * sign], 1)
    return x + noise * torch.randn(n, 2, generator=gen), y


x_lab, y_lab = spirals(16)
x_unl, y_unl = spirals(400)
x_test, y_test = spirals(300)
print("labelled", tuple(x_lab.shape), "classes", torch.bincount(y_lab).tolist(), "unlabelled", x_unl.shape[0])


def weak(x):
    return x + 0.05 * torch.randn(x.shape, generator=gen)


def strong(x):
    x = x + 0.25 * torch.randn(x.shape, generator=gen)
    keep = (torch.rand(x.shape, generator=gen) > 0.2).float()
    return x * keep / 0.8


model = nn.Sequential(nn.Linear(2, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
ema_model = copy.deepcopy(model)
for p in ema_model.parameters():
    p.requires_grad_(False)
swa_ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.99))
opt = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9, nesterov=True, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + torch.cos(torch.tensor(s / 200 * torch.pi))).item())


@torch.no_grad()
def ema_update(ema, student, decay):
    ema_params = [p for p in ema.parameters()]
    params = [p.detach() for p in student.parameters()]
    torch._foreach_mul_(ema_params, decay)
    torch._foreach_add_(ema_params, params, alpha=1 - decay)
    for b_ema, b in zip(ema.buffers(), student.buffers()):
        b_ema.copy_(b)


def accuracy(net):
    net.eval()
    with torch.no_grad():
        acc = (net(x_test).argmax(1) == y_test).float().mean().item()
    net.train()
    return acc


lambda_u, threshold, mu = 1.0, 0.95, 4
for step in range(200):
    li = torch.randint(0, 16, (16,), generator=gen)
    ui = torch.randint(0, 400, (16 * mu,), generator=gen)
    xb = torch.cat([weak(x_lab[li]), weak(x_unl[ui]), strong(x_unl[ui])])
    logits = model(xb)
    logits_x = logits[:16]
    logits_u_w, logits_u_s = logits[16:].chunk(2)
    loss_x = F.cross_entropy(logits_x, y_lab[li])
    pseudo = torch.softmax(logits_u_w.detach(), dim=-1)
    max_probs, targets_u = torch.max(pseudo, dim=-1)
    mask = max_probs.ge(threshold).float()
    loss_u = (F.cross_entropy(logits_u_s, targets_u, reduction="none") * mask).mean()
    loss = loss_x + lambda_u * loss_u
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    ema_update(ema_model, model, 0.99)
    swa_ema.update_parameters(model)
    if step % 50 == 49:
        pseudo_acc = ((targets_u == y_unl[ui]).float() * mask).sum() / mask.sum().clamp_min(1)
        print(f"step {step + 1} | loss_x {loss_x.item():.5f} | loss_u {loss_u.item():.5f} | mask {mask.mean().item():.4f} "
              f"| pseudo acc {pseudo_acc.item():.4f} | lr {sched.get_last_lr()[0]:.5f}")

print(f"student acc {accuracy(model):.4f} | ema acc {accuracy(ema_model):.4f}")
same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(ema_model.parameters(), swa_ema.module.parameters()))
print("foreach ema equals AveragedModel ema", same, "n_averaged", swa_ema.n_averaged.item())
diff = max((a - b).abs().max().item() for a, b in zip(ema_model.parameters(), model.parameters()))
print(f"max |ema - student| {diff:.5f}")
