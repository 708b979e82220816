"""The PyTorch "Learn the Basics" quickstart on random FashionMNIST-shaped data: a
TensorDataset in a shuffling DataLoader, NeuralNetwork with Flatten and Sequential,
train()/test() loops printing loss and accuracy the tutorial's way, then saving and
loading the state_dict through io.BytesIO and predicting with class names."""

import io

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(0)

classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# a learnable rule: the label is the brightest of ten 2x2 patches in the top rows
X = torch.rand(320, 1, 8, 8)
y = X[:, 0, :2, :].reshape(320, 2, 4, 2).sum(dim=(1, 3)).argmax(dim=1) + 2 * (X[:, 0, 4, 0] > 0.5).long()
training_data = TensorDataset(X[:256], y[:256])
test_data = TensorDataset(X[256:], y[256:])
print("label counts", torch.bincount(y, minlength=10))

batch_size = 32
train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X_b, y_b in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X_b.shape}")
    print(f"Shape of y: {y_b.shape} {y_b.dtype == torch.int64}")
    break

device = "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 48),
            nn.ReLU(),
            nn.Linear(48, 48),
            nn.ReLU(),
            nn.Linear(48, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct


epochs = 5
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print("Saved PyTorch Model State to buffer", buffer.tell() > 0)
buffer.seek(0)
model = NeuralNetwork().to(device)
print(model.load_state_dict(torch.load(buffer, weights_only=True)))

model.eval()
for i in range(4):
    x, y_i = test_data[i][0], test_data[i][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y_i]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')

logits = model(X[:3])
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
print("probabilities", pred_probab.detach())
print(f"Model structure: {model}\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2, :3] if param.dim() == 2 else param[:2]} \n")
