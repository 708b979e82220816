"""Metrics written by hand the way torchmetrics-style code does: a stateful
Metric base class (add_state with default tensors, update/compute/reset,
accumulation across batches, merge of two metric states), multiclass
stat scores by one-hot, confusion matrix by bincount(target * C + preds),
precision/recall/F1 (micro, macro, weighted, with zero-division guards by
torch.where), Matthews correlation and Cohen's kappa from the matrix, top-k
accuracy by topk + eq(...).any, binary AUROC and average precision by sorting,
cumsum and torch.trapz / diff, a calibration error by bucketize, regression
metrics (MAE, MSE, R2, explained variance, Pearson, Spearman by double
argsort), retrieval metrics (MRR, nDCG@k by gather and log2 discounts),
segmentation IoU/Dice over a batch of label maps, PSNR and a Gaussian-window
SSIM by conv2d. Data from a seeded generator: every number agrees."""

import math

import torch
import torch.nn.functional as F


class Metric:
    full_state_update = False

    def __init__(self):
        self._defaults = {}
        self._reductions = {}
        self.update_count = 0

    def add_state(self, name, default, dist_reduce_fx="sum"):
        self._defaults[name] = default.clone() if isinstance(default, torch.Tensor) else list(default)
        self._reductions[name] = dist_reduce_fx
        setattr(self, name, default.clone() if isinstance(default, torch.Tensor) else [])

    def reset(self):
        self.update_count = 0
        for name, default in self._defaults.items():
            setattr(self, name, default.clone() if isinstance(default, torch.Tensor) else [])

    def __call__(self, *args, **kwargs):
        self.update(*args, **kwargs)
        self.update_count += 1
        return self.compute()

    def merge_state(self, other):
        for name, fx in self._reductions.items():
            a, b = getattr(self, name), getattr(other, name)
            if fx == "sum":
                setattr(self, name, a + b)
            elif fx == "cat":
                setattr(self, name, a + b)
            elif fx == "max":
                setattr(self, name, torch.maximum(a, b))


class MulticlassStatScores(Metric):
    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes
        for s in ("tp", "fp", "tn", "fn"):
            self.add_state(s, torch.zeros(num_classes, dtype=torch.long))
        self.add_state("confmat", torch.zeros(num_classes, num_classes, dtype=torch.long))

    def update(self, preds, target):
        if preds.is_floating_point():
            preds = preds.argmax(dim=1)
        preds_oh = F.one_hot(preds, self.num_classes)
        target_oh = F.one_hot(target, self.num_classes)
        self.tp += (preds_oh * target_oh).sum(0)
        self.fp += (preds_oh * (1 - target_oh)).sum(0)
        self.fn += ((1 - preds_oh) * target_oh).sum(0)
        self.tn += ((1 - preds_oh) * (1 - target_oh)).sum(0)
        unique_mapping = target.to(torch.long) * self.num_classes + preds.to(torch.long)
        bins = torch.bincount(unique_mapping, minlength=self.num_classes ** 2)
        self.confmat += bins.reshape(self.num_classes, self.num_classes)

    def compute(self):
        return self.tp, self.fp, self.tn, self.fn


def _safe_divide(num, denom, zero_division=0.0):
    num = num.float()
    denom = denom.float()
    return torch.where(denom != 0, num / torch.where(denom == 0, torch.ones_like(denom), denom),
                       torch.tensor(zero_division))


def precision_recall_f1(tp, fp, fn, average):
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    precision = _safe_divide(tp, tp + fp)
    recall = _safe_divide(tp, tp + fn)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    if average == "macro":
        return precision.mean(), recall.mean(), f1.mean()
    if average == "weighted":
        weights = (tp + fn).float()
        weights = weights / weights.sum()
        return (precision * weights).sum(), (recall * weights).sum(), (f1 * weights).sum()
    return precision, recall, f1


