"""lucidrains/vit-pytorch variants as its readers copy them, with the einops calls spelled in torch:
SimpleViT's posemb_sincos_2d (torch.meshgrid indexing="ij", omega = 1 / temperature ** arange, flatten,
cat of sin/cos), CaiT (LayerScale whose init eps depends on depth, talking-heads attention by einsum with
mix_heads_pre/post_attn parameters, class-attention layers attending from the cls token to cat((cls, x)),
layer dropout by torch.zeros(n).uniform_(0, 1) < dropout), a DeepViT re-attention with a learnable
head-mixing matrix and LayerNorm over heads via permute, dropout_layers, a masked-attention variant
filling -torch.finfo(dtype).max with F.pad(mask.flatten(1), (1, 0), value=True), and a short training
run on 8x8 digits split into 2x2 patches with AdamW and a cosine schedule."""

import math

import torch
import torch.nn.functional as F
from torch import einsum, nn

import _data

torch.set_num_threads(1)
torch.manual_seed(0)


def pair(t):
    return t if isinstance(t, tuple) else (t, t)


def posemb_sincos_2d(h, w, dim, temperature: int = 10000, dtype=torch.float32):
    y, x = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    assert (dim % 4) == 0, "feature dimension must be multiple of 4 for sincos emb"
    omega = torch.arange(dim // 4) / (dim // 4 - 1)
    omega = 1.0 / (temperature ** omega)
    y = y.flatten()[:, None] * omega[None, :]
    x = x.flatten()[:, None] * omega[None, :]
    pe = torch.cat((x.sin(), x.cos(), y.sin(), y.cos()), dim=1)
    return pe.type(dtype)


def to_patches(img, p):
    b, c, hh, ww = img.shape
    x = img.reshape(b, c, hh // p, p, ww // p, p).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(b, (hh // p) * (ww // p), p * p * c)


def dropout_layers(layers, dropout):
    if dropout == 0:
        return layers
    num_layers = len(layers)
    to_drop = torch.zeros(num_layers).uniform_(0.0, 1.0) < dropout
    if all(to_drop):
        rand_index = torch.randint(0, num_layers, (1,))
        to_drop[rand_index] = False
    layers = [layer for (layer, drop) in zip(layers, to_drop) if not drop]
    return layers


class LayerScale(nn.Module):
    def __init__(self, dim, fn, depth):
        super().__init__()
        if depth <= 18:
            init_eps = 0.1
        elif depth > 18 and depth <= 24:
            init_eps = 1e-5
        else:
            init_eps = 1e-6
        scale = torch.zeros(1, 1, dim).fill_(init_eps)
        self.scale = nn.Parameter(scale)
        self.fn = fn

    def forward(self, x, **kwargs):
        return self.fn(x, **kwargs) * self.scale


class FeedForward(nn.Module):
    def __init__(self, dim, hidden_dim, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden_dim), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(hidden_dim, dim), nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class TalkingHeadsAttention(nn.Module):
    def __init__(self, dim, heads=8, dim_head=64, dropout=0.0):
        super().__init__()
        inner_dim = dim_head * heads
        self.heads = heads
        self.scale = dim_head ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner_dim, bias=False)
        self.to_kv = nn.Linear(dim, inner_dim * 2, bias=False)
        self.attend = nn.Softmax(dim=-1)
        self.dropout = nn.Dropout(dropout)
        self.mix_heads_pre_attn = nn.Parameter(torch.randn(heads, heads))
        self.mix_heads_post_attn = nn.Parameter(torch.randn(heads, heads))
        self.to_out = nn.Sequential(nn.Linear(inner_dim, dim), nn.Dropout(dropout))

    def split_heads(self, t):
        b, n, _ = t.shape
        return t.view(b, n, self.heads, -1).transpose(1, 2)

    def forward(self, x, context=None):
        b, n, _ = x.shape
        x = self.norm(x)
        context = x if context is None else torch.cat((x, context), dim=1)
        qkv = (self.to_q(x), *self.to_kv(context).chunk(2, dim=-1))
        q, k, v = map(self.split_heads, qkv)
        dots = einsum("b h i d, b h j d -> b h i j", q, k) * self.scale
        dots = einsum("b h i j, h g -> b g i j", dots, self.mix_heads_pre_attn)
        attn = self.attend(dots)
        attn = self.dropout(attn)
        attn = einsum("b h i j, h g -> b g i j", attn, self.mix_heads_post_attn)
        out = einsum("b h i j, b h j d -> b h i d", attn, v)
        out = out.transpose(1, 2).reshape(b, n, -1)
        return self.to_out(out)


class CaiTTransformer(nn.Module):
    def __init__(self, dim, depth, heads, dim_head, mlp_dim, dropout=0.0, layer_dropout=0.0):
        super().__init__()
        self.layers = nn.ModuleList([])
        self.layer_dropout = layer_dropout
        for ind in range(depth):
            self.layers.append(nn.ModuleList([
                LayerScale(dim, TalkingHeadsAttention(dim, heads=heads, dim_head=dim_head, dropout=dropout),
                           depth=ind + 1),
                LayerScale(dim, FeedForward(dim, mlp_dim, dropout=dropout), depth=ind + 1),
            ]))

    def forward(self, x, context=None):
        layers = dropout_layers(self.layers, dropout=self.layer_dropout)
        for attn, ff in layers:
            x = attn(x, context=context) + x
            x = ff(x) + x
        return x


class CaiT(nn.Module):
    def __init__(self, *, image_size, patch_size, num_classes, dim, depth, cls_depth, heads, mlp_dim,
                 dim_head=64, dropout=0.0, emb_dropout=0.0, layer_dropout=0.0):
        super().__init__()
        num_patches = (image_size // patch_size) ** 2
        patch_dim = patch_size ** 2
        self.patch_size = patch_size
        self.to_patch_embedding = nn.Sequential(nn.LayerNorm(patch_dim), nn.Linear(patch_dim, dim), nn.LayerNorm(dim))
        self.pos_embedding = nn.Parameter(torch.randn(1, num_patches, dim))
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        self.dropout = nn.Dropout(emb_dropout)
        self.patch_transformer = CaiTTransformer(dim, depth, heads, dim_head, mlp_dim, dropout, layer_dropout)
        self.cls_transformer = CaiTTransformer(dim, cls_depth, heads, dim_head, mlp_dim, dropout, layer_dropout)
        self.mlp_head = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, num_classes))

    def forward(self, img):
        x = self.to_patch_embedding(to_patches(img, self.patch_size))
        b, n, _ = x.shape
        x += self.pos_embedding[:, :n]
        x = self.dropout(x)
        x = self.patch_transformer(x)
        cls_tokens = self.cls_token.expand(b, -1, -1)
        x = self.cls_transformer(cls_tokens, context=x)
        return self.mlp_head(x[:, 0])


