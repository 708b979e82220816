"""The UvA deep learning tutorial 6 (Transformers and multi-head attention),
written its way with the Lightning module unrolled into a plain loop:
scaled_dot_product with masked_fill(mask == 0, -9e15), expand_mask, the
MultiheadAttention module with one qkv_proj (xavier_uniform_, bias
.data.fill_(0)), reshape / permute / chunk(3, dim=-1) into heads,
EncoderBlock (post-norm, nn.ReLU(inplace=True) after Dropout),
TransformerEncoder with get_attention_maps, PositionalEncoding as a
non-persistent buffer, CosineWarmupScheduler subclassing
optim.lr_scheduler._LRScheduler (get_lr from self.last_epoch and
self.base_lrs), the ReverseDataset (torch.randint, torch.flip) trained with
F.one_hot(...).float() inputs and a view(-1, C) cross entropy, its attention
maps, and the set-anomaly task's permutation equivariance (no positional
encoding, torch.randperm, a squeezed logit per element). Seeded: every number
agrees."""

import math
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)


def seed_everything(seed):
    np.random.seed(seed)  # noqa: NPY002 - as pl.seed_everything does
    torch.manual_seed(seed)


def scaled_dot_product(q, k, v, mask=None):
    d_k = q.size()[-1]
    attn_logits = torch.matmul(q, k.transpose(-2, -1))
    attn_logits = attn_logits / math.sqrt(d_k)
    if mask is not None:
        attn_logits = attn_logits.masked_fill(mask == 0, -9e15)
    attention = F.softmax(attn_logits, dim=-1)
    values = torch.matmul(attention, v)
    return values, attention


seq_len, d_k = 3, 2
seed_everything(42)
q = torch.randn(seq_len, d_k)
k = torch.randn(seq_len, d_k)
v = torch.randn(seq_len, d_k)
values, attention = scaled_dot_product(q, k, v)
print("Q\n", q)
print("K\n", k)
print("V\n", v)
print("Values\n", values)
print("Attention\n", attention)
causal = torch.tril(torch.ones(seq_len, seq_len))
values, attention = scaled_dot_product(q, k, v, mask=causal)
print("Masked attention\n", attention)


def expand_mask(mask):
    assert mask.ndim >= 2, "Mask must be at least 2-dimensional with seq_length x seq_length"
    if mask.ndim == 3:
        mask = mask.unsqueeze(1)
    while mask.ndim < 4:
        mask = mask.unsqueeze(0)
    return mask


print(expand_mask(causal).shape, expand_mask(causal.unsqueeze(0).repeat(5, 1, 1)).shape)
try:
    expand_mask(torch.ones(3))
except AssertionError as e:
    print("AssertionError:", e)


class MultiheadAttention(nn.Module):
    def __init__(self, input_dim, embed_dim, num_heads):
        super().__init__()
        assert embed_dim % num_heads == 0, "Embedding dimension must be 0 modulo number of heads."
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.qkv_proj = nn.Linear(input_dim, 3 * embed_dim)
        self.o_proj = nn.Linear(embed_dim, embed_dim)
        self._reset_parameters()

    def _reset_parameters(self):
        nn.init.xavier_uniform_(self.qkv_proj.weight)
        self.qkv_proj.bias.data.fill_(0)
        nn.init.xavier_uniform_(self.o_proj.weight)
        self.o_proj.bias.data.fill_(0)

    def forward(self, x, mask=None, return_attention=False):
        batch_size, seq_length, _ = x.size()
        if mask is not None:
            mask = expand_mask(mask)
        qkv = self.qkv_proj(x)
        qkv = qkv.reshape(batch_size, seq_length, self.num_heads, 3 * self.head_dim)
        qkv = qkv.permute(0, 2, 1, 3)
        q, k, v = qkv.chunk(3, dim=-1)
        values, attention = scaled_dot_product(q, k, v, mask=mask)
        values = values.permute(0, 2, 1, 3)
        values = values.reshape(batch_size, seq_length, self.embed_dim)
        o = self.o_proj(values)
        if return_attention:
            return o, attention
        else:
            return o


class EncoderBlock(nn.Module):
    def __init__(self, input_dim, num_heads, dim_feedforward, dropout=0.0):
        """
        Args:
            input_dim: Dimensionality of the input
            num_heads: Number of heads to use in the attention block
            dim_feedforward: Dimensionality of the hidden layer in the MLP
            dropout: Dropout probability to use in the dropout layers
        """
        super().__init__()
        self.self_attn = MultiheadAttention(input_dim, input_dim, num_heads)
        self.linear_net = nn.Sequential(
            nn.Linear(input_dim, dim_feedforward),
            nn.Dropout(dropout),
            nn.ReLU(inplace=True),
            nn.Linear(dim_feedforward, input_dim),
        )
        self.norm1 = nn.LayerNorm(input_dim)
        self.norm2 = nn.LayerNorm(input_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        attn_out = self.self_attn(x, mask=mask)
        x = x + self.dropout(attn_out)
        x = self.norm1(x)
        linear_out = self.linear_net(x)
        x = x + self.dropout(linear_out)
        x = self.norm2(x)
        return x


class TransformerEncoder(nn.Module):
    def __init__(self, num_layers, **block_args):
        super().__init__()
        self.layers = nn.ModuleList([EncoderBlock(**block_args) for _ in range(num_layers)])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask=mask)
        return x

    def get_attention_maps(self, x, mask=None):
        attention_maps = []
        for layer in self.layers:
            _, attn_map = layer.self_attn(x, mask=mask, return_attention=True)
            attention_maps.append(attn_map)
            x = layer(x)
        return attention_maps


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        """
        Args
            d_model: Hidden dimensionality of the input.
            max_len: Maximum length of a sequence to expect.
        """
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)]
        return x


