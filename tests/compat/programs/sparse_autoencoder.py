"""Sparse autoencoders for interpretability, as the dictionary-learning
repos (Anthropic's "Towards Monosemanticity" recipe, OpenAI's TopK SAE,
SAELens-style trainers) write them: synthetic "activations" built from
sparse ground-truth features in superposition, an SAE with a pre-encoder
bias (b_dec subtracted), ReLU-L1 training with the decoder's columns
renormalised to unit norm after each step and the parallel gradient
component removed before it (the einsum projection), a TopK SAE
(torch.topk + scatter into zeros), L0 / dead-latent counts by firing
frequency, fraction of variance unexplained, feature recovery by max cosine
similarity against the true dictionary, resampling of dead latents from high
loss inputs (torch.multinomial on squared errors), and a ghost-grads style
auxiliary loss on dead latents. Seeded; every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

d_model, n_true, n_lat, N = 16, 32, 48, 2048
true_dict = F.normalize(torch.randn(n_true, d_model), dim=1)
probs = torch.rand(n_true) * 0.08 + 0.01
active = torch.rand(N, n_true) < probs
coeffs = torch.rand(N, n_true) * active
acts = coeffs @ true_dict + 0.01 * torch.randn(N, d_model)
print("mean true L0", round(active.sum(1).float().mean().item(), 5), "act norm", round(acts.norm(dim=1).mean().item(), 5))


class SAE(nn.Module):
    def __init__(self, k=None):
        super().__init__()
        self.k = k
        self.W_enc = nn.Parameter(nn.init.kaiming_uniform_(torch.empty(d_model, n_lat)))
        self.b_enc = nn.Parameter(torch.zeros(n_lat))
        self.W_dec = nn.Parameter(self.W_enc.detach().T.clone())
        self.b_dec = nn.Parameter(acts.median(0).values.clone())
        with torch.no_grad():
            self.W_dec /= self.W_dec.norm(dim=1, keepdim=True)

    def encode(self, x):
        pre = (x - self.b_dec) @ self.W_enc + self.b_enc
        if self.k is None:
            return F.relu(pre), pre
        v, i = pre.topk(self.k, dim=-1)
        return torch.zeros_like(pre).scatter(-1, i, F.relu(v)), pre

    def forward(self, x):
        f, pre = self.encode(x)
        return f @ self.W_dec + self.b_dec, f, pre


@torch.no_grad()
def remove_parallel_grad(W):
    W.grad -= torch.einsum("ld,ld->l", W.grad, W)[:, None] * W


def fvu(x, xh):
    return ((x - xh) ** 2).sum() / ((x - x.mean(0)) ** 2).sum()


def recovery(W_dec):
    cos = F.normalize(W_dec, dim=1) @ true_dict.T
    return cos.max(0).values


@torch.no_grad()
def resample(sae, opt, freq, g, step):
    dead = (freq < 2e-3).nonzero().squeeze(1)
    print(f"  {len(dead)} latents fired on under 0.2% of inputs by step {step}")
    if len(dead) == 0:
        return
    xs = acts[:512]
    err = (sae(xs)[0] - xs).pow(2).sum(-1)
    pick = torch.multinomial(err / err.sum(), len(dead), replacement=False, generator=g)
    dirs = F.normalize(xs[pick] - sae.b_dec, dim=1)
    sae.W_dec[dead] = dirs
    sae.W_enc[:, dead] = dirs.T * 0.2
    sae.b_enc[dead] = 0.0
    for p in (sae.W_enc, sae.b_enc, sae.W_dec):
        opt.state[p]["exp_avg"].zero_()
        opt.state[p]["exp_avg_sq"].zero_()


def train(sae, steps=300, l1=5e-2, aux=0.0, resample_at=None):
    opt = torch.optim.Adam(sae.parameters(), lr=3e-3, betas=(0.9, 0.999))
    fired = torch.zeros(n_lat)
    g = torch.Generator().manual_seed(1)
    for step in range(steps):
        x = acts[torch.randint(0, N, (128,), generator=g)]
        xh, f, pre = sae(x)
        mse = (xh - x).pow(2).sum(-1).mean()
        loss = mse + l1 * (f * sae.W_dec.norm(dim=1)).sum(-1).mean() if sae.k is None else mse
        fired += (f > 0).float().sum(0)
        if aux > 0 and step > 50:
            dead = fired / ((step + 1) * 128) < 1e-3
            if dead.any():
                resid = (x - xh).detach()
                ghost = torch.exp(pre[:, dead]) @ sae.W_dec[dead]
                scale = resid.norm(dim=-1, keepdim=True) / (2 * ghost.norm(dim=-1, keepdim=True) + 1e-8)
                loss = loss + aux * (ghost * scale.detach() - resid).pow(2).sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        remove_parallel_grad(sae.W_dec)
        opt.step()
        with torch.no_grad():
            sae.W_dec /= sae.W_dec.norm(dim=1, keepdim=True)
        if resample_at is not None and step == resample_at:
            resample(sae, opt, fired / ((step + 1) * 128), g, step)
        if step % 100 == 0 or step == steps - 1:
            print(f"  step {step:3d} | loss {loss.item():.6f} | mse {mse.item():.6f} | L0 {(f > 0).float().sum(-1).mean().item():.4f}")
    return fired / (steps * 128)


for name, kw, tkw in [("relu-l1", {}, {}), ("relu-l1 bad init", {}, {}),
                      ("relu-l1 bad init+resample", {}, {"resample_at": 150}),
                      ("relu-l1 bad init+ghost", {}, {"aux": 0.5}), ("topk k=4", {"k": 4}, {})]:
    torch.manual_seed(2)
    print(name)
    sae = SAE(**kw)
    if "bad init" in name:  # a third of the latents start dead: pre-activations pushed far below zero
        with torch.no_grad():
            sae.b_enc[-16:] = -3.0
    freq = train(sae, **tkw)
    with torch.no_grad():
        xh, f, _ = sae(acts)
    rec = recovery(sae.W_dec.detach())
    print(f"  fvu {fvu(acts, xh).item():.6f} | L0 {(f > 0).float().sum(-1).mean().item():.4f}"
          f" | dead {int((freq == 0).sum())} | dense {int((freq > 0.3).sum())}")
    print(f"  recovered (cos > 0.9) {int((rec > 0.9).sum())}/{n_true} | mean max cos {rec.mean().item():.6f}")
    print(f"  decoder norms {sae.W_dec.norm(dim=1).min().item():.6f} {sae.W_dec.norm(dim=1).max().item():.6f}")
