"""The "Zeroing out gradients" recipe and the gradient bookkeeping around it:
the recipe's CIFAR-style Net trained with optimizer.zero_grad() (on random
seeded images), what happens without zeroing (gradients add up), the
set_to_none semantics (param.grad is None after zero_grad() by default, a
zero tensor with set_to_none=False, model.zero_grad() alike), optimizers
skipping parameters whose grad is None (Adam's state only for those that had
one), gradient accumulation across micro-batches equal to one big batch,
torch.no_grad timing-free evaluation, param.grad.data edits, requires_grad
toggling between steps and grads of non-leaves with retain_grad. Timings are
measured with time.perf_counter but only their types are printed. Seeded:
the numbers agree to float32 rounding."""

import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)
torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 24)
        self.fc2 = nn.Linear(24, 16)
        self.fc3 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 8 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
images = torch.randn(40, 3, 14, 14)
classes = torch.randint(10, (40,))
trainloader = [(images[i:i + 4], classes[i:i + 4]) for i in range(0, 40, 4)]

print("grad before any backward", net.conv1.weight.grad)
start = time.perf_counter()
for epoch in range(2):  # loop over the dataset multiple times

    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        # get the inputs; data is a list of [inputs, labels]
        inputs, labels = data

        # zero the parameter gradients
        optimizer.zero_grad()

        # forward + backward + optimize
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

        # print statistics
        running_loss += loss.item()
        if i % 5 == 4:    # print every 5 mini-batches
            print('[%d, %5d] loss: %.5f' % (epoch + 1, i + 1, running_loss / 5))
            running_loss = 0.0
elapsed = time.perf_counter() - start
print('Finished Training', type(elapsed).__name__, elapsed > 0)
print("grads after training", all(p.grad is not None for p in net.parameters()))
optimizer.zero_grad()
print("after zero_grad() all None", all(p.grad is None for p in net.parameters()))

# without zeroing, gradients accumulate
lin = nn.Linear(3, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.5, -0.25, 1.0]]))
    lin.bias.fill_(0.1)
xb = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
for k in range(3):
    lin(xb).pow(2).sum().backward()
    print("accumulated weight grad", k, [f"{v:.4f}" for v in lin.weight.grad.flatten().tolist()])

# set_to_none semantics
opt = optim.SGD(lin.parameters(), lr=0.1)
opt.zero_grad(set_to_none=False)
print("set_to_none=False", lin.weight.grad.tolist(), lin.bias.grad.tolist())
g_obj = lin.weight.grad
lin(xb).sum().backward()
print("same grad tensor reused", lin.weight.grad is g_obj, lin.weight.grad.tolist())
opt.zero_grad()
print("default zero_grad", lin.weight.grad, lin.bias.grad)
lin(xb).sum().backward()
lin.zero_grad(set_to_none=False)
print("module zero_grad(set_to_none=False)", lin.weight.grad.tolist())
lin.zero_grad()
print("module zero_grad()", lin.weight.grad)

# optimizers skip parameters without a gradient
two = nn.ModuleDict({"used": nn.Linear(2, 2), "unused": nn.Linear(2, 2)})
adam = optim.Adam(two.parameters(), lr=0.1)
before = two["unused"].weight.detach().clone()
two["used"](torch.ones(1, 2)).sum().backward()
adam.step()
print("unused grad", two["unused"].weight.grad, "unchanged", torch.equal(before, two["unused"].weight))
print("adam state entries", len(adam.state), "steps", [adam.state[p]["step"].item() for p in two["used"].parameters()])
adam.zero_grad(set_to_none=False)
two["used"](torch.ones(1, 2)).sum().backward()
adam.step()  # zero_grad only zeroes existing grads: the unused parameter's stays None
print("after zero grads, adam state entries", len(adam.state),
      "unused moved", not torch.equal(before, two["unused"].weight))

# gradient accumulation across micro-batches equals one big batch
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
big_model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
big_model.load_state_dict(model.state_dict())
X, Y = torch.randn(16, 6), torch.randn(16, 1)
accum_steps = 4
opt_a = optim.SGD(model.parameters(), lr=0.05)
opt_b = optim.SGD(big_model.parameters(), lr=0.05)
for step in range(3):
    opt_a.zero_grad()
    for micro in range(accum_steps):
        xs, ys = X[micro * 4:(micro + 1) * 4], Y[micro * 4:(micro + 1) * 4]
        loss = F.mse_loss(model(xs), ys) / accum_steps
        loss.backward()
    opt_a.step()
    opt_b.zero_grad()
    big_loss = F.mse_loss(big_model(X), Y)
    big_loss.backward()
    opt_b.step()
    print(f"accum step {step} | big-batch loss {big_loss.item():.6f} | grads equal "
          f"{all(torch.allclose(p.grad, q.grad, atol=1e-6) for p, q in zip(model.parameters(), big_model.parameters()))}")

# evaluation without building a graph
with torch.no_grad():
    out = model(X)
print("no_grad output requires_grad", out.requires_grad, out.grad_fn)
print(f"eval loss {F.mse_loss(out, Y).item():.6f}")

# editing gradients in place before the step
opt_a.zero_grad()
F.mse_loss(model(X), Y).backward()
for p in model.parameters():
    p.grad.data.clamp_(-0.05, 0.05)
print("clamped max", f"{max(p.grad.abs().max().item() for p in model.parameters()):.4f}")
opt_a.step()

# freezing between steps: a frozen parameter gets no grad
model[0].weight.requires_grad_(False)
opt_a.zero_grad()
F.mse_loss(model(X), Y).backward()
print("frozen grad", model[0].weight.grad, "bias grad norm", f"{model[0].bias.grad.norm().item():.6f}")
model[0].weight.requires_grad_(True)

# non-leaf gradients
h = model[0](X)
h.retain_grad()
loss = model[2](torch.tanh(h)).sum()
loss.backward()
print("retained non-leaf grad", tuple(h.grad.shape), f"{h.grad.abs().sum().item():.6f}", "is_leaf", h.is_leaf)
