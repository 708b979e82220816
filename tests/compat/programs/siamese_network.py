"""PyTorch's siamese_network example on the bundled digits: pairs of images
(same digit -> 1, different -> 0) through one shared CNN with
AdaptiveAvgPool2d, the two embeddings concatenated and scored by a sigmoid
head under BCELoss, Adadelta and StepLR; then the metric-learning losses the
tutorials use (pairwise_distance contrastive loss, TripletMarginLoss,
CosineEmbeddingLoss, MarginRankingLoss). Pairs are drawn by numpy and the
weights are fixed, so every number agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset

from _data import digits

torch.set_num_threads(1)


class SiameseNetwork(nn.Module):
    def __init__(self):
        super(SiameseNetwork, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)))
        self.fc_in_features = 16
        self.fc = nn.Sequential(
            nn.Linear(self.fc_in_features * 2, 32),
            nn.ReLU(inplace=True),
            nn.Linear(32, 1),
        )
        self.sigmoid = nn.Sigmoid()
        self.fc.apply(self.init_weights)

    def init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    def forward_once(self, x):
        output = self.features(x)
        output = output.view(output.size()[0], -1)
        return output

    def forward(self, input1, input2):
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)
        output = torch.cat((output1, output2), 1)
        output = self.fc(output)
        output = self.sigmoid(output)
        return output


class PairDataset(Dataset):
    def __init__(self, images, targets, n_pairs, seed):
        rng = np.random.default_rng(seed)
        self.images, self.targets = images, targets
        self.group = {d: np.flatnonzero(targets.numpy() == d) for d in range(10)}
        self.pairs = []
        for i in range(n_pairs):
            a = int(rng.integers(len(targets)))
            da = int(targets[a])
            if i % 2 == 0:
                b, t = int(rng.choice(self.group[da])), 1.0
            else:
                other = int((da + rng.integers(1, 10)) % 10)
                b, t = int(rng.choice(self.group[other])), 0.0
            self.pairs.append((a, b, t))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        a, b, t = self.pairs[index]
        return self.images[a], self.images[b], torch.tensor(t, dtype=torch.float)


pixels, labels = digits()
images = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
targets = torch.tensor(labels)
train_loader = DataLoader(PairDataset(images[:1400], targets[:1400], 640, 0), batch_size=64)
test_loader = DataLoader(PairDataset(images[1400:], targets[1400:], 256, 1), batch_size=128)

model = SiameseNetwork()
print("xavier bound", all(m.weight.abs().max().item() <= (6 / sum(m.weight.shape)) ** 0.5 for m in model.fc
                          if isinstance(m, nn.Linear)), "bias", model.fc[0].bias[:2].tolist())
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        if p.dim() == 1 and i == 1:
            p.fill_(1.0)
            continue
        fan_in = p[0].numel() if p.dim() > 1 else p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 2.1 + i).reshape(p.shape) / fan_in ** 0.5)

optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
criterion = nn.BCELoss()


def train(epoch):
    model.train()
    for batch_idx, (images_1, images_2, t) in enumerate(train_loader):
        optimizer.zero_grad()
        outputs = model(images_1, images_2).squeeze()
        loss = criterion(outputs, t)
        loss.backward()
        optimizer.step()
        if batch_idx % 5 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(images_1), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test():
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for (images_1, images_2, t) in test_loader:
            outputs = model(images_1, images_2).squeeze()
            test_loss += criterion(outputs, t).sum().item()
            pred = torch.where(outputs > 0.5, 1, 0)
            correct += pred.eq(t.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('Test set: Average loss: {:.6f}, Accuracy: {}/{} ({:.0f}%)'.format(
        test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))


for epoch in range(1, 4):
    train(epoch)
    test()
    scheduler.step()
print("lr", scheduler.get_last_lr()[0], "bn running_mean", round(model.features[1].running_mean[0].item(), 6))

# metric learning on the shared embedding
emb = model.forward_once
x1, x2, same = next(iter(test_loader))
with torch.no_grad():
    e1, e2 = emb(x1), emb(x2)
d = F.pairwise_distance(e1, e2)
print("pairwise_distance", [round(v, 5) for v in d[:4].tolist()], tuple(d.shape))
print("p=1 keepdim", tuple(F.pairwise_distance(e1, e2, p=1, keepdim=True).shape),
      round(nn.PairwiseDistance(p=1.0, eps=0.0)(e1, e2)[0].item(), 5))
print("cosine_similarity", [round(v, 5) for v in F.cosine_similarity(e1, e2)[:3].tolist()],
      round(nn.CosineSimilarity(dim=0)(e1[:, 0], e2[:, 0]).item(), 5))
margin = 2.0
contrastive = torch.mean(same * d.pow(2) + (1 - same) * torch.clamp(margin - d, min=0.0).pow(2))
print("contrastive loss", round(contrastive.item(), 6))

anchor = torch.sin(torch.arange(40, dtype=torch.float32)).reshape(8, 5).requires_grad_()
pos = anchor.detach() + 0.1 * torch.cos(torch.arange(40, dtype=torch.float32)).reshape(8, 5)
neg = torch.cos(0.5 * torch.arange(40, dtype=torch.float32)).reshape(8, 5)
for kw in [{}, {"margin": 0.5, "p": 1}, {"swap": True}]:
    loss = nn.TripletMarginLoss(**kw)(anchor, pos, neg)
    print("triplet", kw, round(loss.item(), 6))
trip_fn = nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: 1.0 - F.cosine_similarity(a, b), margin=0.3)
loss = trip_fn(anchor, pos, neg)
loss.backward()
print("triplet cosine", round(loss.item(), 6), "grad", round(anchor.grad.abs().sum().item(), 6))
y = torch.tensor([1, -1, 1, -1, 1, -1, 1, -1])
print("cosine embedding", round(nn.CosineEmbeddingLoss(margin=0.2)(anchor, neg, y).item(), 6),
      "none", [round(v, 5) for v in F.cosine_embedding_loss(anchor, neg, y, reduction="none")[:3].tolist()])
print("margin ranking", round(F.margin_ranking_loss(anchor[:, 0], neg[:, 0], y.float(), margin=0.1).item(), 6))
print("hinge embedding", round(nn.HingeEmbeddingLoss(margin=1.5)(d[:8], y.float()).item(), 6))
print("bce with logits pos_weight", round(F.binary_cross_entropy_with_logits(
    anchor[:, 0].detach(), same[:8], pos_weight=torch.tensor(2.0)).item(), 6))
print("bce weight", round(F.binary_cross_entropy(torch.sigmoid(anchor[:, 1].detach()), same[:8],
                                                 weight=torch.linspace(0.5, 1.5, 8)).item(), 6))
