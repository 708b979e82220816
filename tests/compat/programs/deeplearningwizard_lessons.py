"""Ritchie Ng's Deep Learning Wizard PyTorch lessons, small: matrices (torch.Tensor from lists,
torch.ones/rand, torch.manual_seed reproducibility, numpy bridge with its supported dtypes, resizing with
view, element-wise add/sub/mul/div and their in-place forms, mean/std over dims), gradients (x.grad of
o = (1/2) * sum(y) with y = 5 * (x + 1) ** 2), linear regression with a custom class and the
"epoch {}, loss {}" print, logistic regression on the digits with the iteration counter and accuracy
computed as 100 * correct / total in the lesson's loop (correct as a tensor), feedforward nets with
different depths, the optimizers lesson (SGD, momentum, Nesterov, Adagrad, Adadelta, Adam, AdamW,
Adamax, ASGD, RMSprop, Rprop compared on one model), the learning rate scheduling lesson (StepLR,
MultiStepLR, ExponentialLR, ReduceLROnPlateau with its "Epoch: lr" prints through
optimizer.param_groups) and the weight initialization lesson (nn.init.normal_ / xavier_uniform_ /
kaiming_normal_ per layer with the layers' std printed). Seeded: every printed number agrees."""

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR, ReduceLROnPlateau, StepLR
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)

# matrices
arr = [[1, 2], [3, 4]]
print(np.array(arr))
print(torch.Tensor(arr))
print(np.ones((2, 2)))
print(torch.ones((2, 2)))
rs = np.random.RandomState(0)
print(rs.rand(2, 2))
torch.manual_seed(0)
print(torch.rand(2, 2))
torch.manual_seed(0)
print(torch.rand(2, 2))
np_array = np.ones((2, 2))
torch_tensor = torch.from_numpy(np_array)
print(torch_tensor, type(torch_tensor).__name__)
for np_dtype in (np.int64, np.int32, np.uint8, np.float64, np.float32, np.double):
    print(np_dtype.__name__, torch.from_numpy(np.ones((2, 2), dtype=np_dtype)).dtype)
try:
    torch.from_numpy(np.ones((2, 2), dtype=np.int8).astype(np.str_))
except TypeError as e:
    print("TypeError", e)
print(type(model_params := torch.nn.Linear(1, 1).parameters()).__name__, model_params.__qualname__)
torch_to_numpy = torch_tensor.numpy()
print(type(torch_to_numpy).__name__, torch_to_numpy.dtype)
a = torch.ones(2, 2)
print(a.size())
print(a.view(4))
print(a.view(4).size())
a = torch.ones(2, 2)
b = torch.ones(2, 2)
c = a + b
print(c)
c = torch.add(a, b)
print(c)
print("Old c tensor")
print(c)
c.add_(a)
print("-" * 60)
print("New c tensor")
print(c)
print(a - b)
print(a.sub(b))
print(a)
a.sub_(b)
print(a)
a = torch.ones(2, 2)
b = torch.zeros(2, 2)
print(a * b)
print(torch.mul(a, b))
print(a.mul_(b))
a = torch.ones(2, 2)
b = torch.zeros(2, 2)
print(b / a)
print(torch.div(b, a))
print(b.div_(a))
a = torch.Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
print(a.size())
print(a.mean(dim=0))
a = torch.Tensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
print(a.size())
print(a.mean(dim=1))
a = torch.Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
print(a.std(dim=0))

# gradients
a = torch.ones((2, 2), requires_grad=True)
print(a.requires_grad)
b = torch.ones((2, 2))
b.requires_grad_()
print(b.requires_grad)
print(a + b)
print(torch.add(a, b))
print(a * b)
x = torch.ones(2, requires_grad=True)
y = 5 * (x + 1) ** 2
print(y)
o = (1 / 2) * torch.sum(y)
print(o)
o.backward()
print(x.grad)
x = torch.ones(2, requires_grad=True)
y = 5 * (x + 1) ** 2
y.backward(torch.FloatTensor([1.0, 1.0]))
print(x.grad)

# linear regression
x_values = [i for i in range(11)]
x_train = np.array(x_values, dtype=np.float32).reshape(-1, 1)
y_values = [2 * i + 1 for i in x_values]
y_train = np.array(y_values, dtype=np.float32).reshape(-1, 1)
print(x_train.shape, y_train.shape)


class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


torch.manual_seed(0)
model = LinearRegressionModel(1, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(100):
    epoch += 1
    inputs = torch.from_numpy(x_train).requires_grad_()
    labels = torch.from_numpy(y_train)
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    if epoch % 25 == 0:
        print("epoch {}, loss {}".format(epoch, loss.item()))
predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()
print(predicted[:3].ravel(), y_train[:3].ravel())

# logistic regression / feedforward nets on the digits
pixels, labels_np = digits()
X = torch.tensor(pixels[:800] / 16.0, dtype=torch.float32)
Y = torch.tensor(labels_np[:800])
train_dataset = TensorDataset(X[:640], Y[:640])
test_dataset = TensorDataset(X[640:], Y[640:])
batch_size = 64
n_iters = 60
num_epochs = int(n_iters / (len(train_dataset) / batch_size))
print("num_epochs", num_epochs)
torch.manual_seed(0)
train_loader = DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)
test_loader = DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)


