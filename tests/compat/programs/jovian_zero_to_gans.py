"""Jovian's "Deep Learning with PyTorch: Zero to GANs" lessons 1-3 on generated data: tensor basics and
interop (from_numpy, .numpy()), the crop-yield linear regression from scratch (w, b by torch.randn with
requires_grad, mse, w -= w.grad * 1e-5 under no_grad, grad.zero_()), then with TensorDataset, DataLoader,
nn.Linear, F.mse_loss and a fit() loop; the logistic-regression MnistModel with training_step /
validation_step / validation_epoch_end / epoch_end, evaluate() and fit() returning a history, random_split
into train/val, accuracy by torch.max, predict_image with unsqueeze(0), and a model saved with
state_dict and loaded back; lesson 3's device helpers (get_default_device, to_device, DeviceDataLoader)
around a two-layer MnistModel."""

import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_num_threads(1)
torch.manual_seed(42)

# lesson 1: basics
t1 = torch.tensor(4.)
t2 = torch.tensor([1., 2, 3, 4])
t3 = torch.tensor([[5., 6], [7, 8], [9, 10]])
print(t1, t1.dtype, t2.shape, t3.shape)
x = torch.tensor(3.)
w = torch.tensor(4., requires_grad=True)
b = torch.tensor(5., requires_grad=True)
y = w * x + b
print(y)
y.backward()
print("dy/dx:", x.grad)
print("dy/dw:", w.grad)
print("dy/db:", b.grad)
t6 = torch.full((3, 2), 42)
t7 = torch.cat((t3, t6))
print(t7, t7.dtype)
t8 = torch.sin(t7)
t9 = t8.reshape(3, 2, 2)
print(t9[1])
xn = np.array([[1, 2], [3, 4.]])
yn = torch.from_numpy(xn)
print(yn, yn.dtype, torch.tensor(xn).dtype, yn.numpy().dtype)

# lesson 2: linear regression from scratch
inputs = np.array([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]], dtype="float32")
targets = np.array([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype="float32")
inputs = torch.from_numpy(inputs)
targets = torch.from_numpy(targets)
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
print(w)
print(b)


def model(x):
    return x @ w.t() + b


preds = model(inputs)
print(preds)


def mse(t1, t2):
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()


loss = mse(preds, targets)
print(loss)
loss.backward()
print(w.grad)
print(b.grad)
with torch.no_grad():
    w -= w.grad * 1e-5
    b -= b.grad * 1e-5
print(w)
w.grad.zero_()
b.grad.zero_()
print(w.grad, b.grad)
loss = mse(model(inputs), targets)
print(loss)
for i in range(100):
    preds = model(inputs)
    loss = mse(preds, targets)
    loss.backward()
    with torch.no_grad():
        w -= w.grad * 1e-5
        b -= b.grad * 1e-5
        w.grad.zero_()
        b.grad.zero_()
preds = model(inputs)
loss = mse(preds, targets)
print(loss)
print(preds)

# using PyTorch built-ins
inputs = torch.tensor([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70],
                       [74, 66, 43], [91, 87, 65], [88, 134, 59], [101, 44, 37], [68, 96, 71],
                       [73, 66, 44], [92, 87, 64], [87, 135, 57], [103, 43, 36], [68, 97, 70]],
                      dtype=torch.float32)
targets = torch.tensor([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119],
                        [57, 69], [80, 102], [118, 132], [21, 38], [104, 118],
                        [57, 69], [82, 100], [118, 134], [20, 38], [102, 120]], dtype=torch.float32)
train_ds = TensorDataset(inputs, targets)
print(train_ds[0:3])
batch_size = 5
train_dl = DataLoader(train_ds, batch_size, shuffle=True)
for xb, yb in train_dl:
    print(xb)
    print(yb)
    break
model = nn.Linear(3, 2)
print(model.weight)
print(model.bias)
print(list(model.parameters())[1])
preds = model(inputs)
loss_fn = F.mse_loss
loss = loss_fn(model(inputs), targets)
print(loss)
opt = torch.optim.SGD(model.parameters(), lr=1e-5)


