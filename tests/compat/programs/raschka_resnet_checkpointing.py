"""Sebastian Raschka's deeplearning-models notebooks on the bundled 8x8 digits: the helper_evaluation
set_all_seeds / set_deterministic functions, the "resnet-ex-1" ConvNet of two ResidualBlocks with
projection shortcuts (logits and probas returned together), compute_accuracy under
torch.set_grad_enabled(False) printed with "%.2f%%" % tensor, the helper_train train_model loop with a
ReduceLROnPlateau(mode="max") on validation accuracy, compute_confusion_matrix from lists of 0-d tensors,
and the gradient-checkpointing notebook's checkpoint_sequential over a network-in-network classifier,
checked against the plain backward."""

import os
import random
import time
from itertools import product

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint_sequential
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)


def set_all_seeds(seed):
    os.environ["PL_GLOBAL_SEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the helper's legacy numpy seeding
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def set_deterministic():
    if torch.cuda.is_available():
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    torch.use_deterministic_algorithms(True)


RANDOM_SEED = 123
set_all_seeds(RANDOM_SEED)
set_deterministic()
print("deterministic", torch.are_deterministic_algorithms_enabled(), os.environ["PL_GLOBAL_SEED"])

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
learning_rate = 0.01
num_epochs = 3
batch_size = 64
num_classes = 10

pixels, labels = digits()
features_all = torch.tensor(pixels[:720], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
targets_all = torch.tensor(labels[:720])
train_loader = DataLoader(TensorDataset(features_all[:512], targets_all[:512]), batch_size=batch_size,
                          shuffle=True)
valid_loader = DataLoader(TensorDataset(features_all[512:608], targets_all[512:608]), batch_size=batch_size)
test_loader = DataLoader(TensorDataset(features_all[608:], targets_all[608:]), batch_size=batch_size)
for images, labels_b in train_loader:
    print("Image batch dimensions:", images.shape)
    print("Image label dimensions:", labels_b.shape)
    break


class ResidualBlock(torch.nn.Module):
    # (bias=False before each BatchNorm, as the later ResNet notebooks: a bias there has a zero gradient
    # up to rounding, which Adam would turn into steps of lr in the running statistics)
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.block = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=channels[0], out_channels=channels[1], kernel_size=(3, 3),
                            stride=(2, 2), padding=1, bias=False),
            torch.nn.BatchNorm2d(channels[1]),
            torch.nn.ReLU(inplace=True),
            torch.nn.Conv2d(in_channels=channels[1], out_channels=channels[2], kernel_size=(1, 1),
                            stride=(1, 1), padding=0, bias=False),
            torch.nn.BatchNorm2d(channels[2]),
        )
        self.shortcut = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=channels[0], out_channels=channels[2], kernel_size=(1, 1),
                            stride=(2, 2), padding=0, bias=False),
            torch.nn.BatchNorm2d(channels[2]),
        )

    def forward(self, x):
        shortcut = x
        block = self.block(x)
        shortcut = self.shortcut(x)
        x = torch.nn.functional.relu(block + shortcut)
        return x


class ConvNet(torch.nn.Module):
    def __init__(self, num_classes):
        super(ConvNet, self).__init__()
        self.residual_block_1 = ResidualBlock(channels=[1, 4, 8])
        self.residual_block_2 = ResidualBlock(channels=[8, 16, 32])
        self.linear_1 = torch.nn.Linear(2 * 2 * 32, num_classes)

    def forward(self, x):
        out = self.residual_block_1(x)
        out = self.residual_block_2(out)
        logits = self.linear_1(out.view(-1, 2 * 2 * 32))
        probas = F.softmax(logits, dim=1)
        return logits, probas


torch.manual_seed(RANDOM_SEED)
model = ConvNet(num_classes=num_classes)
model = model.to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)


def compute_accuracy(model, data_loader):
    correct_pred, num_examples = 0, 0
    for i, (features, targets) in enumerate(data_loader):
        features = features.to(device)
        targets = targets.to(device)
        logits, probas = model(features)
        _, predicted_labels = torch.max(probas, 1)
        num_examples += targets.size(0)
        correct_pred += (predicted_labels == targets).sum()
    return correct_pred.float() / num_examples * 100


