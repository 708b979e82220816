"""Every dropout flavour under a fixed seed, as a regularisation tutorial compares them: F.dropout
(and inplace), dropout1d/2d/3d (whole channels), alpha_dropout and feature_alpha_dropout (SELU nets),
their module forms in train and eval, the mask statistics, a self-normalising network's activations,
and MC-dropout predictions."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=4)

x = torch.ones(2, 4, 6)
print("dropout", F.dropout(x[0], p=0.5))
print("dropout1d", F.dropout1d(x, p=0.5)[:, :, 0])
img = torch.ones(2, 3, 2, 2)
print("dropout2d", F.dropout2d(img, p=0.4)[:, :, 0, 0])
vol = torch.ones(2, 3, 2, 2, 2)
print("dropout3d", F.dropout3d(vol, p=0.6)[:, :, 0, 0, 0])
a = torch.linspace(-1, 1, 12).reshape(2, 6)
print("alpha_dropout", F.alpha_dropout(a, p=0.3, training=True))
print("alpha eval", torch.equal(F.alpha_dropout(a, 0.3, training=False), a))
print("feature_alpha_dropout", F.feature_alpha_dropout(torch.ones(2, 3, 4), p=0.5, training=True)[:, :, 0])
t = torch.ones(8)
F.dropout(t, p=0.25, training=True, inplace=True)
print("inplace", t)
print("p=0", torch.equal(F.dropout(x, 0.0), x), "p=1", F.dropout(x, 1.0).abs().sum().item())

torch.manual_seed(1)
big = torch.ones(200, 50)
for p in [0.1, 0.5, 0.9]:
    out = F.dropout(big, p)
    print(f"p={p} kept {(out != 0).float().mean().item():.4f} mean {out.mean().item():.4f}")
d2 = F.dropout2d(torch.ones(100, 16, 3, 3), 0.5)
per_channel = d2.flatten(2)
print("channels all-or-none", bool(((per_channel == 0).all(2) | (per_channel != 0).all(2)).all()),
      f"kept {(per_channel[:, :, 0] != 0).float().mean().item():.4f}")
ad = F.alpha_dropout(torch.randn(10000), 0.2, training=True)
print(f"alpha dropout mean {ad.mean().item():.4f} std {ad.std().item():.4f}")

modules = [nn.Dropout(0.2), nn.Dropout1d(0.3), nn.Dropout2d(0.3), nn.Dropout3d(0.3), nn.AlphaDropout(0.1),
           nn.FeatureAlphaDropout(0.2)]
inputs = [torch.ones(3, 4), torch.ones(2, 3, 4), torch.ones(2, 3, 2, 2), torch.ones(2, 3, 2, 2, 2),
          torch.linspace(-1, 1, 8), torch.ones(2, 3, 2)]
torch.manual_seed(2)
for m, inp in zip(modules, inputs):
    m.train()
    y = m(inp)
    m.eval()
    print(m, "train zeros", int((y == 0).sum()) if not isinstance(m, (nn.AlphaDropout, nn.FeatureAlphaDropout))
          else [round(v, 4) for v in y.flatten()[:6].tolist()], "eval same", torch.equal(m(inp), inp))

torch.manual_seed(3)
snn = nn.Sequential(nn.Linear(16, 32), nn.SELU(), nn.AlphaDropout(0.1), nn.Linear(32, 32), nn.SELU(),
                    nn.AlphaDropout(0.1), nn.Linear(32, 1))
for layer in snn:
    if isinstance(layer, nn.Linear):
        nn.init.kaiming_normal_(layer.weight, nonlinearity="linear")
        nn.init.zeros_(layer.bias)
data = torch.randn(256, 16)
h = data
for i, layer in enumerate(snn[:-1]):
    h = layer(h)
    if isinstance(layer, nn.AlphaDropout):
        print(f"snn after layer {i} mean {h.mean().item():.4f} std {h.std().item():.4f}")

torch.manual_seed(4)
mc = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 1))
query = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
mc.train()
with torch.no_grad():
    draws = torch.stack([mc(query) for _ in range(20)])
print("mc mean", draws.mean(0).squeeze(1), "mc std", draws.std(0).squeeze(1))
mc.eval()
with torch.no_grad():
    print("eval", mc(query).squeeze(1))
print("rng after", torch.rand(3))
