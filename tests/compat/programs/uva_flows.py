"""The UvA deep learning tutorial 11 (normalizing flows for image modeling),
written its way at a small size on the bundled digits as 8x8 uint8-style
images (0..255 as int32): ImageFlow with a torch.distributions Normal prior,
bits per dimension by np.log2(np.exp(1)) / np.prod(shape), the
Dequantization layer (uniform noise by rand_like, the sigmoid and its
inverse with their log-determinants, floor/clamp/to(int32) on the way
back) and its invertibility check by torch.where, VariationalDequantization
conditioned on the image, CouplingLayer with a registered mask buffer and
a tanh-bounded scale, checkerboard masks by meshgrid(indexing='ij') and
fmod, channel masks, ConcatELU, LayerNormChannels (var(unbiased=False)),
GatedConv / GatedConvNet with a zeroed last layer, SqueezeFlow and
SplitFlow for the multi-scale flow, a few Adam/StepLR steps, the
importance-sampled test bpd by logsumexp, and sampling by running the flows
in reverse from the prior. Seeded: every number agrees."""

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
device = torch.device("cpu")
torch.manual_seed(42)

pixels, labels = _data.digits()
imgs_int = torch.from_numpy((pixels.reshape(-1, 1, 8, 8) * 255 // 16).astype(np.int32))
train_set = data.TensorDataset(imgs_int[:96], torch.from_numpy(labels[:96]))
test_set = data.TensorDataset(imgs_int[96:128], torch.from_numpy(labels[96:128]))
train_loader = data.DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True)
test_loader = data.DataLoader(test_set, batch_size=16, shuffle=False, drop_last=False)
print("image", train_set[0][0].shape, train_set[0][0].dtype == torch.int32, train_set[0][0].max().item())


class ImageFlow(nn.Module):
    def __init__(self, flows, import_samples=4):
        """
        Args:
            flows: A list of flows (each a nn.Module) that should be applied on the images.
            import_samples: Number of importance samples to use during testing (see explanation below).
        """
        super().__init__()
        self.flows = nn.ModuleList(flows)
        self.import_samples = import_samples
        self.prior = torch.distributions.normal.Normal(loc=0.0, scale=1.0)
        self.example_input_array = train_set[0][0].unsqueeze(dim=0)

    def forward(self, imgs):
        return self._get_likelihood(imgs)

    def encode(self, imgs):
        z, ldj = imgs, torch.zeros(imgs.shape[0], device=device)
        for flow in self.flows:
            z, ldj = flow(z, ldj, reverse=False)
        return z, ldj

    def _get_likelihood(self, imgs, return_ll=False):
        z, ldj = self.encode(imgs)
        log_pz = self.prior.log_prob(z).sum(dim=[1, 2, 3])
        log_px = ldj + log_pz
        nll = -log_px
        bpd = nll * np.log2(np.exp(1)) / np.prod(imgs.shape[1:])
        return bpd.mean() if not return_ll else log_px

    @torch.no_grad()
    def sample(self, img_shape, z_init=None):
        if z_init is None:
            z = self.prior.sample(sample_shape=img_shape).to(device)
        else:
            z = z_init.to(device)
        ldj = torch.zeros(img_shape[0], device=device)
        for flow in reversed(self.flows):
            z, ldj = flow(z, ldj, reverse=True)
        return z

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=1e-3)
        scheduler = optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.99)
        return [optimizer], [scheduler]

    def test_step(self, batch, batch_idx):
        samples = []
        for _ in range(self.import_samples):
            img_ll = self._get_likelihood(batch[0], return_ll=True)
            samples.append(img_ll)
        img_ll = torch.stack(samples, dim=-1)
        img_ll = torch.logsumexp(img_ll, dim=-1) - np.log(self.import_samples)
        bpd = -img_ll * np.log2(np.exp(1)) / np.prod(batch[0].shape[1:])
        bpd = bpd.mean()
        return bpd


