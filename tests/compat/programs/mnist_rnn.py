"""PyTorch's mnist_rnn example on the bundled 8x8 digits: each image is a
sequence of 8 rows fed to an LSTM (batch_first), the last hidden output through
a linear head and log_softmax, NLLLoss, Adadelta and StepLR with gamma 0.7.
Weights are fixed and the batch order is numpy's, so every number agrees."""

import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

from _data import digits


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.rnn = nn.LSTM(input_size=8, hidden_size=32, batch_first=True)
        self.batchnorm = nn.BatchNorm1d(32)
        self.dropout1 = nn.Dropout2d(0.0)
        self.dropout2 = nn.Dropout(0.0)
        self.fc1 = nn.Linear(32, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, input):
        # Shape of input is (batch_size,1, 8, 8)
        # Shape of input after reshape is (batch_size, 8, 8)
        input = input.reshape(-1, 8, 8)
        # Output shape is (batch_size, seq_len, hidden); h_n, c_n are (num_layers, batch, hidden)
        output, (h_n, c_n) = self.rnn(input)
        # RNN output shape is (seq_len, batch, input_size)
        # Get last output of RNN
        output = output[:, -1, :]
        output = self.batchnorm(output)
        output = self.dropout1(output)
        output = self.fc1(output)
        output = F.relu(output)
        output = self.dropout2(output)
        output = self.fc2(output)
        output = F.log_softmax(output, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(args, model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))


parser = argparse.ArgumentParser(description='digits LSTM Example')
parser.add_argument('--batch-size', type=int, default=64)
parser.add_argument('--test-batch-size', type=int, default=500)
parser.add_argument('--epochs', type=int, default=3)
parser.add_argument('--lr', type=float, default=1.0)
parser.add_argument('--gamma', type=float, default=0.7)
parser.add_argument('--log-interval', type=int, default=6)
args = parser.parse_args()
torch.set_num_threads(1)
torch.manual_seed(1)
device = torch.device("cpu")

pixels, labels = digits()
order = np.random.default_rng(0).permutation(1300)
x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
x = (x - 0.3) / 0.4
y = torch.tensor(labels)
train_loader = DataLoader(TensorDataset(x[order], y[order]), batch_size=args.batch_size)
test_loader = DataLoader(TensorDataset(x[1300:], y[1300:]), batch_size=args.test_batch_size)

model = Net().to(device)
with torch.no_grad():
    for i, (name, p) in enumerate(model.named_parameters()):
        if name == "batchnorm.weight":
            continue
        fan_in = p.shape[-1] if p.dim() > 1 else p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.1 + i).reshape(p.shape) / fan_in ** 0.5)
print("params", [(n, tuple(p.shape)) for n, p in model.rnn.named_parameters()])
optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
for epoch in range(1, args.epochs + 1):
    train(args, model, device, train_loader, optimizer, epoch)
    test(args, model, device, test_loader)
    scheduler.step()

# packed sequences: rows of varying length, sorted or not
lengths = torch.tensor([8, 5, 3, 6])
seqs = x[:4].reshape(4, 8, 8)
packed = nn.utils.rnn.pack_padded_sequence(seqs, lengths, batch_first=True, enforce_sorted=False)
with torch.no_grad():
    out, (h_n, c_n) = model.rnn(packed)
padded, out_lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
print("packed batch_sizes", packed.batch_sizes.tolist(), "unsorted", packed.unsorted_indices.tolist())
print("padded", tuple(padded.shape), out_lengths.tolist(), "zero tail", padded[2, 3:].abs().sum().item())
print("h_n == last valid output", torch.allclose(h_n[0], padded[torch.arange(4), lengths - 1]))
print("h_n[1,:3]", [round(v, 5) for v in h_n[0, 1, :3].tolist()])
if args.epochs > 0:
    path = f"/tmp/mnist_rnn_compat_{os.getpid()}.pt"  # (one per run: the two frameworks run at once)
    torch.save(model.state_dict(), path)
    state = torch.load(path)
    os.remove(path)
    print("saved keys", list(state)[:5], len(state))
