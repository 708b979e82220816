"""Self-distillation with a momentum teacher, as the BYOL and DINO reference
code and their minimal ports write it: a student encoder + projector (+ the
BYOL predictor), a teacher made by copy.deepcopy with requires_grad_(False),
updated under torch.no_grad by an EMA over parameters three ways (MoCo's
param_k.data.mul_(m).add_(...), torch._foreach_mul_/_foreach_add_ with
alpha, torch._foreach_lerp_) with a cosine momentum schedule; BYOL's
symmetric normalized-MSE loss with stop-gradient, DINO's multi-crop loss
with a centered and sharpened teacher (center EMA in a buffer, temperature
warm-up by np.linspace, student/teacher temperatures), two augmented
"views" of the bundled digits (random crops by F.pad + indexing, noise,
pixel dropout), BatchNorm1d in the heads, SGD (BYOL) and AdamW (DINO) with
weight decay skipped for biases and norms, the gradient norm of the last layer
frozen for the first epoch (DINO's cancel_gradients_last_layer), and the
teacher's kNN accuracy. Seeded: every number agrees."""

import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

pixels, labels = digits()
X = torch.tensor(pixels[:512], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels[:512])
X_test, y_test = torch.tensor(pixels[1500:1700], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0, \
    torch.tensor(labels[1500:1700])
mean, std = X.mean(), X.std()  # transforms.Normalize with the dataset's statistics
X, X_test = (X - mean) / std, (X_test - mean) / std


def augment(x, crop=6, out=8):
    """A random crop resized back by nearest interpolation, gaussian noise and pixel dropout."""
    b = x.size(0)
    i = torch.randint(0, out - crop + 1, (b,))
    j = torch.randint(0, out - crop + 1, (b,))
    rows = (i[:, None] + torch.arange(crop))[:, :, None]
    cols = (j[:, None] + torch.arange(crop))[:, None, :]
    crops = x[torch.arange(b)[:, None, None], 0, rows, cols].unsqueeze(1)
    x = F.interpolate(crops, size=(out, out), mode="nearest")
    x = x + 0.1 * torch.randn_like(x)
    return F.dropout(x, p=0.1, training=True) * 0.9


def local_crop(x, crop=4):
    """DINO's small local views: a padded random 4x4 window, upsampled to 8x8."""
    x = F.pad(x, (1, 1, 1, 1))
    i, j = torch.randint(0, 10 - crop + 1, (2,)).tolist()
    return F.interpolate(x[:, :, i:i + crop, j:j + crop], scale_factor=2, mode="bilinear", align_corners=False)


class Encoder(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                 nn.Flatten(), nn.Linear(16, dim))

    def forward(self, x):
        return self.net(x)


def mlp(in_dim, hidden, out_dim):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                         nn.Linear(hidden, out_dim))


class DINOHead(nn.Module):
    def __init__(self, in_dim, out_dim=24, bottleneck=16):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, 32), nn.GELU(), nn.Linear(32, bottleneck))
        self.last_layer = nn.utils.parametrizations.weight_norm(nn.Linear(bottleneck, out_dim, bias=False))
        self.last_layer.parametrizations.weight.original0.data.fill_(1)
        self.last_layer.parametrizations.weight.original0.requires_grad = False

    def forward(self, x):
        x = F.normalize(self.mlp(x), dim=-1, p=2)
        return self.last_layer(x)


def cosine_scheduler(base_value, final_value, total):
    return final_value + 0.5 * (base_value - final_value) * (1 + np.cos(np.pi * np.arange(total) / total))


def param_groups(model):
    regularized, not_regularized = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (not_regularized if name.endswith(".bias") or len(param.shape) == 1 else regularized).append(param)
    return [{"params": regularized}, {"params": not_regularized, "weight_decay": 0.0}]


def knn_accuracy(encoder, k=5):
    with torch.no_grad():
        bank = F.normalize(encoder(X), dim=1)
        query = F.normalize(encoder(X_test), dim=1)
        sim = query @ bank.t()
        topk_sim, topk_idx = sim.topk(k, dim=1)
        votes = torch.zeros(len(query), 10).scatter_add_(1, y[topk_idx], (topk_sim / 0.07).exp())
        return (votes.argmax(1) == y_test).float().mean().item()


# ------------------------------------------------------------------ BYOL
def byol_loss(p, z):
    p, z = F.normalize(p, dim=-1, p=2), F.normalize(z, dim=-1, p=2)
    return 2 - 2 * (p * z.detach()).sum(dim=-1)


online = nn.Sequential(Encoder(), mlp(32, 64, 16))
predictor = mlp(16, 64, 16)
target = copy.deepcopy(online)
for p in target.parameters():
    p.requires_grad_(False)
params = list(online.parameters()) + list(predictor.parameters())
opt = torch.optim.SGD(param_groups(nn.ModuleList([online, predictor])), lr=0.1, momentum=0.9, weight_decay=1e-4)
steps_per_epoch, epochs = 4, 3
momentum_schedule = cosine_scheduler(0.99, 1.0, steps_per_epoch * epochs)
print("momentum schedule", [round(float(m), 6) for m in momentum_schedule[:4]])
print("knn before", knn_accuracy(online[0]))

