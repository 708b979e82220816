"""The helpers every training repository copies around, written as they are
found in the wild: seed_everything (random/numpy/torch/cuda, cudnn flags,
PYTHONHASHSEED), count_parameters, a Keras-like summary() from forward hooks
registered on every leaf module (output shapes, parameter counts, removed
afterwards), AverageMeter, an EarlyStopping class that checkpoints the best
model to a temporary directory, weight init by looping over modules() with
isinstance, no-weight-decay parameter groups for norms and biases, linear
warmup + cosine decay through LambdaLR, gradient clipping variants
(clip_grad_norm_ with norm_type 2/1/inf and its returned norm, clip_grad_value_,
a hand-written per-parameter clip, foreach=False), and a full checkpoint
(model, optimizer, scheduler, epoch, RNG state) saved with torch.save and
resumed into a fresh model: the resumed run equals the uninterrupted one."""

import math
import os
import random
import tempfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split


def seed_everything(seed: int = 42):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    np.random.seed(seed)  # noqa: NPY002 - what seed_everything helpers call
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def summary(model, input_size, batch_size=-1):
    result = OrderedDict()
    hooks = []

    def register_hook(module):
        def hook(module, input, output):
            class_name = str(module.__class__).split(".")[-1].split("'")[0]
            module_idx = len(result)
            m_key = "%s-%i" % (class_name, module_idx + 1)
            result[m_key] = OrderedDict()
            result[m_key]["input_shape"] = list(input[0].size())
            result[m_key]["input_shape"][0] = batch_size
            if isinstance(output, (list, tuple)):
                result[m_key]["output_shape"] = [[-1] + list(o.size())[1:] for o in output]
            else:
                result[m_key]["output_shape"] = list(output.size())
                result[m_key]["output_shape"][0] = batch_size
            params = 0
            if hasattr(module, "weight") and hasattr(module.weight, "size"):
                params += torch.prod(torch.LongTensor(list(module.weight.size())))
                result[m_key]["trainable"] = module.weight.requires_grad
            if hasattr(module, "bias") and hasattr(module.bias, "size"):
                params += torch.prod(torch.LongTensor(list(module.bias.size())))
            result[m_key]["nb_params"] = params

        if not isinstance(module, nn.Sequential) and not isinstance(module, nn.ModuleList) and not (module == model):
            hooks.append(module.register_forward_hook(hook))

    model.apply(register_hook)
    x = torch.rand(2, *input_size).type(torch.FloatTensor)
    model(x)
    for h in hooks:
        h.remove()
    print("----------------------------------------------------------------")
    print("{:>20}  {:>25} {:>15}".format("Layer (type)", "Output Shape", "Param #"))
    print("================================================================")
    total_params = 0
    trainable_params = 0
    total_output = 0
    for layer in result:
        line_new = "{:>20}  {:>25} {:>15}".format(
            layer, str(result[layer]["output_shape"]), "{0:,}".format(int(result[layer]["nb_params"])))
        total_params += result[layer]["nb_params"]
        total_output += np.prod(result[layer]["output_shape"])
        if "trainable" in result[layer] and result[layer]["trainable"]:
            trainable_params += result[layer]["nb_params"]
        print(line_new)
    print("================================================================")
    print("Total params: {0:,}".format(int(total_params)))
    print("Trainable params: {0:,}".format(int(trainable_params)))
    print("Non-trainable params: {0:,}".format(int(total_params - trainable_params)))
    print("hooks left:", len(model.fc1._forward_hooks))
    return total_params, trainable_params


class AverageMeter(object):
    """Computes and stores the average and current value"""

    def __init__(self, name, fmt=":f"):
        self.name = name
        self.fmt = fmt
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count

    def __str__(self):
        fmtstr = "{name} {val" + self.fmt + "} ({avg" + self.fmt + "})"
        return fmtstr.format(**self.__dict__)


