"""A small CNN on the bundled 8x8 digits with fixed starting weights (so the
losses can be compared exactly): Conv2d, MaxPool2d, Flatten, Adam."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


pixels, labels = digits()
x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels)
x_train, y_train, x_test, y_test = x[:1500], y[:1500], x[1500:], y[1500:]

model = ConvNet()
with torch.no_grad():
    for i, (name, p) in enumerate(model.named_parameters()):
        fan_in = p[0].numel() if p.dim() > 1 else p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.3 + i).reshape(p.shape) / fan_in**0.5)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(3):
    model.train()
    for b in range(0, 1500, 100):
        loss = F.cross_entropy(model(x_train[b : b + 100]), y_train[b : b + 100])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        test_loss = F.cross_entropy(logits, y_test).item()
        acc = (logits.argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch} | loss {loss.item():.6f} | test loss {test_loss:.6f} | test acc {acc:.4f}")
