"""DARTS on a toy image task, as the first-order search scripts write it: a cell whose edges are
softmax(alpha)-weighted mixtures of candidate operations (zero, identity, 3x3 conv, depthwise-separable
conv, dilated conv, avg/max pooling), architecture parameters kept apart from the weights (named
parameters filtered by name) with their own Adam, alternating weight / architecture steps on train and
validation batches, CosineAnnealingLR on the weights and the derived genotype."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

C = 6
PRIMITIVES = ["none", "skip_connect", "conv_3x3", "sep_conv_3x3", "dil_conv_3x3", "avg_pool_3x3", "max_pool_3x3"]


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "conv_3x3":
        return nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, 3, padding=1, bias=False), nn.BatchNorm2d(C, affine=False))
    if name == "sep_conv_3x3":
        return nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, 3, padding=1, groups=C, bias=False),
                             nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C, affine=False))
    if name == "dil_conv_3x3":
        return nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, 3, padding=2, dilation=2, groups=C, bias=False),
                             nn.Conv2d(C, C, 1, bias=False), nn.BatchNorm2d(C, affine=False))
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    return nn.MaxPool2d(3, stride=1, padding=1)


class MixedOp(nn.Module):
    def __init__(self):
        super().__init__()
        self._ops = nn.ModuleList(make_op(p) for p in PRIMITIVES)

    def forward(self, x, weights):
        return sum(w * op(x) for w, op in zip(weights, self._ops))


class Network(nn.Module):
    def __init__(self, n_nodes=2, n_classes=3):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
        self.n_nodes = n_nodes
        self.edges = nn.ModuleList()
        for i in range(n_nodes):
            for _ in range(i + 1):
                self.edges.append(MixedOp())
        n_edges = len(self.edges)
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(n_edges, len(PRIMITIVES)))
        self.classifier = nn.Linear(C * n_nodes, n_classes)

    def forward(self, x):
        weights = F.softmax(self.alphas_normal, dim=-1)
        states = [self.stem(x)]
        offset = 0
        for i in range(self.n_nodes):
            s = sum(self.edges[offset + j](h, weights[offset + j]) for j, h in enumerate(states))
            offset += len(states)
            states.append(s)
        out = torch.cat(states[1:], dim=1)
        return self.classifier(F.adaptive_avg_pool2d(out, 1).flatten(1))

    def arch_parameters(self):
        return [p for n, p in self.named_parameters() if "alphas" in n]

    def weight_parameters(self):
        return [p for n, p in self.named_parameters() if "alphas" not in n]

    def genotype(self):
        w = F.softmax(self.alphas_normal, dim=-1).detach()
        gene, offset = [], 0
        for i in range(self.n_nodes):
            edges = w[offset: offset + i + 1].clone()
            edges[:, PRIMITIVES.index("none")] = -1
            best = edges.max(dim=1)
            for j in torch.argsort(best.values, descending=True)[:2].tolist():
                gene.append((PRIMITIVES[best.indices[j].item()], j))
            offset += i + 1
        return gene


def make_data(n, gen):
    # three classes: horizontal bars, vertical bars, blobs, with noise
    x = 0.3 * torch.randn(n, 1, 8, 8, generator=gen)
    y = torch.randint(0, 3, (n,), generator=gen)
    pos = torch.randint(1, 7, (n,), generator=gen)
    for i in range(n):
        p = pos[i].item()
        if y[i] == 0:
            x[i, 0, p, :] += 1.0
        elif y[i] == 1:
            x[i, 0, :, p] += 1.0
        else:
            x[i, 0, p - 1: p + 1, p - 1: p + 1] += 1.5
    return x, y


gen = torch.Generator().manual_seed(0)
x_train, y_train = make_data(64, gen)
x_val, y_val = make_data(64, gen)
model = Network()
print("arch params", [tuple(p.shape) for p in model.arch_parameters()],
      "weight params", sum(p.numel() for p in model.weight_parameters()))
w_opt = torch.optim.SGD(model.weight_parameters(), lr=0.05, momentum=0.9, weight_decay=3e-4)
a_opt = torch.optim.Adam(model.arch_parameters(), lr=3e-2, betas=(0.5, 0.999), weight_decay=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(w_opt, T_max=6, eta_min=1e-3)

for epoch in range(6):
    model.train()
    perm = torch.randperm(64, generator=gen)
    for k in range(0, 64, 16):
        vi = perm[k: k + 16]
        a_opt.zero_grad()
        F.cross_entropy(model(x_val[vi]), y_val[vi]).backward()
        a_opt.step()
        ti = perm[(k + 16) % 64: (k + 16) % 64 + 16]
        w_opt.zero_grad()
        loss = F.cross_entropy(model(x_train[ti]), y_train[ti])
        loss.backward()
        nn.utils.clip_grad_norm_(model.weight_parameters(), 5.0)
        w_opt.step()
    sched.step()
    model.eval()
    with torch.no_grad():
        val_acc = (model(x_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch} | train loss {loss.item():.4f} | val acc {val_acc:.4f} | lr {sched.get_last_lr()[0]:.5f}")

print("alpha softmax edge 0", [round(v, 4) for v in F.softmax(model.alphas_normal[0], -1).tolist()])
print("genotype", model.genotype())
print("alpha grad is None after zero_grad", (a_opt.zero_grad(), model.alphas_normal.grad is None)[1])