def matthews_corrcoef(confmat):
    confmat = confmat.double()
    tk = confmat.sum(dim=-1)
    pk = confmat.sum(dim=-2)
    c = torch.trace(confmat)
    s = confmat.sum()
    cov_ytyp = c * s - sum(tk * pk)
    cov_ypyp = s ** 2 - sum(pk * pk)
    cov_ytyt = s ** 2 - sum(tk * tk)
    return cov_ytyp / torch.sqrt(cov_ytyt * cov_ypyp)


def cohen_kappa(confmat, weights=None):
    confmat = confmat.float()
    n_classes = confmat.shape[0]
    sum0 = confmat.sum(dim=0, keepdim=True)
    sum1 = confmat.sum(dim=1, keepdim=True)
    expected = sum1 @ sum0 / sum0.sum()
    if weights is None:
        w_mat = torch.ones_like(confmat).flatten()
        w_mat[:: n_classes + 1] = 0
        w_mat = w_mat.reshape(n_classes, n_classes)
    else:
        w_mat = torch.zeros_like(confmat)
        w_mat += torch.arange(n_classes, dtype=w_mat.dtype)
        w_mat = torch.abs(w_mat - w_mat.T) if weights == "linear" else torch.pow(w_mat - w_mat.T, 2.0)
    return 1 - torch.sum(w_mat * confmat) / torch.sum(w_mat * expected)


class TopKAccuracy(Metric):
    def __init__(self, k=3):
        super().__init__()
        self.k = k
        self.add_state("correct", torch.tensor(0))
        self.add_state("total", torch.tensor(0))

    def update(self, logits, target):
        _, pred = logits.topk(self.k, dim=1, largest=True, sorted=True)
        self.correct += pred.eq(target.view(-1, 1).expand_as(pred)).any(dim=1).sum()
        self.total += target.numel()

    def compute(self):
        return self.correct.float() / self.total


class BinaryAUROC(Metric):
    def __init__(self):
        super().__init__()
        self.add_state("preds", [], dist_reduce_fx="cat")
        self.add_state("target", [], dist_reduce_fx="cat")

    def update(self, preds, target):
        self.preds.append(preds)
        self.target.append(target)

    def _curve(self):
        preds = torch.cat(self.preds)
        target = torch.cat(self.target)
        desc_score_indices = torch.argsort(preds, descending=True)
        preds = preds[desc_score_indices]
        target = target[desc_score_indices]
        distinct_value_indices = torch.nonzero(preds[1:] - preds[:-1], as_tuple=True)[0]
        threshold_idxs = F.pad(distinct_value_indices, [0, 1], value=target.size(0) - 1)
        target = (target == 1).to(torch.long)
        tps = torch.cumsum(target, dim=0)[threshold_idxs]
        fps = 1 + threshold_idxs - tps
        return fps, tps, preds[threshold_idxs]

    def compute(self):
        fps, tps, _ = self._curve()
        fps = torch.cat([torch.zeros(1, dtype=fps.dtype), fps])
        tps = torch.cat([torch.zeros(1, dtype=tps.dtype), tps])
        fpr = fps / fps[-1]
        tpr = tps / tps[-1]
        return torch.trapz(tpr, fpr)

    def average_precision(self):
        fps, tps, _ = self._curve()
        precision = tps / (tps + fps)
        recall = tps / tps[-1]
        precision = torch.cat([precision.flip(0), torch.ones(1)])
        recall = torch.cat([recall.flip(0), torch.zeros(1)])
        return -torch.sum((recall[1:] - recall[:-1]) * precision[:-1])


