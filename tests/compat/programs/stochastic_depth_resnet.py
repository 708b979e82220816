"""A small ResNet with stochastic depth (Huang et al.), the drop-path code written inline as in timm and
torchvision.ops.stochastic_depth: row mode (one Bernoulli per sample, scaled by 1/survival) and batch
mode, survival probabilities decaying linearly with depth, identity at eval; trained on the bundled 8x8
digits with label smoothing, a cosine schedule with linear warmup via SequentialLR, checking the
expected value of drop_path and printing the module tree's extra_repr."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)


def stochastic_depth(input, p, mode, training=True):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(nn.Module):
    def __init__(self, p, mode):
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, x):
        return stochastic_depth(x, self.p, self.mode, self.training)

    def extra_repr(self):
        return f"p={self.p:.3f}, mode={self.mode}"


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, drop):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        nn.init.zeros_(self.bn2.weight)  # zero-init the last BN: each block starts as the identity
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.drop_path = StochasticDepth(drop, "row")

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(self.shortcut(x) + self.drop_path(out))


class ResNet(nn.Module):
    def __init__(self, blocks=(2, 2), widths=(16, 32), drop_max=0.2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        total = sum(blocks)
        dprs = [x.item() for x in torch.linspace(0, drop_max, total)]
        layers, cin, k = [], widths[0], 0
        for i, (n, w) in enumerate(zip(blocks, widths)):
            for j in range(n):
                layers.append(BasicBlock(cin, w, 2 if (j == 0 and i > 0) else 1, dprs[k]))
                cin, k = w, k + 1
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(cin, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


x = torch.ones(20000, 3)
for mode in ("row", "batch"):
    out = stochastic_depth(x, 0.3, mode)
    print(f"{mode}: mean {out.mean().item():.4f} kept frac {(out[:, 0] > 0).float().mean().item():.4f} unique {sorted(set(round(v, 4) for v in out.unique().tolist()))}")
print("eval is identity:", torch.equal(stochastic_depth(x, 0.3, "row", training=False), x))
for bad in ((1.5, "row"), (0.1, "col")):
    try:
        stochastic_depth(x, *bad)
    except ValueError as e:
        print("ValueError:", e)

pixels, labels = digits()
X = torch.from_numpy(pixels).float().view(-1, 1, 8, 8) / 16.0
X = (X - X.mean()) / X.std()
y = torch.from_numpy(labels)
Xtr, ytr, Xte, yte = X[:600], y[:600], X[1200:1400], y[1200:1400]

model = ResNet(widths=(8, 16))
print(model.layers[3])
print("drop rates", [round(b.drop_path.p, 4) for b in model.layers])
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, weight_decay=5e-4, nesterov=True)
steps_per_epoch, epochs = len(Xtr) // 100, 4
warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=steps_per_epoch)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_per_epoch * (epochs - 1))
sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[steps_per_epoch])
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(Xtr))
    tot = 0.0
    for idx in perm.split(100):
        loss = crit(model(Xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item()
    model.eval()
    with torch.no_grad():
        logits = model(Xte)
        acc = (logits.argmax(1) == yte).float().mean().item()
        test_loss = F.cross_entropy(logits, yte).item()
    print(f"epoch {epoch} train loss {tot / steps_per_epoch:.4f} test loss {test_loss:.4f} acc {acc:.4f} lr {sched.get_last_lr()[0]:.5f}")
print("bn2 weight of block 0", [round(v, 4) for v in model.layers[0].bn2.weight[:4].tolist()])