encod_block = PositionalEncoding(d_model=48, max_len=96)
pe = encod_block.pe.squeeze().T.cpu().numpy()
print("pe", pe.shape, np.round(pe[:4, :5], 5).tolist(), np.round(pe[-1, -3:], 5).tolist())
print("buffers", [n for n, _ in encod_block.named_buffers()], "state_dict", list(encod_block.state_dict().keys()))


class CosineWarmupScheduler(optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, warmup, max_iters):
        self.warmup = warmup
        self.max_num_iters = max_iters
        super().__init__(optimizer)

    def get_lr(self):
        lr_factor = self.get_lr_factor(epoch=self.last_epoch)
        return [base_lr * lr_factor for base_lr in self.base_lrs]

    def get_lr_factor(self, epoch):
        lr_factor = 0.5 * (1 + np.cos(np.pi * epoch / self.max_num_iters))
        if epoch <= self.warmup:
            lr_factor *= epoch * 1.0 / self.warmup
        return lr_factor


p = nn.Parameter(torch.empty(4, 4))
optimizer = optim.Adam([p], lr=1e-3)
lr_scheduler = CosineWarmupScheduler(optimizer=optimizer, warmup=100, max_iters=2000)
epochs = list(range(2000))
print("lr factors", [round(float(lr_scheduler.get_lr_factor(e)), 6) for e in epochs[::250]])
print("first lrs", optimizer.param_groups[0]["lr"], lr_scheduler.base_lrs, lr_scheduler.last_epoch)


class TransformerPredictor(nn.Module):
    def __init__(self, input_dim, model_dim, num_classes, num_heads, num_layers, lr, warmup, max_iters,
                 dropout=0.0, input_dropout=0.0):
        super().__init__()
        self.hparams = dict(input_dim=input_dim, model_dim=model_dim, num_classes=num_classes, num_heads=num_heads,
                            num_layers=num_layers, lr=lr, warmup=warmup, max_iters=max_iters, dropout=dropout,
                            input_dropout=input_dropout)
        self._create_model()

    def _create_model(self):
        hp = self.hparams
        self.input_net = nn.Sequential(
            nn.Dropout(hp["input_dropout"]), nn.Linear(hp["input_dim"], hp["model_dim"])
        )
        self.positional_encoding = PositionalEncoding(d_model=hp["model_dim"])
        self.transformer = TransformerEncoder(
            num_layers=hp["num_layers"],
            input_dim=hp["model_dim"],
            dim_feedforward=2 * hp["model_dim"],
            num_heads=hp["num_heads"],
            dropout=hp["dropout"],
        )
        self.output_net = nn.Sequential(
            nn.Linear(hp["model_dim"], hp["model_dim"]),
            nn.LayerNorm(hp["model_dim"]),
            nn.ReLU(inplace=True),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["model_dim"], hp["num_classes"]),
        )

    def forward(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        x = self.transformer(x, mask=mask)
        x = self.output_net(x)
        return x

    @torch.no_grad()
    def get_attention_maps(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        attention_maps = self.transformer.get_attention_maps(x, mask=mask)
        return attention_maps

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=self.hparams["lr"])
        self.lr_scheduler = CosineWarmupScheduler(
            optimizer, warmup=self.hparams["warmup"], max_iters=self.hparams["max_iters"]
        )
        return optimizer


class ReverseDataset(data.Dataset):
    def __init__(self, num_categories, seq_len, size):
        super().__init__()
        self.num_categories = num_categories
        self.seq_len = seq_len
        self.size = size
        self.data = torch.randint(self.num_categories, size=(self.size, self.seq_len))

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        inp_data = self.data[idx]
        labels = torch.flip(inp_data, dims=(0,))
        return inp_data, labels


seed_everything(42)
dataset = partial(ReverseDataset, 10, 8)
train_loader = data.DataLoader(dataset(512), batch_size=64, shuffle=True, drop_last=True, pin_memory=False)
val_loader = data.DataLoader(dataset(128), batch_size=64)
test_loader = data.DataLoader(dataset(128), batch_size=64)
inp_data, labels = train_loader.dataset[0]
print("Input data:", inp_data)
print("Labels:    ", labels)


class ReversePredictor(TransformerPredictor):
    def _calculate_loss(self, batch, mode="train"):
        inp_data, labels = batch
        inp_data = F.one_hot(inp_data, num_classes=self.hparams["num_classes"]).float()
        preds = self.forward(inp_data, add_positional_encoding=True)
        loss = F.cross_entropy(preds.view(-1, preds.size(-1)), labels.view(-1))
        acc = (preds.argmax(dim=-1) == labels).float().mean()
        return loss, acc


def evaluate(model, loader):
    model.eval()
    losses, accs = [], []
    with torch.no_grad():
        for batch in loader:
            loss, acc = model._calculate_loss(batch, mode="val")
            losses.append(loss.item())
            accs.append(acc.item())
    return float(np.mean(losses)), float(np.mean(accs))


def train_reverse(max_epochs=5, **kwargs):
    seed_everything(42)
    model = ReversePredictor(max_iters=max_epochs * len(train_loader), **kwargs)
    optimizer = model.configure_optimizers()
    for epoch in range(max_epochs):
        model.train()
        for step, batch in enumerate(train_loader):
            loss, acc = model._calculate_loss(batch, mode="train")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            model.lr_scheduler.step()
        val_loss, val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch} | train_loss {loss.item():.6f} train_acc {acc.item():.6f} | val_loss {val_loss:.6f} "
              f"val_acc {val_acc:.6f} | lr {model.lr_scheduler.get_last_lr()[0]:.8f}")
    test_loss, test_acc = evaluate(model, test_loader)
    print(f"test_loss {test_loss:.6f} test_acc {test_acc:.6f}")
    return model


