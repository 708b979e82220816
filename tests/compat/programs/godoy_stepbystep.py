"""Daniel Voigt Godoy's "Deep Learning with PyTorch Step-by-Step" as its readers build it: the
higher-order make_train_step_fn / make_val_step_fn closures, mini_batch loops, the StepByStep class
(set_seed, to(device), train with seed, save/load_checkpoint through an in-memory buffer, predict
on numpy, count_parameters, correct() per-class counts, loader_apply, attach_hooks/remove_hooks
visualization capture, capture_gradients via register_hook, capture_parameters), BCEWithLogitsLoss
with pos_weight, the exponential lr range test with LambdaLR and a learning-rate scheduler set with
set_lr_scheduler (StepLR and ReduceLROnPlateau), and chapter 0's simple linear regression by hand."""

# ruff: noqa: NPY002 - the tutorial's legacy numpy random calls
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim.lr_scheduler import LambdaLR, ReduceLROnPlateau, StepLR
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_num_threads(1)

# chapter 0: simple linear regression with numpy, then with autograd
true_b, true_w = 1, 2
N = 100
np.random.seed(42)
x = np.random.rand(N, 1)
epsilon = 0.1 * np.random.randn(N, 1)
y = true_b + true_w * x + epsilon
idx = np.arange(N)
np.random.shuffle(idx)
train_idx, val_idx = idx[:int(N * 0.8)], idx[int(N * 0.8):]
x_train, y_train = x[train_idx], y[train_idx]
x_val, y_val = x[val_idx], y[val_idx]

np.random.seed(42)
b = np.random.randn(1)
w = np.random.randn(1)
lr = 0.1
for epoch in range(1000):
    yhat = b + w * x_train
    error = yhat - y_train
    loss = (error ** 2).mean()
    b_grad = 2 * error.mean()
    w_grad = 2 * (x_train * error).mean()
    b = b - lr * b_grad
    w = w - lr * w_grad
print("numpy b, w", np.round(b, 4), np.round(w, 4))

device = "cpu"
x_train_tensor = torch.as_tensor(x_train).float().to(device)
y_train_tensor = torch.as_tensor(y_train).float().to(device)
print(type(x_train), type(x_train_tensor), x_train_tensor.type())

torch.manual_seed(42)
b = torch.randn(1, requires_grad=True, dtype=torch.float, device=device)
w = torch.randn(1, requires_grad=True, dtype=torch.float, device=device)
print("initial", b, w)
optimizer = optim.SGD([b, w], lr=lr)
loss_fn = nn.MSELoss(reduction="mean")
for epoch in range(1000):
    yhat = b + w * x_train_tensor
    loss = loss_fn(yhat, y_train_tensor)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
print("autograd", b, w)
print("loss", loss, loss.detach().cpu().numpy(), loss.tolist())


