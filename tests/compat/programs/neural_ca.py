"""Growing neural cellular automata, as the distill.pub "Growing Neural
Cellular Automata" PyTorch ports write them: a 16-channel state on a 16x16
torus, perception by fixed identity / Sobel-x / Sobel-y kernels applied
depthwise (F.conv2d with groups=channels after F.pad(mode="circular")), a
1x1-conv update network whose last layer starts at zero (nn.init.zeros_),
the stochastic update mask (torch.rand(...) <= fire_rate), the alive mask
from F.max_pool2d of the alpha channel, a seed cell grown toward a target
pattern (a digit upsampled, RGBA made from it), the sample pool (the
highest-loss sample replaced by the seed), per-parameter gradient
normalization (p.grad / (p.grad.norm() + 1e-8)) before Adam with
MultiStepLR, Conv2d(padding_mode="circular") against the manual padding,
and damage (a disc zeroed) to test regeneration. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

CHANNELS, SIZE, FIRE_RATE = 16, 16, 0.5

pixels, _ = digits()
glyph = torch.tensor(pixels[0], dtype=torch.float32).view(1, 1, 8, 8) / 16.0
alpha = F.interpolate(glyph, size=(12, 12), mode="bilinear", align_corners=False).clamp(0, 1)
alpha = F.pad(alpha, (2, 2, 2, 2))
rgb = torch.cat([alpha * 0.9, alpha * 0.4, alpha * 0.1], dim=1)
target = torch.cat([rgb, alpha], dim=1)  # [1, 4, 16, 16], premultiplied RGBA
print("target", tuple(target.shape), f"alpha sum {alpha.sum().item():.5f}", "alive pixels", int((alpha > 0.1).sum()))


def make_seed(n=1):
    x = torch.zeros(n, CHANNELS, SIZE, SIZE)
    x[:, 3:, SIZE // 2, SIZE // 2] = 1.0
    return x


class CAModel(nn.Module):
    def __init__(self, channel_n=CHANNELS, fire_rate=FIRE_RATE, hidden_size=64):
        super().__init__()
        self.channel_n = channel_n
        self.fire_rate = fire_rate
        ident = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
        sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8.0
        kernel = torch.stack([ident, sobel_x, sobel_x.T])  # [3, 3, 3]
        self.register_buffer("kernel", kernel.repeat(channel_n, 1, 1).unsqueeze(1))  # [3C, 1, 3, 3]
        self.fc0 = nn.Conv2d(channel_n * 3, hidden_size, 1)
        self.fc1 = nn.Conv2d(hidden_size, channel_n, 1, bias=False)
        nn.init.zeros_(self.fc1.weight)

    @staticmethod
    def alive(x):
        return F.max_pool2d(x[:, 3:4, :, :], kernel_size=3, stride=1, padding=1) > 0.1

    def perceive(self, x):
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), self.kernel, groups=self.channel_n)

    def update(self, x):
        pre_life_mask = self.alive(x)
        dx = self.fc1(F.relu(self.fc0(self.perceive(x))))
        stochastic = (torch.rand(x.size(0), 1, x.size(2), x.size(3)) <= self.fire_rate).to(x.dtype)
        x = x + dx * stochastic
        post_life_mask = self.alive(x)
        life_mask = (pre_life_mask & post_life_mask).to(x.dtype)
        return x * life_mask

    def forward(self, x, steps=1):
        for _ in range(steps):
            x = self.update(x)
        return x


ca = CAModel()
seed = make_seed()
p = ca.perceive(seed)
print("perception", tuple(p.shape), "nonzero", int((p != 0).sum()), f"sum {p.sum().item():.5f}")
circ = nn.Conv2d(CHANNELS, 3 * CHANNELS, 3, padding=1, padding_mode="circular", groups=CHANNELS, bias=False)
with torch.no_grad():
    circ.weight.copy_(ca.kernel)
wrapped = torch.roll(torch.randn(1, CHANNELS, SIZE, SIZE), shifts=(3, -2), dims=(2, 3))
print("padding_mode='circular' matches F.pad circular:", torch.allclose(circ(wrapped), ca.perceive(wrapped), atol=1e-6))
print("zero-init update leaves the seed:", torch.equal(ca(seed, steps=3), seed * CAModel.alive(seed).float()))

pool = make_seed(16)
optimizer = torch.optim.Adam(ca.parameters(), lr=2e-3)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[20], gamma=0.3)
for step in range(30):
    batch_idx = torch.randperm(len(pool))[:4]
    x0 = pool[batch_idx].clone()
    with torch.no_grad():
        losses = F.mse_loss(x0[:, :4], target.expand(4, -1, -1, -1), reduction="none").mean(dim=(1, 2, 3))
        x0[losses.argmax()] = make_seed()[0]  # keep one seed in every batch
    n_steps = int(torch.randint(8, 14, (1,)))
    x = ca(x0, steps=n_steps)
    loss = F.mse_loss(x[:, :4], target.expand(4, -1, -1, -1))
    optimizer.zero_grad()
    loss.backward()
    for param in ca.parameters():
        param.grad.data = param.grad.data / (param.grad.data.norm() + 1e-8)
    optimizer.step()
    scheduler.step()
    pool[batch_idx] = x.detach()
    if step % 6 == 0 or step == 29:
        print(f"step {step:2d} | steps {n_steps} | loss {loss.item():.6f} | log10 {torch.log10(loss).item():.5f} "
              f"| alive {int(CAModel.alive(x).sum())}")

with torch.no_grad():
    grown = ca(make_seed(), steps=24)
    print(f"grown from seed: mse {F.mse_loss(grown[:, :4], target).item():.6f} "
          f"| alpha sum {grown[:, 3].clamp(0, 1).sum().item():.4f}")
    yy, xx = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    damage = ((yy - 8) ** 2 + (xx - 6) ** 2 < 9).float()
    damaged = grown * (1 - damage)
    before = F.mse_loss(damaged[:, :4], target).item()
    healed = ca(damaged, steps=16)
    print(f"damage: mse {before:.6f} -> after 16 steps {F.mse_loss(healed[:, :4], target).item():.6f}")
    print("center rgba", [round(v, 5) for v in healed[0, :4, 8, 8].tolist()])
