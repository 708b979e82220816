"""A Keras-style Trainer class as people write one around PyTorch: compile()
with an optimizer factory, fit() with validation_split / validation_data,
a history dict, and callbacks (EarlyStopping with min_delta, patience and
restore_best_weights by copy.deepcopy(state_dict), ModelCheckpoint saving
the best epoch with torch.save to an io.BytesIO and torch.load'ing it back,
ReduceLROnPlateau, a CSV-logger-like list); evaluate() and predict() in
batches under torch.no_grad; an LR range test (the fastai/lr-finder
recipe: exponentially increasing LR per batch by LambdaLR, smoothed loss,
stop on divergence, the steepest-gradient suggestion) that restores the
model and optimizer state afterwards. Seeded: every number agrees."""

import copy
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
torch.set_num_threads(1)

X = torch.randn(400, 10)
w_true = torch.randn(10, 3)
y = (X @ w_true + 0.5 * torch.randn(400, 3)).argmax(1)
full = TensorDataset(X, y)
X_test = torch.randn(100, 10)
test_ds = TensorDataset(X_test, (X_test @ w_true + 0.5 * torch.randn(100, 3)).argmax(1))


class Callback:
    def on_train_begin(self, trainer): pass
    def on_epoch_end(self, trainer, epoch, logs): pass
    def on_train_end(self, trainer): pass


class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", min_delta=0.0, patience=3, restore_best_weights=True):
        self.monitor, self.min_delta, self.patience = monitor, min_delta, patience
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, trainer):
        self.wait, self.best, self.best_weights, self.stopped_epoch = 0, math.inf, None, None

    def on_epoch_end(self, trainer, epoch, logs):
        current = logs[self.monitor]
        if current < self.best - self.min_delta:
            self.best, self.wait, self.best_epoch = current, 0, epoch
            self.best_weights = copy.deepcopy(trainer.model.state_dict())
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                trainer.stop_training = True

    def on_train_end(self, trainer):
        if self.stopped_epoch is not None:
            print("Epoch %d: early stopping (best epoch %d, %s %.5f)" % (self.stopped_epoch + 1, self.best_epoch + 1,
                                                                       self.monitor, self.best))
        if self.restore_best_weights and self.best_weights is not None:
            trainer.model.load_state_dict(self.best_weights)


class ModelCheckpoint(Callback):
    def __init__(self, monitor="val_loss"):
        self.monitor, self.best, self.buffer = monitor, math.inf, None

    def on_epoch_end(self, trainer, epoch, logs):
        if logs[self.monitor] < self.best:
            self.best = logs[self.monitor]
            self.buffer = io.BytesIO()
            torch.save({"epoch": epoch, "model": trainer.model.state_dict(),
                        "optimizer": trainer.optimizer.state_dict()}, self.buffer)

    def load_best(self):
        self.buffer.seek(0)
        return torch.load(self.buffer, weights_only=True)