it = 0
for epoch in range(epochs):
    perm = torch.randperm(len(X))
    for b in range(steps_per_epoch):
        x = X[perm[b * 128:(b + 1) * 128]]
        v1, v2 = augment(x), augment(x)
        p1, p2 = predictor(online(v1)), predictor(online(v2))
        with torch.no_grad():
            z1, z2 = target(v1), target(v2)
        loss = (byol_loss(p1, z2) + byol_loss(p2, z1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        m = float(momentum_schedule[it])
        with torch.no_grad():
            if it % 2 == 0:  # MoCo's spelling
                for param_q, param_k in zip(online.parameters(), target.parameters()):
                    param_k.data.mul_(m).add_((1 - m) * param_q.detach().data)
            else:  # the fused spelling of timm / lightly
                tp, op = list(target.parameters()), list(online.parameters())
                torch._foreach_mul_(tp, m)
                torch._foreach_add_(tp, op, alpha=1 - m)
        it += 1
    diff = sum((a - b).pow(2).sum() for a, b in zip(online.parameters(), target.parameters())).sqrt()
    print(f"byol epoch {epoch} | loss {loss.item():.5f} | online-target distance {diff.item():.5f}")
print(f"byol knn acc online {knn_accuracy(online[0]):.4f} target {knn_accuracy(target[0]):.4f}")


# ------------------------------------------------------------------ DINO
class DINOLoss(nn.Module):
    def __init__(self, out_dim, ncrops, warmup_teacher_temp, teacher_temp, warmup_epochs, nepochs,
                 student_temp=0.1, center_momentum=0.9):
        super().__init__()
        self.student_temp = student_temp
        self.center_momentum = center_momentum
        self.ncrops = ncrops
        self.register_buffer("center", torch.zeros(1, out_dim))
        self.teacher_temp_schedule = np.concatenate((
            np.linspace(warmup_teacher_temp, teacher_temp, warmup_epochs),
            np.ones(nepochs - warmup_epochs) * teacher_temp))

    def forward(self, student_output, teacher_output, epoch):
        student_out = (student_output / self.student_temp).chunk(self.ncrops)
        temp = self.teacher_temp_schedule[epoch]
        teacher_out = F.softmax((teacher_output - self.center) / temp, dim=-1).detach().chunk(2)
        total_loss, n_loss_terms = 0, 0
        for iq, q in enumerate(teacher_out):
            for v in range(len(student_out)):
                if v == iq:
                    continue  # skip the teacher's own view
                loss = torch.sum(-q * F.log_softmax(student_out[v], dim=-1), dim=-1)
                total_loss += loss.mean()
                n_loss_terms += 1
        self.update_center(teacher_output)
        return total_loss / n_loss_terms

    @torch.no_grad()
    def update_center(self, teacher_output):
        batch_center = torch.sum(teacher_output, dim=0, keepdim=True) / len(teacher_output)
        self.center = self.center * self.center_momentum + batch_center * (1 - self.center_momentum)


student = nn.Sequential(Encoder(), DINOHead(32))
teacher = copy.deepcopy(student)
teacher.requires_grad_(False)
dino_loss = DINOLoss(24, ncrops=4, warmup_teacher_temp=0.04, teacher_temp=0.07, warmup_epochs=2, nepochs=3)
opt = torch.optim.AdamW(param_groups(student), lr=2e-3, weight_decay=4e-2)
print("dino trainable", sum(p.numel() for p in student.parameters() if p.requires_grad),
      "teacher trainable", sum(p.numel() for p in teacher.parameters() if p.requires_grad))
it = 0
for epoch in range(3):
    perm = torch.randperm(len(X))
    for b in range(steps_per_epoch):
        x = X[perm[b * 128:(b + 1) * 128]]
        globals_ = [augment(x), augment(x)]
        crops = globals_ + [local_crop(x), local_crop(x)]
        teacher_output = teacher(torch.cat(globals_))
        student_output = student(torch.cat(crops))
        loss = dino_loss(student_output, teacher_output, epoch)
        opt.zero_grad()
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(student.parameters(), 3.0)
        if epoch < 1:  # cancel_gradients_last_layer
            for n, p in student.named_parameters():
                if "last_layer" in n:
                    p.grad = None
        opt.step()
        with torch.no_grad():
            m = float(momentum_schedule[it])
            torch._foreach_lerp_(list(teacher.parameters()), list(student.parameters()), 1 - m)
        it += 1
    with torch.no_grad():
        probs = F.softmax((teacher_output - dino_loss.center) / 0.07, dim=-1)
        entropy = -(probs * probs.clamp_min(1e-12).log()).sum(-1).mean()
    print(f"dino epoch {epoch} | loss {loss.item():.5f} | grad norm {grad_norm.item():.5f} | "
          f"teacher entropy {entropy.item():.5f} | center norm {dino_loss.center.norm().item():.6f}")
print(f"dino knn acc student {knn_accuracy(student[0]):.4f} teacher {knn_accuracy(teacher[0]):.4f}")
print("last-layer g", [round(v, 5) for v in student[1].last_layer.parametrizations.weight.original0.flatten()[:4].tolist()])
