"""Activation-memory accounting in a training script: torch.autograd.graph.saved_tensors_hooks
counting the bytes each forward keeps for backward (per layer, through module pre/forward hooks),
the same network under torch.utils.checkpoint (use_reentrant=False) keeping less, packing saved
activations to float16 and bfloat16-free int8 (a quantize/dequantize pair) to trade accuracy for
memory, save_on_cpu, register_multi_grad_hook firing once a layer's gradients are all ready, and
post-accumulate-grad hooks stepping an optimizer per parameter inside backward."""

import collections

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

torch.manual_seed(2)
torch.set_num_threads(1)

X = torch.randn(64, 16)
Y = (X[:, :4].sum(1, keepdim=True) > 0).float() * 2 - 1 + 0.1 * torch.randn(64, 1)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)

    def forward(self, x):
        return x + self.fc2(torch.relu(self.fc1(x)))


class Net(nn.Module):
    def __init__(self, use_ckpt=False):
        super().__init__()
        self.inp = nn.Linear(16, 32)
        self.blocks = nn.ModuleList(Block(32) for _ in range(3))
        self.out = nn.Linear(32, 1)
        self.use_ckpt = use_ckpt

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        for b in self.blocks:
            h = checkpoint(b, h, use_reentrant=False) if self.use_ckpt and self.training else b(h)
        return self.out(h)


current = ["-"]
ledger = collections.Counter()


def pack(t):
    ledger[current[0]] += t.numel() * t.element_size()
    return t


def unpack(t):
    return t


def tag(net):
    handles = []
    for name, m in net.named_modules():
        if name:
            handles.append(m.register_forward_pre_hook(lambda mod, args, n=name: current.__setitem__(0, n)))
            handles.append(m.register_forward_hook(lambda mod, args, out: current.__setitem__(0, "-")))
    return handles


def saved_bytes(net, x):
    ledger.clear()
    handles = tag(net)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        loss = F.mse_loss(net(x), Y)
    for h in handles:
        h.remove()
    loss.backward()
    return dict(ledger)


net = Net()
plain = saved_bytes(net, X)
print("per module", sorted(plain.items()))
print("total", sum(plain.values()))
X_req = X.clone().requires_grad_(True)
print("input needing grad adds", sum(saved_bytes(net, X_req).values()) - sum(plain.values()))
ck = Net(use_ckpt=True)
ck.load_state_dict(net.state_dict())
ck_saved = saved_bytes(ck, X)
print("checkpointed total", sum(ck_saved.values()), sorted(ck_saved.items())[:3])
net.zero_grad()
ck.zero_grad()
F.mse_loss(net(X), Y).backward()
F.mse_loss(ck(X), Y).backward()
print("same grads", all(torch.allclose(a.grad, b.grad, atol=1e-6) for a, b in zip(net.parameters(), ck.parameters())))


# compressed activations
def pack_half(t):
    return t.to(torch.float16) if t.dtype == torch.float32 else t


def unpack_half(t):
    return t.to(torch.float32) if t.dtype == torch.float16 else t


def pack_int8(t):
    if t.dtype != torch.float32:
        return (None, t)
    scale = t.abs().amax().clamp(min=1e-8) / 127
    return (scale, torch.round(t / scale).to(torch.int8))


def unpack_int8(p):
    scale, q = p
    return q if scale is None else q.to(torch.float32) * scale


def train(mode, steps=25):
    torch.manual_seed(9)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    hooks = {"half": (pack_half, unpack_half), "int8": (pack_int8, unpack_int8)}
    losses = []
    for step in range(steps):
        if mode in hooks:  # (the model's activations only: the loss keeps full precision)
            with torch.autograd.graph.saved_tensors_hooks(*hooks[mode]):
                pred = model(X)
            loss = F.mse_loss(pred, Y)
        elif mode == "cpu":
            with torch.autograd.graph.save_on_cpu(pin_memory=False):
                loss = F.mse_loss(model(X), Y)
        else:
            loss = F.mse_loss(model(X), Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, model


ref, ref_model = train("fp32")
for mode in ["cpu", "half", "int8"]:
    losses, m = train(mode)
    drift = max(abs(a - b) for a, b in zip(ref, losses))
    wdiff = max((p - q).abs().max().item() for p, q in zip(ref_model.parameters(), m.parameters()))
    # (float16 rounding turns one-ulp float32 differences into one-ulp float16 ones: orders, not digits)
    print(f"{mode:5s} final {losses[-1]:.4f} loss drift below 1e-4 {drift < 1e-4}, 3e-3 {drift < 3e-3}, "
          f"weights within 3e-3 {wdiff < 3e-3}, 3e-2 {wdiff < 3e-2}")
print(f"fp32  final {ref[-1]:.5f} first {ref[0]:.5f}")

# a layer's gradients all ready
model = Net()
fired = []
for name, m in model.named_children():
    params = [p for p in m.parameters()]
    if params:
        torch.autograd.graph.register_multi_grad_hook(
            params, lambda grads, n=name: fired.append((n, sum(g.norm().item() ** 2 for g in grads if g is not None))))
F.mse_loss(model(X), Y).backward()
print("multi grad hooks", [(n, round(v, 4)) for n, v in fired])
any_fired = []
torch.autograd.graph.register_multi_grad_hook(list(model.out.parameters()), lambda g: any_fired.append(g.shape), mode="any")
F.mse_loss(model(X), Y).backward()
print("mode any", any_fired)

# optimizer step inside backward
model = Net()
opts = {p: torch.optim.Adam([p], lr=1e-2) for p in model.parameters()}
steps = collections.Counter()


def step_hook(p):
    opts[p].step()
    opts[p].zero_grad()
    steps[p.shape] += 1


for p in model.parameters():
    p.register_post_accumulate_grad_hook(step_hook)
for it in range(15):
    loss = F.mse_loss(model(X), Y)
    loss.backward()
    if it % 5 == 0:
        print(f"in-backward step {it} loss {loss.item():.5f} grads cleared {all(p.grad is None for p in model.parameters())}")
print("hook steps", sorted((tuple(k), v) for k, v in steps.items())[:3])
