"""A capsule network with dynamic routing-by-agreement as the popular PyTorch
CapsNet ports (gram-ai/capsule-networks, higgsfield's notebook) write it, at
toy size: primary capsules from a Conv2d reshaped and squashed (squared norm
with keepdim, scale / (1 + sq) / sqrt), prediction vectors u_hat from a
broadcast 5-D torch.matmul of W (1, in, out, d_out, d_in) with x[..., None],
the same by torch.einsum, routing logits b_ij updated by agreement
(u_hat transposed matmul v_j, mean over the batch) with F.softmax over the
out-capsule dim, three iterations with u_hat detached in all but the last,
the margin loss with relu(0.9 - |v|)**2, a reconstruction decoder fed the
capsule masked by torch.eye(n).index_select(dim=0, index=argmax), and a short
Adam run on synthetic 12x12 images. Seeded, so every number agrees with
PyTorch."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

NUM_CLASSES = 3


def squash(tensor, dim=-1):
    squared_norm = (tensor ** 2).sum(dim=dim, keepdim=True)
    scale = squared_norm / (1 + squared_norm)
    return scale * tensor / torch.sqrt(squared_norm + 1e-8)


class PrimaryCaps(nn.Module):
    def __init__(self, num_capsules=4, in_channels=8, out_channels=4, kernel_size=3, stride=2):
        super().__init__()
        self.capsules = nn.ModuleList([nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride)
                                       for _ in range(num_capsules)])

    def forward(self, x):
        outputs = [capsule(x).view(x.size(0), -1, 1) for capsule in self.capsules]
        outputs = torch.cat(outputs, dim=-1)
        return squash(outputs)


class DigitCaps(nn.Module):
    def __init__(self, num_routes, in_dim=4, num_capsules=NUM_CLASSES, out_dim=6, iterations=3):
        super().__init__()
        self.num_routes, self.num_capsules, self.iterations = num_routes, num_capsules, iterations
        self.W = nn.Parameter(0.1 * torch.randn(1, num_routes, num_capsules, out_dim, in_dim))

    def predictions(self, x):
        # x: (B, routes, in_dim) -> u_hat: (B, routes, caps, out_dim)
        return torch.matmul(self.W, x[:, :, None, :, None]).squeeze(-1)

    def forward(self, x):
        batch_size = x.size(0)
        u_hat = self.predictions(x)
        u_hat_detached = u_hat.detach()
        b_ij = torch.zeros(1, self.num_routes, self.num_capsules, 1)
        for iteration in range(self.iterations):
            c_ij = F.softmax(b_ij, dim=2)
            if iteration == self.iterations - 1:
                s_j = (c_ij * u_hat).sum(dim=1, keepdim=True)
                v_j = squash(s_j)
            else:
                s_j = (c_ij * u_hat_detached).sum(dim=1, keepdim=True)
                v_j = squash(s_j)
                a_ij = torch.matmul(u_hat_detached.unsqueeze(-2), v_j.unsqueeze(-1)).squeeze(-1)
                b_ij = b_ij + a_ij.mean(dim=0, keepdim=True)
        self.last_c = c_ij
        return v_j.squeeze(1).view(batch_size, self.num_capsules, -1)


class Decoder(nn.Module):
    def __init__(self, caps_dim=6, image_pixels=144):
        super().__init__()
        self.reconstruction_layers = nn.Sequential(
            nn.Linear(caps_dim * NUM_CLASSES, 32), nn.ReLU(inplace=True), nn.Linear(32, image_pixels), nn.Sigmoid())

    def forward(self, x, data, target=None):
        classes = torch.sqrt((x ** 2).sum(2))
        classes = F.softmax(classes, dim=1)
        if target is None:
            _, max_length_indices = classes.max(dim=1)
        else:
            max_length_indices = target
        masked = torch.eye(NUM_CLASSES).index_select(dim=0, index=max_length_indices)
        t = (x * masked[:, :, None]).view(x.size(0), -1)
        reconstructions = self.reconstruction_layers(t)
        return reconstructions.view(-1, 1, 12, 12), masked


class CapsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_layer = nn.Conv2d(1, 8, kernel_size=3, stride=1)
        self.primary_capsules = PrimaryCaps()
        self.digit_capsules = DigitCaps(num_routes=4 * 4 * 4)
        self.decoder = Decoder()
        self.mse_loss = nn.MSELoss(reduction="sum")

    def forward(self, data, target=None):
        output = self.digit_capsules(self.primary_capsules(F.relu(self.conv_layer(data))))
        reconstructions, masked = self.decoder(output, data, target)
        return output, reconstructions, masked

    def margin_loss(self, x, labels):
        batch_size = x.size(0)
        v_c = torch.sqrt((x ** 2).sum(dim=2, keepdim=True))
        left = F.relu(0.9 - v_c).view(batch_size, -1)
        right = F.relu(v_c - 0.1).view(batch_size, -1)
        loss = labels * left ** 2 + 0.5 * (1.0 - labels) * right ** 2
        return loss.sum(dim=1).mean()

    def reconstruction_loss(self, data, reconstructions):
        batch_size = reconstructions.size(0)
        return self.mse_loss(reconstructions.view(batch_size, -1), data.view(batch_size, -1)) / batch_size

    def loss(self, data, x, target, reconstructions):
        return self.margin_loss(x, target) + 0.0005 * self.reconstruction_loss(data, reconstructions)


v = squash(torch.tensor([[3.0, 4.0], [0.1, 0.0], [0.0, 0.0]]))
print("squash", [[round(a, 5) for a in row] for row in v.tolist()], "norms",
      [round(a, 5) for a in v.norm(dim=-1).tolist()])

model = CapsNet()
print("params", sum(p.numel() for p in model.parameters()))
xcaps = squash(torch.randn(2, 64, 4))
u1 = model.digit_capsules.predictions(xcaps)
u2 = torch.einsum("rcoi,bri->brco", model.digit_capsules.W[0], xcaps)
print("u_hat", tuple(u1.shape), "matmul == einsum", torch.allclose(u1, u2, atol=1e-6))

# data: vertical bar, horizontal bar, diagonal on 12x12, intensities in [0, 1]
g = torch.Generator().manual_seed(5)
N = 30
labels = torch.arange(N) % NUM_CLASSES
yy, xx = torch.meshgrid(torch.arange(12), torch.arange(12), indexing="ij")
shapes = torch.stack([((xx - 6).abs() <= 1), ((yy - 5).abs() <= 1), ((xx - yy).abs() <= 1)]).float()
images = (shapes[labels] * 0.8 + 0.2 * torch.rand(N, 12, 12, generator=g)).unsqueeze(1)

optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(4):
    model.train()
    perm = torch.randperm(N)
    train_loss, correct = 0.0, 0
    for i in range(0, N, 10):
        idx = perm[i:i + 10]
        data, target = images[idx], labels[idx]
        target_onehot = torch.eye(NUM_CLASSES).index_select(dim=0, index=target)
        optimizer.zero_grad()
        output, reconstructions, masked = model(data, target)
        loss = model.loss(data, output, target_onehot, reconstructions)
        loss.backward()
        optimizer.step()
        train_loss += loss.item()
        correct += (output.norm(dim=-1).argmax(1) == target).sum().item()
    print(f"epoch {epoch} loss {train_loss / 3:.6f} train accuracy {correct / N:.4f}")

model.eval()
with torch.no_grad():
    output, reconstructions, masked = model(images)
lengths = output.norm(dim=-1)
print("test accuracy", (lengths.argmax(1) == labels).float().mean().item(),
      "masked rows", masked.sum(1).tolist()[:6])
print("lengths", [round(a, 5) for a in lengths[0].tolist()],
      f"recon mse {F.mse_loss(reconstructions, images).item():.6f}")
c = model.digit_capsules.last_c
print("coupling", tuple(c.shape), "sums to one", torch.allclose(c.sum(2), torch.ones(1, 64, 1)),
      f"max {c.max().item():.6f}")
