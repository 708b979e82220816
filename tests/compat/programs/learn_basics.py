"""The "Learn the Basics" and "Deep Learning with PyTorch: A 60 Minute Blitz"
tutorials end to end on synthetic data: tensor creation (from data, numpy,
_like, shapes), attributes, indexing and slicing, joining, arithmetic with
out=, single-element item(), in-place ops, the numpy bridge (shared memory
both ways), autograd (requires_grad, grad_fn names, Jacobian-vector products,
detach, no_grad, retain_graph), a Module with named_parameters, the
optimization loop with a Dataset, and save/load of weights and of a whole
state. Every line agrees exactly."""

import io

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(0)

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Ones Tensor: \n {x_ones} \n")
print("rand_like shape", x_rand.shape, x_rand.dtype == torch.float32, bool(((x_rand >= 0) & (x_rand < 1)).all()))
shape = (2, 3,)
print(f"Ones Tensor: \n {torch.ones(shape)} \n")
print(f"Zeros Tensor: \n {torch.zeros(shape)}")
tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor is float32: {tensor.dtype == torch.float32}")  # minigrad prints dtypes as numpy does
print(f"Device tensor is stored on: {tensor.device}")
print("accelerator", torch.accelerator.is_available(), torch.cuda.is_available())

tensor = torch.arange(16.0).reshape(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1.shape, t1[1])

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print("matmul forms agree", torch.equal(y1, y2) and torch.equal(y1, y3), "mul forms", torch.equal(z1, z3))
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")

# autograd
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor(np.linspace(-1, 1, 15).reshape(5, 3), dtype=torch.float32, requires_grad=True)
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}".split(" object")[0])
print(f"Gradient function for loss = {loss.grad_fn}".split(" object")[0])
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
try:
    loss.backward()
except RuntimeError as e:
    print("second backward:", "Trying to backward through the graph a second time" in str(e))
try:
    torch.ones(2).backward()
except RuntimeError as e:
    print("no grad_fn:", "element 0 of tensors does not require grad and does not have a grad_fn" in str(e))
try:
    (w * 2).backward()
except RuntimeError as e:
    print("non-scalar:", "grad can be implicitly created only for scalar outputs" in str(e))


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 4),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
print(model)
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | float32 {param.dtype == torch.float32} {param.requires_grad}")
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.tensor(np.cos(np.arange(p.numel()) * 0.7 + i).reshape(tuple(p.shape)) / np.sqrt(p.shape[-1]),
                             dtype=torch.float32))


class Blobs(Dataset):
    def __init__(self, n):
        g = np.arange(n)
        self.y = g % 4
        self.x = (np.sin(np.outer(g + 1, np.arange(64)) * 0.01) + self.y[:, None] * 0.3).astype(np.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return torch.from_numpy(self.x[idx]).reshape(8, 8), int(self.y[idx])


train_dataloader = DataLoader(Blobs(256), batch_size=64)
test_dataloader = DataLoader(Blobs(64), batch_size=64)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * 64 + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(3):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
model2 = NeuralNetwork()
print(model2.load_state_dict(torch.load(buffer, weights_only=True)))
model2.eval()
X = torch.from_numpy(Blobs(4).x).reshape(4, 8, 8)
logits = model2(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
buffer = io.BytesIO()
torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
            "loss": 0.5}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=True)
print(sorted(checkpoint), checkpoint["optimizer_state_dict"]["param_groups"][0]["lr"],
      list(checkpoint["model_state_dict"])[:2])
