"""IBM's Coursera course "Deep Neural Networks with PyTorch" (Joseph Santarcangelo's labs) as its
students run them: 1-D tensor basics (type(), ndimension(), view(-1, 1), tolist, slicing assignment),
derivatives (x.grad_fn, x.data, is_leaf, partial derivatives, relu over linspace(requires_grad),
a custom autograd Function), a Dataset with callable transforms (add_mult, mult) and a hand-written
Compose, nn.Linear prediction with state_dict().keys(), training a slope by hand with
w.data = w.data - lr * w.grad.data and w.grad.data.zero_(), SGD with a batch-size-1 DataLoader,
mini-batch and validation over several learning rates, multiple linear regression, logistic
regression with BCELoss and with the course's own criterion, a bad initialization written through
model.state_dict()['0.weight'].data[0], softmax in 1-D (z.max(1), nn.Softmax), a one-hidden-layer
net with sigmoid, dropout train/eval, xavier/he/default initializations, momentum, and BatchNorm1d."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(1)

# 1-D tensors
ints_to_tensor = torch.tensor([0, 1, 2, 3, 4])
print("The dtype of tensor object after converting it to tensor: ", ints_to_tensor.dtype)
print("The type of tensor object after converting it to tensor: ", ints_to_tensor.type())
floats_to_tensor = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
print(floats_to_tensor.dtype, floats_to_tensor.type(), torch.FloatTensor([0, 1, 2, 3, 4]))
old_int_tensor = torch.tensor([0, 1, 2, 3, 4])
new_float_tensor = old_int_tensor.type(torch.FloatTensor)
print("The type of the new_float_tensor:", new_float_tensor.type())
print("The size of the new_float_tensor: ", new_float_tensor.size())
print("The dimension of the new_float_tensor: ", new_float_tensor.ndimension())
twoD_float_tensor = new_float_tensor.view(-1, 1)
print("Modified tensor: ", twoD_float_tensor)
numpy_array = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
new_tensor = torch.from_numpy(numpy_array)
print("The dtype of new tensor: ", new_tensor.dtype)
print("The type of new tensor: ", new_tensor.type())
back_to_numpy = new_tensor.numpy()
numpy_array[:] = 0
print("The new tensor points to numpy_array : ", new_tensor)
print("and back to numpy array points to the tensor: ", back_to_numpy)
this_tensor = torch.tensor([0, 1, 2, 3])
print("the first item is given by", this_tensor[0].item(), "the first tensor value is given by ", this_tensor[0])
torch_to_list = this_tensor.tolist()
print("tensor:", this_tensor, "\nlist:", torch_to_list)
tensor_sample = torch.tensor([20, 1, 2, 3, 4])
tensor_sample[0] = 100
tensor_sample[3:5] = torch.tensor([300.0, 400.0])
selected_indexes = [1, 3]
tensor_sample[selected_indexes] = 100000
print("Modified tensor with one value: ", tensor_sample)
math_tensor = torch.tensor([1.0, -1.0, 1, -1])
print("Tensor example: ", math_tensor, "mean", math_tensor.mean(), "std", math_tensor.std())
max_min_tensor = torch.tensor([1, 1, 3, 5, 5])
print("Maximum number in the tensor: ", max_min_tensor.max(), "min", max_min_tensor.min())
pi_tensor = torch.tensor([0, np.pi / 2, np.pi])
sin = torch.sin(pi_tensor)
print("The sin result of pi_tensor: ", sin)
len_5_tensor = torch.linspace(-2, 2, steps=5)
print("First Try on linspace", len_5_tensor)
u = torch.tensor([1, 2])
v = torch.tensor([3, 2])
print("u + v", u + v, "u * v", u * v, "dot", torch.dot(u, v), "u + 1", u + 1)

# derivatives
x = torch.tensor(2.0, requires_grad=True)
print("The tensor x: ", x)
y = x ** 2
print("The result of y = x^2: ", y)
y.backward()
print("The derivative at x = 2: ", x.grad)
print("data:", x.data)
print("grad_fn:", x.grad_fn)
print("grad:", x.grad)
print("is_leaf:", x.is_leaf)
print("requires_grad:", x.requires_grad)
print("data:", y.data)
print("grad_fn:", type(y.grad_fn).__name__)
print("grad:", y.grad if False else None)
print("is_leaf:", y.is_leaf)
print("requires_grad:", y.requires_grad)
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2 + 2 * x + 1
y.backward()
print("The result of y = x^2 + 2x + 1: ", y, x.grad)


class SQ(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i ** 2
        ctx.save_for_backward(i)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        i, = ctx.saved_tensors
        grad_output = 2 * i
        return grad_output


x = torch.tensor(2.0, requires_grad=True)
sq = SQ.apply
y = sq(x)
print(y, type(y.grad_fn).__name__)
y.backward()
print(x.grad)
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
f = u * v + u ** 2
print("The result of v * u + u^2: ", f)
f.backward()
print("The partial derivative with respect to u: ", u.grad)
print("The partial derivative with respect to u: ", v.grad)
x = torch.linspace(-10, 10, 10, requires_grad=True)
Y = x ** 2
y = torch.sum(x ** 2)
y.backward()
print(x.grad)
x = torch.linspace(-10, 10, 1000, requires_grad=True)
Y = torch.relu(x)
y = Y.sum()
y.backward()
print("relu grads", x.grad[495:505], x.grad.sum())
print(type(y.grad_fn).__name__, type(Y.grad_fn).__name__)


# datasets and transforms
class toy_set(Dataset):
    def __init__(self, length=100, transform=None):
        self.len = length
        self.x = 2 * torch.ones(length, 2)
        self.y = torch.ones(length, 1)
        self.transform = transform

    def __getitem__(self, index):
        sample = self.x[index], self.y[index]
        if self.transform:
            sample = self.transform(sample)
        return sample

    def __len__(self):
        return self.len


class add_mult(object):
    def __init__(self, addx=1, muly=2):
        self.addx = addx
        self.muly = muly

    def __call__(self, sample):
        x = sample[0]
        y = sample[1]
        x = x + self.addx
        y = y * self.muly
        sample = x, y
        return sample


class mult(object):
    def __init__(self, mult=100):
        self.mult = mult

    def __call__(self, sample):
        x = sample[0]
        y = sample[1]
        x = x * self.mult
        y = y * self.mult
        sample = x, y
        return sample


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


our_dataset = toy_set()
print("Our toy_set object: ", type(our_dataset).__name__)
print("Value on index 0 of our toy_set object: ", our_dataset[0])
print("Our toy_set length: ", len(our_dataset))
a_m = add_mult()
data_set = toy_set()
for i in range(3):
    x, y = data_set[i]
    print("Index: ", i, "Original x: ", x, "Original y: ", y)
    x_, y_ = a_m(data_set[i])
    print("Index: ", i, "Transformed x_:", x_, "Transformed y_:", y_)
data_trans = Compose([add_mult(), mult()])
compose_data_set = toy_set(transform=data_trans)
print("composed", compose_data_set[0])

# linear regression prediction
w = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)


def forward(x):
    yhat = w * x + b
    return yhat


x = torch.tensor([[1.0], [2.0]])
print("The prediction: ", forward(x))
torch.manual_seed(1)
lr = nn.Linear(in_features=1, out_features=1, bias=True)
print("Parameters w and b: ", list(lr.parameters()))
print("Python dictionary: ", lr.state_dict())
print("keys: ", lr.state_dict().keys())
print("values: ", lr.state_dict().values())
print("weight:", lr.weight)
print("bias:", lr.bias)
x = torch.tensor([[1.0], [2.0], [3.0]])
print("The prediction: ", lr(x))


class LR(nn.Module):
    def __init__(self, input_size, output_size):
        super(LR, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        out = self.linear(x)
        return out


lr = LR(1, 1)
print("The parameters: ", list(lr.parameters()))
print("Linear model: ", lr.linear)
print("Python dictionary: ", lr.state_dict())

# training a slope by hand
X = torch.arange(-3, 3, 0.1).view(-1, 1)
f = -3 * X
Y = f + 0.1 * torch.randn(X.size())


def forward(x):
    return w * x


def criterion(yhat, y):
    return torch.mean((yhat - y) ** 2)


w = torch.tensor(-10.0, requires_grad=True)
lr_ = 0.1
LOSS = []
for epoch in range(4):
    Yhat = forward(X)
    loss = criterion(Yhat, Y)
    LOSS.append(loss.item())
    loss.backward()
    w.data = w.data - lr_ * w.grad.data
    w.grad.data.zero_()
print("slope", w, [round(v, 4) for v in LOSS])

# SGD with a DataLoader, then mini-batches and validation over learning rates
class Data(Dataset):
    def __init__(self, train=True):
        self.x = torch.arange(-3, 3, 0.1).view(-1, 1)
        self.f = -3 * self.x + 1
        self.y = self.f + 0.1 * torch.randn(self.x.size())
        self.len = self.x.shape[0]
        if train:
            self.y[0] = 0
            self.y[50:55] = 20

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


torch.manual_seed(1)
dataset = Data()
trainloader = DataLoader(dataset=dataset, batch_size=1)
w = torch.tensor(-15.0, requires_grad=True)
b = torch.tensor(-10.0, requires_grad=True)


def forward(x):
    return w * x + b


LOSS_Loader = []
for epoch in range(3):
    Yhat = forward(dataset.x)
    LOSS_Loader.append(criterion(Yhat, dataset.y).tolist())
    for x, y in trainloader:
        yhat = forward(x)
        loss = criterion(yhat, y)
        loss.backward()
        w.data = w.data - 0.1 * w.grad.data
        b.data = b.data - 0.1 * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
print("sgd", [round(v, 4) for v in LOSS_Loader], w.item(), b.item())

train_data = Data()
val_data = Data(train=False)
trainloader = DataLoader(dataset=train_data, batch_size=1)
learning_rates = [0.0001, 0.001, 0.01, 0.1]
train_error = torch.zeros(len(learning_rates))
validation_error = torch.zeros(len(learning_rates))
MODELS = []
criterion_ = nn.MSELoss()
for i, learning_rate in enumerate(learning_rates):
    model = LR(1, 1)
    optimizer = optim.SGD(model.parameters(), lr=learning_rate)
    for epoch in range(5):
        for x, y in trainloader:
            yhat = model(x)
            loss = criterion_(yhat, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    Yhat = model(train_data.x)
    train_loss = criterion_(Yhat, train_data.y)
    train_error[i] = train_loss.item()
    Yhat = model(val_data.x)
    val_loss = criterion_(Yhat, val_data.y)
    validation_error[i] = val_loss.item()
    MODELS.append(model)
print("train error", train_error)
print("validation error", validation_error)
print("optimizer state", optimizer.state_dict())

# multiple linear regression
class Data2D(Dataset):
    def __init__(self):
        self.x = torch.zeros(20, 2)
        self.x[:, 0] = torch.arange(-1, 1, 0.1)
        self.x[:, 1] = torch.arange(-1, 1, 0.1)
        self.w = torch.tensor([[1.0], [1.0]])
        self.b = 1
        self.f = torch.mm(self.x, self.w) + self.b
        self.y = self.f + 0.1 * torch.randn((self.x.shape[0], 1))
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


data_set = Data2D()
model = LR(input_size=2, output_size=1)
optimizer = optim.SGD(model.parameters(), lr=0.1)
train_loader = DataLoader(dataset=data_set, batch_size=2)
for epoch in range(20):
    for x, y in train_loader:
        yhat = model(x)
        loss = criterion_(yhat, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print("multiple", model.state_dict(), f"{loss.item():.6f}")

# logistic regression, and a bad initialization
class DataLog(Dataset):
    def __init__(self):
        self.x = torch.arange(-1, 1, 0.1).view(-1, 1)
        self.y = torch.zeros(self.x.shape[0], 1)
        self.y[self.x[:, 0] > 0.2] = 1
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


data_set = DataLog()
trainloader = DataLoader(dataset=data_set, batch_size=3)
model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
model.state_dict()["0.weight"].data[0] = torch.tensor([-5.0])
model.state_dict()["0.bias"].data[0] = torch.tensor([-10.0])
print("bad init", model.state_dict())


def criterion_rms(outputs, labels):
    out = -1 * torch.mean(labels * torch.log(outputs) + (1 - labels) * torch.log(1 - outputs))
    return out


for name, crit in [("rms-style", criterion_rms), ("bce", nn.BCELoss())]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    model.state_dict()["0.weight"].data[0] = torch.tensor([-5.0])
    model.state_dict()["0.bias"].data[0] = torch.tensor([-10.0])
    optimizer = optim.SGD(model.parameters(), lr=2)
    for epoch in range(30):
        for x, y in trainloader:
            yhat = model(x)
            loss = crit(yhat, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    yhat = model(data_set.x)
    label = yhat > 0.5
    print(name, "accuracy", torch.mean((label == data_set.y.type(torch.ByteTensor)).type(torch.float)),
          f"{loss.item():.5f}")

# softmax in 1-D
z = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.0, 1.0, 3.0]])
_, yhat = z.max(1)
Softmax = nn.Softmax(dim=-1)
Probability = Softmax(z)
print(yhat, Probability, torch.max(Probability, 1))

# one hidden layer, dropout, initializations, momentum, batch norm
torch.manual_seed(0)
n = 200
Xn = torch.randn(n, 2)
Yn = ((Xn[:, 0] ** 2 + Xn[:, 1] ** 2) < 1.0).long()
Xv = torch.randn(100, 2)
Yv = ((Xv[:, 0] ** 2 + Xv[:, 1] ** 2) < 1.0).long()


class Net(nn.Module):
    def __init__(self, D_in, H, D_out, p=0.0, bn=False):
        super(Net, self).__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, H)
        self.linear3 = nn.Linear(H, D_out)
        self.drop = nn.Dropout(p=p)
        self.bn = bn
        if bn:
            self.bn1 = nn.BatchNorm1d(H)
            self.bn2 = nn.BatchNorm1d(H)

    def forward(self, x):
        x = self.linear1(x)
        x = torch.sigmoid(self.bn1(x) if self.bn else x)
        x = self.drop(x)
        x = self.linear2(x)
        x = torch.sigmoid(self.bn2(x) if self.bn else x)
        x = self.drop(x)
        return self.linear3(x)


def train(model, optimizer, epochs=60):
    criterion = nn.CrossEntropyLoss()
    loader = DataLoader(list(zip(Xn, Yn)), batch_size=20, shuffle=True)
    for epoch in range(epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        acc = (model(Xv).argmax(1) == Yv).float().mean().item()
    return loss.item(), acc


for name, init in [("default", None), ("xavier", nn.init.xavier_uniform_),
                   ("he", lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu")),
                   ("uniform", lambda w: w.data.uniform_(0, 1))]:
    torch.manual_seed(2)
    model = Net(2, 16, 2)
    if init is not None:
        for m in (model.linear1, model.linear2, model.linear3):
            init(m.weight)
    loss, acc = train(model, optim.SGD(model.parameters(), lr=0.5))
    print(f"init {name} loss {loss:.5f} acc {acc:.3f}")
for name, kw in [("dropout", dict(p=0.3)), ("batchnorm", dict(bn=True))]:
    torch.manual_seed(3)
    model = Net(2, 16, 2, **kw)
    loss, acc = train(model, optim.SGD(model.parameters(), lr=0.1), epochs=10)
    print(f"{name} loss {loss:.5f} acc {acc:.3f}")
    if name == "batchnorm":
        print("running mean", model.bn1.running_mean[:4], model.bn1.num_batches_tracked)
for momentum in (0.0, 0.5, 0.9):
    torch.manual_seed(4)
    model = Net(2, 16, 2)
    loss, acc = train(model, optim.SGD(model.parameters(), lr=0.1, momentum=momentum), epochs=30)
    print(f"momentum {momentum} loss {loss:.5f} acc {acc:.3f}")
print(F.softmax(model(Xv[:2]), dim=1))
