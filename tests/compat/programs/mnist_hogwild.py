"""pytorch/examples mnist_hogwild (main.py + train.py) on the 8x8 digits: Net with Conv2d/Dropout2d/
max_pool2d/log_softmax, torch.multiprocessing with mp.set_start_method('spawn', force=True),
model.share_memory() before mp.Process workers whose train() seeds torch.manual_seed(seed + rank), builds
its own DataLoader and SGD(momentum) over the shared parameters, and test() in the parent after join().
Run as the example's --num-processes 1 (deterministic: every number agrees), then with two forked
processes (Hogwild's lock-free updates race, so only the accuracy is compared, loosely); then what the
multiprocessing notes show: tensors sent through an mp.Queue arrive in shared memory, a child's in-place
change is seen by the parent, and a non-leaf that requires grad cannot cross a process boundary."""

import os

import numpy as np
import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import TensorDataset

import _data


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 16 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


class Args:
    batch_size = 32
    test_batch_size = 200
    epochs = 3
    lr = 0.05
    momentum = 0.5
    seed = 1
    log_interval = 20
    num_processes = 1
    dry_run = False


def load():
    pixels, labels = _data.digits()
    x = torch.tensor(pixels / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
    x = (x - 0.3) / 0.4
    y = torch.tensor(labels)
    return TensorDataset(x[:1400], y[:1400]), TensorDataset(x[1400:], y[1400:])


def train(rank, args, model, device, dataset, dataloader_kwargs):
    torch.manual_seed(args.seed + rank)
    train_loader = torch.utils.data.DataLoader(dataset, **dataloader_kwargs)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    draw = torch.rand(1).item()
    if args.num_processes == 1:  # (Hogwild's processes would print in a racing order)
        print(f"[rank {rank}] params shared {all(p.is_shared() for p in model.parameters())} "
              f"first draw {draw:.6f}", flush=True)
    for epoch in range(1, args.epochs + 1):
        train_epoch(epoch, args, model, device, train_loader, optimizer, rank)


def test(args, model, device, dataset, dataloader_kwargs):
    torch.manual_seed(args.seed)
    test_loader = torch.utils.data.DataLoader(dataset, **dataloader_kwargs)
    return test_epoch(model, device, test_loader)


def train_epoch(epoch, args, model, device, data_loader, optimizer, rank):
    model.train()
    for batch_idx, (data, target) in enumerate(data_loader):
        optimizer.zero_grad()
        output = model(data.to(device))
        loss = F.nll_loss(output, target.to(device))
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0 and args.num_processes == 1:
            print("[rank {}] Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                rank, epoch, batch_idx * len(data), len(data_loader.dataset),
                100. * batch_idx / len(data_loader), loss.item()), flush=True)
            if args.dry_run:
                break


def test_epoch(model, device, data_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in data_loader:
            output = model(data.to(device))
            test_loss += F.nll_loss(output, target.to(device), reduction="sum").item()
            pred = output.max(1)[1]
            correct += pred.eq(target.to(device)).sum().item()
    test_loss /= len(data_loader.dataset)
    return test_loss, correct


def child_doubles(q_in, q_out):
    t = q_in.get()
    q_out.put((t.is_shared(), t.shape, t.dtype))
    t.mul_(2)
    w = q_in.get()
    q_out.put((type(w).__name__, w.requires_grad, w.is_leaf, w.grad is None))


if __name__ == "__main__":
    torch.set_num_threads(1)
    args = Args()
    device = torch.device("cpu")
    train_set, test_set = load()
    kwargs = {"batch_size": args.batch_size, "shuffle": True}
    torch.manual_seed(args.seed)
    mp.set_start_method("spawn", force=True)
    print("start method", mp.get_start_method())

    model = Net().to(device)
    before = [p.is_shared() for p in model.parameters()]
    model.share_memory()  # gradients are allocated lazily, so they are not shared here
    print("shared before/after", any(before), all(p.is_shared() for p in model.parameters()))
    w0 = model.fc2.weight.detach().clone()
    processes = []
    for rank in range(args.num_processes):
        p = mp.Process(target=train, args=(rank, args, model, device, train_set, kwargs))
        p.start()
        processes.append(p)
    for p in processes:
        p.join()
    print("exit codes", [p.exitcode for p in processes])
    print("parent sees training", f"{(model.fc2.weight - w0).abs().sum().item():.5f}",
          "grads in parent", [q.grad is None for q in model.parameters()][:2])
    loss, correct = test(args, model, device, test_set, {"batch_size": args.test_batch_size})
    print("\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
        loss, correct, len(test_set), 100. * correct / len(test_set)))

    # Hogwild proper: two forked processes update the same weights without locks
    ctx = mp.get_context("fork")
    args2 = Args()
    args2.num_processes = 2
    args2.epochs = 2
    torch.manual_seed(args2.seed)
    model2 = Net()
    model2.share_memory()
    procs = [ctx.Process(target=train, args=(rank, args2, model2, device, train_set, kwargs)) for rank in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    loss2, correct2 = test(args2, model2, device, test_set, {"batch_size": args2.test_batch_size})
    print("hogwild exit codes", [p.exitcode for p in procs], "learned", correct2 / len(test_set) > 0.4)

    # tensors through queues (the multiprocessing best-practices notes)
    for method in ("spawn", "fork"):
        c = mp.get_context(method)
        q_in, q_out = c.Queue(), c.Queue()
        t = torch.arange(6, dtype=torch.float32).view(2, 3)
        print(method, "shared before", t.is_shared())
        worker = c.Process(target=child_doubles, args=(q_in, q_out))
        worker.start()
        q_in.put(t)
        print(method, "child got", q_out.get())
        w = nn.Parameter(torch.ones(2))
        q_in.put(w)
        print(method, "parameter arrives as", q_out.get())
        worker.join()
        print(method, "shared after", t.is_shared(), "parent sees", t)
    y = torch.ones(2, requires_grad=True) * 3
    try:
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.dumps(y)
    except RuntimeError as e:
        print("non-leaf:", e)
    print("detached ok", len(bytes(ForkingPickler.dumps(y.detach()))) > 0)
    z = torch.zeros(3)
    print("share_memory_ returns self", z.share_memory_() is z, z.is_shared(), z.storage().is_shared())
    v = torch.zeros(2, 4)
    v += torch.arange(8.).view(2, 4)
    col = v[:, 1]
    v.share_memory_()
    v[0, 1] = 100.0
    print("view follows", col, v.is_shared(), np.shares_memory(v.numpy(), col.numpy()), os.getpid() > 0)
