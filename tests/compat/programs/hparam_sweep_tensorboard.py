"""A grid search logged the way the torch.utils.tensorboard docs and the "HParams in PyTorch" blog posts
show it: itertools.product over learning rates, batch sizes and optimizers, one SummaryWriter per run
with a comment naming the run, add_scalar of train loss and validation accuracy, add_pr_curve of one
class against the rest on the validation set (softmax probabilities), and add_hparams with the final
metrics and discrete domains; then the event files read back with TensorBoard's loader: the run
directories, each run's scalar tags and steps, the PR-curve tensor shape with its precision at the
middle threshold, and the hparams session values. On the bundled digits. Seeded: every printed number
agrees."""

import glob
import itertools
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.tensorboard import SummaryWriter

from _data import digits

torch.set_num_threads(1)
pixels, labels = digits()
X = torch.tensor(pixels[:600] / 16.0, dtype=torch.float32)
y = torch.tensor(labels[:600])
train_ds = TensorDataset(X[:480], y[:480])
val_x, val_y = X[480:], y[480:]
root = tempfile.mkdtemp()

parameters = dict(lr=[0.01, 0.1], batch_size=[32, 64], optimizer=["sgd", "adam"])
param_values = [v for v in parameters.values()]
print(param_values)
results = {}
for run_id, (lr, batch_size, opt_name) in enumerate(itertools.product(*param_values)):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    if opt_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr / 10)
    loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True)
    comment = f" batch_size={batch_size} lr={lr} optimizer={opt_name}"
    writer = SummaryWriter(os.path.join(root, f"run{run_id}"), comment=comment)
    step = 0
    for epoch in range(3):
        model.train()
        total_loss = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * xb.shape[0]
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(val_x)
            val_acc = (logits.argmax(1) == val_y).float().mean().item()
        writer.add_scalar("Loss/train", total_loss / len(train_ds), epoch)
        writer.add_scalar("Accuracy/val", val_acc, epoch)
    probs = F.softmax(logits, dim=1)
    writer.add_pr_curve("pr/class3", (val_y == 3).int(), probs[:, 3], global_step=2)
    writer.add_hparams({"lr": lr, "bsize": batch_size, "optimizer": opt_name},
                       {"hparam/accuracy": val_acc, "hparam/loss": total_loss / len(train_ds)},
                       hparam_domain_discrete={"optimizer": ["sgd", "adam"]}, run_name="hparams")
    writer.close()
    results[(lr, batch_size, opt_name)] = val_acc
    print(f"run {run_id}: lr={lr} batch_size={batch_size} optimizer={opt_name} "
          f"loss={total_loss / len(train_ds):.4f} val_acc={val_acc:.4f} steps={step}")
best = max(results, key=results.get)
print("best", best, round(results[best], 4))

from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader  # noqa: E402
from tensorboard.compat.proto import event_pb2  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402


def events(path):
    for record in RawEventFileLoader(path).Load():
        yield event_pb2.Event.FromString(record)


print(sorted(os.listdir(root)))
for run in sorted(os.listdir(root))[:2]:
    main = glob.glob(os.path.join(root, run, "*tfevents*"))
    scalars = {}
    for event in events(main[0]):
        for value in event.summary.value:
            if value.metadata.plugin_data.plugin_name == "pr_curves":
                data = torch.tensor(value.tensor.float_val).reshape(
                    [d.size for d in value.tensor.tensor_shape.dim])
                print(run, "pr curve", tuple(data.shape), "precision@mid", round(data[4, 63].item(), 4),
                      "tp", data[0, 0].item())
            else:
                scalars.setdefault(value.tag, []).append((event.step, round(value.simple_value, 4)))
    print(run, scalars)
    hp_files = glob.glob(os.path.join(root, run, "hparams", "*tfevents*"))
    for event in events(hp_files[0]):
        for value in event.summary.value:
            content = value.metadata.plugin_data.content
            if value.tag == "_hparams_/session_start_info":
                ssi = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
                print(run, "hparams", {k: (v.number_value if v.HasField("number_value") else v.string_value)
                                       for k, v in sorted(ssi.hparams.items())})
            elif value.tag == "_hparams_/experiment":
                exp = plugin_data_pb2.HParamsPluginData.FromString(content).experiment
                print(run, "experiment", [h.name for h in exp.hparam_infos], [m.name.tag for m in exp.metric_infos])
            elif not content:
                print(run, value.tag, event.step, round(value.simple_value, 4))
