"""A tabular model the way Kaggle notebooks write it: nn.ModuleDict of embeddings keyed by categorical
column name (sizes by the fastai rule), nn.ParameterDict of per-column scales, register_buffer with
persistent=False for normalization stats, BatchNorm1d on continuous features, device boilerplate,
state_dict keys/buffers listing, and training with a dict-of-tensors batch."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device", device, torch.device(device), torch.cuda.device_count())

N = 256
cats = {"city": 7, "weekday": 7, "plan": 3}
data = {k: torch.randint(0, n, (N,)) for k, n in cats.items()}
cont = torch.randn(N, 4) * torch.tensor([1.0, 5.0, 0.1, 2.0]) + torch.tensor([0.0, 10.0, 1.0, -3.0])
logit = (data["city"].float() - 3) * 0.5 + (data["plan"] == 2).float() * 1.5 + cont[:, 0] - 0.2 * (cont[:, 1] - 10)
target = (logit + 0.3 * torch.randn(N) > 0).long()
print("positives", target.sum().item(), "of", N)


def emb_sz(n):
    return min(600, round(1.6 * n ** 0.56))


class TabNet(nn.Module):
    def __init__(self, cats, n_cont):
        super().__init__()
        self.embeds = nn.ModuleDict({k: nn.Embedding(n, emb_sz(n)) for k, n in cats.items()})
        self.scales = nn.ParameterDict({k: nn.Parameter(torch.ones(1)) for k in cats})
        self.register_buffer("cont_mean", cont.mean(0), persistent=False)
        self.register_buffer("cont_std", cont.std(0), persistent=False)
        self.register_buffer("seen", torch.zeros((), dtype=torch.long))
        self.bn = nn.BatchNorm1d(n_cont)
        d = sum(emb_sz(n) for n in cats.values()) + n_cont
        self.mlp = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.BatchNorm1d(32), nn.Dropout(0.0), nn.Linear(32, 2))

    def forward(self, batch, x_cont):
        if self.training:
            self.seen += x_cont.shape[0]
        embs = [self.embeds[k](batch[k]) * self.scales[k] for k in self.embeds]
        x_cont = self.bn((x_cont - self.cont_mean) / self.cont_std)
        return self.mlp(torch.cat(embs + [x_cont], dim=1))


model = TabNet(cats, 4).to(device)
print(model)
print("state keys", list(model.state_dict().keys()))
print("buffers", [n for n, _ in model.named_buffers()])
print("params", [(n, tuple(p.shape)) for n, p in model.named_parameters()][:6])
print("keys", list(model.embeds.keys()), list(model.scales.keys()), "city" in model.embeds, len(model.scales))
for k, p in model.scales.items():
    print("scale", k, p.requires_grad, tuple(p.shape))

opt = torch.optim.AdamW(model.parameters(), lr=3e-2, weight_decay=1e-2, eps=1e-6)
g = torch.Generator().manual_seed(1)
for epoch in range(5):
    model.train()
    perm = torch.randperm(N, generator=g)
    total = 0.0
    for i in range(0, N, 64):
        idx = perm[i:i + 64]
        batch = {k: v[idx].to(device) for k, v in data.items()}
        out = model(batch, cont[idx].to(device))
        loss = F.cross_entropy(out, target[idx].to(device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        acc = (model(data, cont).argmax(1) == target).float().mean().item()
    print(f"epoch {epoch} loss {total / 4:.4f} acc {acc:.4f} seen {model.seen.item()}")

print("bn running", [round(v, 4) for v in model.bn.running_mean.tolist()], model.bn.num_batches_tracked.item())
print("scales", {k: round(p.item(), 4) for k, p in model.scales.items()})
sd = model.state_dict()
fresh = TabNet(cats, 4)
print(fresh.load_state_dict(sd))
fresh.eval()
with torch.no_grad():
    print("reloaded equal", torch.allclose(fresh(data, cont), model(data, cont)))
model.embeds["extra"] = nn.Embedding(2, 2)
model.scales.update({"extra": nn.Parameter(torch.zeros(2))})
print(len(model.embeds), len(model.scales), sorted(model.scales.keys()))
del model.embeds["extra"]
print(list(model.embeds), model.scales.pop("extra").shape)
