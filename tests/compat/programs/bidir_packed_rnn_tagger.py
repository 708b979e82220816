"""A bidirectional, two-layer LSTM / GRU sequence model over packed, unsorted batches as NLP course code
writes it: pack_padded_sequence(enforce_sorted=False), a learned initial state h0/c0 expanded over the
batch, the final forward/backward hidden states concatenated from h_n.view(layers, 2, N, H),
pad_packed_sequence with total_length, a per-token tagger masked by lengths, proj_size on the LSTM,
GRU with dropout in eval mode, and a few Adam steps with clip_grad_norm_."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_printoptions(precision=5)

V, E, H, T = 12, 6, 5, 3
lengths = torch.tensor([4, 7, 2, 5])
seqs = [torch.randint(1, V, (int(n),)) for n in lengths]
tags = [s % T for s in seqs]
tokens = pad_sequence(seqs, batch_first=True)
tag_pad = pad_sequence(tags, batch_first=True, padding_value=-100)
print("tokens", tokens.tolist())


class Tagger(nn.Module):
    def __init__(self, cell="lstm"):
        super().__init__()
        self.cell = cell
        self.emb = nn.Embedding(V, E, padding_idx=0)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(E, H, num_layers=2, bidirectional=True, batch_first=True, dropout=0.3)
        self.h0 = nn.Parameter(torch.zeros(4, 1, H))
        self.c0 = nn.Parameter(torch.zeros(4, 1, H))
        self.out = nn.Linear(2 * H, T)
        self.cls = nn.Linear(2 * H, 2)

    def forward(self, tokens, lengths):
        N = tokens.size(0)
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        h0 = self.h0.expand(-1, N, -1).contiguous()
        state = (h0, self.c0.expand(-1, N, -1).contiguous()) if self.cell == "lstm" else h0
        out, hn = self.rnn(packed, state)
        hn = hn[0] if self.cell == "lstm" else hn
        out, out_lens = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1) + 1)
        last = hn.view(2, 2, N, H)[-1]  # (direction, N, H) of the top layer
        sent = torch.cat([last[0], last[1]], dim=1)
        return self.out(out[:, :-1]), self.cls(sent), out, out_lens


for cell in ["lstm", "gru"]:
    torch.manual_seed(1)
    model = Tagger(cell)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    sent_y = (lengths > 3).long()
    for step in range(5):
        model.train()
        tag_logits, sent_logits, _, _ = model(tokens, lengths)
        loss = F.cross_entropy(tag_logits.reshape(-1, T), tag_pad.reshape(-1)) + F.cross_entropy(sent_logits, sent_y)
        opt.zero_grad()
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"{cell} step {step} loss {loss.item():.6f} grad norm {gn.item():.6f}")
    model.eval()
    with torch.no_grad():
        tag_logits, sent_logits, out, out_lens = model(tokens, lengths)
        print(cell, "out", tuple(out.shape), "lens", out_lens.tolist(), "padding zero", out[2, 2:].abs().sum().item())
        mask = tag_pad != -100
        acc = ((tag_logits.argmax(-1) == tag_pad) & mask).sum().item() / mask.sum().item()
        print(cell, "tag acc", f"{acc:.4f}", "sentence probs", F.softmax(sent_logits, 1)[:, 1])
        print(cell, "h0 grad-trained", model.h0[0, 0])

proj = nn.LSTM(E, 8, num_layers=2, bidirectional=True, proj_size=3, batch_first=True)
x = torch.randn(4, 7, E)
packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
out, (h, c) = proj(packed)
out, _ = pad_packed_sequence(out, batch_first=True)
print("proj shapes", tuple(out.shape), tuple(h.shape), tuple(c.shape))
print("proj last valid fwd equals h", torch.allclose(out[1, 6, :3], h[2, 1]), "bwd first equals h", torch.allclose(out[1, 0, 3:], h[3, 1]))
print("proj out row", out[0, 3])
print("weight names", [n for n, _ in proj.named_parameters()][:6])
