"""A linear/polynomial regression tutorial: synthetic y = 2x + 1 + noise, nn.Linear
with nn.MSELoss and SGD printing loss every N epochs, the learned weight and bias,
the same fit by hand with requires_grad tensors, a polynomial model with
momentum, and L1/SmoothL1/Huber losses on the fitted predictions."""

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(42)

weight, bias = 0.7, 0.3
X = torch.arange(0, 1, 0.02).unsqueeze(dim=1)
y = weight * X + bias
print(X[:10], y[:10])
print(len(X), len(y))
train_split = int(0.8 * len(X))
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]
print(len(X_train), len(y_train), len(X_test), len(y_test))


class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)
        self.bias = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias


model_0 = LinearRegressionModel()
print(list(model_0.parameters()))
print(model_0.state_dict())
with torch.inference_mode():
    y_preds = model_0(X_test)
print(f"Number of testing samples: {len(X_test)}")
print(f"Predicted values:\n{y_preds}")
print(y_test - y_preds)

loss_fn = nn.L1Loss()
optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.01)
epochs = 100
train_loss_values, test_loss_values, epoch_count = [], [], []
for epoch in range(epochs):
    model_0.train()
    y_pred = model_0(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_0.eval()
    with torch.inference_mode():
        test_pred = model_0(X_test)
        test_loss = loss_fn(test_pred, y_test.type(torch.float))
        if epoch % 10 == 0:
            epoch_count.append(epoch)
            train_loss_values.append(loss.detach().numpy())
            test_loss_values.append(test_loss.detach().numpy())
            print(f"Epoch: {epoch} | MAE Train Loss: {loss} | MAE Test Loss: {test_loss} ")
print("The model learned the following values for weights and bias:")
print(model_0.state_dict())
print(f"weights: {weight}, bias: {bias}")
print(train_loss_values[:3])

# the nn.Linear version with MSELoss
torch.manual_seed(7)
Xn = torch.randn(64, 1)
yn = 2 * Xn + 1 + 0.1 * torch.randn(64, 1)
model = nn.Linear(1, 1)
print(model.weight, model.bias)
criterion = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(60):
    pred = model(Xn)
    loss = criterion(pred, yn)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if (epoch + 1) % 15 == 0:
        print(f'Epoch [{epoch+1}/60], Loss: {loss.item():.4f}')
        print('epoch {}, loss {}'.format(epoch + 1, loss.item()))
[w, b] = model.parameters()
print("w", w.item(), "b", b.item())
print(model.weight.data, model.bias.data)
with torch.no_grad():
    predicted = model(torch.tensor([[0.0], [1.0], [2.0]]))
print(predicted)
print(predicted.numpy())

# by hand, as in the "autograd" part of the course
w_h = torch.zeros(1, requires_grad=True)
b_h = torch.zeros(1, requires_grad=True)
for i in range(40):
    l = ((w_h * Xn + b_h - yn) ** 2).mean()
    l.backward()
    with torch.no_grad():
        w_h -= 0.1 * w_h.grad
        b_h -= 0.1 * b_h.grad
        w_h.grad.zero_()
        b_h.grad.zero_()
    if i % 10 == 9:
        print(f"iter {i+1}: w = {w_h.item():.3f}, b = {b_h.item():.3f}, loss = {l.item():.8f}")

# polynomial features with momentum
x_p = torch.linspace(-1, 1, 40).unsqueeze(1)
y_p = 0.5 * x_p ** 3 - x_p ** 2 + 0.2 + 0.05 * torch.randn(40, 1)
feats = torch.cat([x_p ** i for i in range(1, 4)], 1)
print(feats.shape, feats[:2])
poly = nn.Linear(3, 1)
opt = torch.optim.SGD(poly.parameters(), lr=0.1, momentum=0.9)
for epoch in range(200):
    opt.zero_grad()
    loss = nn.functional.mse_loss(poly(feats), y_p)
    loss.backward()
    opt.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d} loss {loss.item():.6f}")
print("coefficients", poly.weight.data.view(-1), poly.bias.data)
pred = poly(feats).detach()
print("L1", nn.L1Loss()(pred, y_p).item(), "SmoothL1", nn.SmoothL1Loss(beta=0.05)(pred, y_p).item())
print("Huber", nn.HuberLoss(delta=0.05)(pred, y_p).item(), "sum", nn.MSELoss(reduction="sum")(pred, y_p))
print("none", nn.MSELoss(reduction="none")(pred[:3], y_p[:3]))
