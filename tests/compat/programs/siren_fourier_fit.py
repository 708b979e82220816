"""Coordinate networks fitting an image, as the SIREN colab and the
"Fourier Features Let Networks Learn High Frequency Functions" notebooks write
them: a 32x32 image (a bundled digit upsampled by F.interpolate, bicubic,
align_corners=False), the pixel grid from torch.linspace and
torch.meshgrid(indexing="ij"), a SIREN (sine layers with omega_0 = 30 and
their uniform_ init under torch.no_grad), NeRF's positional encoding
(sin/cos of 2^k pi x, concatenated with the input) and Gaussian random
Fourier features (a fixed B registered as a buffer) in front of ReLU MLPs;
trained by Adam on MSE, PSNR per model, the image gradient and Laplacian
of the SIREN by torch.autograd.grad (create_graph) against finite
differences, and a 2x super-resolved render. Seeded: every number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

pixels, labels = digits()
img = torch.tensor(pixels[7].reshape(1, 1, 8, 8), dtype=torch.float32) / 16.0
img = F.interpolate(img, size=(32, 32), mode="bicubic", align_corners=False).clamp(0, 1)
img = (img - 0.5) / 0.5  # to [-1, 1] as the colab's Normalize
side = img.shape[-1]
print("image", tuple(img.shape), f"mean {img.mean().item():.6f} std {img.std().item():.6f}")


def get_mgrid(sidelen, dim=2):
    """A flattened grid of (x, y) coordinates in [-1, 1]: [sidelen**2, dim]."""
    tensors = tuple(dim * [torch.linspace(-1, 1, steps=sidelen)])
    mgrid = torch.stack(torch.meshgrid(*tensors, indexing="ij"), dim=-1)
    return mgrid.reshape(-1, dim)


coords = get_mgrid(side)
target = img.permute(0, 2, 3, 1).reshape(-1, 1)
print("coords", tuple(coords.shape), coords[:3].tolist(), "target", tuple(target.shape))


class SineLayer(nn.Module):
    def __init__(self, in_features, out_features, bias=True, is_first=False, omega_0=30.0):
        super().__init__()
        self.omega_0 = omega_0
        self.is_first = is_first
        self.in_features = in_features
        self.linear = nn.Linear(in_features, out_features, bias=bias)
        self.init_weights()

    def init_weights(self):
        with torch.no_grad():
            if self.is_first:
                self.linear.weight.uniform_(-1 / self.in_features, 1 / self.in_features)
            else:
                bound = np.sqrt(6 / self.in_features) / self.omega_0
                self.linear.weight.uniform_(-bound, bound)

    def forward(self, input):
        return torch.sin(self.omega_0 * self.linear(input))


class Siren(nn.Module):
    def __init__(self, in_features, hidden_features, hidden_layers, out_features, outermost_linear=True,
                 first_omega_0=30.0, hidden_omega_0=30.0):
        super().__init__()
        self.net = [SineLayer(in_features, hidden_features, is_first=True, omega_0=first_omega_0)]
        for _ in range(hidden_layers):
            self.net.append(SineLayer(hidden_features, hidden_features, omega_0=hidden_omega_0))
        if outermost_linear:
            final_linear = nn.Linear(hidden_features, out_features)
            with torch.no_grad():
                bound = np.sqrt(6 / hidden_features) / hidden_omega_0
                final_linear.weight.uniform_(-bound, bound)
            self.net.append(final_linear)
        else:
            self.net.append(SineLayer(hidden_features, out_features, omega_0=hidden_omega_0))
        self.net = nn.Sequential(*self.net)

    def forward(self, coords):
        coords = coords.clone().detach().requires_grad_(True)  # allows derivatives w.r.t. the input
        output = self.net(coords)
        return output, coords


def gradient(y, x, grad_outputs=None):
    if grad_outputs is None:
        grad_outputs = torch.ones_like(y)
    return torch.autograd.grad(y, [x], grad_outputs=grad_outputs, create_graph=True)[0]


def divergence(y, x):
    div = 0.0
    for i in range(y.shape[-1]):
        div += torch.autograd.grad(y[..., i], x, torch.ones_like(y[..., i]), create_graph=True)[0][..., i:i + 1]
    return div


def laplace(y, x):
    return divergence(gradient(y, x), x)


class PositionalEncoding(nn.Module):
    """NeRF's gamma(p): p, then sin(2^k pi p), cos(2^k pi p) for k < num_freqs."""

    def __init__(self, num_freqs, include_input=True):
        super().__init__()
        self.include_input = include_input
        self.register_buffer("freq_bands", 2.0 ** torch.arange(num_freqs) * math.pi, persistent=False)

    def forward(self, x):
        xb = x[..., None, :] * self.freq_bands[:, None]  # [..., F, D]
        enc = torch.cat([torch.sin(xb), torch.cos(xb)], dim=-1).flatten(-2)
        return torch.cat([x, enc], dim=-1) if self.include_input else enc


