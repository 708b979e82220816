"""The recurrent-layer tutorial prints: nn.RNN / nn.LSTM / nn.GRU output and hidden
shapes for batch_first, bidirectional and multi-layer settings, weights'
names and shapes, tiny outputs printed whole, an RNNCell/LSTMCell loop matching
the full layer, packing padded sequences, and a small sequence regressor
trained a few steps printing its loss."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.set_num_threads(1)
torch.manual_seed(4)

rnn = nn.RNN(input_size=3, hidden_size=4, num_layers=2)
inp = torch.randn(5, 2, 3)
h0 = torch.zeros(2, 2, 4)
out, hn = rnn(inp, h0)
print("RNN out", out.shape, "hn", hn.shape)
print(torch.allclose(out[-1], hn[-1]))
for name, p in rnn.named_parameters():
    print(name, tuple(p.shape))

lstm = nn.LSTM(input_size=3, hidden_size=2, batch_first=True, bidirectional=True)
x = torch.randn(2, 4, 3)
out, (h, c) = lstm(x)
print("LSTM out", out.shape, "h", h.shape, "c", c.shape)
print(out)
print(h)
print(torch.allclose(out[:, -1, :2], h[0]), torch.allclose(out[:, 0, 2:], h[1]))

gru = nn.GRU(3, 3, num_layers=2, batch_first=True, dropout=0.0)
out, h = gru(x)
print("GRU out", out.shape, h.shape)
print(out[0])
print(sum(p.numel() for p in gru.parameters()), gru)

cell = nn.LSTMCell(3, 2)
layer = nn.LSTM(3, 2)
with torch.no_grad():
    layer.weight_ih_l0.copy_(cell.weight_ih)
    layer.weight_hh_l0.copy_(cell.weight_hh)
    layer.bias_ih_l0.copy_(cell.bias_ih)
    layer.bias_hh_l0.copy_(cell.bias_hh)
seq = torch.randn(4, 1, 3)
hx, cx = torch.zeros(1, 2), torch.zeros(1, 2)
outs = []
for t in range(4):
    hx, cx = cell(seq[t], (hx, cx))
    outs.append(hx)
full, _ = layer(seq)
print(torch.stack(outs).squeeze(1))
print("cell loop matches layer", torch.allclose(torch.stack(outs), full, atol=1e-6))
rc = nn.RNNCell(3, 2, nonlinearity="relu")
print(rc(seq[0]), nn.GRUCell(3, 2)(seq[0]).shape)

seqs = [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0]), torch.tensor([6.0])]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True)
print(padded, lengths)
packed = pack_padded_sequence(padded.unsqueeze(-1), lengths, batch_first=True, enforce_sorted=True)
print(packed.data.view(-1), packed.batch_sizes)
small = nn.RNN(1, 2, batch_first=True)
pout, ph = small(packed)
unpacked, ulens = pad_packed_sequence(pout, batch_first=True)
print(unpacked.shape, ulens)
print(unpacked[:, :, 0])
print(torch.allclose(ph[0], unpacked[torch.arange(3), lengths - 1]))


class SeqRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 8, batch_first=True)
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


t = torch.linspace(0, 6.28, 60)
wave = torch.sin(t)
windows = torch.stack([wave[i:i + 10] for i in range(49)]).unsqueeze(-1)
targets = wave[10:59].unsqueeze(-1)
model = SeqRegressor()
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for step in range(30):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(windows), targets)
    loss.backward()
    opt.step()
    if step % 6 == 0:
        print(f"step {step:2d} loss {loss.item():.6f}")
with torch.no_grad():
    print(model(windows[:3]).view(-1), targets[:3].view(-1))
