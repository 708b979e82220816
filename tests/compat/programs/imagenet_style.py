"""The training script structure of pytorch/examples' imagenet/main.py on the
bundled digits: AverageMeter / ProgressMeter with the Summary enum, top-k
accuracy (topk, eq, reshape, mul_), SGD with momentum and weight decay, StepLR,
save_checkpoint to a BytesIO and a copied "best" snapshot, resume from it
(model, optimizer, scheduler and best_acc1), and rank 0's shard of a
DistributedSampler (num_replicas=2, no shuffle) with set_epoch. Weights and
order are fixed: every number agrees."""

import io
import time
from enum import Enum

import torch
import torch.nn as nn
import torch.optim
import torch.utils.data
import torch.utils.data.distributed
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import TensorDataset

from _data import digits

torch.set_num_threads(1)


class Summary(Enum):
    NONE = 0
    AVERAGE = 1
    SUM = 2
    COUNT = 3


class AverageMeter(object):
    """Computes and stores the average and current value"""

    def __init__(self, name, fmt=':f', summary_type=Summary.AVERAGE):
        self.name = name
        self.fmt = fmt
        self.summary_type = summary_type
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
        fmtstr = '{name} {val' + self.fmt + '} ({avg' + self.fmt + '})'
        return fmtstr.format(**self.__dict__)

    def summary(self):
        fmtstr = ''
        if self.summary_type is Summary.NONE:
            fmtstr = ''
        elif self.summary_type is Summary.AVERAGE:
            fmtstr = '{name} {avg:.3f}'
        elif self.summary_type is Summary.SUM:
            fmtstr = '{name} {sum:.3f}'
        elif self.summary_type is Summary.COUNT:
            fmtstr = '{name} {count:.3f}'
        else:
            raise ValueError('invalid summary type %r' % self.summary_type)
        return fmtstr.format(**self.__dict__)


class ProgressMeter(object):
    def __init__(self, num_batches, meters, prefix=""):
        self.batch_fmtstr = self._get_batch_fmtstr(num_batches)
        self.meters = meters
        self.prefix = prefix

    def display(self, batch):
        entries = [self.prefix + self.batch_fmtstr.format(batch)]
        entries += [str(meter) for meter in self.meters]
        print('\t'.join(entries))

    def display_summary(self):
        entries = [" *"]
        entries += [meter.summary() for meter in self.meters]
        print(' '.join(entries))

    def _get_batch_fmtstr(self, num_batches):
        num_digits = len(str(num_batches // 1))
        fmt = '{:' + str(num_digits) + 'd}'
        return '[' + fmt + '/' + fmt.format(num_batches) + ']'


def accuracy(output, target, topk=(1,)):
    """Computes the accuracy over the k top predictions for the specified values of k"""
    with torch.no_grad():
        maxk = max(topk)
        batch_size = target.size(0)

        _, pred = output.topk(maxk, 1, True, True)
        pred = pred.t()
        correct = pred.eq(target.view(1, -1).expand_as(pred))

        res = []
        for k in topk:
            correct_k = correct[:k].reshape(-1).float().sum(0, keepdim=True)
            res.append(correct_k.mul_(100.0 / batch_size))
        return res


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16),
                                      nn.ReLU(inplace=True), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32),
                                      nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1)))
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def train(train_loader, model, criterion, optimizer, epoch):
    batch_time = AverageMeter('Time', ':6.3f')
    losses = AverageMeter('Loss', ':.4e')
    top1 = AverageMeter('Acc@1', ':6.2f')
    top5 = AverageMeter('Acc@5', ':6.2f')
    progress = ProgressMeter(len(train_loader), [losses, top1, top5], prefix="Epoch: [{}]".format(epoch))
    model.train()
    end = time.time()
    for i, (images, target) in enumerate(train_loader):
        output = model(images)
        loss = criterion(output, target)
        acc1, acc5 = accuracy(output, target, topk=(1, 5))
        losses.update(loss.item(), images.size(0))
        top1.update(acc1[0], images.size(0))
        top5.update(acc5[0], images.size(0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        batch_time.update(time.time() - end)
        end = time.time()
        if i % 4 == 0:
            progress.display(i + 1)


def validate(val_loader, model, criterion):
    losses = AverageMeter('Loss', ':.4e', Summary.NONE)
    top1 = AverageMeter('Acc@1', ':6.2f', Summary.AVERAGE)
    top5 = AverageMeter('Acc@5', ':6.2f', Summary.AVERAGE)
    progress = ProgressMeter(len(val_loader), [losses, top1, top5], prefix='Test: ')
    model.eval()
    with torch.no_grad():
        for i, (images, target) in enumerate(val_loader):
            output = model(images)
            loss = criterion(output, target)
            acc1, acc5 = accuracy(output, target, topk=(1, 5))
            losses.update(loss.item(), images.size(0))
            top1.update(acc1[0], images.size(0))
            top5.update(acc5[0], images.size(0))
    progress.display_summary()
    return top1.avg


checkpoints = {}


def save_checkpoint(state, is_best, filename='checkpoint.pth.tar'):
    buffer = io.BytesIO()
    torch.save(state, buffer)
    checkpoints[filename] = buffer.getvalue()
    if is_best:
        checkpoints['model_best.pth.tar'] = checkpoints[filename]  # shutil.copyfile in the example


pixels, labels = digits()
x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels)
train_dataset = TensorDataset(x[:1200], y[:1200])
val_dataset = TensorDataset(x[1200:1500], y[1200:1500])
train_sampler = torch.utils.data.distributed.DistributedSampler(train_dataset, num_replicas=2, rank=0,
                                                                shuffle=False)
train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=50, shuffle=(train_sampler is None),
                                           num_workers=0, pin_memory=False, sampler=train_sampler)
