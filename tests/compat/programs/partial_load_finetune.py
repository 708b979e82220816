"""Fine-tuning the classic forum way: a "pretrained" CNN's state_dict is filtered to the keys whose shapes
match a new model with a different head (model_dict.update + load_state_dict), backbone layers are
frozen by name, the head gets a larger lr in its own param group, a batch-norm layer is kept in eval
mode while training, and state_dict variants (keep_vars, prefix, _metadata) are inspected."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(6)
torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.fc = nn.Linear(8, n_out)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.conv2(x)).mean(dim=(2, 3))
        return self.fc(x)


X = torch.randn(40, 1, 8, 8)
y10 = torch.randint(0, 10, (40,))
pre = Net(10)
opt = torch.optim.SGD(pre.parameters(), lr=0.05)
for _ in range(5):
    loss = F.cross_entropy(pre(X), y10)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"pretrain loss {loss.item():.5f}")
pretrained = pre.state_dict()

model = Net(3)
model_dict = model.state_dict()
skipped = [k for k, v in pretrained.items() if k not in model_dict or v.shape != model_dict[k].shape]
filtered = {k: v for k, v in pretrained.items() if k in model_dict and v.shape == model_dict[k].shape}
print("skipped", skipped, [tuple(pretrained[k].shape) for k in skipped])
model_dict.update(filtered)
print(model.load_state_dict(model_dict))
print("copied conv1", torch.equal(model.conv1.weight, pre.conv1.weight),
      "bn stats", torch.equal(model.bn1.running_var, pre.bn1.running_var),
      "tracked", model.bn1.num_batches_tracked.item())
print("shared memory with source", model.conv1.weight.data_ptr() == pre.conv1.weight.data_ptr())

for name, p in model.named_parameters():
    if not name.startswith(("fc.", "conv2.")):
        p.requires_grad_(False)
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
print("trainable", trainable, sum(p.numel() for p in model.parameters() if p.requires_grad),
      "frozen", sum(p.numel() for p in model.parameters() if not p.requires_grad))
opt = torch.optim.Adam([
    {"params": model.conv2.parameters(), "lr": 1e-3},
    {"params": model.fc.parameters()},
], lr=1e-2)
y3 = y10 % 3
model.train()
model.bn1.eval()
for epoch in range(8):
    out = model(X)
    loss = F.cross_entropy(out, y3)
    opt.zero_grad()
    loss.backward()
    opt.step()
    acc = (out.argmax(1) == y3).float().mean()
    print(f"epoch {epoch} loss {loss.item():.5f} acc {acc.item():.4f} conv1 grad {model.conv1.weight.grad}")
print("bn untouched", torch.equal(model.bn1.running_mean, pre.bn1.running_mean), model.bn1.num_batches_tracked.item())
print("conv1 unchanged", torch.equal(model.conv1.weight, pre.conv1.weight),
      "conv2 moved", round((model.conv2.weight - pre.conv2.weight).abs().max().item(), 6))

kv = model.state_dict(keep_vars=True)
print("keep_vars types", type(kv["fc.weight"]).__name__, kv["fc.weight"].requires_grad, kv["conv1.weight"].requires_grad,
      type(kv["bn1.running_mean"]).__name__)
plain = model.state_dict()
print("plain", type(plain["fc.weight"]).__name__, plain["fc.weight"].requires_grad)
pref = model.state_dict(prefix="backbone.")
print("prefixed", list(pref)[:3])
print("metadata", {k: v for k, v in plain._metadata.items()})
print("get_parameter", tuple(model.get_parameter("conv2.bias").shape), "get_submodule", model.get_submodule("bn1"))
sub = {k[len("conv2."):]: v for k, v in plain.items() if k.startswith("conv2.")}
fresh = nn.Conv2d(4, 8, 3, padding=1)
fresh.load_state_dict(sub)
print("conv2 copied", torch.equal(fresh.weight, model.conv2.weight), fresh)