def calibration_error(probs, target, n_bins=10, norm="l1"):
    confidences, predictions = probs.max(dim=1)
    accuracies = predictions.eq(target)
    bin_boundaries = torch.linspace(0, 1, n_bins + 1)
    indices = torch.bucketize(confidences, bin_boundaries, right=False) - 1
    indices = indices.clamp(0, n_bins - 1)
    count = torch.zeros(n_bins).scatter_add_(0, indices, torch.ones_like(confidences))
    conf_bin = torch.zeros(n_bins).scatter_add_(0, indices, confidences)
    acc_bin = torch.zeros(n_bins).scatter_add_(0, indices, accuracies.float())
    nonzero = count > 0
    conf_bin[nonzero] /= count[nonzero]
    acc_bin[nonzero] /= count[nonzero]
    prop = count / count.sum()
    if norm == "l1":
        return torch.sum(torch.abs(acc_bin - conf_bin) * prop)
    if norm == "max":
        return torch.max(torch.abs(acc_bin - conf_bin))
    return torch.sqrt(torch.sum(torch.pow(acc_bin - conf_bin, 2) * prop))


class RegressionMetrics(Metric):
    def __init__(self):
        super().__init__()
        for name in ("sum_abs_error", "sum_squared_error", "sum_target", "sum_squared_target", "sum_preds",
                     "sum_squared_preds", "sum_prod"):
            self.add_state(name, torch.tensor(0.0, dtype=torch.float64))
        self.add_state("n_obs", torch.tensor(0))

    def update(self, preds, target):
        preds, target = preds.double(), target.double()
        self.sum_abs_error += torch.sum(torch.abs(preds - target))
        self.sum_squared_error += torch.sum((preds - target) ** 2)
        self.sum_target += target.sum()
        self.sum_squared_target += (target * target).sum()
        self.sum_preds += preds.sum()
        self.sum_squared_preds += (preds * preds).sum()
        self.sum_prod += (preds * target).sum()
        self.n_obs += target.numel()

    def compute(self):
        n = self.n_obs
        mean_t = self.sum_target / n
        ss_tot = self.sum_squared_target - n * mean_t ** 2
        r2 = 1 - self.sum_squared_error / ss_tot
        mean_p = self.sum_preds / n
        var_p = self.sum_squared_preds / n - mean_p ** 2
        var_t = self.sum_squared_target / n - mean_t ** 2
        cov = self.sum_prod / n - mean_p * mean_t
        pearson = cov / torch.sqrt(var_p * var_t)
        mean_err = (self.sum_target - self.sum_preds) / n
        var_err = (self.sum_squared_target - 2 * self.sum_prod + self.sum_squared_preds) / n - mean_err ** 2
        explained_variance = 1 - var_err / var_t
        return {"mae": self.sum_abs_error / n, "mse": self.sum_squared_error / n, "r2": r2,
                "pearson": pearson, "explained_variance": explained_variance}


def spearman(preds, target):
    def _rank(x):
        return x.argsort().argsort().to(torch.float32)

    rp, rt = _rank(preds), _rank(target)
    rp, rt = rp - rp.mean(), rt - rt.mean()
    return (rp * rt).sum() / (rp.norm() * rt.norm())


def retrieval_metrics(scores, relevance, k=5):
    order = scores.argsort(dim=1, descending=True)
    rel_sorted = relevance.gather(1, order)
    first_hit = (rel_sorted > 0).float().argmax(dim=1)
    has_hit = (rel_sorted > 0).any(dim=1)
    mrr = torch.where(has_hit, 1.0 / (first_hit.float() + 1), torch.zeros(()))
    discounts = 1.0 / torch.log2(torch.arange(k, dtype=torch.float32) + 2.0)
    dcg = ((2 ** rel_sorted[:, :k].float() - 1) * discounts).sum(dim=1)
    ideal = relevance.sort(dim=1, descending=True).values[:, :k].float()
    idcg = ((2 ** ideal - 1) * discounts).sum(dim=1)
    ndcg = torch.where(idcg > 0, dcg / idcg.clamp(min=1e-12), torch.zeros_like(dcg))
    precision_at_k = (rel_sorted[:, :k] > 0).float().mean(dim=1)
    return mrr.mean(), ndcg.mean(), precision_at_k.mean()


