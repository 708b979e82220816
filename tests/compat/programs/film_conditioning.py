"""FiLM (Perez et al.) on a toy visual question answering task, as the FiLM / CLEVR re-implementations
write it: a GRU question encoder over padded token sequences (pack_padded_sequence with
enforce_sorted=False), a FiLM generator predicting one (gamma, beta) pair per residual block, residual
blocks with coordinate feature maps concatenated to the input and BatchNorm2d(affine=False) followed by
the feature-wise affine modulation, a global max-pool classifier, and per-question-type accuracy and the
spread of the learned gammas."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)

# questions: "is there a <colour> thing" (type 0) / "is the <colour> thing <left|right>" (type 1)
VOCAB = {"<pad>": 0, "is": 1, "there": 2, "a": 3, "the": 4, "thing": 5, "red": 6, "green": 7, "left": 8, "right": 9}
H = W = 8


def make(n):
    imgs, qs, answers, types = [], [], [], []
    for _ in range(n):
        img = torch.zeros(2, H, W)
        colour = int(torch.randint(0, 2, (1,), generator=gen))
        present = bool(torch.rand(1, generator=gen) < 0.5)
        col = int(torch.randint(0, W - 1, (1,), generator=gen))
        row = int(torch.randint(0, H - 1, (1,), generator=gen))
        if present:
            img[colour, row: row + 2, col: col + 2] = 1.0
        else:
            img[1 - colour, row: row + 2, col: col + 2] = 1.0
        img += 0.1 * torch.randn(2, H, W, generator=gen)
        qtype = int(torch.randint(0, 2, (1,), generator=gen))
        cname = ["red", "green"][colour]
        if qtype == 0:
            words, ans = ["is", "there", "a", cname, "thing"], int(present)
        else:
            side = ["left", "right"][int(torch.randint(0, 2, (1,), generator=gen))]
            words = ["is", "the", cname, "thing", side]
            ans = int(present and ((col < W // 2 - 1) == (side == "left")))
        imgs.append(img)
        qs.append(torch.tensor([VOCAB[w] for w in words]))
        answers.append(ans)
        types.append(qtype)
    lengths = torch.tensor([len(q) for q in qs])
    return torch.stack(imgs), nn.utils.rnn.pad_sequence(qs, batch_first=True), lengths, torch.tensor(answers), \
        torch.tensor(types)


class FiLMGenerator(nn.Module):
    def __init__(self, n_blocks, channels, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), 12, padding_idx=0)
        self.gru = nn.GRU(12, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_blocks * 2 * channels)
        self.n_blocks, self.channels = n_blocks, channels

    def forward(self, q, lengths):
        packed = pack_padded_sequence(self.embed(q), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        film = self.out(h[-1]).view(-1, self.n_blocks, 2, self.channels)
        return 1 + film[:, :, 0], film[:, :, 1]  # gammas around 1, betas around 0


def coord_map(x):
    b, _, h, w = x.shape
    ys = torch.linspace(-1, 1, h).view(1, 1, h, 1).expand(b, 1, h, w)
    xs = torch.linspace(-1, 1, w).view(1, 1, 1, w).expand(b, 1, h, w)
    return torch.cat([x, xs, ys], 1)


class FiLMBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c + 2, c, 1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, x, gamma, beta):
        x = F.relu(self.conv1(coord_map(x)))
        out = self.bn(self.conv2(x))
        out = F.relu(gamma.unsqueeze(-1).unsqueeze(-1) * out + beta.unsqueeze(-1).unsqueeze(-1))
        return x + out


class FiLMNet(nn.Module):
    def __init__(self, c=8, n_blocks=2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(2, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU())
        self.blocks = nn.ModuleList(FiLMBlock(c) for _ in range(n_blocks))
        self.film = FiLMGenerator(n_blocks, c)
        self.classifier = nn.Sequential(nn.Linear(c, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, img, q, lengths):
        gammas, betas = self.film(q, lengths)
        x = self.stem(img)
        for i, block in enumerate(self.blocks):
            x = block(x, gammas[:, i], betas[:, i])
        return self.classifier(F.adaptive_max_pool2d(x, 1).flatten(1)), gammas


train = make(160)
test = make(80)
print("questions", tuple(train[1].shape), "answer balance", round(train[3].float().mean().item(), 4),
      "lengths", train[2][:6].tolist())
model = FiLMNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
for epoch in range(8):
    model.train()
    perm = torch.randperm(160, generator=gen)
    total = 0.0
    for k in range(0, 160, 32):
        idx = perm[k: k + 32]
        logits, _ = model(train[0][idx], train[1][idx], train[2][idx])
        loss = F.cross_entropy(logits, train[3][idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1} | loss {total / 5:.5f}")

model.eval()
with torch.no_grad():
    logits, gammas = model(*test[:3])
    pred = logits.argmax(1)
    for t in (0, 1):
        sel = test[4] == t
        print(f"question type {t} | n {int(sel.sum())} | acc {(pred[sel] == test[3][sel]).float().mean().item():.4f}")
    print("gamma mean", round(gammas.mean().item(), 5), "std", round(gammas.std().item(), 5),
          "per-block std", [round(v, 5) for v in gammas.std(dim=(0, 2)).tolist()])
    print("running var of block 0", [round(v, 4) for v in model.blocks[0].bn.running_var[:4].tolist()])
