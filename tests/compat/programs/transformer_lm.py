"""The word-level Transformer language model of PyTorch's tutorial and
word_language_model example: PositionalEncoding kept with register_buffer
(div_term from torch.exp(torch.arange(...) * (-math.log(10000.0) / d_model))),
nn.TransformerEncoder over nn.TransformerEncoderLayer (sequence first),
nn.Transformer.generate_square_subsequent_mask, batchify/get_batch,
clip_grad_norm_, SGD with StepLR, evaluate under no_grad. Dropout is 0 and the
weights are fixed, so the losses can be compared closely."""

import math
import time

import torch
from torch import Tensor, nn
from torch.nn import TransformerEncoder, TransformerEncoderLayer

from _data import text


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pe[: x.size(0)]
        return self.dropout(x)


class TransformerModel(nn.Module):
    def __init__(self, ntoken: int, d_model: int, nhead: int, d_hid: int, nlayers: int, dropout: float = 0.5):
        super().__init__()
        self.model_type = "Transformer"
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
        self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)
        self.init_weights()

    def init_weights(self) -> None:
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.linear.bias.data.zero_()
        self.linear.weight.data.uniform_(-initrange, initrange)

    def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        if src_mask is None:
            src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
        output = self.transformer_encoder(src, src_mask)
        output = self.linear(output)
        return output


def batchify(data: Tensor, bsz: int) -> Tensor:
    seq_len = data.size(0) // bsz
    data = data[: seq_len * bsz]
    data = data.view(bsz, seq_len).t().contiguous()
    return data


def get_batch(source: Tensor, i: int):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i : i + seq_len]
    target = source[i + 1 : i + 1 + seq_len].reshape(-1)
    return data, target


torch.manual_seed(0)
tokens = text(60_000).lower().split()
vocab = {w: i for i, w in enumerate(sorted(set(tokens)))}
ids = torch.tensor([vocab[w] for w in tokens], dtype=torch.long)
n = ids.numel()
train_data = batchify(ids[: int(0.9 * n)], 16)
val_data = batchify(ids[int(0.9 * n) :], 8)
bptt = 24

ntokens = len(vocab)
model = TransformerModel(ntokens, d_model=32, nhead=2, d_hid=64, nlayers=2, dropout=0.0)
with torch.no_grad():
    for i, (name, p) in enumerate(model.named_parameters()):
        scale = 0.1 if p.dim() > 1 else 0.02
        p.copy_(scale * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.61 + 0.3 * i).view_as(p))
print(f"{ntokens} tokens, train {tuple(train_data.shape)}, "
      f"{sum(p.numel() for p in model.parameters())} parameters")

criterion = nn.CrossEntropyLoss()
lr = 1.0
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)


def train(model: nn.Module) -> None:
    model.train()
    total_loss = 0.0
    log_interval = 10
    start_time = time.time()
    num_batches = len(train_data) // bptt
    for batch, i in enumerate(range(0, min(train_data.size(0) - 1, 30 * bptt), bptt)):
        data, targets = get_batch(train_data, i)
        output = model(data)
        output_flat = output.view(-1, ntokens)
        loss = criterion(output_flat, targets)

        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()

        total_loss += loss.item()
        if batch % log_interval == 0 and batch > 0:
            lr = scheduler.get_last_lr()[0]
            ms_per_batch = (time.time() - start_time) * 1000 / log_interval
            cur_loss = total_loss / log_interval
            print(f"| epoch {epoch:3d} | {batch:5d}/{num_batches:5d} batches | lr {lr:02.2f} | "
                  f"ms/batch {ms_per_batch:5.2f} | loss {cur_loss:5.4f} | ppl {math.exp(cur_loss):8.2f}")
            total_loss = 0
            start_time = time.time()


def evaluate(model: nn.Module, eval_data: Tensor) -> float:
    model.eval()
    total_loss = 0.0
    with torch.no_grad():
        for i in range(0, eval_data.size(0) - 1, bptt):
            data, targets = get_batch(eval_data, i)
            seq_len = data.size(0)
            output = model(data)
            output_flat = output.view(-1, ntokens)
            total_loss += seq_len * criterion(output_flat, targets).item()
    return total_loss / (len(eval_data) - 1)


for epoch in range(1, 3):
    epoch_start_time = time.time()
    train(model)
    val_loss = evaluate(model, val_data)
    print(f"| end of epoch {epoch:3d} | valid loss {val_loss:5.4f} | valid ppl {math.exp(val_loss):8.2f}")
    scheduler.step()
