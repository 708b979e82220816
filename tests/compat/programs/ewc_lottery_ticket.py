"""Continual learning and sparsity recipes on split digits: elastic weight consolidation (the
moskomule/ewc.pytorch pattern: deepcopy of {n: p for n, p in model.named_parameters() if p.requires_grad},
the diagonal Fisher from per-sample squared gradients with variable(p.data.zero_()) style buffers,
a penalty sum of fisher * (p - p_old) ** 2, importance 10), online-EWC averaging of Fishers,
torch.nn.utils.parameters_to_vector / vector_to_parameters for the drift; then the lottery ticket
recipe: torch.nn.utils.prune.global_unstructured with L1Unstructured over (module, 'weight') pairs,
the weight_orig/weight_mask names in named_parameters/named_buffers and the state_dict,
rewinding weight_orig to its initialization with copy_ under no_grad, prune.custom_from_mask on top of a
mask, prune.remove to make it permanent, and sparsity reports by (weight == 0).sum()."""

from copy import deepcopy

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
task_a, task_b = y < 5, y >= 5
Xa, ya, Xb, yb = X[task_a], y[task_a], X[task_b], y[task_b]
print("task sizes", len(Xa), len(Xb))


def make_model():
    return nn.Sequential(nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 10))


def accuracy(model, Xs, ys):
    with torch.no_grad():
        return (model(Xs).argmax(1) == ys).float().mean().item()


class EWC:
    def __init__(self, model, dataset):
        self.model = model
        self.dataset = dataset
        self.params = {n: p for n, p in self.model.named_parameters() if p.requires_grad}
        self._means = {}
        self._precision_matrices = self._diag_fisher()
        for n, p in deepcopy(self.params).items():
            self._means[n] = p.data

    def _diag_fisher(self):
        precision_matrices = {}
        for n, p in deepcopy(self.params).items():
            p.data.zero_()
            precision_matrices[n] = p.data
        self.model.eval()
        for x in self.dataset:
            self.model.zero_grad()
            output = self.model(x.view(1, -1)).view(1, -1)
            label = output.max(1)[1].view(-1)
            loss = F.nll_loss(F.log_softmax(output, dim=1), label)
            loss.backward()
            for n, p in self.model.named_parameters():
                precision_matrices[n].data += p.grad.data ** 2 / len(self.dataset)
        return {n: p for n, p in precision_matrices.items()}

    def penalty(self, model):
        loss = 0
        for n, p in model.named_parameters():
            _loss = self._precision_matrices[n] * (p - self._means[n]) ** 2
            loss += _loss.sum()
        return loss


def train(model, Xs, ys, epochs, ewc=None, importance=10.0, seed=1):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    g = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(Xs), generator=g)
        for i in range(0, len(Xs), 32):
            idx = order[i:i + 32]
            loss = F.cross_entropy(model(Xs[idx]), ys[idx])
            if ewc is not None:
                loss = loss + importance * ewc.penalty(model)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


torch.manual_seed(1)
base = make_model()
print(f"task A loss {train(base, Xa, ya, 5):.5f} acc A {accuracy(base, Xa, ya):.4f}")
after_a = deepcopy(base)
vec_a = parameters_to_vector(after_a.parameters())
print("parameter vector", tuple(vec_a.shape), f"norm {vec_a.norm().item():.5f}")

plain = deepcopy(after_a)
print(f"plain B loss {train(plain, Xb, yb, 5):.5f} acc A {accuracy(plain, Xa, ya):.4f} acc B {accuracy(plain, Xb, yb):.4f}")
ewc = EWC(after_a, Xa[:200])
fisher_sum = sum(f.sum().item() for f in ewc._precision_matrices.values())
print(f"fisher total {fisher_sum:.6f} top layer {ewc._precision_matrices['4.weight'].max().item():.6f}")
print("penalty at start", f"{ewc.penalty(after_a).item():.6f}")
ewc_model = deepcopy(after_a)
print(f"ewc B loss {train(ewc_model, Xb, yb, 5, ewc=ewc):.5f} acc A {accuracy(ewc_model, Xa, ya):.4f} "
      f"acc B {accuracy(ewc_model, Xb, yb):.4f}")
for name, m in [("plain", plain), ("ewc", ewc_model)]:
    drift = (parameters_to_vector(m.parameters()) - vec_a).norm().item()
    print(f"{name} drift {drift:.5f}")
restored = make_model()
vector_to_parameters(vec_a, restored.parameters())
print("vector_to_parameters restores:", accuracy(restored, Xa, ya) == accuracy(after_a, Xa, ya),
      "shares storage:", restored[0].weight.data_ptr() == vec_a.data_ptr())
online = {n: 0.5 * f + 0.5 * EWC(ewc_model, Xb[:100])._precision_matrices[n]
          for n, f in ewc._precision_matrices.items()}
print(f"online fisher mean {torch.cat([f.flatten() for f in online.values()]).mean().item():.8f}")

# lottery ticket: train, prune 50% globally, rewind, retrain
print("lottery ticket")
torch.manual_seed(2)
net = make_model()
init_state = deepcopy(net.state_dict())
train(net, X[:1200], y[:1200], 4, seed=3)
print(f"dense acc {accuracy(net, X[1200:], y[1200:]):.4f}")
params_to_prune = [(net[0], "weight"), (net[2], "weight"), (net[4], "weight")]
for round_ in range(2):
    prune.global_unstructured(params_to_prune, pruning_method=prune.L1Unstructured, amount=0.4)
    with torch.no_grad():
        for i in (0, 2, 4):
            net[i].weight_orig.copy_(init_state[f"{i}.weight"])
            net[i].bias.copy_(init_state[f"{i}.bias"])
    train(net, X[:1200], y[:1200], 4, seed=3)
    zeros = sum(int((m.weight == 0).sum()) for m, _ in params_to_prune)
    total = sum(m.weight.nelement() for m, _ in params_to_prune)
    per_layer = [round(100.0 * float((m.weight == 0).sum()) / m.weight.nelement(), 2) for m, _ in params_to_prune]
    print(f"round {round_} sparsity {100.0 * zeros / total:.2f}% per layer {per_layer} "
          f"acc {accuracy(net, X[1200:], y[1200:]):.4f}")
print("names", [n for n, _ in net[0].named_parameters()], [n for n, _ in net[0].named_buffers()])
print("state_dict keys", list(net.state_dict())[:4])
print("forward_pre_hooks", len(net[0]._forward_pre_hooks), type(list(net[0]._forward_pre_hooks.values())[0]).__name__)
hook = list(net[0]._forward_pre_hooks.values())[0]
print("pruning container history", len(hook), [type(h).__name__ for h in hook])
mask = (torch.arange(net[2].bias.numel()) % 2 == 0).float()
prune.custom_from_mask(net[2], name="bias", mask=mask)
print("bias zeros", int((net[2].bias == 0).sum()), "buffers", sorted(n for n, _ in net[2].named_buffers()))
for i in (0, 2, 4):
    prune.remove(net[i], "weight")
prune.remove(net[2], "bias")
print("after remove", [n for n, _ in net.named_parameters()][:4], "is_pruned", prune.is_pruned(net))
print(f"final acc {accuracy(net, X[1200:], y[1200:]):.4f} weight zeros {int((net[0].weight == 0).sum())}")
