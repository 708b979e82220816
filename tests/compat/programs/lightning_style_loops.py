"""The loops a Lightning user writes when porting to plain PyTorch (and what Lightning does inside):
a LightningModule-like class with training_step/validation_step/configure_optimizers returning a dict
with a per-step scheduler, a tiny Trainer with gradient accumulation, clip_grad_norm_ and
clip_grad_value_, callbacks (EarlyStopping on a monitored metric with min_delta and patience,
ModelCheckpoint keeping the top-k state dicts in BytesIO, LearningRateMonitor), manual optimization of a
toy GAN with two optimizers and toggle_optimizer-style requires_grad switching, and restoring the best
checkpoint. Seeded: every printed number agrees."""

import copy
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_num_threads(1)
torch.manual_seed(7)


class LitClassifier(nn.Module):
    def __init__(self, lr=3e-3, hidden=24):
        super().__init__()
        self.hparams = {"lr": lr, "hidden": hidden}
        self.net = nn.Sequential(nn.Linear(10, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(hidden, 3))
        self.logged = {}

    def log(self, name, value):
        self.logged.setdefault(name, []).append(value.detach() if torch.is_tensor(value) else value)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y, label_smoothing=0.05)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(-1) == y).float().mean())

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams["lr"], weight_decay=0.01)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.hparams["lr"], total_steps=60,
                                                    pct_start=0.25)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


class EarlyStopping:
    def __init__(self, monitor, min_delta=0.0, patience=3, mode="min"):
        self.monitor, self.min_delta, self.patience, self.mode = monitor, min_delta, patience, mode
        self.wait = 0
        self.best = torch.tensor(math.inf if mode == "min" else -math.inf)
        self.should_stop = False

    def on_validation_end(self, metrics):
        current = metrics[self.monitor]
        better = torch.lt(current, self.best - self.min_delta) if self.mode == "min" else \
            torch.gt(current, self.best + self.min_delta)
        if better:
            self.best = current
            self.wait = 0
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.should_stop = True


class ModelCheckpoint:
    def __init__(self, monitor, save_top_k=2):
        self.monitor, self.save_top_k = monitor, save_top_k
        self.best_k = {}

    def on_validation_end(self, epoch, model, metrics):
        score = float(metrics[self.monitor])
        buf = io.BytesIO()
        torch.save({"epoch": epoch, "state_dict": model.state_dict(), self.monitor: metrics[self.monitor]}, buf)
        self.best_k[f"epoch={epoch}"] = (score, buf.getvalue())
        if len(self.best_k) > self.save_top_k:
            worst = max(self.best_k, key=lambda k: self.best_k[k][0])
            del self.best_k[worst]

    @property
    def best_model_path(self):
        return min(self.best_k, key=lambda k: self.best_k[k][0])


class Trainer:
    def __init__(self, max_epochs, accumulate_grad_batches=1, gradient_clip_val=None,
                 gradient_clip_algorithm="norm", callbacks=()):
        self.max_epochs, self.accumulate = max_epochs, accumulate_grad_batches
        self.clip_val, self.clip_algo, self.callbacks = gradient_clip_val, gradient_clip_algorithm, callbacks
        self.lrs = []

    def fit(self, model, train_loader, val_loader):
        config = model.configure_optimizers()
        opt, sched = config["optimizer"], config["lr_scheduler"]["scheduler"]
        for epoch in range(self.max_epochs):
            model.train()
            model.logged = {}
            for batch_idx, batch in enumerate(train_loader):
                loss = model.training_step(batch, batch_idx) / self.accumulate
                loss.backward()
                if (batch_idx + 1) % self.accumulate == 0:
                    if self.clip_val is not None:
                        if self.clip_algo == "norm":
                            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), self.clip_val)
                            model.log("grad_norm", norm)
                        else:
                            torch.nn.utils.clip_grad_value_(model.parameters(), self.clip_val)
                    opt.step()
                    opt.zero_grad(set_to_none=True)
                    self.lrs.append(sched.get_last_lr()[0])
                    sched.step()
            model.eval()
            with torch.no_grad():
                for batch_idx, batch in enumerate(val_loader):
                    model.validation_step(batch, batch_idx)
            metrics = {k: torch.stack([torch.as_tensor(v) for v in vs]).mean() for k, vs in model.logged.items()}
            print(f"epoch {epoch} " + " ".join(f"{k}={v.item():.5f}" for k, v in sorted(metrics.items())))
            stop = False
            for cb in self.callbacks:
                if isinstance(cb, ModelCheckpoint):
                    cb.on_validation_end(epoch, model, metrics)
                elif isinstance(cb, EarlyStopping):
                    cb.on_validation_end(metrics)
                    stop = stop or cb.should_stop
            if stop:
                print(f"early stop at epoch {epoch}")
                break