reverse_model = train_reverse(
    input_dim=train_loader.dataset.num_categories,
    model_dim=32,
    num_heads=1,
    num_classes=train_loader.dataset.num_categories,
    num_layers=1,
    dropout=0.0,
    lr=5e-3,
    warmup=8,
)
data_input, labels = next(iter(val_loader))
inp_data = F.one_hot(data_input, num_classes=reverse_model.hparams["num_classes"]).float()
attention_maps = reverse_model.get_attention_maps(inp_data)
print(attention_maps[0].shape, len(attention_maps))
print("attention row sums", np.round(attention_maps[0][0, 0].sum(dim=-1)[:4].numpy(), 6).tolist())
print("anti-diagonal mass", attention_maps[0][:, 0].flip(-1).diagonal(dim1=-2, dim2=-1).mean().item())
mask = torch.tril(torch.ones(8, 8))
masked_maps = reverse_model.get_attention_maps(inp_data, mask=mask)
print("masked upper triangle", masked_maps[0][0, 0].triu(1).abs().max().item(), masked_maps[0][0, 0, 1, :3])


# ---------------------------------------------------------------- set anomaly detection (random features)
class AnomalyPredictor(TransformerPredictor):
    def _calculate_loss(self, batch, mode="train"):
        img_data, _, labels = batch
        preds = self.forward(img_data, add_positional_encoding=False)
        preds = preds.squeeze(dim=-1)
        loss = F.cross_entropy(preds, labels)
        top1 = (preds.argmax(dim=-1) == labels).float().mean()
        return loss, top1


seed_everything(42)
set_size, feat_dim, n_sets = 6, 12, 256
classes = torch.randn(4, feat_dim)
base = torch.randint(4, size=(n_sets,))
odd = (base + torch.randint(1, 4, size=(n_sets,))) % 4
feats = classes[base][:, None, :].repeat(1, set_size, 1) + 0.3 * torch.randn(n_sets, set_size, feat_dim)
anomaly_pos = torch.randint(set_size, size=(n_sets,))
feats[torch.arange(n_sets), anomaly_pos] = classes[odd] + 0.3 * torch.randn(n_sets, feat_dim)
anom_set = data.TensorDataset(feats, torch.arange(n_sets), anomaly_pos)
anom_loader = data.DataLoader(anom_set, batch_size=32, shuffle=True, drop_last=True)
anomaly_model = AnomalyPredictor(input_dim=feat_dim, model_dim=16, num_heads=4, num_classes=1, num_layers=2,
                                 dropout=0.1, input_dropout=0.1, lr=5e-3, warmup=10, max_iters=3 * len(anom_loader))
optimizer = anomaly_model.configure_optimizers()
for epoch in range(3):
    anomaly_model.train()
    for batch in anom_loader:
        loss, top1 = anomaly_model._calculate_loss(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        anomaly_model.lr_scheduler.step()
    print(f"anomaly epoch {epoch} | loss {loss.item():.6f} top1 {top1.item():.6f}")
anomaly_model.eval()
inp_data, indices, labels = next(iter(anom_loader))
with torch.no_grad():
    preds = anomaly_model(inp_data, add_positional_encoding=False)
    preds = F.softmax(preds.squeeze(dim=-1), dim=-1)
    permut = torch.randperm(inp_data.shape[1])
    perm_inp_data = inp_data[:, permut]
    perm_preds = anomaly_model(perm_inp_data, add_positional_encoding=False)
    perm_preds = F.softmax(perm_preds.squeeze(dim=-1), dim=-1)
print("permutation", permut.tolist(), "equivariant", (preds[:, permut] - perm_preds).abs().max().item() < 1e-5)
print("preds", preds[0], "label", labels[0].item())
