"""ConvNeXt as the official repository (and timm) writes it, scaled down: a
depthwise 7x7 Conv2d, LayerNorm over channels done channels-last by permute
(and a channels_first LayerNorm written by hand with mean/pow/sqrt), a Linear
pointwise MLP with GELU, layer scale gamma, stochastic depth (drop_path with
torch.rand on shape (B, 1, 1, 1), floor_ and div), a patchify stem and
downsampling layers, trunc_normal_ init through apply, AdamW with a no-decay
group, and a cosine schedule with warmup. Everything is seeded, so every
number agrees with PyTorch."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def drop_path(x, drop_prob: float = 0.0, training: bool = False, scale_by_keep: bool = True):
    if drop_prob == 0.0 or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    random_tensor = x.new_empty(shape).bernoulli_(keep_prob)
    if keep_prob > 0.0 and scale_by_keep:
        random_tensor.div_(keep_prob)
    return x * random_tensor


def drop_path_rand(x, drop_prob, training):
    # the older (DeiT/ConvNeXt v1) form: torch.rand, then floor_
    if drop_prob == 0.0 or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    random_tensor = keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device)
    random_tensor.floor_()
    return x.div(keep_prob) * random_tensor


class DropPath(nn.Module):
    def __init__(self, drop_prob=None, use_rand=False):
        super().__init__()
        self.drop_prob = drop_prob
        self.use_rand = use_rand

    def forward(self, x):
        if self.use_rand:
            return drop_path_rand(x, self.drop_prob, self.training)
        return drop_path(x, self.drop_prob, self.training)

    def extra_repr(self):
        return f"drop_prob={round(self.drop_prob, 3):0.3f}"


class LayerNorm(nn.Module):
    r"""LayerNorm that supports two data formats: channels_last (default) or channels_first."""

    def __init__(self, normalized_shape, eps=1e-6, data_format="channels_last"):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps
        self.data_format = data_format
        if self.data_format not in ["channels_last", "channels_first"]:
            raise NotImplementedError
        self.normalized_shape = (normalized_shape,)

    def forward(self, x):
        if self.data_format == "channels_last":
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        x = self.weight[:, None, None] * x + self.bias[:, None, None]
        return x


class Block(nn.Module):
    def __init__(self, dim, drop_path=0.0, layer_scale_init_value=1e-6, use_rand=False):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(layer_scale_init_value * torch.ones((dim)),
                                  requires_grad=True) if layer_scale_init_value > 0 else None
        self.drop_path = DropPath(drop_path, use_rand) if drop_path > 0.0 else nn.Identity()

    def forward(self, x):
        input = x
        x = self.dwconv(x)
        x = x.permute(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
        x = self.norm(x)
        x = self.pwconv1(x)
        x = self.act(x)
        x = self.pwconv2(x)
        if self.gamma is not None:
            x = self.gamma * x
        x = x.permute(0, 3, 1, 2)  # (N, H, W, C) -> (N, C, H, W)
        x = input + self.drop_path(x)
        return x


class ConvNeXt(nn.Module):
    def __init__(self, in_chans=3, num_classes=5, depths=(1, 2), dims=(8, 16), drop_path_rate=0.2,
                 layer_scale_init_value=0.5, head_init_scale=1.0):
        super().__init__()
        self.downsample_layers = nn.ModuleList()
        stem = nn.Sequential(
            nn.Conv2d(in_chans, dims[0], kernel_size=2, stride=2),
            LayerNorm(dims[0], eps=1e-6, data_format="channels_first"),
        )
        self.downsample_layers.append(stem)
        for i in range(len(dims) - 1):
            downsample_layer = nn.Sequential(
                LayerNorm(dims[i], eps=1e-6, data_format="channels_first"),
                nn.Conv2d(dims[i], dims[i + 1], kernel_size=2, stride=2),
            )
            self.downsample_layers.append(downsample_layer)
        self.stages = nn.ModuleList()
        dp_rates = [x.item() for x in torch.linspace(0, drop_path_rate, sum(depths))]
        cur = 0
        for i in range(len(dims)):
            stage = nn.Sequential(*[Block(dim=dims[i], drop_path=dp_rates[cur + j],
                                          layer_scale_init_value=layer_scale_init_value,
                                          use_rand=(i == 1)) for j in range(depths[i])])
            self.stages.append(stage)
            cur += depths[i]
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Linear(dims[-1], num_classes)
        self.apply(self._init_weights)
        self.head.weight.data.mul_(head_init_scale)
        self.head.bias.data.mul_(head_init_scale)

    def _init_weights(self, m):
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=0.2)
            nn.init.constant_(m.bias, 0)

    def forward_features(self, x):
        for i in range(len(self.stages)):
            x = self.downsample_layers[i](x)
            x = self.stages[i](x)
        return self.norm(x.mean([-2, -1]))  # global average pooling, (N, C, H, W) -> (N, C)

    def forward(self, x):
        return self.head(self.forward_features(x))


model = ConvNeXt()
print(model.stages[1][1].drop_path)
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("params", n_params)
print("trunc_normal in range", all(m.weight.abs().max().item() <= 2.0 for m in model.modules()
                                    if isinstance(m, (nn.Conv2d, nn.Linear))))
print("dwconv weight", tuple(model.stages[0][0].dwconv.weight.shape), "groups", model.stages[0][0].dwconv.groups)

# the two LayerNorm formats agree
ln_first = LayerNorm(8, data_format="channels_first")
ln_last = LayerNorm(8)
with torch.no_grad():
    ln_first.weight.copy_(torch.linspace(0.5, 1.5, 8))
    ln_last.weight.copy_(torch.linspace(0.5, 1.5, 8))
    ln_first.bias.fill_(0.1)
    ln_last.bias.fill_(0.1)
t = torch.randn(2, 8, 4, 4)
a = ln_first(t)
b = ln_last(t.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
print("layernorm formats agree", torch.allclose(a, b, atol=1e-5))

# drop path: which samples survive, and the expectation is kept
x = torch.ones(8, 3, 2, 2)
dp = DropPath(0.5)
dp.train()
out = dp(x)
print("drop_path kept", out[:, 0, 0, 0].tolist())
dp_r = DropPath(0.25, use_rand=True).train()
out_r = dp_r(x)
print("drop_path (rand) kept", [round(v, 4) for v in out_r[:, 0, 0, 0].tolist()])
dp.eval()
print("eval is identity", torch.equal(dp(x), x))

# synthetic data: 5 classes of coloured blobs on 16x16 images
g = torch.Generator().manual_seed(1)
N = 40
labels = torch.arange(N) % 5
yy, xx = torch.meshgrid(torch.arange(16.0), torch.arange(16.0), indexing="ij")
cx = (labels.float() * 3 + 2)[:, None, None]
blob = torch.exp(-((xx - cx) ** 2 + (yy - 8) ** 2) / 8.0)
images = blob[:, None] * torch.tensor([1.0, 0.5, -0.5])[None, :, None, None]
images = images + 0.3 * torch.randn(N, 3, 16, 16, generator=g)

decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if p.ndim <= 1 or name.endswith(".gamma") else decay).append(p)
print("decay tensors", len(decay), "no_decay tensors", len(no_decay))
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                               {"params": no_decay, "weight_decay": 0.0}], lr=4e-3)
epochs, steps_per_epoch, warmup = 6, 4, 4
total = epochs * steps_per_epoch


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(N)
    running = 0.0
    for i in range(steps_per_epoch):
        idx = perm[i * 10:(i + 1) * 10]
        logits = model(images[idx])
        loss = criterion(logits, labels[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        scheduler.step()
        running += loss.item()
    model.eval()
    with torch.no_grad():
        acc = (model(images).argmax(1) == labels).float().mean().item()
    print(f"epoch {epoch} loss {running / steps_per_epoch:.5f} grad_norm {grad_norm.item():.4f} "
          f"lr {scheduler.get_last_lr()[0]:.6f} acc {acc:.4f}")

print("gamma", [round(v, 5) for v in model.stages[0][0].gamma[:4].tolist()])
with torch.no_grad():
    feats = model.forward_features(images[:4])
print("features", tuple(feats.shape), f"{feats.abs().mean().item():.5f}")
