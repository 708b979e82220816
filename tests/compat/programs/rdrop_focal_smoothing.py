"""Classification-loss tricks as Kaggle kernels and the papers' code write
them: label smoothing three ways (F.cross_entropy(label_smoothing=...),
smoothed probability targets, the hand-written (1 - eps) * nll + eps *
mean(-log p)), soft targets with label smoothing together, class weights
and ignore_index with smoothing, focal loss (multi-class through gather on
log_softmax, with alpha per class; binary through
binary_cross_entropy_with_logits(reduction="none") and pos_weight),
PolyLoss, R-Drop (two dropout passes and the symmetric F.kl_div with
log_target=True), the confidence penalty, mixup-free "bootstrapping" soft
targets, and an MLP on imbalanced bundled digits trained with each, with
expected calibration error and macro-F1. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

logits = torch.randn(6, 5, requires_grad=True)
target = torch.tensor([0, 3, 4, 1, 3, -100])
probs_target = F.softmax(torch.randn(6, 5), dim=1)
weight = torch.tensor([1.0, 2.0, 0.5, 1.5, 1.0])

ls = F.cross_entropy(logits, target, label_smoothing=0.1, ignore_index=-100)
logp = F.log_softmax(logits, dim=-1)
valid = target != -100
nll = -logp[valid].gather(1, target[valid, None]).squeeze(1)
hand = (0.9 * nll + 0.1 * (-logp[valid].mean(-1))).mean()
onehot = F.one_hot(target[valid], 5).float()
smoothed = onehot * 0.9 + 0.1 / 5
soft = F.cross_entropy(logits[valid], smoothed)
print(f"label smoothing builtin {ls.item():.6f} by hand {hand.item():.6f} smoothed targets {soft.item():.6f}")
print(f"weighted + smoothing {F.cross_entropy(logits, target, weight=weight, label_smoothing=0.2).item():.6f}")
print(f"prob targets + smoothing {F.cross_entropy(logits, probs_target, label_smoothing=0.3).item():.6f}")
print(f"prob targets + weight {F.cross_entropy(logits, probs_target, weight=weight).item():.6f}")
print("per-sample smoothing", [round(v, 5) for v in
                               F.cross_entropy(logits, target, label_smoothing=0.1, reduction="none").tolist()])
print(f"sum smoothing weighted {F.cross_entropy(logits, target, weight=weight, label_smoothing=0.1, reduction='sum').item():.6f}")
crit = nn.CrossEntropyLoss(weight=weight, label_smoothing=0.15, ignore_index=-100)
loss = crit(logits, target)
loss.backward()
print(f"CrossEntropyLoss module {loss.item():.6f} grad row sums", [round(v, 6) for v in logits.grad.sum(1).tolist()])
print("grad[0]", [round(v, 6) for v in logits.grad[0].tolist()])
x3 = torch.randn(2, 5, 3)
t3 = torch.tensor([[0, 1, 4], [2, -100, 3]])
print(f"spatial smoothing {F.cross_entropy(x3, t3, label_smoothing=0.1, weight=weight).item():.6f}")


class FocalLoss(nn.Module):
    def __init__(self, alpha=None, gamma=2.0, reduction="mean"):
        super().__init__()
        self.register_buffer("alpha", alpha if alpha is not None else None)
        self.gamma, self.reduction = gamma, reduction

    def forward(self, logits, target):
        logpt = F.log_softmax(logits, dim=1).gather(1, target.view(-1, 1)).view(-1)
        pt = logpt.exp()
        if self.alpha is not None:
            logpt = logpt * self.alpha.gather(0, target)
        loss = -1 * (1 - pt) ** self.gamma * logpt
        return loss.mean() if self.reduction == "mean" else loss.sum()


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, pos_weight=None):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none", pos_weight=pos_weight)
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (alpha_t * loss).mean()


def poly1_cross_entropy(logits, labels, epsilon=1.0):
    pt = torch.sum(F.one_hot(labels, logits.size(-1)) * F.softmax(logits, dim=-1), dim=-1)
    ce = F.cross_entropy(logits, labels, reduction="none")
    return (ce + epsilon * (1 - pt)).mean()


valid_logits, valid_target = logits.detach()[valid], target[valid]
print(f"focal gamma 0 == ce: {torch.allclose(FocalLoss(gamma=0.0)(valid_logits, valid_target), F.cross_entropy(valid_logits, valid_target))}")
print(f"focal {FocalLoss(alpha=weight)(valid_logits, valid_target).item():.6f} poly1 "
      f"{poly1_cross_entropy(valid_logits, valid_target).item():.6f}")
bl = torch.randn(4, 3)
bt = (torch.rand(4, 3) > 0.5).float()
print(f"sigmoid focal {sigmoid_focal_loss(bl, bt).item():.6f} with pos_weight "
      f"{sigmoid_focal_loss(bl, bt, pos_weight=torch.tensor([1.0, 2.0, 3.0])).item():.6f}")
a, b = torch.randn(4, 5), torch.randn(4, 5)
kl_lt = F.kl_div(F.log_softmax(a, -1), F.log_softmax(b, -1), reduction="batchmean", log_target=True)
kl_p = F.kl_div(F.log_softmax(a, -1), F.softmax(b, -1), reduction="batchmean")
print(f"kl log_target {kl_lt.item():.6f} prob target {kl_p.item():.6f} none-sum "
      f"{F.kl_div(F.log_softmax(a, -1), F.softmax(b, -1), reduction='none').sum().item():.6f}")

# ---------------------------------------------------------------- training on imbalanced digits
pixels, labels = digits()
keep = torch.tensor([i for i, l in enumerate(labels[:1200].tolist()) if l >= 5 or i % 4 == 0])
X = torch.tensor(pixels[:1200], dtype=torch.float32)[keep] / 16.0
y = torch.tensor(labels[:1200])[keep]
X_test, y_test = torch.tensor(pixels[1400:], dtype=torch.float32) / 16.0, torch.tensor(labels[1400:])
counts = torch.bincount(y, minlength=10)
class_weight = counts.sum() / (10 * counts.float())
print("class counts", counts.tolist(), "weights", [round(v, 4) for v in class_weight.tolist()])


def make_model():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 10))


def ece(probs, y, n_bins=10):
    conf, pred = probs.max(1)
    bins = torch.linspace(0, 1, n_bins + 1)
    e = torch.zeros(())
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            e += m.float().mean() * ((pred[m] == y[m]).float().mean() - conf[m].mean()).abs()
    return e.item()


def macro_f1(pred, y):
    f1s = []
    for c in range(10):
        tp = ((pred == c) & (y == c)).sum().float()
        prec = tp / (pred == c).sum().clamp(min=1)
        rec = tp / (y == c).sum().clamp(min=1)
        f1s.append(2 * prec * rec / (prec + rec).clamp(min=1e-12))
    return torch.stack(f1s).mean().item()


def rdrop_loss(model, x, y, alpha=1.0):
    logits1, logits2 = model(x), model(x)
    ce = 0.5 * (F.cross_entropy(logits1, y) + F.cross_entropy(logits2, y))
    lp1, lp2 = F.log_softmax(logits1, -1), F.log_softmax(logits2, -1)
    kl = 0.5 * (F.kl_div(lp1, lp2, reduction="batchmean", log_target=True)
                + F.kl_div(lp2, lp1, reduction="batchmean", log_target=True))
    return ce + alpha * kl


losses = {
    "ce": lambda m, x, t: F.cross_entropy(m(x), t),
    "smooth": lambda m, x, t: F.cross_entropy(m(x), t, label_smoothing=0.1),
    "weighted": lambda m, x, t: F.cross_entropy(m(x), t, weight=class_weight),
    "focal": lambda m, x, t: FocalLoss(gamma=2.0)(m(x), t),
    "poly": lambda m, x, t: poly1_cross_entropy(m(x), t),
    "rdrop": rdrop_loss,
    "confpen": lambda m, x, t: (lambda z: F.cross_entropy(z, t) - 0.1 * (-(F.softmax(z, -1) * F.log_softmax(z, -1)).sum(-1)).mean())(m(x)),
}
for name, fn in losses.items():
    torch.manual_seed(3)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(8):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 64):
            idx = perm[i:i + 64]
            loss = fn(model, X[idx], y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        p = F.softmax(model(X_test), -1)
        pred = p.argmax(1)
        minority = (pred[y_test < 5] == y_test[y_test < 5]).float().mean().item()
        print(f"{name:8s} | last loss {loss.item():.5f} | acc {(pred == y_test).float().mean().item():.4f} "
              f"| minority acc {minority:.4f} | macro-F1 {macro_f1(pred, y_test):.4f} | ECE {ece(p, y_test):.4f}")