class GaussianFourierFeatures(nn.Module):
    def __init__(self, in_features, mapping_size, scale):
        super().__init__()
        self.register_buffer("B", torch.randn(in_features, mapping_size) * scale)

    def forward(self, x):
        x_proj = (2.0 * np.pi * x) @ self.B
        return torch.cat([torch.sin(x_proj), torch.cos(x_proj)], dim=-1)


def relu_mlp(in_features, hidden=64, layers=3):
    mods, d = [], in_features
    for _ in range(layers):
        mods += [nn.Linear(d, hidden), nn.ReLU()]
        d = hidden
    mods.append(nn.Linear(d, 1))
    return nn.Sequential(*mods)


def psnr(pred, gt):
    mse = F.mse_loss(pred, gt)
    return (10 * torch.log10(4.0 / mse)).item()  # peak-to-peak 2 for images in [-1, 1]


siren = Siren(2, 64, 2, 1)
pe = PositionalEncoding(6)
models = {
    "siren": siren,
    "relu": relu_mlp(2),
    "posenc": nn.Sequential(pe, relu_mlp(2 + 2 * 2 * 6)),
    "gauss": nn.Sequential(GaussianFourierFeatures(2, 32, 2.0), relu_mlp(64)),
}
print("posenc out", tuple(pe(coords[:5]).shape), [round(v, 6) for v in pe(coords[1:2])[0, :6].tolist()])
print("siren params", sum(p.numel() for p in siren.parameters()),
      "first-layer weight range", round(siren.net[0].linear.weight.min().item(), 6),
      round(siren.net[0].linear.weight.max().item(), 6))

for name, model in models.items():
    optim = torch.optim.Adam(lr=1e-3 if name != "siren" else 1e-4, params=model.parameters())
    for step in range(121):
        out = model(coords)
        model_output = out[0] if isinstance(out, tuple) else out
        loss = ((model_output - target) ** 2).mean()
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 40 == 0:
            print(f"{name:6s} step {step:3d} | loss {loss.item():.6f}")
    with torch.no_grad():
        pred = model(coords)
        pred = pred[0] if isinstance(pred, tuple) else pred
        print(f"{name:6s} psnr {psnr(pred, target):.4f} dB")

# derivatives of the fitted SIREN: autograd gradient vs central differences, and the Laplacian
model_output, coords_g = siren(coords)
img_grad = gradient(model_output, coords_g)
img_laplacian = laplace(model_output, coords_g)
print("gradient", tuple(img_grad.shape), f"norm mean {img_grad.norm(dim=-1).mean().item():.5f}")
print(f"laplacian mean {img_laplacian.mean().item():.4f} abs max {img_laplacian.abs().max().item():.3f}")
h = 1e-2
probe = coords[100:104].double()
siren64 = siren.double()
fd = (siren64(probe + torch.tensor([h, 0.0], dtype=torch.float64))[0]
      - siren64(probe - torch.tensor([h, 0.0], dtype=torch.float64))[0]) / (2 * h)
auto = gradient(*siren64(probe))[:, :1]
print("d/dx autograd", [round(v, 4) for v in auto.flatten().tolist()],
      "finite diff", [round(v, 4) for v in fd.flatten().tolist()])
siren.float()

# super-resolution: evaluate on a 64x64 grid
with torch.no_grad():
    fine, _ = siren(get_mgrid(2 * side))
    fine = fine.view(1, 1, 2 * side, 2 * side)
    down = F.avg_pool2d(fine, 2)
    print(f"2x render {tuple(fine.shape)} | pooled back vs target psnr {psnr(down.reshape(-1, 1), target):.4f} dB")
    print("render corner", [round(v, 5) for v in fine[0, 0, 0, :5].tolist()])