class Dequantization(nn.Module):
    def __init__(self, alpha=1e-5, quants=256):
        """
        Args:
            alpha: small constant that is used to scale the original input.
            quants: Number of possible discrete values (usually 256 for 8-bit image)
        """
        super().__init__()
        self.alpha = alpha
        self.quants = quants

    def forward(self, z, ldj, reverse=False):
        if not reverse:
            z, ldj = self.dequant(z, ldj)
            z, ldj = self.sigmoid(z, ldj, reverse=True)
        else:
            z, ldj = self.sigmoid(z, ldj, reverse=False)
            z = z * self.quants
            ldj += np.log(self.quants) * np.prod(z.shape[1:])
            z = torch.floor(z).clamp(min=0, max=self.quants - 1).to(torch.int32)
        return z, ldj

    def sigmoid(self, z, ldj, reverse=False):
        if not reverse:
            ldj += (-z - 2 * F.softplus(-z)).sum(dim=[1, 2, 3])
            z = torch.sigmoid(z)
        else:
            z = z * (1 - self.alpha) + 0.5 * self.alpha
            ldj += np.log(1 - self.alpha) * np.prod(z.shape[1:])
            ldj += (-torch.log(z) - torch.log(1 - z)).sum(dim=[1, 2, 3])
            z = torch.log(z) - torch.log(1 - z)
        return z, ldj

    def dequant(self, z, ldj):
        z = z.to(torch.float32)
        z = z + torch.rand_like(z).detach()
        z = z / self.quants
        ldj -= np.log(self.quants) * np.prod(z.shape[1:])
        return z, ldj


torch.manual_seed(42)
orig_img = train_set[0][0].unsqueeze(dim=0)
ldj = torch.zeros(1,)
dequant_module = Dequantization()
deq_img, ldj = dequant_module(orig_img, ldj, reverse=False)
print("dequantized", deq_img.shape, deq_img.dtype == torch.float32, round(ldj.item(), 4))
reconst_img, ldj = dequant_module(deq_img, ldj, reverse=True)
print("ldj back to", round(ldj.item(), 3), reconst_img.dtype == torch.int32)
d1, d2 = torch.where(orig_img.squeeze() != reconst_img.squeeze())
if len(d1) != 0:
    print("Dequantization was not invertible.")
    for i in range(d1.shape[0]):
        print("Original value:", orig_img[0, 0, d1[i], d2[i]].item())
        print("Reconstructed value:", reconst_img[0, 0, d1[i], d2[i]].item())
else:
    print("Successfully inverted dequantization")


class VariationalDequantization(Dequantization):
    def __init__(self, var_flows, alpha=1e-5):
        super().__init__(alpha=alpha)
        self.flows = nn.ModuleList(var_flows)

    def dequant(self, z, ldj):
        z = z.to(torch.float32)
        img = (z / 255.0) * 2 - 1
        deq_noise = torch.rand_like(z).detach()
        deq_noise, ldj = self.sigmoid(deq_noise, ldj, reverse=True)
        for flow in self.flows:
            deq_noise, ldj = flow(deq_noise, ldj, reverse=False, orig_img=img)
        deq_noise, ldj = self.sigmoid(deq_noise, ldj, reverse=False)
        z = (z + deq_noise) / 256.0
        ldj -= np.log(256.0) * np.prod(z.shape[1:])
        return z, ldj


class CouplingLayer(nn.Module):
    def __init__(self, network, mask, c_in):
        """
        Args:
            network: A PyTorch nn.Module constituting the deep neural network for mu and sigma.
            mask: Binary mask (0 or 1) where 0 denotes that the element should be transformed, while 1 means
                  the latent will be used as input to the NN.
            c_in: Number of input channels
        """
        super().__init__()
        self.network = network
        self.scaling_factor = nn.Parameter(torch.zeros(c_in))
        self.register_buffer("mask", mask)

    def forward(self, z, ldj, reverse=False, orig_img=None):
        z_in = z * self.mask
        if orig_img is None:
            nn_out = self.network(z_in)
        else:
            nn_out = self.network(torch.cat([z_in, orig_img], dim=1))
        s, t = nn_out.chunk(2, dim=1)
        s_fac = self.scaling_factor.exp().view(1, -1, 1, 1)
        s = torch.tanh(s / s_fac) * s_fac
        s = s * (1 - self.mask)
        t = t * (1 - self.mask)
        if not reverse:
            z = (z + t) * torch.exp(s)
            ldj += s.sum(dim=[1, 2, 3])
        else:
            z = (z * torch.exp(-s)) - t
            ldj -= s.sum(dim=[1, 2, 3])
        return z, ldj


