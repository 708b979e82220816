"""PointNet classification as fxia22/pointnet.pytorch writes it, at toy size:
STN3d / STNkd T-Nets (Conv1d with kernel 1, BatchNorm1d, torch.max over points
returning values and indices, the flattened identity added with
torch.from_numpy(np.eye(k).flatten()).view(1, k*k).repeat(batchsize, 1)),
the transform applied with torch.bmm on transposed points, the
feature_transform_regularizer (bmm with the transpose minus torch.eye, norm
over dim (1, 2)), log_softmax + nll_loss, and the repository's data
augmentation (random rotation about the up axis, jitter, normalization into
the unit sphere) on synthetic point clouds (sphere, cube, cylinder). Seeded,
so every number agrees with PyTorch."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

torch.set_num_threads(1)
torch.manual_seed(0)


class STN3d(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(3, width, 1)
        self.conv2 = torch.nn.Conv1d(width, 2 * width, 1)
        self.fc1 = nn.Linear(2 * width, width)
        self.fc2 = nn.Linear(width, 9)
        self.relu = nn.ReLU()
        self.bn1 = nn.BatchNorm1d(width)
        self.bn2 = nn.BatchNorm1d(2 * width)
        self.bn3 = nn.BatchNorm1d(width)

    def forward(self, x):
        batchsize = x.size()[0]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = torch.max(x, 2, keepdim=True)[0]
        x = x.view(-1, self.conv2.out_channels)
        x = F.relu(self.bn3(self.fc1(x)))
        x = self.fc2(x)
        iden = Variable(torch.from_numpy(np.array([1, 0, 0, 0, 1, 0, 0, 0, 1]).astype(np.float32))).view(
            1, 9).repeat(batchsize, 1)
        if x.is_cuda:
            iden = iden.cuda()
        x = x + iden
        x = x.view(-1, 3, 3)
        return x


class STNkd(nn.Module):
    def __init__(self, k=16):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(k, 32, 1)
        self.fc1 = nn.Linear(32, 16)
        self.fc2 = nn.Linear(16, k * k)
        self.bn1 = nn.BatchNorm1d(32)
        self.bn2 = nn.BatchNorm1d(16)
        self.k = k

    def forward(self, x):
        batchsize = x.size()[0]
        x = F.relu(self.bn1(self.conv1(x)))
        x = torch.max(x, 2, keepdim=True)[0]
        x = x.view(-1, 32)
        x = F.relu(self.bn2(self.fc1(x)))
        x = self.fc2(x)
        iden = Variable(torch.from_numpy(np.eye(self.k).flatten().astype(np.float32))).view(
            1, self.k * self.k).repeat(batchsize, 1)
        x = x + iden
        x = x.view(-1, self.k, self.k)
        return x


class PointNetfeat(nn.Module):
    def __init__(self, global_feat=True, feature_transform=False):
        super().__init__()
        self.stn = STN3d()
        self.conv1 = torch.nn.Conv1d(3, 16, 1)
        self.conv2 = torch.nn.Conv1d(16, 32, 1)
        self.conv3 = torch.nn.Conv1d(32, 64, 1)
        self.bn1 = nn.BatchNorm1d(16)
        self.bn2 = nn.BatchNorm1d(32)
        self.bn3 = nn.BatchNorm1d(64)
        self.global_feat = global_feat
        self.feature_transform = feature_transform
        if self.feature_transform:
            self.fstn = STNkd(k=16)

    def forward(self, x):
        n_pts = x.size()[2]
        trans = self.stn(x)
        x = x.transpose(2, 1)
        x = torch.bmm(x, trans)
        x = x.transpose(2, 1)
        x = F.relu(self.bn1(self.conv1(x)))
        if self.feature_transform:
            trans_feat = self.fstn(x)
            x = x.transpose(2, 1)
            x = torch.bmm(x, trans_feat)
            x = x.transpose(2, 1)
        else:
            trans_feat = None
        pointfeat = x
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.bn3(self.conv3(x))
        x, critical = torch.max(x, 2, keepdim=True)
        x = x.view(-1, 64)
        if self.global_feat:
            return x, trans, trans_feat, critical
        x = x.view(-1, 64, 1).repeat(1, 1, n_pts)
        return torch.cat([x, pointfeat], 1), trans, trans_feat, critical


class PointNetCls(nn.Module):
    def __init__(self, k=3, feature_transform=False):
        super().__init__()
        self.feature_transform = feature_transform
        self.feat = PointNetfeat(global_feat=True, feature_transform=feature_transform)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, k)
        self.dropout = nn.Dropout(p=0.3)
        self.bn1 = nn.BatchNorm1d(32)
        self.bn2 = nn.BatchNorm1d(16)
        self.relu = nn.ReLU()

    def forward(self, x):
        x, trans, trans_feat, critical = self.feat(x)
        x = F.relu(self.bn1(self.fc1(x)))
        x = F.relu(self.bn2(self.dropout(self.fc2(x))))
        x = self.fc3(x)
        return F.log_softmax(x, dim=1), trans, trans_feat, critical


def feature_transform_regularizer(trans):
    d = trans.size()[1]
    I = torch.eye(d)[None, :, :]
    if trans.is_cuda:
        I = I.cuda()
    loss = torch.mean(torch.norm(torch.bmm(trans, trans.transpose(2, 1)) - I, dim=(1, 2)))
    return loss


def make_cloud(kind, n, rng):
    if kind == 0:  # sphere
        p = rng.normal(size=(n, 3))
        p /= np.linalg.norm(p, axis=1, keepdims=True)
    elif kind == 1:  # cube surface
        p = rng.uniform(-1, 1, size=(n, 3))
        axis = rng.integers(0, 3, size=n)
        p[np.arange(n), axis] = np.sign(p[np.arange(n), axis])
    else:  # cylinder
        theta = rng.uniform(0, 2 * math.pi, size=n)
        p = np.stack([np.cos(theta), np.sin(theta), rng.uniform(-1, 1, size=n)], 1)
    return p.astype(np.float32)


def augment(point_set, rng):
    point_set = point_set - np.expand_dims(np.mean(point_set, axis=0), 0)  # center
    dist = np.max(np.sqrt(np.sum(point_set ** 2, axis=1)), 0)
    point_set = point_set / dist  # scale
    theta = rng.uniform(0, np.pi * 2)
    rotation_matrix = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    point_set[:, [0, 2]] = point_set[:, [0, 2]].dot(rotation_matrix)  # random rotation
    point_set += rng.normal(0, 0.02, size=point_set.shape)  # random jitter
    return point_set.astype(np.float32)


rng = np.random.default_rng(0)
n_points, n_train = 64, 36
clouds = [augment(make_cloud(i % 3, n_points, rng), rng) for i in range(n_train)]
points_all = torch.from_numpy(np.stack(clouds))  # B, N, 3
target_all = torch.from_numpy(np.arange(n_train) % 3).long()
print("points", tuple(points_all.shape), f"max radius {points_all.norm(dim=2).max().item():.4f}")

# the identity T-Net output, and the regularizer at the identity
eye_flat = torch.from_numpy(np.eye(4).flatten().astype(np.float32)).view(1, 16).repeat(2, 1)
print("identity", tuple(eye_flat.shape), eye_flat.view(-1, 4, 4)[1].diagonal().tolist())
print("regularizer at identity", feature_transform_regularizer(torch.eye(5).repeat(3, 1, 1)).item())
rot = torch.tensor([[0.0, -1.0], [1.0, 0.0]]).repeat(2, 1, 1)
print("regularizer of a rotation", feature_transform_regularizer(rot).item(),
      "of 2*I", round(feature_transform_regularizer(2 * torch.eye(3)[None]).item(), 5))

# segmentation-style features: global + per-point
feat = PointNetfeat(global_feat=False)
out, trans, _, critical = feat(points_all[:4].transpose(2, 1))
print("per-point features", tuple(out.shape), "trans", tuple(trans.shape), "critical", tuple(critical.shape))
print("det of input transform", [round(v, 4) for v in torch.linalg.det(trans[:3]).tolist()])
print("critical points of cloud 0", sorted(set(critical[0, :, 0].tolist()))[:8],
      "unique", critical[0, :, 0].unique().numel())

classifier = PointNetCls(k=3, feature_transform=True)
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.001, betas=(0.9, 0.999))
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for epoch in range(4):
    perm = torch.randperm(n_train)
    for i in range(0, n_train, 12):
        idx = perm[i:i + 12]
        points, target = points_all[idx], target_all[idx]
        points = points.transpose(2, 1)
        optimizer.zero_grad()
        classifier = classifier.train()
        pred, trans, trans_feat, _ = classifier(points)
        loss = F.nll_loss(pred, target)
        reg = feature_transform_regularizer(trans_feat)
        loss = loss + reg * 0.001
        loss.backward()
        optimizer.step()
        pred_choice = pred.data.max(1)[1]
        correct = pred_choice.eq(target.data).cpu().sum()
        print(f"[{epoch}: {i // 12}] train loss: {loss.item():.5f} reg {reg.item():.5f} "
              f"accuracy: {correct.item() / float(len(idx)):.4f}")
    scheduler.step()

classifier = classifier.eval()
with torch.no_grad():
    pred, trans, trans_feat, critical = classifier(points_all.transpose(2, 1))
pred_choice = pred.max(1)[1]
print("eval accuracy", pred_choice.eq(target_all).float().mean().item())
# (BatchNorm's running variance of near-dead ReLU channels is tiny, so eval-mode outputs magnify float32
# rounding: three decimals)
print(f"eval nll {F.nll_loss(pred, target_all).item():.3f}")
