"""An older-tutorial style script: data built with the legacy typed constructors
(torch.FloatTensor / torch.LongTensor, the sizes form, isinstance checks, x.type()),
a line fitted to data with outliers whose residuals are clipped at their 5th/95th
percentiles (torch.quantile with a q tensor, keepdim, interpolation modes,
nanquantile over readings with gaps), and a pairwise ranking loss over
torch.combinations of the points. Weights are fixed, so every number agrees
with PyTorch's to float32 rounding."""

import math

import torch

torch.set_num_threads(1)

# -- legacy constructors
xs = torch.FloatTensor([0.1 * i for i in range(40)])
noise = torch.FloatTensor([math.sin(7.3 * i) * 0.3 for i in range(40)])
ys = 2.5 * xs - 1.0 + noise
outliers = torch.LongTensor([3, 17, 29])
ys[outliers] = torch.FloatTensor([25.0, -30.0, 40.0])
print("types", xs.type(), outliers.type(), isinstance(xs, torch.FloatTensor),
      isinstance(outliers, torch.LongTensor), isinstance(xs, torch.DoubleTensor))
buf = torch.FloatTensor(2, 3).zero_()
print("sizes form", tuple(buf.shape), buf.type(), float(buf.sum()))
mask = torch.BoolTensor([True, False, True])
print("bool", mask.type(), int(mask.sum()), torch.ByteTensor([1, 2, 255]).tolist())
as_double = xs.type(torch.DoubleTensor)
print("converted", as_double.type(), as_double.dtype == torch.float64, xs.type("torch.LongTensor")[-1].item())

# -- a robust fit: clip residuals at the 5th and 95th percentiles of the current fit
w = torch.FloatTensor([0.5]).requires_grad_()
b = torch.FloatTensor([0.0]).requires_grad_()
opt = torch.optim.SGD([w, b], lr=0.05)
qs = torch.FloatTensor([0.05, 0.95])
for step in range(30):
    pred = w * xs + b
    resid = ys - pred
    lo, hi = torch.quantile(resid.detach(), qs)
    clipped = torch.max(torch.min(resid, hi), lo)
    loss = (clipped ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0 or step == 29:
        print(f"step {step:2d} | loss {loss.item():.6f} | lo {lo.item():.6f} | hi {hi.item():.6f}")
print(f"fit w {w.item():.6f} b {b.item():.6f}")

# -- quantiles of a table, every interpolation, keepdim, gradients
table = torch.FloatTensor([[3.0, 1.0, 4.0, 1.0, 5.0], [9.0, 2.0, 6.0, 5.0, 3.0], [5.0, 8.0, 9.0, 7.0, 9.0]])
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    row_q = table.quantile(0.4, dim=1, keepdim=True, interpolation=mode)
    print(f"q40 {mode} {[f'{v:.5f}' for v in row_q.flatten().tolist()]} shape {tuple(row_q.shape)}")
t = table.clone().requires_grad_()
torch.quantile(t, torch.FloatTensor([0.25, 0.5, 0.9]), dim=0).sum().backward()
print("quantile grad", [[round(g, 5) for g in row] for row in t.grad.tolist()])
readings = torch.FloatTensor([[1.0, float("nan"), 3.0, 4.0], [float("nan")] * 4, [2.0, 2.0, float("nan"), 8.0]])
print("nanquantile", torch.nanquantile(readings, 0.5, dim=1).tolist())
print("quantile with gaps", torch.quantile(readings, 0.5, dim=1).tolist())

# -- pairwise ranking loss over all pairs of points
scores = torch.FloatTensor([0.3, -1.2, 0.8, 0.1, 2.0]).requires_grad_()
labels = torch.LongTensor([2, 0, 3, 1, 4])
pairs = torch.combinations(torch.arange(5))
print("pairs", pairs.shape[0], pairs[:3].tolist(), pairs.type())
sign = torch.sign((labels[pairs[:, 0]] - labels[pairs[:, 1]]).float())
margin = torch.relu(1.0 - sign * (scores[pairs[:, 0]] - scores[pairs[:, 1]]))
rank_loss = margin.mean()
rank_loss.backward()
print(f"rank loss {rank_loss.item():.6f}")
print("rank grad", [round(g, 5) for g in scores.grad.tolist()])
combo = torch.combinations(scores.detach(), r=3, with_replacement=True)
print("triples", tuple(combo.shape), f"{combo.prod(dim=1).sum().item():.6f}")
