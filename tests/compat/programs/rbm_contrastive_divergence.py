"""Restricted Boltzmann machines on 3x3 binary patterns, as the RBM tutorials write them (Hinton's practical
guide): Gibbs sampling with torch.bernoulli from a seeded generator, CD-k and persistent CD updates applied
by hand under torch.no_grad, the same CD gradient obtained by autograd through the free-energy difference
(softplus form), the exact log-partition by enumerating all 2^9 visible states in chunks with
torch.logsumexp, exact log-likelihoods, the pseudo-log-likelihood by flipping one bit, and
reconstruction-based pattern completion."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
gen = torch.Generator().manual_seed(0)

# data: horizontal and vertical bars on a 3x3 grid
patterns = []
for bits in itertools.product([0, 1], repeat=3):
    img = torch.tensor(bits, dtype=torch.float32).unsqueeze(1).expand(3, 3)
    patterns.append(img.flatten())
    patterns.append(img.T.flatten())
data = torch.unique(torch.stack(patterns), dim=0)
print("distinct patterns", len(data), "mean pixel", f"{data.mean().item():.4f}")


class RBM(nn.Module):
    def __init__(self, nv=9, nh=6):
        super().__init__()
        self.W = nn.Parameter(torch.randn(nh, nv, generator=gen) * 0.01)
        self.b = nn.Parameter(torch.zeros(nv))
        self.c = nn.Parameter(torch.zeros(nh))

    def p_h(self, v):
        return torch.sigmoid(F.linear(v, self.W, self.c))

    def p_v(self, h):
        return torch.sigmoid(F.linear(h, self.W.t(), self.b))

    def gibbs(self, v, k):
        for _ in range(k):
            h = torch.bernoulli(self.p_h(v), generator=gen)
            v = torch.bernoulli(self.p_v(h), generator=gen)
        return v

    def free_energy(self, v):
        return -(v @ self.b) - F.softplus(F.linear(v, self.W, self.c)).sum(-1)

    def log_z(self):
        states = torch.tensor(list(itertools.product([0.0, 1.0], repeat=9)))
        return torch.logsumexp(torch.cat([-self.free_energy(chunk) for chunk in states.split(256)]), 0)


rbm = RBM()
v0 = data[:4]
# the CD-1 gradient by hand and by autograd through the free energies agree
with torch.no_grad():
    state = gen.get_state()
    vk = rbm.gibbs(v0, 1)
    ph0, phk = rbm.p_h(v0), rbm.p_h(vk)
    dW = (ph0.T @ v0 - phk.T @ vk) / len(v0)
gen.set_state(state)
vk2 = rbm.gibbs(v0, 1)
loss = (rbm.free_energy(v0) - rbm.free_energy(vk2.detach())).mean()
loss.backward()
print("same negative samples", torch.equal(vk, vk2), "cd grad agrees", torch.allclose(-rbm.W.grad, dW, atol=1e-6))
print(f"cd loss {loss.item():.6f} grad norm {rbm.W.grad.norm().item():.6f}")

# a sample keeps the graph of its probabilities (zero gradients): chains updated in place after being
# sampled from cannot be backpropagated through, so the negative phase is usually sampled without grad
h_sample = torch.bernoulli(rbm.p_h(v0), generator=gen)
print("sample requires grad", h_sample.requires_grad, h_sample.grad_fn.name(),
      [type(f).__name__ for f, _ in h_sample.grad_fn.next_functions])
chains = torch.bernoulli(torch.full((4, 9), 0.5), generator=gen)
start = chains[:4]
vk = rbm.gibbs(start, 1)
chains[:4] = vk
try:
    (rbm.free_energy(v0) - rbm.free_energy(vk)).mean().backward()
except RuntimeError as e:
    print("backward through modified chains:", isinstance(e, RuntimeError), "modified by an inplace operation" in str(e))
rbm.zero_grad()
(rbm.free_energy(v0) - rbm.free_energy(vk.detach())).mean().backward()
print(f"detached negative phase grad norm {rbm.W.grad.norm().item():.6f}")
mean = torch.zeros(3, requires_grad=True)
z = torch.normal(mean, 1.0, generator=gen)
z.sum().backward()
print("normal(mean) grad_fn", z.grad_fn.name(), "mean.grad", mean.grad.tolist())

for name, persistent, k in [("cd1", False, 1), ("pcd", True, 1), ("cd3", False, 3)]:
    torch.manual_seed(1)
    gen.manual_seed(1)
    rbm = RBM()
    opt = torch.optim.SGD(rbm.parameters(), lr=0.1, momentum=0.5)
    chains = torch.bernoulli(torch.full((10, 9), 0.5), generator=gen)
    for epoch in range(20):
        perm = torch.randperm(len(data), generator=gen)
        for batch in data[perm].split(10):
            start = chains[:len(batch)] if persistent else batch
            with torch.no_grad():
                vk = rbm.gibbs(start, k)
            if persistent:
                chains[:len(batch)] = vk
            opt.zero_grad()
            (rbm.free_energy(batch) - rbm.free_energy(vk)).mean().backward()
            opt.step()
        if epoch % 10 == 9:
            with torch.no_grad():
                ll = (-rbm.free_energy(data) - rbm.log_z()).mean()
                recon = F.binary_cross_entropy(rbm.p_v(rbm.p_h(data)), data)
            print(f"{name} epoch {epoch + 1} | exact ll {ll.item():.5f} | recon bce {recon.item():.5f}")
    with torch.no_grad():
        # pseudo-log-likelihood with one random bit flipped per example
        idx = torch.randint(0, 9, (len(data),), generator=gen)
        flipped = data.clone()
        flipped[torch.arange(len(data)), idx] = 1 - flipped[torch.arange(len(data)), idx]
        pll = 9 * F.logsigmoid(rbm.free_energy(flipped) - rbm.free_energy(data)).mean()
        print(f"{name} pseudo ll {pll.item():.5f} | log Z {rbm.log_z().item():.5f}")

# pattern completion: clamp the top two rows of a pattern
with torch.no_grad():
    target = data[5]
    v = target.clone()
    v[6:] = 0.5
    for _ in range(20):
        h = rbm.p_h(v)
        v_new = rbm.p_v(h)
        v = torch.cat([target[:6], v_new[6:]])
    print("target bottom", target[6:].int().tolist())
    print("completed    ", (v[6:] > 0.5).int().tolist(), "mean abs err", f"{(v[6:] - target[6:]).abs().mean().item():.4f}")