class Trainer:
    def __init__(self, model):
        self.model = model

    def compile(self, optimizer="adam", lr=1e-2, loss=F.cross_entropy, metrics=("accuracy",)):
        self.optimizer = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[optimizer](self.model.parameters(), lr=lr)
        self.loss_fn, self.metrics = loss, metrics
        self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(self.optimizer, factor=0.5, patience=1)

    def _run(self, loader, train):
        self.model.train(train)
        total, correct, n = 0.0, 0, 0
        with torch.set_grad_enabled(train):
            for xb, yb in loader:
                out = self.model(xb)
                loss = self.loss_fn(out, yb)
                if train:
                    self.optimizer.zero_grad()
                    loss.backward()
                    self.optimizer.step()
                total += loss.item() * len(yb)
                correct += (out.argmax(1) == yb).sum().item()
                n += len(yb)
        return total / n, correct / n

    def fit(self, dataset, epochs=10, batch_size=32, validation_split=0.2, callbacks=(), verbose=1):
        n_val = int(len(dataset) * validation_split)
        train_ds, val_ds = random_split(dataset, [len(dataset) - n_val, n_val], generator=torch.Generator().manual_seed(42))
        train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True)
        val_loader = DataLoader(val_ds, batch_size=batch_size)
        history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": [], "lr": []}
        self.stop_training = False
        for cb in callbacks:
            cb.on_train_begin(self)
        for epoch in range(epochs):
            loss, acc = self._run(train_loader, True)
            val_loss, val_acc = self._run(val_loader, False)
            self.scheduler.step(val_loss)
            logs = {"loss": loss, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc,
                    "lr": self.optimizer.param_groups[0]["lr"]}
            for k, v in logs.items():
                history[k].append(v)
            if verbose:
                print("Epoch %d/%d - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f - lr: %.5f"
                      % (epoch + 1, epochs, loss, acc, val_loss, val_acc, logs["lr"]))
            for cb in callbacks:
                cb.on_epoch_end(self, epoch, logs)
            if self.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end(self)
        return history

    def evaluate(self, dataset, batch_size=64):
        return self._run(DataLoader(dataset, batch_size=batch_size), False)

    def predict(self, x, batch_size=64):
        self.model.eval()
        with torch.no_grad():
            return torch.cat([F.softmax(self.model(x[i:i + batch_size]), 1) for i in range(0, len(x), batch_size)])

    def lr_find(self, dataset, start_lr=1e-5, end_lr=10.0, num_iter=40, smooth=0.05, diverge=5.0):
        model_state = copy.deepcopy(self.model.state_dict())
        opt_state = copy.deepcopy(self.optimizer.state_dict())
        for g in self.optimizer.param_groups:
            g["lr"] = start_lr
        gamma = (end_lr / start_lr) ** (1 / num_iter)
        sched = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda it: gamma ** it)
        loader = DataLoader(dataset, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(1))
        lrs, losses, best, avg = [], [], math.inf, None
        it = iter(loader)
        self.model.train()
        for i in range(num_iter):
            try:
                xb, yb = next(it)
            except StopIteration:
                it = iter(loader)
                xb, yb = next(it)
            loss = self.loss_fn(self.model(xb), yb)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            lrs.append(sched.get_last_lr()[0])
            sched.step()
            avg = loss.item() if avg is None else smooth * loss.item() + (1 - smooth) * avg
            losses.append(avg)
            best = min(best, avg)
            if avg > diverge * best:
                break
        self.model.load_state_dict(model_state)
        self.optimizer.load_state_dict(opt_state)
        grads = torch.tensor(losses[1:]) - torch.tensor(losses[:-1])
        log_lrs = torch.log10(torch.tensor(lrs))
        steepest = ((grads / (log_lrs[1:] - log_lrs[:-1])).argmin() + 1).item()
        return lrs, losses, lrs[steepest]


model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3))
trainer = Trainer(model)
trainer.compile(optimizer="adam", lr=1e-2)
before = copy.deepcopy(model.state_dict())
lrs, losses, suggestion = trainer.lr_find(full)
print("lr finder: %d steps, lr %.2e..%.2e, suggestion %.3e" % (len(lrs), lrs[0], lrs[-1], suggestion))
print("smoothed losses " + " ".join("%.4f" % l for l in losses[::8]))
print("weights restored", all(torch.equal(before[k], v) for k, v in model.state_dict().items()),
      "optimizer lr", trainer.optimizer.param_groups[0]["lr"], "state empty", len(trainer.optimizer.state) == 0)

early = EarlyStopping(patience=3, min_delta=1e-3)
ckpt = ModelCheckpoint()
history = trainer.fit(full, epochs=25, batch_size=32, callbacks=[early, ckpt])
print("epochs run", len(history["loss"]), "best val_loss %.5f" % min(history["val_loss"]))
restored = trainer.evaluate(full)
print("after restore_best_weights: loss %.5f acc %.4f" % restored)
state = ckpt.load_best()
print("checkpoint epoch", state["epoch"] + 1, "same as early stopping best", state["epoch"] == early.best_epoch,
      "optimizer steps", int(state["optimizer"]["state"][0]["step"]))
fresh = copy.deepcopy(model)
fresh.load_state_dict(state["model"])
print("checkpoint equals restored", all(torch.equal(a, b) for a, b in zip(fresh.parameters(), model.parameters())))
test_loss, test_acc = trainer.evaluate(test_ds)
print("test loss %.5f acc %.4f" % (test_loss, test_acc))
probs = trainer.predict(X[:5])
print("predict rows sum %.6f" % probs.sum(1).mean().item(), "classes", probs.argmax(1).tolist())
print("probs[0] " + " ".join("%.5f" % p for p in probs[0].tolist()))
print("lr history " + " ".join("%.5f" % v for v in history["lr"]))
