"""A masked autoencoder (MAE) pretrained on the bundled 8x8 digits, the way
facebookresearch/mae's models_mae.py writes it at toy size: patchify and
unpatchify by reshape and torch.einsum('nchpwq->nhwpqc'), per-sample random
masking by torch.argsort of torch.rand noise with ids_restore and
torch.gather of index.unsqueeze(-1).repeat, a class token expanded over the
batch, a decoder that appends mask tokens (repeat), unshuffles them with
torch.gather and adds its own fixed 2-D sin-cos position embedding, the loss
with norm_pix_loss (per-patch mean and var, (var + 1e-6) ** 0.5) averaged over
the masked patches only, nn.init.xavier_uniform_ on linears and
torch.nn.init.normal_(std=.02) on the tokens, AdamW with betas (0.9, 0.95) and
a half-cycle cosine with warmup written per iteration; then the encoder's
class token as features for a linear probe. Seeded: every number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)


def get_2d_sincos_pos_embed(embed_dim, grid_size, cls_token=False):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    emb_h = _1d(embed_dim // 2, grid[0])
    emb_w = _1d(embed_dim // 2, grid[1])
    pos_embed = np.concatenate([emb_h, emb_w], axis=1)
    if cls_token:
        pos_embed = np.concatenate([np.zeros([1, embed_dim]), pos_embed], axis=0)
    return pos_embed


def _1d(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.
    omega = 1. / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class MaskedAutoencoderViT(nn.Module):
    def __init__(self, img_size=8, patch_size=2, in_chans=1, embed_dim=32, depth=2, num_heads=4,
                 decoder_embed_dim=24, decoder_depth=1, decoder_num_heads=4, norm_pix_loss=True):
        super().__init__()
        self.patch_size = patch_size
        self.patch_embed = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        num_patches = (img_size // patch_size) ** 2
        self.num_patches = num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim, bias=True)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, decoder_embed_dim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(decoder_embed_dim, decoder_num_heads) for _ in range(decoder_depth)])
        self.decoder_norm = nn.LayerNorm(decoder_embed_dim, eps=1e-6)
        self.decoder_pred = nn.Linear(decoder_embed_dim, patch_size ** 2 * in_chans, bias=True)
        self.norm_pix_loss = norm_pix_loss
        self.initialize_weights()

    def initialize_weights(self):
        grid = int(self.num_patches ** .5)
        pos_embed = get_2d_sincos_pos_embed(self.pos_embed.shape[-1], grid, cls_token=True)
        self.pos_embed.data.copy_(torch.from_numpy(pos_embed).float().unsqueeze(0))
        decoder_pos_embed = get_2d_sincos_pos_embed(self.decoder_pos_embed.shape[-1], grid, cls_token=True)
        self.decoder_pos_embed.data.copy_(torch.from_numpy(decoder_pos_embed).float().unsqueeze(0))
        w = self.patch_embed.weight.data
        torch.nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        torch.nn.init.normal_(self.cls_token, std=.02)
        torch.nn.init.normal_(self.mask_token, std=.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def patchify(self, imgs):
        p = self.patch_size
        assert imgs.shape[2] == imgs.shape[3] and imgs.shape[2] % p == 0
        h = w = imgs.shape[2] // p
        x = imgs.reshape(shape=(imgs.shape[0], 1, h, p, w, p))
        x = torch.einsum("nchpwq->nhwpqc", x)
        return x.reshape(shape=(imgs.shape[0], h * w, p ** 2 * 1))

    def unpatchify(self, x):
        p = self.patch_size
        h = w = int(x.shape[1] ** .5)
        assert h * w == x.shape[1]
        x = x.reshape(shape=(x.shape[0], h, w, p, p, 1))
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(shape=(x.shape[0], 1, h * p, h * p))

    def random_masking(self, x, mask_ratio):
        N, L, D = x.shape
        len_keep = int(L * (1 - mask_ratio))
        noise = torch.rand(N, L, device=x.device)
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(x, dim=1, index=ids_keep.unsqueeze(-1).repeat(1, 1, D))
        mask = torch.ones([N, L], device=x.device)
        mask[:, :len_keep] = 0
        mask = torch.gather(mask, dim=1, index=ids_restore)
        return x_masked, mask, ids_restore

    def forward_encoder(self, x, mask_ratio):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = x + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, mask_ratio)
        cls_token = self.cls_token + self.pos_embed[:, :1, :]
        cls_tokens = cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_tokens, x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), mask, ids_restore

    def forward_decoder(self, x, ids_restore):
        x = self.decoder_embed(x)
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, dim=1, index=ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1)
        x = x + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        x = self.decoder_norm(x)
        x = self.decoder_pred(x)
        return x[:, 1:, :]

    def forward_loss(self, imgs, pred, mask):
        target = self.patchify(imgs)
        if self.norm_pix_loss:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.e-6) ** .5
        loss = (pred - target) ** 2
        loss = loss.mean(dim=-1)
        return (loss * mask).sum() / mask.sum()

    def forward(self, imgs, mask_ratio=0.75):
        latent, mask, ids_restore = self.forward_encoder(imgs, mask_ratio)
        pred = self.forward_decoder(latent, ids_restore)
        loss = self.forward_loss(imgs, pred, mask)
        return loss, pred, mask


def adjust_learning_rate(optimizer, epoch, lr=2e-3, min_lr=1e-5, warmup_epochs=1, epochs=4):
    if epoch < warmup_epochs:
        lr = lr * epoch / warmup_epochs
    else:
        lr = min_lr + (lr - min_lr) * 0.5 * (1. + math.cos(math.pi * (epoch - warmup_epochs) / (epochs - warmup_epochs)))
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr * param_group.get("lr_scale", 1.0)
    return lr


pixels, labels = digits()
imgs = torch.tensor(pixels[:384], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
ys = torch.tensor(labels[:384])
model = MaskedAutoencoderViT()
print("params", sum(p.numel() for p in model.parameters() if p.requires_grad))
x = model.patchify(imgs[:2])
print("patchify roundtrip", torch.equal(model.unpatchify(x), imgs[:2]), tuple(x.shape))

param_groups = [{"params": [p for n, p in model.named_parameters() if p.requires_grad and p.ndim >= 2], "weight_decay": 0.05},
                {"params": [p for n, p in model.named_parameters() if p.requires_grad and p.ndim < 2], "weight_decay": 0.0}]
optimizer = torch.optim.AdamW(param_groups, lr=2e-3, betas=(0.9, 0.95))
batch, steps_per_epoch = 48, 8
for epoch in range(4):
    perm = torch.randperm(len(imgs))
    for it in range(steps_per_epoch):
        lr = adjust_learning_rate(optimizer, it / steps_per_epoch + epoch)
        idx = perm[it * batch:(it + 1) * batch]
        loss, pred, mask = model(imgs[idx], mask_ratio=0.75)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} | loss {loss.item():.5f} | lr {lr:.6f} | masked per image {int(mask[0].sum())}")

model.eval()
torch.manual_seed(3)
with torch.no_grad():
    loss, pred, mask = model(imgs[:4], mask_ratio=0.75)
    recon = model.unpatchify(pred)
    mask_img = model.unpatchify(mask.unsqueeze(-1).repeat(1, 1, model.patch_size ** 2))
    feats = model.forward_encoder(imgs, mask_ratio=0.0)[0][:, 1:].mean(dim=1)
print(f"eval loss {loss.item():.5f} | visible pixels {int((1 - mask_img).sum())} | recon mean {recon.mean().item():.5f}")

feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-6)  # standardized, as a BatchNorm without affine would
probe = nn.Linear(feats.size(1), 10)
opt = torch.optim.SGD(probe.parameters(), lr=0.1, momentum=0.9)
for step in range(40):
    loss = F.cross_entropy(probe(feats[:300]), ys[:300])
    opt.zero_grad()
    loss.backward()
    opt.step()
acc = (probe(feats[300:]).argmax(1) == ys[300:]).float().mean().item()
print(f"linear probe | train loss {loss.item():.5f} | held-out acc {acc:.4f}")
