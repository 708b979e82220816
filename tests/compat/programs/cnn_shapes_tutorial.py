"""A convolution tutorial: output-size formula checks for Conv2d/MaxPool2d/
AvgPool2d with stride/padding/dilation, a hand-made edge-detection kernel
applied with F.conv2d and printed whole, a summary table of a LeNet-style model
built with forward hooks (output shapes, parameter counts), and a few training
steps on random 1x12x12 images with accuracy."""

import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(12)


def out_size(n, k, s=1, p=0, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


img = torch.randn(1, 1, 12, 12)
for k, s, p, d in [(3, 1, 0, 1), (3, 1, 1, 1), (5, 2, 2, 1), (3, 2, 0, 2), (4, 3, 1, 1)]:
    conv = nn.Conv2d(1, 2, kernel_size=k, stride=s, padding=p, dilation=d)
    o = conv(img)
    print(f"k={k} s={s} p={p} d={d} -> {tuple(o.shape)} formula {out_size(12, k, s, p, d)}")
print(nn.MaxPool2d(2)(img).shape, nn.MaxPool2d(3, stride=2, padding=1)(img).shape, nn.AvgPool2d(4)(img).shape)
print(nn.Conv2d(1, 4, 3, padding="same")(img).shape, nn.Conv2d(1, 4, (3, 5))(img).shape)

image = torch.zeros(1, 1, 6, 6)
image[..., :, 3:] = 1.0
print(image[0, 0])
sobel_x = torch.tensor([[[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]])
print(F.conv2d(image, sobel_x)[0, 0])
print(F.conv2d(image, sobel_x.transpose(2, 3), padding=1)[0, 0])
print(F.max_pool2d(F.conv2d(image, sobel_x, padding=1), 2)[0, 0])
print(F.avg_pool2d(image, 2)[0, 0])
print(F.conv1d(torch.arange(8.0).view(1, 1, 8), torch.tensor([[[1.0, -1.0]]]))[0, 0])
print(F.conv2d(image, torch.ones(2, 1, 2, 2) / 4, stride=2)[0, 1])


class LeNet(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(8 * 2 * 2, 16), nn.ReLU(), nn.Linear(16, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


model = LeNet()
rows = []
hooks = []
for name, m in model.named_modules():
    if len(list(m.children())) == 0:
        def hook(mod, inp, out, name=name):
            rows.append((name, mod.__class__.__name__, tuple(out.shape), sum(p.numel() for p in mod.parameters())))
        hooks.append(m.register_forward_hook(hook))
model(torch.zeros(2, 1, 12, 12))
for h in hooks:
    h.remove()
print(f"{'Layer':<14}{'Type':<10}{'Output Shape':<18}{'Param #':>8}")
for name, kind, shape, n in rows:
    print(f"{name:<14}{kind:<10}{str(shape):<18}{n:>8}")
print("Total params:", sum(p.numel() for p in model.parameters()))
print(model.features[0].weight.shape, model.features[0].bias.shape, model.classifier[1])

X = torch.randn(64, 1, 12, 12)
quadrant = torch.stack([X[:, 0, :6, :6].mean((1, 2)), X[:, 0, :6, 6:].mean((1, 2)),
                        X[:, 0, 6:, :6].mean((1, 2)), X[:, 0, 6:, 6:].mean((1, 2))], 1)
y = quadrant.argmax(1)
print("labels", torch.bincount(y, minlength=4))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(12):
    model.train()
    logits = model(X)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 3 == 2:
        acc = (logits.argmax(1) == y).float().mean()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} acc {acc:.3f}")
model.eval()
with torch.no_grad():
    fmap = model.features[:2](X[:1])
print(fmap.shape, f"{fmap.mean().item():.5f}", (fmap == 0).float().mean())
print(model.features[0].weight.grad.abs().sum() > 0)
