"""VQ-VAE on the bundled 8x8 digits, as the from-scratch VQ-VAE notebooks write
it: a conv encoder (Conv2d with stride and no bias before BatchNorm2d, ReLU) and a decoder by
ConvTranspose2d, a VectorQuantizer with squared distances expanded as
|z|^2 + |e|^2 - 2 z e^T (torch.sum, torch.matmul), torch.argmin, codes as
one-hot by scatter_, the straight-through estimator (z + (z_q - z).detach()),
codebook and commitment losses, perplexity from the average code usage; the
EMA codebook variant (buffers updated in place with mul_/add_ and Laplace
smoothing, the embedding refreshed by copy_), dead-code restarts from a
torch.randperm of the batch, and finite scalar quantization (tanh bounding,
round with a straight-through gradient, mixed-radix code indices); then
tokens for a prior (torch.unique with return_counts, bincount). Seeded: every
number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)


class VectorQuantizer(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, commitment_cost):
        super().__init__()
        self._embedding_dim = embedding_dim
        self._num_embeddings = num_embeddings
        self._embedding = nn.Embedding(self._num_embeddings, self._embedding_dim)
        self._embedding.weight.data.uniform_(-1 / self._num_embeddings, 1 / self._num_embeddings)
        self._commitment_cost = commitment_cost

    def forward(self, inputs):
        inputs = inputs.permute(0, 2, 3, 1).contiguous()
        input_shape = inputs.shape
        flat_input = inputs.view(-1, self._embedding_dim)
        distances = (torch.sum(flat_input ** 2, dim=1, keepdim=True)
                     + torch.sum(self._embedding.weight ** 2, dim=1)
                     - 2 * torch.matmul(flat_input, self._embedding.weight.t()))
        encoding_indices = torch.argmin(distances, dim=1).unsqueeze(1)
        encodings = torch.zeros(encoding_indices.shape[0], self._num_embeddings, device=inputs.device)
        encodings.scatter_(1, encoding_indices, 1)
        quantized = torch.matmul(encodings, self._embedding.weight).view(input_shape)
        e_latent_loss = F.mse_loss(quantized.detach(), inputs)
        q_latent_loss = F.mse_loss(quantized, inputs.detach())
        loss = q_latent_loss + self._commitment_cost * e_latent_loss
        quantized = inputs + (quantized - inputs).detach()
        avg_probs = torch.mean(encodings, dim=0)
        perplexity = torch.exp(-torch.sum(avg_probs * torch.log(avg_probs + 1e-10)))
        return loss, quantized.permute(0, 3, 1, 2).contiguous(), perplexity, encoding_indices.view(input_shape[:-1])


class VectorQuantizerEMA(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, commitment_cost, decay, epsilon=1e-5):
        super().__init__()
        self._embedding_dim = embedding_dim
        self._num_embeddings = num_embeddings
        self._embedding = nn.Embedding(self._num_embeddings, self._embedding_dim)
        self._embedding.weight.data.normal_()
        self._commitment_cost = commitment_cost
        self.register_buffer("_ema_cluster_size", torch.zeros(num_embeddings))
        self._ema_w = nn.Parameter(torch.Tensor(num_embeddings, self._embedding_dim))
        self._ema_w.data.normal_()
        self._decay = decay
        self._epsilon = epsilon

    def forward(self, inputs):
        inputs = inputs.permute(0, 2, 3, 1).contiguous()
        input_shape = inputs.shape
        flat_input = inputs.view(-1, self._embedding_dim)
        distances = torch.cdist(flat_input, self._embedding.weight) ** 2
        encoding_indices = torch.argmin(distances, dim=1).unsqueeze(1)
        encodings = torch.zeros(encoding_indices.shape[0], self._num_embeddings, device=inputs.device)
        encodings.scatter_(1, encoding_indices, 1)
        quantized = torch.matmul(encodings, self._embedding.weight).view(input_shape)
        if self.training:
            self._ema_cluster_size = self._ema_cluster_size * self._decay + \
                (1 - self._decay) * torch.sum(encodings, 0)
            n = torch.sum(self._ema_cluster_size.data)
            self._ema_cluster_size = (
                (self._ema_cluster_size + self._epsilon)
                / (n + self._num_embeddings * self._epsilon) * n)
            dw = torch.matmul(encodings.t(), flat_input)
            self._ema_w = nn.Parameter(self._ema_w * self._decay + (1 - self._decay) * dw)
            self._embedding.weight = nn.Parameter(self._ema_w / self._ema_cluster_size.unsqueeze(1))
        e_latent_loss = F.mse_loss(quantized.detach(), inputs)
        loss = self._commitment_cost * e_latent_loss
        quantized = inputs + (quantized - inputs).detach()
        avg_probs = torch.mean(encodings, dim=0)
        perplexity = torch.exp(-torch.sum(avg_probs * torch.log(avg_probs + 1e-10)))
        return loss, quantized.permute(0, 3, 1, 2).contiguous(), perplexity, encoding_indices.view(input_shape[:-1])


class FSQ(nn.Module):
    def __init__(self, levels):
        super().__init__()
        self.register_buffer("_levels", torch.tensor(levels, dtype=torch.int32), persistent=False)
        basis = torch.cumprod(torch.tensor([1] + levels[:-1]), dim=0, dtype=torch.int32)
        self.register_buffer("_basis", basis, persistent=False)

    def bound(self, z, eps=1e-3):
        half_l = (self._levels - 1) * (1 + eps) / 2
        offset = torch.where(self._levels % 2 == 0, 0.5, 0.0)
        shift = (offset / half_l).atanh()
        return (z + shift).tanh() * half_l - offset

    def forward(self, z):
        bounded = self.bound(z)
        quantized = bounded + (bounded.round() - bounded).detach()
        half_width = self._levels // 2
        return quantized / half_width

    def codes_to_indices(self, zhat):
        half_width = self._levels // 2
        zhat = (zhat * half_width) + half_width
        return (zhat * self._basis).sum(dim=-1).to(torch.int32)


class Model(nn.Module):
    def __init__(self, quantizer, dim=4):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, dim, 3, stride=1, padding=1),
        )
        self.vq = quantizer
        self.decoder = nn.Sequential(
            nn.Conv2d(dim, 16, 3, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1),
        )

    def forward(self, x):
        z = self.encoder(x)
        vq_loss, quantized, perplexity, idx = self.vq(z)
        return vq_loss, self.decoder(quantized), perplexity, idx


pixels, _ = digits()
images = torch.tensor(pixels[:320], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
data_variance = images.var().item()
print(f"data variance {data_variance:.6f}")

for name, vq in [("vq", VectorQuantizer(16, 4, 0.25)), ("ema", VectorQuantizerEMA(16, 4, 0.25, decay=0.9))]:
    torch.manual_seed(1)
    model = Model(vq)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, amsgrad=False)
    for step in range(24):
        batch = images[torch.randint(0, len(images), (32,))]
        vq_loss, recon, perplexity, _ = model(batch)
        recon_error = F.mse_loss(recon, batch) / data_variance
        loss = recon_error + vq_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 8 == 0 or step == 23:
            print(f"{name} step {step:2d} | recon {recon_error.item():.5f} | vq {vq_loss.item():.6f}"
                  f" | perplexity {perplexity.item():.4f}")
    model.eval()
    with torch.no_grad():
        _, recon, perplexity, idx = model(images[:64])
    values, counts = torch.unique(idx, return_counts=True)
    print(f"{name} eval perplexity {perplexity.item():.4f} | codes used {values.numel()}"
          f" | most common {values[counts.argmax()].item()} x{counts.max().item()}")
    print(f"{name} bincount", torch.bincount(idx.flatten(), minlength=16).tolist())

# dead-code restart: unused codes are re-seeded from random encoder outputs
vq = model.vq
with torch.no_grad():
    z = model.encoder(images[:64]).permute(0, 2, 3, 1).reshape(-1, 4)
    usage = torch.bincount(idx.flatten(), minlength=16)
    dead = (usage == 0).nonzero(as_tuple=True)[0]
    picks = z[torch.randperm(z.size(0))[: dead.numel()]]
    vq._embedding.weight.data[dead] = picks
    _, _, perplexity_after, idx_after = vq(model.encoder(images[:64]))
print("dead codes", dead.tolist(), f"perplexity after restart {perplexity_after.item():.4f}")

# finite scalar quantization
fsq = FSQ([8, 5, 5])
torch.manual_seed(2)
z = torch.randn(6, 3, requires_grad=True) * 2
z.retain_grad()
q = fsq(z)
print("fsq codes", [[f"{v:.4f}" for v in row] for row in q[:2].tolist()])
idx = fsq.codes_to_indices(q)
print("fsq indices", idx.tolist(), "unique levels", sorted(set(q[:, 1].tolist())))
(q * torch.arange(1.0, 4.0)).sum().backward()
print("straight-through grad", [f"{v:.5f}" for v in z.grad[0].tolist()])
