"""WGAN and WGAN-GP on 2-D toy data as the improved-WGAN PyTorch ports
(caogang/wgan-gp gan_toy.py) write them, at toy size: an 8-Gaussians data
generator, critic and generator MLPs, the gradient penalty from
torch.autograd.grad(outputs=disc_interpolates, inputs=interpolates,
grad_outputs=torch.ones(...), create_graph=True, retain_graph=True,
only_inputs=True)[0] with interpolates built from torch.rand(B, 1).expand and
requires_grad_, the one / mone backward(mone) idiom, CRITIC_ITERS critic steps
per generator step with requires_grad toggling on the critic's parameters, Adam
with betas=(0.5, 0.9); the original WGAN with RMSprop and weight clipping by
p.data.clamp_; and a hinge-loss variant with the penalty's norm printed.
Seeded, so every number agrees with PyTorch."""

import random

import numpy as np
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(1)
random.seed(1)
np.random.seed(1)  # noqa: NPY002 - gan_toy.py seeds the global numpy generator

DIM = 32
LAMBDA = 0.1
CRITIC_ITERS = 5
BATCH_SIZE = 64
ITERS = 12


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        main = nn.Sequential(nn.Linear(2, DIM), nn.ReLU(True), nn.Linear(DIM, DIM), nn.ReLU(True),
                             nn.Linear(DIM, 2))
        self.main = main

    def forward(self, noise, real_data):
        output = self.main(noise)
        return output


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        main = nn.Sequential(nn.Linear(2, DIM), nn.ReLU(True), nn.Linear(DIM, DIM), nn.ReLU(True),
                             nn.Linear(DIM, 1))
        self.main = main

    def forward(self, inputs):
        output = self.main(inputs)
        return output.view(-1)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Linear") != -1:
        m.weight.data.normal_(0.0, 0.1)
        m.bias.data.fill_(0)
    elif classname.find("BatchNorm") != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


def inf_train_gen():
    scale = 2.0
    centers = [(1, 0), (-1, 0), (0, 1), (0, -1), (1.0 / np.sqrt(2), 1.0 / np.sqrt(2)),
               (1.0 / np.sqrt(2), -1.0 / np.sqrt(2)), (-1.0 / np.sqrt(2), 1.0 / np.sqrt(2)),
               (-1.0 / np.sqrt(2), -1.0 / np.sqrt(2))]
    centers = [(scale * x, scale * y) for x, y in centers]
    while True:
        dataset = []
        for i in range(BATCH_SIZE):
            point = np.random.randn(2) * 0.02  # noqa: NPY002
            center = random.choice(centers)
            point[0] += center[0]
            point[1] += center[1]
            dataset.append(point)
        dataset = np.array(dataset, dtype="float32")
        dataset /= 1.414  # stdev
        yield dataset


