"""Fine-tuning recipes from BERT-style training scripts on a small pre-trained encoder: layer-wise
learning-rate decay (one param group per depth, embeddings lowest), no weight decay for biases and
LayerNorm weights, linear warmup then linear decay through LambdaLR, gradient accumulation with the
loss divided by the accumulation steps, gradual unfreezing (the embeddings join later through
optimizer.add_param_group, and the scheduler built before that), per-group lr/grad-norm logging,
a "pre-training" phase whose state_dict is partially reloaded, and early stopping on accuracy."""

import copy
import io

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(5)
torch.set_num_threads(1)

V, D, T = 20, 32, 12


class Encoder(nn.Module):
    def __init__(self, n_layers=3):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.pos = nn.Parameter(torch.randn(1, T, D) * 0.02)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(D, 4, 64, dropout=0.0, batch_first=True, norm_first=True)
            for _ in range(n_layers))
        self.norm = nn.LayerNorm(D)

    def forward(self, ids):
        h = self.tok(ids) + self.pos[:, : ids.shape[1]]
        for layer in self.layers:
            h = layer(h)
        return self.norm(h)


class Classifier(nn.Module):
    def __init__(self, encoder, n_classes=3):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Sequential(nn.Dropout(0.0), nn.Linear(D, n_classes))

    def forward(self, ids):
        return self.head(self.encoder(ids).mean(1))


# "pre-training": masked-token prediction on random sequences with structure
def make_seqs(n, g):
    base = torch.randint(1, V, (n, 1), generator=g)
    step = torch.randint(1, 3, (n, 1), generator=g)
    return (base + step * torch.arange(T)) % V


g = torch.Generator().manual_seed(0)
enc = Encoder()
mlm_head = nn.Linear(D, V)
opt = torch.optim.AdamW(list(enc.parameters()) + list(mlm_head.parameters()), lr=3e-3)
for step in range(40):
    seqs = make_seqs(32, g)
    mask = torch.rand(seqs.shape, generator=g) < 0.15
    inp = seqs.masked_fill(mask, 0)
    logits = mlm_head(enc(inp))
    loss = F.cross_entropy(logits[mask], seqs[mask])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"mlm step {step} loss {loss.item():.4f} masked {int(mask.sum())}")
buf = io.BytesIO()
torch.save({"encoder": enc.state_dict(), "mlm_head": mlm_head.state_dict(), "step": 40}, buf)

# fine-tuning task: the class is the step size (1 or 2) or "reversed"
buf.seek(0)
ckpt = torch.load(buf)
model = Classifier(Encoder())
missing, unexpected = model.load_state_dict({"encoder." + k: v for k, v in ckpt["encoder"].items()}, strict=False)
print("missing", missing, "unexpected", unexpected)


def make_task(n, g):
    seqs = make_seqs(n, g)
    step = (seqs[:, 1] - seqs[:, 0]) % V
    rev = torch.rand(n, generator=g) < 0.33
    seqs = torch.where(rev[:, None], seqs.flip(1), seqs)
    y = torch.where(rev, 2, step - 1)
    return seqs, y


Xtr, ytr = make_task(192, g)
Xva, yva = make_task(96, g)
print("label counts", torch.bincount(ytr).tolist(), torch.bincount(yva).tolist())

base_lr, decay, wd = 2e-3, 0.7, 0.01
no_decay = ("bias", "norm", "pos")


def groups_for(module, lr, tag):
    decay_p = [p for n, p in module.named_parameters() if not any(k in n for k in no_decay)]
    plain_p = [p for n, p in module.named_parameters() if any(k in n for k in no_decay)]
    return [{"params": decay_p, "lr": lr, "weight_decay": wd, "name": tag + ".decay"},
            {"params": plain_p, "lr": lr, "weight_decay": 0.0, "name": tag + ".no_decay"}]


n_layers = len(model.encoder.layers)
groups = groups_for(model.head, base_lr, "head") + groups_for(model.encoder.norm, base_lr, "norm")
for i, layer in enumerate(reversed(model.encoder.layers)):
    groups += groups_for(layer, base_lr * decay ** (i + 1), f"layer{n_layers - 1 - i}")
groups = [grp for grp in groups if grp["params"]]
for p in list(model.encoder.tok.parameters()) + [model.encoder.pos]:
    p.requires_grad_(False)
opt = torch.optim.AdamW(groups, lr=base_lr, betas=(0.9, 0.98), eps=1e-6)
print("groups", [(grp["name"], len(grp["params"]), round(grp["lr"], 6), grp["weight_decay"]) for grp in opt.param_groups])

accum, epochs, bs = 2, 6, 16
steps_per_epoch = len(Xtr) // (bs * accum)
total_steps, warmup = steps_per_epoch * epochs, steps_per_epoch


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total_steps - step) / (total_steps - warmup))


sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
print("initial lrs", [f"{lr:.6f}" for lr in sched.get_last_lr()])
best, best_state, patience = -1.0, None, 0
for epoch in range(epochs):
    if epoch == 2:  # unfreeze the embeddings with the lowest learning rate
        for p in list(model.encoder.tok.parameters()) + [model.encoder.pos]:
            p.requires_grad_(True)
        emb_lr = base_lr * decay ** (n_layers + 1)
        opt.add_param_group({"params": [model.encoder.tok.weight, model.encoder.pos], "lr": emb_lr,
                             "weight_decay": 0.0, "name": "embeddings"})
        print("added group", opt.param_groups[-1]["name"], sorted(k for k in opt.param_groups[-1] if k != "params"))
        print("scheduler base_lrs", len(sched.base_lrs), "groups", len(opt.param_groups))
        # the old scheduler knows 10 groups; rebuild it at the current step (which needs initial_lr)
        done = sched.last_epoch
        try:
            torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda, last_epoch=done - 1)
        except KeyError as e:
            print("KeyError:", e)
        opt.param_groups[-1]["initial_lr"] = emb_lr
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda, last_epoch=done - 1)
        print("rebuilt at", sched.last_epoch, [f"{lr:.6f}" for lr in sched.get_last_lr()][-3:])
    model.train()
    perm = torch.randperm(len(Xtr), generator=g)
    running = 0.0
    for i in range(steps_per_epoch * accum):
        idx = perm[i * bs:(i + 1) * bs]
        loss = F.cross_entropy(model(Xtr[idx]), ytr[idx]) / accum
        loss.backward()
        running += loss.item()
        if (i + 1) % accum == 0:
            norms = [torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in grp["params"] if p.grad is not None]))
                     for grp in opt.param_groups[:3]]
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
    model.eval()
    with torch.no_grad():
        acc = (model(Xva).argmax(1) == yva).float().mean().item()
    lrs = [f"{grp['lr']:.6f}" for grp in opt.param_groups]
    print(f"epoch {epoch} loss {running / steps_per_epoch:.4f} val acc {acc:.4f} lrs {lrs[0]} {lrs[-1]} "
          f"norms {[round(n.item(), 4) for n in norms]}")
    if acc > best:
        best, best_state, patience = acc, copy.deepcopy(model.state_dict()), 0
    else:
        patience += 1
        if patience >= 3:
            print("early stop at epoch", epoch)
            break

print("scheduler state", {k: v for k, v in sched.state_dict().items() if k != "lr_lambdas"})
print("opt state keys", len(opt.state_dict()["state"]), [len(grp["params"]) for grp in opt.state_dict()["param_groups"]])
model.load_state_dict(best_state)
with torch.no_grad():
    print(f"best val acc {best:.4f} reloaded {(model(Xva).argmax(1) == yva).float().mean().item():.4f}")
