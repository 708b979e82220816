"""Variable-length batches through torch.nn.utils.rnn (pad_sequence with padding_side and padding_value,
pack_sequence sorted and unsorted, PackedSequence fields and conversions, pad_packed_sequence with
total_length, unpad/unpack_sequence, the lengths errors), a GRU and a projected bidirectional LSTM on packed
input, a disabled CPU autocast region, and GradScaler on the CPU: scaling, unscale_, a step skipped for an
inf gradient, the scale's growth and backoff, and its state_dict."""

import _show
import torch
import torch.nn as nn
from torch.nn.utils.rnn import (
    pad_sequence,
    pack_sequence,
    pack_padded_sequence,
    pad_packed_sequence,
    unpad_sequence,
    unpack_sequence,
)


def show(label, fn):
    """Print what fn returns, or the start of the message it raises (with the class, for the lookup and
    type errors; a ValueError or RuntimeError by its words alone)."""
    _show.show_words(label, fn, (IndexError, KeyError, TypeError))


seqs = [torch.tensor([1, 2, 3]), torch.tensor([4]), torch.tensor([5, 6])]
show("pad", lambda: pad_sequence(seqs, batch_first=True, padding_value=-1))
show("pad left", lambda: pad_sequence(seqs, batch_first=True, padding_side="left"))
show("pad tf", lambda: pad_sequence(seqs).shape)
show("pack unsorted", lambda: pack_sequence(seqs))
show("pack sorted", lambda: pack_sequence(seqs, enforce_sorted=True))
pk = pack_sequence(seqs, enforce_sorted=False)
show("pk fields", lambda: (pk.data, pk.batch_sizes, pk.sorted_indices, pk.unsorted_indices))
show("unpack", lambda: unpack_sequence(pk))
show("pad_packed", lambda: pad_packed_sequence(pk, batch_first=True, total_length=4))
show(
    "unpad",
    lambda: unpad_sequence(pad_sequence(seqs, batch_first=True), torch.tensor([3, 1, 2]), batch_first=True),
)
show("ppad lengths list", lambda: pack_padded_sequence(torch.zeros(3, 2), [2, 1, 0], batch_first=True))
show(
    "ppad lengths tensor",
    lambda: pack_padded_sequence(torch.zeros(2, 3, 1), torch.tensor([3, 1]), batch_first=True).batch_sizes,
)
show("ppad not sorted", lambda: pack_padded_sequence(torch.zeros(2, 3, 1), [1, 3], batch_first=True))
show("packed to", lambda: pk.to(torch.float64).data.dtype)
show("packed float", lambda: pk.float().data.dtype)
show("packed is_cuda", lambda: (pk.is_cuda, type(pk).__name__, len(pk)))
torch.manual_seed(0)
rnn = nn.GRU(1, 2, batch_first=True)
x = pad_sequence([torch.ones(3, 1), torch.ones(1, 1) * 2], batch_first=True)
packed = pack_padded_sequence(x, [3, 1], batch_first=True)
out, h = rnn(packed)
show("gru packed out", lambda: (type(out).__name__, out.data.shape, h.shape))
show("gru unpacked", lambda: pad_packed_sequence(out, batch_first=True)[0][:, :, 0])
show("h", lambda: h)
lstm = nn.LSTM(1, 2, num_layers=2, bidirectional=True, proj_size=1)
show("lstm repr", lambda: lstm)
o, (hh, cc) = lstm(pack_sequence([torch.ones(2, 1), torch.ones(1, 1)]))
show("lstm packed", lambda: (o.data.shape, hh.shape, cc.shape))
# amp on CPU
scaler = torch.amp.GradScaler("cpu", enabled=False)
show("scaler", lambda: (scaler.is_enabled(), scaler.get_scale() if scaler.is_enabled() else None))
show("scale passthrough", lambda: scaler.scale(torch.tensor(2.0)))
show("autocast state", lambda: (torch.is_autocast_enabled(), torch.get_autocast_dtype("cpu")))
with torch.autocast("cpu", enabled=False):
    show("autocast off mm", lambda: (torch.ones(2, 2) @ torch.ones(2, 2)).dtype)
s2 = torch.amp.GradScaler("cpu", init_scale=256.0, growth_interval=1)
w = torch.ones(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
for i in range(3):
    loss = (w * torch.tensor([1.0, float("inf") if i == 1 else 2.0])).sum()
    s2.scale(loss).backward()
    s2.unscale_(opt)
    show(f"unscaled grad {i}", lambda: w.grad.clone())
    s2.step(opt)
    s2.update()
    opt.zero_grad()
    show(f"scale {i}", lambda: (s2.get_scale(), w.detach().clone()))
show("scaler sd", lambda: s2.state_dict())
