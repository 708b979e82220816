"""Numerically sensitive code as it appears in models: masked softmax over padded keys with -inf (and
a fully masked row turned into zeros with nan_to_num), logsumexp over -inf entries, log_softmax with an
additive mask, BCE on probabilities from a saturating sigmoid versus BCEWithLogits (pos_weight), the
log-sum-exp trick by hand, softplus thresholds, xlogy entropies with zero probabilities, clamping before
log, and gradients through each (printed with reduction='none' so every element shows)."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=5)

scores = torch.randn(3, 5, requires_grad=True)
lengths = torch.tensor([5, 2, 0])
pad = torch.arange(5)[None, :] >= lengths[:, None]
masked = scores.masked_fill(pad, float("-inf"))
attn = torch.softmax(masked, dim=-1)
print("masked softmax\n", attn)
safe = torch.nan_to_num(attn, nan=0.0)
(safe * torch.arange(5.)).sum().backward()
print("grad through nan_to_num\n", scores.grad)
print("logsumexp", torch.logsumexp(masked, dim=1))
scores.grad = None
lse = torch.logsumexp(scores.masked_fill(pad, float("-inf"))[:2], dim=1)
lse.sum().backward()
print("logsumexp grad\n", scores.grad)

add_mask = torch.zeros(3, 5).masked_fill(pad, -1e9)
lp = F.log_softmax(scores + add_mask, dim=-1)
print("log_softmax with -1e9 mask\n", lp)
by_hand = scores - (scores.max(1, keepdim=True).values + (scores - scores.max(1, keepdim=True).values).exp().sum(1, keepdim=True).log())
print("log-sum-exp trick matches", torch.allclose(by_hand, F.log_softmax(scores, 1), atol=1e-6))

logits = torch.tensor([-40.0, -5.0, 0.0, 5.0, 17.0, 40.0], requires_grad=True)
target = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
probs = torch.sigmoid(logits)
print("sigmoid", probs)
bce = F.binary_cross_entropy(probs, target, reduction="none")
print("bce on probs", bce)
bce.sum().backward()
print("grad via probs", logits.grad)
logits.grad = None
bcel = F.binary_cross_entropy_with_logits(logits, target, reduction="none", pos_weight=torch.tensor(2.0))
print("bce with logits", bcel)
bcel.sum().backward()
print("grad with logits", logits.grad)
logits.grad = None
F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum().backward()
print("grad without pos_weight", logits.grad)
print("clamped log", torch.log(probs.clamp(min=1e-7, max=1 - 1e-7)))
print("softplus", F.softplus(logits), F.softplus(logits, beta=0.5, threshold=5))
print("logsigmoid", F.logsigmoid(logits))

p = torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], requires_grad=True)
ent = -torch.xlogy(p, p).sum(1)
print("entropy", ent)
ent.sum().backward()
print("entropy grad", p.grad)
print("special.entr", torch.special.entr(p.detach()))
q = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25], [0.2, 0.3, 0.5]])
print("kl(p||q)", F.kl_div(q.log(), p.detach(), reduction="none").sum(1))
print("expm1/log1p small", torch.expm1(torch.tensor([1e-8, 1e-4])), torch.log1p(torch.tensor([1e-8, -0.5])))
print("stable norm", F.normalize(torch.tensor([[0.0, 0.0], [3.0, 4.0]]), dim=1))
big = torch.tensor([1e30, 3e38, -3e38])
print("overflow", big * 10, big.exp(), torch.tensor([88.0, 89.0]).exp(), torch.tensor([100.0]).float().sigmoid())
