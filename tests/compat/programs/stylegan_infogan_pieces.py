"""StyleGAN2 and InfoGAN/AC-GAN building blocks as rosinality/stylegan2-pytorch and the PyTorch-GAN
collection write them, trained for a few steps on the bundled 8x8 digits: EqualLinear/EqualConv2d
(weights scaled at run time by 1/sqrt(fan_in) * lr_mul), PixelNorm (x * rsqrt(mean(x^2) + 1e-8)), a
mapping network, ModulatedConv2d (style-modulated weights, demodulation by rsqrt of the squared sum,
the batch folded into groups: input.view(1, batch * in_ch, h, w) and F.conv2d(groups=batch)),
NoiseInjection with a zero-initialized weight, minibatch standard deviation (view/var(0, unbiased=False)
/sqrt/mean/repeat/cat), the non-saturating logistic loss by F.softplus, the R1 penalty from
torch.autograd.grad(create_graph=True) on real images, path-length style grad of noise-weighted
images; InfoGAN's categorical + continuous codes with an auxiliary Q head (cross_entropy + MSE), an
AC-GAN auxiliary classifier, itertools.chain of two modules' parameters in one Adam, requires_grad
toggling between generator and discriminator phases, and accumulate() of an EMA generator."""

import itertools
import math
from copy import deepcopy

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
X = torch.tensor(X / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)
y = torch.tensor(y)


class PixelNorm(nn.Module):
    def forward(self, input):
        return input * torch.rsqrt(torch.mean(input ** 2, dim=1, keepdim=True) + 1e-8)


class EqualLinear(nn.Module):
    def __init__(self, in_dim, out_dim, bias=True, bias_init=0, lr_mul=1, activation=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim).div_(lr_mul))
        self.bias = nn.Parameter(torch.zeros(out_dim).fill_(bias_init)) if bias else None
        self.activation = activation
        self.scale = (1 / math.sqrt(in_dim)) * lr_mul
        self.lr_mul = lr_mul

    def forward(self, input):
        out = F.linear(input, self.weight * self.scale, bias=self.bias * self.lr_mul)
        return F.leaky_relu(out, 0.2) * math.sqrt(2) if self.activation else out

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[1]}, {self.weight.shape[0]})"


class EqualConv2d(nn.Module):
    def __init__(self, in_channel, out_channel, kernel_size, stride=1, padding=0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channel, in_channel, kernel_size, kernel_size))
        self.scale = 1 / math.sqrt(in_channel * kernel_size ** 2)
        self.stride, self.padding = stride, padding
        self.bias = nn.Parameter(torch.zeros(out_channel))

    def forward(self, input):
        return F.conv2d(input, self.weight * self.scale, bias=self.bias, stride=self.stride, padding=self.padding)


class ModulatedConv2d(nn.Module):
    def __init__(self, in_channel, out_channel, kernel_size, style_dim, demodulate=True):
        super().__init__()
        self.eps, self.kernel_size = 1e-8, kernel_size
        self.in_channel, self.out_channel = in_channel, out_channel
        self.scale = 1 / math.sqrt(in_channel * kernel_size ** 2)
        self.padding = kernel_size // 2
        self.weight = nn.Parameter(torch.randn(1, out_channel, in_channel, kernel_size, kernel_size))
        self.modulation = EqualLinear(style_dim, in_channel, bias_init=1)
        self.demodulate = demodulate

    def forward(self, input, style):
        batch, in_channel, height, width = input.shape
        style = self.modulation(style).view(batch, 1, in_channel, 1, 1)
        weight = self.scale * self.weight * style
        if self.demodulate:
            demod = torch.rsqrt(weight.pow(2).sum([2, 3, 4]) + 1e-8)
            weight = weight * demod.view(batch, self.out_channel, 1, 1, 1)
        weight = weight.view(batch * self.out_channel, in_channel, self.kernel_size, self.kernel_size)
        input = input.view(1, batch * in_channel, height, width)
        out = F.conv2d(input, weight, padding=self.padding, groups=batch)
        _, _, height, width = out.shape
        return out.view(batch, self.out_channel, height, width)


