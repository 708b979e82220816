"""Model-compression and construction utilities: torch.nn.utils.prune (l1/random unstructured, ln structured,
global, custom masks, identity, remove, and its amount errors) with the parameter/buffer/hook bookkeeping
it leaves, lazy modules materialized by a first call, Embedding/EmbeddingBag.from_pretrained options,
Unflatten/Flatten/Identity reprs, reset_parameters, register_module, and train()'s argument check."""

import torch
import torch.nn as nn
import torch.nn.utils.prune as prune
from _show import show


torch.manual_seed(0)
show("train bad", lambda: nn.Linear(1, 1).train("x"))
show("eval returns", lambda: type(nn.Linear(1, 1).eval()).__name__)
show("identity args", lambda: nn.Identity(54, unused="x"))
show("unflatten", lambda: (nn.Unflatten(1, (2, 3)), nn.Unflatten(1, (2, 3))(torch.ones(4, 6)).shape))
show("flatten repr", lambda: nn.Flatten(0, 2))
show(
    "emb pretrained",
    lambda: (lambda e: (e, e.weight.requires_grad, e(torch.tensor([1]))))(
        nn.Embedding.from_pretrained(torch.arange(6.0).view(3, 2), freeze=False, padding_idx=0, max_norm=2.0)
    ),
)
show(
    "embbag pretrained",
    lambda: nn.EmbeddingBag.from_pretrained(torch.arange(6.0).view(3, 2), mode="max")(torch.tensor([[0, 2]])),
)
show("lazy", lambda: (lambda l: (l, l(torch.ones(2, 5)).shape, l))(nn.LazyLinear(3)))
show(
    "lazy conv",
    lambda: (lambda l: (l(torch.ones(1, 2, 5, 5)).shape, l.weight.shape, type(l).__name__))(
        nn.LazyConv2d(4, 3)
    ),
)
show("lazy bn", lambda: (lambda l: (l(torch.ones(3, 4)).shape, l))(nn.LazyBatchNorm1d()))
show("reset", lambda: (lambda l: (torch.manual_seed(3), l.reset_parameters(), l.bias))(nn.Linear(2, 2))[2])
show("register_module", lambda: (lambda m: (m.register_module("child", nn.ReLU()), m))(nn.Module())[1])
m = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
prune.l1_unstructured(m[0], "weight", amount=0.5)
show("pruned params", lambda: [n for n, _ in m.named_parameters()])
show("pruned buffers", lambda: [n for n, _ in m.named_buffers()])
show("mask sum", lambda: m[0].weight_mask.sum())
show("is_pruned", lambda: prune.is_pruned(m))
prune.random_unstructured(m[1], "bias", amount=1)
prune.ln_structured(m[1], "weight", amount=0.5, n=2, dim=0)
show("ln mask", lambda: m[1].weight_mask)
show("hooks", lambda: [type(h).__name__ for h in m[1]._forward_pre_hooks.values()])
prune.global_unstructured([(m[0], "bias"), (m[1], "weight")], pruning_method=prune.L1Unstructured, amount=2)
show("global", lambda: (m[0].bias_mask, m[1].weight_mask))
prune.remove(m[0], "weight")
show("removed", lambda: ([n for n, _ in m[0].named_parameters()], (m[0].weight == 0).sum()))
show("remove twice", lambda: prune.remove(m[0], "weight"))
show("prune bad amount", lambda: prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=1.5))
show("prune too many", lambda: prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=10))
show(
    "custom from mask",
    lambda: (lambda l: (prune.custom_from_mask(l, "bias", torch.tensor([1.0, 0.0])), l.bias))(
        nn.Linear(2, 2)
    )[1],
)
show(
    "identity prune",
    lambda: (lambda l: (prune.identity(l, "weight"), l.weight_mask.sum()))(nn.Linear(2, 2))[1],
)
show("sd keys pruned", lambda: list(m.state_dict().keys()))