val_loader = torch.utils.data.DataLoader(val_dataset, batch_size=100, shuffle=False, num_workers=0)
print("shard", len(train_sampler), "of", len(train_dataset), "first", list(train_sampler)[:4], "batches",
      len(train_loader))


def build():
    model = Net()
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            if ".1." in name or ".5." in name:
                continue  # BatchNorm affine keeps its ones / zeros
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.71 + i).reshape(p.shape)
                    / fan_in ** 0.5)
    optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
    return model, optimizer, scheduler


model, optimizer, scheduler = build()
criterion = nn.CrossEntropyLoss()
best_acc1 = 0
for epoch in range(0, 3):
    train_sampler.set_epoch(epoch)
    train(train_loader, model, criterion, optimizer, epoch)
    acc1 = validate(val_loader, model, criterion)
    scheduler.step()
    is_best = acc1 > best_acc1
    best_acc1 = max(acc1, best_acc1)
    save_checkpoint({
        'epoch': epoch + 1,
        'arch': 'net',
        'state_dict': model.state_dict(),
        'best_acc1': best_acc1,
        'optimizer': optimizer.state_dict(),
        'scheduler': scheduler.state_dict()
    }, is_best)
    print("best", is_best, "lr", scheduler.get_last_lr())

# resume from the best snapshot, as --resume does
checkpoint = torch.load(io.BytesIO(checkpoints['model_best.pth.tar']), weights_only=True)
model2, optimizer2, scheduler2 = build()
start_epoch = checkpoint['epoch']
best = checkpoint['best_acc1']
model2.load_state_dict(checkpoint['state_dict'])
optimizer2.load_state_dict(checkpoint['optimizer'])
scheduler2.load_state_dict(checkpoint['scheduler'])
print("=> loaded checkpoint (epoch {}) best_acc1 {:.2f} type {}".format(start_epoch, float(best),
                                                                        type(best).__name__))
print("resumed lr", scheduler2.get_last_lr(), "momentum buffers", len(optimizer2.state_dict()["state"]))
acc = validate(val_loader, model2, criterion)
print("resumed model agrees", float(acc) == float(validate(val_loader, model, criterion)) or not is_best)
