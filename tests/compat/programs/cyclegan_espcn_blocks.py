"""Image-to-image building blocks as the CycleGAN / pix2pix and ESPCN code writes them, printing the
intermediate tensors a notebook shows (values with their grad_fn): ReflectionPad2d + Conv2d +
InstanceNorm2d + ReLU ResnetBlocks, a ReplicationPad/circular-padded conv, a PatchGAN discriminator
with LeakyReLU, an ESPCN upsampler with PixelShuffle (and PixelUnshuffle back), einsum self-attention
(SAGAN-style, a bias-free projection on (B, N, C)), a kron-built blur kernel, quantile-based
clipping of the output, and a few Adam steps on an L1 + LSGAN loss. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class ResnetBlock(nn.Module):
    def __init__(self, dim, padding_type="reflect"):
        super().__init__()
        pad = {"reflect": nn.ReflectionPad2d, "replicate": nn.ReplicationPad2d}[padding_type]
        self.conv_block = nn.Sequential(
            pad(1), nn.Conv2d(dim, dim, kernel_size=3, bias=True), nn.InstanceNorm2d(dim), nn.ReLU(True),
            pad(1), nn.Conv2d(dim, dim, kernel_size=3, bias=True), nn.InstanceNorm2d(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.qkv = nn.Linear(c, 3 * c, bias=False)
        self.gamma = nn.Parameter(torch.tensor(0.5))

    def forward(self, x):
        b, c, h, w = x.shape
        seq = x.flatten(2).transpose(1, 2)
        q, k, v = self.qkv(seq).chunk(3, dim=-1)
        att = torch.einsum("bnc,bmc->bnm", q, k).div(c ** 0.5).softmax(-1)
        out = torch.einsum("bnm,bmc->bnc", att, v)
        return x + self.gamma * out.transpose(1, 2).reshape(b, c, h, w)


class Generator(nn.Module):
    def __init__(self, ngf=4, n_blocks=2, upscale=2):
        super().__init__()
        self.head = nn.Sequential(nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, kernel_size=7), nn.InstanceNorm2d(ngf),
                                  nn.ReLU(True))
        self.blocks = nn.Sequential(*[ResnetBlock(ngf, "reflect" if i % 2 == 0 else "replicate")
                                      for i in range(n_blocks)])
        self.attn = SelfAttention(ngf)
        self.upsample = nn.Sequential(nn.Conv2d(ngf, 3 * upscale ** 2, 3, padding=1, padding_mode="circular"),
                                      nn.PixelShuffle(upscale))

    def forward(self, x):
        h = self.head(x)
        h = self.blocks(h)
        h = self.attn(h)
        return torch.tanh(self.upsample(h))


class PatchDiscriminator(nn.Module):
    def __init__(self, ndf=4):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(3, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.InstanceNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, 3, 1, 1))

    def forward(self, x):
        return self.model(x)


G, D = Generator(), PatchDiscriminator()
print(G.blocks[0])
print(sum(p.numel() for p in G.parameters()), sum(p.numel() for p in D.parameters()))

x = torch.rand(2, 3, 8, 8) * 2 - 1
target = F.interpolate(x, scale_factor=2, mode="nearest")
h = G.head[0](x)
print(h.shape, h.grad_fn)
h = G.head(x)
print(h[0, 0, :2, :4])
r = G.blocks[1].conv_block[0](h)
print(r.shape, r[0, 0, 0, :4], r.grad_fn.name())
print(F.pad(h, (1, 1, 1, 1), mode="circular")[0, 0, 0, :4])
print(F.pad(h[:, :, 0], (2, 1), mode="reflect")[0, 0])
print(F.instance_norm(h)[0, 1, 0, :3])
print([t.grad_fn.name() for t in (F.instance_norm(h), F.pad(h, (1, 1, 1, 1), mode="circular"),
                                  F.pad(h, (1, 1, 1, 1), mode="reflect"), F.pad(h[0], (2, 0), mode="replicate"),
                                  F.pixel_shuffle(h, 2), F.pixel_unshuffle(h, 2), G.head[2](G.head[1](x)))])
att = torch.einsum("bnc,bmc->bnm", h.flatten(2).transpose(1, 2), h.flatten(2).transpose(1, 2))
print(att.shape, att.grad_fn.name(), torch.einsum("bn,bm->bnm", h[:, 0, 0], h[:, 1, 0]).grad_fn.name())
y = G(x)
print(y.shape, y.grad_fn.name(), y[0, 0, 0, :4])
a = G.attn.qkv(G.blocks(G.head(x)).flatten(2).transpose(1, 2))
print(a.shape, a.grad_fn.name())
down = F.pixel_unshuffle(y, 2)
print(down.shape, down[0, :3, 0, 0])
print(torch.allclose(F.pixel_shuffle(down, 2), y))

blur = torch.kron(torch.tensor([[1.0, 2.0, 1.0]]).t(), torch.tensor([[1.0, 2.0, 1.0]])) / 16
print(blur)
k = torch.kron(G.attn.gamma.reshape(1, 1), torch.ones(2, 2))
print(k)
lo, hi = torch.quantile(y.detach().flatten(), torch.tensor([0.05, 0.95]))
print(lo, hi, torch.quantile(y[0], 0.5))
clipped = y.clamp(lo.item(), hi.item())
print(clipped.grad_fn.name(), (clipped == y).float().mean())

opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
for step in range(3):
    fake = G(x)
    pred_fake = D(fake)
    loss_g = F.mse_loss(pred_fake, torch.ones_like(pred_fake)) + 10 * F.l1_loss(fake, target)
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    pred_real, pred_fake = D(target), D(fake.detach())
    loss_d = 0.5 * (F.mse_loss(pred_real, torch.ones_like(pred_real))
                    + F.mse_loss(pred_fake, torch.zeros_like(pred_fake)))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    print(f"step {step} loss_G {loss_g.item():.5f} loss_D {loss_d.item():.5f} gamma {G.attn.gamma.item():.5f}")
print(D(target).shape, D(target).grad_fn.name())