start_time = time.time()
for epoch in range(num_epochs):
    model = model.train()
    for batch_idx, (features, targets) in enumerate(train_loader):
        features = features.to(device)
        targets = targets.to(device)
        logits, probas = model(features)
        cost = F.cross_entropy(logits, targets)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        if not batch_idx % 4:
            print("Epoch: %03d/%03d | Batch %03d/%03d | Cost: %.4f"
                  % (epoch + 1, num_epochs, batch_idx, len(train_loader), cost))
    model = model.eval()  # eval mode to prevent upd. batchnorm params during inference
    with torch.set_grad_enabled(False):  # save memory during inference
        print("Epoch: %03d/%03d training accuracy: %.2f%%" % (epoch + 1, num_epochs,
                                                              compute_accuracy(model, train_loader)))
    elapsed = (time.time() - start_time) / 60
    print("Time elapsed: %s min" % ("<1" if elapsed < 1 else "%.2f" % elapsed))
with torch.set_grad_enabled(False):
    print("Test accuracy: %.2f%%" % (compute_accuracy(model, test_loader)))
print("running_var of the last BatchNorm", model.residual_block_2.shortcut[1].running_var[:4])


# ---- helper_train.train_model with a plateau scheduler, and the confusion matrix ----
def compute_accuracy_logits(model, data_loader, device):
    with torch.no_grad():
        correct_pred, num_examples = 0, 0
        for i, (features, targets) in enumerate(data_loader):
            features = features.to(device)
            targets = targets.float().to(device)
            logits = model(features)
            _, predicted_labels = torch.max(logits, 1)
            num_examples += targets.size(0)
            correct_pred += (predicted_labels == targets).sum()
    return correct_pred.float() / num_examples * 100


