"""SwAV (Caron et al.) on toy 2-D clusters, as the facebookresearch/swav training loop writes it: two
augmented views plus small multi-crops, an MLP projection L2-normalised onto learnable prototypes (a
bias-free Linear whose rows are renormalised under torch.no_grad every step), Sinkhorn-Knopp codes from
exp(scores / eps) with alternating row / column normalisation, the swapped prediction loss with
temperature 0.1, prototype gradients cancelled for the first iterations, a queue of past embeddings once
warmed up, and the cluster purity of the prototype assignments."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)  # (exp(scores / 0.05) grows exp's one-ulp float32 differences)
gen = torch.Generator().manual_seed(0)

N_PROTOS, DIM = 6, 8
centers = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
labels = torch.arange(3).repeat_interleave(40)
data = centers[labels] + 0.35 * torch.randn(120, 2, generator=gen)


def augment(x, strength):
    angle = (torch.rand(x.shape[0], generator=gen) - 0.5) * strength
    rot = torch.stack([torch.stack([angle.cos(), -angle.sin()], -1), torch.stack([angle.sin(), angle.cos()], -1)], -2)
    scale = 1 + (torch.rand(x.shape[0], 1, generator=gen) - 0.5) * strength
    return torch.einsum("nij,nj->ni", rot, x) * scale + 0.1 * strength * torch.randn(x.shape, generator=gen)


class SwAV(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        self.projection_head = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, DIM))
        self.prototypes = nn.Linear(DIM, N_PROTOS, bias=False)

    def forward(self, inputs):
        # multi-crop: each resolution group through the backbone together, as SwAV's forward does
        idx_crops = torch.cumsum(torch.unique_consecutive(torch.tensor([x.shape[-1] for x in inputs]),
                                                          return_counts=True)[1], 0)
        start, outs = 0, []
        for end in idx_crops.tolist():
            outs.append(self.backbone(torch.cat(inputs[start:end])))
            start = end
        z = F.normalize(self.projection_head(torch.cat(outs)), dim=1, p=2)
        return z, self.prototypes(z)


@torch.no_grad()
def distributed_sinkhorn(out, epsilon=0.05, iters=3):
    Q = torch.exp(out / epsilon).t()
    B, K = Q.shape[1], Q.shape[0]
    Q /= torch.sum(Q)
    for _ in range(iters):
        Q /= torch.sum(Q, dim=1, keepdim=True)
        Q /= K
        Q /= torch.sum(Q, dim=0, keepdim=True)
        Q /= B
    Q *= B
    return Q.t()


model = SwAV()
opt = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9, weight_decay=1e-6)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
queue = None
bs, n_crops = 40, 4
step = 0
for epoch in range(10):
    perm = torch.randperm(120, generator=gen)
    for k in range(0, 120, bs):
        x = data[perm[k: k + bs]]
        # two "global" views of width 2 and two "local" crops padded to width 3 (their own group)
        views = [augment(x, 0.5), augment(x, 0.5)]
        local = [F.pad(augment(x, 1.0), (0, 1), value=0.0) for _ in range(2)]
        with torch.no_grad():
            w = model.prototypes.weight.data.clone()
            w = F.normalize(w, dim=1, p=2)
            model.prototypes.weight.copy_(w)
        if local[0].shape[-1] != 2:
            local = [c[:, :2] for c in local]
        embedding, output = model(views + local)
        embedding = embedding.detach()
        loss = 0
        for i, crop_id in enumerate([0, 1]):
            with torch.no_grad():
                out = output[bs * crop_id: bs * (crop_id + 1)].detach()
                if queue is not None:
                    out = torch.cat((torch.mm(queue, model.prototypes.weight.t()), out))
                    queue[bs:] = queue[:-bs].clone()
                    queue[:bs] = embedding[crop_id * bs: (crop_id + 1) * bs]
                q = distributed_sinkhorn(out)[-bs:]
            subloss = 0
            for v in [v for v in range(n_crops) if v != crop_id]:
                x_v = output[bs * v: bs * (v + 1)] / 0.1
                subloss -= torch.mean(torch.sum(q * F.log_softmax(x_v, dim=1), dim=1))
            loss += subloss / (n_crops - 1)
        loss /= 2
        opt.zero_grad()
        loss.backward()
        if step < 6:
            for name, p in model.named_parameters():
                if "prototypes" in name:
                    p.grad = None
        opt.step()
        step += 1
    sched.step()
    if epoch == 4:
        queue = torch.zeros(2 * bs, DIM)
    if epoch % 3 == 2 or epoch == 9:
        print(f"epoch {epoch + 1} | loss {loss.item():.5f} | lr {sched.get_last_lr()[0]:.5f} | "
              f"queue {'on' if queue is not None else 'off'}")

model.eval()
with torch.no_grad():
    _, scores = model([data])
    assign = scores.argmax(1)
    used = torch.unique(assign).tolist()
    purity = sum(torch.bincount(labels[assign == c], minlength=3).max().item() for c in used) / 120
    print("prototypes used", used, "purity", round(purity, 4))
    q = distributed_sinkhorn(scores)
    print("sinkhorn column mass", [round(v, 4) for v in q.sum(0).tolist()], "row sums", round(q.sum(1).mean().item(), 4))
    norms = model.prototypes.weight.norm(dim=1)
    print("prototype norms", [round(v, 4) for v in norms.tolist()])
    best = max(itertools.permutations(range(3)), key=lambda p: sum(
        int(((assign % 3) == p[c])[labels == c].sum()) for c in range(3)))
    print("best mod-3 matching", best)
