"""A ConvLSTM next-frame predictor for a bouncing square, as the Shi et al. (2015) re-implementations
write it: a cell that convolves [x, h] into the four gates (torch.split on the channel dimension),
peephole-free, stacked into an encoder whose last state seeds a forecaster, trained with
binary_cross_entropy_with_logits (pos_weight for the sparse foreground), a StepLR schedule and the
predicted square's centre of mass at each forecast step."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

H = W = 10


def bouncing(n_seq, n_steps, gen):
    frames = torch.zeros(n_seq, n_steps, 1, H, W)
    pos = torch.randint(0, H - 2, (n_seq, 2), generator=gen).float()
    vel = torch.randint(0, 2, (n_seq, 2), generator=gen).float() * 2 - 1
    for t in range(n_steps):
        for i in range(n_seq):
            r, c = int(pos[i, 0]), int(pos[i, 1])
            frames[i, t, 0, r: r + 2, c: c + 2] = 1.0
        pos += vel
        bounce = (pos < 0) | (pos > H - 2)
        vel[bounce] *= -1
        pos = pos.clamp(0, H - 2)
    return frames


class ConvLSTMCell(nn.Module):
    def __init__(self, in_ch, hid_ch, k=3):
        super().__init__()
        self.hid_ch = hid_ch
        self.conv = nn.Conv2d(in_ch + hid_ch, 4 * hid_ch, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = torch.split(self.conv(torch.cat([x, h], dim=1)), self.hid_ch, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c

    def init_state(self, x):
        b, _, hh, ww = x.shape
        return (x.new_zeros(b, self.hid_ch, hh, ww), x.new_zeros(b, self.hid_ch, hh, ww))


class Seq2SeqConvLSTM(nn.Module):
    def __init__(self, hid=8):
        super().__init__()
        self.enc = ConvLSTMCell(1, hid)
        self.dec = ConvLSTMCell(1, hid)
        self.head = nn.Conv2d(hid, 1, 1)

    def forward(self, frames, n_future):
        state = self.enc.init_state(frames[:, 0])
        for t in range(frames.shape[1]):
            state = self.enc(frames[:, t], state)
        x, outs = frames[:, -1], []
        for _ in range(n_future):
            state = self.dec(x, state)
            logits = self.head(state[0])
            outs.append(logits)
            x = torch.sigmoid(logits)
        return torch.stack(outs, dim=1)


gen = torch.Generator().manual_seed(0)
data = bouncing(24, 8, gen)
train, test = data[:16], data[16:]
print("frames", tuple(data.shape), "foreground fraction", round(data.mean().item(), 4))
model = Seq2SeqConvLSTM()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=8, gamma=0.5)
pos_weight = torch.tensor([(1 - data.mean()) / data.mean()]).sqrt()
for epoch in range(16):
    perm = torch.randperm(16, generator=gen)
    total = 0.0
    for k in range(0, 16, 8):
        batch = train[perm[k: k + 8]]
        logits = model(batch[:, :5], 3)
        loss = F.binary_cross_entropy_with_logits(logits, batch[:, 5:], pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    sched.step()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1} | loss {total / 2:.5f} | lr {sched.get_last_lr()[0]:.4f}")

model.eval()
with torch.no_grad():
    pred = torch.sigmoid(model(test[:, :5], 3))
    target = test[:, 5:]
    mse = F.mse_loss(pred, target, reduction="none").mean(dim=(0, 2, 3, 4))
    print("test mse per step", [round(v, 5) for v in mse.tolist()])
    ys, xs = torch.meshgrid(torch.arange(H).float(), torch.arange(W).float(), indexing="ij")

    def centre(img):
        m = img.sum(dim=(-1, -2)).clamp_min(1e-6)
        return torch.stack([(img * ys).sum(dim=(-1, -2)) / m, (img * xs).sum(dim=(-1, -2)) / m], -1)

    err = (centre(pred[:, :, 0]) - centre(target[:, :, 0])).norm(dim=-1)
    print("centre error per step", [round(v, 4) for v in err.mean(0).tolist()])
    iou = ((pred > 0.5) & (target > 0.5)).sum() / ((pred > 0.5) | (target > 0.5)).sum()
    print("iou", round(iou.item(), 4), "pred dtype", pred.dtype, "shape", tuple(pred.shape))
