"""The CS231n "Network Visualization (PyTorch)" notebook on a small CNN trained on the bundled digits:
the model frozen with requires_grad_(False), saliency maps from scores.gather(1, y.view(-1, 1)) and
X.grad.abs().max(dim=1), fooling images by normalized gradient ascent on the image until the predicted
class flips, and class visualization with random jitter by torch.roll, L2 regularisation, per-channel
clamping back into the data range and periodic blurring, as the assignment's helpers do."""

import random

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(231)
random.seed(231)

pixels, labels = digits()
X_all = torch.tensor(pixels[:600], dtype=torch.float32).view(-1, 1, 8, 8).repeat(1, 3, 1, 1) / 16.0
X_all[:, 1] *= 0.8
X_all[:, 2] = 1.0 - X_all[:, 2]
y_all = torch.tensor(labels[:600])
MEAN = X_all.mean(dim=(0, 2, 3))
STD = X_all.std(dim=(0, 2, 3))
print("mean", MEAN, "std", STD)


def preprocess(img):
    return (img - MEAN.view(1, 3, 1, 1)) / STD.view(1, 3, 1, 1)


def deprocess(img):
    return img * STD.view(1, 3, 1, 1) + MEAN.view(1, 3, 1, 1)


model = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 2 * 2, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
Xp = preprocess(X_all)
for epoch in range(4):
    perm = torch.randperm(500)
    for i in range(0, 500, 50):
        idx = perm[i:i + 50]
        loss = F.cross_entropy(model(Xp[idx]), y_all[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")
model.eval()
for param in model.parameters():
    param.requires_grad = False
with torch.no_grad():
    acc = (model(Xp[500:]).argmax(1) == y_all[500:]).float().mean()
print(f"held-out accuracy {acc.item():.3f}", "trainable", sum(p.requires_grad for p in model.parameters()))


def compute_saliency_maps(X, y, model):
    model.eval()
    X.requires_grad_()
    saliency = None
    scores = model(X)
    scores = scores.gather(1, y.view(-1, 1)).squeeze()
    scores.backward(torch.ones_like(scores))
    saliency = X.grad.abs().max(dim=1)[0]
    return saliency


X = Xp[500:505].clone()
y = y_all[500:505]
saliency = compute_saliency_maps(X, y, model)
print("saliency shape", tuple(saliency.shape), "max per image", saliency.amax(dim=(1, 2)))
print("saliency of image 0\n", saliency[0].numpy().round(3))
print("argmax pixel", [divmod(int(s.argmax()), 8) for s in saliency])


def make_fooling_image(X, target_y, model, max_iter=100):
    X_fooling = X.clone()
    X_fooling = X_fooling.requires_grad_()
    learning_rate = 0.2  # (the notebook: 1, for 224x224 images)
    for it in range(max_iter):
        scores = model(X_fooling)
        if scores.argmax(dim=1).item() == target_y:
            break
        target_score = scores[0, target_y]
        target_score.backward()
        with torch.no_grad():
            g = X_fooling.grad
            dX = learning_rate * g / g.norm()
            X_fooling += dX
            X_fooling.grad.zero_()
    return X_fooling, it


idx = 0
target_y = 6
X_fooling, iters = make_fooling_image(Xp[500:501].clone(), target_y, model)
scores = model(X_fooling)
print("true", y_all[500].item(), "fooled into", scores.data.max(1)[1][0].item(), "after", iters, "steps")
diff = (X_fooling.detach() - Xp[500:501])
print("perturbation L2 {:.4f} max {:.4f}".format(diff.norm().item(), diff.abs().max().item()))
print("fooling image requires grad", X_fooling.requires_grad, "is leaf", X_fooling.is_leaf)


def jitter(X, ox, oy):
    if ox != 0:
        left = X[:, :, :, :-ox]
        right = X[:, :, :, -ox:]
        X = torch.cat([right, left], dim=3)
    if oy != 0:
        top = X[:, :, :-oy]
        bottom = X[:, :, -oy:]
        X = torch.cat([bottom, top], dim=2)
    return X


def blur_image(X, sigma=1):
    radius = 2
    t = torch.arange(-radius, radius + 1, dtype=X.dtype)
    k = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = k / k.sum()
    X_np = X
    X_np = F.conv2d(F.pad(X_np, (radius, radius, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).repeat(3, 1, 1, 1),
                    groups=3)
    X_np = F.conv2d(F.pad(X_np, (0, 0, radius, radius), mode="replicate"), k.view(1, 1, -1, 1).repeat(3, 1, 1, 1),
                    groups=3)
    X.copy_(X_np)
    return X


x = torch.arange(16.0).view(1, 1, 4, 4)
print("jitter == roll", torch.equal(jitter(x, 1, 2), torch.roll(x, shifts=(2, 1), dims=(2, 3))))


def create_class_visualization(target_y, model, dtype, **kwargs):
    model.type(dtype)
    l2_reg = kwargs.pop("l2_reg", 1e-3)
    learning_rate = kwargs.pop("learning_rate", 25)
    num_iterations = kwargs.pop("num_iterations", 100)
    blur_every = kwargs.pop("blur_every", 10)
    max_jitter = kwargs.pop("max_jitter", 16)
    img = torch.randn(1, 3, 8, 8).mul_(1.0).type(dtype).requires_grad_()
    for t in range(num_iterations):
        ox, oy = random.randint(0, max_jitter), random.randint(0, max_jitter)
        img.data.copy_(jitter(img.data, ox, oy))
        score = model(img)[0, target_y] - l2_reg * img.norm() ** 2
        score.backward()
        with torch.no_grad():
            img += learning_rate * img.grad / img.grad.norm()
            img.grad.zero_()
        img.data.copy_(jitter(img.data, -ox, -oy))
        for c in range(3):
            lo = float(-MEAN[c] / STD[c])
            hi = float((1.0 - MEAN[c]) / STD[c])
            img.data[:, c].clamp_(min=lo, max=hi)
        if t % blur_every == 0:
            blur_image(img.data, sigma=0.5)
        if t % 25 == 0 or t == num_iterations - 1:
            print("iter %d target score %.4f" % (t, model(img)[0, target_y].item()))
    return deprocess(img.data.clone().cpu())


dtype = torch.FloatTensor
out = create_class_visualization(3, model, dtype, num_iterations=60, learning_rate=0.5, max_jitter=2,
                                 l2_reg=1e-2)
with torch.no_grad():
    probs = F.softmax(model(preprocess(out)), dim=1)
print("visualized class prob {:.4f} predicted {}".format(probs[0, 3].item(), probs.argmax().item()))
print("image range", round(out.min().item(), 4), round(out.max().item(), 4), out.dtype)