class NoiseInjection(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, image, noise=None):
        if noise is None:
            batch, _, height, width = image.shape
            noise = image.new_empty(batch, 1, height, width).normal_()
        return image + self.weight * noise


class Generator(nn.Module):
    def __init__(self, z_dim=16, style_dim=32, n_cat=10, n_cont=2):
        super().__init__()
        self.z_dim, self.n_cat, self.n_cont = z_dim, n_cat, n_cont
        layers = [PixelNorm()] + [EqualLinear(style_dim if i else z_dim + n_cat + n_cont, style_dim,
                                              lr_mul=0.01, activation=True) for i in range(3)]
        self.style = nn.Sequential(*layers)
        self.input = nn.Parameter(torch.randn(1, 16, 4, 4))
        self.conv1 = ModulatedConv2d(16, 16, 3, style_dim)
        self.noise1 = NoiseInjection()
        self.conv2 = ModulatedConv2d(16, 8, 3, style_dim)
        self.noise2 = NoiseInjection()
        self.to_img = ModulatedConv2d(8, 1, 1, style_dim, demodulate=False)

    def forward(self, z, c_cat, c_cont):
        w = self.style(torch.cat([z, F.one_hot(c_cat, self.n_cat).float(), c_cont], 1))
        x = self.input.repeat(z.shape[0], 1, 1, 1)
        x = F.leaky_relu(self.noise1(self.conv1(x, w)), 0.2)
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = F.leaky_relu(self.noise2(self.conv2(x, w)), 0.2)
        return torch.tanh(self.to_img(x, w)), w