def calc_gradient_penalty(netD, real_data, fake_data):
    alpha = torch.rand(BATCH_SIZE, 1)
    alpha = alpha.expand(real_data.size())
    interpolates = alpha * real_data + ((1 - alpha) * fake_data)
    interpolates = autograd.Variable(interpolates, requires_grad=True)
    disc_interpolates = netD(interpolates)
    gradients = autograd.grad(outputs=disc_interpolates, inputs=interpolates,
                              grad_outputs=torch.ones(disc_interpolates.size()),
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA
    return gradient_penalty


netG = Generator()
netD = Discriminator()
netD.apply(weights_init)
netG.apply(weights_init)
print(netD)
optimizerD = optim.Adam(netD.parameters(), lr=1e-4, betas=(0.5, 0.9))
optimizerG = optim.Adam(netG.parameters(), lr=1e-4, betas=(0.5, 0.9))
one = torch.tensor(1, dtype=torch.float)
mone = one * -1
data = inf_train_gen()

for iteration in range(ITERS):
    for p in netD.parameters():  # reset requires_grad
        p.requires_grad = True  # they are set to False below in netG update
    for iter_d in range(CRITIC_ITERS):
        _data = next(data)
        real_data = torch.Tensor(_data)
        real_data_v = autograd.Variable(real_data)
        netD.zero_grad()
        D_real = netD(real_data_v)
        D_real = D_real.mean()
        D_real.backward(mone)
        noise = torch.randn(BATCH_SIZE, 2)
        with torch.no_grad():
            noisev = autograd.Variable(noise)  # totally freeze netG
        fake = autograd.Variable(netG(noisev, real_data_v).data)
        inputv = fake
        D_fake = netD(inputv)
        D_fake = D_fake.mean()
        D_fake.backward(one)
        gradient_penalty = calc_gradient_penalty(netD, real_data_v.data, fake.data)
        gradient_penalty.backward()
        D_cost = D_fake - D_real + gradient_penalty
        Wasserstein_D = D_real - D_fake
        optimizerD.step()
    for p in netD.parameters():
        p.requires_grad = False  # to avoid computation
    netG.zero_grad()
    _data = next(data)
    real_data = torch.Tensor(_data)
    real_data_v = autograd.Variable(real_data)
    noise = torch.randn(BATCH_SIZE, 2)
    noisev = autograd.Variable(noise)
    fake = netG(noisev, real_data_v)
    G = netD(fake)
    G = G.mean()
    G.backward(mone)
    G_cost = -G
    optimizerG.step()
    if iteration % 3 == 2:
        print(f"iter {iteration} D_cost {D_cost.item():.6f} G_cost {G_cost.item():.6f} "
              f"W_dist {Wasserstein_D.item():.6f} GP {gradient_penalty.item():.6f}")
print("critic frozen", all(not p.requires_grad for p in netD.parameters()),
      "G grads", all(p.grad is not None for p in netG.parameters()))

# the penalty's gradient reaches the critic's weights through the double backward
for p in netD.parameters():
    p.requires_grad_(True)
netD.zero_grad()
x = torch.randn(16, 2, requires_grad=True)
out = netD(x)
(grad_x,) = torch.autograd.grad(out, x, grad_outputs=torch.ones_like(out), create_graph=True)
penalty = ((grad_x.norm(2, dim=1) - 1) ** 2).mean()
penalty.backward()
# (the weight gradient sums terms of both signs, so float32 rounding of the trained critic shows at 1e-4)
print(f"double backward penalty {penalty.item():.6f} weight grad norm "
      f"{netD.main[0].weight.grad.norm().item():.4f} input grad {x.grad.abs().sum().item():.6f}")

# the original WGAN: RMSprop and weight clipping
torch.manual_seed(2)
netD2, netG2 = Discriminator(), Generator()
optD2 = optim.RMSprop(netD2.parameters(), lr=5e-4)
optG2 = optim.RMSprop(netG2.parameters(), lr=5e-4)
for it in range(6):
    for _ in range(CRITIC_ITERS):
        for p in netD2.parameters():
            p.data.clamp_(-0.05, 0.05)
        real = torch.from_numpy(next(data))
        fake = netG2(torch.randn(BATCH_SIZE, 2), real).detach()
        errD = -(netD2(real).mean() - netD2(fake).mean())
        optD2.zero_grad()
        errD.backward()
        optD2.step()
    errG = -netD2(netG2(torch.randn(BATCH_SIZE, 2), real)).mean()
    optG2.zero_grad()
    errG.backward()
    optG2.step()
    print(f"wgan {it} errD {errD.item():.6f} errG {errG.item():.6f}")
for p in netD2.parameters():
    p.data.clamp_(-0.05, 0.05)
print("clipped", max(p.data.abs().max().item() for p in netD2.parameters()) <= 0.05 + 1e-7,
      "at the bound", sum(int((p.data.abs() == 0.05).sum()) for p in netD2.parameters()))

# hinge objectives with the gradient penalty through torch.ones_like
torch.manual_seed(3)
netD3, netG3 = Discriminator(), Generator()
optD3 = optim.Adam(netD3.parameters(), lr=2e-4, betas=(0.0, 0.9))
optG3 = optim.Adam(netG3.parameters(), lr=2e-4, betas=(0.0, 0.9))
for it in range(6):
    real = torch.from_numpy(next(data))
    fake = netG3(torch.randn(BATCH_SIZE, 2), real)
    d_loss = torch.relu(1.0 - netD3(real)).mean() + torch.relu(1.0 + netD3(fake.detach())).mean()
    eps = torch.rand(BATCH_SIZE, 1)
    x_hat = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    d_hat = netD3(x_hat)
    grad = torch.autograd.grad(d_hat, x_hat, torch.ones_like(d_hat), create_graph=True)[0]
    gp = ((grad.view(grad.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()
    optD3.zero_grad()
    (d_loss + 10 * gp).backward()
    optD3.step()
    g_loss = -netD3(fake).mean()
    optG3.zero_grad()
    g_loss.backward()
    optG3.step()
    print(f"hinge {it} d_loss {d_loss.item():.6f} gp {gp.item():.6f} g_loss {g_loss.item():.6f}")
samples = netG3(torch.randn(256, 2), None).detach()
print(f"samples mean {samples.mean(0).tolist()[0]:.5f} std {samples.std().item():.5f}")
