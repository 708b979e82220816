"""A shape-and-values walkthrough of decoder / upsampling layers as a segmentation tutorial prints
them (print(out) shows each output's grad_fn): ConvTranspose1d/2d, Upsample and F.interpolate in
every mode, AdaptiveAvg/MaxPool heads, Fold/Unfold patch round trips, PixelShuffle and ChannelShuffle,
grid_sample warps, pdist/pairwise_distance embeddings heads, EmbeddingBag, then a tiny decoder
trained for a few steps on fixed data."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=4)

x = torch.randn(1, 4, 3, 3, requires_grad=True)
up = nn.ConvTranspose2d(4, 2, kernel_size=2, stride=2)
print("convtranspose2d", up(x)[0, 0, :2])
print("convtranspose1d", nn.ConvTranspose1d(4, 2, 3)(x[:, :, 0])[0, :, :3])
for mode, kw in [("nearest", {}), ("nearest-exact", {}), ("bilinear", {"align_corners": False}),
                 ("bilinear", {"align_corners": True}), ("bicubic", {"align_corners": False})]:
    y = F.interpolate(x, scale_factor=2, mode=mode, **kw)
    print(mode, kw, y[0, 0, 0, :4])
print("antialias", F.interpolate(x, size=(2, 2), mode="bilinear", antialias=True)[0, 1])
print("area", F.interpolate(x, size=(2, 2), mode="area")[0, 2])
print("linear 1d", F.interpolate(x[:, :, 0], size=5, mode="linear")[0, 0])
print(nn.Upsample(scale_factor=2, mode="bilinear")(x)[0, 3, 0, :3])
print("gap", nn.AdaptiveAvgPool2d(1)(x).flatten(1))
print("adaptive avg 2x2", F.adaptive_avg_pool2d(x, 2)[0, 0])
print("adaptive max", nn.AdaptiveMaxPool2d((2, 1))(x)[0, 1].flatten())
print("adaptive 1d", F.adaptive_avg_pool1d(x[:, :, 0], 2)[0, :2], F.adaptive_max_pool1d(x[:, :, 1], 1)[0, :2])
patches = F.unfold(x, kernel_size=2, stride=1)
print("unfold", patches.shape, patches[0, :3, 0])
print("fold", F.fold(patches, (3, 3), 2)[0, 0])
print(nn.Unfold(2)(x).shape, nn.Fold((3, 3), 2)(patches)[0, 1, 1])
print("tensor unfold", x[0, 0, 0].unfold(0, 2, 1))
print("pixel shuffle", nn.PixelShuffle(2)(x)[0, 0, :2], nn.PixelUnshuffle(3)(x)[0, :3, 0, 0])
print("channel shuffle", nn.ChannelShuffle(2)(x)[0, :, 0, 0])
theta = torch.tensor([[[0.9, 0.1, 0.0], [-0.1, 0.9, 0.1]]], requires_grad=True)
grid = F.affine_grid(theta, (1, 4, 3, 3), align_corners=False)
print("affine grid", grid[0, 0])
print("grid sample", F.grid_sample(x, grid, align_corners=False)[0, 0])
emb = torch.randn(5, 3, requires_grad=True)
print("pdist", F.pdist(emb), "pairwise", F.pairwise_distance(emb, emb.roll(1, 0)))
print("cdist", torch.cdist(emb, emb[:2]))
bag = nn.EmbeddingBag(6, 3, mode="mean")
print("bag", bag(torch.tensor([[0, 1], [4, 5]])))
print("clamps", emb.clamp_min(0.0)[0], emb.clamp_max(emb.flip(0))[0], emb.clamp(min=torch.zeros(3))[1])
print("logaddexp", torch.logaddexp(emb[0], emb[1]), "nan_to_num", emb.nan_to_num()[0])
print("scatter", torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), emb[:2, :1]))


class TinyDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(4, 8, 2, stride=2)
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.head = nn.Conv2d(8, 1, 1)

    def forward(self, z):
        h = F.relu(self.up1(z))
        h = F.relu(self.conv(h))
        return self.head(self.up2(h))


torch.manual_seed(1)
dec = TinyDecoder()
z = torch.randn(2, 4, 2, 2)
target = (torch.linspace(-1, 1, 8)[None, :] * torch.linspace(-1, 1, 8)[:, None]).expand(2, 1, 8, 8)
opt = torch.optim.Adam(dec.parameters(), lr=0.01)
for step in range(8):
    out = dec(z)
    loss = F.mse_loss(out, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"decoder step {step} | loss {loss.item():.6f}")
print(out[0, 0, 0, :4])
