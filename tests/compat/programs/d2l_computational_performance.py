"""Dive into Deep Learning's "Computational Performance" chapter, the parts that run on one CPU: the
imperative-vs-symbolic example (fancy_func, the generated program string run with exec), the
get_net MLP turned into TorchScript with torch.jit.script (outputs compared, a Benchmark context
manager timing both without printing the times), "Multiple GPUs" from scratch with the devices all
'cpu': LeNet's parameters in a list, get_params copying them per device (to(device, copy=True): on
one CPU to(device) returns the tensor itself) with requires_grad_,
allreduce by hand (sum on device 0, copy back), split_batch with torch.chunk (nn.parallel.scatter is
CUDA-only), a train_batch over the replicas checked against one big batch, and the concise
version's nn.DataParallel-free equivalent of averaging replica gradients; plus torch.cuda
queries returning their CPU answers. Seeded: every printed number agrees."""

import time

import torch
from torch import nn
from torch.nn import functional as F


torch.set_num_threads(1)
torch.manual_seed(0)


def add(a, b):
    return a + b


def fancy_func(a, b, c, d):
    e = add(a, b)
    f = add(c, d)
    g = add(e, f)
    return g


print(fancy_func(1, 2, 3, 4))


def add_():
    return """
def add(a, b):
    return a + b
"""


def fancy_func_():
    return """
def fancy_func(a, b, c, d):
    e = add(a, b)
    f = add(c, d)
    g = add(e, f)
    return g
"""


def evoke_():
    return add_() + fancy_func_() + "print(fancy_func(1, 2, 3, 4))"


prog = evoke_()
print(prog.count("\n"), "lines")
y = compile(prog, "", "exec")
exec(y)


def get_net():
    net = nn.Sequential(nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 2))
    return net


x = torch.randn(size=(1, 512))
net = get_net()
eager = net(x)
scripted = torch.jit.script(net)
print(eager, torch.allclose(scripted(x), eager))


class Benchmark:
    """For measuring running time."""

    def __init__(self, description="Done"):
        self.description = description

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *args):
        self.elapsed = time.perf_counter() - self.start
        print(f"{self.description}: measured", self.elapsed > 0)


net = get_net()
with Benchmark("Without torchscript"):
    for i in range(100):
        net(x)
net = torch.jit.script(net)
with Benchmark("With torchscript"):
    for i in range(100):
        net(x)

print("devices", torch.cuda.device_count(), torch.cuda.is_available(), torch.device("cpu"))
devices = [torch.device("cpu")] * 2

scale = 0.01
W1 = torch.randn(size=(6, 1, 3, 3)) * scale
b1 = torch.zeros(6)
W2 = torch.randn(size=(12, 6, 3, 3)) * scale
b2 = torch.zeros(12)
W3 = torch.randn(size=(108, 32)) * scale
b3 = torch.zeros(32)
W4 = torch.randn(size=(32, 10)) * scale
b4 = torch.zeros(10)
params = [W1, b1, W2, b2, W3, b3, W4, b4]


def lenet(X, params):
    h1_conv = F.conv2d(input=X, weight=params[0], bias=params[1])
    h1_activation = F.relu(h1_conv)
    h1 = F.avg_pool2d(input=h1_activation, kernel_size=(2, 2), stride=(2, 2))
    h2_conv = F.conv2d(input=h1, weight=params[2], bias=params[3])
    h2_activation = F.relu(h2_conv)
    h2 = F.avg_pool2d(input=h2_activation, kernel_size=(1, 1), stride=(1, 1))
    h2 = h2.reshape(h2.shape[0], -1)
    h3_linear = torch.mm(h2, params[4]) + params[5]
    h3 = F.relu(h3_linear)
    y_hat = torch.mm(h3, params[6]) + params[7]
    return y_hat


loss = nn.CrossEntropyLoss(reduction="none")


# on one CPU .to(device) hands back the tensor itself: the "replicas" would all be params, so copy
print("aliased", params[0].to(devices[0]) is params[0], params[0].to(devices[0], copy=True) is params[0])


def get_params(params, device):
    new_params = [p.to(device, copy=True) for p in params]
    for p in new_params:
        p.requires_grad_()
    return new_params


