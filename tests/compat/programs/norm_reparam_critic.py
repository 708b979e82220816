"""Weight-reparameterized layers as GAN and audio code uses them: a spectral-normalized critic (the
old torch.nn.utils.spectral_norm hook and the new parametrizations.spectral_norm, their u/v buffers,
n_power_iterations, eval mode freezing sigma) trained a few steps against a weight-normalized generator
(parametrizations.weight_norm with original0/original1, dim=None and dim=1, the deprecated
nn.utils.weight_norm with weight_g/weight_v, remove_weight_norm, remove_parametrizations with
leave_parametrized), gradient clipping by norm (max, inf and 1-norm) and by value, parameters_to_vector
round trips and an orthogonal parametrization kept orthogonal through Adam steps. Seeded: every
printed number agrees."""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parametrizations, parametrize

torch.set_num_threads(1)
warnings.filterwarnings("ignore")
torch.manual_seed(0)

# old-style spectral norm
lin = nn.utils.spectral_norm(nn.Linear(6, 5), n_power_iterations=2)
print("old sn params", sorted(n for n, _ in lin.named_parameters()), "buffers",
      sorted(n for n, _ in lin.named_buffers()))
x = torch.randn(4, 6)
y = lin(x)
sigma = torch.linalg.matrix_norm(lin.weight_orig.detach(), ord=2)
print(f"weight sigma after forward {torch.linalg.matrix_norm(lin.weight.detach(), ord=2).item():.5f}",
      f"orig sigma {sigma.item():.5f}")
u_before = lin.weight_u.clone()
lin.eval()
lin(x)
print("eval keeps u", torch.equal(u_before, lin.weight_u))
lin.train()
lin(x)
print("train moves u", not torch.equal(u_before, lin.weight_u))
sd = lin.state_dict()
print("old sn state keys", list(sd))
lin = nn.utils.remove_spectral_norm(lin)
print("removed", sorted(n for n, _ in lin.named_parameters()))

# new-style spectral norm
torch.manual_seed(1)
conv = parametrizations.spectral_norm(nn.Conv2d(3, 4, 3), n_power_iterations=1)
print("new sn", sorted(n for n, _ in conv.named_parameters()), sorted(n for n, _ in conv.named_buffers()))
print("is parametrized", parametrize.is_parametrized(conv), parametrize.is_parametrized(conv, "bias"))
img = torch.randn(2, 3, 8, 8)
out = conv(img)
print("conv out", tuple(out.shape), f"{out.sum().item():.5f}")
print("sn state keys", list(conv.state_dict()))

# weight norm, both APIs
torch.manual_seed(2)
wn_old = nn.utils.weight_norm(nn.Linear(5, 4), name="weight", dim=0)
print("old wn", sorted(n for n, _ in wn_old.named_parameters()), tuple(wn_old.weight_g.shape))
print(f"g equals row norms {torch.allclose(wn_old.weight_g.squeeze(), wn_old.weight_v.norm(dim=1))}")
torch.manual_seed(2)
wn_new = parametrizations.weight_norm(nn.Linear(5, 4), dim=0)
print("new wn", sorted(n for n, _ in wn_new.named_parameters()),
      tuple(wn_new.parametrizations.weight.original0.shape))
xi = torch.randn(3, 5)
print("old == new", torch.allclose(wn_old(xi), wn_new(xi)))
wn_none = parametrizations.weight_norm(nn.Linear(5, 4), dim=None)
print("dim=None g shape", tuple(wn_none.parametrizations.weight.original0.shape))
wn_one = parametrizations.weight_norm(nn.Conv1d(2, 3, 3), dim=1)
print("conv1d dim=1 g shape", tuple(wn_one.parametrizations.weight.original0.shape))


# a tiny GAN: weight-normed generator, spectral-normed critic (hinge loss)
class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = parametrizations.weight_norm(nn.Linear(4, 32))
        self.fc2 = parametrizations.weight_norm(nn.Linear(32, 2))

    def forward(self, z):
        return self.fc2(F.leaky_relu(self.fc1(z), 0.2))


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = parametrizations.spectral_norm(nn.Linear(2, 32))
        self.fc2 = nn.utils.spectral_norm(nn.Linear(32, 32))
        self.fc3 = parametrizations.spectral_norm(nn.Linear(32, 1))

    def forward(self, x):
        return self.fc3(F.leaky_relu(self.fc2(F.leaky_relu(self.fc1(x), 0.2)), 0.2))


