"""A multi-task tabular model (shared trunk, a classification head and a regression head)
trained with a weighted sum of losses, torch.amp.autocast('cpu', enabled=False/True-with-float32
checks) and torch.amp.GradScaler(enabled=False), learnable uncertainty weighting (Kendall et al.),
per-head gradient norms, a model summary (parameter counts, requires_grad freezing of a head),
and evaluation with accuracy, confusion matrix and R^2."""

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(3)

N, D = 256, 10
X = torch.randn(N, D)
cls = ((X[:, 0] + X[:, 1] * X[:, 2]) > 0).long() + (X[:, 3] > 1).long()
reg = (2 * X[:, 4] - X[:, 5] + 0.1 * torch.randn(N)).unsqueeze(1)
print(torch.bincount(cls), reg.mean().item() > -1)


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(D, 32), nn.LayerNorm(32), nn.GELU(), nn.Dropout(0.0), nn.Linear(32, 32), nn.SiLU())
        self.cls_head = nn.Linear(32, 3)
        self.reg_head = nn.Sequential(nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 1))
        self.log_vars = nn.Parameter(torch.zeros(2))

    def forward(self, x):
        h = self.trunk(x)
        return self.cls_head(h), self.reg_head(h)


model = MultiTask()
for name, child in model.named_children():
    print(f"{name:10s} {sum(p.numel() for p in child.parameters()):6d}")
print("total", sum(p.numel() for p in model.parameters()), "buffers", len(list(model.buffers())))
print([n for n, _ in model.named_parameters()][-3:])

opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
scaler = torch.amp.GradScaler("cpu", enabled=False)
print("scaler", scaler.is_enabled(), scaler.get_scale())
ds = torch.utils.data.TensorDataset(X, cls, reg)
loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True, drop_last=True)
alpha = 0.5
for epoch in range(5):
    model.train()
    sums = torch.zeros(3)
    for xb, cb, rb in loader:
        with torch.amp.autocast("cpu", enabled=False):
            lc, lr_ = model(xb)
            loss_c = F.cross_entropy(lc, cb, label_smoothing=0.05)
            loss_r = F.smooth_l1_loss(lr_, rb, beta=0.5)
        prec = torch.exp(-model.log_vars)
        loss = prec[0] * loss_c + model.log_vars[0] + alpha * (prec[1] * loss_r + model.log_vars[1])
        gc = torch.autograd.grad(loss_c, model.cls_head.weight, retain_graph=True)[0].norm()
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        sums += torch.stack([loss.detach(), loss_c.detach(), loss_r.detach()])
    print(f"epoch {epoch} " + " ".join(f"{v:.4f}" for v in (sums / len(loader)).tolist()), f"gc {gc:.4f}", model.log_vars.data)

with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False):
    print("autocast off", model(X[:2])[0].dtype, torch.is_autocast_enabled("cpu"))
print(torch.get_autocast_dtype("cpu"), scaler.state_dict())

# freeze the classifier, fine-tune only the regression head
for p in model.cls_head.parameters():
    p.requires_grad_(False)
print("trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
opt2 = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.05, momentum=0.9)
for step in range(10):
    out_r = model(X)[1]
    l = F.mse_loss(out_r, reg)
    opt2.zero_grad()
    l.backward()
    opt2.step()
print("reg finetune", round(l.item(), 5), model.cls_head.weight.grad)

model.eval()
with torch.no_grad():
    lc, lr_ = model(X)
    pred = lc.argmax(dim=1)
    acc = (pred == cls).float().mean()
    cm = torch.zeros(3, 3, dtype=torch.long)
    cm.index_put_((cls, pred), torch.ones_like(cls), accumulate=True)
    cm2 = torch.bincount(cls * 3 + pred, minlength=9).reshape(3, 3)
    r2 = 1 - ((lr_ - reg) ** 2).sum() / ((reg - reg.mean()) ** 2).sum()
    print(f"acc {acc:.4f} r2 {r2:.4f}")
    print(cm, torch.equal(cm, cm2))
    prec_ = cm.diag() / cm.sum(0).clamp(min=1)
    rec = cm.diag() / cm.sum(1)
    print("precision", prec_, "recall", rec, "f1", 2 * prec_ * rec / (prec_ + rec + 1e-12))
    probs = F.softmax(lc, dim=-1)
    print("probs", probs[:3], probs.max(1).values.mean())
