"""The UvA deep learning course's Tutorial 2, "Introduction to PyTorch", as its notebook runs it:
torch.__version__ checks, tensor creation (torch.Tensor(2, 3) shape only, torch.arange(6).view, permute,
torch.matmul / torch.bmm), indexing, the dynamic computation graph of y = mean((x + 2) ** 2 + 3)
with x.grad, device selection (torch.cuda.is_available, torch.device, torch.backends.cudnn flags, the
GPU-free .to(device)), the XORDataset (continuous XOR points with Gaussian noise, label as
(data.sum(dim=1) == 1).to(torch.long)), data.DataLoader batches, the SimpleClassifier printed and its
named_parameters, BCEWithLogitsLoss training with tqdm-free epochs, the state_dict saved and loaded
into a new model, eval_model's accuracy with f"{100.0*acc:4.2f}%" on a tensor, and TensorBoard logging
(SummaryWriter.add_graph / add_scalar into a temporary directory). Seeded: every printed number
agrees."""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.utils.data as data

torch.set_num_threads(1)
print("Using torch", torch.__version__.split(".")[0] >= "2")
torch.manual_seed(42)

x = torch.Tensor(2, 3, 4)
print(x.shape, x.dtype)
x = torch.Tensor([[1, 2], [3, 4]])
print(x)
x = torch.rand(2, 3, 4)
print(x)
shape = x.shape
print("Shape:", x.shape)
size = x.size()
print("Size:", size)
dim1, dim2, dim3 = x.size()
print("Size:", dim1, dim2, dim3)
np_arr = np.array([[1, 2], [3, 4]])
tensor = torch.from_numpy(np_arr)
print("Numpy array:", np_arr)
print("PyTorch tensor:", tensor)
tensor = torch.arange(4)
np_arr = tensor.numpy()
print("PyTorch tensor:", tensor)
print("Numpy array:", np_arr)
x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
y = x1 + x2
print("X1", x1)
print("X2", x2)
print("Y", y)
x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
print("X1 (before)", x1)
print("X2 (before)", x2)
x2.add_(x1)
print("X1 (after)", x1)
print("X2 (after)", x2)
x = torch.arange(6)
print("X", x)
x = x.view(2, 3)
print("X", x)
x = x.permute(1, 0)
print("X", x)
x = torch.arange(6)
x = x.view(2, 3)
print("X", x)
W = torch.arange(9).view(3, 3)
print("W", W)
h = torch.matmul(x, W)
print("h", h)
print("bmm", torch.bmm(x.view(1, 2, 3), W.view(1, 3, 3)))
x = torch.arange(12).view(3, 4)
print("X", x)
print(x[:, 1])
print(x[0])
print(x[:2, -1])
print(x[1:3, :])

x = torch.ones((3,))
print(x.requires_grad)
x.requires_grad_(True)
print(x.requires_grad)
x = torch.arange(3, dtype=torch.float32, requires_grad=True)
print("X", x)
a = x + 2
b = a ** 2
c = b + 3
y = c.mean()
print("Y", y)
y.backward()
print(x.grad)

gpu_avail = torch.cuda.is_available()
print(f"Is the GPU available? {gpu_avail}")
device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
print("Device", device)
x = torch.zeros(2, 3)
x = x.to(device)
print("X", x)
torch.manual_seed(42)
if torch.cuda.is_available():
    torch.cuda.manual_seed(42)
    torch.cuda.manual_seed_all(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
print(torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)


class SimpleClassifier(nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        x = self.linear1(x)
        x = self.act_fn(x)
        x = self.linear2(x)
        return x


model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
print(model)
for name, param in model.named_parameters():
    print(f"Parameter {name}, shape {param.shape}")


class XORDataset(data.Dataset):
    def __init__(self, size, std=0.1):
        super().__init__()
        self.size = size
        self.std = std
        self.generate_continuous_xor()

    def generate_continuous_xor(self):
        data = torch.randint(low=0, high=2, size=(self.size, 2), dtype=torch.float32)
        label = (data.sum(dim=1) == 1).to(torch.long)
        data += self.std * torch.randn(data.shape)
        self.data = data
        self.label = label

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        data_point = self.data[idx]
        data_label = self.label[idx]
        return data_point, data_label


dataset = XORDataset(size=200)
print("Size of dataset:", len(dataset))
print("Data point 0:", dataset[0])
data_loader = data.DataLoader(dataset, batch_size=8, shuffle=True)
data_inputs, data_labels = next(iter(data_loader))
print("Data inputs", data_inputs.shape, "\n", data_inputs)
print("Data labels", data_labels.shape, "\n", data_labels)
loss_module = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_dataset = XORDataset(size=1000)
train_data_loader = data.DataLoader(train_dataset, batch_size=128, shuffle=True)
model.to(device)
logdir = tempfile.mkdtemp()


def train_model(model, optimizer, data_loader, loss_module, num_epochs=20, writer=None):
    model.train()
    global_step = 0
    for epoch in range(num_epochs):
        epoch_loss = 0.0
        for data_inputs, data_labels in data_loader:
            data_inputs = data_inputs.to(device)
            data_labels = data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)
            loss = loss_module(preds, data_labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
            global_step += 1
        epoch_loss /= len(data_loader)
        if writer is not None:
            writer.add_scalar("training_loss", epoch_loss, global_step=epoch + 1)
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1} loss {epoch_loss:.6f}")


train_model(model, optimizer, train_data_loader, loss_module)
state_dict = model.state_dict()
print(state_dict)
path = os.path.join(logdir, "our_model.tar")
torch.save(state_dict, path)
state_dict = torch.load(path)
new_model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
new_model.load_state_dict(state_dict)
print("Original model\n", model.state_dict())
print("\nLoaded model\n", new_model.state_dict())
test_dataset = XORDataset(size=500)
test_data_loader = data.DataLoader(test_dataset, batch_size=128, shuffle=False, drop_last=False)


def eval_model(model, data_loader):
    model.eval()
    true_preds, num_preds = 0.0, 0.0
    with torch.no_grad():
        for data_inputs, data_labels in data_loader:
            data_inputs, data_labels = data_inputs.to(device), data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)
            preds = torch.sigmoid(preds)
            pred_labels = (preds >= 0.5).long()
            true_preds += (pred_labels == data_labels).sum()
            num_preds += data_labels.shape[0]
    acc = true_preds / num_preds
    print(f"Accuracy of the model: {100.0 * acc:4.2f}%")
    return acc


acc = eval_model(model, test_data_loader)
print(type(acc).__name__, acc.dtype, acc)

from torch.utils.tensorboard import SummaryWriter  # noqa: E402

model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
writer = SummaryWriter(os.path.join(logdir, "runs"))
writer.add_graph(model, data_inputs)
train_model(model, optimizer, train_data_loader, loss_module, num_epochs=10, writer=writer)
writer.close()
print("event files", len([f for f in os.listdir(os.path.join(logdir, "runs")) if "tfevents" in f]))
eval_model(model, test_data_loader)
