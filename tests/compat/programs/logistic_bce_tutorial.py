"""A binary-classification tutorial: logistic regression written by hand with
torch.sigmoid and BCE, then nn.BCELoss after nn.Sigmoid, nn.BCEWithLogitsLoss
with pos_weight, thresholded accuracy, round() predictions, decision-boundary
weights, and a two-moons-like MLP printing loss every 20 epochs."""

import math

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(21)

n = 100
x0 = torch.randn(n, 2) + torch.tensor([-1.5, -1.0])
x1 = torch.randn(n, 2) + torch.tensor([1.5, 1.0])
X = torch.cat([x0, x1])
y = torch.cat([torch.zeros(n), torch.ones(n)])
print(X.shape, y.shape, X[:3], y[n - 2:n + 2])

w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5
for epoch in range(50):
    p = torch.sigmoid(X @ w + b)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss {loss.item():.6f} w {w.data} b {b.item():.4f}")
print("boundary slope", (-w[0] / w[1]).item(), "intercept", (-b / w[1]).item())
with torch.no_grad():
    acc = ((torch.sigmoid(X @ w + b) > 0.5).float() == y).float().mean()
print("hand-written accuracy", acc)


class LogisticRegression(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.linear = nn.Linear(n_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression(2)
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
yc = y.view(-1, 1)
for epoch in range(60):
    y_pred = model(X)
    loss = criterion(y_pred, yc)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 20 == 0:
        print(f"epoch: {epoch+1}, loss = {loss.item():.4f}")
with torch.no_grad():
    y_predicted = model(X)
    y_predicted_cls = y_predicted.round()
    acc = y_predicted_cls.eq(yc).sum() / float(yc.shape[0])
    print(f"accuracy: {acc.item():.4f}")
    print(y_predicted[:4], y_predicted_cls[:4].view(-1))

logits = torch.tensor([2.0, -1.0, 0.5, -3.0, 4.0])
targets = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
print(nn.BCEWithLogitsLoss()(logits, targets))
print(nn.BCELoss()(torch.sigmoid(logits), targets))
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(logits, targets))
print(nn.BCEWithLogitsLoss(reduction="none")(logits, targets))
print(nn.BCELoss(weight=torch.tensor([1.0, 2.0, 1.0, 2.0, 1.0]))(torch.sigmoid(logits), targets))
print(nn.BCELoss()(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])))
print(nn.BCELoss()(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])))
print(nn.SoftMarginLoss()(logits, 2 * targets - 1), nn.HingeEmbeddingLoss()(logits, 2 * targets - 1))

torch.manual_seed(0)
t = torch.rand(200) * math.pi
inner = torch.stack([torch.cos(t), torch.sin(t)], 1)
outer = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
Xm = torch.cat([inner, outer]) + 0.1 * torch.randn(400, 2)
ym = torch.cat([torch.zeros(200), torch.ones(200)]).unsqueeze(1)
mlp = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
loss_fn = nn.BCEWithLogitsLoss()
opt = torch.optim.Adam(mlp.parameters(), lr=0.01)
for epoch in range(100):
    mlp.train()
    y_logits = mlp(Xm)
    loss = loss_fn(y_logits, ym)
    y_pred = torch.round(torch.sigmoid(y_logits))
    acc = (y_pred == ym).sum().item() / len(ym) * 100
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Accuracy: {acc:.2f}%")
mlp.eval()
with torch.inference_mode():
    probs = torch.sigmoid(mlp(Xm[:5])).squeeze()
print(probs, torch.round(probs))
