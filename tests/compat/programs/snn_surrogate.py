"""A spiking neural network trained with surrogate gradients, as the
SpyTorch / snnTorch tutorials write it by hand: a Heaviside spike as a
torch.autograd.Function whose backward is the fast-sigmoid surrogate
(ctx.save_for_backward, ctx.scale as a class attribute), leaky
integrate-and-fire neurons with a reset by subtraction (detached, as
snnTorch's reset_delay does), rate- and latency-coded inputs from the
bundled digits (torch.bernoulli under the seed), membrane traces recorded
by torch.stack over time, the count loss (cross-entropy on summed
spikes) and the membrane loss, Adam with betas, grad-norm clipping,
firing-rate statistics and accuracy. Seeded, trained in float64 (spikes are
threshold-chaotic in float32): every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)


class SurrGradSpike(torch.autograd.Function):
    """Heaviside step forward, derivative of a fast sigmoid backward (Zenke & Ganguli)."""

    scale = 10.0

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        out = torch.zeros_like(input)
        out[input > 0] = 1.0
        return out

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad = grad_input / (SurrGradSpike.scale * torch.abs(input) + 1.0) ** 2
        return grad


spike_fn = SurrGradSpike.apply


class ATan(torch.autograd.Function):
    """snnTorch's default surrogate: arctan, alpha as a non-tensor argument."""

    @staticmethod
    def forward(ctx, mem, alpha=2.0):
        ctx.save_for_backward(mem)
        ctx.alpha = alpha
        return (mem > 0).to(mem.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (mem,) = ctx.saved_tensors
        grad = ctx.alpha / 2 / (1 + (torch.pi / 2 * ctx.alpha * mem).pow_(2)) * grad_output
        return grad, None


class Leaky(nn.Module):
    def __init__(self, beta, threshold=1.0, spike_grad=spike_fn, learn_beta=False):
        super().__init__()
        beta = torch.as_tensor(beta)
        if learn_beta:
            self.beta = nn.Parameter(beta)
        else:
            self.register_buffer("beta", beta)
        self.threshold = threshold
        self.spike_grad = spike_grad

    def init_leaky(self):
        return torch.zeros(0)

    def forward(self, input_, mem):
        if mem.numel() == 0:
            mem = torch.zeros_like(input_)
        reset = (mem - self.threshold > 0).to(mem.dtype).detach() * self.threshold
        mem = self.beta.clamp(0, 1) * mem + input_ - reset
        spk = self.spike_grad(mem - self.threshold)
        return spk, mem


# check the surrogates against their closed forms
x = torch.linspace(-1, 1, 7, requires_grad=True)
s = spike_fn(x)
s.sum().backward()
print("spikes", s.tolist())
print("fast-sigmoid grad", [round(v, 6) for v in x.grad.tolist()])
x.grad = None
ATan.apply(x, 3.0).sum().backward()
print("atan grad", [round(v, 6) for v in x.grad.tolist()])

# Threshold crossings make a spiking network chaotic in float32 (one membrane rounding across the
# threshold flips a spike, and the runs part within an epoch), so the training runs in float64, as the
# SpyTorch notebooks allow through their dtype variable.
torch.set_default_dtype(torch.float64)
pixels, labels = digits()
X = torch.tensor(pixels[:600], dtype=torch.get_default_dtype()) / 16.0
y = torch.tensor(labels[:600])
X_test = torch.tensor(pixels[1500:1700], dtype=torch.get_default_dtype()) / 16.0
y_test = torch.tensor(labels[1500:1700])
num_steps = 20


def rate_code(data, num_steps, gain=1.0):
    """Poisson-like spike trains: one Bernoulli draw per pixel and step."""
    probs = torch.clamp(data * gain, 0, 1).unsqueeze(0).repeat(num_steps, *[1] * data.dim())
    return torch.bernoulli(probs)


def latency_code(data, num_steps, tau=5.0, threshold=0.01):
    """Brighter pixels fire earlier: t = tau * ln(x / (x - threshold)), one spike per pixel."""
    data = torch.clamp(data, threshold + 1e-4, 1.0)
    spike_time = tau * torch.log(data / (data - threshold))
    spike_time = torch.round(spike_time / spike_time.max() * (num_steps - 1)).long()
    return F.one_hot(spike_time, num_steps).permute(2, 0, 1).to(data.dtype)


spk_in = rate_code(X[:4], num_steps)
print("rate code", tuple(spk_in.shape), "spikes", int(spk_in.sum()), "mean rate", round(spk_in.mean().item(), 6))
lat = latency_code(X[:4], num_steps)
print("latency code", tuple(lat.shape), "first spikes", lat.argmax(0)[0, :12].tolist(), "total", int(lat.sum()))


class SNN(nn.Module):
    def __init__(self, num_inputs=64, num_hidden=100, num_outputs=10, beta=0.9):
        super().__init__()
        self.fc1 = nn.Linear(num_inputs, num_hidden)
        self.lif1 = Leaky(beta=beta)
        self.fc2 = nn.Linear(num_hidden, num_outputs)
        self.lif2 = Leaky(beta=torch.full((num_outputs,), beta), learn_beta=True, spike_grad=ATan.apply)

    def forward(self, x):  # x: [time, batch, features]
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        spk2_rec, mem2_rec, spk1_count = [], [], 0
        for step in range(x.size(0)):
            cur1 = self.fc1(x[step])
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
            spk1_count = spk1_count + spk1.sum()
        return torch.stack(spk2_rec, dim=0), torch.stack(mem2_rec, dim=0), spk1_count


net = SNN()
optimizer = torch.optim.Adam(net.parameters(), lr=5e-3, betas=(0.9, 0.999))
loss_fn = nn.CrossEntropyLoss()
batch_size = 60


def accuracy(spk_rec, targets):
    _, idx = spk_rec.sum(dim=0).max(1)
    return (targets == idx).float().mean().item()


for epoch in range(3):
    perm = torch.randperm(X.size(0))
    for i, start in enumerate(range(0, X.size(0), batch_size)):
        idx = perm[start:start + batch_size]
        data, targets = rate_code(X[idx], num_steps), y[idx]
        net.train()
        spk_rec, mem_rec, hidden_spikes = net(data)
        # count loss on summed output spikes plus a membrane loss at every step (snnTorch's ce_rate + mse)
        loss_val = loss_fn(spk_rec.sum(0), targets)
        loss_val = loss_val + 0.1 * sum(loss_fn(mem_rec[t], targets) for t in range(num_steps)) / num_steps
        optimizer.zero_grad()
        loss_val.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=5.0)
        optimizer.step()
        if i % 5 == 0:
            rate = hidden_spikes.item() / (num_steps * idx.numel() * 100)
            print(f"epoch {epoch} iter {i:2d} | loss {loss_val.item():.5f} | grad norm {gnorm.item():.5f} | "
                  f"acc {accuracy(spk_rec, targets):.4f} | hidden rate {rate:.5f}")

with torch.no_grad():
    net.eval()
    spk_rec, mem_rec, _ = net(rate_code(X_test, num_steps))
    print(f"test accuracy {accuracy(spk_rec, y_test):.4f}")
    print("output spike counts", spk_rec.sum(0)[:3].tolist())
    print("learned beta", [round(b, 5) for b in net.lif2.beta.tolist()])
    print("membrane trace", [round(v, 5) for v in mem_rec[:, 0, y_test[0]].tolist()[:8]])
    spk_lat, _, _ = net(latency_code(X_test, num_steps))
    print(f"latency-coded test accuracy {accuracy(spk_lat, y_test):.4f}")
