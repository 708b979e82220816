"""The hook-centred pytorch/tutorials recipes: the optimizer step fused into
backward (one Adam per parameter, stepped from register_post_accumulate_grad_hook)
against ordinary training; autograd's saved-tensor hooks (counting packs,
saving to files in a temporary directory with torch.save/torch.load, a
pack-to-half hook, save_on_cpu, grad_fn._saved_self); optimizer
hooks (register_step_pre_hook / register_step_post_hook, the global
register_optimizer_step_post_hook, state_dict and load_state_dict pre/post
hooks adding extra state); module state_dict hooks (register_state_dict_post_hook
renaming keys, register_load_state_dict_post_hook reading incompatible keys);
grad_fn node hooks (register_hook / register_prehook) and
register_multi_grad_hook. Seeded: every number agrees."""

import os
import tempfile
import uuid

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.optimizer import register_optimizer_step_post_hook


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 4))


g = torch.Generator().manual_seed(0)
X = torch.randn(64, 8, generator=g)
Y = torch.randint(0, 4, (64,), generator=g)

# ------------------------------------------------------------------ optimizer step in backward
ref = make_model(0)
ref_opt = torch.optim.Adam(ref.parameters(), lr=1e-2, foreach=False)
for i in range(5):
    xb, yb = X[i * 12:(i + 1) * 12], Y[i * 12:(i + 1) * 12]
    loss = F.cross_entropy(ref(xb), yb)
    loss.backward()
    ref_opt.step()
    ref_opt.zero_grad()

model = make_model(0)
optimizer_dict = {p: torch.optim.Adam([p], lr=1e-2, foreach=False) for p in model.parameters()}
step_calls = []


def optimizer_hook(parameter) -> None:
    step_calls.append(tuple(parameter.shape))
    optimizer_dict[parameter].step()
    optimizer_dict[parameter].zero_grad()


handles = [p.register_post_accumulate_grad_hook(optimizer_hook) for p in model.parameters()]
for i in range(5):
    xb, yb = X[i * 12:(i + 1) * 12], Y[i * 12:(i + 1) * 12]
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
print("fused loss", f"{loss.item():.6f}", "grads after backward", [p.grad for p in model.parameters()])
print("hook order (first step)", step_calls[:4])
print("fused == ordinary", all(torch.allclose(a, b, atol=1e-7) for a, b in zip(model.parameters(), ref.parameters())))
for h in handles:
    h.remove()

# ------------------------------------------------------------------ saved tensors hooks
packed = []


def pack_hook(x):
    packed.append(tuple(x.shape))
    return x


def unpack_hook(x):
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
print("packed", packed, "a.grad", a.grad.tolist())

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print("saved self is x", y.grad_fn._saved_self is x, "equal", torch.equal(y.grad_fn._saved_self, x))
y = x.sin()
print("sin saved self", y.grad_fn._saved_self.equal(x))

with tempfile.TemporaryDirectory() as tmp_dir:
    saved = []

    def pack_to_disk(tensor):
        name = os.path.join(tmp_dir, str(uuid.uuid4()))
        torch.save(tensor, name)
        saved.append(name)
        return name

    def unpack_from_disk(name):
        return torch.load(name, weights_only=True)

    net = make_model(1)
    with torch.autograd.graph.saved_tensors_hooks(pack_to_disk, unpack_from_disk):
        logits = net(X)  # (the model's activations: which tensors a fused loss keeps is PyTorch's own detail)
    loss = F.cross_entropy(logits, Y)
    loss.backward()
    disk_grads = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    F.cross_entropy(net(X), Y).backward()
    print("files written", len(saved), "all exist", all(os.path.exists(s) for s in saved),
          "grads identical", all(torch.equal(a, p.grad) for a, p in zip(disk_grads, net.parameters())))

    def pack_half(t):
        return t.to(torch.float16) if t.is_floating_point() else t

    def unpack_half(t):
        return t.to(torch.float32) if t.is_floating_point() else t

    net.zero_grad()
    with torch.autograd.graph.saved_tensors_hooks(pack_half, unpack_half):
        loss_half = F.cross_entropy(net(X), Y)
    loss_half.backward()
    half_grads = [p.grad.clone() for p in net.parameters()]
    print("half-saved grads close", all(torch.allclose(h, d, rtol=0, atol=1e-2) for h, d in zip(half_grads, disk_grads)),
          "different", any(not torch.equal(h, d) for h, d in zip(half_grads, disk_grads)))

    net.zero_grad()
    with torch.autograd.graph.save_on_cpu(pin_memory=False):
        F.cross_entropy(net(X), Y).backward()
    print("save_on_cpu grads identical", all(torch.equal(a, p.grad) for a, p in zip(disk_grads, net.parameters())))