def create_checkerboard_mask(h, w, invert=False):
    x, y = torch.arange(h, dtype=torch.int32), torch.arange(w, dtype=torch.int32)
    xx, yy = torch.meshgrid(x, y, indexing="ij")
    mask = torch.fmod(xx + yy, 2)
    mask = mask.to(torch.float32).view(1, 1, h, w)
    if invert:
        mask = 1 - mask
    return mask


def create_channel_mask(c_in, invert=False):
    mask = torch.cat([torch.ones(c_in // 2, dtype=torch.float32), torch.zeros(c_in - c_in // 2, dtype=torch.float32)])
    mask = mask.view(1, c_in, 1, 1)
    if invert:
        mask = 1 - mask
    return mask


print("checkerboard\n", create_checkerboard_mask(h=4, w=4)[0, 0])
print("channel mask", create_channel_mask(c_in=4, invert=True).view(-1))


class ConcatELU(nn.Module):
    def forward(self, x):
        return torch.cat([F.elu(x), F.elu(-x)], dim=1)


class LayerNormChannels(nn.Module):
    def __init__(self, c_in, eps=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(1, c_in, 1, 1))
        self.beta = nn.Parameter(torch.zeros(1, c_in, 1, 1))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(dim=1, keepdim=True)
        var = x.var(dim=1, unbiased=False, keepdim=True)
        y = (x - mean) / torch.sqrt(var + self.eps)
        y = y * self.gamma + self.beta
        return y


class GatedConv(nn.Module):
    def __init__(self, c_in, c_hidden):
        super().__init__()
        self.net = nn.Sequential(
            ConcatELU(),
            nn.Conv2d(2 * c_in, c_hidden, kernel_size=3, padding=1),
            ConcatELU(),
            nn.Conv2d(2 * c_hidden, 2 * c_in, kernel_size=1),
        )

    def forward(self, x):
        out = self.net(x)
        val, gate = out.chunk(2, dim=1)
        return x + val * torch.sigmoid(gate)


class GatedConvNet(nn.Module):
    def __init__(self, c_in, c_hidden=16, c_out=-1, num_layers=2):
        super().__init__()
        c_out = c_out if c_out > 0 else 2 * c_in
        layers = []
        layers += [nn.Conv2d(c_in, c_hidden, kernel_size=3, padding=1)]
        for layer_index in range(num_layers):
            layers += [GatedConv(c_hidden, c_hidden), LayerNormChannels(c_hidden)]
        layers += [ConcatELU(), nn.Conv2d(2 * c_hidden, c_out, kernel_size=3, padding=1)]
        self.nn = nn.Sequential(*layers)
        self.nn[-1].weight.data.zero_()
        self.nn[-1].bias.data.zero_()

    def forward(self, x):
        return self.nn(x)


class SqueezeFlow(nn.Module):
    def forward(self, z, ldj, reverse=False):
        B, C, H, W = z.shape
        if not reverse:
            z = z.reshape(B, C, H // 2, 2, W // 2, 2)
            z = z.permute(0, 1, 3, 5, 2, 4)
            z = z.reshape(B, 4 * C, H // 2, W // 2)
        else:
            z = z.reshape(B, C // 4, 2, 2, H, W)
            z = z.permute(0, 1, 4, 2, 5, 3)
            z = z.reshape(B, C // 4, H * 2, W * 2)
        return z, ldj


sq_flow = SqueezeFlow()
rand_img = torch.arange(1, 17).view(1, 1, 4, 4)
print("Image (before)\n", rand_img)
forward_img, _ = sq_flow(rand_img, ldj=None, reverse=False)
print("\nImage (forward)\n", forward_img.permute(0, 2, 3, 1))
reconst_img, _ = sq_flow(forward_img, ldj=None, reverse=True)
print("\nImage (reverse)\n", reconst_img)


class SplitFlow(nn.Module):
    def __init__(self):
        super().__init__()
        self.prior = torch.distributions.normal.Normal(loc=0.0, scale=1.0)

    def forward(self, z, ldj, reverse=False):
        if not reverse:
            z, z_split = z.chunk(2, dim=1)
            ldj += self.prior.log_prob(z_split).sum(dim=[1, 2, 3])
        else:
            z_split = self.prior.sample(sample_shape=z.shape).to(device)
            z = torch.cat([z, z_split], dim=1)
            ldj -= self.prior.log_prob(z_split).sum(dim=[1, 2, 3])
        return z, ldj


def create_simple_flow(use_vardeq=True):
    flow_layers = []
    if use_vardeq:
        vardeq_layers = [
            CouplingLayer(
                network=GatedConvNet(c_in=2, c_out=2, c_hidden=8),
                mask=create_checkerboard_mask(h=8, w=8, invert=(i % 2 == 1)),
                c_in=1,
            )
            for i in range(2)
        ]
        flow_layers += [VariationalDequantization(var_flows=vardeq_layers)]
    else:
        flow_layers += [Dequantization()]
    for i in range(4):
        flow_layers += [
            CouplingLayer(
                network=GatedConvNet(c_in=1, c_hidden=16),
                mask=create_checkerboard_mask(h=8, w=8, invert=(i % 2 == 1)),
                c_in=1,
            )
        ]
    flow_model = ImageFlow(flow_layers).to(device)
    return flow_model


def create_multiscale_flow():
    flow_layers = []
    vardeq_layers = [
        CouplingLayer(
            network=GatedConvNet(c_in=2, c_out=2, c_hidden=8),
            mask=create_checkerboard_mask(h=8, w=8, invert=(i % 2 == 1)),
            c_in=1,
        )
        for i in range(2)
    ]
    flow_layers += [VariationalDequantization(vardeq_layers)]
    flow_layers += [
        CouplingLayer(
            network=GatedConvNet(c_in=1, c_hidden=16),
            mask=create_checkerboard_mask(h=8, w=8, invert=(i % 2 == 1)),
            c_in=1,
        )
        for i in range(2)
    ]
    flow_layers += [SqueezeFlow()]
    for i in range(2):
        flow_layers += [
            CouplingLayer(
                network=GatedConvNet(c_in=4, c_hidden=24), mask=create_channel_mask(c_in=4, invert=(i % 2 == 1)),
                c_in=4
            )
        ]
    flow_layers += [SplitFlow(), SqueezeFlow()]
    for i in range(2):
        flow_layers += [
            CouplingLayer(
                network=GatedConvNet(c_in=8, c_hidden=32), mask=create_channel_mask(c_in=8, invert=(i % 2 == 1)),
                c_in=8
            )
        ]
    flow_model = ImageFlow(flow_layers).to(device)
    return flow_model


def train_flow(flow, model_name="MNISTFlow", steps_per_epoch=3, epochs=2):
    (optimizer,), (scheduler,) = flow.configure_optimizers()
    for epoch in range(epochs):
        flow.train()
        for step, batch in enumerate(train_loader):
            if step == steps_per_epoch:
                break
            loss = flow._get_likelihood(batch[0])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            print(f"{model_name} epoch {epoch} step {step} | train_bpd {loss.item():.6f}")
        scheduler.step()
    flow.eval()
    with torch.no_grad():
        val_bpd = np.mean([flow._get_likelihood(batch[0]).item() for batch in test_loader])
        test_bpd = np.mean([flow.test_step(batch, i).item() for i, batch in enumerate(test_loader)])
    print(f"{model_name} | val_bpd {val_bpd:.6f} test_bpd {test_bpd:.6f} lr {scheduler.get_last_lr()[0]:.8f}")
    return flow


for name, make in [("simple", lambda: create_simple_flow(use_vardeq=False)),
                   ("vardeq", lambda: create_simple_flow(use_vardeq=True)),
                   ("multiscale", create_multiscale_flow)]:
    torch.manual_seed(42)
    flow = make()
    print(name, "params", sum(np.prod(p.shape) for p in flow.parameters()),
          "buffers", [n for n, _ in flow.named_buffers()][:2])
    flow = train_flow(flow, model_name=name)
    torch.manual_seed(44)
    samples = flow.sample(img_shape=[4, 8, 2, 2] if name == "multiscale" else [4, 1, 8, 8])
    print(name, "samples", samples.shape, samples.dtype == torch.int32, samples.float().mean().item(),
          samples.min().item(), samples.max().item())
