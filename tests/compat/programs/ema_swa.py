"""Weight averaging the ways training scripts do it, on the bundled digits: a manual EMA with
torch._foreach_mul_/_foreach_add_ and with lerp_, swa_utils.AveragedModel with
get_ema_multi_avg_fn (use_buffers=True) and with a custom avg_fn, SWA (AveragedModel + SWALR
after a CosineAnnealingLR phase, then update_bn over a DataLoader to refresh BatchNorm
statistics), and the evaluation of each averaged model. Weights and batch order are fixed."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)

pixels, labels = digits()
X = torch.from_numpy(pixels).float() / 16.0
y = torch.from_numpy(labels)
train_ds = TensorDataset(X[:1200], y[:1200])
X_test, y_test = X[1200:], y[1200:]
loader = DataLoader(train_ds, batch_size=64)


def make_model():
    model = nn.Sequential(nn.Linear(64, 48), nn.BatchNorm1d(48), nn.ReLU(), nn.Linear(48, 10))
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            if p.dim() > 1:
                p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * (0.77 + 0.1 * i)).view_as(p)
                        * math.sqrt(3.0 / p.shape[1]))
            elif name.endswith("bias"):
                p.zero_()
    return model


def evaluate(model):
    model.eval()
    with torch.no_grad():
        out = model(X_test)
        return F.cross_entropy(out, y_test).item(), (out.argmax(1) == y_test).float().mean().item()


# 1. manual EMA, two spellings
model = make_model()
ema_foreach = copy.deepcopy(model)
ema_lerp = copy.deepcopy(model)
for p in list(ema_foreach.parameters()) + list(ema_lerp.parameters()):
    p.requires_grad_(False)
ema_avg = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.95), use_buffers=True)
decay = 0.95
custom = AveragedModel(model, avg_fn=lambda avg, new, num: decay * avg + (1 - decay) * new)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
for epoch in range(3):
    model.train()
    for xb, yb in loader:
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
        with torch.no_grad():
            ema_params = list(ema_foreach.parameters())
            torch._foreach_mul_(ema_params, decay)
            torch._foreach_add_(ema_params, list(model.parameters()), alpha=1 - decay)
            for e, p in zip(ema_lerp.parameters(), model.parameters()):
                e.lerp_(p, 1 - decay)
            for eb, b in zip(ema_foreach.buffers(), model.buffers()):
                eb.copy_(b)
            for eb, b in zip(ema_lerp.buffers(), model.buffers()):
                eb.copy_(b)
        ema_avg.update_parameters(model)
        custom.update_parameters(model)
    print(f"epoch {epoch} | model {'%.5f %.4f' % evaluate(model)} | ema {'%.5f %.4f' % evaluate(ema_foreach)}")
same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(ema_foreach.parameters(), ema_lerp.parameters()))
print(f"foreach == lerp {same} | n_averaged {ema_avg.n_averaged.item()} {custom.n_averaged.item()}")
diff = max((a - b).abs().max().item() for a, b in zip(ema_avg.module.parameters(), ema_foreach.parameters()))
print(f"AveragedModel EMA vs manual max diff {diff:.2e} | custom avg_fn vs manual "
      f"{max((a - b).abs().max().item() for a, b in zip(custom.module.parameters(), ema_foreach.parameters())):.2e}")
print(f"AveragedModel ema eval {'%.5f %.4f' % evaluate(ema_avg)} | buffers averaged "
      f"{ema_avg.module[1].running_mean[:2].tolist()[0]:.5f} vs model {model[1].running_mean[:2].tolist()[0]:.5f}")

# 2. SWA: cosine phase, then a constant SWA learning rate with averaging each epoch, then update_bn
model = make_model()
swa_model = AveragedModel(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6)
swa_start = 3
swa_scheduler = SWALR(optimizer, swa_lr=0.02, anneal_epochs=2, anneal_strategy="cos")
for epoch in range(7):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    if epoch >= swa_start:
        swa_model.update_parameters(model)
        swa_scheduler.step()
    else:
        scheduler.step()
    print(f"swa epoch {epoch} | lr {optimizer.param_groups[0]['lr']:.6f} | model {'%.5f %.4f' % evaluate(model)}")
stale = swa_model.module[1].running_var[:3].clone()
update_bn(loader, swa_model)
print(f"n_averaged {swa_model.n_averaged.item()} | bn var refreshed {not torch.allclose(stale, swa_model.module[1].running_var[:3])}"
      f" | momentum restored {swa_model.module[1].momentum}")
print(f"swa model {'%.5f %.4f' % evaluate(swa_model)} | last model {'%.5f %.4f' % evaluate(model)}")
mean_check = sum(p.sum().item() for p in swa_model.parameters())
print(f"swa param sum {mean_check:.4f} | state keys {list(swa_model.state_dict())[:3]}")
