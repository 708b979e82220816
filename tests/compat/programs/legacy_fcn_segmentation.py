"""A tiny fully-convolutional segmenter written the PyTorch 0.3/0.4 way, as old reference repos and
blog posts still do: Variable(volatile=True), torch.FloatTensor / LongTensor constructors, the deprecated
nn.init spellings (xavier_uniform, kaiming_normal, constant, normal, orthogonal), nn.NLLLoss2d with
class weights, size_average=False losses, F.upsample(mode='bilinear'), clip_grad_norm without the
underscore, loss.data and the old p.data.add_(-lr, grad)-style update of a hand-written SGD; then
pixel accuracy and per-class IoU from a confusion matrix built with bincount."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.RandomState(0)
N_CLASSES = 3


def make_batch(n):
    """Images with a bright square (class 1) and a dark bar (class 2) on a background (class 0)."""
    imgs = rng.rand(n, 1, 16, 16).astype(np.float32) * 0.2
    masks = np.zeros((n, 16, 16), dtype=np.int64)
    for i in range(n):
        r, c = rng.randint(0, 10, size=2)
        imgs[i, 0, r:r + 5, c:c + 5] += 0.8
        masks[i, r:r + 5, c:c + 5] = 1
        row = rng.randint(0, 14)
        imgs[i, 0, row:row + 2, :] -= 0.5
        masks[i, row:row + 2, :] = 2
    return torch.FloatTensor(imgs), torch.LongTensor(masks)


class FCN(nn.Module):
    def __init__(self):
        super(FCN, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.score = nn.Conv2d(16, N_CLASSES, 1)
        self.gru_like = nn.Linear(16, 16)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal(m.weight)
                nn.init.constant(m.bias, 0)
        nn.init.xavier_uniform(self.score.weight, gain=nn.init.calculate_gain("relu"))
        nn.init.normal(self.score.bias, std=0.01)
        nn.init.orthogonal(self.gru_like.weight)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        out = self.score(h)
        return F.log_softmax(F.upsample(out, scale_factor=2, mode="bilinear", align_corners=False), dim=1)


model = FCN()
print("init stats", " ".join(f"{n}:{p.data.std():.4f}" for n, p in model.named_parameters() if p.dim() > 1))
print("orthogonal check", torch.dist(model.gru_like.weight.mm(model.gru_like.weight.t()), torch.eye(16)).item() < 1e-5)

x_train, y_train = make_batch(24)
x_val, y_val = make_batch(8)
freq = torch.bincount(y_train.view(-1), minlength=N_CLASSES).float()
class_weights = freq.sum() / (N_CLASSES * freq)
print("class pixel counts", freq.tolist(), "weights", [round(w, 4) for w in class_weights.tolist()])
criterion = nn.NLLLoss2d(weight=class_weights)
lr = 0.05
for epoch in range(6):
    total = 0.0
    for i in range(0, 24, 8):
        inputs, targets = Variable(x_train[i:i + 8]), Variable(y_train[i:i + 8])
        output = model(inputs)
        loss = criterion(output, targets)
        model.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm(model.parameters(), 5.0)
        for p in model.parameters():
            if p.grad is not None:
                p.data.add_(p.grad.data, alpha=-lr)
        total += loss.data.item()
    print(f"epoch {epoch} loss {total / 3:.5f} last grad norm {float(norm):.5f}")

sum_loss = F.nll_loss(model(Variable(x_val)), Variable(y_val), size_average=False)
print("val summed nll", f"{sum_loss.data.item():.4f}")
with torch.no_grad():
    inputs = Variable(x_val, volatile=True)
    pred = model(inputs).data.max(1)[1]
print("pred shape", tuple(pred.size()), "pixel acc", f"{(pred == y_val).float().mean().item():.4f}")
conf = torch.bincount(y_val.view(-1) * N_CLASSES + pred.view(-1), minlength=N_CLASSES ** 2).view(N_CLASSES, N_CLASSES)
print("confusion\n", conf)
iou = conf.diag().float() / (conf.sum(0) + conf.sum(1) - conf.diag()).float()
print("per-class IoU", [f"{v:.4f}" for v in iou.tolist()], "mIoU", f"{iou.mean().item():.4f}")
print("first row prediction", pred[0, 0].tolist())