def train_eval(model, optimizer, name, scheduler=None, epochs=num_epochs, plateau=False):
    criterion = nn.CrossEntropyLoss()
    iter = 0
    for epoch in range(epochs):
        if scheduler is not None and not plateau:
            print(name, "Epoch:", epoch, "LR:", [round(g["lr"], 6) for g in optimizer.param_groups])
        for i, (images, labels) in enumerate(train_loader):
            images = images.view(-1, 64).requires_grad_()
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            iter += 1
        correct = 0
        total = 0
        for images, labels in test_loader:
            images = images.view(-1, 64).requires_grad_()
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum()
        accuracy = 100 * correct / total
        print(name, "Iteration: {}. Loss: {}. Accuracy: {}".format(iter, round(loss.item(), 5), accuracy))
        if scheduler is not None:
            if plateau:
                scheduler.step(accuracy)
                print(name, "plateau lr", optimizer.param_groups[0]["lr"], scheduler.num_bad_epochs)
            else:
                scheduler.step()
    return model


class LogisticRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LogisticRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


torch.manual_seed(0)
model = LogisticRegressionModel(64, 10)
print(model.parameters().__qualname__, len(list(model.parameters())))
print(list(model.parameters())[0].size(), list(model.parameters())[1].size())
train_eval(model, torch.optim.SGD(model.parameters(), lr=0.01), "logreg")


class FeedforwardNeuralNetModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, depth=1, act=nn.Sigmoid):
        super(FeedforwardNeuralNetModel, self).__init__()
        layers = []
        for d in range(depth):
            layers += [nn.Linear(input_dim if d == 0 else hidden_dim, hidden_dim), act()]
        self.body = nn.Sequential(*layers)
        self.fc_out = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        return self.fc_out(self.body(x))


for depth, act in ((1, nn.Sigmoid), (1, nn.Tanh), (2, nn.ReLU)):
    torch.manual_seed(0)
    model = FeedforwardNeuralNetModel(64, 32, 10, depth, act)
    train_eval(model, torch.optim.SGD(model.parameters(), lr=0.1), f"ffnn{depth}{act.__name__}")

# optimizers
optimizers = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.05),
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01),
    "adamax": lambda p: torch.optim.Adamax(p, lr=0.01),
    "asgd": lambda p: torch.optim.ASGD(p, lr=0.1),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.005),
    "rprop": lambda p: torch.optim.Rprop(p, lr=0.001),
}
for name, make in optimizers.items():
    torch.manual_seed(0)
    model = FeedforwardNeuralNetModel(64, 32, 10, 1, nn.ReLU)
    train_eval(model, make(model.parameters()), name, epochs=2)

# learning rate scheduling
for name in ("step", "multistep", "exponential", "plateau"):
    torch.manual_seed(0)
    model = FeedforwardNeuralNetModel(64, 32, 10, 1, nn.ReLU)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    if name == "step":
        scheduler = StepLR(optimizer, step_size=1, gamma=0.1)
    elif name == "multistep":
        scheduler = MultiStepLR(optimizer, milestones=[1, 2], gamma=0.1)
    elif name == "exponential":
        scheduler = ExponentialLR(optimizer, gamma=0.5)
    else:
        scheduler = ReduceLROnPlateau(optimizer, "max", factor=0.1, patience=0, threshold=1e-4)
    train_eval(model, optimizer, name, scheduler=scheduler, epochs=3, plateau=name == "plateau")
    print(name, scheduler.state_dict().get("last_epoch"), scheduler.get_last_lr() if name != "plateau" else
          scheduler.get_last_lr())


# weight initialization
class InitNet(nn.Module):
    def __init__(self, scheme):
        super().__init__()
        self.fc1 = nn.Linear(64, 100)
        self.fc2 = nn.Linear(100, 10)
        for layer in (self.fc1, self.fc2):
            if scheme == "normal":
                nn.init.normal_(layer.weight, mean=0, std=1)
            elif scheme == "xavier":
                nn.init.xavier_uniform_(layer.weight)
            elif scheme == "kaiming":
                nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


for scheme in ("normal", "xavier", "kaiming"):
    torch.manual_seed(0)
    model = InitNet(scheme)
    print(scheme, "std", round(model.fc1.weight.std().item(), 4), round(model.fc2.weight.std().item(), 4),
          nn.init.calculate_gain("relu"), nn.init.calculate_gain("leaky_relu", 0.2))
    train_eval(model, torch.optim.SGD(model.parameters(), lr=0.05), scheme, epochs=2)
