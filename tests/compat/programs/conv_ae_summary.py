"""A small convolutional autoencoder on the bundled 8x8 digits: Conv2d encoder, nn.Flatten /
nn.Unflatten bottleneck, ConvTranspose2d decoder with output_padding, a hand summary (forward
hooks recording output shapes and parameter counts per layer, named_modules, state_dict shapes),
Adam with weight decay, a no_grad evaluation with reconstruction error per digit class."""

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(1)

g = torch.Generator().manual_seed(3)
protos = (torch.rand(10, 1, 8, 8, generator=g) > 0.5).float()
labels = torch.arange(10).repeat_interleave(12)
X = (protos[labels] + 0.2 * torch.randn(120, 1, 8, 8, generator=g)).clamp(0, 1)
print(X.shape, X.dtype, round(X.mean().item(), 4))


class AE(nn.Module):
    def __init__(self, latent=6):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(True),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(True),
            nn.Flatten(), nn.Linear(16 * 2 * 2, latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, 16 * 2 * 2), nn.ReLU(True),
            nn.Unflatten(dim=1, unflattened_size=(16, 2, 2)),
            nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
            nn.ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = AE()
print(model)


def summary(model, input_size):
    rows, hooks = [], []

    def hook(module, inp, out):
        n = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append((module.__class__.__name__, list(out.shape), n))

    for name, m in model.named_modules():
        if len(list(m.children())) == 0:
            hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(torch.zeros(2, *input_size))
    for h in hooks:
        h.remove()
    print(f"{'Layer (type)':>20} {'Output Shape':>20} {'Param #':>10}")
    for i, (cls, shape, n) in enumerate(rows):
        print(f"{cls + '-' + str(i + 1):>20} {str(shape):>20} {n:>10,}")
    total = sum(p.numel() for p in model.parameters())
    train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"Total params: {total:,}\nTrainable params: {train:,}")
    print("Params size (MB):", round(total * 4 / 1024 ** 2, 4))


summary(model, (1, 8, 8))
for name, m in model.named_modules():
    print(repr(name), type(m).__name__)
for k, v in model.state_dict().items():
    print(k, tuple(v.shape), v.dtype)
print(model.decoder[2], model.decoder[2].unflattened_size, model.decoder[3].output_padding)

opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, labels), batch_size=20, shuffle=True)
for epoch in range(6):
    model.train()
    tot = 0.0
    for xb, _ in loader:
        recon = model(xb)
        loss = F.binary_cross_entropy(recon, xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * xb.size(0)
    print(f"epoch {epoch} loss {tot / len(X):.5f}")

model.eval()
with torch.no_grad():
    recon = model(X)
    err = F.mse_loss(recon, X, reduction="none").mean(dim=(1, 2, 3))
    per_class = torch.zeros(10).index_add_(0, labels, err) / torch.bincount(labels)
    print("per-class mse", per_class)
    z = model.encoder(X)
    print("latent", z.shape, z.std(0))
    print("bn running", model.decoder[4].running_mean, model.decoder[4].num_batches_tracked)
up = nn.ConvTranspose2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), dilation=1, groups=1, bias=False)
print(up, up(torch.ones(1, 2, 3, 3)).shape, up(torch.ones(1, 2, 3, 3), output_size=[6, 4]).shape)
try:
    up(torch.ones(1, 2, 3, 3), output_size=[9, 4])
except Exception as e:
    print(isinstance(e, ValueError))
try:
    nn.Unflatten(1, (16, 3))(torch.zeros(2, 64))
except Exception as e:
    print(isinstance(e, RuntimeError))