class Discriminator(nn.Module):
    def __init__(self, n_cat=10, n_cont=2):
        super().__init__()
        self.conv1 = EqualConv2d(1, 16, 3, padding=1)
        self.conv2 = EqualConv2d(16, 32, 3, stride=2, padding=1)
        self.stddev_group, self.stddev_feat = 4, 1
        self.final = EqualLinear(33 * 4 * 4, 64, activation=True)
        self.adv = EqualLinear(64, 1)
        self.q_cat = EqualLinear(64, n_cat)
        self.q_cont = EqualLinear(64, n_cont)

    def forward(self, x):
        out = F.leaky_relu(self.conv1(x), 0.2)
        out = F.leaky_relu(self.conv2(out), 0.2)
        batch, channel, height, width = out.shape
        group = min(batch, self.stddev_group)
        stddev = out.view(group, -1, self.stddev_feat, channel // self.stddev_feat, height, width)
        stddev = torch.sqrt(stddev.var(0, unbiased=False) + 1e-8)
        stddev = stddev.mean([2, 3, 4], keepdims=True).squeeze(2)
        stddev = stddev.repeat(group, 1, height, width)
        out = torch.cat([out, stddev], 1)
        h = self.final(out.view(batch, -1))
        return self.adv(h).squeeze(1), self.q_cat(h), self.q_cont(h)


def requires_grad(model, flag=True):
    for p in model.parameters():
        p.requires_grad = flag


def accumulate(model1, model2, decay=0.999):
    par1, par2 = dict(model1.named_parameters()), dict(model2.named_parameters())
    for k in par1.keys():
        par1[k].data.mul_(decay).add_(par2[k].data, alpha=1 - decay)


def d_r1_loss(real_pred, real_img):
    (grad_real,) = torch.autograd.grad(outputs=real_pred.sum(), inputs=real_img, create_graph=True)
    return grad_real.pow(2).reshape(grad_real.shape[0], -1).sum(1).mean()


gen, disc = Generator(), Discriminator()
g_ema = deepcopy(gen)
g_ema.eval()
accumulate(g_ema, gen, 0)
print(gen.style)
print("generator params", sum(p.numel() for p in gen.parameters()), "disc params",
      sum(p.numel() for p in disc.parameters()))
try:
    torch.optim.Adam(gen.parameters(), lr=2e-3, betas=(0, 0.99))
except ValueError as e:
    print("int beta refused:", str(e)[:48])
g_optim = torch.optim.Adam(gen.parameters(), lr=2e-3, betas=(0 ** 0.8, 0.99 ** 0.8))
d_optim = torch.optim.Adam(disc.parameters(), lr=2e-3, betas=(0.0, 0.99))
info_optim = torch.optim.Adam(itertools.chain(gen.parameters(), disc.q_cat.parameters(),
                                              disc.q_cont.parameters(), disc.final.parameters()), lr=1e-3)
mc = ModulatedConv2d(3, 2, 3, 4)
inp, sty = torch.randn(2, 3, 5, 5), torch.randn(2, 4)
out = mc(inp, sty)
ref = torch.stack([F.conv2d(inp[i:i + 1], (mc.scale * mc.weight[0] * mc.modulation(sty)[i].view(1, 3, 1, 1)) *
                            torch.rsqrt((mc.scale * mc.weight[0] * mc.modulation(sty)[i].view(1, 3, 1, 1))
                                        .pow(2).sum([1, 2, 3]) + 1e-8).view(2, 1, 1, 1), padding=1)[0]
                   for i in range(2)])
print("grouped conv == per-sample conv:", torch.allclose(out, ref, atol=1e-5), tuple(out.shape))

B = 16
for step in range(40):
    idx = torch.randint(0, len(X), (B,))
    real = X[idx]
    z = torch.randn(B, 16)
    c_cat = torch.randint(0, 10, (B,))
    c_cont = torch.rand(B, 2) * 2 - 1
    requires_grad(gen, False)
    requires_grad(disc, True)
    fake, _ = gen(z, c_cat, c_cont)
    fake_pred, _, _ = disc(fake)
    real_pred, real_cls, _ = disc(real)
    d_loss = F.softplus(fake_pred).mean() + F.softplus(-real_pred).mean()
    d_loss = d_loss + 0.5 * F.cross_entropy(real_cls, y[idx])  # AC-GAN head on real labels
    d_optim.zero_grad()
    d_loss.backward()
    d_optim.step()
    if step % 4 == 0:
        real.requires_grad = True
        real_pred, _, _ = disc(real)
        r1_loss = d_r1_loss(real_pred, real)
        d_optim.zero_grad()
        (10 / 2 * r1_loss * 4 + 0 * real_pred[0]).backward()
        d_optim.step()
    requires_grad(gen, True)
    requires_grad(disc, False)
    fake, w = gen(z, c_cat, c_cont)
    fake_pred, q_cat, q_cont = disc(fake)
    g_loss = F.softplus(-fake_pred).mean()
    g_optim.zero_grad()
    g_loss.backward()
    g_optim.step()
    requires_grad(disc, True)
    fake, _ = gen(z, c_cat, c_cont)
    _, q_cat, q_cont = disc(fake)
    info_loss = F.cross_entropy(q_cat, c_cat) + 0.1 * F.mse_loss(q_cont, c_cont)
    info_optim.zero_grad()
    info_loss.backward()
    info_optim.step()
    accumulate(g_ema, gen, 0.9)
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} d {d_loss.item():.5f} g {g_loss.item():.5f} r1 {r1_loss.item():.5f} "
              f"info {info_loss.item():.5f}")

fake, w = gen(z, c_cat, c_cont)
noise = torch.randn_like(fake) / math.sqrt(fake.shape[2] * fake.shape[3])
(grad,) = torch.autograd.grad((fake * noise).sum(), w, retain_graph=True)
print(f"path length {torch.sqrt(grad.pow(2).sum(1)).mean().item():.6f}")
print("noise weights", f"{gen.noise1.weight.item():.6f}", f"{gen.noise2.weight.item():.6f}")
with torch.no_grad():
    g = torch.Generator().manual_seed(9)
    zs = torch.randn(10, 16, generator=g)
    imgs, _ = g_ema(zs, torch.arange(10), torch.zeros(10, 2))
print("ema samples", tuple(imgs.shape), f"mean {imgs.mean().item():.5f} std {imgs.std().item():.5f}")
print("ema vs gen distance", f"{sum((a - b).norm().item() for a, b in zip(g_ema.parameters(), gen.parameters())):.5f}")