class EarlyStopping:
    """Early stops the training if validation loss doesn't improve after a given patience."""

    def __init__(self, patience=7, verbose=False, delta=0, path="checkpoint.pt", trace_func=print):
        self.patience = patience
        self.verbose = verbose
        self.counter = 0
        self.best_score = None
        self.early_stop = False
        self.val_loss_min = np.inf
        self.delta = delta
        self.path = path
        self.trace_func = trace_func

    def __call__(self, val_loss, model):
        score = -val_loss
        if self.best_score is None:
            self.best_score = score
            self.save_checkpoint(val_loss, model)
        elif score < self.best_score + self.delta:
            self.counter += 1
            self.trace_func(f"EarlyStopping counter: {self.counter} out of {self.patience}")
            if self.counter >= self.patience:
                self.early_stop = True
        else:
            self.best_score = score
            self.save_checkpoint(val_loss, model)
            self.counter = 0

    def save_checkpoint(self, val_loss, model):
        if self.verbose:
            self.trace_func(f"Validation loss decreased ({self.val_loss_min:.6f} --> {val_loss:.6f}).  Saving model ...")
        torch.save(model.state_dict(), self.path)
        self.val_loss_min = val_loss


class Net(nn.Module):
    def __init__(self, n_in=10, hidden=32, n_out=3):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden, bias=False)  # BatchNorm follows: a bias would only get rounding noise
        self.bn1 = nn.BatchNorm1d(hidden)
        self.act = nn.GELU()
        self.drop = nn.Dropout(0.1)
        self.block = nn.Sequential(nn.Linear(hidden, hidden), nn.LayerNorm(hidden), nn.SiLU())
        self.fc2 = nn.Linear(hidden, n_out)

    def forward(self, x):
        x = self.drop(self.act(self.bn1(self.fc1(x))))
        x = x + self.block(x)
        return self.fc2(x)


def init_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, (nn.BatchNorm1d, nn.LayerNorm, nn.GroupNorm)):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


def param_groups_weight_decay(model, weight_decay=1e-5, no_weight_decay_list=()):
    no_weight_decay_list = set(no_weight_decay_list)
    decay = []
    no_decay = []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        if param.ndim <= 1 or name.endswith(".bias") or name in no_weight_decay_list:
            no_decay.append(param)
        else:
            decay.append(param)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def get_cosine_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, num_cycles=0.5,
                                    last_epoch=-1):
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch)


# ------------------------------------------------------------------ data
seed_everything(42)
print("cudnn deterministic", torch.backends.cudnn.deterministic, "benchmark", torch.backends.cudnn.benchmark)
print("python", random.random(), "numpy", np.random.rand(), "torch", torch.rand(1).item())  # noqa: NPY002
X = torch.randn(240, 10)
w_true = torch.randn(10, 3)
y = (X @ w_true + 0.5 * torch.randn(240, 3)).argmax(dim=1)
print("class counts", torch.bincount(y).tolist())
dataset = TensorDataset(X, y)
train_set, val_set = random_split(dataset, [0.75, 0.25], generator=torch.Generator().manual_seed(42))
print("split", len(train_set), len(val_set), "first val idx", val_set.indices[:5])

model = Net()
init_weights(model)
total, trainable = summary(model, (10,))
print("count_parameters", count_parameters(model), count_parameters(model, trainable_only=False))
print("fc2 weight std", f"{model.fc2.weight.std().item():.6f}", "ln bias", model.block[1].bias.abs().sum().item())

groups = param_groups_weight_decay(model, weight_decay=0.05)
print("no_decay", len(groups[0]["params"]), "decay", len(groups[1]["params"]))
EPOCHS, BATCH = 6, 30
steps_per_epoch = math.ceil(len(train_set) / BATCH)


def make_everything(seed):
    torch.manual_seed(seed)
    model = Net()
    init_weights(model)
    optimizer = torch.optim.AdamW(param_groups_weight_decay(model, 0.05), lr=3e-3, betas=(0.9, 0.98))
    scheduler = get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=steps_per_epoch,
                                                num_training_steps=EPOCHS * steps_per_epoch)
    return model, optimizer, scheduler


def clip_variant(model, step):
    kind = step % 4
    if kind == 0:
        return torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    if kind == 1:
        return torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0, norm_type=1.0, foreach=False)
    if kind == 2:
        return torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=float("inf"))
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
    for p in model.parameters():  # per-parameter norm clip, as some RL code does
        g_norm = p.grad.norm()
        if g_norm > 0.3:
            p.grad.mul_(0.3 / (g_norm + 1e-6))
    return torch.stack([p.grad.norm() for p in model.parameters()]).norm()


