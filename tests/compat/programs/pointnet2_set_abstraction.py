"""PointNet++ set abstraction on toy point clouds, the way the popular PyTorch reimplementations write
it: farthest point sampling in a loop, ball query via square distances + sort, index_points gathers with
batch indices, shared MLPs as 1x1 Conv2d + BatchNorm2d, max over neighbours, and feature propagation by
inverse-distance interpolation over the 3 nearest neighbours (cdist + topk)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def square_distance(src, dst):
    dist = -2 * torch.matmul(src, dst.permute(0, 2, 1))
    dist += torch.sum(src ** 2, -1).view(src.shape[0], src.shape[1], 1)
    dist += torch.sum(dst ** 2, -1).view(dst.shape[0], 1, dst.shape[1])
    return dist


def index_points(points, idx):
    B = points.shape[0]
    view_shape = list(idx.shape)
    view_shape[1:] = [1] * (len(view_shape) - 1)
    repeat_shape = list(idx.shape)
    repeat_shape[0] = 1
    batch_indices = torch.arange(B, dtype=torch.long).view(view_shape).repeat(repeat_shape)
    return points[batch_indices, idx, :]


def farthest_point_sample(xyz, npoint):
    B, N, C = xyz.shape
    centroids = torch.zeros(B, npoint, dtype=torch.long)
    distance = torch.ones(B, N) * 1e10
    farthest = torch.zeros(B, dtype=torch.long)  # deterministic start (the repos use randint)
    batch_indices = torch.arange(B, dtype=torch.long)
    for i in range(npoint):
        centroids[:, i] = farthest
        centroid = xyz[batch_indices, farthest, :].view(B, 1, 3)
        dist = torch.sum((xyz - centroid) ** 2, -1)
        mask = dist < distance
        distance[mask] = dist[mask]
        farthest = torch.max(distance, -1)[1]
    return centroids


def query_ball_point(radius, nsample, xyz, new_xyz):
    B, N, C = xyz.shape
    _, S, _ = new_xyz.shape
    group_idx = torch.arange(N, dtype=torch.long).view(1, 1, N).repeat([B, S, 1])
    sqrdists = square_distance(new_xyz, xyz)
    group_idx[sqrdists > radius ** 2] = N
    group_idx = group_idx.sort(dim=-1)[0][:, :, :nsample]
    group_first = group_idx[:, :, 0].view(B, S, 1).repeat([1, 1, nsample])
    mask = group_idx == N
    group_idx[mask] = group_first[mask]
    return group_idx


class SetAbstraction(nn.Module):
    def __init__(self, npoint, radius, nsample, in_ch, mlp):
        super().__init__()
        self.npoint, self.radius, self.nsample = npoint, radius, nsample
        self.convs, self.bns = nn.ModuleList(), nn.ModuleList()
        last = in_ch + 3
        for out in mlp:
            self.convs.append(nn.Conv2d(last, out, 1, bias=False))  # (BN follows: a bias would only get rounding noise)
            self.bns.append(nn.BatchNorm2d(out))
            last = out

    def forward(self, xyz, points):
        fps_idx = farthest_point_sample(xyz, self.npoint)
        new_xyz = index_points(xyz, fps_idx)
        idx = query_ball_point(self.radius, self.nsample, xyz, new_xyz)
        grouped_xyz = index_points(xyz, idx) - new_xyz.unsqueeze(2)
        new_points = grouped_xyz if points is None else torch.cat([grouped_xyz, index_points(points, idx)], dim=-1)
        new_points = new_points.permute(0, 3, 2, 1)  # [B, C, nsample, npoint]
        for conv, bn in zip(self.convs, self.bns):
            new_points = F.relu(bn(conv(new_points)))
        return new_xyz, torch.max(new_points, 2)[0].transpose(1, 2)


def three_nn_interpolate(xyz1, xyz2, points2):
    d = torch.cdist(xyz1, xyz2)
    dist, idx = d.topk(3, dim=-1, largest=False)
    recip = 1.0 / (dist + 1e-8)
    weight = recip / recip.sum(dim=2, keepdim=True)
    return torch.sum(index_points(points2, idx) * weight.unsqueeze(-1), dim=2)


def make_cloud(kind, n=64):
    if kind == 0:  # sphere
        p = F.normalize(torch.randn(n, 3), dim=1)
    elif kind == 1:  # cube surface-ish
        p = torch.rand(n, 3) * 2 - 1
        axis = torch.randint(0, 3, (n,))
        p[torch.arange(n), axis] = torch.sign(p[torch.arange(n), axis])
    else:  # cylinder
        t = torch.rand(n) * 2 * torch.pi
        p = torch.stack([torch.cos(t), torch.sin(t), torch.rand(n) * 2 - 1], 1)
    return p + 0.02 * torch.randn(n, 3)


labels = torch.arange(3).repeat(16)
clouds = torch.stack([make_cloud(int(k)) for k in labels])
print("clouds", tuple(clouds.shape), clouds.dtype, f"{clouds.abs().max().item():.4f}")

fps = farthest_point_sample(clouds[:2], 8)
print("fps idx", fps.tolist())
ball = query_ball_point(0.6, 6, clouds[:1], index_points(clouds[:1], fps[:1]))
print("ball idx row0", ball[0, 0].tolist(), ball.shape, ball.dtype)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.sa1 = SetAbstraction(16, 0.5, 8, 0, [16, 16, 32])
        self.sa2 = SetAbstraction(4, 1.0, 8, 32, [32, 64])
        self.fc = nn.Sequential(nn.Linear(64, 32, bias=False), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.0), nn.Linear(32, 3))

    def forward(self, xyz):
        l1_xyz, l1 = self.sa1(xyz, None)
        l2_xyz, l2 = self.sa2(l1_xyz, l1)
        up = three_nn_interpolate(l1_xyz, l2_xyz, l2)
        return F.log_softmax(self.fc(l2.max(1)[0]), -1), up


net = Net()
# SGD, not the repos' Adam: some BN biases here get only rounding noise (~1e-9), which Adam would blow up to full steps
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.7)
for epoch in range(8):
    net.train()
    perm = torch.randperm(len(labels))
    for idx in perm.split(16):
        out, _ = net(clouds[idx])
        loss = F.nll_loss(out, labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    sched.step()
    net.eval()
    with torch.no_grad():
        out, up = net(clouds)
        acc = out.argmax(1).eq(labels).sum().item()
    print(f"epoch {epoch} loss {loss.item():.4f} acc {acc}/{len(labels)} lr {sched.get_last_lr()[0]:.5f}")
print("upsampled", tuple(up.shape), f"{up.mean().item():.4f}")
print("bn running_var[:3]", [round(v, 4) for v in net.sa1.bns[0].running_var[:3].tolist()])
