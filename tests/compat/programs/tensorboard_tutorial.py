"""PyTorch's "Visualizing Models, Data, and Training with TensorBoard" tutorial on the bundled digits
(torchvision-free: the image grid built by hand, as make_grid lays it out): a small LeNet-style Net, a
SummaryWriter in a temporary 'runs/digits_experiment_1', add_image of a grid of training images
(matplotlib_imshow's unnormalize, img / 2 + 0.5), add_images of a batch, add_graph of the net, training
with running_loss logged by add_scalar every few mini-batches, add_histogram of each parameter and its
gradient, add_text of the class names, add_embedding of random images with labels and thumbnails, the images_to_probs / plot_classes_preds helpers'
numbers (F.softmax(el, dim=0)[i].item() per predicted class), and the per-class precision at a 0.5
threshold that the PR-curve section computes, with add_pr_curve per class. The event files are read back with TensorBoard's own
loader: tags, steps and image sizes are printed. Seeded: every printed number agrees."""

import glob
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.tensorboard import SummaryWriter

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)
pixels, labels = digits()
images = torch.tensor(pixels[:256] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8) * 2 - 1  # Normalize
targets = torch.tensor(labels[:256])
classes = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
trainloader = DataLoader(TensorDataset(images[:192], targets[:192]), batch_size=4, shuffle=True)
testloader = DataLoader(TensorDataset(images[192:], targets[192:]), batch_size=4, shuffle=False)


def make_grid(batch, nrow=8, padding=2):
    """torchvision.utils.make_grid's layout for (N, C, H, W) images: padding 2, pad value 0."""
    if batch.shape[1] == 1:
        batch = torch.cat((batch, batch, batch), 1)
    n, c, h, w = batch.shape
    xmaps = min(nrow, n)
    ymaps = int(np.ceil(float(n) / xmaps))
    height, width = h + padding, w + padding
    grid = batch.new_full((c, height * ymaps + padding, width * xmaps + padding), 0.0)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= n:
                break
            grid.narrow(1, y * height + padding, h).narrow(2, x * width + padding, w).copy_(batch[k])
            k += 1
    return grid


def matplotlib_imshow(img, one_channel=False):
    if one_channel:
        img = img.mean(dim=0)
    img = img / 2 + 0.5
    npimg = img.numpy()
    return npimg


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 60)
        self.fc2 = nn.Linear(60, 42)
        self.fc3 = nn.Linear(42, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
logdir = os.path.join(tempfile.mkdtemp(), "runs", "digits_experiment_1")
writer = SummaryWriter(logdir)

dataiter = iter(trainloader)
imgs, lbls = next(dataiter)
img_grid = make_grid(imgs)
print("grid", img_grid.shape, img_grid.min().item(), img_grid.max().item())
npimg = matplotlib_imshow(img_grid, one_channel=True)
print("imshow", npimg.shape, npimg.dtype, round(float(npimg.mean()), 6))
writer.add_image("four_digit_images", img_grid / 2 + 0.5)
writer.add_images("batch", imgs / 2 + 0.5, 0)
writer.add_graph(net, imgs)
writer.add_text("classes", ", ".join(classes))


def select_n_random(data, labels, n=100):
    assert len(data) == len(labels)
    perm = torch.randperm(len(data))
    return data[perm][:n], labels[perm][:n]


emb_images, emb_labels = select_n_random(images, targets, n=20)
class_labels = [classes[lab] for lab in emb_labels]
features = emb_images.view(-1, 8 * 8)
writer.add_embedding(features, metadata=class_labels, label_img=emb_images / 2 + 0.5)


def images_to_probs(net, images):
    output = net(images)
    _, preds_tensor = torch.max(output, 1)
    preds = np.squeeze(preds_tensor.numpy())
    return preds, [F.softmax(el, dim=0)[i].item() for i, el in zip(preds, output)]


def plot_classes_preds(net, images, labels):
    preds, probs = images_to_probs(net, images)
    return ["{0}, {1:.1f}%\n(label: {2})".format(classes[preds[idx]], probs[idx] * 100.0, classes[labels[idx]])
            for idx in np.arange(4)]


running_loss = 0.0
for epoch in range(2):
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 16 == 15:
            writer.add_scalar("training loss", running_loss / 16, epoch * len(trainloader) + i)
            if i % 48 == 47:
                print(f"[{epoch + 1}, {i + 1:3d}] loss: {running_loss / 16:.4f}")
                print(plot_classes_preds(net, inputs, labels))
            running_loss = 0.0
    for name, param in net.named_parameters():
        writer.add_histogram(name, param, epoch)
        writer.add_histogram(name + ".grad", param.grad, epoch)
print("Finished Training")

class_probs = []
class_label = []
with torch.no_grad():
    for data in testloader:
        images_b, labels_b = data
        output = net(images_b)
        class_probs_batch = [F.softmax(el, dim=0) for el in output]
        class_probs.append(class_probs_batch)
        class_label.append(labels_b)
test_probs = torch.cat([torch.stack(batch) for batch in class_probs])
test_label = torch.cat(class_label)
print(test_probs.shape, test_label.shape, test_probs.sum(1)[:3].round(decimals=4).tolist())
for class_index in range(3):
    tensorboard_truth = test_label == class_index
    tensorboard_probs = test_probs[:, class_index]
    predicted = tensorboard_probs > 0.5
    tp = (predicted & tensorboard_truth).sum().item()
    precision = tp / max(predicted.sum().item(), 1)
    recall = tp / max(tensorboard_truth.sum().item(), 1)
    print(classes[class_index], f"precision {precision:.4f} recall {recall:.4f}")
    writer.add_pr_curve(classes[class_index], tensorboard_truth, tensorboard_probs, global_step=0)
writer.close()
print(sorted(os.listdir(logdir))[0], open(os.path.join(logdir, "projector_config.pbtxt")).read())
print(open(os.path.join(logdir, "00000", "default", "metadata.tsv")).read().split())

from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader  # noqa: E402
from tensorboard.compat.proto import event_pb2, graph_pb2  # noqa: E402

files = glob.glob(os.path.join(logdir, "*tfevents*"))
print("event files", len(files))
tags = {}
for record in RawEventFileLoader(files[0]).Load():
    event = event_pb2.Event.FromString(record)
    if event.HasField("graph_def"):
        graph = graph_pb2.GraphDef.FromString(event.graph_def)
        # (the IO nodes' names follow TorchScript's value numbering, input/x or input/x.1: not printed)
        print("graph IO", sorted(n.name.partition("/")[0] for n in graph.node if n.op == "IO Node"))
    for value in event.summary.value:
        tags.setdefault(value.tag, []).append(event.step)
        if value.HasField("image"):
            print("image", value.tag, value.image.height, value.image.width, value.image.colorspace)
for tag in sorted(tags):
    print(tag, tags[tag])
