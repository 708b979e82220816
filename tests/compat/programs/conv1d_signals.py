"""1-D convolutional nets on signals and text, as tutorials write them: Conv1d with padding='same',
dilation, groups (a depthwise-separable block), stride and padding_mode ('reflect', 'circular',
'replicate'); MaxPool1d (return_indices, ceil_mode) with MaxUnpool1d, AvgPool1d (ceil_mode,
count_include_pad), AdaptiveAvgPool1d / AdaptiveMaxPool1d to non-divisible sizes, LPPool1d;
ConvTranspose1d with output_padding; BatchNorm1d / GroupNorm / InstanceNorm1d / LayerNorm on (N, C, L);
Upsample(linear), F.interpolate, F.pad; then a small classifier of waveforms trained with SGD."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed_(module, scale=0.3):
    """Overwrite every parameter with a deterministic pattern so both frameworks start alike."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_((torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.61 + i) * scale).reshape(p.shape))
    return module


def show(name, t):
    print(f"{name:26s} {tuple(t.shape)} sq {t.pow(2).sum().item():.6f} abs {t.abs().sum().item():.6f}")


x = torch.sin(torch.arange(2 * 4 * 11, dtype=torch.float32).reshape(2, 4, 11) * 0.45)
show("same", fixed_(nn.Conv1d(4, 6, 3, padding="same"))(x))
show("same dilated even k", fixed_(nn.Conv1d(4, 6, 4, padding="same", dilation=2))(x))
show("stride 2 pad 1", fixed_(nn.Conv1d(4, 3, 5, stride=2, padding=1))(x))
for mode in ("reflect", "circular", "replicate", "zeros"):
    show(f"padding_mode {mode}", fixed_(nn.Conv1d(4, 2, 3, padding=2, padding_mode=mode))(x))
depthwise = nn.Sequential(fixed_(nn.Conv1d(4, 8, 3, groups=4, padding=1)), fixed_(nn.Conv1d(8, 5, 1)))
show("depthwise separable", depthwise(x))
print(depthwise)

pool = nn.MaxPool1d(3, stride=2, return_indices=True)
pooled, idx = pool(x)
print("maxpool idx", idx[0, 0].tolist())
show("unpool", nn.MaxUnpool1d(3, stride=2)(pooled, idx, output_size=x.shape))
show("maxpool ceil", nn.MaxPool1d(3, stride=2, ceil_mode=True)(x))
show("maxpool dilation pad", nn.MaxPool1d(2, stride=1, padding=1, dilation=2)(x))
show("avgpool ceil", nn.AvgPool1d(3, stride=2, ceil_mode=True)(x))
show("avgpool no pad count", nn.AvgPool1d(4, stride=3, padding=2, count_include_pad=False)(x))
show("avgpool pad count", nn.AvgPool1d(4, stride=3, padding=2)(x))
show("adaptive avg 4", nn.AdaptiveAvgPool1d(4)(x))
show("adaptive max 3", nn.AdaptiveMaxPool1d(3)(x))
amax, aidx = F.adaptive_max_pool1d(x, 5, return_indices=True)
print("adaptive max idx", aidx[1, 2].tolist())
show("lppool p2", nn.LPPool1d(2, 3, stride=2)(x))
show("convT output_padding", fixed_(nn.ConvTranspose1d(4, 3, 3, stride=2, padding=1, output_padding=1))(x))
show("convT dilation groups", fixed_(nn.ConvTranspose1d(4, 4, 3, stride=2, dilation=2, groups=2))(x))
convT = fixed_(nn.ConvTranspose1d(4, 2, 4, stride=3))
show("convT output_size", convT(x, output_size=[34]))
show("batchnorm1d train", fixed_(nn.BatchNorm1d(4))(x))
show("groupnorm", fixed_(nn.GroupNorm(2, 4))(x))
show("instancenorm", nn.InstanceNorm1d(4)(x))
show("instancenorm affine", fixed_(nn.InstanceNorm1d(4, affine=True))(x))
show("layernorm over L", nn.LayerNorm(11, elementwise_affine=False)(x))
show("upsample linear", nn.Upsample(scale_factor=2, mode="linear")(x))
show("upsample linear ac", nn.Upsample(size=15, mode="linear", align_corners=True)(x))
show("interp nearest", F.interpolate(x, scale_factor=1.5, mode="nearest"))
show("interp nearest-exact", F.interpolate(x, size=7, mode="nearest-exact"))
show("interp area", F.interpolate(x, size=4, mode="area"))
show("pad reflect", F.pad(x, (2, 3), mode="reflect"))
show("pad constant", F.pad(x, (1, 1, 0, 1), value=-2.0))
show("pad circular", F.pad(x, (3, 1), mode="circular"))
show("flatten", nn.Flatten()(x))
show("unflatten", nn.Unflatten(2, (1, 11))(x))


class WaveNet(nn.Module):
    """Conv1d feature extractor (dilations 1, 2, 4), global average pool, linear head."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(1 if i == 0 else 6, 6, 3, padding=d, dilation=d)
                                    for i, d in enumerate((1, 2, 4))])
        self.norm = nn.GroupNorm(3, 6)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        x = self.pool(self.norm(x)).squeeze(-1)
        return self.head(x)


# three kinds of waves: sine, square, sawtooth, with different frequencies
t = torch.linspace(0, 1, 32)
waves, labels = [], []
for k in range(24):
    f = 2 + k % 5
    kind = k % 3
    base = torch.sin(2 * torch.pi * f * t)
    w = base if kind == 0 else torch.sign(base) if kind == 1 else 2 * torch.frac(f * t) - 1
    waves.append(w)
    labels.append(kind)
X = torch.stack(waves).unsqueeze(1)
y = torch.tensor(labels)
model = fixed_(WaveNet())
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
for epoch in range(20):
    for i in range(0, 24, 8):
        opt.zero_grad()
        loss = F.cross_entropy(model(X[i:i + 8]), y[i:i + 8])
        loss.backward()
        opt.step()
    if epoch % 4 == 3:
        model.eval()
        with torch.no_grad():
            logits = model(X)
            acc = (logits.argmax(1) == y).sum().item()
        model.train()
        print(f"epoch {epoch:2d} | loss {loss.item():.6f} | correct {acc}/24")
print("params", sum(p.numel() for p in model.parameters()))
