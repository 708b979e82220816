"""Adversarial robustness as Madry's PGD recipe and the robustness
tutorials write it: a small CNN with BatchNorm on the bundled digits, an
L-inf PGD attack with a random start (torch.zeros_like(x).uniform_(-eps,
eps)), steps of alpha * grad.sign() by torch.autograd.grad, projection by
torch.clamp / torch.max / torch.min and the valid pixel range by clamp_,
x.detach().requires_grad_() between steps, the model in eval() while
attacking and train() while learning, an L2 PGD variant (per-sample norms
through view/norm/renorm), "free" adversarial training (delta kept across
minibatch replays, delta.grad zeroed, the minibatch replayed m times),
TRADES (the attack maximizes F.kl_div of log_softmax against the clean
softmax with reduction="batchmean", the loss adds beta times it), clean
and robust accuracy, and the attack's success rate at growing epsilon.
Seeded, in float64 (sign() is discontinuous): every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)
# grad.sign() is discontinuous at 0: in float32 a rounding difference flips the sign of near-zero pixel
# gradients and the attacks part after a few steps, so the script runs in float64 (and agrees to the digit)
torch.set_default_dtype(torch.float64)

pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.get_default_dtype()).view(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels)
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1500:1700], y[1500:1700]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(2))
        self.classifier = nn.Linear(128, 10)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def pgd_linf(model, x, y, eps=0.1, alpha=0.025, steps=7, random_start=True):
    was_training = model.training
    model.eval()
    x_adv = x.clone().detach()
    if random_start:
        x_adv = x_adv + torch.zeros_like(x_adv).uniform_(-eps, eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0).detach()
    for _ in range(steps):
        x_adv.requires_grad_()
        with torch.enable_grad():
            loss = F.cross_entropy(model(x_adv), y)
        grad = torch.autograd.grad(loss, [x_adv])[0]
        x_adv = x_adv.detach() + alpha * torch.sign(grad.detach())
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps)
        x_adv.clamp_(0.0, 1.0)
    model.train(was_training)
    return x_adv.detach()


def pgd_l2(model, x, y, eps=0.5, alpha=0.15, steps=7):
    model.eval()
    delta = torch.zeros_like(x).normal_()
    n = delta.view(x.size(0), -1).norm(p=2, dim=1).view(-1, 1, 1, 1)
    delta = (delta / n * eps * 0.5).requires_grad_(True)
    for _ in range(steps):
        loss = F.cross_entropy(model(x + delta), y)
        loss.backward()
        g = delta.grad.detach()
        g_norm = g.view(g.size(0), -1).norm(p=2, dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
        delta.data = delta.data + alpha * g / g_norm
        delta.data = (x + delta.data).clamp(0, 1) - x
        delta.data = delta.data.view(x.size(0), -1).renorm(p=2, dim=0, maxnorm=eps).view_as(x)
        delta.grad.zero_()
    model.train()
    return (x + delta).detach()


def accuracy(model, x, y, attack=None, **kw):
    xa = attack(model, x, y, **kw) if attack is not None else x
    model.eval()
    with torch.no_grad():
        acc = (model(xa).argmax(1) == y).float().mean().item()
    model.train()
    return acc


def trades_loss(model, x, y, optimizer, eps=0.1, alpha=0.025, steps=5, beta=3.0):
    criterion_kl = nn.KLDivLoss(reduction="sum")
    model.eval()
    x_adv = x.detach() + 0.001 * torch.randn(x.shape).detach()
    with torch.no_grad():
        p_nat = F.softmax(model(x), dim=1)
    for _ in range(steps):
        x_adv.requires_grad_()
        with torch.enable_grad():
            loss_kl = criterion_kl(F.log_softmax(model(x_adv), dim=1), p_nat)
        grad = torch.autograd.grad(loss_kl, [x_adv])[0]
        x_adv = x_adv.detach() + alpha * torch.sign(grad.detach())
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    model.train()
    x_adv = x_adv.detach().requires_grad_(False)
    optimizer.zero_grad()
    logits = model(x)
    loss_natural = F.cross_entropy(logits, y)
    loss_robust = F.kl_div(F.log_softmax(model(x_adv), dim=1), F.softmax(logits, dim=1), reduction="batchmean")
    return loss_natural + beta * loss_robust, loss_natural, loss_robust


def train(mode, epochs=3):
    torch.manual_seed(1)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    delta = torch.zeros(50, 1, 8, 8)
    for epoch in range(epochs):
        perm = torch.randperm(len(X_train))
        total, extra = 0.0, 0.0
        for i in range(0, len(perm), 50):
            xb, yb = X_train[perm[i:i + 50]], y_train[perm[i:i + 50]]
            if mode == "standard":
                loss = F.cross_entropy(model(xb), yb)
            elif mode == "pgd":
                loss = F.cross_entropy(model(pgd_linf(model, xb, yb)), yb)
            elif mode == "trades":
                loss, nat, rob = trades_loss(model, xb, yb, opt)
                extra += rob.item()
            if mode == "free":
                for _ in range(3):  # replay the minibatch, carrying delta along
                    delta.requires_grad_(True)
                    loss = F.cross_entropy(model((xb + delta).clamp(0, 1)), yb)
                    opt.zero_grad()
                    loss.backward()
                    grad = delta.grad.detach()
                    delta = (delta.detach() + 0.1 * torch.sign(grad)).clamp(-0.1, 0.1)
                    opt.step()
                    total += loss.item() / 3 * len(yb)
                continue
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        msg = f"{mode:8s} epoch {epoch} | loss {total / len(perm):.5f}"
        if mode == "trades":
            msg += f" | kl {extra / (len(perm) // 50):.5f}"
        print(msg)
    return model


results = {}
for mode in ("standard", "pgd", "free", "trades"):
    model = train(mode)
    torch.manual_seed(2)
    clean = accuracy(model, X_test, y_test)
    robust = accuracy(model, X_test, y_test, pgd_linf, eps=0.1)
    robust_l2 = accuracy(model, X_test, y_test, pgd_l2, eps=0.5)
    results[mode] = model
    print(f"{mode:8s} clean {clean:.4f} | pgd-linf {robust:.4f} | pgd-l2 {robust_l2:.4f}")

torch.manual_seed(3)
model = results["pgd"]
for eps in (0.02, 0.05, 0.1, 0.2):
    x_adv = pgd_linf(model, X_test, y_test, eps=eps, alpha=eps / 4, steps=10)
    linf = (x_adv - X_test).abs().max().item()
    with torch.no_grad():
        fooled = (model(x_adv).argmax(1) != y_test).float().mean().item()
    print(f"eps {eps:.2f} | max perturbation {linf:.5f} | in range {bool(x_adv.min() >= 0 and x_adv.max() <= 1)} "
          f"| success {fooled:.4f}")
x_adv = pgd_l2(model, X_test[:8], y_test[:8])
print("l2 norms", [round(v, 5) for v in (x_adv - X_test[:8]).flatten(1).norm(dim=1).tolist()])
