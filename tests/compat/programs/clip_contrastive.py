"""CLIP trained from scratch on the bundled 8x8 digits and their captions, the
way OpenAI's model.py and the "CLIP from scratch" notebooks write it: a vision
transformer (Conv2d patchify with stride, a class embedding concatenated with
expand, scale * torch.randn positional parameters, ln_pre/ln_post, proj
matrices), a text transformer over nn.MultiheadAttention with a float causal
mask (torch.empty(...).fill_(-inf).triu_(1)), QuickGELU (x * sigmoid(1.702
x)), OrderedDict-named residual MLPs, EOT pooling by x[torch.arange(B),
text.argmax(dim=-1)], initialize_parameters with nn.init.normal_ and
per-layer std, a learned logit_scale (log(1/0.07), exp, clamp to 100 by
.data.clamp_), the symmetric cross-entropy on image/text logits with labels
torch.arange, and zero-shot classification from prompt embeddings
(F.normalize, softmax over the class prompts). Seeded: every number agrees."""

from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from _data import digits

torch.manual_seed(0)


class LayerNorm(nn.LayerNorm):
    """Subclass torch's LayerNorm to handle fp16."""

    def forward(self, x: torch.Tensor):
        orig_type = x.dtype
        ret = super().forward(x.type(torch.float32))
        return ret.type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model: int, n_head: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x: torch.Tensor):
        self.attn_mask = self.attn_mask.to(dtype=x.dtype, device=x.device) if self.attn_mask is not None else None
        return self.attn(x, x, x, need_weights=False, attn_mask=self.attn_mask)[0]

    def forward(self, x: torch.Tensor):
        x = x + self.attention(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x: torch.Tensor):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim):
        super().__init__()
        self.input_resolution = input_resolution
        self.output_dim = output_dim
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1)
        x = x.permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype,
                                                                     device=x.device), x], dim=1)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_post(x[:, 0, :])
        if self.proj is not None:
            x = x @ self.proj
        return x


class CLIP(nn.Module):
    def __init__(self, embed_dim, image_resolution, vision_layers, vision_width, vision_patch_size,
                 context_length, vocab_size, transformer_width, transformer_heads, transformer_layers):
        super().__init__()
        self.context_length = context_length
        self.visual = VisionTransformer(input_resolution=image_resolution, patch_size=vision_patch_size,
                                        width=vision_width, layers=vision_layers, heads=vision_width // 16,
                                        output_dim=embed_dim)
        self.transformer = Transformer(width=transformer_width, layers=transformer_layers, heads=transformer_heads,
                                       attn_mask=self.build_attention_mask())
        self.vocab_size = vocab_size
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(self.context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))
        self.initialize_parameters()

    def initialize_parameters(self):
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        proj_std = (self.transformer.width ** -0.5) * ((2 * self.transformer.layers) ** -0.5)
        attn_std = self.transformer.width ** -0.5
        fc_std = (2 * self.transformer.width) ** -0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        if self.text_projection is not None:
            nn.init.normal_(self.text_projection, std=self.transformer.width ** -0.5)

    def build_attention_mask(self):
        mask = torch.empty(self.context_length, self.context_length)
        mask.fill_(float("-inf"))
        mask.triu_(1)
        return mask

    @property
    def dtype(self):
        return self.visual.conv1.weight.dtype

    def encode_image(self, image):
        return self.visual(image.type(self.dtype))

    def encode_text(self, text):
        x = self.token_embedding(text).type(self.dtype)
        x = x + self.positional_embedding.type(self.dtype)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_final(x).type(self.dtype)
        x = x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection
        return x

    def forward(self, image, text):
        image_features = self.encode_image(image)
        text_features = self.encode_text(text)
        image_features = image_features / image_features.norm(dim=1, keepdim=True)
        text_features = text_features / text_features.norm(dim=1, keepdim=True)
        logit_scale = self.logit_scale.exp()
        logits_per_image = logit_scale * image_features @ text_features.t()
        logits_per_text = logits_per_image.t()
        return logits_per_image, logits_per_text


NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEMPLATES = ["a photo of the number {}", "a digit {}", "{} written by hand"]
words = sorted({w for t in TEMPLATES for w in t.format("").split()} | set(NAMES))
vocab = ["<pad>", "<sot>"] + words + ["<eot>"]  # <eot> has the largest id, so argmax finds it
stoi = {w: i for i, w in enumerate(vocab)}
CONTEXT = 8


def tokenize(texts):
    result = torch.zeros(len(texts), CONTEXT, dtype=torch.long)
    for i, t in enumerate(texts):
        toks = [stoi["<sot>"]] + [stoi[w] for w in t.split()] + [stoi["<eot>"]]
        result[i, : len(toks)] = torch.tensor(toks)
    return result


pixels, labels = digits()
images = torch.tensor(pixels[:400], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
images = (images - images.mean()) / images.std()
targets = torch.tensor(labels[:400])
print("tokens", tokenize(["a digit seven"]).tolist()[0], "vocab", len(vocab))

model = CLIP(embed_dim=16, image_resolution=8, vision_layers=2, vision_width=32, vision_patch_size=2,
             context_length=CONTEXT, vocab_size=len(vocab), transformer_width=32, transformer_heads=4,
             transformer_layers=2)
print("params", sum(p.numel() for p in model.parameters()), f"logit_scale {model.logit_scale.item():.5f}")
print("mask row 2", model.transformer.resblocks[0].attn_mask[2].tolist())

optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.0)
loss_img = nn.CrossEntropyLoss()
loss_txt = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(7)
for step in range(16):
    idx = torch.randperm(len(images), generator=g)[:10]
    # one caption per distinct digit: a batch without repeated labels
    _, first = np.unique(targets[idx].numpy(), return_index=True)
    idx = idx[torch.from_numpy(np.sort(first))]
    caps = [TEMPLATES[(step + j) % 3].format(NAMES[int(targets[i])]) for j, i in enumerate(idx)]
    logits_per_image, logits_per_text = model(images[idx], tokenize(caps))
    ground_truth = torch.arange(len(idx), dtype=torch.long)
    total_loss = (loss_img(logits_per_image, ground_truth) + loss_txt(logits_per_text, ground_truth)) / 2
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step()
    model.logit_scale.data = torch.clamp(model.logit_scale.data, 0, 4.6052)
    if step % 5 == 0 or step == 15:
        print(f"step {step:2d} | batch {len(idx)} | loss {total_loss.item():.5f} | scale {model.logit_scale.exp().item():.4f}")

model.eval()
with torch.no_grad():
    zeroshot_weights = []
    for name in NAMES:
        emb = model.encode_text(tokenize([t.format(name) for t in TEMPLATES]))
        emb = F.normalize(emb, dim=-1).mean(dim=0)
        zeroshot_weights.append(emb / emb.norm())
    zeroshot_weights = torch.stack(zeroshot_weights, dim=1)
    image_features = F.normalize(model.encode_image(images[:100]), dim=-1)
    probs = (100.0 * image_features @ zeroshot_weights).softmax(dim=-1)
top1 = (probs.argmax(dim=-1) == targets[:100]).float().mean().item()
values, indices = probs[0].topk(3)
print(f"zero-shot top1 {top1:.3f}", "first image", int(targets[0]), "->",
      [(NAMES[i], f"{v:.4f}") for v, i in zip(values.tolist(), indices.tolist())])
print("classes predicted", torch.bincount(probs.argmax(dim=-1), minlength=10).tolist())
