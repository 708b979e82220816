"""A small WaveNet as the from-scratch repositories write it: mu-law
companding (torch.sign, torch.log1p, torch.expm1) and quantization to 64
classes of a synthetic chirp-plus-harmonics signal, a causal Conv1d by left
padding (F.pad) and by padding-then-chopping, residual blocks with dilations
1..8 repeated twice and gated activations tanh(filter) * sigmoid(gate), 1x1
residual and skip convolutions summed over blocks, the receptive field
computed and checked by the gradient of one output w.r.t. the input (zero
outside the field: causality), cross-entropy over classes with the
[batch, classes, time] layout, Adam with a StepLR, torch.nn.utils
clip_grad_value_, and autoregressive generation by torch.multinomial with a
temperature. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

Q = 64  # quantization channels


def mu_law_encode(audio, quantization_channels=Q):
    mu = quantization_channels - 1
    safe_audio_abs = torch.minimum(torch.abs(audio), torch.tensor(1.0))
    magnitude = torch.log1p(mu * safe_audio_abs) / math.log1p(mu)
    signal = torch.sign(audio) * magnitude
    return ((signal + 1) / 2 * mu + 0.5).to(torch.int64)


def mu_law_decode(output, quantization_channels=Q):
    mu = quantization_channels - 1
    signal = 2 * (output.to(torch.float32) / mu) - 1
    magnitude = (1 / mu) * torch.expm1(torch.abs(signal) * math.log1p(mu))
    return torch.sign(signal) * magnitude


t = torch.arange(4096) / 4000.0
wave = 0.6 * torch.sin(2 * math.pi * (40 + 60 * t) * t) + 0.25 * torch.sin(2 * math.pi * 220 * t)
wave = wave + 0.02 * torch.randn_like(wave)
codes = mu_law_encode(wave)
recon = mu_law_decode(codes)
print("codes", codes[:12].tolist(), "min", codes.min().item(), "max", codes.max().item())
print(f"mu-law round trip max error {(recon - wave.clamp(-1, 1)).abs().max().item():.5f}")
print("histogram", torch.bincount(codes, minlength=Q).view(8, 8).sum(1).tolist())


class CausalConv1d(nn.Conv1d):
    """Conv1d padded on both sides by (k - 1) * dilation, then chopped on the right."""

    def __init__(self, in_channels, out_channels, kernel_size, dilation=1, **kwargs):
        self.__padding = (kernel_size - 1) * dilation
        super().__init__(in_channels, out_channels, kernel_size, padding=self.__padding, dilation=dilation, **kwargs)

    def forward(self, input):
        result = super().forward(input)
        if self.__padding != 0:
            return result[:, :, :-self.__padding]
        return result


class ResidualBlock(nn.Module):
    def __init__(self, res_channels, skip_channels, dilation):
        super().__init__()
        self.dilation = dilation
        self.filter_conv = nn.Conv1d(res_channels, res_channels, 2, dilation=dilation)
        self.gate_conv = nn.Conv1d(res_channels, res_channels, 2, dilation=dilation)
        self.res_conv = nn.Conv1d(res_channels, res_channels, 1)
        self.skip_conv = nn.Conv1d(res_channels, skip_channels, 1)

    def forward(self, x):
        padded = F.pad(x, (self.dilation, 0))  # causal: only the past
        gated = torch.tanh(self.filter_conv(padded)) * torch.sigmoid(self.gate_conv(padded))
        return self.res_conv(gated) + x, self.skip_conv(gated)


class WaveNet(nn.Module):
    def __init__(self, layer_size=4, stack_size=2, in_channels=Q, res_channels=24, skip_channels=32):
        super().__init__()
        self.dilations = [2 ** i for i in range(layer_size)] * stack_size
        self.causal = CausalConv1d(in_channels, res_channels, kernel_size=2)
        self.blocks = nn.ModuleList([ResidualBlock(res_channels, skip_channels, d) for d in self.dilations])
        self.head = nn.Sequential(nn.ReLU(), nn.Conv1d(skip_channels, skip_channels, 1), nn.ReLU(),
                                  nn.Conv1d(skip_channels, in_channels, 1))

    @property
    def receptive_field(self):
        return sum(self.dilations) + 2  # the blocks' dilations plus the causal conv's two taps

    def forward(self, x):  # x: one-hot [B, Q, T]
        h = self.causal(x)
        skips = []
        for block in self.blocks:
            h, s = block(h)
            skips.append(s)
        return self.head(torch.stack(skips, dim=0).sum(dim=0))


model = WaveNet()
rf = model.receptive_field
print("receptive field", rf, "params", sum(p.numel() for p in model.parameters()))

# causality and receptive field from the gradient of one output w.r.t. the input
x = torch.randn(1, Q, 64, requires_grad=True)
model(x)[0, :, 50].sum().backward()
touched = (x.grad.abs().sum(1)[0] > 0).nonzero().flatten()
print("output 50 depends on inputs", touched.min().item(), "..", touched.max().item(),
      "count", touched.numel())

seq_len, batch_size = 96, 16
starts = torch.randint(0, len(codes) - seq_len - 1, (64,))
windows = torch.stack([codes[s:s + seq_len + 1] for s in starts.tolist()])
inputs = F.one_hot(windows[:, :-1], Q).permute(0, 2, 1).float()  # [N, Q, T]
targets = windows[:, 1:]
print("inputs", tuple(inputs.shape), "targets", tuple(targets.shape))

optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=20, gamma=0.5)
for step in range(41):
    idx = torch.randint(0, inputs.size(0), (batch_size,))
    logits = model(inputs[idx])
    # only outputs with a full receptive field count (the first rf - 1 see the left padding)
    loss = F.cross_entropy(logits[:, :, rf - 1:], targets[idx][:, rf - 1:])
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=1.0)
    optimizer.step()
    scheduler.step()
    if step % 10 == 0:
        print(f"step {step:2d} | loss {loss.item():.5f} | lr {scheduler.get_last_lr()[0]:.5f}")

model.eval()
with torch.no_grad():
    logits = model(inputs[:8])
    nll = F.cross_entropy(logits[:, :, rf - 1:], targets[:8, rf - 1:], reduction="none")
    print(f"eval nll {nll.mean().item():.5f} | per-seq", [round(v, 4) for v in nll.mean(1).tolist()])

    # autoregressive generation from a seed window
    generated = windows[0, :rf].tolist()
    temperature = 0.8
    for _ in range(40):
        window = torch.tensor(generated[-rf:])
        x = F.one_hot(window, Q).t().float().unsqueeze(0)
        probs = F.softmax(model(x)[0, :, -1] / temperature, dim=0)
        generated.append(torch.multinomial(probs, 1).item())
    audio = mu_law_decode(torch.tensor(generated[rf:]))
    print("generated codes", generated[rf:rf + 20])
    print(f"generated audio mean {audio.mean().item():.5f} std {audio.std().item():.5f}")
