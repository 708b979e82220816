"""The loss functions of torch.nn as a course notebook tours them, each on fixed inputs with its
reductions and options, printing the value and the gradient norm: CrossEntropyLoss (class weights,
ignore_index, label_smoothing, probability targets, K-dimensional inputs), NLLLoss, BCELoss and
BCEWithLogitsLoss (weight, pos_weight), KLDivLoss (log_target, batchmean), Huber/SmoothL1 (delta, beta),
PoissonNLLLoss (log_input, full), GaussianNLLLoss (full, eps, shared variance), CTCLoss (padded and
concatenated targets, zero_infinity), MarginRankingLoss, TripletMarginLoss (p, swap),
CosineEmbeddingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss,
MultiMarginLoss (p, margin, weight), L1Loss and MSELoss."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed(*shape, scale=1.0, shift=0.0, freq=1.3):
    """A deterministic tensor of the given shape (sines of its flat index)."""
    n = math.prod(shape)
    return (torch.sin(torch.arange(n, dtype=torch.float32) * freq + 0.7) * scale + shift).reshape(shape)


def report(name, make_loss, *inputs, n_grad=1):
    """Print a loss value and the gradient norms of its first ``n_grad`` inputs (the predictions)."""
    leaves = [t.clone().requires_grad_(True) if i < n_grad else t for i, t in enumerate(inputs)]
    loss = make_loss(*leaves)
    if loss.dim() == 0:
        loss.backward()
        value = f"{loss.item():.6f}"
    else:
        loss.sum().backward()
        value = f"shape {tuple(loss.shape)} sum {loss.sum().item():.6f}"
    grads = " ".join(f"{t.grad.norm().item():.6f}" for t in leaves if t.is_floating_point() and t.grad is not None)
    print(f"{name:28s} {value} | grads {grads}")


logits = fixed(6, 4, scale=2.0)
target = torch.tensor([0, 3, 1, 2, 3, 0])
weights = torch.tensor([1.0, 2.0, 0.5, 1.5])
for reduction in ("mean", "sum", "none"):
    report(f"ce {reduction}", nn.CrossEntropyLoss(reduction=reduction), logits, target)
report("ce weight", nn.CrossEntropyLoss(weight=weights), logits, target)
report("ce ignore_index", nn.CrossEntropyLoss(ignore_index=3), logits, target)
report("ce weight+ignore", nn.CrossEntropyLoss(weight=weights, ignore_index=0), logits, target)
report("ce smoothing", nn.CrossEntropyLoss(label_smoothing=0.1), logits, target)
report("ce smoothing+weight", nn.CrossEntropyLoss(weight=weights, label_smoothing=0.2), logits, target)
report("ce smoothing+ignore sum", nn.CrossEntropyLoss(ignore_index=3, label_smoothing=0.2, reduction="sum"),
       logits, target)
probs = F.softmax(fixed(6, 4, scale=1.5, shift=0.2), dim=1)
report("ce probs", nn.CrossEntropyLoss(), logits, probs)
report("ce probs weight smooth", nn.CrossEntropyLoss(weight=weights, label_smoothing=0.1), logits, probs)
report("ce 4d", nn.CrossEntropyLoss(), fixed(2, 3, 2, 2), torch.tensor([[[0, 1], [2, 1]], [[2, 2], [0, 1]]]))
report("ce 1d unbatched", F.cross_entropy, fixed(5), torch.tensor(2))
report("nll weight", nn.NLLLoss(weight=weights), F.log_softmax(logits, 1), target)
report("nll ignore all-ignored", nn.NLLLoss(ignore_index=0), F.log_softmax(logits[:1], 1), target[:1])

p = torch.sigmoid(fixed(4, 3))
t = (fixed(4, 3, shift=0.3) > 0).float()
report("bce", nn.BCELoss(), p, t)
report("bce weight", nn.BCELoss(weight=torch.tensor([1.0, 2.0, 3.0])), p, t)
report("bce logits pos_weight", nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0, 1.0, 0.5])), fixed(4, 3), t)
report("bce logits weight sum", nn.BCEWithLogitsLoss(weight=torch.tensor([0.5]), reduction="sum"),
       fixed(4, 3, scale=20.0), t)
report("bce extreme", nn.BCELoss(), torch.tensor([0.0, 1.0, 0.5]), torch.tensor([1.0, 0.0, 1.0]))

logq = F.log_softmax(fixed(3, 5), dim=1)
pt = F.softmax(fixed(3, 5, shift=0.5, scale=0.5), dim=1)
report("kl batchmean", nn.KLDivLoss(reduction="batchmean"), logq, pt)
report("kl log_target", nn.KLDivLoss(reduction="sum", log_target=True), logq, pt.log())
report("kl none zero target", nn.KLDivLoss(reduction="none"), logq, torch.zeros(3, 5))

a, b = fixed(10, scale=3.0), fixed(10, scale=2.0, shift=0.4)
report("huber delta 0.5", nn.HuberLoss(delta=0.5), a, b)
report("smoothl1 beta 2", nn.SmoothL1Loss(beta=2.0), a, b)
report("smoothl1 beta 0", nn.SmoothL1Loss(beta=0.0), a, b)
report("l1 sum", nn.L1Loss(reduction="sum"), a, b)
report("mse none", nn.MSELoss(reduction="none"), a, b)

counts = torch.tensor([0.0, 1.0, 3.0, 2.0, 7.0, 1.0])
rate = fixed(6, scale=0.5, shift=1.0)
report("poisson log_input", nn.PoissonNLLLoss(), rate, counts)
report("poisson rate full", nn.PoissonNLLLoss(log_input=False, full=True), rate, counts)
mu, var = fixed(5, 2), fixed(5, 2, scale=0.3, shift=0.5)
tgt = fixed(5, 2, shift=0.2, scale=0.8)
report("gaussian nll", nn.GaussianNLLLoss(), mu, tgt, var, n_grad=3)
report("gaussian full sum", nn.GaussianNLLLoss(full=True, reduction="sum"), mu, tgt, var, n_grad=3)
report("gaussian shared var", nn.GaussianNLLLoss(), mu, tgt, var[:, :1], n_grad=3)
report("gaussian eps", nn.GaussianNLLLoss(eps=0.6), mu, tgt, var, n_grad=3)

T, N, C = 8, 2, 5
ctc_logp = F.log_softmax(fixed(T, N, C, scale=1.5), dim=2)
ctc_targets = torch.tensor([[1, 2, 2, 3], [4, 1, 0, 0]])
in_len, tg_len = torch.tensor([8, 6]), torch.tensor([4, 2])
report("ctc mean", nn.CTCLoss(), ctc_logp, ctc_targets, in_len, tg_len)
report("ctc sum", nn.CTCLoss(reduction="sum"), ctc_logp, ctc_targets, in_len, tg_len)
report("ctc none concat", nn.CTCLoss(reduction="none"), ctc_logp, torch.tensor([1, 2, 2, 3, 4, 1]), in_len,
       tg_len)
report("ctc blank 4", nn.CTCLoss(blank=4), ctc_logp, torch.tensor([[1, 2, 2, 3], [0, 1, 0, 0]]), in_len,
       tg_len)
report("ctc infeasible zero_inf", nn.CTCLoss(zero_infinity=True, reduction="none"),
       ctc_logp, torch.tensor([[1, 1, 1, 1], [1, 1, 1, 1]]), torch.tensor([8, 4]), torch.tensor([4, 4]))

x1, x2 = fixed(6), fixed(6, shift=0.1, scale=0.9)
sign = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
report("margin ranking", nn.MarginRankingLoss(margin=0.2), x1, x2, sign, n_grad=2)
anc, pos, neg = fixed(4, 3), fixed(4, 3, shift=0.2, freq=0.7), fixed(4, 3, freq=2.1)
report("triplet", nn.TripletMarginLoss(margin=1.0), anc, pos, neg, n_grad=3)
report("triplet p1 swap", nn.TripletMarginLoss(margin=0.5, p=1, swap=True), anc, pos, neg, n_grad=3)
report("triplet distance fn", nn.TripletMarginWithDistanceLoss(
    distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.3), anc, pos, neg, n_grad=3)
report("cosine embedding", nn.CosineEmbeddingLoss(margin=0.1), anc, neg, torch.tensor([1, -1, -1, 1]), n_grad=2)
report("hinge embedding", nn.HingeEmbeddingLoss(margin=0.5), x1, sign)
report("soft margin", nn.SoftMarginLoss(), x1, sign)
multi_t = (fixed(4, 3, shift=0.1) > 0).float()
report("multilabel soft margin", nn.MultiLabelSoftMarginLoss(weight=torch.tensor([1.0, 0.5, 2.0])),
       fixed(4, 3), multi_t)
report("multilabel margin", nn.MultiLabelMarginLoss(), fixed(3, 4), torch.tensor([[3, 0, -1, 1], [1, -1, 0, 0],
                                                                                   [0, 1, 2, 3]]))
report("multi margin", nn.MultiMarginLoss(), logits, target)
report("multi margin p2 weight", nn.MultiMarginLoss(p=2, margin=0.5, weight=weights), logits, target)
print(nn.CrossEntropyLoss(label_smoothing=0.1), nn.CTCLoss(), nn.HuberLoss(delta=0.5))
