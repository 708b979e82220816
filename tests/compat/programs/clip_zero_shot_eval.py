"""CLIP-style zero-shot evaluation after a short contrastive fit: a text transformer with a causal mask
built by fill_(-inf).triu_(1), EOT pooling with x[arange, text.argmax(-1)], a learned logit_scale
initialised to log(1/0.07) and clamped to 100 (both the .data.clamp_ and the torch.clamp idioms), prompt
ensembling of class embeddings, top-1/top-5 accuracy and a linear-probe style logit readout."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n_cls, ctx, vocab, width, embed = 10, 8, 40, 32, 16
SOT, EOT = vocab - 2, vocab - 1
templates = [[3, 4], [5, 6, 7], [8]]  # "a photo of a {}", "{}", ...


def tokenize(tokens):
    out = torch.zeros(len(tokens), ctx, dtype=torch.long)
    for i, t in enumerate(tokens):
        seq = [SOT] + t + [EOT]
        out[i, : len(seq)] = torch.tensor(seq)
    return out


class TextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.empty(ctx, width))
        layer = nn.TransformerEncoderLayer(width, 4, width * 4, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed))
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        nn.init.normal_(self.text_projection, std=width ** -0.5)
        self.register_buffer("attn_mask", self.build_attention_mask(), persistent=False)

    def build_attention_mask(self):
        mask = torch.empty(ctx, ctx)
        mask.fill_(float("-inf"))
        mask.triu_(1)
        return mask

    def forward(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x, mask=self.attn_mask)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


class CLIP(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.GELU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                                    nn.Linear(32, embed))
        self.text = TextEncoder()
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))

    def encode_image(self, img):
        return self.visual(img)

    def forward(self, img, text):
        i = self.encode_image(img)
        t = self.text(text)
        i = i / i.norm(dim=1, keepdim=True)
        t = t / t.norm(dim=1, keepdim=True)
        logit_scale = self.logit_scale.exp()
        logits_per_image = logit_scale * i @ t.t()
        return logits_per_image, logits_per_image.t()


model = CLIP()
print("mask", model.text.attn_mask[:3, :3])
print("logit_scale", model.logit_scale, f"exp {model.logit_scale.exp().item():.4f}")

# images: class c is a blob at a class-specific spot with class-specific intensity
protos = torch.randn(n_cls, 1, 6, 6)
labels = torch.arange(n_cls).repeat_interleave(12)
images = protos[labels] + 0.3 * torch.randn(len(labels), 1, 6, 6)
captions = tokenize([[10 + int(c)] for c in labels])
print("captions", tuple(captions.shape), captions[0].tolist(), "eot at", captions.argmax(-1)[:3].tolist())

opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.1, betas=(0.9, 0.98), eps=1e-6)
for step in range(40):
    idx = torch.randperm(len(labels))[:32]
    li, lt = model(images[idx], captions[idx])
    ground_truth = torch.arange(len(idx))
    loss = (F.cross_entropy(li, ground_truth) + F.cross_entropy(lt, ground_truth)) / 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        model.logit_scale.clamp_(0, np.log(100))
    if step % 8 == 0 or step == 39:
        print(f"step {step:2d} loss {loss.item():.4f} scale {model.logit_scale.exp().item():.4f}")

model.eval()
with torch.no_grad():
    weights = []
    for c in range(n_cls):
        texts = tokenize([t + [10 + c] for t in templates])
        emb = model.text(texts)
        emb = emb / emb.norm(dim=-1, keepdim=True)
        emb = emb.mean(dim=0)
        emb /= emb.norm()
        weights.append(emb)
    zeroshot_weights = torch.stack(weights, dim=1)
    print("zeroshot weights", tuple(zeroshot_weights.shape), f"col norm {zeroshot_weights.norm(dim=0).mean():.4f}")

    test = protos[labels] + 0.3 * torch.randn(len(labels), 1, 6, 6)
    feats = F.normalize(model.encode_image(test), dim=-1)
    logits = 100.0 * feats @ zeroshot_weights
    pred = logits.topk(5, 1, True, True)[1].t()
    correct = pred.eq(labels.view(1, -1).expand_as(pred))
    top1 = correct[:1].reshape(-1).float().sum(0, keepdim=True)
    top5 = correct[:5].reshape(-1).float().sum(0, keepdim=True)
    print(f"top1 {top1.item() / len(labels) * 100:.2f} top5 {top5.item() / len(labels) * 100:.2f}")
    probs = logits.softmax(dim=-1)
    print("probs[0]", probs[0].numpy().round(3))
    scale = torch.clamp(model.logit_scale.exp(), max=100)
    print("clamped scale", scale, scale.dtype, scale.requires_grad)
    values, indices = probs[0].topk(3)
    for v, i in zip(values, indices):
        print(f"  class {i.item()}: {100 * v.item():.2f}%")
