"""vahidk's "Effective PyTorch" as its readers try each section: fitting y = a x^2 + b x + c with
autograd and Adam; the same as a Module (nn.Parameter, named_parameters); broadcasting, the good
(feature crosses with unsqueeze instead of tile/repeat) and the ugly (a (3, 1) + (3,) sum that
silently becomes (3, 3), and keepdim); overloaded operators (slicing in a loop versus unbind versus
one indexed op, and the ops' equality); TorchScript (torch.jit.script of a function and a module,
its .code-free use); custom datasets and a collate into a DataLoader; numerical stability (the
unstable softmax giving nan on large logits, the stable one, the unstable and the stable cross
entropy, log-sum-exp, sigmoid and log1p/expm1 near 0, float16 overflow) with the nan/inf reprs
printed; and faster training of a tiny net with autocast off on the CPU and GradScaler disabled."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)  # noqa: NPY002 - the guide's legacy numpy random calls

# basics: a quadratic fit with autograd
w = torch.tensor(torch.randn([3, 1]), requires_grad=True)
opt = torch.optim.Adam([w], 0.1)


def model(x):
    f = torch.stack([x * x, x, torch.ones_like(x)], 1)
    yhat = torch.squeeze(f @ w, 1)
    return yhat


def compute_loss(y, yhat):
    loss = torch.nn.functional.mse_loss(yhat, y)
    return loss


def generate_data():
    x = torch.rand(100) * 20 - 10
    y = 5 * x * x + 3
    return x, y


def train_step():
    x, y = generate_data()
    yhat = model(x)
    loss = compute_loss(y, yhat)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


for i in range(1000):
    loss = train_step()
    if i % 250 == 0:
        print(i, f"{loss.item():.4f}")
print(w.detach().numpy().round(3))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.rand(1))
        self.b = torch.nn.Parameter(torch.rand(1))

    def forward(self, x):
        yhat = self.a * x + self.b
        return yhat


x = torch.arange(100, dtype=torch.float32)
net = Net()
y = net(x)
for p in net.parameters():
    print(p)
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
for i in range(300):
    xb = torch.arange(10, dtype=torch.float32) / 10
    yb = 5 * xb + 3
    loss = torch.nn.functional.mse_loss(net(xb), yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print({n: round(p.item(), 4) for n, p in net.named_parameters()}, f"{loss.item():.6f}")

# broadcasting the good
a = torch.rand([5, 3, 5])
b = torch.rand([5, 1, 6])
linear = torch.nn.Linear(11, 10)
tiled_b = b.repeat([1, 3, 1])
c = torch.cat([a, tiled_b], 2)
d = torch.nn.functional.relu(linear(c))
print(d.shape, d.sum().item() > 0)
linear1 = torch.nn.Linear(5, 10)
linear2 = torch.nn.Linear(6, 10)
pa = linear1(a)
pb = linear2(b)
d2 = torch.nn.functional.relu(pa + pb)
print(d2.shape, (d2 >= 0).all())


def merge(a, b, units, activation=None):
    dim_a, dim_b = a.shape[-1], b.shape[-1]
    torch.manual_seed(3)
    la, lb = nn.Linear(dim_a, units), nn.Linear(dim_b, units, bias=False)
    c = la(a) + lb(b)
    if activation is not None:
        c = activation(c)
    return c


print(merge(a, b, 4, torch.tanh).shape)

# broadcasting the ugly
a = torch.tensor([[1.], [2.]])
b = torch.tensor([1., 2.])
c = torch.sum(a + b)
print(c, (a + b).shape)
c = torch.sum(a + b, 0)
print(c)
c = torch.sum(a + b, 0, keepdim=True)
print(c)
print(torch.sum(a + b.unsqueeze(1)))

# overloaded operators
z = torch.rand(500, 10)
loop = torch.zeros(500)
for i in range(500):
    loop = loop + z[:, i % 10]
unb = sum(torch.unbind(z, dim=1)) * 50
print(torch.allclose(loop, unb, rtol=1e-4), loop[:3], unb[:3])
print(torch.equal(z[:, 0], torch.unbind(z, dim=1)[0]), torch.sum(z, dim=1).shape)
print(z.__getitem__((slice(None, 2), 3)), z[:2, 3])


# TorchScript
@torch.jit.script
def relu6_script(x):
    return torch.clamp(x, 0.0, 6.0)


def soft_nms_style(scores, boxes_iou, thresh: float):
    keep = scores > thresh
    return (scores * keep.float()) / (1 + boxes_iou.sum(-1))


scripted = torch.jit.script(soft_nms_style)
print(relu6_script(torch.tensor([-1.0, 3.0, 9.0])), scripted(torch.tensor([0.2, 0.8]), torch.ones(2, 2), 0.5))


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return torch.relu(self.fc(x))


torch.manual_seed(1)
tiny = Tiny()
sm = torch.jit.script(tiny)
xx = torch.randn(3, 4)
print(torch.equal(sm(xx), tiny(xx)), sm(xx).detach())  # (TorchScript names its graph node its own way)


# custom dataset and collate
class SquaresDataset(torch.utils.data.Dataset):
    def __init__(self, n):
        self.items = [(i, np.float32(i) ** 2) for i in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        i, sq = self.items[idx]
        return {"x": torch.tensor([float(i)]), "y": sq, "id": i}


loader = torch.utils.data.DataLoader(SquaresDataset(10), batch_size=4, shuffle=False)
for batch in loader:
    print(batch["x"].shape, batch["y"], batch["y"].dtype, batch["id"])

# numerical stability
x = torch.tensor([1., 1.])
print("float32 1 + eps/2 == 1", torch.tensor(1.0) + torch.finfo(torch.float32).eps / 2 == 1.0)
print(torch.tensor(np.float32(1e-38)) * 1e-10, torch.tensor(3.4e38) * 10)


def unstable_softmax(logits):
    exp = torch.exp(logits)
    return exp / torch.sum(exp)


def softmax(logits):
    exp = torch.exp(logits - torch.max(logits))
    return exp / torch.sum(exp)


print(unstable_softmax(torch.tensor([1000., 0.])))
print(softmax(torch.tensor([1000., 0.])), torch.softmax(torch.tensor([1000., 0.]), 0))


def unstable_softmax_cross_entropy(labels, logits):
    logits = torch.log(softmax(logits))
    return -torch.sum(labels * logits)


def softmax_cross_entropy(labels, logits, dim=-1):
    scaled_logits = logits - torch.max(logits)
    normalized_logits = scaled_logits - torch.logsumexp(scaled_logits, dim)
    return -torch.sum(labels * normalized_logits)


labels = torch.tensor([0.5, 0.5])
logits = torch.tensor([1000., 0.], requires_grad=True)
xe = unstable_softmax_cross_entropy(labels, logits)
print(xe)
xe.backward()
print(logits.grad)
logits.grad = None
xe = softmax_cross_entropy(labels, logits)
print(xe)
xe.backward()
print(logits.grad)
print(F.cross_entropy(logits.detach().unsqueeze(0), labels.unsqueeze(0)))
print(torch.tensor([-1000., 0., 1000.]).sigmoid(), torch.log(torch.sigmoid(torch.tensor([-200.]))),
      F.logsigmoid(torch.tensor([-200.])))
small = torch.tensor([1e-10, 1e-5, 1e-3])
print(torch.log(1 + small), torch.log1p(small), torch.exp(small) - 1, torch.expm1(small))
print(torch.tensor([60000.], dtype=torch.float16) * 2, torch.tensor([1e-8], dtype=torch.float16),
      torch.tensor([65504.], dtype=torch.float16) + torch.tensor([16.], dtype=torch.float16))
big = torch.tensor([float("inf"), -float("inf"), float("nan"), 0.0])
print(big, big * 0, big / 0, torch.isfinite(big), torch.nan_to_num(big))
print(torch.tensor([[float("nan"), 1.5], [2.0, float("inf")]]), torch.tensor([1e20, float("nan")]))
print(torch.tensor([0.0, -0.0]), 1 / torch.tensor([0.0, -0.0]), torch.tensor([-0.0]).sign())

# faster training: autocast is a no-op for float32 matmuls on the CPU without bfloat16
torch.manual_seed(2)
mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(mlp.parameters(), lr=0.05)
scaler = torch.amp.GradScaler("cpu", enabled=False)
xs = torch.randn(64, 8)
ys = xs.sum(1, keepdim=True)
for step in range(30):
    with torch.autocast(device_type="cpu", enabled=False):
        out = mlp(xs)
        loss = F.mse_loss(out, ys)
    opt.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    if step % 10 == 0:
        print(step, f"{loss.item():.5f}", out.dtype, scaler.get_scale(), scaler.is_enabled())
