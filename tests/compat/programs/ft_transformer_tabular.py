"""FT-Transformer on a synthetic tabular task, as the rtdl paper's minimal code writes it: a feature
tokenizer (a weight and bias per numeric feature, one shared embedding table with per-column offsets for
the categoricals), a [CLS] token, pre-norm blocks with ReGLU feed-forwards, AdamW with the no-decay
parameter group for tokenizer/norm/bias parameters, and attention maps averaged over heads."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

N, n_num, cards = 512, 5, [3, 4, 2]
x_num = torch.randn(N, n_num)
x_cat = torch.stack([torch.randint(0, c, (N,)) for c in cards], dim=1)
logit = x_num[:, 0] * 1.5 - x_num[:, 1] * x_num[:, 2] + (x_cat[:, 0] == 1).float() - 0.5 * x_cat[:, 1].float()
y = (logit > 0).long()
print("data", tuple(x_num.shape), x_num.dtype, tuple(x_cat.shape), x_cat.dtype, "positives", int(y.sum()))


class FeatureTokenizer(nn.Module):
    def __init__(self, n_num, cards, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_num + 1, d))  # +1: the [CLS] "feature"
        self.bias = nn.Parameter(torch.empty(n_num + len(cards), d))
        self.register_buffer("category_offsets", torch.tensor([0] + cards[:-1]).cumsum(0))
        self.category_embeddings = nn.Embedding(sum(cards), d)
        for p in (self.weight, self.bias, self.category_embeddings.weight):
            nn.init.kaiming_uniform_(p, a=math.sqrt(5))

    def forward(self, x_num, x_cat):
        x_num = torch.cat([torch.ones(len(x_num), 1), x_num], dim=1)
        x = self.weight[None] * x_num[:, :, None]
        x = torch.cat([x, self.category_embeddings(x_cat + self.category_offsets[None])], dim=1)
        bias = torch.cat([torch.zeros(1, self.bias.shape[1]), self.bias])
        return x + bias[None]


class ReGLU(nn.Module):
    def forward(self, x):
        a, b = x.chunk(2, dim=-1)
        return a * F.relu(b)


class Block(nn.Module):
    def __init__(self, d, heads, ffn, first):
        super().__init__()
        self.norm0 = None if first else nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=0.0, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ffn * 2), ReGLU(), nn.Linear(ffn, d))

    def forward(self, x, last):
        h = x if self.norm0 is None else self.norm0(x)
        q = h[:, :1] if last else h  # the last block only needs the [CLS] query
        out, w = self.attn(q, h, h, need_weights=True, average_attn_weights=True)
        x = (x[:, :1] if last else x) + out
        x = x + self.ffn(self.norm1(x))
        return x, w


class FTTransformer(nn.Module):
    def __init__(self, d=16, heads=4, blocks=2):
        super().__init__()
        self.tokenizer = FeatureTokenizer(n_num, cards, d)
        self.blocks = nn.ModuleList(Block(d, heads, int(d * 4 / 3), i == 0) for i in range(blocks))
        self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, 2))

    def forward(self, x_num, x_cat):
        x = self.tokenizer(x_num, x_cat)
        maps = []
        for i, blk in enumerate(self.blocks):
            x, w = blk(x, last=i == len(self.blocks) - 1)
            maps.append(w)
        return self.head(x[:, 0]), maps


model = FTTransformer()
print(model.tokenizer)
print("tokens", tuple(model.tokenizer(x_num[:3], x_cat[:3]).shape), "offsets", model.tokenizer.category_offsets.tolist())
no_decay = [p for n, p in model.named_parameters() if "tokenizer" in n or "norm" in n or n.endswith(".bias")]
decay = [p for n, p in model.named_parameters() if not ("tokenizer" in n or "norm" in n or n.endswith(".bias"))]
print("groups", len(decay), len(no_decay), sum(p.numel() for p in decay), sum(p.numel() for p in no_decay))
opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-3, weight_decay=1e-5)

train, test = torch.arange(400), torch.arange(400, N)
for epoch in range(6):
    model.train()
    perm = train[torch.randperm(len(train))]
    total = 0.0
    for idx in perm.split(64):
        logits, _ = model(x_num[idx], x_cat[idx])
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits, maps = model(x_num[test], x_cat[test])
        acc = (logits.argmax(1) == y[test]).float().mean().item()
    print(f"epoch {epoch} | train loss {total / len(train):.4f} | grad norm {gn.item():.4f} | test acc {acc:.4f}")

print("attention maps", [tuple(m.shape) for m in maps])
cls_attn = maps[-1][:, 0].mean(0)
print("feature importance", [f"{v:.4f}" for v in cls_attn.tolist()], f"sum {cls_attn.sum().item():.4f}")
print("state keys", list(model.state_dict())[:6])
print("opt state step", opt.state[model.tokenizer.weight]["step"])
