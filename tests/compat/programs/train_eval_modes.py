"""model.train() versus model.eval() as tutorials demonstrate it: Dropout
outputs printed in both modes (the 1/(1-p) scaling), Dropout2d, BatchNorm1d/2d
running statistics updated step by step (momentum and momentum=None),
eval-mode outputs from the running stats, track_running_stats=False, the
device-agnostic idiom (device = "cuda" if available else "cpu") and
inference_mode / no_grad flags."""

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(13)

device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
print(torch.device(device), torch.device("cpu").type, torch.cuda.is_available())
x = torch.ones(2, 8).to(device)
print(x.device, x.is_cuda, x.cpu().numpy().sum())

drop = nn.Dropout(p=0.25)
print(drop)
print("train:", drop(x))
drop.eval()
print("eval:", drop(x))
print(drop.training, drop.train().training)
d2 = nn.Dropout2d(0.5)
print(d2(torch.ones(1, 4, 2, 2)).view(4, -1))
print(nn.functional.dropout(torch.arange(6.0), p=0.5, training=True))
print(nn.functional.dropout(torch.arange(6.0), p=0.5, training=False))
kept = (nn.Dropout(0.3)(torch.ones(10000)) > 0).float().mean()
print(f"kept fraction {kept:.4f}")

bn = nn.BatchNorm1d(3)
print(bn, bn.momentum, bn.eps, bn.affine, bn.track_running_stats)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
for step in range(3):
    batch = torch.randn(16, 3) * torch.tensor([1.0, 2.0, 0.5]) + torch.tensor([0.0, 5.0, -1.0])
    out = bn(batch)
    print(f"step {step}: batch mean {batch.mean(0)} out mean {out.mean(0).abs().max().item() < 1e-5}")
    print(f"  running_mean {bn.running_mean}")
    print(f"  running_var  {bn.running_var}")
print(bn.num_batches_tracked)
bn.eval()
test = torch.tensor([[0.0, 5.0, -1.0], [1.0, 7.0, 0.0]])
print("eval out", bn(test))
manual = (test - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
print("manual  ", manual)
print(torch.allclose(bn(test), manual, atol=1e-6))

cum = nn.BatchNorm1d(2, momentum=None)
for i in range(4):
    cum(torch.randn(5, 2) + i)
    print(i, cum.running_mean, cum.num_batches_tracked)
nostats = nn.BatchNorm1d(2, track_running_stats=False)
print(nostats.running_mean, nostats.eval()(torch.tensor([[1.0, 2.0], [3.0, 6.0]])))

bn2 = nn.BatchNorm2d(2)
img = torch.randn(4, 2, 3, 3) * 3 + 2
o = bn2(img)
print(o.mean((0, 2, 3)).abs().max() < 1e-6, o.std((0, 2, 3), unbiased=False))
print(bn2.running_mean, bn2.running_var)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))


net = Net().to(device)
print(next(net.parameters()).device, next(net.parameters()).is_cuda)
inp = torch.randn(6, 4)
net.train()
a, b = net(inp), net(inp)
print("train outputs differ", not torch.equal(a, b))
net.eval()
with torch.no_grad():
    a, b = net(inp), net(inp)
print("eval outputs equal", torch.equal(a, b))
print(a)
print([m.training for m in net.modules()])
with torch.inference_mode():
    y = net(inp)
print(y.requires_grad, torch.is_inference_mode_enabled(), y.is_inference())
with torch.no_grad():
    z = net(inp)
print(z.requires_grad, z.grad_fn)
print(net(inp).requires_grad, net(inp).grad_fn.name())
