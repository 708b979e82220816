"""nn.Transformer the way seq2seq blog posts write it: generate_square_subsequent_mask printed (float and
float64), src/tgt/memory key padding masks as bool tensors built from the pad id, tgt_is_causal, a
float -inf padding mask given to the encoder, an eval-mode encoder under no_grad (whose padded
positions come back as zeros, as PyTorch's nested-tensor fast path gives them), MultiheadAttention with
need_weights and average_attn_weights=False, a bool attn_mask, a norm_first decoder with a final
LayerNorm, parameter counts, then a tiny copy task trained a few steps with Adam and decoded greedily.
Seeded, dropout 0: every number agrees."""

import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
warnings.filterwarnings("ignore")  # (PyTorch's prototype-nested-tensor and mask-type notices)
torch.manual_seed(0)

print(nn.Transformer.generate_square_subsequent_mask(4))
print(nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))

PAD, BOS, EOS, V, D = 0, 1, 2, 10, 16


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=32):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)].transpose(0, 1)


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(V, D, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(V, D, padding_idx=PAD)
        self.pos = PositionalEncoding(D)
        self.transformer = nn.Transformer(d_model=D, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                          dim_feedforward=32, dropout=0.0, batch_first=True)
        self.generator = nn.Linear(D, V)

    def encode(self, src, src_pad):
        return self.transformer.encoder(self.pos(self.src_emb(src) * math.sqrt(D)),
                                        src_key_padding_mask=src_pad)

    def decode(self, tgt, memory, src_pad):
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.transformer.decoder(self.pos(self.tgt_emb(tgt) * math.sqrt(D)), memory, tgt_mask=tgt_mask,
                                        tgt_is_causal=True, tgt_key_padding_mask=tgt == PAD,
                                        memory_key_padding_mask=src_pad)

    def forward(self, src, tgt):
        src_pad = src == PAD
        return self.generator(self.decode(tgt, self.encode(src, src_pad), src_pad))


model = Seq2Seq()
print(sum(p.numel() for p in model.parameters()), len(model.state_dict()))
print([n for n, _ in model.named_parameters()][4:10])

src = torch.tensor([[3, 4, 5, 6, 7], [5, 3, 8, PAD, PAD], [9, 4, PAD, PAD, PAD]])
src_pad = src == PAD
print(src_pad)
memory = model.encode(src, src_pad)
print(memory.shape, memory[1, :, 0], memory.grad_fn.name())
float_pad = torch.zeros(src.shape).masked_fill(src_pad, float("-inf"))
print(torch.allclose(model.encode(src, float_pad), memory, atol=1e-6))

model.eval()
with torch.no_grad():
    fast = model.encode(src, src_pad)
print(fast[2, :, :3])
print(torch.allclose(fast[0], memory[0], atol=1e-5))
model.train()

mha = nn.MultiheadAttention(D, 2, batch_first=True)
x = model.src_emb(src).detach()
out, w = mha(x, x, x, key_padding_mask=src_pad, need_weights=True, average_attn_weights=False)
print(out.shape, w.shape, w[1, 0])
out, w = mha(x, x, x, attn_mask=torch.triu(torch.ones(5, 5, dtype=torch.bool), 1))
print(w[0])
print(mha.in_proj_weight.shape, mha.out_proj, mha.batch_first)

dec_layer = nn.TransformerDecoderLayer(D, 2, 32, dropout=0.0, batch_first=True, norm_first=True, activation="gelu")
decoder = nn.TransformerDecoder(dec_layer, 2, norm=nn.LayerNorm(D))
tgt = torch.randn(3, 4, D)
print(decoder(tgt, memory.detach(), tgt_mask=nn.Transformer.generate_square_subsequent_mask(4),
              tgt_is_causal=True, memory_key_padding_mask=src_pad)[0, -1, :4])


def make_batch(n, gen):
    lengths = torch.randint(2, 6, (n,), generator=gen)
    seqs = [torch.randint(3, V, (int(k),), generator=gen) for k in lengths]
    src = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=PAD)
    tgt = nn.utils.rnn.pad_sequence([torch.cat([torch.tensor([BOS]), s, torch.tensor([EOS])]) for s in seqs],
                                    batch_first=True, padding_value=PAD)
    return src, tgt


gen = torch.Generator().manual_seed(3)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for step in range(12):
    src_b, tgt_b = make_batch(16, gen)
    logits = model(src_b, tgt_b[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, V), tgt_b[:, 1:].reshape(-1), ignore_index=PAD)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 3 == 0:
        print(f"step {step} loss {loss.item():.5f}")


@torch.no_grad()
def greedy(src, max_len=7):
    model.eval()
    src_pad = src == PAD
    memory = model.encode(src, src_pad)
    ys = torch.full((src.size(0), 1), BOS)
    for _ in range(max_len):
        logits = model.generator(model.decode(ys, memory, src_pad)[:, -1])
        ys = torch.cat([ys, logits.argmax(-1, keepdim=True)], dim=1)
    return ys


print(greedy(src))