class ReAttention(nn.Module):
    def __init__(self, dim, heads=4, dim_head=16):
        super().__init__()
        inner_dim = dim_head * heads
        self.heads = heads
        self.scale = dim_head ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.to_qkv = nn.Linear(dim, inner_dim * 3, bias=False)
        self.reattn_weights = nn.Parameter(torch.randn(heads, heads))
        self.reattn_norm = nn.LayerNorm(heads)
        self.to_out = nn.Linear(inner_dim, dim)

    def forward(self, x, mask=None):
        b, n, _ = x.shape
        h = self.heads
        x = self.norm(x)
        q, k, v = (t.view(b, n, h, -1).transpose(1, 2) for t in self.to_qkv(x).chunk(3, dim=-1))
        dots = einsum("b h i d, b h j d -> b h i j", q, k) * self.scale
        if mask is not None:
            mask = F.pad(mask.flatten(1), (1, 0), value=True)
            mask = mask[:, None, :] * mask[:, :, None]
            dots.masked_fill_(~mask[:, None], -torch.finfo(dots.dtype).max)
        attn = dots.softmax(dim=-1)
        attn = einsum("b h i j, h g -> b g i j", attn, self.reattn_weights)
        attn = self.reattn_norm(attn.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        out = einsum("b h i j, b h j d -> b h i d", attn, v)
        return self.to_out(out.transpose(1, 2).reshape(b, n, -1))


pe = posemb_sincos_2d(3, 4, 8)
print("posemb", pe.shape, pe[5])
img = torch.arange(2 * 64, dtype=torch.float32).view(2, 1, 8, 8) / 64
print("patches", to_patches(img, 2).shape, to_patches(img, 4)[1, 3, :5])
layers = nn.ModuleList([nn.Identity() for _ in range(6)])
torch.manual_seed(3)
print("kept layers", len(dropout_layers(layers, 0.5)), len(dropout_layers(layers, 0.99)))
print("layerscale eps", [LayerScale(4, nn.Identity(), d).scale[0, 0, 0].item() for d in (1, 20, 30)])

torch.manual_seed(1)
rea = ReAttention(16)
tokens = torch.randn(2, 5, 16)
mask = torch.tensor([[True, True, True, False], [True, True, False, False]])
out = rea(tokens, mask=mask)
print("reattention", out.shape, out[0, 0, :4], out[1, 4, :4])
print("finfo max", -torch.finfo(torch.float32).max, torch.finfo(torch.float16).max)

pixels, labels = _data.digits()
x = torch.tensor(pixels / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
y = torch.tensor(labels)
xtr, ytr, xte, yte = x[:600], y[:600], x[1500:1700], y[1500:1700]

torch.manual_seed(2)
model = CaiT(image_size=8, patch_size=2, num_classes=10, dim=32, depth=2, cls_depth=1, heads=4, mlp_dim=64,
             dim_head=8, dropout=0.1, emb_dropout=0.1, layer_dropout=0.1)
print("CaiT params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
steps = 5 * (600 // 50)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
for epoch in range(5):
    model.train()
    perm = torch.randperm(600)
    total = 0.0
    for i in range(0, 600, 50):
        idx = perm[i:i + 50]
        loss = F.cross_entropy(model(xtr[idx]), ytr[idx], label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(-1) == yte).float().mean().item()
    print(f"epoch {epoch} loss {total / 12:.5f} test acc {acc:.4f} lr {sched.get_last_lr()[0]:.6f}")
print("mix_heads_pre_attn", model.patch_transformer.layers[0][0].fn.mix_heads_pre_attn[0])
print("layer scale after training", model.cls_transformer.layers[0][1].scale.flatten()[:4])