centers = torch.randn(3, 10) * 1.5
labels = torch.randint(0, 3, (300,))
data = centers[labels] + torch.randn(300, 10)
train_set, val_set = random_split(TensorDataset(data, labels), [240, 60], generator=torch.Generator().manual_seed(0))
print("split", len(train_set), len(val_set), train_set.indices[:5])
train_loader = DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True,
                          generator=torch.Generator().manual_seed(1))
val_loader = DataLoader(val_set, batch_size=32)

model = LitClassifier()
early = EarlyStopping("val_loss", min_delta=1e-3, patience=2)
ckpt = ModelCheckpoint("val_loss", save_top_k=2)
trainer = Trainer(max_epochs=8, accumulate_grad_batches=2, gradient_clip_val=1.0, callbacks=[ckpt, early])
trainer.fit(model, train_loader, val_loader)
print("lrs", [f"{v:.6f}" for v in trainer.lrs[:4]], f"{max(trainer.lrs):.6f}", len(trainer.lrs))
print("top-k", sorted(ckpt.best_k), "best", ckpt.best_model_path)
state = torch.load(io.BytesIO(ckpt.best_k[ckpt.best_model_path][1]), weights_only=True)
print("best epoch", state["epoch"], f"{state['val_loss'].item():.5f}", list(state["state_dict"])[:3])
restored = LitClassifier()
print(restored.load_state_dict(state["state_dict"]))
restored.eval()
with torch.no_grad():
    acc = (restored(data).argmax(-1) == labels).float().mean()
print(f"restored acc {acc.item():.4f}", "bn tracked", restored.net[1].num_batches_tracked.item())

# gradient_clip_algorithm="value"
torch.manual_seed(3)
model = LitClassifier(lr=1e-2)
trainer = Trainer(max_epochs=2, gradient_clip_val=0.05, gradient_clip_algorithm="value")
trainer.fit(model, train_loader, val_loader)


# manual optimization: a toy GAN
class LitGAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.automatic_optimization = False
        self.generator = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 2))
        self.discriminator = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))

    def configure_optimizers(self):
        g = torch.optim.Adam(self.generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
        d = torch.optim.Adam(self.discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
        return g, d

    def toggle_optimizer(self, optimizer, all_params):
        self._saved = {p: p.requires_grad for p in all_params}
        mine = {p for group in optimizer.param_groups for p in group["params"]}
        for p in all_params:
            p.requires_grad = p in mine

    def untoggle_optimizer(self):
        for p, flag in self._saved.items():
            p.requires_grad = flag

    def training_step(self, real, opt_g, opt_d):
        params = list(self.parameters())
        z = torch.randn(real.shape[0], 4)
        self.toggle_optimizer(opt_g, params)
        fake = self.generator(z)
        g_loss = F.binary_cross_entropy_with_logits(self.discriminator(fake), torch.ones(real.shape[0], 1))
        opt_g.zero_grad()
        g_loss.backward()
        d_has_grad = any(p.grad is not None for p in self.discriminator.parameters())
        opt_g.step()
        self.untoggle_optimizer()
        self.toggle_optimizer(opt_d, params)
        real_loss = F.binary_cross_entropy_with_logits(self.discriminator(real), torch.ones(real.shape[0], 1))
        fake_loss = F.binary_cross_entropy_with_logits(self.discriminator(fake.detach()),
                                                       torch.zeros(real.shape[0], 1))
        d_loss = (real_loss + fake_loss) / 2
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        self.untoggle_optimizer()
        return g_loss.item(), d_loss.item(), d_has_grad


torch.manual_seed(11)
gan = LitGAN()
opt_g, opt_d = gan.configure_optimizers()
angles = torch.rand(256) * 2 * math.pi
ring = torch.stack([angles.cos(), angles.sin()], 1) * 2
for step in range(40):
    batch = ring[(step * 32) % 256:(step * 32) % 256 + 32]
    g_loss, d_loss, d_has_grad = gan.training_step(batch, opt_g, opt_d)
    if step % 10 == 9:
        print(f"gan step {step} g_loss {g_loss:.5f} d_loss {d_loss:.5f} d grads during g step {d_has_grad}")
with torch.no_grad():
    samples = gan.generator(torch.randn(512, 4))
print(f"sample radius mean {samples.norm(dim=1).mean().item():.5f}",
      "requires_grad restored", all(p.requires_grad for p in gan.parameters()))
snapshot = copy.deepcopy(gan.state_dict())
print("snapshot keys", len(snapshot), next(iter(snapshot)))