def train_model(model, num_epochs, train_loader, valid_loader, test_loader, optimizer, device,
                logging_interval=50, scheduler=None, scheduler_on="valid_acc"):
    start_time = time.time()
    minibatch_loss_list, train_acc_list, valid_acc_list = [], [], []
    for epoch in range(num_epochs):
        model.train()
        for batch_idx, (features, targets) in enumerate(train_loader):
            features = features.to(device)
            targets = targets.to(device)
            logits = model(features)
            loss = torch.nn.functional.cross_entropy(logits, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            minibatch_loss_list.append(loss.item())
            if not batch_idx % logging_interval:
                print(f"Epoch: {epoch + 1:03d}/{num_epochs:03d} "
                      f"| Batch {batch_idx:04d}/{len(train_loader):04d} "
                      f"| Loss: {loss:.4f}")
        model.eval()
        with torch.no_grad():
            train_acc = compute_accuracy_logits(model, train_loader, device=device)
            valid_acc = compute_accuracy_logits(model, valid_loader, device=device)
            print(f"Epoch: {epoch + 1:03d}/{num_epochs:03d} "
                  f"| Train: {train_acc :.2f}% "
                  f"| Validation: {valid_acc :.2f}%")
            train_acc_list.append(train_acc.item())
            valid_acc_list.append(valid_acc.item())
        if scheduler is not None:
            if scheduler_on == "valid_acc":
                scheduler.step(valid_acc_list[-1])
            elif scheduler_on == "minibatch_loss":
                scheduler.step(minibatch_loss_list[-1])
            else:
                raise ValueError("Invalid `scheduler_on` choice.")
        print("lr", optimizer.param_groups[0]["lr"])
    elapsed = (time.time() - start_time) / 60
    print(f"Total Training Time: {'<1' if elapsed < 1 else f'{elapsed:.2f}'} min")
    test_acc = compute_accuracy_logits(model, test_loader, device=device)
    print(f"Test accuracy {test_acc :.2f}%")
    return minibatch_loss_list, train_acc_list, valid_acc_list


def compute_confusion_matrix(model, data_loader, device):
    all_targets, all_predictions = [], []
    with torch.no_grad():
        for i, (features, targets) in enumerate(data_loader):
            features = features.to(device)
            targets = targets
            logits = model(features)
            _, predicted_labels = torch.max(logits, 1)
            all_targets.extend(targets.to("cpu"))
            all_predictions.extend(predicted_labels.to("cpu"))
    all_predictions = all_predictions
    all_predictions = np.array(all_predictions)
    all_targets = np.array(all_targets)
    class_labels = np.unique(np.concatenate((all_targets, all_predictions)))
    if class_labels.shape[0] == 1:
        if class_labels[0] != 0:
            class_labels = np.array([0, class_labels[0]])
        else:
            class_labels = np.array([class_labels[0], 1])
    n_labels = class_labels.shape[0]
    lst = []
    z = list(zip(all_targets, all_predictions))
    for combi in product(class_labels, repeat=2):
        lst.append(z.count(combi))
    mat = np.asarray(lst)[:, None].reshape(n_labels, n_labels)
    return mat


class NiN(torch.nn.Module):
    """The gradient-checkpointing notebook's network-in-network, its classifier run by
    checkpoint_sequential when ``segments`` is set (out-of-place ReLUs: an in-place one would modify a
    segment's saved input, which PyTorch's non-reentrant checkpoint refuses at backward)."""

    def __init__(self, num_classes, segments=None):
        super(NiN, self).__init__()
        self.segments = segments
        self.classifier = torch.nn.Sequential(
            torch.nn.Conv2d(1, 24, kernel_size=3, stride=1, padding=1),
            torch.nn.ReLU(),
            torch.nn.Conv2d(24, 16, kernel_size=1, stride=1, padding=0),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(kernel_size=2, stride=2, padding=0),
            torch.nn.Dropout(0.3),
            torch.nn.Conv2d(16, 24, kernel_size=3, stride=1, padding=1),
            torch.nn.ReLU(),
            torch.nn.Conv2d(24, num_classes, kernel_size=1, stride=1, padding=0),
            torch.nn.ReLU(),
            torch.nn.AvgPool2d(kernel_size=4, stride=1, padding=0),
        )

    def forward(self, x):
        if self.segments is None:
            x = self.classifier(x)
        else:
            x.requires_grad = True  # the notebook's workaround for the reentrant checkpoint
            x = checkpoint_sequential(self.classifier, self.segments, x, use_reentrant=False)
        logits = x.view(x.size(0), num_classes)
        return logits


set_all_seeds(RANDOM_SEED)
model = NiN(num_classes=num_classes)
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, mode="max", patience=0)
minibatch_loss_list, train_acc_list, valid_acc_list = train_model(
    model=model, num_epochs=4, train_loader=train_loader, valid_loader=valid_loader, test_loader=test_loader,
    optimizer=optimizer, device=device, scheduler=scheduler, scheduler_on="valid_acc", logging_interval=4)
print("valid acc list", [round(a, 2) for a in valid_acc_list], "losses logged", len(minibatch_loss_list))
mat = compute_confusion_matrix(model=model, data_loader=test_loader, device=torch.device("cpu"))
print(mat)
print("diagonal share {:.4f}".format(np.trace(mat) / mat.sum()))

# checkpointed and plain backward give the same gradients (dropout off: the same forward)
model.eval()
x = features_all[:32].clone()
y = targets_all[:32]
model.segments = None
loss_plain = F.cross_entropy(model(x), y)
grads_plain = torch.autograd.grad(loss_plain, list(model.parameters()))
model.segments = 3
loss_ckpt = F.cross_entropy(model(x.clone()), y)
grads_ckpt = torch.autograd.grad(loss_ckpt, list(model.parameters()))
print("checkpointed loss %.5f plain %.5f" % (loss_ckpt.item(), loss_plain.item()),
      "max grad difference %.2e" % max((a - b).abs().max().item() for a, b in zip(grads_plain, grads_ckpt)),
      "grad_fn", type(loss_ckpt.grad_fn).__name__)
