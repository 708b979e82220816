"""A "which loss, which options" comparison table from a Kaggle discussion notebook: every loss in
torch.nn with each reduction ('none' summarized, 'sum', 'mean') and its rarer options - class
weights, ignore_index, label_smoothing (with weights, with probability targets, with K-dim targets),
pos_weight broadcast over classes, multi-margin p=2 with weights, multilabel margin, CTC with
zero_infinity, Poisson with full=True and log_input=False, Gaussian NLL with a homoscedastic
variance, KL with log_target, Huber/SmoothL1 deltas and beta=0, hinge, cosine-embedding,
margin-ranking and triplet (swap, p=1) - then a small classifier trained with label smoothing +
class weights + ignore_index, printing the loss curve."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

logits = torch.randn(6, 4)
target = torch.tensor([0, 3, 1, 1, 2, 3])
w = torch.tensor([1.0, 2.0, 0.5, 1.5])
probs = F.softmax(torch.randn(6, 4), 1)
img_logits = torch.randn(2, 4, 3, 3)
img_target = torch.randint(0, 4, (2, 3, 3))
img_target[0, 0, 0] = -100
img_target[1, 2, 1] = 2


def fmt(t):
    return f"{t.item():.6f}" if t.dim() == 0 else f"shape {tuple(t.shape)} sum {t.sum().item():.6f} max {t.max().item():.6f}"


table = {
    "ce weights+ignore+smooth": lambda r: F.cross_entropy(logits, target, weight=w, ignore_index=1, label_smoothing=0.2, reduction=r),
    "ce prob targets+smooth+w": lambda r: F.cross_entropy(logits, probs, weight=w, label_smoothing=0.3, reduction=r),
    "ce K-dim smooth+w": lambda r: F.cross_entropy(img_logits, img_target, weight=w, label_smoothing=0.1, reduction=r),
    "nll K-dim ignore": lambda r: F.nll_loss(F.log_softmax(img_logits, 1), img_target.clamp(min=0), ignore_index=2, reduction=r),
    "bce weight": lambda r: F.binary_cross_entropy(torch.sigmoid(logits), (probs > 0.25).float(), weight=w, reduction=r),
    "bce logits pos_weight": lambda r: F.binary_cross_entropy_with_logits(logits, (probs > 0.25).float(), pos_weight=w, reduction=r),
    "multi margin p2 w": lambda r: F.multi_margin_loss(logits, target, p=2, margin=0.7, weight=w, reduction=r),
    "multilabel margin": lambda r: F.multilabel_margin_loss(logits, torch.tensor([[0, 2, -1, 0]] * 3 + [[3, -1, 0, 0]] * 3), reduction=r),
    "multilabel soft margin w": lambda r: F.multilabel_soft_margin_loss(logits, (probs > 0.25).float(), weight=w, reduction=r),
    "ctc zero_infinity": lambda r: F.ctc_loss(F.log_softmax(torch.randn(5, 3, 4), 2), torch.tensor([[1, 2, 2], [3, 3, 3], [1, 1, 1]]),
                                              (5, 5, 5), (2, 3, 3), blank=0, reduction=r, zero_infinity=True),
    "poisson full": lambda r: F.poisson_nll_loss(torch.rand(6) + 0.1, torch.tensor([0.0, 1.0, 2.0, 3.0, 5.0, 1.0]), log_input=False, full=True, reduction=r),
    "gaussian homoscedastic": lambda r: F.gaussian_nll_loss(logits, probs, torch.rand(6, 1) + 0.1, full=True, reduction=r),
    "kl log_target": lambda r: F.kl_div(F.log_softmax(logits, 1), F.log_softmax(probs, 1), reduction=r, log_target=True),
    "huber 0.5": lambda r: F.huber_loss(logits, probs, delta=0.5, reduction=r),
    "smooth l1 beta0": lambda r: F.smooth_l1_loss(logits, probs, beta=0.0, reduction=r),
    "hinge": lambda r: F.hinge_embedding_loss(logits, torch.sign(probs - 0.25), margin=1.5, reduction=r),
    "cosine embedding": lambda r: F.cosine_embedding_loss(logits, probs, torch.tensor([1, -1, 1, -1, 1, -1]), margin=0.2, reduction=r),
    "margin ranking": lambda r: F.margin_ranking_loss(logits[:, 0], logits[:, 1], torch.tensor([1.0, -1.0] * 3), margin=0.3, reduction=r),
    "triplet swap p1": lambda r: F.triplet_margin_loss(logits, probs, logits.flip(0), p=1, swap=True, reduction=r),
    "soft margin": lambda r: F.soft_margin_loss(logits, torch.sign(probs - 0.25), reduction=r),
    "l1": lambda r: F.l1_loss(logits, probs, reduction=r),
    "mse": lambda r: F.mse_loss(logits, probs, reduction=r),
}
for name, fn in table.items():
    print(f"{name:26s}", " | ".join(fmt(fn(r)) for r in ("none", "sum", "mean")))
print("kl batchmean", fmt(F.kl_div(F.log_softmax(logits, 1), probs, reduction="batchmean")))
print("ce all ignored", fmt(F.cross_entropy(logits, torch.full((6,), -100))))
print("ce 1-D input", fmt(F.cross_entropy(logits[0], target[0], label_smoothing=0.5)))
print("nll weight ignore_index", fmt(nn.NLLLoss(weight=w, ignore_index=3)(F.log_softmax(logits, 1), target)))

# gradients of the smoothed, weighted loss
lg = logits.clone().requires_grad_(True)
F.cross_entropy(lg, target, weight=w, ignore_index=1, label_smoothing=0.2).backward()
print("grad row 0", lg.grad[0], "ignored row", lg.grad[2])

# a classifier trained with the combination
torch.manual_seed(1)
X = torch.randn(120, 5)
Y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long() * 2
Y[::17] = -1  # unlabeled rows
model = nn.Sequential(nn.Linear(5, 16), nn.GELU(), nn.Linear(16, 4))
crit = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 1.0, 2.0, 2.0]), ignore_index=-1, label_smoothing=0.1)
opt = torch.optim.AdamW(model.parameters(), lr=0.03, weight_decay=0.01)
for epoch in range(8):
    perm = torch.randperm(120)
    total = 0.0
    for i in range(0, 120, 40):
        b = perm[i:i + 40]
        opt.zero_grad()
        loss = crit(model(X[b]), Y[b])
        loss.backward()
        opt.step()
        total += loss.item()
    with torch.no_grad():
        keep = Y != -1
        acc = (model(X[keep]).argmax(1) == Y[keep]).float().mean()
    print(f"epoch {epoch} loss {total / 3:.6f} acc {acc.item():.4f}")