def iou_dice(pred_mask, true_mask, num_classes, ignore_index=255):
    valid = true_mask != ignore_index
    pred = pred_mask[valid]
    true = true_mask[valid]
    inter = torch.bincount(true[pred == true], minlength=num_classes).float()
    area_pred = torch.bincount(pred, minlength=num_classes).float()
    area_true = torch.bincount(true, minlength=num_classes).float()
    union = area_pred + area_true - inter
    iou = inter / union.clamp(min=1)
    dice = 2 * inter / (area_pred + area_true).clamp(min=1)
    return iou, dice, torch.nanmean(torch.where(union > 0, iou, torch.tensor(float("nan"))))


def psnr(preds, target, data_range=1.0):
    mse = torch.mean((preds - target) ** 2, dim=(1, 2, 3))
    return (10 * torch.log10(data_range ** 2 / mse)).mean()


def _gaussian_kernel(size=7, sigma=1.5):
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-(coords ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] @ g[None, :]).expand(1, 1, size, size)


def ssim(preds, target, data_range=1.0, k1=0.01, k2=0.03):
    c = preds.shape[1]
    kernel = _gaussian_kernel().expand(c, 1, 7, 7).contiguous()
    pad = 3
    preds = F.pad(preds, (pad, pad, pad, pad), mode="reflect")
    target = F.pad(target, (pad, pad, pad, pad), mode="reflect")
    input_list = torch.cat((preds, target, preds * preds, target * target, preds * target))
    outputs = F.conv2d(input_list, kernel, groups=c)
    b = preds.shape[0]
    mu_pred, mu_target, e_pp, e_tt, e_pt = [outputs[i * b:(i + 1) * b] for i in range(5)]
    mu_pred_sq, mu_target_sq, mu_pred_target = mu_pred.pow(2), mu_target.pow(2), mu_pred * mu_target
    sigma_pred_sq = e_pp - mu_pred_sq
    sigma_target_sq = e_tt - mu_target_sq
    sigma_pred_target = e_pt - mu_pred_target
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    upper = 2 * sigma_pred_target + c2
    lower = sigma_pred_sq + sigma_target_sq + c2
    ssim_idx = ((2 * mu_pred_target + c1) * upper) / ((mu_pred_sq + mu_target_sq + c1) * lower)
    return ssim_idx[..., pad:-pad, pad:-pad].reshape(b, -1).mean(-1)


g = torch.Generator().manual_seed(2024)
C = 5
stat = MulticlassStatScores(C)
topk = TopKAccuracy(k=2)
all_logits, all_target = [], []
for batch in range(4):
    target = torch.randint(0, C, (40,), generator=g)
    logits = torch.randn(40, C, generator=g) + 1.5 * F.one_hot(target, C)
    stat.update(logits, target)
    acc_batch = topk(logits, target)
    all_logits.append(logits)
    all_target.append(target)
    print(f"batch {batch} running top2 {acc_batch.item():.4f}")
tp, fp, tn, fn = stat.compute()
print("tp", tp.tolist(), "fp", fp.tolist(), "tn", tn.tolist(), "fn", fn.tolist())
print("confmat\n", stat.confmat)
print("confmat diag == tp", torch.equal(stat.confmat.diagonal(), tp), "int64", stat.confmat.dtype == torch.int64)
for average in ("micro", "macro", "weighted", None):
    p, r, f = precision_recall_f1(tp, fp, fn, average)
    if average is None:
        print("per class p", [round(v, 5) for v in p.tolist()], "f1", [round(v, 5) for v in f.tolist()])
    else:
        print(f"{average:8s} p {p.item():.6f} r {r.item():.6f} f1 {f.item():.6f}")
print(f"mcc {matthews_corrcoef(stat.confmat).item():.8f}")
print(f"kappa {cohen_kappa(stat.confmat).item():.6f} linear {cohen_kappa(stat.confmat, 'linear').item():.6f} "
      f"quadratic {cohen_kappa(stat.confmat, 'quadratic').item():.6f}")
