"""Model surgery as fine-tuning scripts and the "Extension points in nn.Module"
and meta-device recipes write it: build a model without initializing it (skip_init)
and load a checkpoint with load_state_dict(assign=True), nn.utils.skip_init,
`with torch.device('cpu')` and torch.set_default_dtype, to_empty + reset,
swapping a submodule by name (get_submodule / setattr), freezing a backbone,
weight tying in a tiny language model (tied parameters counted once), optimizer
parameter groups with their own learning rates, and clip_grad_value_ /
clip_grad_norm_ in a short training run. Weights are fixed: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed_(module, phase):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_(0.3 * torch.sin(torch.arange(n, dtype=p.dtype) * phase + i).reshape(p.shape))


class Net(nn.Module):
    def __init__(self, device=None):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 12, device=device), nn.ReLU(),
                                      nn.Linear(12, 12, device=device), nn.ReLU())
        self.head = nn.Linear(12, 3, device=device)

    def forward(self, x):
        return self.head(self.backbone(x))


src = Net()
fixed_(src, 0.37)
state = src.state_dict()

meta_model = nn.utils.skip_init(Net)
print("skipped init", type(meta_model.head.weight).__name__, meta_model.head.weight.requires_grad)
meta_model.load_state_dict(state, assign=True)
print("assigned", meta_model.head.weight.device.type, meta_model.head.weight.shape)
x = torch.cos(torch.arange(24, dtype=torch.float32) * 0.3).reshape(4, 6)
print("same output", torch.equal(meta_model(x), src(x)), round(src(x).sum().item(), 6))
print("assigned is Parameter", isinstance(meta_model.head.weight, nn.Parameter), meta_model.head.weight.requires_grad)

lazy = nn.utils.skip_init(nn.Linear, 6, 3, bias=False)
print("skip_init", tuple(lazy.weight.shape), type(lazy.weight).__name__, lazy.bias)
try:
    nn.utils.skip_init(nn.ReLU)
except RuntimeError as e:
    print("skip_init refused:", e)
m2 = Net()
m2.to_empty(device="cpu")
print("to_empty", m2.head.weight.device.type)
torch.manual_seed(0)
for m in m2.modules():
    if isinstance(m, nn.Linear):
        m.reset_parameters()
print("reset after to_empty", round(m2.head.bias.abs().sum().item(), 6))

torch.set_default_dtype(torch.float64)
with torch.device("cpu"):
    d = nn.Linear(2, 2)
    t = torch.ones(3)
print("default dtype float64", d.weight.dtype == torch.float64, t.dtype == torch.float64,
      torch.get_default_dtype() == torch.float64)
torch.set_default_dtype(torch.float32)
print("restored", torch.tensor([1.0]).dtype == torch.float32)

# swap the head for a new task, freeze the backbone
model = Net()
fixed_(model, 0.37)
old = model.get_submodule("backbone.2")
print("got", old)
setattr(model.backbone, "2", nn.Linear(12, 12, bias=False))
fixed_(model.backbone[2], 0.11)
model.head = nn.Linear(12, 5)
fixed_(model.head, 0.23)
for p in model.backbone.parameters():
    p.requires_grad_(False)
model.backbone[2].weight.requires_grad_(True)
print("trainable", [n for n, p in model.named_parameters() if p.requires_grad])


class TiedLM(nn.Module):
    def __init__(self, vocab=11, dim=8):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.mix = nn.Linear(dim, dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying

    def forward(self, idx):
        return self.lm_head(torch.tanh(self.mix(self.wte(idx))))


lm = TiedLM()
fixed_(lm, 0.53)
print("tied", lm.lm_head.weight is lm.wte.weight, "params", sum(p.numel() for p in lm.parameters()),
      "with duplicates", len(list(lm.named_parameters(remove_duplicate=False))), len(list(lm.parameters())))
print("state keys", list(lm.state_dict().keys()))

opt = torch.optim.SGD([
    {"params": lm.wte.parameters(), "lr": 0.5},
    {"params": lm.mix.parameters()},
], lr=0.1, momentum=0.9)
idx = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
for step in range(6):
    logits = lm(idx[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), idx[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    if step % 2 == 0:
        nn.utils.clip_grad_value_(lm.parameters(), clip_value=0.05)
        total = torch.tensor(0.0)
    else:
        total = nn.utils.clip_grad_norm_(lm.parameters(), max_norm=0.5, norm_type=2.0)
    opt.step()
    print(f"step {step} | loss {loss.item():.6f} | norm {total.item():.6f} | grad max {lm.wte.weight.grad.abs().max().item():.6f}")
print("still tied", lm.lm_head.weight is lm.wte.weight, round(lm.lm_head.weight.sum().item(), 6))
print("groups lr", [g["lr"] for g in opt.param_groups], [len(g["params"]) for g in opt.param_groups])

ft_opt = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2)
y = torch.tensor([0, 1, 2, 4])
for step in range(4):
    loss = F.cross_entropy(model(x), y)
    ft_opt.zero_grad()
    loss.backward()
    ft_opt.step()
    print(f"finetune {step} | loss {loss.item():.6f}")
print("frozen untouched", torch.equal(model.backbone[0].weight, src.backbone[0].weight),
      model.backbone[0].weight.grad is None)
