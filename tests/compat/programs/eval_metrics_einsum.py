"""Evaluation code as blog posts write it (confusion matrix with bincount, per-class precision/recall,
top-k accuracy, ROC AUC with sort/cumsum/trapz) and einsum-heavy model code (bilinear scores,
multi-head attention written with einsum, sinusoidal positions)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
N, C = 200, 5
# deterministic "predictions"
logits = torch.sin(torch.arange(N * C, dtype=torch.float32).reshape(N, C) * 0.91) * 3
targets = (torch.arange(N) * 7 % C)
logits[torch.arange(N), targets] += 1.5

with torch.no_grad():
    preds = logits.argmax(dim=1)
    acc = (preds == targets).sum().item() / N
    print(f"accuracy {acc:.4f}")
    cm = torch.bincount(targets * C + preds, minlength=C * C).reshape(C, C)
    print("confusion\n", cm.tolist())
    cm2 = torch.zeros(C, C, dtype=torch.long)
    cm2.index_put_((targets, preds), torch.ones(N, dtype=torch.long), accumulate=True)
    print("index_put agrees", torch.equal(cm, cm2))
    cm3 = torch.zeros(C * C).scatter_add_(0, targets * C + preds, torch.ones(N)).view(C, C)
    print("scatter_add agrees", torch.equal(cm.float(), cm3))
    tp = cm.diag().float()
    precision = tp / cm.sum(0).clamp(min=1)
    recall = tp / cm.sum(1).clamp(min=1)
    f1 = 2 * precision * recall / (precision + recall + 1e-12)
    print("precision", [round(v, 4) for v in precision.tolist()])
    print("recall", [round(v, 4) for v in recall.tolist()])
    print(f"macro f1 {f1.mean().item():.5f}")
    top3 = logits.topk(3, dim=1).indices
    top3_acc = (top3 == targets.unsqueeze(1)).any(dim=1).float().mean()
    print(f"top3 {top3_acc.item():.4f}")
    vals, counts = torch.unique(preds, return_counts=True)
    print("pred counts", vals.tolist(), counts.tolist())
    probs = F.softmax(logits, dim=1)
    conf, _ = probs.max(1)
    # expected calibration error with 5 bins
    bins = torch.linspace(0, 1, 6)
    ece = torch.zeros(1)
    idx = torch.bucketize(conf, bins[1:-1])
    for b in range(5):
        m = idx == b
        if m.any():
            ece += m.float().mean() * (conf[m].mean() - (preds[m] == targets[m]).float().mean()).abs()
    print(f"ece {ece.item():.6f}")
    # binary ROC AUC for class 0, rank-based
    score = probs[:, 0]
    label = (targets == 0).float()
    order = torch.argsort(score, descending=True)
    tps = torch.cumsum(label[order], 0)
    fps = torch.cumsum(1 - label[order], 0)
    tpr = tps / tps[-1]
    fpr = fps / fps[-1]
    auc = torch.trapz(tpr, fpr)
    manual = ((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2).sum()
    print(f"auc {auc.item():.6f} manual {manual.item():.6f}")
    partial = torch.cumulative_trapezoid(tpr, fpr)
    print(f"partial auc at fpr 0.5 {partial[(fpr[1:] <= 0.5).sum() - 1].item():.6f}")
    hist = torch.histc(conf, bins=4, min=0, max=1)
    print("hist", hist.tolist())
    print("nll", round(F.nll_loss(torch.log(probs), targets).item(), 6),
          "ce", round(F.cross_entropy(logits, targets, label_smoothing=0.1).item(), 6))

# einsum model code
B, T, D, H = 2, 6, 8, 2


def sinusoidal(T, D):
    pos = torch.arange(T).unsqueeze(1)
    div = torch.exp(torch.arange(0, D, 2) * (-math.log(10000.0) / D))
    pe = torch.zeros(T, D)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class EinsumAttention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Parameter(torch.cos(torch.arange(3 * d * d, dtype=torch.float32)).reshape(3, d, d) * 0.3)
        self.out = nn.Parameter(torch.sin(torch.arange(d * d, dtype=torch.float32)).reshape(d, d) * 0.3)
        self.bil = nn.Parameter(torch.eye(d) * 0.5)

    def forward(self, x, mask=None):
        q, k, v = torch.einsum("btd,cde->cbte", x, self.qkv).unbind(0)
        q, k, v = (t.reshape(B, T, self.h, -1) for t in (q, k, v))
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(q.shape[-1])
        if mask is not None:
            scores = scores.masked_fill(mask, float("-inf"))
        att = scores.softmax(-1)
        ctx = torch.einsum("bhqk,bkhd->bqhd", att, v).reshape(B, T, -1)
        y = torch.einsum("btd,de->bte", ctx, self.out)
        bil = torch.einsum("bi,ij,bj->b", y[:, 0], self.bil, y[:, -1])
        return y, att, bil


x = torch.tanh(torch.arange(B * T * D, dtype=torch.float32).reshape(B, T, D) * 0.05) + sinusoidal(T, D)
mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
model = EinsumAttention(D, H)
y, att, bil = model(x, mask)
loss = y.pow(2).mean() + bil.sum()
loss.backward()
print(f"einsum loss {loss.item():.6f}")
print(f"att row sums {att.sum(-1).mean().item():.6f} upper {att[..., 0, 1:].abs().sum().item()}")
print(f"grad qkv {model.qkv.grad.norm().item():.6f} out {model.out.grad.norm().item():.6f} bil {model.bil.grad.norm().item():.6f}")
a = torch.arange(6.).reshape(2, 3)
b = torch.arange(12.).reshape(3, 4)
print("matmul", torch.einsum("ij,jk->ik", a, b).tolist())
print("trace", torch.einsum("ii", torch.eye(3) * 2).item(), "diag", torch.einsum("ii->i", b[:, :3]).tolist())
print("outer", torch.einsum("i,j->ij", a[0], a[1]).sum().item(), "ellipsis", tuple(torch.einsum("...ij->...ji", x).shape))
print("batch dot", torch.einsum("bi,bi->b", a, a).tolist(), "sum", torch.einsum("ij->", a).item())
print("tensordot", torch.tensordot(a, b, dims=([1], [0])).sum().item(),
      "kron", torch.kron(torch.eye(2), a).shape, "cdist", round(torch.cdist(a, a).sum().item(), 5))
print("bmm", torch.bmm(x, x.transpose(1, 2)).shape, "baddbmm", round(torch.baddbmm(torch.ones(B, T, T), x, x.mT, beta=0.5, alpha=2).mean().item(), 5))
print("addmm", torch.addmm(torch.ones(2), a, b[:, :2]).tolist())
print("einsum list form", torch.einsum(a, [0, 1], b, [1, 2], [0, 2]).sum().item())
