"""A p4 group-equivariant CNN (Cohen & Welling), as the GrouPy-style tutorials write it: a lifting
convolution whose filter bank is the four torch.rot90 copies of each filter, group convolutions that
rotate the spatial filter and cyclically roll its rotation axis, max pooling over rotations for an
invariant read-out, numerical checks of equivariance on a rotated input, and a comparison with a plain
CNN on a task whose test set is rotated."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


class LiftingConv(nn.Module):
    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, k, k) / (c_in * k * k) ** 0.5)
        self.bias = nn.Parameter(torch.zeros(c_out))

    def forward(self, x):
        w = torch.stack([torch.rot90(self.weight, r, dims=(2, 3)) for r in range(4)], dim=1)
        c_out = w.shape[0]
        y = F.conv2d(x, w.reshape(c_out * 4, *w.shape[2:]), padding=self.weight.shape[-1] // 2)
        return y.view(x.shape[0], c_out, 4, *y.shape[-2:]) + self.bias.view(1, -1, 1, 1, 1)


class GroupConv(nn.Module):
    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, 4, k, k) / (c_in * 4 * k * k) ** 0.5)
        self.bias = nn.Parameter(torch.zeros(c_out))

    def forward(self, x):
        filters = []
        for r in range(4):
            w = torch.rot90(self.weight, r, dims=(3, 4))
            filters.append(torch.roll(w, shifts=r, dims=2))
        w = torch.stack(filters, dim=1)  # (c_out, 4, c_in, 4, k, k)
        c_out, c_in = w.shape[0], w.shape[2]
        b, _, _, h, wd = x.shape
        y = F.conv2d(x.reshape(b, c_in * 4, h, wd), w.reshape(c_out * 4, c_in * 4, *w.shape[-2:]),
                     padding=w.shape[-1] // 2)
        return y.view(b, c_out, 4, h, wd) + self.bias.view(1, -1, 1, 1, 1)


class P4CNN(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.lift = LiftingConv(1, 4, 3)
        self.gconv = GroupConv(4, 6, 3)
        self.fc = nn.Linear(6, n_classes)

    def features(self, x):
        return self.gconv(F.relu(self.lift(x)))

    def forward(self, x):
        h = F.relu(self.features(x))
        return self.fc(h.amax(dim=2).mean(dim=(-1, -2)))


class PlainCNN(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 12, 3, padding=1),
                                 nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, n_classes))

    def forward(self, x):
        return self.net(x)


SHAPES = [torch.tensor([[1, 0, 0], [1, 0, 0], [1, 1, 1]]), torch.tensor([[1, 1, 1], [0, 1, 0], [0, 1, 0]]),
          torch.tensor([[1, 1, 0], [0, 1, 1], [0, 0, 1]])]


def make(n, gen, rotate):
    x = 0.1 * torch.randn(n, 1, 9, 9, generator=gen)
    y = torch.randint(0, 3, (n,), generator=gen)
    where = torch.randint(0, 6, (n, 2), generator=gen)
    rots = torch.randint(0, 4, (n,), generator=gen) if rotate else torch.zeros(n, dtype=torch.long)
    for i in range(n):
        s = torch.rot90(SHAPES[y[i]].float(), int(rots[i]))
        r, c = where[i].tolist()
        x[i, 0, r: r + 3, c: c + 3] += s
    return x, y


model = P4CNN()
x = torch.randn(2, 1, 9, 9)
with torch.no_grad():
    f = model.features(x)
    f_rot = model.features(torch.rot90(x, 1, dims=(2, 3)))
    expected = torch.roll(torch.rot90(f, 1, dims=(3, 4)), shifts=1, dims=2)
    print("feature shape", tuple(f.shape), "equivariant", (f_rot - expected).abs().max().item() < 1e-5)
    inv = (model(x) - model(torch.rot90(x, 2, dims=(2, 3)))).abs().max().item()
    print("invariant", inv < 1e-5)

gen = torch.Generator().manual_seed(0)
x_train, y_train = make(96, gen, rotate=False)
x_test, y_test = make(96, gen, rotate=True)
for name, net in [("p4", P4CNN()), ("plain", PlainCNN())]:
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for epoch in range(12):
        perm = torch.randperm(96, generator=gen)
        for k in range(0, 96, 32):
            idx = perm[k: k + 32]
            loss = F.cross_entropy(net(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        train_acc = (net(x_train).argmax(1) == y_train).float().mean().item()
        test_acc = (net(x_test).argmax(1) == y_test).float().mean().item()
    n_params = sum(p.numel() for p in net.parameters())
    print(f"{name} | params {n_params} | last loss {loss.item():.4f} | train acc {train_acc:.4f} | "
          f"rotated test acc {test_acc:.4f}")
