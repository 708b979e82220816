"""The "Model ensembling" tutorial as written (torch.func.stack_module_state,
a deep-copied base model (the tutorial moves it to the 'meta' device,
which minigrad does not have), vmap over
functional_call with different and with shared minibatches), then what
ensembling scripts add: training all members at once with vmap(grad(...))
and one Adam over the stacked leaves (checked against training each model
alone), the ensemble's mean prediction and disagreement, members with
BatchNorm buffers in eval mode, unstacking the trained state back into
ordinary modules with load_state_dict, and vmap's randomness='same' /
'different' with dropout (only invariants of the draws). Seeded: the
numbers agree to float32 rounding."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

torch.manual_seed(0)
torch.set_num_threads(1)


class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(36, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x


device = 'cpu'
num_models = 5

data = torch.randn(20, 16, 1, 6, 6, device=device)
targets = torch.randint(10, (320,), device=device)

models = [SimpleMLP().to(device) for _ in range(num_models)]

# Option 1: different minibatch for each model
minibatches = data[:num_models]
predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]

# Option 2: Same minibatch
minibatch = data[0]
predictions2 = [model(minibatch) for model in models]

params, buffers = stack_module_state(models)
print("stacked sizes", [p.size(0) for p in params.values()], "buffers", len(buffers))
print("stacked leaf", params["fc1.weight"].is_leaf, params["fc1.weight"].requires_grad)

# Construct a "stateless" version of one of the models: a copy whose own parameters
# functional_call replaces (the tutorial also moves it to the 'meta' device)
base_model = copy.deepcopy(models[0])
print("base on", base_model.fc1.weight.device, "is_meta", base_model.fc1.weight.is_meta)


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


print([p.size(0) for p in params.values()])  # show the leading 'num_models' dimension

assert minibatches.shape == (num_models, 16, 1, 6, 6)  # verify minibatch has leading dimension of size 'num_models'

predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)

# verify the ``vmap`` predictions match the
print("option 1 allclose", torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop),
                                          atol=1e-3, rtol=1e-5))

predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)

print("option 2 allclose", torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5))
print("predictions", tuple(predictions2_vmap.shape), f"{predictions2_vmap.abs().sum().item():.4f}")

# ensemble statistics: mean prediction, members' disagreement
probs = predictions2_vmap.softmax(-1)
mean_probs = probs.mean(0)
print("ensemble argmax", mean_probs.argmax(-1).tolist())
votes = probs.argmax(-1)
agree = (votes == votes.mode(0).values).float().mean().item()
print(f"vote agreement {agree:.4f} predictive entropy {-(mean_probs * mean_probs.log()).sum(-1).mean().item():.5f}")
print(f"mutual information {(-(mean_probs * mean_probs.log()).sum(-1) + (probs * probs.log()).sum(-1).mean(0)).mean().item():.6f}")


# train the whole ensemble at once: grads of every member by vmap, one optimizer over the stacked leaves
def compute_loss(params, buffers, x, y):
    return F.cross_entropy(functional_call(base_model, (params, buffers), (x,)), y)


ens_params = {k: v.detach().clone().requires_grad_() for k, v in params.items()}
opt = torch.optim.Adam(ens_params.values(), lr=1e-2)
loop_models = [copy.deepcopy(m) for m in models]
loop_opts = [torch.optim.Adam(m.parameters(), lr=1e-2) for m in loop_models]
train_x = data[5:10]
train_y = targets[:80].view(5, 16)
for step in range(6):
    grads, losses = vmap(grad_and_value(compute_loss))(ens_params, buffers, train_x, train_y)
    for k, p in ens_params.items():
        p.grad = grads[k]
    opt.step()
    opt.zero_grad(set_to_none=True)
    loop_losses = []
    for m, o, x, y in zip(loop_models, loop_opts, train_x, train_y):
        o.zero_grad()
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        o.step()
        loop_losses.append(loss.item())
    print(f"step {step} | losses {' '.join(f'{v:.5f}' for v in losses.tolist())} | loop same "
          f"{torch.allclose(losses, torch.tensor(loop_losses), atol=1e-5)}")

trained = vmap(fmodel)(ens_params, buffers, train_x)
loop_out = torch.stack([m(x) for m, x in zip(loop_models, train_x)])
print(f"trained max diff small {(trained - loop_out).abs().max().item() < 1e-4}")

# unstack back into ordinary modules
for i, m in enumerate(models):
    missing, unexpected = m.load_state_dict({k: v[i].detach() for k, v in ens_params.items()}, strict=False)
    print(f"member {i} missing {missing} unexpected {unexpected} out {m(minibatch).sum().item():.4f}")


# members with BatchNorm: buffers stacked too, evaluated in eval mode
class BNMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 12)
        self.bn = nn.BatchNorm1d(12)
        self.head = nn.Linear(12, 2)

    def forward(self, x):
        return self.head(F.gelu(self.bn(self.fc(x))))


bn_models = [BNMLP() for _ in range(3)]
xs = torch.randn(3, 10, 8)
for m, x in zip(bn_models, xs):
    m(x)  # one training step's statistics
    m.eval()
bn_params, bn_buffers = stack_module_state(bn_models)
print("bn buffers", sorted(bn_buffers), tuple(bn_buffers["bn.running_var"].shape),
      bn_buffers["bn.num_batches_tracked"].tolist())
bn_base = copy.deepcopy(bn_models[0])
xq = torch.randn(4, 8)
out = vmap(lambda p, b, x: functional_call(bn_base, (p, b), (x,)), in_dims=(0, 0, None))(bn_params, bn_buffers, xq)
ref = torch.stack([m(xq) for m in bn_models])
print(f"bn ensemble {tuple(out.shape)} {out.sum().item():.5f} same {torch.allclose(out, ref, atol=1e-6)}")


# randomness: 'same' gives every member the same dropout mask, 'different' its own
class DropNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(x)


drop_base = DropNet()
ones = torch.ones(4, 50)
same = vmap(lambda x: drop_base(x), randomness='same')(ones)
diff = vmap(lambda x: drop_base(x), randomness='different')(ones)
print("same masks identical", bool((same == same[0]).all()), "values", sorted(set(same.unique().tolist())))
print("different masks identical", bool((diff == diff[0]).all()), "values", sorted(set(diff.unique().tolist())))
try:
    vmap(lambda x: drop_base(x))(ones)
except RuntimeError as e:
    print("randomness='error' raises RuntimeError", "randomness" in str(e))
