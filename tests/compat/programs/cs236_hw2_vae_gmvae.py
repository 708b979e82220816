"""CS236 (Stanford, deep generative models) homework 2 as students complete it: codebase/utils.py
(sample_gaussian by reparameterization, gaussian_parameters via torch.split + softplus + 1e-8, log_normal,
log_normal_mixture via log_sum_exp over the mixture dim, kl_normal, duplicate by expand/reshape,
log_mean_exp / log_sum_exp with the max trick, log_bernoulli_with_logits via BCEWithLogits
reduction='none'), the VAE's negative_elbo_bound and negative_iwae_bound, the GMVAE with a learned
mixture prior (an nn.Parameter of shape (1, 2k, z_dim) / sqrt(k*z_dim)), and the SSVAE's label
classifier loss; trained on binarized 8x8 digits with Adam, printing NELBO/KL/Rec and IWAE bounds."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import _data

torch.set_num_threads(1)
torch.manual_seed(0)
bce = torch.nn.BCEWithLogitsLoss(reduction="none")


def sample_gaussian(m, v):
    eps = torch.randn_like(v)
    return m + eps * torch.sqrt(v)


def log_normal(x, m, v):
    element_wise = -0.5 * (torch.log(v) + (x - m).pow(2) / v + np.log(2 * np.pi))
    return element_wise.sum(-1)


def log_normal_mixture(z, m, v):
    z = z.unsqueeze(1)
    log_probs = log_normal(z, m, v)
    return log_mean_exp(log_probs, 1)


def gaussian_parameters(h, dim=-1):
    m, h = torch.split(h, h.size(dim) // 2, dim=dim)
    v = F.softplus(h) + 1e-8
    return m, v


def log_bernoulli_with_logits(x, logits):
    return -bce(input=logits, target=x).sum(-1)


def kl_cat(q, log_q, log_p):
    element_wise = q * (log_q - log_p)
    return element_wise.sum(-1)


def kl_normal(qm, qv, pm, pv):
    element_wise = 0.5 * (torch.log(pv) - torch.log(qv) + qv / pv + (qm - pm).pow(2) / pv - 1)
    return element_wise.sum(-1)


def duplicate(x, rep):
    return x.expand(rep, *x.shape).reshape(-1, *x.shape[1:])


def log_mean_exp(x, dim):
    return log_sum_exp(x, dim) - np.log(x.size(dim))


def log_sum_exp(x, dim=0):
    max_x = torch.max(x, dim)[0]
    new_x = x - max_x.unsqueeze(dim).expand_as(x)
    return max_x + (new_x.exp().sum(dim)).log()


class Encoder(nn.Module):
    def __init__(self, z_dim, y_dim=0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64 + y_dim, 64), nn.ELU(), nn.Linear(64, 64), nn.ELU(),
                                 nn.Linear(64, 2 * z_dim))

    def encode(self, x, y=None):
        xy = x if y is None else torch.cat((x, y), dim=1)
        h = self.net(xy)
        m, v = gaussian_parameters(h, dim=1)
        return m, v


class Decoder(nn.Module):
    def __init__(self, z_dim, y_dim=0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(z_dim + y_dim, 64), nn.ELU(), nn.Linear(64, 64), nn.ELU(),
                                 nn.Linear(64, 64))

    def decode(self, z, y=None):
        zy = z if y is None else torch.cat((z, y), dim=1)
        return self.net(zy)


class VAE(nn.Module):
    def __init__(self, z_dim=2, name="vae"):
        super().__init__()
        self.name = name
        self.z_dim = z_dim
        self.enc = Encoder(self.z_dim)
        self.dec = Decoder(self.z_dim)
        self.z_prior_m = torch.nn.Parameter(torch.zeros(1), requires_grad=False)
        self.z_prior_v = torch.nn.Parameter(torch.ones(1), requires_grad=False)
        self.z_prior = (self.z_prior_m, self.z_prior_v)

    def negative_elbo_bound(self, x):
        qm, qv = self.enc.encode(x)
        kl = kl_normal(qm, qv, self.z_prior_m.expand_as(qm), self.z_prior_v.expand_as(qv))
        z = sample_gaussian(qm, qv)
        logits = self.dec.decode(z)
        rec = -log_bernoulli_with_logits(x, logits)
        nelbo = (kl + rec).mean()
        return nelbo, kl.mean(), rec.mean()

    def negative_iwae_bound(self, x, iw):
        qm, qv = self.enc.encode(x)
        qm, qv = duplicate(qm, iw), duplicate(qv, iw)
        x_rep = duplicate(x, iw)
        z = sample_gaussian(qm, qv)
        logits = self.dec.decode(z)
        log_px_z = log_bernoulli_with_logits(x_rep, logits)
        log_pz = log_normal(z, self.z_prior_m.expand_as(z), self.z_prior_v.expand_as(z))
        log_qz = log_normal(z, qm, qv)
        log_w = (log_px_z + log_pz - log_qz).reshape(iw, -1)
        niwae = -log_mean_exp(log_w, 0).mean()
        kl = (log_qz - log_pz).mean()
        rec = -log_px_z.mean()
        return niwae, kl, rec

    def loss(self, x):
        nelbo, kl, rec = self.negative_elbo_bound(x)
        summaries = dict((("train/loss", nelbo), ("gen/elbo", -nelbo), ("gen/kl_z", kl), ("gen/rec", rec)))
        return nelbo, summaries

    def sample_x(self, batch):
        z = sample_gaussian(self.z_prior[0].expand(batch, self.z_dim), self.z_prior[1].expand(batch, self.z_dim))
        return torch.bernoulli(torch.sigmoid(self.dec.decode(z)))


class GMVAE(nn.Module):
    def __init__(self, z_dim=2, k=10, name="gmvae"):
        super().__init__()
        self.name = name
        self.k = k
        self.z_dim = z_dim
        self.enc = Encoder(self.z_dim)
        self.dec = Decoder(self.z_dim)
        self.z_pre = torch.nn.Parameter(torch.randn(1, 2 * self.k, self.z_dim) / np.sqrt(self.k * self.z_dim))
        self.pi = torch.nn.Parameter(torch.ones(k) / k, requires_grad=False)

    def negative_elbo_bound(self, x):
        prior = gaussian_parameters(self.z_pre, dim=1)
        qm, qv = self.enc.encode(x)
        z = sample_gaussian(qm, qv)
        log_qz = log_normal(z, qm, qv)
        log_pz = log_normal_mixture(z, prior[0], prior[1])
        kl = (log_qz - log_pz).mean()
        logits = self.dec.decode(z)
        rec = -log_bernoulli_with_logits(x, logits).mean()
        return kl + rec, kl, rec

    def negative_iwae_bound(self, x, iw):
        prior = gaussian_parameters(self.z_pre, dim=1)
        qm, qv = self.enc.encode(x)
        qm, qv, x_rep = duplicate(qm, iw), duplicate(qv, iw), duplicate(x, iw)
        z = sample_gaussian(qm, qv)
        log_px_z = log_bernoulli_with_logits(x_rep, self.dec.decode(z))
        log_pz = log_normal_mixture(z, prior[0], prior[1])
        log_qz = log_normal(z, qm, qv)
        log_w = (log_px_z + log_pz - log_qz).reshape(iw, -1)
        return -log_mean_exp(log_w, 0).mean(), (log_qz - log_pz).mean(), -log_px_z.mean()


class Classifier(nn.Module):
    def __init__(self, y_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, y_dim))

    def classify(self, x):
        return self.net(x)


# utility checks the homework's test cases print
x = torch.tensor([[0.5, -1.0], [2.0, 0.0]])
print("log_normal", log_normal(x, torch.zeros(2), torch.ones(2) * 2))
print("log_sum_exp", log_sum_exp(torch.tensor([[1.0, 1000.0], [2.0, 1000.5]]), dim=1))
print("log_mean_exp", log_mean_exp(torch.tensor([[-1e3, -1e3 + 1]]), 1))
print("duplicate", duplicate(torch.arange(6.).view(3, 2), 2))
m, v = gaussian_parameters(torch.tensor([[1.0, -2.0, 0.0, 3.0]]), dim=1)
print("gaussian_parameters", m, v)
print("kl_normal", kl_normal(torch.zeros(1, 3), torch.ones(1, 3) * 0.5, torch.ones(1, 3), torch.ones(1, 3)))
mix_m = torch.tensor([[[0.0, 0.0], [1.0, 1.0]]])
print("log_normal_mixture", log_normal_mixture(x, mix_m, torch.ones(1, 2, 2)))
q = torch.softmax(torch.tensor([[0.1, 0.2, 0.7]]), -1)
print("kl_cat", kl_cat(q, q.log(), torch.log(torch.ones(3) / 3)))

pix, labels = _data.digits()
xb = torch.tensor((pix > 7).astype(np.float32))
xtrain, xtest = xb[:1200], xb[1200:1500]
ytrain = torch.tensor(labels[:1200])
print("binarized", xtrain.shape, xtrain.mean().item())


def train(model, iters, tag, iw_every=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    i = 0
    while i < iters:
        for b in range(0, 1200, 100):
            i += 1
            optimizer.zero_grad()
            xbatch = torch.bernoulli(xtrain[b:b + 100] * 0.9 + 0.05)
            loss, kl, rec = model.negative_elbo_bound(xbatch)
            loss.backward()
            optimizer.step()
            if i % 40 == 0:
                print(f"{tag} iter {i} loss {loss.item():.4f} kl {kl.item():.4f} rec {rec.item():.4f}")
            if i == iters:
                break


torch.manual_seed(1)
vae = VAE(z_dim=4)
print(vae)
print("trainable", sum(p.numel() for p in vae.parameters() if p.requires_grad),
      "frozen", [n for n, p in vae.named_parameters() if not p.requires_grad])
train(vae, 160, "vae")
vae.eval()
with torch.no_grad():
    torch.manual_seed(5)
    nelbo, kl, rec = vae.negative_elbo_bound(xtest)
    print(f"vae test NELBO {nelbo.item():.4f} KL {kl.item():.4f} Rec {rec.item():.4f}")
    for iw in [1, 10, 100]:
        niwae, kl, rec = vae.negative_iwae_bound(xtest, iw)
        print(f"vae negative IWAE-{iw} {niwae.item():.4f}")
    samples = vae.sample_x(20)
    print("samples", samples.shape, samples.sum().item())

torch.manual_seed(2)
gmvae = GMVAE(z_dim=4, k=10)
print("z_pre", gmvae.z_pre.shape, f"{gmvae.z_pre.std().item():.5f}")
train(gmvae, 120, "gmvae")
with torch.no_grad():
    torch.manual_seed(6)
    nelbo, kl, rec = gmvae.negative_elbo_bound(xtest)
    print(f"gmvae test NELBO {nelbo.item():.4f} KL {kl.item():.4f} Rec {rec.item():.4f}")
    for iw in [1, 10]:
        print(f"gmvae negative IWAE-{iw} {gmvae.negative_iwae_bound(xtest, iw)[0].item():.4f}")
    m, v = gaussian_parameters(gmvae.z_pre.squeeze(0), dim=0)
    print("prior means", m.shape, "variances min", f"{v.min().item():.5f}")

# the SSVAE's classification term on labelled data
torch.manual_seed(3)
cls = Classifier(10)
opt = torch.optim.Adam(cls.parameters(), lr=1e-3)
for it in range(60):
    y_logits = cls.classify(xtrain[:200])
    y_prob = torch.softmax(y_logits, dim=1)
    y_logprob = F.log_softmax(y_logits, dim=1)
    kl_y = kl_cat(y_prob, y_logprob, np.log(1.0 / 10)).mean()
    ce = F.cross_entropy(y_logits, ytrain[:200])
    loss = ce + 0.1 * kl_y
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 20 == 0:
        print(f"ssvae cls iter {it} ce {ce.item():.4f} kl_y {kl_y.item():.4f}")
acc = (cls.classify(xtest).argmax(1) == torch.tensor(labels[1200:1500])).float().mean()
print(f"classifier accuracy {acc.item():.4f}")
