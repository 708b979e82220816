"""A tiny DCGAN in the shape of PyTorch's dcgan example, on the bundled 8x8
digits: ConvTranspose2d/BatchNorm2d/ReLU/Tanh generator, Conv2d/LeakyReLU/
Sigmoid discriminator, BCELoss, .detach(), two Adams with betas, a weights_init
applied by class name. Weights and noise are fixed (the noise from numpy), so
the losses can be compared closely."""

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from _data import digits

nz, ngf, ndf, batch_size = 8, 16, 16, 50
device = torch.device("cpu")
real_label, fake_label = 1.0, 0.0


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        n = m.weight.numel()
        m.weight.data.copy_(0.05 * torch.cos(torch.arange(n, dtype=torch.float32) * 0.37).view_as(m.weight))
    elif classname.find("BatchNorm") != -1:
        n = m.weight.numel()
        m.weight.data.copy_(1.0 + 0.02 * torch.sin(torch.arange(n, dtype=torch.float32)))
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 2, 1, 0, bias=False),  # 2x2
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # 4x4
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),  # 8x8
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False),  # 4x4
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),  # 2x2
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 2, 1, 0, bias=False),  # 1x1
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


pixels, _ = digits()
images = torch.from_numpy(pixels[:500]).float().div(8.0).sub(1.0).view(-1, 1, 8, 8)
noise_source = np.random.RandomState(0)

netG = Generator().to(device)
netG.apply(weights_init)
netD = Discriminator().to(device)
netD.apply(weights_init)
criterion = nn.BCELoss()
fixed_noise = torch.from_numpy(noise_source.randn(16, nz, 1, 1)).float()
optimizerD = optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=2e-3, betas=(0.5, 0.999))

for epoch in range(2):
    for i in range(0, len(images), batch_size):
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real_cpu = images[i : i + batch_size].to(device)
        b_size = real_cpu.size(0)
        label = torch.full((b_size,), real_label, dtype=real_cpu.dtype, device=device)
        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        noise = torch.from_numpy(noise_source.randn(b_size, nz, 1, 1)).float()
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        # (2) Update G network: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        print(f"[{epoch}/2][{i // batch_size}/{len(images) // batch_size}] Loss_D: {errD.item():.5f} "
              f"Loss_G: {errG.item():.5f} D(x): {D_x:.5f} D(G(z)): {D_G_z1:.5f} / {D_G_z2:.5f}")

netG.eval()
with torch.no_grad():
    fake = netG(fixed_noise).detach().cpu()
print(f"fixed-noise samples mean {fake.mean().item():.5f} std {fake.std().item():.5f}")
