"""Sequence-to-sequence with GRUs as the classic translation tutorial writes it, on a toy task
(reverse a variable-length digit string): an EncoderRNN whose padded batch goes through
pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence(total_length=...), a
DecoderRNN fed its own argmax or the target (teacher forcing decided by a seeded torch.rand), NLLLoss
with ignore_index on log_softmax outputs, clip_grad_norm_, StepLR, then greedy decoding and exact-match
accuracy. Weights, data and coin flips are all from the seed."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
torch.set_num_threads(1)

PAD, SOS, EOS = 0, 1, 2
VOCAB = 13  # 3 specials + digits 0..9
MAXLEN = 7


def make_batch(n):
    lengths = torch.randint(2, MAXLEN - 1, (n,))
    srcs, tgts = [], []
    for L in lengths.tolist():
        s = torch.randint(3, VOCAB, (L,))
        srcs.append(torch.cat([s, torch.tensor([EOS])]))
        tgts.append(torch.cat([s.flip(0), torch.tensor([EOS])]))
    src = pad_sequence(srcs, batch_first=True, padding_value=PAD)
    tgt = pad_sequence(tgts, batch_first=True, padding_value=PAD)
    return src, lengths + 1, tgt


class EncoderRNN(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden, padding_idx=PAD)
        self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)

    def forward(self, src, lengths):
        emb = self.embedding(src)
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        out, out_lens = pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        h = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1))).unsqueeze(0)
        return out, out_lens, h


class DecoderRNN(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward_step(self, tok, h):
        x = F.relu(self.embedding(tok))
        out, h = self.gru(x, h)
        return F.log_softmax(self.out(out.squeeze(1)), dim=-1), h

    def forward(self, h, steps, target=None, teacher_forcing=0.0):
        tok = torch.full((h.size(1), 1), SOS, dtype=torch.long)
        outs = []
        for t in range(steps):
            logp, h = self.forward_step(tok, h)
            outs.append(logp)
            if target is not None and torch.rand(1).item() < teacher_forcing:
                tok = target[:, t].unsqueeze(1)
            else:
                tok = logp.argmax(-1, keepdim=True).detach()
        return torch.stack(outs, dim=1), h


H = 32
enc, dec = EncoderRNN(VOCAB, H), DecoderRNN(VOCAB, H)
params = list(enc.parameters()) + list(dec.parameters())
print("parameters", sum(p.numel() for p in params))
opt = torch.optim.Adam(params, lr=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
crit = nn.NLLLoss(ignore_index=PAD)

src, lens, tgt = make_batch(4)
print("src", src.tolist())
print("lens", lens.tolist())
print("tgt", tgt.tolist())
out, out_lens, h = enc(src, lens)
print("encoder out", tuple(out.shape), "lens", out_lens.tolist(), "h", tuple(h.shape))
print("padded positions zero", bool((out[0, lens[0]:] == 0).all()))

for step in range(1, 61):
    src, lens, tgt = make_batch(16)
    _, _, h = enc(src, lens)
    logp, _ = dec(h, tgt.size(1), target=tgt, teacher_forcing=0.5)
    loss = crit(logp.reshape(-1, VOCAB), tgt.reshape(-1))
    opt.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()
    if step % 10 == 0:
        print(f"step {step:3d} loss {loss.item():.4f} grad_norm {norm.item():.4f} lr {sched.get_last_lr()[0]:.5f}")

enc.eval()
dec.eval()
with torch.no_grad():
    src, lens, tgt = make_batch(64)
    _, _, h = enc(src, lens)
    logp, _ = dec(h, tgt.size(1))
    pred = logp.argmax(-1)
    mask = tgt != PAD
    tok_acc = ((pred == tgt) & mask).sum().item() / mask.sum().item()
    exact = ((pred == tgt) | ~mask).all(dim=1).float().mean().item()
    print(f"token accuracy {tok_acc:.4f} exact match {exact:.4f}")
    print("eval nll", round(crit(logp.reshape(-1, VOCAB), tgt.reshape(-1)).item(), 4))
    for i in range(3):
        n = lens[i].item()
        print("in", src[i, :n].tolist(), "out", pred[i, :n].tolist())
