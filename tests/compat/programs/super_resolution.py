"""PyTorch's super_resolution example on the bundled 8x8 digits: low-resolution
4x4 inputs (avg_pool2d) are upscaled 2x by an efficient sub-pixel CNN (Conv2d
then PixelShuffle), trained with MSELoss and Adam, scored by PSNR. The
orthogonal_ init with calculate_gain('relu') is checked by its properties (the
random streams differ); training starts from fixed weights so losses agree."""

import argparse
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

parser = argparse.ArgumentParser(description="super resolution on digits")
parser.add_argument("--upscale_factor", type=int, default=2)
parser.add_argument("--batchSize", type=int, default=100)
parser.add_argument("--nEpochs", type=int, default=4)
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--seed", type=int, default=123)
opt = parser.parse_args()
torch.set_num_threads(1)
torch.manual_seed(opt.seed)


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


model = Net(upscale_factor=opt.upscale_factor)
# orthogonal_: the flattened rows are orthonormal up to the gain
for name in ["conv1", "conv2", "conv3", "conv4"]:
    w = getattr(model, name).weight
    flat = w.detach().reshape(w.shape[0], -1)
    gram = flat @ flat.t()
    gain = init.calculate_gain('relu') if name != "conv4" else 1.0
    off = (gram - torch.eye(w.shape[0]) * gain ** 2).abs().max().item()
    print(f"orthogonal {name} {tuple(w.shape)} gain {gain:.4f} rows orthonormal {off < 1e-4}")
print(f"gains relu {init.calculate_gain('relu'):.6f} tanh {init.calculate_gain('tanh'):.6f} "
      f"leaky {init.calculate_gain('leaky_relu', 0.2):.6f} selu {init.calculate_gain('selu'):.6f}")

# a wide matrix: orthogonal columns instead
wide = torch.empty(3, 7)
init.orthogonal_(wide)
print("wide orthogonal", torch.allclose(wide @ wide.t(), torch.eye(3), atol=1e-5))

# fixed weights from here on, so both frameworks train the same network
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        fan_in = p[0].numel() if p.dim() > 1 else p.numel()
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.7 + i).reshape(p.shape) / fan_in ** 0.5)

pixels, _ = digits()
hr = torch.tensor(pixels[:1200], dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
lr_img = F.avg_pool2d(hr, opt.upscale_factor)
print("shapes", tuple(lr_img.shape), tuple(model(lr_img[:2]).shape))

# pixel shuffle and its inverse
x = torch.arange(2 * 8 * 2 * 3, dtype=torch.float32).reshape(2, 8, 2, 3)
ps = F.pixel_shuffle(x, 2)
print("pixel_shuffle", tuple(ps.shape), ps[1, 0, 1].tolist())
print("unshuffle round trip", torch.equal(F.pixel_unshuffle(ps, 2), x), tuple(nn.PixelUnshuffle(2)(ps).shape))

train_set = TensorDataset(lr_img[:1000], hr[:1000])
test_set = TensorDataset(lr_img[1000:], hr[1000:])
training_data_loader = DataLoader(dataset=train_set, batch_size=opt.batchSize, shuffle=False)
testing_data_loader = DataLoader(dataset=test_set, batch_size=50, shuffle=False)

criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=opt.lr)


def train(epoch):
    epoch_loss = 0
    for iteration, batch in enumerate(training_data_loader, 1):
        input, target = batch[0], batch[1]
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
    print("===> Epoch {} Complete: Avg. Loss: {:.6f}".format(epoch, epoch_loss / len(training_data_loader)))


def test():
    avg_psnr = 0
    with torch.no_grad():
        for batch in testing_data_loader:
            input, target = batch[0], batch[1]
            prediction = model(input)
            mse = criterion(prediction, target)
            psnr = 10 * math.log10(1 / mse.item())
            avg_psnr += psnr
    print("===> Avg. PSNR: {:.4f} dB".format(avg_psnr / len(testing_data_loader)))


for epoch in range(1, opt.nEpochs + 1):
    train(epoch)
    test()

# baselines: nearest and bilinear upsampling of the low-resolution test images
with torch.no_grad():
    for mode in ["nearest", "bilinear", "bicubic"]:
        kw = {} if mode == "nearest" else {"align_corners": False}
        up = F.interpolate(lr_img[1000:], scale_factor=opt.upscale_factor, mode=mode, **kw)
        print(f"{mode} baseline PSNR {10 * math.log10(1 / F.mse_loss(up, hr[1000:]).item()):.4f} dB")
    out = model(lr_img[1000:1001]).clamp(0, 1)
    print("output range", f"{out.min().item():.4f}", f"{out.max().item():.4f}")
