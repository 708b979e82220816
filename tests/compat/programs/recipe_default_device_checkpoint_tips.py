"""PyTorch's recipes "Changing default device" and "Tips for loading an nn.Module from a checkpoint", on the
CPU: torch.set_default_device / get_default_device and the torch.device context manager (factories,
modules built inside, an explicit device= still winning), set_default_dtype with its float/int/arange
rules; then a checkpoint saved to a file and loaded with mmap=True (from a path; an open buffer refused
with ValueError), load_state_dict(assign=True) keeping the loaded tensors (identity, storage, dtype,
requires_grad of the module's own parameters) versus the default copy, the optimizer built after the
load, to_empty + reset_parameters, strict=False key reports, and the size-mismatch message."""

import io
import os
import tempfile

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)

# Changing default device
print("default device", torch.get_default_device())
torch.set_default_device("cpu")
print("after set", torch.get_default_device(), torch.empty(2).device, torch.zeros(1, 2).device.type)
with torch.device("cpu"):
    mod = nn.Linear(3, 2)
    t = torch.randn(2, 3)
    print("inside", torch.get_default_device(), mod.weight.device, t.device, torch.arange(3).device)
print("explicit", torch.ones(2, device="cpu").device, torch.tensor([1.0], device=torch.device("cpu")).device)
torch.set_default_device(None)
print("reset", torch.get_default_device())


def dtypes():
    return (torch.tensor([1.0]).dtype, torch.tensor([1]).dtype, torch.arange(3.0).dtype, torch.arange(3).dtype,
            torch.randn(1).dtype, torch.full((1,), 2.5).dtype, torch.full((1,), 2).dtype,
            nn.Linear(2, 2).weight.dtype, torch.get_default_dtype())


print("float32 default", dtypes())
torch.set_default_dtype(torch.float64)
print("float64 default", dtypes())
print("mixed", (torch.ones(2, dtype=torch.float32) + torch.tensor(1.0)).dtype,
      (torch.ones(2, dtype=torch.float32) + 1.0).dtype, torch.tensor(1.5).dtype)
torch.set_default_dtype(torch.float32)


# Tips for loading an nn.Module from a checkpoint
class SomeModule(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(size, size) for i in range(4)])
        self.register_buffer("step", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        for lin in self.linears:
            x = torch.tanh(lin(x))
        return x


torch.manual_seed(1)
m = SomeModule(6)
m.step += 7
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "checkpoint.pth")
torch.save(m.state_dict(), path)
x = torch.randn(3, 6)
want = m(x)

state_dict = torch.load(path, mmap=True, weights_only=True)
print("mmap load", type(state_dict).__name__, len(state_dict), list(state_dict)[:3],
      state_dict["step"].item(), state_dict["linears.0.weight"].requires_grad)
with open(path, "rb") as f:
    buf = io.BytesIO(f.read())
try:
    torch.load(buf, mmap=True, weights_only=True)
except ValueError as e:
    print("buffer with mmap:", e)
buf.seek(0)
print("buffer without mmap", len(torch.load(buf, weights_only=True)))

# the default: copy into the module's own parameters
torch.manual_seed(2)
m_copy = SomeModule(6)
w0 = m_copy.linears[0].weight
print("copy", m_copy.load_state_dict(state_dict), m_copy.linears[0].weight is w0,
      m_copy.linears[0].weight.data_ptr() == state_dict["linears.0.weight"].data_ptr(),
      torch.equal(m_copy(x), want))
# assign=True: the module takes the loaded tensors themselves (wrapped in Parameters)
torch.manual_seed(2)
m_assign = SomeModule(6)
m_assign.linears[1].weight.requires_grad_(False)  # a frozen layer stays frozen
w0 = m_assign.linears[0].weight
print("assign", m_assign.load_state_dict(state_dict, assign=True), m_assign.linears[0].weight is w0,
      type(m_assign.linears[0].weight).__name__,
      m_assign.linears[0].weight.data_ptr() == state_dict["linears.0.weight"].data_ptr(),
      m_assign.linears[0].weight.requires_grad, m_assign.linears[1].weight.requires_grad,
      m_assign.step is state_dict["step"], torch.equal(m_assign(x), want))
opt = torch.optim.SGD(m_assign.parameters(), lr=0.1)  # built after the load: it sees the new Parameters
loss = m_assign(x).pow(2).sum()
loss.backward()
opt.step()
print("trained on assigned params", round(loss.item(), 5), m_assign.linears[1].weight.grad is None,
      "state dict tensor moved too", not torch.equal(state_dict["linears.0.weight"], m.linears[0].weight))

# dtype: copy casts into the module's dtype, assign keeps the checkpoint's
sd64 = {k: (v.double() if v.is_floating_point() else v) for k, v in m.state_dict().items()}
m32 = SomeModule(6)
m32.load_state_dict(sd64)
print("copy float64 ->", m32.linears[0].weight.dtype)
m32.load_state_dict(sd64, assign=True)
print("assign float64 ->", m32.linears[0].weight.dtype, m32.step.dtype)

# to_empty then reset_parameters: uninitialised storage, then the usual init
torch.manual_seed(3)
e = nn.Linear(4, 3).to_empty(device="cpu")
print("to_empty", tuple(e.weight.shape), e.weight.dtype, type(e.weight).__name__)
torch.manual_seed(3)
e.reset_parameters()
torch.manual_seed(3)
fresh = nn.Linear(4, 3)
print("reset matches fresh init", torch.equal(e.weight, fresh.weight), torch.equal(e.bias, fresh.bias))

# strict=False reports and the size-mismatch error
partial = {k: v for k, v in state_dict.items() if not k.startswith("linears.3")}
partial["extra.weight"] = torch.zeros(2)
r = SomeModule(6).load_state_dict(partial, strict=False)
print("missing", r.missing_keys, "unexpected", r.unexpected_keys)
try:
    SomeModule(5).load_state_dict(state_dict, assign=True)
except RuntimeError as err:
    lines = str(err).splitlines()
    print(len(lines), lines[0])
    print(lines[1])
