"""Dive into Deep Learning, chapters 3-5 as the book's notebooks run them (d2l's classes written out, no
d2l package): synthetic regression data with its data_iter, linear regression from scratch and concise
(nn.LazyLinear, weight.data.normal_, nn.MSELoss, SGD), weight decay by hand (l2_penalty) against the
weight_decay of one parameter group only, softmax regression from scratch (the softmax by exp/sum, the
cross-entropy by fancy indexing) against nn.CrossEntropyLoss(reduction='none'), dropout from scratch
with torch.rand masks, and the Kaggle house-price k-fold with log_rmse (clamp, then log). Seeded: every
printed number agrees."""

import random

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(42)
random.seed(42)


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print("features:", features[0], "\nlabel:", labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = squared_loss(linreg(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")

# concise
dataset = torch.utils.data.TensorDataset(features, labels)
loader = torch.utils.data.DataLoader(dataset, batch_size=10, shuffle=True)
net = nn.Sequential(nn.LazyLinear(1))
print("lazy before", net[0].weight.__class__.__name__, net)
net(features[:2])
print("lazy after", net[0].weight.shape, net)
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(3):
    for X, y in loader:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f"concise epoch {epoch + 1}, loss {l:f}")
print("concise w", net[0].weight.data, "b", net[0].bias.data)
print("huber", f"{nn.HuberLoss()(net(features), labels).item():.3e}")

# weight decay
n_train, n_test, num_inputs = 20, 100, 200
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
train_X, train_y = synthetic_data(true_w.squeeze(1), true_b, n_train)
test_X, test_y = synthetic_data(true_w.squeeze(1), true_b, n_test)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_X, train_y), 5, shuffle=True)


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def train_scratch(lambd):
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for epoch in range(20):
        for X, y in train_loader:
            l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)
            l.sum().backward()
            sgd([w, b], 0.003, 5)
    test_l = squared_loss(linreg(test_X, w, b), test_y).mean()
    print(f"scratch lambda {lambd}: L2 norm of w {torch.norm(w).item():.6f} test {test_l.item():.6f}")


train_scratch(0)
train_scratch(3)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd},
                               {"params": net[0].bias}], lr=0.003)
    for epoch in range(20):
        for X, y in train_loader:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
    print(f"concise wd {wd}: L2 norm of w {net[0].weight.norm().item():.6f}",
          [g["weight_decay"] for g in trainer.param_groups])


train_concise(0)
train_concise(3)

# softmax regression from scratch
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.rand((2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))
y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[list(range(len(y_hat))), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))

num_inputs, num_outputs = 16, 4
centers = torch.randn(num_outputs, num_inputs) * 2
cls = torch.randint(0, num_outputs, (400,))
imgs = centers[cls] + torch.randn(400, num_inputs)
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)
cls_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(imgs, cls), batch_size=32, shuffle=True)


def net_scratch(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


for epoch in range(3):
    metric = [0.0, 0.0, 0]
    for Xb, yb in cls_loader:
        y_hat = net_scratch(Xb)
        l = cross_entropy(y_hat, yb)
        l.sum().backward()
        sgd([W, b], 0.1, Xb.shape[0])
        metric[0] += float(l.sum())
        metric[1] += accuracy(y_hat, yb)
        metric[2] += yb.numel()
    print(f"softmax scratch epoch {epoch + 1} loss {metric[0] / metric[2]:.5f} acc {metric[1] / metric[2]:.4f}")

ce = nn.CrossEntropyLoss(reduction="none")
logits = torch.matmul(imgs[:5], W) + b
print("builtin ce", ce(logits, cls[:5]), "scratch", cross_entropy(softmax(logits), cls[:5]))

# dropout from scratch


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print("dropout_p = 0:", dropout_layer(X, 0))
print("dropout_p = 0.5:", dropout_layer(X, 0.5))
print("dropout_p = 1:", dropout_layer(X, 1))


class DropoutMLPScratch(nn.Module):
    def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2, dropout_1, dropout_2):
        super().__init__()
        self.lin1 = nn.LazyLinear(num_hiddens_1)
        self.lin2 = nn.LazyLinear(num_hiddens_2)
        self.lin3 = nn.LazyLinear(num_outputs)
        self.relu = nn.ReLU()
        self.dropout_1, self.dropout_2 = dropout_1, dropout_2

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((X.shape[0], -1))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout_1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout_2)
        return self.lin3(H2)


model = DropoutMLPScratch(num_outputs, 32, 32, 0.5, 0.5)
model(imgs[:1])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    model.train()
    total = 0.0
    for Xb, yb in cls_loader:
        l = nn.functional.cross_entropy(model(Xb), yb)
        opt.zero_grad()
        l.backward()
        opt.step()
        total += l.item() * len(yb)
    model.eval()
    with torch.no_grad():
        acc = (model(imgs).argmax(1) == cls).float().mean()
    print(f"dropout mlp epoch {epoch + 1} loss {total / len(imgs):.5f} acc {acc:.4f}")

# house prices k-fold with log_rmse
n, d = 120, 6
raw = torch.randn(n, d)
prices = torch.exp(11 + raw @ torch.linspace(0.2, -0.1, d) * 0.3 + 0.05 * torch.randn(n)).reshape(-1, 1)
mean, std = raw.mean(0), raw.std(0)
feats = (raw - mean) / std
loss = nn.MSELoss()


def log_rmse(net, features, labels):
    clipped_preds = torch.clamp(net(features), 1, float("inf"))
    rmse = torch.sqrt(loss(torch.log(clipped_preds), torch.log(labels)))
    return rmse.item()


def get_k_fold_data(k, i, X, y):
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = torch.cat([X_train, X_part], 0)
            y_train = torch.cat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid


def train_house(net, train_features, train_labels, test_features, test_labels, num_epochs, learning_rate,
                weight_decay, batch_size):
    train_ls, test_ls = [], []
    train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_features, train_labels),
                                             batch_size, shuffle=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    for epoch in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


k = 4
train_l_sum, valid_l_sum = 0, 0
for i in range(k):
    data = get_k_fold_data(k, i, feats, prices)
    net = nn.Sequential(nn.Linear(d, 1))
    nn.init.constant_(net[0].bias, 60000.0)
    train_ls, valid_ls = train_house(net, *data, 10, 5000, 0, 32)
    train_l_sum += train_ls[-1]
    valid_l_sum += valid_ls[-1]
    print(f"fold {i + 1}, train log rmse {float(train_ls[-1]):f}, valid log rmse {float(valid_ls[-1]):f}")
print(f"{k}-fold validation: avg train log rmse: {float(train_l_sum / k):f}, "
      f"avg valid log rmse: {float(valid_l_sum / k):f}")
