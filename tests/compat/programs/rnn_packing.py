"""Variable-length sequences as RNN tutorials handle them: pad_sequence (batch_first and padding_value),
pack_padded_sequence sorted and with enforce_sorted=False, pack_sequence, the PackedSequence fields
(data, batch_sizes, sorted_indices, unsorted_indices), pad_packed_sequence with total_length,
unpad_sequence / unpack_sequence; a 2-layer bidirectional LSTM with proj_size, a GRU with an initial
state, an nn.RNN with relu, RNNCell/GRUCell loops, and a length-masked classifier trained with Adam."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)


def fixed_(module, scale=0.3):
    """Overwrite every parameter with a deterministic pattern so both frameworks start alike."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_((torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + i) * scale).reshape(p.shape))
    return module


def seq(length, dim, k):
    return torch.cos(torch.arange(length * dim, dtype=torch.float32).reshape(length, dim) * 0.21 + k)


seqs = [seq(5, 3, 0), seq(2, 3, 1), seq(4, 3, 2), seq(1, 3, 3)]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True)
print("padded", tuple(padded.shape), "time-major", tuple(pad_sequence(seqs).shape))
print("padding value", pad_sequence(seqs, batch_first=True, padding_value=-1.0)[3, :, 0].tolist())
packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
print("batch_sizes", packed.batch_sizes.tolist(), "int64", packed.batch_sizes.dtype == torch.int64)
print("sorted_indices", packed.sorted_indices.tolist(), "unsorted", packed.unsorted_indices.tolist())
print("data", tuple(packed.data.shape), f"{packed.data.sum().item():.6f}")
unpacked, out_lens = pad_packed_sequence(packed, batch_first=True, total_length=7)
print("unpacked", tuple(unpacked.shape), out_lens.tolist(), torch.equal(unpacked[:, :5], padded))
ps = pack_sequence(seqs, enforce_sorted=False)
print("pack_sequence same", torch.equal(ps.data, packed.data), isinstance(ps, nn.utils.rnn.PackedSequence))
sorted_seqs = sorted(seqs, key=len, reverse=True)
ps_sorted = pack_sequence(sorted_seqs)
print("sorted indices None", ps_sorted.sorted_indices is None, ps_sorted.batch_sizes.tolist())
try:
    pack_sequence(seqs)
except RuntimeError as e:
    print("unsorted error", "sorted in decreasing order" in str(e))
print("unpad", [tuple(t.shape) for t in unpad_sequence(padded, lengths, batch_first=True)])
print("unpack", [tuple(t.shape) for t in unpack_sequence(packed)],
      all(torch.equal(a, b) for a, b in zip(unpack_sequence(packed), seqs)))

lstm = fixed_(nn.LSTM(3, 6, num_layers=2, bidirectional=True, batch_first=True, proj_size=4))
print(lstm)
print("lstm params", [(n, tuple(p.shape)) for n, p in lstm.named_parameters()][:5])
out, (h, c) = lstm(packed)
print("packed out", type(out).__name__, tuple(out.data.shape), "h", tuple(h.shape), "c", tuple(c.shape))
o, _ = pad_packed_sequence(out, batch_first=True)
print("lstm out sum", f"{o.sum().item():.6f}", "h sum", f"{h.sum().item():.6f}", "c sum", f"{c.sum().item():.6f}")
print("padded positions zero", o[1, 2:].abs().sum().item(), o[3, 1:].abs().sum().item())
# the last layer's forward state equals the output at each sequence's last step
print("h matches last step", torch.allclose(h[-2], o[torch.arange(4), lengths - 1, :4], atol=1e-6))

gru = fixed_(nn.GRU(3, 5, num_layers=1))
h0 = torch.full((1, 4, 5), 0.1)
go, gh = gru(pack_padded_sequence(pad_sequence(seqs), lengths, enforce_sorted=False), h0)
go, glens = pad_packed_sequence(go, padding_value=9.0)
print("gru", tuple(go.shape), glens.tolist(), f"{gh.sum().item():.6f}", go[-1, 3, 0].item())
rnn = fixed_(nn.RNN(3, 4, nonlinearity="relu", bias=False))
ro, rh = rnn(padded.transpose(0, 1))
print("rnn relu", f"{ro.sum().item():.6f}", f"{rh.sum().item():.6f}", (ro >= 0).all().item())
print(rnn, gru)

cell = fixed_(nn.GRUCell(3, 5))
hx = torch.zeros(4, 5)
for t in range(padded.size(1)):
    new = cell(padded[:, t], hx)
    mask = (t < lengths).float().unsqueeze(1)
    hx = mask * new + (1 - mask) * hx
print("grucell masked == gru", torch.allclose(hx, gru(pack_padded_sequence(padded, lengths, batch_first=True,
                                                                              enforce_sorted=False))[1][0],
                                               atol=1e-6))
rcell = fixed_(nn.RNNCell(3, 2, nonlinearity="tanh"))
print("rnncell unbatched", tuple(rcell(seqs[0][0]).shape), f"{rcell(seqs[0][0]).sum().item():.6f}")


class LengthClassifier(nn.Module):
    """Embed token sequences of different lengths, run a GRU over the packed batch, classify the last state."""

    def __init__(self, vocab, emb, hidden, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, tokens, lens):
        x = self.emb(tokens)
        packed = pack_padded_sequence(x, lens.cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.fc(torch.cat([h[-2], h[-1]], dim=1))


# task: is the sequence's sum of tokens even? sequences of lengths 1..6 over tokens 1..5
data = [[(i * 7 + j * 3) % 5 + 1 for j in range(1 + (i * 5) % 6)] for i in range(24)]
labels = torch.tensor([sum(s) % 2 for s in data])
tokens = pad_sequence([torch.tensor(s) for s in data], batch_first=True)
lens = torch.tensor([len(s) for s in data])
model = fixed_(LengthClassifier(6, 4, 6, 2))
with torch.no_grad():
    model.emb.weight[0].zero_()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(15):
    opt.zero_grad()
    logits = model(tokens, lens)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if epoch % 5 == 0 or epoch == 14:
        acc = (logits.argmax(1) == labels).float().mean().item()
        print(f"epoch {epoch:2d} | loss {loss.item():.6f} | norm {norm.item():.6f} | acc {acc:.4f}")
print("padding row grad zero", model.emb.weight.grad[0].abs().sum().item())
print("ppl", f"{math.exp(loss.item()):.6f}")