torch.manual_seed(3)
G, D = Generator(), Critic()
opt_g = torch.optim.SGD(G.parameters(), lr=0.05, momentum=0.5)
opt_d = torch.optim.SGD(D.parameters(), lr=0.1, momentum=0.5)
real_data = torch.randn(256, 2) * torch.tensor([0.5, 2.0]) + torch.tensor([1.0, -1.0])
for step in range(30):
    real = real_data[(step * 16) % 256:(step * 16) % 256 + 16]
    z = torch.randn(16, 4)
    fake = G(z)
    d_loss = F.relu(1.0 - D(real)).mean() + F.relu(1.0 + D(fake.detach())).mean()
    opt_d.zero_grad()
    d_loss.backward()
    d_norm = nn.utils.clip_grad_norm_(D.parameters(), max_norm=5.0)
    opt_d.step()
    g_loss = -D(G(torch.randn(16, 4))).mean()
    opt_g.zero_grad()
    g_loss.backward()
    g_norm = nn.utils.clip_grad_norm_(G.parameters(), max_norm=1.0, norm_type="inf")
    opt_g.step()
    if step % 6 == 5:
        print(f"step {step} d_loss {d_loss.item():.5f} g_loss {g_loss.item():.5f} "
              f"d_norm {d_norm.item():.5f} g_inf {g_norm.item():.5f}")
D.eval()
with torch.no_grad():
    sig = [torch.linalg.matrix_norm(m.weight, ord=2).item() for m in (D.fc1, D.fc2, D.fc3)]
    print("critic sigmas", [f"{s:.4f}" for s in sig])
    samples = G(torch.randn(500, 4))
print("sample mean", [f"{v:.4f}" for v in samples.mean(0).tolist()], "std",
      [f"{v:.4f}" for v in samples.std(0).tolist()])
print("G param names", [n for n, _ in G.named_parameters()])

# removing the parametrizations
parametrize.remove_parametrizations(G.fc1, "weight", leave_parametrized=True)
print("fc1 after remove", [n for n, _ in G.fc1.named_parameters()], type(G.fc1.weight).__name__)
w_before = G.fc2.weight.detach().clone()
try:
    parametrize.remove_parametrizations(G.fc2, "weight", leave_parametrized=False)
except ValueError as e:
    print("fc2 leave_parametrized=False:", type(e).__name__, str(e)[:70])
parametrize.remove_parametrizations(G.fc2, "weight")
print("fc2 removed", G.fc2.weight.shape, torch.allclose(G.fc2.weight, w_before))
old = nn.utils.weight_norm(nn.Linear(3, 3))
w = old.weight.detach().clone()
nn.utils.remove_weight_norm(old)
print("remove_weight_norm", [n for n, _ in old.named_parameters()], torch.allclose(old.weight, w))

# clipping variants and vectors
torch.manual_seed(4)
net = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
loss = net(torch.randn(10, 3) * 5).pow(2).sum()
loss.backward()
grads = [p.grad.clone() for p in net.parameters()]
print("norm2", f"{nn.utils.clip_grad_norm_(net.parameters(), 1e9).item():.5f}")
print("norm1", f"{nn.utils.clip_grad_norm_(net.parameters(), 1e9, norm_type=1.0).item():.5f}")
total = nn.utils.clip_grad_norm_(net.parameters(), 0.5)
print("clipped total", f"{total.item():.5f}", "after",
      f"{torch.norm(torch.stack([p.grad.norm() for p in net.parameters()])).item():.5f}")
for p, g in zip(net.parameters(), grads):
    p.grad = g.clone()
nn.utils.clip_grad_value_(net.parameters(), clip_value=0.25)
print("value clipped max", max(p.grad.abs().max().item() for p in net.parameters()))
vec = nn.utils.parameters_to_vector(net.parameters())
print("vector", tuple(vec.shape), f"{vec.sum().item():.5f}")
nn.utils.vector_to_parameters(vec * 0.5, net.parameters())
print("halved", f"{nn.utils.parameters_to_vector(net.parameters()).sum().item():.5f}")
try:
    nn.utils.clip_grad_norm_([torch.tensor([float("nan")], requires_grad=True)], 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("nonfinite:", str(e)[:60])

# orthogonal parametrization under Adam
torch.manual_seed(5)
layer = parametrizations.orthogonal(nn.Linear(6, 6))
opt = torch.optim.Adam(layer.parameters(), lr=0.05)
target = torch.randn(32, 6)
inp = torch.randn(32, 6)
for step in range(15):
    loss = F.mse_loss(layer(inp), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 4:
        W = layer.weight
        print(f"orth step {step} loss {loss.item():.5f} "
              f"|WtW-I| {(W.T @ W - torch.eye(6)).abs().max().item() < 1e-5}")
print("orth names", sorted(n for n, _ in layer.named_parameters()))
