"""Memory- and parameter-saving tricks from 2024-2026 LLM tutorials: an embedding tied to the LM head
(parameters() deduplicated, named_parameters(remove_duplicate=False), both keys in state_dict sharing
memory, the tie surviving load_state_dict, one AdamW state), activation checkpointing of blocks with
torch.utils.checkpoint (use_reentrant False and True, extra non-tensor arguments, dropout replayed with
the same RNG so gradients equal the plain run) and checkpoint_sequential, then nn.utils helpers:
parameters_to_vector / vector_to_parameters, clip_grad_norm_ (foreach), clip_grad_value_,
get_total_norm + clip_grads_with_norm_, get_submodule / get_parameter / set_submodule, ParameterList,
ParameterDict and ModuleDict reprs, non-persistent buffers, extra_repr, and dtype casts of modules.
Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.set_num_threads(1)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.fc = nn.Linear(d, d)
        self.drop = nn.Dropout(0.25)

    def forward(self, x, scale=1.0):
        return x + self.drop(F.gelu(self.fc(self.ln(x)))) * scale


class TinyLM(nn.Module):
    def __init__(self, vocab=12, d=8, n_layers=3, use_checkpoint=False):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList([Block(d) for _ in range(n_layers)])
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.emb.weight
        self.use_checkpoint = use_checkpoint

    def forward(self, idx):
        x = self.emb(idx)
        for blk in self.blocks:
            x = checkpoint(blk, x, 0.5, use_reentrant=False) if self.use_checkpoint else blk(x, 0.5)
        return self.head(x)


model = TinyLM()
print(model.head.weight is model.emb.weight, len(list(model.parameters())))
print([n for n, _ in model.named_parameters()][:3], len(list(model.named_parameters(remove_duplicate=False))))
sd = model.state_dict()
print(list(sd.keys())[:2], list(sd.keys())[-1], sd["head.weight"].data_ptr() == sd["emb.weight"].data_ptr())
print(sum(p.numel() for p in model.parameters()))

idx = torch.randint(0, 12, (2, 6))
targets = torch.randint(0, 12, (2, 6))
torch.manual_seed(5)
loss = F.cross_entropy(model(idx).flatten(0, 1), targets.flatten())
loss.backward()
plain = {n: p.grad.clone() for n, p in model.named_parameters()}
print(f"plain loss {loss.item():.6f}")
model.zero_grad()
model.use_checkpoint = True
torch.manual_seed(5)
out = model(idx)
print(out.grad_fn.name())
loss_ckpt = F.cross_entropy(out.flatten(0, 1), targets.flatten())
loss_ckpt.backward()
print(f"checkpointed loss {loss_ckpt.item():.6f}",
      all(torch.allclose(plain[n], p.grad, atol=1e-6) for n, p in model.named_parameters()))
print(model.emb.weight.grad.abs().sum().item() > 0, model.blocks[0].fc.weight.grad[0, :3])

x = torch.randn(3, 8, requires_grad=True)
y = checkpoint(model.blocks[1], x, use_reentrant=True, preserve_rng_state=True)
y.sum().backward()
print(y.grad_fn.name(), x.grad[0, :3])
seq = nn.Sequential(*[nn.Linear(8, 8) for _ in range(4)])
out = checkpoint_sequential(seq, 2, x.detach().requires_grad_(), use_reentrant=False)
out.sum().backward()
print(out.grad_fn.name(), seq[0].weight.grad[0, :3])

model2 = TinyLM()
print(model2.load_state_dict(model.state_dict()))
print(model2.head.weight is model2.emb.weight, torch.equal(model2.head.weight, model.emb.weight))
opt = torch.optim.AdamW(model.parameters(), lr=0.01)
opt.step()
print(len(opt.state), len(opt.state_dict()["param_groups"][0]["params"]))

mlp = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
mlp(torch.randn(5, 3)).sum().backward()
v = nn.utils.parameters_to_vector(mlp.parameters())
print(v.shape, v[:3])
print(nn.utils.clip_grad_norm_(mlp.parameters(), 0.5, foreach=True))
print(nn.utils.clip_grad_value_(mlp.parameters(), 0.1))
grads = [p.grad for p in mlp.parameters()]
total = nn.utils.get_total_norm(grads, norm_type=2.0)
print(total)
nn.utils.clip_grads_with_norm_(mlp.parameters(), 0.2, total)
print(mlp[0].weight.grad[0])
nn.utils.vector_to_parameters(v * 0 + 1, mlp.parameters())
print(mlp[0].weight[0], mlp[3].bias)
print(mlp.get_submodule("1"), mlp.get_parameter("0.bias"))
mlp.set_submodule("2", nn.GELU())
print(mlp)
print(nn.ParameterList([nn.Parameter(torch.ones(3)), nn.Parameter(torch.zeros(2, 2))]))
print(nn.ParameterDict({"a": nn.Parameter(torch.ones(1))}))
print(nn.ModuleDict({"x": nn.Linear(1, 1), "y": nn.Identity()}))


class Scaler(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("mask", torch.ones(n), persistent=False)
        self.register_buffer("count", torch.tensor(0))
        self.scale = nn.Parameter(torch.ones(n))

    def extra_repr(self):
        return f"n={self.scale.numel()}"

    def forward(self, x):
        self.count += 1
        return x * self.scale * self.mask


sc = Scaler(2)
sc(torch.ones(2))
print(sc, sc.state_dict(), [b.dtype for b in sc.buffers()])
print(sc.double().scale.dtype, sc.count.dtype, sc.half().mask.dtype, sc.float().scale.dtype)
print(sc.requires_grad_(False).scale.requires_grad)
