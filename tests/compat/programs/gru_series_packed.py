"""Time-series regression with variable-length sequences: a Dataset of series of different lengths,
a custom collate_fn (pad_sequence, lengths tensor), pack_padded_sequence(enforce_sorted=False),
a 2-layer GRU, last valid hidden state via h_n and via gather on pad_packed_sequence output,
a masked MSE, ReduceLROnPlateau, and a saved/reloaded best checkpoint through an in-memory buffer."""

import io
import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset, random_split

torch.set_num_threads(1)
torch.manual_seed(7)


class SineSeries(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(11)
        self.items = []
        for _ in range(n):
            L = int(torch.randint(5, 16, (1,), generator=g))
            freq = 0.3 + torch.rand(1, generator=g).item()
            t = torch.arange(L + 1, dtype=torch.float32)
            s = torch.sin(freq * t) + 0.05 * torch.randn(L + 1, generator=g)
            self.items.append((s[:-1].unsqueeze(-1), s[1:]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_fn(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([x.size(0) for x in xs])
    return pad_sequence(xs, batch_first=True), pad_sequence(ys, batch_first=True, padding_value=-1.0), lengths


class GRUForecaster(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.gru = nn.GRU(1, hidden, num_layers=2, batch_first=True, dropout=0.0)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)
        out, out_lens = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return self.head(out).squeeze(-1), h_n, out, out_lens


ds = SineSeries(60)
train_ds, val_ds = random_split(ds, [48, 12], generator=torch.Generator().manual_seed(0))
print(len(train_ds), len(val_ds), train_ds.indices[:5])
train_loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=collate_fn)
val_loader = DataLoader(val_ds, batch_size=6, collate_fn=collate_fn)
xb, yb, lb = next(iter(val_loader))
print(xb.shape, yb.shape, lb)
packed = pack_padded_sequence(xb, lb, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)

model = GRUForecaster()
pred, h_n, out, out_lens = model(xb, lb)
last = out.gather(1, (lb - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))).squeeze(1)
print(pred.shape, h_n.shape, out_lens, torch.allclose(last, h_n[-1], atol=1e-6))
print("padded zeros", out[lb.argmin(), lb.min():].abs().sum().item())
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)


def masked_mse(pred, target, lengths):
    mask = torch.arange(target.size(1))[None, :] < lengths[:, None]
    return ((pred - target) ** 2 * mask).sum() / mask.sum()


best, buf = math.inf, None
for epoch in range(8):
    model.train()
    for xb, yb, lb in train_loader:
        pred, *_ = model(xb, lb)
        loss = masked_mse(pred, yb, lb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
    model.eval()
    with torch.no_grad():
        vl = sum(masked_mse(model(xb, lb)[0], yb, lb).item() * len(lb) for xb, yb, lb in val_loader) / len(val_ds)
    sched.step(vl)
    print(f"epoch {epoch} train {loss.item():.5f} val {vl:.5f} gn {gn.item():.4f} lr {opt.param_groups[0]['lr']}")
    if vl < best:
        best, buf = vl, io.BytesIO()
        torch.save({"epoch": epoch, "model": model.state_dict(), "opt": opt.state_dict()}, buf)

buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print("best epoch", ckpt["epoch"], sorted(ckpt["model"].keys())[:4], list(ckpt["opt"]["state"].keys())[:3])
model.load_state_dict(ckpt["model"])
print(sched.state_dict()["best"] == best, sched.num_bad_epochs, round(best, 5))
# autoregressive rollout from a prefix
with torch.no_grad():
    seq = ds[0][0][:5].clone()
    h = None
    x = seq.unsqueeze(0)
    for _ in range(5):
        o, h = model.gru(x, h)
        nxt = model.head(o[:, -1])
        seq = torch.cat([seq, nxt], 0)
        x = nxt.unsqueeze(0)
    print("rollout", seq.squeeze(-1))
float_lens = (yb != -1.0).float().sum(1)  # lengths from a float mask, as scripts often compute them
fp = pack_padded_sequence(xb, float_lens, batch_first=True, enforce_sorted=False)
print(float_lens.dtype, fp.batch_sizes, torch.equal(fp.data, pack_padded_sequence(xb, lb, True, False).data))
try:
    pack_padded_sequence(xb, torch.tensor([3, 0, 2, 2, 1, 1]), batch_first=True, enforce_sorted=False)
except Exception as e:
    print(isinstance(e, RuntimeError))
try:
    pack_padded_sequence(xb, torch.tensor([3, 5, 2, 2, 1, 1]), batch_first=True)
except Exception as e:
    print(isinstance(e, RuntimeError))
