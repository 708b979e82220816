"""Dense-prediction losses as segmentation repos write them, on (N, C, H, W) logits: cross_entropy
with class weights, ignore_index=255 borders, label_smoothing and reduction='none' maps; soft-label
targets of shape (N, C, H, W); soft Dice and Tversky losses from softmax probabilities and one_hot
targets permuted to channels-first; a focal loss from log_softmax + gather; per-pixel BCE with
pos_weight for a binary mask; OHEM (keep the hardest pixels with topk); and their gradients."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=5)

N, C, H, W = 2, 4, 5, 6
logits = torch.randn(N, C, H, W, requires_grad=True)
target = torch.randint(0, C, (N, H, W))
target[:, 0, :] = 255  # an ignored border row
target[:, :, -1] = 255
weights = torch.tensor([0.5, 1.0, 2.0, 1.5])

ce = F.cross_entropy(logits, target, ignore_index=255)
print("ce", f"{ce.item():.6f}")
ce_w = F.cross_entropy(logits, target, weight=weights, ignore_index=255)
print("ce weighted", f"{ce_w.item():.6f}")
ce_ls = F.cross_entropy(logits, target, weight=weights, ignore_index=255, label_smoothing=0.1)
print("ce smoothed", f"{ce_ls.item():.6f}")
ce_map = F.cross_entropy(logits, target, ignore_index=255, reduction="none", label_smoothing=0.05)
print("ce map", tuple(ce_map.shape), ce_map[0, 1])
print("ce sum", f"{F.cross_entropy(logits, target, weight=weights, ignore_index=255, reduction='sum').item():.5f}")
g, = torch.autograd.grad(ce_w, logits)
print("ce grad at a pixel", g[0, :, 2, 3], "at ignored", g[0, :, 0, 0])
crit = nn.CrossEntropyLoss(weight=weights, ignore_index=255, label_smoothing=0.2)
print("module", f"{crit(logits, target).item():.6f}")
soft = torch.softmax(torch.randn(N, C, H, W) * 2, dim=1)
print("soft targets", f"{F.cross_entropy(logits, soft).item():.6f}", f"{F.cross_entropy(logits, soft, weight=weights, label_smoothing=0.1).item():.6f}")
print("nll 4d", f"{F.nll_loss(F.log_softmax(logits, 1), target, ignore_index=255, weight=weights).item():.6f}")

valid = target != 255
safe_t = target.masked_fill(~valid, 0)
onehot = F.one_hot(safe_t, C).permute(0, 3, 1, 2).float() * valid[:, None]
probs = F.softmax(logits, dim=1) * valid[:, None]


def dice_loss(probs, onehot, eps=1.0):
    inter = (probs * onehot).sum(dim=(0, 2, 3))
    card = probs.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    dice = (2 * inter + eps) / (card + eps)
    return 1 - dice.mean(), dice


def tversky(probs, onehot, alpha=0.7, beta=0.3, eps=1e-6):
    tp = (probs * onehot).sum((2, 3))
    fp = (probs * (1 - onehot)).sum((2, 3))
    fn = ((1 - probs) * onehot).sum((2, 3))
    return 1 - ((tp + eps) / (tp + alpha * fp + beta * fn + eps)).mean()


d, per_class = dice_loss(probs, onehot)
print("dice", f"{d.item():.6f}", per_class)
print("tversky", f"{tversky(probs, onehot).item():.6f}")
logits.grad = None
(d + ce).backward()
print("dice+ce grad norm", f"{logits.grad.norm().item():.6f}")


def focal(logits, target, gamma=2.0, ignore=255):
    logp = F.log_softmax(logits, dim=1)
    t = target.clone()
    m = t != ignore
    t[~m] = 0
    logpt = logp.gather(1, t.unsqueeze(1)).squeeze(1)
    loss = -((1 - logpt.exp()) ** gamma) * logpt
    return loss[m].mean(), loss


fl, fl_map = focal(logits, target)
print("focal", f"{fl.item():.6f}", fl_map[1, 2])

mask_logits = torch.randn(N, 1, H, W, requires_grad=True)
mask = (torch.rand(N, 1, H, W) > 0.7).float()
pos_w = (1 - mask).sum() / mask.sum()
bce = F.binary_cross_entropy_with_logits(mask_logits, mask, pos_weight=pos_w)
print("mask bce", f"{bce.item():.6f}", "pos_weight", f"{pos_w.item():.5f}")
bce.backward()
print("mask grad", mask_logits.grad[0, 0, 0])

pix = F.cross_entropy(logits, target, ignore_index=255, reduction="none").flatten()
k = int(valid.sum().item() * 0.25)
hard, idx = pix.topk(k)
print("ohem", k, f"{hard.mean().item():.6f}", idx[:5].tolist())
pred = logits.argmax(1)
correct = ((pred == target) & valid).sum().item()
print("pixel acc", correct, int(valid.sum()), f"{correct / valid.sum().item():.5f}")
