"""Less common nn layers and losses inside small training loops, as the
PyTorch docs' examples and older research code use them: a word-level LM
with nn.AdaptiveLogSoftmaxWithLoss (cutoffs, div_value, head_bias; its
log_prob and predict), an Elman nn.RNN with nonlinearity="relu" and
two layers, nn.Bilinear relation scoring trained with MarginRankingLoss,
CosineEmbeddingLoss and HingeEmbeddingLoss on pairs, a multi-label head with
MultiLabelSoftMarginLoss and MultiLabelMarginLoss, nn.MultiMarginLoss (p=2,
weights), an image branch with LocalResponseNorm, LPPool2d, ChannelShuffle,
PixelUnshuffle, Softmax2d and nn.Fold/Unfold round trips, RReLU in eval
mode, nn.Hardtanh/Softshrink/Tanhshrink/Threshold activations, and
GaussianNLLLoss / PoissonNLLLoss(log_input=False, full=True) on a
regression head. Fixed seeds; every number agrees."""

import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)
torch.set_num_threads(1)

toks = re.findall(r"[a-z]+", text(30000).lower())
freq = Counter(toks)
vocab = sorted(freq, key=lambda w: (-freq[w], w))  # frequency order, as adaptive softmax's cutoffs assume
stoi = {w: i for i, w in enumerate(vocab)}
ids = torch.tensor([stoi[w] for w in toks])
V = len(vocab)
print("vocab", V, "most common", vocab[:5])


class AdaptiveLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, 32)
        self.rnn = nn.RNN(32, 48, num_layers=2, nonlinearity="relu", batch_first=True)
        self.out = nn.AdaptiveLogSoftmaxWithLoss(48, V, cutoffs=[20, 80], div_value=2.0, head_bias=True)

    def forward(self, x, y):
        h, _ = self.rnn(self.emb(x))
        return self.out(h.reshape(-1, 48), y.reshape(-1)), h


lm = AdaptiveLM()
print("adaptive head", lm.out.head.weight.shape, [tuple(m[0].weight.shape) + tuple(m[1].weight.shape) for m in lm.out.tail])
opt = torch.optim.Adam(lm.parameters(), lr=3e-3)
bptt, B = 12, 8
data = ids[: (len(ids) - 1) // (bptt * B) * bptt * B + 1]
for step in range(30):
    i = (step * bptt * B) % (len(data) - bptt * B - 1)
    x = data[i:i + bptt * B].view(B, bptt)
    y = data[i + 1:i + 1 + bptt * B].view(B, bptt)
    out, h = lm(x, y)
    opt.zero_grad()
    out.loss.backward()
    nn.utils.clip_grad_norm_(lm.parameters(), 1.0)
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"lm step {step:2d} | loss {out.loss.item():.6f} | output[:3] {[round(v, 5) for v in out.output[:3].tolist()]}")
with torch.no_grad():
    hh = h.reshape(-1, 48)[:4]
    lp = lm.out.log_prob(hh)
    print("log_prob sums to 1", [round(v, 6) for v in lp.exp().sum(1).tolist()])
    print("predict", lm.out.predict(hh).tolist(), "argmax", lp.argmax(1).tolist())

# pair scoring
torch.manual_seed(1)
a, b = torch.randn(64, 10), torch.randn(64, 10)
rel = ((a * b).sum(1) > 0).float() * 2 - 1
bil = nn.Bilinear(10, 10, 1)
opt = torch.optim.SGD(bil.parameters(), lr=0.05, momentum=0.9)
rank_loss, cos_loss, hinge = nn.MarginRankingLoss(margin=0.5), nn.CosineEmbeddingLoss(margin=0.2), nn.HingeEmbeddingLoss(margin=1.5)
for step in range(30):
    s1 = bil(a, b).squeeze(1)
    s2 = bil(a, b.flip(0)).squeeze(1)
    loss = rank_loss(s1, s2, rel) + cos_loss(a @ bil.weight[0], b, rel) + hinge((s1 - s2).abs(), rel)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"pair step {step:2d} | loss {loss.item():.6f} | acc {((s1 > 0).float() * 2 - 1 == rel).float().mean().item():.4f}")

