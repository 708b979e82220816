"""Losses with the options a distillation / segmentation / regression tutorial reaches for, each
printed as print(loss) shows it (value and grad_fn): cross_entropy with probability targets (weight,
label smoothing, every reduction, images), class indices with ignore_index and weights on (N, C, H, W),
gaussian_nll_loss with per-sample and per-feature variances, BCE with pos_weight and weight,
poisson/KL/huber/margin/triplet/CTC options, then a distillation step on fixed weights."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

logits = torch.randn(4, 3, requires_grad=True)
soft = torch.softmax(torch.randn(4, 3), 1)
w = torch.tensor([1.0, 2.0, 0.5])
hard = torch.tensor([0, 2, 1, 2])
for red in ["mean", "sum", "none"]:
    print("soft", red, F.cross_entropy(logits, soft, weight=w, label_smoothing=0.2, reduction=red))
    print("hard", red, F.cross_entropy(logits, hard, weight=w, label_smoothing=0.2, reduction=red, ignore_index=1))
print("soft plain", F.cross_entropy(logits, soft), nn.CrossEntropyLoss(label_smoothing=0.1)(logits, soft))
img = torch.randn(2, 3, 2, 2, requires_grad=True)
seg = torch.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])
print("segmentation", F.cross_entropy(img, seg, weight=w, ignore_index=1),
      F.nll_loss(F.log_softmax(img, 1), seg, weight=w, reduction="sum"))
print("soft segmentation", F.cross_entropy(img, torch.softmax(img.detach() * 2, 1), label_smoothing=0.1))
print("unbatched", F.cross_entropy(torch.randn(3), torch.tensor(1)), F.cross_entropy(torch.randn(3), torch.softmax(torch.randn(3), 0)))
print("all ignored", F.cross_entropy(logits, torch.tensor([1, 1, 1, 1]), ignore_index=1))

mu, tg = torch.randn(4, 2), torch.randn(4, 2)
for var in [torch.ones(4, 2) * 0.5, torch.ones(4, 1) * 0.3, torch.full((4,), 0.2)]:
    print("gaussian nll", tuple(var.shape), F.gaussian_nll_loss(mu, tg, var, full=True),
          tuple(F.gaussian_nll_loss(mu, tg, var, reduction="none").shape))
print("bce logits", F.binary_cross_entropy_with_logits(torch.randn(3, 4), torch.rand(3, 4), pos_weight=torch.tensor([1.0, 2.0, 3.0, 4.0]),
                                                       weight=torch.tensor([0.5, 1.0, 1.5, 2.0])))
print("bce", F.binary_cross_entropy(torch.rand(3), torch.rand(3), weight=torch.tensor([1.0, 2.0, 3.0])))
print("poisson", F.poisson_nll_loss(torch.rand(5) * 3, torch.tensor([0.0, 1.0, 2.0, 5.0, 3.0]), log_input=False, full=True, eps=1e-6))
print("poisson none", F.poisson_nll_loss(torch.randn(5), torch.tensor([0.0, 1.0, 2.0, 5.0, 3.0]), full=True, reduction="none"))
print("kl log_target", F.kl_div(F.log_softmax(torch.randn(2, 3), 1), F.log_softmax(torch.randn(2, 3), 1), log_target=True, reduction="batchmean"))
print("kl zeros", F.kl_div(F.log_softmax(torch.randn(2, 3), 1), torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]), reduction="none"))
print("huber", F.huber_loss(torch.randn(5), torch.zeros(5), delta=0.3, reduction="sum"), F.smooth_l1_loss(torch.randn(5), torch.zeros(5), beta=0.0))
print("cosine emb", F.cosine_embedding_loss(torch.randn(3, 4), torch.randn(3, 4), torch.tensor([1, -1, 1]), margin=0.2))
print("ranking", F.margin_ranking_loss(torch.randn(4), torch.randn(4), torch.tensor([1, -1, 1, -1]), margin=0.1))
print("hinge", F.hinge_embedding_loss(torch.randn(4), torch.tensor([1, -1, 1, -1]), margin=0.5))
print("multilabel soft", F.multilabel_soft_margin_loss(torch.randn(2, 4), torch.tensor([[1, 0, 1, 0], [0, 1, 1, 1]]).float(),
                                                        weight=torch.tensor([1.0, 2.0, 1.0, 0.5])))
print("multi margin", F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 3, 1]), p=2, margin=0.7, weight=torch.tensor([1.0, 2.0, 1.0, 0.5])))
print("soft margin", F.soft_margin_loss(torch.randn(4), torch.tensor([1.0, -1.0, 1.0, -1.0])))
print("triplet", F.triplet_margin_loss(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4), margin=0.5, p=1.5, swap=True, eps=1e-5))
print("triplet distance", F.triplet_margin_with_distance_loss(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4),
      distance_function=lambda a, b: 1 - F.cosine_similarity(a, b), margin=0.3, swap=True))
lp = torch.randn(6, 2, 4).log_softmax(2)
print("ctc mean", F.ctc_loss(lp, torch.tensor([[1, 2, 2], [3, 1, 0]]), torch.tensor([6, 5]), torch.tensor([3, 2])))
print("ctc concat none", F.ctc_loss(lp, torch.tensor([1, 2, 2, 3, 1]), torch.tensor([6, 5]), torch.tensor([3, 2]), reduction="none",
                                    zero_infinity=True))
print("ctc infeasible", F.ctc_loss(lp, torch.tensor([[1, 1, 1, 1], [3, 1, 0, 0]]), torch.tensor([3, 5]), torch.tensor([4, 2]),
                                   reduction="sum", zero_infinity=True))
print("nll ignore", F.nll_loss(torch.randn(3, 4).log_softmax(1), torch.tensor([0, -100, 2])),
      F.nll_loss(torch.randn(2, 4).log_softmax(1), torch.tensor([-100, -100])))

teacher = nn.Linear(5, 3)
student = nn.Linear(5, 3)
for i, p in enumerate([*teacher.parameters(), *student.parameters()]):
    with torch.no_grad():
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) * (i + 1) / 2)
opt = torch.optim.SGD(student.parameters(), lr=0.5)
x = torch.linspace(-1, 1, 40).reshape(8, 5)
labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
T = 2.0
for step in range(5):
    with torch.no_grad():
        soft_t = F.softmax(teacher(x) / T, dim=1)
    out = student(x)
    kd = F.cross_entropy(out / T, soft_t) * T * T
    ce = F.cross_entropy(out, labels, label_smoothing=0.05)
    loss = 0.7 * kd + 0.3 * ce
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"distill step {step} | kd {kd.item():.6f} | ce {ce.item():.6f} | loss {loss.item():.6f}")
logits.grad = None
(F.cross_entropy(logits, soft, weight=w, label_smoothing=0.2) + F.cross_entropy(logits, hard, weight=w, label_smoothing=0.3,
                                                                                 ignore_index=2)).backward()
print("grad", logits.grad)
