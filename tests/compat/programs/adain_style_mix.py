"""Arbitrary style transfer with adaptive instance normalisation (Huang & Belongie), as the AdaIN
re-implementations write it: a small reflection-padded encoder, calc_mean_std over the spatial
dimensions (var + eps, then sqrt), AdaIN against F.instance_norm with the style statistics as weight and
bias, a decoder with nearest Upsample trained on content + style (mean/std matching) losses, the alpha
interpolation between content and stylised features, and style mixing of two styles."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def calc_mean_std(feat, eps=1e-5):
    n, c = feat.shape[:2]
    var = feat.view(n, c, -1).var(dim=2) + eps
    return feat.view(n, c, -1).mean(dim=2).view(n, c, 1, 1), var.sqrt().view(n, c, 1, 1)


def adain(content, style):
    s_mean, s_std = calc_mean_std(style)
    c_mean, c_std = calc_mean_std(content)
    return (content - c_mean.expand(content.size())) / c_std.expand(content.size()) * s_std + s_mean


encoder = nn.Sequential(
    nn.ReflectionPad2d(1), nn.Conv2d(3, 8, 3), nn.ReLU(inplace=True),
    nn.ReflectionPad2d(1), nn.Conv2d(8, 8, 3, stride=2), nn.ReLU(inplace=True),
)
decoder = nn.Sequential(
    nn.ReflectionPad2d(1), nn.Conv2d(8, 8, 3), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.ReflectionPad2d(1), nn.Conv2d(8, 3, 3),
)
for p in encoder.parameters():
    p.requires_grad_(False)
print(decoder)
print("encoder trainable", sum(p.numel() for p in encoder.parameters() if p.requires_grad),
      "decoder trainable", sum(p.numel() for p in decoder.parameters() if p.requires_grad))

gen = torch.Generator().manual_seed(0)
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 16), torch.linspace(-1, 1, 16), indexing="ij")
contents = torch.stack([torch.stack([torch.sin(3 * xx + k), torch.cos(2 * yy - k), xx * yy]) for k in range(4)])
styles = torch.rand(4, 3, 16, 16, generator=gen) * torch.tensor([1.0, 0.5, 0.2]).view(1, 3, 1, 1)

with torch.no_grad():
    fc, fs = encoder(contents), encoder(styles)
    t = adain(fc, fs)
    s_mean, s_std = calc_mean_std(fs)
    n, c = fc.shape[:2]
    via_in = F.instance_norm(fc.reshape(1, n * c, *fc.shape[2:]), eps=1e-5).view_as(fc)
    # instance_norm uses the biased variance: rescale to calc_mean_std's unbiased one before comparing
    m = fc.shape[2] * fc.shape[3]
    via_in = via_in * ((m - 1) / m) ** 0.5 * s_std + s_mean
    print("feature shape", tuple(fc.shape), "adain vs instance_norm max diff below 1e-4",
          (t - via_in).abs().max().item() < 1e-4)
    tm, ts = calc_mean_std(t)
    print("target stats match style", torch.allclose(tm, s_mean, atol=1e-5), torch.allclose(ts, s_std, atol=1e-4))

opt = torch.optim.Adam(decoder.parameters(), lr=5e-3)
mse = nn.MSELoss()
for it in range(40):
    idx = torch.randint(0, 4, (2,), generator=gen)
    jdx = torch.randint(0, 4, (2,), generator=gen)
    c_img, s_img = contents[idx], styles[jdx]
    with torch.no_grad():
        target = adain(encoder(c_img), encoder(s_img))
    out = decoder(target)
    f_out = encoder(out)
    loss_c = mse(f_out, target)
    om, os_ = calc_mean_std(f_out)
    sm, ss = calc_mean_std(encoder(s_img))
    loss_s = mse(om, sm) + mse(os_, ss)
    loss = loss_c + 10 * loss_s
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 9:
        print(f"iter {it + 1} | content {loss_c.item():.5f} | style {loss_s.item():.5f}")

with torch.no_grad():
    fc, fs = encoder(contents[:1]), encoder(styles[1:3])
    for alpha in (0.0, 0.5, 1.0):
        feat = alpha * adain(fc, fs[:1]) + (1 - alpha) * fc
        out = decoder(feat)
        print(f"alpha {alpha} | out mean {out.mean().item():.5f} | out std {out.std().item():.5f}")
    w = torch.tensor([0.25, 0.75]).view(2, 1, 1, 1)
    mixed = (w * adain(fc.expand(2, -1, -1, -1), fs)).sum(0, keepdim=True)
    print("mixed", tuple(decoder(mixed).shape), round(decoder(mixed).abs().mean().item(), 5))
