"""pytorch/tutorials' transfer-learning tutorial, its train_model verbatim in
spirit, on the bundled digits with a small ResNet defined in the script
(torchvision is not used): dataloaders and dataset_sizes dicts keyed by
phase, for phase in ['train', 'val'] with model.train()/model.eval(),
torch.set_grad_enabled(phase == 'train'), running_corrects accumulated as a
tensor from torch.sum(preds == labels.data) and divided with .double(),
best_model_wts = copy.deepcopy(model.state_dict()) restored at the end,
StepLR stepped per epoch; then the two recipes: fine-tuning everything with a
new fc, and the fixed feature extractor (requires_grad = False on the
backbone, only model.fc.parameters() in the optimizer), with a
visualize_model-style prediction pass and the parameter counts. Seeded:
every number agrees."""

import copy
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

pixels, labels = digits()
images = torch.tensor(pixels, dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
images = images + 0.02 * torch.rand(images.shape, generator=torch.Generator().manual_seed(5))
mean, std = images[:600].mean(), images[:600].std()
images = (images - mean) / std
targets = torch.tensor(labels)
# "pretraining" on digits 0-4, transfer to the binary task "is it 5-9?" with few examples
pre = targets[:900] < 5
pre_ds = TensorDataset(images[:900][pre], targets[:900][pre])
task_labels = (targets >= 5).long()
image_datasets = {"train": TensorDataset(images[900:1000], task_labels[900:1000]),
                  "val": TensorDataset(images[1000:1200], task_labels[1000:1200])}
g = torch.Generator().manual_seed(0)
dataloaders = {x: DataLoader(image_datasets[x], batch_size=20, shuffle=(x == "train"), generator=g)
               for x in ["train", "val"]}
dataset_sizes = {x: len(image_datasets[x]) for x in ["train", "val"]}
class_names = ["low", "high"]
print("dataset sizes", dataset_sizes, "pretrain", len(pre_ds))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class TinyResNet(nn.Module):
    def __init__(self, num_classes=5, width=8):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(1, width, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(width, 1)
        self.layer2 = self._make_layer(width * 2, 1, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 2, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def train_model(model, criterion, optimizer, scheduler, num_epochs=25):
    since = time.time()
    best_model_wts = copy.deepcopy(model.state_dict())
    best_acc = 0.0
    for epoch in range(num_epochs):
        print(f"Epoch {epoch}/{num_epochs - 1}")
        print("-" * 10)
        for phase in ["train", "val"]:
            if phase == "train":
                model.train()
            else:
                model.eval()
            running_loss = 0.0
            running_corrects = 0
            for inputs, labels in dataloaders[phase]:
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"):
                    outputs = model(inputs)
                    _, preds = torch.max(outputs, 1)
                    loss = criterion(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                running_loss += loss.item() * inputs.size(0)
                running_corrects += torch.sum(preds == labels.data)
            if phase == "train":
                scheduler.step()
            epoch_loss = running_loss / dataset_sizes[phase]
            epoch_acc = running_corrects.double() / dataset_sizes[phase]
            print(f"{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}")
            if phase == "val" and epoch_acc > best_acc:
                best_acc = epoch_acc
                best_model_wts = copy.deepcopy(model.state_dict())
        print()
    time_elapsed = time.time() - since
    print(f"Training complete in {time_elapsed // 60 >= 0}")
    print(f"Best val Acc: {best_acc:4f}", "type", type(best_acc).__name__, best_acc.dtype == torch.float64)
    model.load_state_dict(best_model_wts)
    return model


def visualize_model(model, num_images=6):
    was_training = model.training
    model.eval()
    images_so_far = 0
    shown = []
    with torch.no_grad():
        for i, (inputs, labels) in enumerate(dataloaders["val"]):
            outputs = model(inputs)
            _, preds = torch.max(outputs, 1)
            for j in range(inputs.size()[0]):
                images_so_far += 1
                shown.append(f"{class_names[preds[j]]}/{class_names[labels[j]]}")
                if images_so_far == num_images:
                    model.train(mode=was_training)
                    print("predicted/true:", shown)
                    return
        model.train(mode=was_training)


# pretrain the backbone on digits 0-4
torch.manual_seed(1)
backbone = TinyResNet(num_classes=5)
opt = optim.SGD(backbone.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
for epoch in range(2):
    for xb, yb in DataLoader(pre_ds, batch_size=50, shuffle=True, generator=g):
        loss = F.cross_entropy(backbone(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"pretrain epoch {epoch} loss {loss.item():.4f}")
pretrained_state = copy.deepcopy(backbone.state_dict())

# fine-tuning the whole network with a new head
torch.manual_seed(2)
model_ft = TinyResNet(num_classes=5)
model_ft.load_state_dict(pretrained_state)
num_ftrs = model_ft.fc.in_features
model_ft.fc = nn.Linear(num_ftrs, 2)
criterion = nn.CrossEntropyLoss()
optimizer_ft = optim.SGD(model_ft.parameters(), lr=0.01, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=2, gamma=0.1)
model_ft = train_model(model_ft, criterion, optimizer_ft, exp_lr_scheduler, num_epochs=3)
visualize_model(model_ft)

# ConvNet as fixed feature extractor
torch.manual_seed(3)
model_conv = TinyResNet(num_classes=5)
model_conv.load_state_dict(pretrained_state)
for param in model_conv.parameters():
    param.requires_grad = False
num_ftrs = model_conv.fc.in_features
model_conv.fc = nn.Linear(num_ftrs, 2)
optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.01, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=2, gamma=0.1)
trainable = sum(p.numel() for p in model_conv.parameters() if p.requires_grad)
print("trainable", trainable, "of", sum(p.numel() for p in model_conv.parameters()))
before = model_conv.layer1[0].conv1.weight.clone()
model_conv = train_model(model_conv, criterion, optimizer_conv, exp_lr_scheduler, num_epochs=3)
print("backbone unchanged", torch.equal(before, model_conv.layer1[0].conv1.weight),
      "but BN stats moved", not torch.equal(pretrained_state["bn1.running_mean"], model_conv.bn1.running_mean))
print("conv grad", model_conv.conv1.weight.grad, "fc grad set", model_conv.fc.weight.grad is not None)
