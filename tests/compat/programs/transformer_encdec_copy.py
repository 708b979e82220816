"""The full nn.Transformer encoder-decoder as "language translation with nn.Transformer" tutorials use
it, on a toy sort task: Transformer.generate_square_subsequent_mask, src/tgt/memory key padding masks,
sinusoidal positional encoding as a registered buffer, norm_first=True with activation="gelu" and
batch_first=True, a shared-embedding generator head (weight tying), label smoothing, Adam with the
"Noam" warmup in a LambdaLR, then greedy autoregressive decoding that reuses the encoder memory.
Dropout, data and init all come from the seed."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

PAD, BOS, EOS = 0, 1, 2
V = 12
D = 32


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return self.dropout(x + self.pe[:, : x.size(1)])


class Seq2SeqTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, D, padding_idx=PAD)
        self.pos = PositionalEncoding(D)
        self.transformer = nn.Transformer(d_model=D, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                                          dim_feedforward=64, dropout=0.1, activation="gelu",
                                          batch_first=True, norm_first=True)
        self.generator = nn.Linear(D, V, bias=False)
        self.generator.weight = self.emb.weight  # weight tying

    def embed(self, x):
        return self.pos(self.emb(x) * math.sqrt(D))

    def encode(self, src, src_pad):
        return self.transformer.encoder(self.embed(src), src_key_padding_mask=src_pad)

    def decode(self, tgt, memory, src_pad):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.transformer.decoder(self.embed(tgt), memory, tgt_mask=mask, tgt_is_causal=True,
                                        memory_key_padding_mask=src_pad,
                                        tgt_key_padding_mask=tgt == PAD)

    def forward(self, src, tgt):
        src_pad = src == PAD
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        out = self.transformer(self.embed(src), self.embed(tgt), tgt_mask=mask,
                               src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt == PAD,
                               memory_key_padding_mask=src_pad)
        return self.generator(out)


def batch(n, lo=3, hi=7):
    src = torch.full((n, hi), PAD)
    tgt = torch.full((n, hi + 2), PAD)
    for i in range(n):
        L = int(torch.randint(lo, hi + 1, ()).item())
        s = torch.randint(3, V, (L,))
        src[i, :L] = s
        tgt[i, 0] = BOS
        tgt[i, 1:L + 1] = s.sort().values
        tgt[i, L + 1] = EOS
    return src, tgt


print("mask 4\n", nn.Transformer.generate_square_subsequent_mask(4))
model = Seq2SeqTransformer()
n_params = sum(p.numel() for p in model.parameters())
print("parameters", n_params, "tied", model.generator.weight is model.emb.weight)
print("buffers", [(n, tuple(b.shape)) for n, b in model.named_buffers()])
print("state_dict keys", len(model.state_dict()), "generator.weight" in model.state_dict())
opt = torch.optim.Adam(model.parameters(), lr=1.0, betas=(0.9, 0.98), eps=1e-9)
warmup = 10
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: D ** -0.5 * min((s + 1) ** -0.5, (s + 1) * warmup ** -1.5))
crit = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)
for step in range(1, 41):
    model.train()
    src, tgt = batch(16)
    logits = model(src, tgt[:, :-1])
    loss = crit(logits.reshape(-1, V), tgt[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 8 == 0:
        print(f"step {step:2d} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.6f}")


@torch.no_grad()
def greedy(src, max_len=9):
    model.eval()
    src_pad = src == PAD
    memory = model.encode(src, src_pad)
    ys = torch.full((src.size(0), 1), BOS)
    for _ in range(max_len):
        out = model.decode(ys, memory, src_pad)
        nxt = model.generator(out[:, -1]).argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], dim=1)
    return ys


src, tgt = batch(4)
print("src", src.tolist())
print("greedy", greedy(src).tolist())
print("target", tgt.tolist())
model.eval()
with torch.no_grad():
    src, tgt = batch(32)
    logits = model(src, tgt[:, :-1])
    pred = logits.argmax(-1)
    mask = tgt[:, 1:] != PAD
    print("teacher-forced token acc", round(((pred == tgt[:, 1:]) & mask).sum().item() / mask.sum().item(), 4))
    print("eval loss", round(F.cross_entropy(logits.reshape(-1, V), tgt[:, 1:].reshape(-1), ignore_index=PAD).item(), 4))