def fit(num_epochs, model, loss_fn, opt, train_dl):
    for epoch in range(num_epochs):
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_fn(pred, yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        if (epoch + 1) % 10 == 0:
            print("Epoch [{}/{}], Loss: {:.4f}".format(epoch + 1, num_epochs, loss.item()))


fit(40, model, loss_fn, opt, train_dl)
print(model(inputs)[:3])
print(model(torch.tensor([[75, 63, 44.]])))

# lesson 2b: logistic regression (generated 8x8 "digits": a bright pixel per class plus noise)
rng = np.random.RandomState(0)
labels_np = rng.randint(0, 10, 600)
images_np = (rng.rand(600, 1, 8, 8) * 0.5).astype(np.float32)
for i, c in enumerate(labels_np):
    images_np[i, 0, c // 4 * 2 + 1, (c % 4) * 2] += 1.0
dataset = TensorDataset(torch.from_numpy(images_np), torch.from_numpy(labels_np))
img_tensor, label = dataset[0]
print(img_tensor.shape, label, img_tensor[0, :2, :4])
train_ds, val_ds = random_split(dataset, [500, 100])
print(len(train_ds), len(val_ds), val_ds.indices[:8])
batch_size = 64
train_loader = DataLoader(train_ds, batch_size, shuffle=True)
val_loader = DataLoader(val_ds, batch_size)
input_size = 8 * 8
num_classes = 10


def accuracy(outputs, labels):
    _, preds = torch.max(outputs, dim=1)
    return torch.tensor(torch.sum(preds == labels).item() / len(preds))


class MnistModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(input_size, num_classes)

    def forward(self, xb):
        xb = xb.reshape(-1, 64)
        out = self.linear(xb)
        return out

    def training_step(self, batch):
        images, labels = batch
        out = self(images)  # Generate predictions
        loss = F.cross_entropy(out, labels)  # Calculate loss
        return loss

    def validation_step(self, batch):
        images, labels = batch
        out = self(images)  # Generate predictions
        loss = F.cross_entropy(out, labels)  # Calculate loss
        acc = accuracy(out, labels)  # Calculate accuracy
        return {"val_loss": loss, "val_acc": acc}

    def validation_epoch_end(self, outputs):
        batch_losses = [x["val_loss"] for x in outputs]
        epoch_loss = torch.stack(batch_losses).mean()  # Combine losses
        batch_accs = [x["val_acc"] for x in outputs]
        epoch_acc = torch.stack(batch_accs).mean()  # Combine accuracies
        return {"val_loss": epoch_loss.item(), "val_acc": epoch_acc.item()}

    def epoch_end(self, epoch, result):
        print("Epoch [{}], val_loss: {:.4f}, val_acc: {:.4f}".format(epoch, result["val_loss"], result["val_acc"]))


model = MnistModel()
print(model.linear.weight.shape, model.linear.bias.shape)
for images, labels in train_loader:
    outputs = model(images)
    break
print("outputs.shape : ", outputs.shape)
print("Sample outputs :\n", outputs[:2].data)
probs = F.softmax(outputs, dim=1)
print("Sample probabilities:\n", probs[:2].data)
print("Sum: ", torch.sum(probs[0]).item())
max_probs, preds = torch.max(probs, dim=1)
print(preds)
print(max_probs)
print(accuracy(outputs, labels))


def evaluate(model, val_loader):
    outputs = [model.validation_step(batch) for batch in val_loader]
    return model.validation_epoch_end(outputs)


def fit(epochs, lr, model, train_loader, val_loader, opt_func=torch.optim.SGD):
    optimizer = opt_func(model.parameters(), lr)
    history = []  # for recording epoch-wise results
    for epoch in range(epochs):
        # Training Phase
        for batch in train_loader:
            loss = model.training_step(batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        # Validation phase
        result = evaluate(model, val_loader)
        model.epoch_end(epoch, result)
        history.append(result)
    return history


result0 = evaluate(model, val_loader)
print(result0)
history1 = fit(5, 0.1, model, train_loader, val_loader)
history2 = fit(5, 0.1, model, train_loader, val_loader)
accuracies = [r["val_acc"] for r in [result0] + history1 + history2]
print([round(a, 4) for a in accuracies])


def predict_image(img, model):
    xb = img.unsqueeze(0)
    yb = model(xb)
    _, preds = torch.max(yb, dim=1)
    return preds[0].item()


for k in (0, 7, 33):
    img, label = val_ds[k]
    print("Label:", label.item(), ", Predicted:", predict_image(img, model))
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
print(model.state_dict()["linear.bias"][:4])
buf.seek(0)
model2 = MnistModel()
model2.load_state_dict(torch.load(buf))
print(evaluate(model2, val_loader) == evaluate(model, val_loader))


# lesson 3: device helpers and a hidden layer
def get_default_device():
    """Pick GPU if available, else CPU"""
    if torch.cuda.is_available():
        return torch.device("cuda")
    else:
        return torch.device("cpu")


def to_device(data, device):
    """Move tensor(s) to chosen device"""
    if isinstance(data, (list, tuple)):
        return [to_device(x, device) for x in data]
    return data.to(device, non_blocking=True)


class DeviceDataLoader:
    """Wrap a dataloader to move data to a device"""

    def __init__(self, dl, device):
        self.dl = dl
        self.device = device

    def __iter__(self):
        """Yield a batch of data after moving it to device"""
        for b in self.dl:
            yield to_device(b, self.device)

    def __len__(self):
        """Number of batches"""
        return len(self.dl)


device = get_default_device()
print(device)
train_loader = DeviceDataLoader(train_loader, device)
val_loader = DeviceDataLoader(val_loader, device)
print(len(train_loader), len(val_loader))


class MnistModel2(MnistModel):
    """Feedfoward neural network with 1 hidden layer"""

    def __init__(self, in_size, hidden_size, out_size):
        nn.Module.__init__(self)
        self.linear1 = nn.Linear(in_size, hidden_size)
        self.linear2 = nn.Linear(hidden_size, out_size)

    def forward(self, xb):
        xb = xb.view(xb.size(0), -1)
        out = self.linear1(xb)
        out = F.relu(out)
        out = self.linear2(out)
        return out


model = MnistModel2(input_size, hidden_size=32, out_size=num_classes)
to_device(model, device)
for t in model.parameters():
    print(t.shape)
history = [evaluate(model, val_loader)]
history += fit(5, 0.5, model, train_loader, val_loader)
history += fit(3, 0.1, model, train_loader, val_loader)
print("final", history[-1])