logits, target = torch.cat(all_logits), torch.cat(all_target)
for k in (1, 3):
    m = TopKAccuracy(k)
    m.update(logits, target)
    print(f"top{k} {m.compute().item():.6f}")
half_a, half_b = TopKAccuracy(2), TopKAccuracy(2)
half_a.update(logits[:80], target[:80])
half_b.update(logits[80:], target[80:])
half_a.merge_state(half_b)
print("merged top2", half_a.compute().item(), "count", half_a.total.item(), "vs running", topk.compute().item())
topk.reset()
print("after reset", topk.correct.item(), topk.total.item(), topk.update_count)
probs = logits.softmax(dim=1)
for norm in ("l1", "l2", "max"):
    print(f"calibration {norm} {calibration_error(probs, target, n_bins=8, norm=norm).item():.6f}")

auroc = BinaryAUROC()
for _ in range(3):
    y = torch.randint(0, 2, (30,), generator=g)
    score = torch.rand(30, generator=g) * 0.7 + 0.3 * y
    score = torch.round(score * 20) / 20  # ties, as thresholded scores have
    auroc.update(score, y)
print(f"auroc {auroc.compute().item():.6f} ap {auroc.average_precision().item():.6f}")
fps, tps, thr = auroc._curve()
print("thresholds", len(thr), "last fps/tps", fps[-1].item(), tps[-1].item())

reg = RegressionMetrics()
xs, ys = [], []
for _ in range(3):
    x = torch.randn(25, generator=g)
    y = 2 * x + 0.5 * torch.randn(25, generator=g) + 0.3
    reg.update(x * 1.8 + 0.2, y)
    xs.append(x * 1.8 + 0.2)
    ys.append(y)
res = reg.compute()
print("regression", {k: round(v.item(), 8) for k, v in res.items()})
px, py = torch.cat(xs), torch.cat(ys)
print(f"corrcoef {torch.corrcoef(torch.stack([px, py]))[0, 1].item():.6f} spearman {spearman(px, py).item():.6f}")
print(f"r2 via var {1 - F.mse_loss(px, py).item() / py.var(unbiased=False).item():.6f}")

scores = torch.randn(6, 10, generator=g)
relevance = torch.randint(0, 3, (6, 10), generator=g) * (torch.rand(6, 10, generator=g) > 0.5)
relevance[0] = 0
mrr, ndcg, p_at_k = retrieval_metrics(scores, relevance, k=5)
print(f"mrr {mrr.item():.6f} ndcg@5 {ndcg.item():.6f} p@5 {p_at_k.item():.6f}")

true_mask = torch.randint(0, 4, (2, 16, 16), generator=g)
noise = torch.rand(2, 16, 16, generator=g)
pred_mask = torch.where(noise < 0.7, true_mask, torch.randint(0, 4, (2, 16, 16), generator=g))
true_mask[:, :2] = 255
iou, dice, miou = iou_dice(pred_mask, true_mask, num_classes=5)
print("iou", [round(v, 6) for v in iou.tolist()], "dice", [round(v, 6) for v in dice.tolist()],
      f"miou {miou.item():.6f}")

img = torch.rand(2, 3, 16, 16, generator=g)
noisy = (img + 0.1 * torch.randn(2, 3, 16, 16, generator=g)).clamp(0, 1)
print(f"psnr {psnr(noisy, img).item():.5f} ssim {[round(v, 6) for v in ssim(noisy, img).tolist()]} "
      f"self {ssim(img, img).mean().item():.6f}")
print("log10 check", math.isclose(psnr(img * 0.5, img).item(),
                                  (10 * torch.log10(1 / ((img * 0.5 - img) ** 2).mean(dim=(1, 2, 3)))).mean().item(),
                                  rel_tol=1e-6))
