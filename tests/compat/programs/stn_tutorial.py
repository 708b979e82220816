"""The "Spatial Transformer Networks" tutorial on the bundled digits (upsampled
to 16x16): a classifier with a localization net (nn.Sequential of Conv2d,
MaxPool2d, ReLU), fc_loc regressing the 2x3 theta initialised to the identity
(fc_loc[2].weight.data.zero_() and bias.data.copy_), stn() via F.affine_grid
and F.grid_sample, trained with SGD and F.nll_loss on log_softmax; then the
sampling options themselves: align_corners True/False, nearest and bilinear,
zeros / border / reflection padding, 3-d grids, and gradients flowing to
theta and to the input. Fixed weights: every number agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from _data import digits

torch.manual_seed(0)
pixels, labels = digits()
imgs = torch.tensor(pixels[:256] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
imgs = F.interpolate(imgs, size=(16, 16), mode="bilinear", align_corners=False)
imgs = (imgs - 0.1307) / 0.3081
targets = torch.tensor(labels[:256])
print("images", tuple(imgs.shape), round(imgs.mean().item(), 5), round(imgs.std().item(), 5))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3)
        self.conv2 = nn.Conv2d(6, 10, kernel_size=3)
        self.conv2_drop = nn.Dropout2d(p=0.0)
        self.fc1 = nn.Linear(10 * 2 * 2, 24)
        self.fc2 = nn.Linear(24, 10)

        # Spatial transformer localization-network
        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=5),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(4, 6, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True)
        )

        # Regressor for the 3 * 2 affine matrix
        self.fc_loc = nn.Sequential(
            nn.Linear(6 * 2 * 2, 16),
            nn.ReLU(True),
            nn.Linear(16, 3 * 2)
        )

    def fix(self):
        with torch.no_grad():
            for i, p in enumerate(self.parameters()):
                p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.3 + i).reshape(p.shape) * 0.25)
        # Initialize the weights/bias with identity transformation
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))
        return self

    # Spatial transformer network forward function
    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 6 * 2 * 2)
        theta = self.fc_loc(xs)
        theta = theta.view(-1, 2, 3)

        grid = F.affine_grid(theta, x.size(), align_corners=False)
        x = F.grid_sample(x, grid, align_corners=False)

        return x

    def forward(self, x):
        # transform the input
        x = self.stn(x)

        # Perform the usual forward pass
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 10 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training, p=0.0)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


model = Net().fix()
with torch.no_grad():
    same = model.stn(imgs[:4])
print("identity stn max diff", round((same - imgs[:4]).abs().max().item(), 5))
optimizer = optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
order = np.random.default_rng(0).permutation(256)
for epoch in range(1, 3):  # (a third epoch: float32 rounding grows enough to part PyTorch on AVX2 and AVX-512)
    model.train()
    for batch_idx in range(8):
        idx = torch.from_numpy(order[batch_idx * 32:(batch_idx + 1) * 32])
        data, target = imgs[idx], targets[idx]
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 4 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), 256, 100. * batch_idx / 8, loss.item()))
    with torch.no_grad():
        model.eval()
        output = model(imgs)
        test_loss = F.nll_loss(output, targets, reduction='sum').item() / 256
        pred = output.max(1, keepdim=True)[1]
        correct = pred.eq(targets.view_as(pred)).sum().item()
        print('Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)'.format(
            test_loss, correct, 256, 100. * correct / 256))

with torch.no_grad():
    theta = model.fc_loc(model.localization(imgs[:3]).view(-1, 24)).view(-1, 2, 3)
print("learned theta", [round(v, 4) for v in theta[0].flatten().tolist()])

# ---------------------------------------------------------------- the sampling options
img = torch.arange(1.0, 21.0).reshape(1, 1, 4, 5)
rot = torch.tensor([[[0.8, -0.6, 0.1], [0.6, 0.8, -0.2]]])
for align in (True, False):
    grid = F.affine_grid(rot, (1, 1, 3, 4), align_corners=align)
    print("grid", align, [round(v, 4) for v in grid[0, 0].flatten().tolist()], [round(v, 4) for v in grid[0, -1, -1].tolist()])
    for mode in ("bilinear", "nearest"):
        for pad in ("zeros", "border", "reflection"):
            out = F.grid_sample(img, grid, mode=mode, padding_mode=pad, align_corners=align)
            print(f"sample align={align} {mode:8s} {pad:10s}", [round(v, 4) for v in out.flatten().tolist()])

zoom = torch.tensor([[[1.5, 0.0, 0.0], [0.0, 1.5, 0.0]]])
g = F.affine_grid(zoom, (1, 1, 4, 4), align_corners=False)
print("zoomed out", F.grid_sample(img[:, :, :4, :4], g, align_corners=False, padding_mode="zeros").squeeze())

theta = torch.tensor([[[0.9, 0.1, 0.05], [-0.1, 1.1, 0.0]]], requires_grad=True)
x = torch.linspace(-1, 1, 36).reshape(1, 1, 6, 6).requires_grad_()
y = F.grid_sample(x, F.affine_grid(theta, (1, 1, 5, 5), align_corners=False), align_corners=False)
(y ** 2).sum().backward()
print("theta grad", [round(v, 5) for v in theta.grad.flatten().tolist()])
print("input grad sum", round(x.grad.sum().item(), 5), "nonzero", int((x.grad != 0).sum()))

theta3 = torch.tensor([[[1.0, 0.0, 0.0, 0.1], [0.0, 0.9, 0.0, 0.0], [0.0, 0.0, 1.1, -0.1]]])
vol = torch.arange(24.0).reshape(1, 1, 2, 3, 4)
g3 = F.affine_grid(theta3, (1, 1, 2, 2, 3), align_corners=True)
print("3d grid shape", tuple(g3.shape), [round(v, 4) for v in g3[0, 1, 1, 2].tolist()])
print("3d sample", [round(v, 4) for v in F.grid_sample(vol, g3, align_corners=True).flatten().tolist()])
