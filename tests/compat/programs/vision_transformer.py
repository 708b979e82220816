"""A small Vision Transformer in the style of pytorch/examples' vision_transformer
on the bundled 8x8 digits: patches by F.unfold (checked against a strided
Conv2d patch embedding and a reshape/permute "rearrange"), a learned class
token and position embedding (nn.Parameter, trunc_normal_ replaced by fixed
values), nn.TransformerEncoder with batch_first, norm_first and GELU, an
MLP head on the class token, AdamW with a warmup + cosine schedule and label
smoothing; then attention maps from the first layer. Dropout 0 and fixed
weights: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)


class PatchEmbedding(nn.Module):
    def __init__(self, img_size, patch_size, in_channels, embed_dim):
        super().__init__()
        self.patch_size = patch_size
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Linear(in_channels * patch_size ** 2, embed_dim)

    def forward(self, x):
        patches = F.unfold(x, kernel_size=self.patch_size, stride=self.patch_size)   # (B, C*p*p, N)
        return self.proj(patches.transpose(1, 2))


class ViT(nn.Module):
    def __init__(self, img_size=8, patch_size=2, in_channels=1, num_classes=10, embed_dim=32, depth=2,
                 num_heads=4, mlp_ratio=2.0, dropout=0.0):
        super().__init__()
        self.patch_embed = PatchEmbedding(img_size, patch_size, in_channels, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        self.pos_drop = nn.Dropout(p=dropout)
        layer = nn.TransformerEncoderLayer(embed_dim, num_heads, int(embed_dim * mlp_ratio), dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)

    def forward(self, x):
        x = self.patch_embed(x)
        cls_tokens = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_tokens, x), dim=1)
        x = self.pos_drop(x + self.pos_embed)
        x = self.encoder(x)
        return self.head(self.norm(x)[:, 0])


pixels, labels = digits()
x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
x = (x - 0.3) / 0.4
y = torch.tensor(labels)
x_train, y_train, x_test, y_test = x[:1000], y[:1000], x[1400:], y[1400:]

model = ViT()
print("trunc_normal within its bounds", bool((model.pos_embed.abs() <= 2).all()),
      "params", sum(p.numel() for p in model.parameters()))
with torch.no_grad():
    for i, (name, p) in enumerate(model.named_parameters()):
        if "norm" in name and name.endswith("weight"):
            continue
        fan_in = p.shape[-1] if p.dim() > 1 else 4 * p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.23 + i).reshape(p.shape) / fan_in ** 0.5)

# three ways to cut patches agree
pe = model.patch_embed
conv = nn.Conv2d(1, 32, kernel_size=2, stride=2)
with torch.no_grad():
    conv.weight.copy_(pe.proj.weight.reshape(32, 1, 2, 2))
    conv.bias.copy_(pe.proj.bias)
    via_conv = conv(x[:3]).flatten(2).transpose(1, 2)
    b, c, h, w = x[:3].shape
    rearranged = x[:3].reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(b, 16, c * 4)
    print("unfold == conv", torch.allclose(pe(x[:3]), via_conv, atol=1e-5),
          "unfold == rearrange", torch.allclose(F.unfold(x[:3], 2, stride=2).transpose(1, 2), rearranged),
          "fold inverts", torch.allclose(F.fold(F.unfold(x[:3], 2, stride=2), (8, 8), 2, stride=2), x[:3]))

epochs, steps_per_epoch, warmup = 4, 10, 5
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
total = epochs * steps_per_epoch
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / (total - warmup))))
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    for step in range(steps_per_epoch):
        xb, yb = x_train[100 * step:100 * (step + 1)], y_train[100 * step:100 * (step + 1)]
        loss = criterion(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        acc = (logits.argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch} | loss {loss.item():.5f} | test loss {F.cross_entropy(logits, y_test).item():.5f}"
          f" | acc {acc:.4f} | lr {scheduler.get_last_lr()[0]:.6f}")

# attention of the class token in the first layer, through the layer's own MultiheadAttention
layer0 = model.encoder.layers[0]
with torch.no_grad():
    tokens = torch.cat((model.cls_token.expand(2, -1, -1), model.patch_embed(x_test[:2])), 1) + model.pos_embed
    normed = layer0.norm1(tokens)
    out, weights = layer0.self_attn(normed, normed, normed, need_weights=True, average_attn_weights=False)
    _, avg = layer0.self_attn(normed, normed, normed)
print("attention", tuple(weights.shape), tuple(avg.shape), "rows sum to one",
      torch.allclose(weights.sum(-1), torch.ones(2, 4, 17)), "average", torch.allclose(weights.mean(1), avg))
cls_att = avg[0, 0, 1:].reshape(4, 4)
print("cls attention map row 0", [round(v, 5) for v in cls_att[0].tolist()], "argmax patch", cls_att.argmax().item())
