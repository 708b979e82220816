"""A CRNN text recognizer trained with CTC, as OCR repositories write it, on
"number plates" made by pasting the bundled 8x8 digits side by side
(torch.cat along the width, random lengths, right padding): a conv stack that
pools height away (MaxPool2d((2, 1))), squeeze(2).permute(2, 0, 1) into
(T, N, C), a bidirectional LSTM, log_softmax(2), nn.CTCLoss(blank=0,
zero_infinity=True) with torch.full input lengths and concatenated
targets, gradient clipping, greedy decoding by argmax + unique_consecutive +
blank removal, a prefix beam search in plain Python over the log-probs,
character and sequence accuracy, and an edit-distance (CER) by dynamic
programming. In float64 (torch.set_default_dtype): the first epochs sit on
CTC's all-blank plateau, where Adam normalizes small gradients and float32
rounding would grow past the printed digits. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_default_dtype(torch.float64)
pixels, labels = digits()
images = torch.tensor(pixels, dtype=torch.get_default_dtype()).view(-1, 8, 8) / 16.0
digit_labels = torch.tensor(labels)
by_class = [torch.nonzero(digit_labels == d).flatten() for d in range(10)]
print("per class", [len(b) for b in by_class])

MAX_LEN = 5
BLANK = 0


def make_plates(n, generator, max_len=MAX_LEN):
    imgs, targets, lengths = [], [], []
    for _ in range(n):
        L = int(torch.randint(2, max_len + 1, (1,), generator=generator))
        ds = torch.randint(0, 10, (L,), generator=generator)
        picks = [by_class[d][torch.randint(0, len(by_class[d]), (1,), generator=generator)].item() for d in ds.tolist()]
        strip = torch.cat([images[i] for i in picks], dim=1)  # 8 x (8 L)
        strip = F.pad(strip, (0, 8 * (max_len - L)))
        imgs.append(strip)
        targets.append(ds + 1)  # 0 is the blank
        lengths.append(L)
    return torch.stack(imgs).unsqueeze(1), targets, torch.tensor(lengths)


gen = torch.Generator().manual_seed(0)
train_x, train_t, train_l = make_plates(150, gen)
test_x, test_t, test_l = make_plates(60, gen)
print("plates", tuple(train_x.shape), "lengths", torch.bincount(train_l).tolist(), "first", train_t[0].tolist())


class CRNN(nn.Module):
    def __init__(self, num_classes=11, hidden=32):
        super().__init__()
        self.cnn = nn.Sequential(
            # no conv bias before BatchNorm: its gradient is zero but for rounding, which Adam would amplify
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(True), nn.MaxPool2d((2, 1)),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True), nn.MaxPool2d((2, 2)),
            nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True), nn.MaxPool2d((2, 1)))
        self.rnn = nn.LSTM(32, hidden, bidirectional=True)
        self.embedding = nn.Linear(hidden * 2, num_classes)

    def forward(self, input):
        conv = self.cnn(input)
        b, c, h, w = conv.size()
        assert h == 1, "the height of conv must be 1"
        conv = conv.squeeze(2)
        conv = conv.permute(2, 0, 1)  # [w, b, c]
        recurrent, _ = self.rnn(conv)
        T, b, h = recurrent.size()
        t_rec = recurrent.view(T * b, h)
        output = self.embedding(t_rec)
        output = output.view(T, b, -1)
        return F.log_softmax(output, 2)


def greedy_decode(log_probs):
    best = log_probs.argmax(2).permute(1, 0)  # (N, T)
    out = []
    for seq in best:
        collapsed = torch.unique_consecutive(seq)
        out.append(collapsed[collapsed != BLANK])
    return out


def beam_decode(log_probs_t, beam=4):
    probs = log_probs_t.exp().tolist()
    beams = {(): (1.0, 0.0)}  # prefix -> (p ending in blank, p ending in non-blank)
    for step in probs:
        nxt = {}
        for prefix, (pb, pnb) in beams.items():
            for c, p in enumerate(step):
                if c == BLANK:
                    b_, nb_ = nxt.get(prefix, (0.0, 0.0))
                    nxt[prefix] = (b_ + (pb + pnb) * p, nb_)
                    continue
                new = prefix + (c,)
                b_, nb_ = nxt.get(new, (0.0, 0.0))
                if prefix and prefix[-1] == c:
                    nxt[new] = (b_, nb_ + pb * p)
                    sb, snb = nxt.get(prefix, (0.0, 0.0))
                    nxt[prefix] = (sb, snb + pnb * p)
                else:
                    nxt[new] = (b_, nb_ + (pb + pnb) * p)
        beams = dict(sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:beam])
    best = max(beams.items(), key=lambda kv: kv[1][0] + kv[1][1])
    return list(best[0]), best[1][0] + best[1][1]


def edit_distance(a, b):
    dp = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, dp[0] = dp[0], i
        for j in range(1, len(b) + 1):
            cur = dp[j]
            dp[j] = min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return dp[-1]


def evaluate(model, x, targets):
    model.eval()
    with torch.no_grad():
        log_probs = model(x)
    preds = greedy_decode(log_probs)
    seq_acc = sum(p.tolist() == t.tolist() for p, t in zip(preds, targets)) / len(targets)
    errors = sum(edit_distance(p.tolist(), t.tolist()) for p, t in zip(preds, targets))
    cer = errors / sum(len(t) for t in targets)
    model.train()
    return seq_acc, cer, log_probs


torch.manual_seed(1)
model = CRNN()
with torch.no_grad():
    print("output", tuple(model(train_x[:2]).shape))
criterion = nn.CTCLoss(blank=BLANK, reduction="mean", zero_infinity=True)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
order_gen = torch.Generator().manual_seed(2)
for epoch in range(6):
    perm = torch.randperm(len(train_x), generator=order_gen)
    total = 0.0
    for i in range(0, len(train_x), 30):
        idx = perm[i:i + 30]
        x = train_x[idx]
        targets = torch.cat([train_t[j] for j in idx.tolist()])
        target_lengths = train_l[idx]
        log_probs = model(x)
        input_lengths = torch.full(size=(x.size(0),), fill_value=log_probs.size(0), dtype=torch.long)
        loss = criterion(log_probs, targets, input_lengths, target_lengths)
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        total += loss.item() * len(idx)
    scheduler.step()
    seq_acc, cer, _ = evaluate(model, test_x, test_t)
    print(f"epoch {epoch} | ctc {total / len(train_x):.6f} | norm {norm.item():.5f} | lr {scheduler.get_last_lr()[0]:.6f}"
          f" | test seq acc {seq_acc:.4f} cer {cer:.4f}")

seq_acc, cer, log_probs = evaluate(model, test_x[:4], test_t[:4])
for n in range(4):
    greedy = greedy_decode(log_probs[:, n:n + 1])[0].tolist()
    beam, p = beam_decode(log_probs[:, n])
    print(f"plate {n}: target {test_t[n].tolist()} greedy {greedy} beam {beam} p {p:.6f}")
per_sample = F.ctc_loss(log_probs, torch.cat(test_t[:4]), torch.full((4,), log_probs.size(0), dtype=torch.long),
                        test_l[:4], blank=BLANK, reduction="none")
print("per-sample ctc", [round(v, 5) for v in per_sample.tolist()], "edit distance check",
      edit_distance([1, 2, 3], [1, 3]), edit_distance([], [4, 4]))