new_params = get_params(params, devices[0])
print("b1 weight:", new_params[1])
print("b1 grad:", new_params[1].grad)


def allreduce(data):
    for i in range(1, len(data)):
        data[0][:] += data[i].to(data[0].device)
    for i in range(1, len(data)):
        data[i][:] = data[0].to(data[i].device)


data = [torch.ones((1, 2), device=devices[i]) * (i + 1) for i in range(2)]
print("before allreduce:\n", data[0], "\n", data[1])
allreduce(data)
print("after allreduce:\n", data[0], "\n", data[1])


def split_batch(X, y, devices):
    """Split `X` and `y` into multiple devices."""
    assert X.shape[0] == y.shape[0]
    return ([c.to(d) for c, d in zip(torch.chunk(X, len(devices)), devices)],
            [c.to(d) for c, d in zip(torch.chunk(y, len(devices)), devices)])


data = torch.arange(20).reshape(4, 5)
split, _ = split_batch(data, torch.arange(4), devices)
print("input :", data)
print("load into", devices)
print("output:", split)


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_batch(X, y, device_params, devices, lr):
    X_shards, y_shards = split_batch(X, y, devices)
    ls = [loss(lenet(X_shard, device_W), y_shard).sum()
          for X_shard, y_shard, device_W in zip(X_shards, y_shards, device_params)]
    for l in ls:
        l.backward()
    with torch.no_grad():
        for i in range(len(device_params[0])):
            allreduce([device_params[c][i].grad for c in range(len(devices))])
    for param in device_params:
        sgd(param, lr, X.shape[0])
    return sum(l.item() for l in ls)


X = torch.randn(32, 1, 12, 12)
Y = torch.randint(0, 10, (32,))
device_params = [get_params(params, d) for d in devices]
single = get_params(params, devices[0])
for step in range(5):
    l_multi = train_batch(X, Y, device_params, devices, lr=0.2)
    l_single = loss(lenet(X, single), Y).sum()
    l_single.backward()
    sgd(single, 0.2, X.shape[0])
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(device_params[0], single))
    replicas = all(torch.equal(a, b) for a, b in zip(device_params[0], device_params[1]))
    print(f"step {step} multi loss {l_multi:.5f} single loss {l_single.item():.5f} same params {same} "
          f"replicas equal {replicas}")


def resnet18_small(num_classes, in_channels=1):
    def resnet_block(in_channels, out_channels, num_residuals, first_block=False):
        blk = []
        for i in range(num_residuals):
            if i == 0 and not first_block:
                blk.append(Residual(in_channels, out_channels, use_1x1conv=True, strides=2))
            else:
                blk.append(Residual(out_channels, out_channels))
        return nn.Sequential(*blk)

    net = nn.Sequential(nn.Conv2d(in_channels, 8, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(8),
                        nn.ReLU())
    net.add_module("resnet_block1", resnet_block(8, 8, 2, first_block=True))
    net.add_module("resnet_block2", resnet_block(8, 16, 2))
    net.add_module("global_avg_pool", nn.AdaptiveAvgPool2d((1, 1)))
    net.add_module("fc", nn.Sequential(nn.Flatten(), nn.Linear(16, num_classes)))
    return net


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


net = resnet18_small(10)
net(torch.zeros(2, 1, 12, 12))


def init_weights(module):
    if type(module) in [nn.Linear, nn.Conv2d]:
        nn.init.normal_(module.weight, std=0.01)


net.apply(init_weights)
print("resnet params", sum(p.numel() for p in net.parameters()), type(net.resnet_block2[0].conv1).__name__)
replicas = [net, __import__("copy").deepcopy(net)]
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for step in range(3):
    shards = torch.chunk(X, 2)
    ys = torch.chunk(Y, 2)
    grads = []
    for r, xs, ysh in zip(replicas, shards, ys):
        r.zero_grad()
        out = loss(r(xs), ysh).mean()
        out.backward()
        grads.append([p.grad for p in r.parameters()])
    with torch.no_grad():
        for p, g0, g1 in zip(net.parameters(), *grads):
            p.grad = (g0 + g1) / 2
    trainer.step()
    replicas[1].load_state_dict(net.state_dict())
    print(f"replica step {step} loss {out.item():.5f} bn mean {net[1].running_mean[:2]}")