# ------------------------------------------------------------------ optimizer hooks
events = []
net = make_model(2)
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)


def pre_hook(optimizer, args, kwargs):
    events.append(("pre", len(optimizer.state)))


def post_hook(optimizer, args, kwargs):
    events.append(("post", len(optimizer.state)))


def global_post(optimizer, args, kwargs):
    events.append(("global", type(optimizer).__name__))


h_pre = opt.register_step_pre_hook(pre_hook)
h_post = opt.register_step_post_hook(post_hook)
h_glob = register_optimizer_step_post_hook(global_post)
for i in range(2):
    opt.zero_grad()
    F.cross_entropy(net(X), Y).backward()
    opt.step()
h_glob.remove()
h_pre.remove()
opt.zero_grad()
F.cross_entropy(net(X), Y).backward()
opt.step()
print("optimizer events", events)


def sd_pre(optimizer):
    optimizer.param_groups[0].setdefault("note", "hooked")


def sd_post(optimizer, state_dict):
    state_dict["extra"] = {"steps_seen": len(events)}
    return state_dict


def load_pre(optimizer, state_dict):
    state_dict = dict(state_dict)
    extra = state_dict.pop("extra")
    events.append(("load extra", extra["steps_seen"]))
    return state_dict


def load_post(optimizer):
    events.append(("loaded", len(optimizer.state)))


opt.register_state_dict_pre_hook(sd_pre)
opt.register_state_dict_post_hook(sd_post)
sd = opt.state_dict()
print("state_dict keys", sorted(sd), "group note", sd["param_groups"][0].get("note"))
opt2 = torch.optim.SGD(make_model(3).parameters(), lr=0.5, momentum=0.0)
opt2.register_load_state_dict_pre_hook(load_pre)
opt2.register_load_state_dict_post_hook(load_post)
opt2.load_state_dict(sd)
print("loaded lr", opt2.param_groups[0]["lr"], "momentum", opt2.param_groups[0]["momentum"], "events", events[-2:])
print("momentum buffer norm", f"{opt2.state[opt2.param_groups[0]['params'][0]]['momentum_buffer'].norm().item():.6f}")

# ------------------------------------------------------------------ module state_dict hooks
class Legacy(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, 2)
        self.register_buffer("scale", torch.tensor(2.0))

    def forward(self, x):
        return self.proj(x) * self.scale


def rename_post(module, state_dict, prefix, local_metadata):
    for key in list(state_dict):
        if key.startswith(prefix + "proj."):
            state_dict[key.replace("proj.", "linear.", 1)] = state_dict.pop(key)


def load_pre_rename(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    for key in list(state_dict):
        if key.startswith(prefix + "linear."):
            state_dict[key.replace("linear.", "proj.", 1)] = state_dict.pop(key)


seen = []


def load_post_hook(module, incompatible_keys):
    seen.append((sorted(incompatible_keys.missing_keys), sorted(incompatible_keys.unexpected_keys)))
    incompatible_keys.unexpected_keys.clear()


torch.manual_seed(4)
src = Legacy()
src.register_state_dict_post_hook(rename_post)
sd = src.state_dict()
print("renamed keys", list(sd))
dst = Legacy()
dst.register_load_state_dict_pre_hook(load_pre_rename)
dst.register_load_state_dict_post_hook(load_post_hook)
res = dst.load_state_dict(sd)
print("load result", res, "equal", torch.equal(dst.proj.weight, src.proj.weight))
sd_extra = dict(sd)
sd_extra["junk"] = torch.zeros(1)
res = dst.load_state_dict(sd_extra, strict=True)
print("strict with junk cleared by hook", res, "seen", seen)

# ------------------------------------------------------------------ node hooks and multi-grad hooks
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = (x * w).exp()
log = []
y.grad_fn.register_prehook(lambda grad_outputs: log.append(("pre", [round(v, 4) for v in grad_outputs[0].tolist()])))
y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: log.append(("post", [round(v, 4) for v in grad_inputs[0].tolist()])))
torch.autograd.graph.register_multi_grad_hook((x, w), lambda grads: log.append(("multi", [g is not None for g in grads])))
print("next functions", [f.name() if f is not None else None for f, _ in y.grad_fn.next_functions])
(y.sum() * 0.1).backward()
for entry in log:
    print("node hook", entry)
print("x.grad", [round(v, 5) for v in x.grad.tolist()], "w.grad", [round(v, 5) for v in w.grad.tolist()])