def train_one_epoch(model, optimizer, scheduler, loader, epoch, step0):
    model.train()
    losses = AverageMeter("Loss", ":.4e")
    top1 = AverageMeter("Acc@1", ":6.2f")
    step = step0
    for xb, yb in loader:
        out = model(xb)
        loss = F.cross_entropy(out, yb, label_smoothing=0.05)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = clip_variant(model, step)
        optimizer.step()
        scheduler.step()
        acc = (out.argmax(1) == yb).float().mean().item() * 100
        losses.update(loss.item(), xb.size(0))
        top1.update(acc, xb.size(0))
        step += 1
    print(f"epoch {epoch} | {losses} | {top1} | norm {float(norm):.5f} | lr {scheduler.get_last_lr()[0]:.6e}")
    return step


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    total_loss, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        out = model(xb)
        total_loss += F.cross_entropy(out, yb, reduction="sum").item()
        correct += (out.argmax(dim=1) == yb).sum().item()
        n += yb.numel()
    return total_loss / n, correct / n


def loaders(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return (DataLoader(train_set, batch_size=BATCH, shuffle=True, generator=g),
            DataLoader(val_set, batch_size=64))


with tempfile.TemporaryDirectory() as tmp:
    # the uninterrupted run, with early stopping watching the validation loss
    model, optimizer, scheduler = make_everything(0)
    train_loader, val_loader = loaders(1)
    stopper = EarlyStopping(patience=2, verbose=True, delta=1e-3, path=os.path.join(tmp, "best.pt"))
    step = 0
    history = []
    for epoch in range(EPOCHS):
        step = train_one_epoch(model, optimizer, scheduler, train_loader, epoch, step)
        val_loss, val_acc = evaluate(model, val_loader)
        history.append(val_loss)
        print(f"val loss {val_loss:.6f} acc {val_acc:.4f}")
        if epoch == 2:
            ckpt_path = os.path.join(tmp, "ckpt_epoch2.pth")
            torch.save({"epoch": epoch, "step": step, "model_state_dict": model.state_dict(),
                        "optimizer_state_dict": optimizer.state_dict(),
                        "scheduler_state_dict": scheduler.state_dict(),
                        "rng_state": torch.get_rng_state(), "val_loss": val_loss}, ckpt_path)
        stopper(val_loss, model)
        if stopper.early_stop:
            print("Early stopping")
            break
    final_state = {k: v.clone() for k, v in model.state_dict().items()}

    best = Net()
    best.load_state_dict(torch.load(os.path.join(tmp, "best.pt"), weights_only=True))
    print(f"best checkpoint val loss {evaluate(best, val_loader)[0]:.6f} (min {stopper.val_loss_min:.6f})")

    # resume from epoch 2 into fresh objects; the loader's generator is advanced as the first run's was
    model2, optimizer2, scheduler2 = make_everything(123)
    checkpoint = torch.load(ckpt_path, weights_only=False)
    model2.load_state_dict(checkpoint["model_state_dict"])
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler2.load_state_dict(checkpoint["scheduler_state_dict"])
    torch.set_rng_state(checkpoint["rng_state"])
    print("resumed at epoch", checkpoint["epoch"], "step", checkpoint["step"], "lr", scheduler2.get_last_lr(),
          "sched last_epoch", scheduler2.last_epoch)
    print("optimizer groups", [(len(g["params"]), g["weight_decay"], round(g["lr"], 8))
                               for g in optimizer2.param_groups])
    print("state step", float(optimizer2.state_dict()["state"][0]["step"]))
    train_loader2, _ = loaders(1)
    for _ in range(checkpoint["epoch"] + 1):
        for _ in train_loader2:
            pass
    step = checkpoint["step"]
    for epoch in range(checkpoint["epoch"] + 1, len(history)):
        step = train_one_epoch(model2, optimizer2, scheduler2, train_loader2, epoch, step)
        # evaluating matters: each DataLoader iterator draws its base seed from the global generator
        evaluate(model2, val_loader)
    same = all(torch.equal(final_state[k], v) for k, v in model2.state_dict().items())
    print("resumed run identical:", same)
    print("files", sorted(os.listdir(tmp)))
