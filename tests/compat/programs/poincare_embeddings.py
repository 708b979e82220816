"""Poincare embeddings of a small taxonomy, as the poincare-embeddings re-implementations write them (Nickel
& Kiela 2017): the hyperbolic distance through a custom autograd.Function (ctx.save_for_backward,
once_differentiable) checked against torch.acosh and gradcheck, the Riemannian SGD step that rescales the
Euclidean gradient by ((1 - |x|^2)^2 / 4) and retracts into the ball with Tensor.renorm_, negative sampling
with torch.multinomial from a seeded generator, a burn-in phase at a reduced learning rate, and the
reconstruction mean rank and MAP computed with argsort."""

import torch
import torch.nn as nn
from torch.autograd import Function
from torch.autograd.function import once_differentiable

torch.manual_seed(0)
torch.set_num_threads(1)
EPS = 1e-5

tree = {"mammal": ["carnivore", "ungulate", "primate"], "carnivore": ["feline", "canine"],
        "feline": ["cat", "lion"], "canine": ["dog", "wolf"], "ungulate": ["horse", "deer"],
        "primate": ["monkey", "ape"], "ape": ["human", "gorilla"]}
names = sorted({n for k, v in tree.items() for n in [k, *v]})
idx = {n: i for i, n in enumerate(names)}


def ancestors(n):
    out = []
    for parent, kids in tree.items():
        if n in kids:
            out += [parent, *ancestors(parent)]
    return out


# transitive closure: (child, ancestor) pairs
pairs = torch.tensor([[idx[n], idx[a]] for n in names for a in ancestors(n)])
adj = torch.zeros(len(names), len(names), dtype=torch.bool)
adj[pairs[:, 0], pairs[:, 1]] = True
adj = adj | adj.T
print("nodes", len(names), "closure edges", len(pairs))


class PoincareDistance(Function):
    @staticmethod
    def forward(ctx, u, v):
        squnorm = torch.clamp(torch.sum(u * u, dim=-1), 0, 1 - EPS)
        sqvnorm = torch.clamp(torch.sum(v * v, dim=-1), 0, 1 - EPS)
        sqdist = torch.sum(torch.pow(u - v, 2), dim=-1)
        x = sqdist / ((1 - squnorm) * (1 - sqvnorm)) * 2 + 1
        z = torch.sqrt(torch.pow(x, 2) - 1)
        ctx.save_for_backward(u, v, squnorm, sqvnorm, sqdist, x, z)
        return torch.log(x + z)

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        u, v, squnorm, sqvnorm, sqdist, x, z = ctx.saved_tensors
        g = g.unsqueeze(-1)

        # the closed-form gradient of arcosh(1 + 2|u-v|^2 / (alpha beta)) in u
        def gu(a, b, an, bn):
            alpha, beta = 1 - an, 1 - bn
            coef = 4 / (beta * torch.sqrt(torch.clamp(x ** 2 - 1, min=EPS)))
            return (coef.unsqueeze(-1) * (((bn - 2 * torch.sum(a * b, -1) + 1) / alpha ** 2).unsqueeze(-1) * a
                                          - b / alpha.unsqueeze(-1)))

        return g * gu(u, v, squnorm, sqvnorm), g * gu(v, u, sqvnorm, squnorm)


def dist_ref(u, v):
    sq = torch.sum((u - v) ** 2, -1)
    return torch.acosh(1 + 2 * sq / ((1 - torch.sum(u * u, -1)) * (1 - torch.sum(v * v, -1))))


u = (torch.rand(5, 2, dtype=torch.float64) - 0.5) * 0.8
v = (torch.rand(5, 2, dtype=torch.float64) - 0.5) * 0.8
print("distance matches acosh", torch.allclose(PoincareDistance.apply(u, v), dist_ref(u, v)))
print("distances", [round(d, 6) for d in PoincareDistance.apply(u, v).tolist()])
print("gradcheck", torch.autograd.gradcheck(PoincareDistance.apply, (u.requires_grad_(), v.requires_grad_())))
ua, va = u.detach().requires_grad_(), v.detach().requires_grad_()
dist_ref(ua, va).sum().backward()
ub, vb = u.detach().requires_grad_(), v.detach().requires_grad_()
PoincareDistance.apply(ub, vb).sum().backward()
print("grads match autograd of acosh", torch.allclose(ua.grad, ub.grad), torch.allclose(va.grad, vb.grad))
d = PoincareDistance.apply(u.detach().requires_grad_(), v.detach().requires_grad_())
print("grad_fn", type(d.grad_fn).__name__)


class Model(nn.Module):
    def __init__(self, n, dim=2):
        super().__init__()
        self.lt = nn.Embedding(n, dim)
        self.lt.weight.data.uniform_(-1e-3, 1e-3)

    def forward(self, inputs):
        e = self.lt(inputs)  # (B, 1 + negs, dim)
        o = e.narrow(1, 1, e.size(1) - 1)
        s = e.narrow(1, 0, 1).expand_as(o)
        return PoincareDistance.apply(s, o)


@torch.no_grad()
def rsgd_step(p, lr):
    d_p = p.grad
    sqnorm = torch.sum(p * p, dim=-1, keepdim=True)
    d_p = d_p * ((1 - sqnorm) ** 2 / 4)
    p.add_(d_p, alpha=-lr)
    p.renorm_(2, 0, 1 - EPS)


model = Model(len(names))
gen = torch.Generator().manual_seed(1)
weights = (~adj).float()
weights.fill_diagonal_(0)
NNEG = 4
for epoch in range(30):
    lr = 0.03 if epoch < 10 else 0.3
    perm = torch.randperm(len(pairs), generator=gen)
    total = 0.0
    for batch in perm.split(8):
        src, dst = pairs[batch, 0], pairs[batch, 1]
        negs = torch.multinomial(weights[src], NNEG, replacement=True, generator=gen)
        inputs = torch.cat([src.unsqueeze(1), dst.unsqueeze(1), negs], dim=1)
        dists = model(inputs)
        loss = nn.functional.cross_entropy(-dists, torch.zeros(len(batch), dtype=torch.long))
        model.zero_grad()
        loss.backward()
        rsgd_step(model.lt.weight, lr)
        total += loss.item() * len(batch)
    if epoch % 6 == 0 or epoch == 29:
        print(f"epoch {epoch:2d} | lr {lr} | loss {total / len(pairs):.5f}")


@torch.no_grad()
def reconstruction(emb):
    ranks, aps = [], []
    for i in range(len(names)):
        d = dist_ref(emb[i].expand_as(emb), emb)
        d[i] = 1e12
        order = d.argsort()
        pos = adj[i][order].nonzero().flatten() + 1
        if len(pos) == 0:
            continue
        ranks.append((pos - torch.arange(len(pos))).float().mean())
        aps.append((torch.arange(1, len(pos) + 1).float() / pos.float()).mean())
    return torch.stack(ranks).mean().item(), torch.stack(aps).mean().item()


emb = model.lt.weight.detach()
mean_rank, mAP = reconstruction(emb)
print(f"mean rank {mean_rank:.4f} map {mAP:.4f}")
norms = emb.norm(dim=1)
print("max norm < 1", bool((norms < 1).all()))
print("root norm", f"{norms[idx['mammal']].item():.4f}", "leaf norm", f"{norms[idx['human']].item():.4f}")
print("closest to dog", names[dist_ref(emb[idx['dog']].expand_as(emb), emb).topk(2, largest=False).indices[1]])