# chapter 2: the higher-order functions
def make_train_step_fn(model, loss_fn, optimizer):
    def perform_train_step_fn(x, y):
        model.train()
        yhat = model(x)
        loss = loss_fn(yhat, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()
    return perform_train_step_fn


def make_val_step_fn(model, loss_fn):
    def perform_val_step_fn(x, y):
        model.eval()
        yhat = model(x)
        loss = loss_fn(yhat, y)
        return loss.item()
    return perform_val_step_fn


def mini_batch(device, data_loader, step_fn):
    mini_batch_losses = []
    for x_batch, y_batch in data_loader:
        x_batch = x_batch.to(device)
        y_batch = y_batch.to(device)
        mini_batch_loss = step_fn(x_batch, y_batch)
        mini_batch_losses.append(mini_batch_loss)
    return np.mean(mini_batch_losses)


torch.manual_seed(13)
x_tensor = torch.as_tensor(x).float()
y_tensor = torch.as_tensor(y).float()
dataset = TensorDataset(x_tensor, y_tensor)
train_data, val_data = random_split(dataset, [80, 20])
train_loader = DataLoader(dataset=train_data, batch_size=16, shuffle=True)
val_loader = DataLoader(dataset=val_data, batch_size=16)

torch.manual_seed(42)
model = nn.Sequential(nn.Linear(1, 1)).to(device)
optimizer = optim.SGD(model.parameters(), lr=lr)
train_step_fn = make_train_step_fn(model, loss_fn, optimizer)
val_step_fn = make_val_step_fn(model, loss_fn)
losses, val_losses = [], []
for epoch in range(200):
    losses.append(mini_batch(device, train_loader, train_step_fn))
    with torch.no_grad():
        val_losses.append(mini_batch(device, val_loader, val_step_fn))
print("chapter 2 state", model.state_dict())
print("losses", round(float(losses[-1]), 5), round(float(val_losses[-1]), 5))


class StepByStep:
    def __init__(self, model, loss_fn, optimizer):
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device)
        self.train_loader = None
        self.val_loader = None
        self.scheduler = None
        self.is_batch_lr_scheduler = False
        self.losses = []
        self.val_losses = []
        self.learning_rates = []
        self.total_epochs = 0
        self.visualization = {}
        self.handles = {}
        self._gradients = {}
        self._parameters = {}
        self.train_step_fn = self._make_train_step_fn()
        self.val_step_fn = self._make_val_step_fn()

    def to(self, device):
        try:
            self.device = device
            self.model.to(self.device)
        except RuntimeError:
            self.device = "cuda" if torch.cuda.is_available() else "cpu"
            print(f"Couldn't send it to {device}, sending it to {self.device} instead.")
            self.model.to(self.device)

    def set_loaders(self, train_loader, val_loader=None):
        self.train_loader = train_loader
        self.val_loader = val_loader

    def set_lr_scheduler(self, scheduler):
        if scheduler.optimizer == self.optimizer:
            self.scheduler = scheduler
            if isinstance(scheduler, optim.lr_scheduler.CyclicLR) or \
                    isinstance(scheduler, optim.lr_scheduler.OneCycleLR) or \
                    isinstance(scheduler, optim.lr_scheduler.CosineAnnealingWarmRestarts):
                self.is_batch_lr_scheduler = True
            else:
                self.is_batch_lr_scheduler = False

    def _make_train_step_fn(self):
        def perform_train_step_fn(x, y):
            self.model.train()
            yhat = self.model(x)
            loss = self.loss_fn(yhat, y)
            loss.backward()
            if self._gradients:
                for name, grads in self._gradients.items():
                    pass
            self.optimizer.step()
            self.optimizer.zero_grad()
            return loss.item()
        return perform_train_step_fn

    def _make_val_step_fn(self):
        def perform_val_step_fn(x, y):
            self.model.eval()
            yhat = self.model(x)
            loss = self.loss_fn(yhat, y)
            return loss.item()
        return perform_val_step_fn

    def _mini_batch(self, validation=False):
        if validation:
            data_loader = self.val_loader
            step_fn = self.val_step_fn
        else:
            data_loader = self.train_loader
            step_fn = self.train_step_fn
        if data_loader is None:
            return None
        mini_batch_losses = []
        for x_batch, y_batch in data_loader:
            x_batch = x_batch.to(self.device)
            y_batch = y_batch.to(self.device)
            mini_batch_losses.append(step_fn(x_batch, y_batch))
        return np.mean(mini_batch_losses)

    def set_seed(self, seed=42):
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.manual_seed(seed)
        np.random.seed(seed)
        random.seed(seed)
        try:
            self.train_loader.sampler.generator.manual_seed(seed)
        except AttributeError:
            pass

    def train(self, n_epochs, seed=42):
        self.set_seed(seed)
        for epoch in range(n_epochs):
            self.total_epochs += 1
            loss = self._mini_batch(validation=False)
            self.losses.append(loss)
            with torch.no_grad():
                val_loss = self._mini_batch(validation=True)
                self.val_losses.append(val_loss)
            self._epoch_schedulers(val_loss)

    def _epoch_schedulers(self, val_loss):
        if self.scheduler and not self.is_batch_lr_scheduler:
            if isinstance(self.scheduler, ReduceLROnPlateau):
                self.scheduler.step(val_loss)
            else:
                self.scheduler.step()
            current_lr = list(map(lambda d: d["lr"], self.scheduler.optimizer.state_dict()["param_groups"]))
            self.learning_rates.append(current_lr)

    def save_checkpoint(self, filename):
        checkpoint = {"epoch": self.total_epochs, "model_state_dict": self.model.state_dict(),
                      "optimizer_state_dict": self.optimizer.state_dict(), "loss": self.losses,
                      "val_loss": self.val_losses}
        torch.save(checkpoint, filename)

    def load_checkpoint(self, filename):
        checkpoint = torch.load(filename, weights_only=False)
        self.model.load_state_dict(checkpoint["model_state_dict"])
        self.optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        self.total_epochs = checkpoint["epoch"]
        self.losses = checkpoint["loss"]
        self.val_losses = checkpoint["val_loss"]
        self.model.train()

    def predict(self, x):
        self.model.eval()
        x_tensor = torch.as_tensor(x).float()
        y_hat_tensor = self.model(x_tensor.to(self.device))
        self.model.train()
        return y_hat_tensor.detach().cpu().numpy()

    def count_parameters(self):
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def correct(self, x, y, threshold=.5):
        self.model.eval()
        yhat = self.model(x.to(self.device))
        y = y.to(self.device)
        self.model.train()
        n_samples, n_dims = yhat.shape
        if n_dims > 1:
            _, predicted = torch.max(yhat, 1)
        else:
            n_dims += 1
            if isinstance(self.model, nn.Sequential) and isinstance(self.model[-1], nn.Sigmoid):
                predicted = (yhat > threshold).long()
            else:
                predicted = (torch.sigmoid(yhat) > threshold).long()
        result = []
        for c in range(n_dims):
            n_class = (y == c).sum().item()
            n_correct = (predicted[y == c] == c).sum().item()
            result.append((n_correct, n_class))
        return torch.tensor(result)

    @staticmethod
    def loader_apply(loader, func, reduce="sum"):
        results = [func(x, y) for i, (x, y) in enumerate(loader)]
        results = torch.stack(results, axis=0)
        if reduce == "sum":
            results = results.sum(axis=0)
        elif reduce == "mean":
            results = results.float().mean(axis=0)
        return results

    def attach_hooks(self, layers_to_hook, hook_fn=None):
        self.visualization = {}
        modules = list(self.model.named_modules())
        layer_names = {layer: name for name, layer in modules[1:]}
        if hook_fn is None:
            def hook_fn(layer, inputs, outputs):
                name = layer_names[layer]
                values = outputs.detach().cpu().numpy()
                if self.visualization[name] is None:
                    self.visualization[name] = values
                else:
                    self.visualization[name] = np.concatenate([self.visualization[name], values])
        for name, layer in modules:
            if name in layers_to_hook:
                self.visualization[name] = None
                self.handles[name] = layer.register_forward_hook(hook_fn)

    def remove_hooks(self):
        for handle in self.handles.values():
            handle.remove()
        self.handles = {}

    def capture_gradients(self, layers_to_hook):
        if not isinstance(layers_to_hook, list):
            layers_to_hook = [layers_to_hook]
        modules = list(self.model.named_modules())
        self._gradients = {}

        def make_log_fn(name, parm_id):
            def log_fn(grad):
                self._gradients[name][parm_id].append(grad.tolist())
                return None
            return log_fn

        for name, layer in modules:
            if name in layers_to_hook:
                self._gradients.update({name: {}})
                for parm_id, p in layer.named_parameters():
                    self._gradients[name].update({parm_id: []})
                    log_fn = make_log_fn(name, parm_id)
                    self.handles[f"{name}.{parm_id}.grad"] = p.register_hook(log_fn)

    def capture_parameters(self, layers_to_hook):
        if not isinstance(layers_to_hook, list):
            layers_to_hook = [layers_to_hook]
        modules = list(self.model.named_modules())
        layer_names = {layer: name for name, layer in modules}
        self._parameters = {}
        for name, layer in modules:
            if name in layers_to_hook:
                self._parameters.update({name: {}})
                for parm_id, p in layer.named_parameters():
                    self._parameters[name].update({parm_id: []})

        def fw_hook_fn(layer, inputs, outputs):
            name = layer_names[layer]
            for parm_id, parameter in layer.named_parameters():
                self._parameters[name][parm_id].append(parameter.tolist())

        self.attach_hooks(layers_to_hook, fw_hook_fn)

    def lr_range_test(self, data_loader, end_lr, num_iter=100, step_mode="exp", alpha=0.05):
        previous_states = {"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict()}
        import copy
        previous_states = copy.deepcopy(previous_states)
        start_lr = self.optimizer.state_dict()["param_groups"][0]["lr"]
        lr_fn = make_lr_fn(start_lr, end_lr, num_iter)
        scheduler = LambdaLR(self.optimizer, lr_lambda=lr_fn)
        tracking = {"loss": [], "lr": []}
        iteration = 0
        while iteration < num_iter:
            for x_batch, y_batch in data_loader:
                x_batch = x_batch.to(self.device)
                y_batch = y_batch.to(self.device)
                yhat = self.model(x_batch)
                loss = self.loss_fn(yhat, y_batch)
                loss.backward()
                tracking["lr"].append(scheduler.get_last_lr()[0])
                if iteration == 0:
                    tracking["loss"].append(loss.item())
                else:
                    prev_loss = tracking["loss"][-1]
                    smoothed_loss = alpha * loss.item() + (1 - alpha) * prev_loss
                    tracking["loss"].append(smoothed_loss)
                iteration += 1
                if iteration == num_iter:
                    break
                self.optimizer.step()
                scheduler.step()
                self.optimizer.zero_grad()
        self.optimizer.load_state_dict(previous_states["optimizer"])
        self.model.load_state_dict(previous_states["model"])
        return tracking


def make_lr_fn(start_lr, end_lr, num_iter, step_mode="exp"):
    if step_mode == "linear":
        factor = (end_lr / start_lr - 1) / num_iter

        def lr_fn(iteration):
            return 1 + iteration * factor
    else:
        factor = (np.log(end_lr) - np.log(start_lr)) / num_iter

        def lr_fn(iteration):
            return np.exp(factor) ** iteration
    return lr_fn


# chapter 2.1/3: the class on regression, then a binary classifier
torch.manual_seed(42)
model = nn.Sequential()
model.add_module("linear", nn.Linear(1, 1))
optimizer = optim.SGD(model.parameters(), lr=lr)
sbs = StepByStep(model, loss_fn, optimizer)
sbs.set_loaders(train_loader, val_loader)
sbs.train(n_epochs=50)
print(model.state_dict())
print("total_epochs", sbs.total_epochs, "params", sbs.count_parameters())
print("last losses", round(float(sbs.losses[-1]), 5), round(float(sbs.val_losses[-1]), 5))
buf = io.BytesIO()
sbs.save_checkpoint(buf)
new_model = nn.Sequential()
new_model.add_module("linear", nn.Linear(1, 1))
new_optimizer = optim.SGD(new_model.parameters(), lr=lr)
new_sbs = StepByStep(new_model, loss_fn, new_optimizer)
buf.seek(0)
new_sbs.load_checkpoint(buf)
print("reloaded", new_model.state_dict(), new_sbs.total_epochs, len(new_sbs.losses))
new_sbs.set_loaders(train_loader, val_loader)
new_sbs.train(n_epochs=50)
print("resumed", new_model.state_dict())
print("predict", new_sbs.predict(np.array([[.20], [.34], [.57]])).round(4))

# binary classification on two moons-like blobs, pos_weight and correct()
gen = torch.Generator().manual_seed(0)
n = 200
theta = torch.rand(n, generator=gen) * np.pi
label = (torch.rand(n, generator=gen) < 0.3).long()
X = torch.stack([torch.cos(theta) + label * 1.0, torch.sin(theta) - label * 0.5], 1)
X = X + 0.2 * torch.randn(n, 2, generator=gen)
yb = label.float().view(-1, 1)
n_neg = (yb == 0).sum()
n_pos = (yb == 1).sum()
pos_weight = (n_neg / n_pos).view(1,)
print("pos_weight", pos_weight)
mean, std = X[:160].mean(0), X[:160].std(0)
Xs = (X - mean) / std
train_loader2 = DataLoader(TensorDataset(Xs[:160], yb[:160]), batch_size=16, shuffle=True)
val_loader2 = DataLoader(TensorDataset(Xs[160:], yb[160:]), batch_size=16)

torch.manual_seed(42)
model = nn.Sequential()
model.add_module("hidden", nn.Linear(2, 10))
model.add_module("activation", nn.ReLU())
model.add_module("output", nn.Linear(10, 1))
optimizer = optim.SGD(model.parameters(), lr=0.1)
loss_fn_logits = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
sbs = StepByStep(model, loss_fn_logits, optimizer)
sbs.set_loaders(train_loader2, val_loader2)
sbs.set_lr_scheduler(StepLR(optimizer, step_size=10, gamma=0.5))
sbs.attach_hooks(["hidden", "output"])
sbs.train(n_epochs=30)
sbs.remove_hooks()
print("lrs", [lr[0] for lr in sbs.learning_rates[::5]])
print("hidden vis", sbs.visualization["hidden"].shape, round(float(sbs.visualization["hidden"].mean()), 5))
print("output vis", sbs.visualization["output"].shape, round(float(sbs.visualization["output"][-3:].sum()), 5))
print("correct", sbs.correct(Xs[160:], yb[160:]))
print("loader_apply", StepByStep.loader_apply(val_loader2, sbs.correct))
print("loader_apply mean", StepByStep.loader_apply(val_loader2, sbs.correct, reduce="mean"))

# capture_gradients and capture_parameters on one more epoch
sbs.capture_gradients("hidden")
sbs.capture_parameters("output")
sbs.train(n_epochs=1)
sbs.remove_hooks()
grads = sbs._gradients["hidden"]
print("grad captures", len(grads["weight"]), np.array(grads["bias"]).shape,
      round(float(np.abs(np.array(grads["weight"])).mean()), 6))
params = sbs._parameters["output"]
print("param captures", len(params["weight"]), np.round(np.array(params["bias"][-1]), 5))

# ReduceLROnPlateau through the class, then the lr range test
torch.manual_seed(42)
model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
optimizer = optim.Adam(model.parameters(), lr=0.01)
sbs = StepByStep(model, loss_fn_logits, optimizer)
sbs.set_loaders(train_loader2, val_loader2)
sbs.set_lr_scheduler(ReduceLROnPlateau(optimizer, mode="min", patience=2, factor=0.5, min_lr=1e-4))
sbs.train(n_epochs=25)
print("plateau lrs", sorted(set(lr[0] for lr in sbs.learning_rates)))
print("val losses", np.round(np.array(sbs.val_losses[-3:]), 5))

optimizer = optim.Adam(model.parameters(), lr=1e-3)
sbs = StepByStep(model, loss_fn_logits, optimizer)
tracking = sbs.lr_range_test(train_loader2, end_lr=1.0, num_iter=30)
print("range lrs", np.round(np.array(tracking["lr"][::6]), 6))
print("range losses", np.round(np.array(tracking["loss"][::6]), 5))
print("restored lr", optimizer.state_dict()["param_groups"][0]["lr"])
print("state after test", optimizer.state_dict()["state"], len(optimizer.state))
