""""Deep Learning with PyTorch" chapter 8 (birds vs airplanes) on fixed
synthetic 16x16 images: the Net written with nn.Module layers and then with
the functional API (F.max_pool2d(torch.tanh(...))), numel_list parameter
counts, the training loop with datetime-free epoch logging, validate() over
train/val loaders, L2 regularization added by hand (sum of p.pow(2.0).sum()),
NetDropout with nn.Dropout2d (p=0 for determinism), NetBatchNorm, NetDepth,
NetRes with a skip connection, and NetResDeep with
nn.Sequential(*(n_blocks * [ResBlock(n_chans1)])) (one block shared n
times), kaiming_normal_(nonlinearity='relu'), constant_ and zeros_ init; the
state_dict saved to a BytesIO and loaded into a fresh model. Seeded: every
number agrees."""

import io

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(123)
n = 96
labels = torch.arange(n) % 2
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 16), torch.linspace(-1, 1, 16), indexing="ij")
shape = torch.where(labels[:, None, None] == 0, (yy.abs() < 0.3).float(), (xx.abs() < 0.3).float())
imgs = torch.stack([shape * 0.8, shape * 0.5 + 0.2, 1 - shape], 1) + torch.randn(n, 3, 16, 16) * 0.2
mean = imgs.view(3, -1).mean(dim=1)
std = imgs.view(3, -1).std(dim=1)
print("mean", mean, "std", std)
imgs = (imgs - mean[:, None, None]) / std[:, None, None]
train_set = list(zip(imgs[:64], labels[:64]))
val_set = list(zip(imgs[64:], labels[64:]))
img, label = train_set[0]
print(img.shape, label, type(label).__name__)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=16, shuffle=True)
val_loader = torch.utils.data.DataLoader(val_set, batch_size=16, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.act1 = nn.Tanh()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.act2 = nn.Tanh()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.act3 = nn.Tanh()
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = self.pool1(self.act1(self.conv1(x)))
        out = self.pool2(self.act2(self.conv2(out)))
        out = out.view(-1, 8 * 4 * 4)
        out = self.act3(self.fc1(out))
        out = self.fc2(out)
        return out


class NetFunctional(nn.Module):
    def __init__(self, n_chans1=16):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(4 * 4 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        out = out.view(-1, 4 * 4 * self.n_chans1 // 2)
        out = torch.tanh(self.fc1(out))
        out = self.fc2(out)
        return out


class NetDropout(nn.Module):
    def __init__(self, n_chans1=16):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_dropout = nn.Dropout2d(p=0.0)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_dropout = nn.Dropout2d(p=0.0)
        self.fc1 = nn.Linear(4 * 4 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = self.conv1_dropout(out)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        out = self.conv2_dropout(out)
        out = out.view(-1, 4 * 4 * self.n_chans1 // 2)
        out = torch.tanh(self.fc1(out))
        return self.fc2(out)


class NetBatchNorm(nn.Module):
    def __init__(self, n_chans1=16):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_batchnorm = nn.BatchNorm2d(num_features=n_chans1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_batchnorm = nn.BatchNorm2d(num_features=n_chans1 // 2)
        self.fc1 = nn.Linear(4 * 4 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = self.conv1_batchnorm(self.conv1(x))
        out = F.max_pool2d(torch.tanh(out), 2)
        out = self.conv2_batchnorm(self.conv2(out))
        out = F.max_pool2d(torch.tanh(out), 2)
        out = out.view(-1, 4 * 4 * self.n_chans1 // 2)
        out = torch.tanh(self.fc1(out))
        return self.fc2(out)


class NetRes(nn.Module):
    def __init__(self, n_chans1=16):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(n_chans1 // 2, n_chans1 // 2, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(2 * 2 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        out = F.max_pool2d(torch.relu(self.conv2(out)), 2)
        out1 = out
        out = F.max_pool2d(torch.relu(self.conv3(out)) + out1, 2)
        out = out.view(-1, 2 * 2 * self.n_chans1 // 2)
        out = torch.relu(self.fc1(out))
        return self.fc2(out)


class ResBlock(nn.Module):
    def __init__(self, n_chans):
        super(ResBlock, self).__init__()
        self.conv = nn.Conv2d(n_chans, n_chans, kernel_size=3, padding=1, bias=False)
        self.batch_norm = nn.BatchNorm2d(num_features=n_chans)
        torch.nn.init.kaiming_normal_(self.conv.weight, nonlinearity='relu')
        torch.nn.init.constant_(self.batch_norm.weight, 0.5)
        torch.nn.init.zeros_(self.batch_norm.bias)

    def forward(self, x):
        out = self.conv(x)
        out = self.batch_norm(out)
        out = torch.relu(out)
        return out + x


class NetResDeep(nn.Module):
    def __init__(self, n_chans1=8, n_blocks=4):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.resblocks = nn.Sequential(*(n_blocks * [ResBlock(n_chans=n_chans1)]))
        self.fc1 = nn.Linear(4 * 4 * n_chans1, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        out = self.resblocks(out)
        out = F.max_pool2d(out, 2)
        out = out.view(-1, 4 * 4 * self.n_chans1)
        out = torch.relu(self.fc1(out))
        return self.fc2(out)


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, l2_lambda=0.0):
    for epoch in range(1, n_epochs + 1):
        loss_train = 0.0
        for imgs_b, labels_b in train_loader:
            outputs = model(imgs_b)
            loss = loss_fn(outputs, labels_b)
            if l2_lambda:
                l2_norm = sum(p.pow(2.0).sum() for p in model.parameters())
                loss = loss + l2_lambda * l2_norm
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        if epoch == 1 or epoch % 2 == 0:
            print('Epoch {}, Training loss {:.6f}'.format(epoch, loss_train / len(train_loader)))


def validate(model, train_loader, val_loader):
    accdict = {}
    for name, loader in [("train", train_loader), ("val", val_loader)]:
        correct = 0
        total = 0
        with torch.no_grad():
            for imgs_b, labels_b in loader:
                outputs = model(imgs_b)
                _, predicted = torch.max(outputs, dim=1)
                total += labels_b.shape[0]
                correct += int((predicted == labels_b).sum())
        print("Accuracy {}: {:.4f}".format(name, correct / total))
        accdict[name] = correct / total
    return accdict


model = Net()
numel_list = [p.numel() for p in model.parameters()]
print(sum(numel_list), numel_list)
print(model(img.unsqueeze(0)))
for name, cls, kwargs, l2 in [("net", Net, {}, 0.0), ("functional", NetFunctional, {}, 0.0),
                              ("l2", NetFunctional, {}, 0.001), ("dropout", NetDropout, {}, 0.0),
                              ("batchnorm", NetBatchNorm, {}, 0.0), ("res", NetRes, {}, 0.0),
                              ("resdeep", NetResDeep, {"n_blocks": 4}, 0.0)]:
    torch.manual_seed(1)
    model = cls(**kwargs)
    print(name, "params", sum(p.numel() for p in model.parameters()))
    optimizer = optim.SGD(model.parameters(), lr=3e-2)
    training_loop(4, optimizer, model, nn.CrossEntropyLoss(), train_loader, l2)
    model.eval()
    validate(model, train_loader, val_loader)

print("shared blocks", len(model.resblocks), len(list(model.resblocks.parameters())),
      model.resblocks[0] is model.resblocks[3])
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
loaded = NetResDeep(n_blocks=4)
print(loaded.load_state_dict(torch.load(buf)))
loaded.eval()
print("reloaded same", torch.equal(loaded(imgs[:4]), model(imgs[:4])), sorted(loaded.state_dict())[:5])