# multi-label and multi-class margins
torch.manual_seed(2)
feat = torch.randn(48, 12)
Wt = torch.randn(12, 5)
multi = (feat @ Wt > 0.5).float()
head = nn.Linear(12, 5)
opt = torch.optim.Adam(head.parameters(), lr=1e-2)
ml_target = torch.full((48, 5), -1, dtype=torch.long)
for r in range(48):
    pos = multi[r].nonzero().squeeze(1)
    ml_target[r, :len(pos)] = pos
mm = nn.MultiMarginLoss(p=2, margin=0.8, weight=torch.tensor([1.0, 2.0, 1.0, 0.5, 1.5]))
cls = (feat @ Wt).argmax(1)
for step in range(30):
    o = head(feat)
    l1 = nn.MultiLabelSoftMarginLoss()(o, multi)
    l2 = nn.MultiLabelMarginLoss()(o, ml_target)
    l3 = mm(o, cls)
    loss = l1 + l2 + l3
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"labels step {step:2d} | softmargin {l1.item():.6f} | labelmargin {l2.item():.6f} | multimargin {l3.item():.6f}")

# image ops
torch.manual_seed(3)
img = torch.randn(2, 8, 8, 8)
lrn = nn.LocalResponseNorm(3, alpha=1e-2, beta=0.75, k=2.0)
lp = nn.LPPool2d(2, kernel_size=2, stride=2)
cs = nn.ChannelShuffle(2)
pu = nn.PixelUnshuffle(2)
sm2 = nn.Softmax2d()
out = sm2(cs(lp(lrn(img))))
print("lrn", round(lrn(img).sum().item(), 4), "lppool", round(lp(img.abs()).sum().item(), 4),
      "shuffle order", cs(torch.arange(8.0).view(1, 8, 1, 1)).flatten().tolist())
print("pixel_unshuffle", tuple(pu(img).shape), "softmax2d channel sums", [round(v, 6) for v in out.sum(1)[0, 0].tolist()])
unf = nn.Unfold(kernel_size=3, padding=1, stride=1)
fold = nn.Fold(output_size=(8, 8), kernel_size=3, padding=1, stride=1)
cols = unf(img)
ones_div = fold(unf(torch.ones(1, 8, 8, 8)))
print("unfold", tuple(cols.shape), "fold/unfold round trip", bool(torch.allclose(fold(cols) / ones_div, img, atol=1e-6)))
rr = nn.RReLU(0.1, 0.3).eval()
x = torch.tensor([-2.0, -0.5, 0.0, 1.0])
print("rrelu eval", rr(x).tolist(), "hardtanh", nn.Hardtanh(-0.5, 0.5)(x).tolist(),
      "softshrink", nn.Softshrink(0.6)(x).tolist(), "tanhshrink", [round(v, 6) for v in nn.Tanhshrink()(x).tolist()],
      "threshold", nn.Threshold(-1.0, 9.0)(x).tolist())

# heteroscedastic regression heads
torch.manual_seed(4)
xr = torch.linspace(-2, 2, 100)[:, None]
yr = torch.sin(2 * xr) + (0.1 + 0.2 * xr.abs()) * torch.randn(100, 1)
counts = torch.poisson(torch.exp(0.5 + xr))
net = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 3))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
gnll = nn.GaussianNLLLoss(full=True, eps=1e-6)
pnll = nn.PoissonNLLLoss(log_input=False, full=True)
for step in range(60):
    o = net(xr)
    mean, var, rate = o[:, :1], F.softplus(o[:, 1:2]) + 1e-4, F.softplus(o[:, 2:3])
    l1, l2 = gnll(mean, yr, var), pnll(rate, counts)
    opt.zero_grad()
    (l1 + l2).backward()
    opt.step()
    if step % 20 == 0 or step == 59:
        print(f"hetero step {step:2d} | gaussian nll {l1.item():.6f} | poisson nll {l2.item():.6f}")
