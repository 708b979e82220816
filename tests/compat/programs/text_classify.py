"""The "text classification with EmbeddingBag" tutorial's shape on the bundled
play: who speaks a line (the four busiest speakers)? A torchtext-like
tokenizer and vocab built by hand, a map-style Dataset, collate_batch building
the flat token tensor and the offsets (cumsum), nn.EmbeddingBag + Linear, SGD
with StepLR and clip_grad_norm_, accuracy under torch.no_grad; then an
nn.Embedding + masked mean pooling model over pad_sequence batches checked
against EmbeddingBag; then random_split and a WeightedRandomSampler for the
class imbalance (those draw from the seeded generator, so only the sizes and
the rough outcome can be compared). The first part has fixed weights and a
fixed order: its numbers agree closely."""

import re
import time
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler, random_split

from _data import text as read_text

raw = read_text(160_000)
speeches = re.findall(r"\n\n([A-Z][a-z]+)\.\n(.+?)(?=\n\n)", raw, re.S)
top = [name for name, _ in Counter(s for s, _ in speeches).most_common(4)]
label_of = {name: i for i, name in enumerate(top)}
samples = [(label_of[s], line.replace("\n", " ")) for s, line in speeches if s in label_of]
print("speakers", top, "samples", len(samples), "per class", [sum(1 for l, _ in samples if l == i) for i in range(4)])


def tokenizer(line):
    return re.findall(r"[a-z']+|[.,!?;:]", line.lower())


counter = Counter(tok for _, line in samples for tok in tokenizer(line))
itos = ["<unk>", "<pad>"] + sorted(w for w, c in counter.items() if c >= 2)
stoi = {w: i for i, w in enumerate(itos)}
print("vocab size", len(itos))


def text_pipeline(x):
    return [stoi.get(tok, 0) for tok in tokenizer(x)]


class SpeechDataset(Dataset):
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(_label)
        processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list, text_list, offsets


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


def fix(model):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(0.5 * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.61 + 2 * i).view_as(p))


torch.manual_seed(0)
num_class, emsize = len(top), 32
model = TextClassificationModel(len(itos), emsize, num_class)
fix(model)
n_train = int(len(samples) * 0.8)
train_ds, test_ds = SpeechDataset(samples[:n_train]), SpeechDataset(samples[n_train:])
BATCH_SIZE = 32
train_dataloader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
test_dataloader = DataLoader(test_ds, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
label, tokens, offsets = next(iter(train_dataloader))
print("first batch", tuple(label.shape), tuple(tokens.shape), "offsets", offsets[:5].tolist())

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=5.0)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.5)


def train(dataloader):
    model.train()
    total_acc, total_count, total_loss = 0, 0, 0.0
    for idx, (label, text, offsets) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
        total_loss += loss.item() * label.size(0)
    return total_acc / total_count, total_loss / total_count


def evaluate(dataloader, net):
    net.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for idx, (label, text, offsets) in enumerate(dataloader):
            predicted_label = net(text, offsets)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


for epoch in range(1, 5):
    epoch_start_time = time.time()
    accu_train, loss_train = train(train_dataloader)
    accu_val = evaluate(test_dataloader, model)
    scheduler.step()
    print("-" * 59)
    print(f"| end of epoch {epoch:3d} | time: {time.time() - epoch_start_time:5.2f}s | train loss {loss_train:.5f} | "
          f"train accuracy {accu_train:8.4f} | valid accuracy {accu_val:8.4f} | lr {scheduler.get_last_lr()[0]}")

# the same bag of words through nn.Embedding, pad_sequence and a masked mean
PAD = stoi["<pad>"]


class MeanPoolClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.fc = nn.Linear(embed_dim, num_class)

    def forward(self, padded):
        mask = (padded != PAD).unsqueeze(-1).float()
        summed = (self.embedding(padded) * mask).sum(dim=1)
        return self.fc(summed / mask.sum(dim=1).clamp(min=1))


pool = MeanPoolClassifier(len(itos), emsize, num_class)
with torch.no_grad():
    pool.embedding.weight.copy_(model.embedding.weight)
    pool.embedding.weight[PAD] = 0
    pool.fc.load_state_dict(model.fc.state_dict())
label, tokens, offsets = next(iter(test_dataloader))
lengths = torch.diff(torch.cat([offsets, torch.tensor([tokens.numel()])]))
padded = pad_sequence(list(torch.split(tokens, lengths.tolist())), batch_first=True, padding_value=PAD)
with torch.no_grad():
    bag_out = model(tokens, offsets)
    pool_out = pool(padded)
print("padded", tuple(padded.shape), "max |bag - pool|", f"{(bag_out - pool_out).abs().max().item():.2e}",
      "agree", torch.allclose(bag_out, pool_out, atol=1e-5))
bag_sum = nn.EmbeddingBag.from_pretrained(model.embedding.weight, mode="sum")
bag_max = nn.EmbeddingBag(len(itos), emsize, mode="max", _weight=model.embedding.weight.detach().clone())
per_sample_weights = torch.linspace(0.5, 1.5, tokens.numel())
with torch.no_grad():
    print("bag sum", f"{bag_sum(tokens, offsets).sum().item():.5f}", "bag max", f"{bag_max(tokens, offsets).sum().item():.5f}",
          "weighted", f"{bag_sum(tokens, offsets, per_sample_weights=per_sample_weights).sum().item():.5f}")

# random_split and a WeightedRandomSampler against the class imbalance
full = SpeechDataset(samples)
generator = torch.Generator().manual_seed(42)
train_split, val_split = random_split(full, [0.8, 0.2], generator=generator)
print("split sizes", len(train_split), len(val_split), "disjoint", not set(train_split.indices) & set(val_split.indices))
labels = torch.tensor([full[i][0] for i in train_split.indices])
class_count = torch.bincount(labels, minlength=num_class)
class_weights = 1.0 / class_count.float()
sample_weights = class_weights[labels]
sampler = WeightedRandomSampler(sample_weights, num_samples=len(sample_weights), replacement=True)
balanced_loader = DataLoader(train_split, batch_size=BATCH_SIZE, sampler=sampler, collate_fn=collate_batch)
val_loader = DataLoader(val_split, batch_size=BATCH_SIZE, collate_fn=collate_batch)
model2 = TextClassificationModel(len(itos), emsize, num_class)
optimizer = torch.optim.SGD(model2.parameters(), lr=5.0)
seen = torch.zeros(num_class, dtype=torch.long)
for epoch in range(4):
    model2.train()
    for label, text_, offsets in balanced_loader:
        seen += torch.bincount(label, minlength=num_class)
        optimizer.zero_grad()
        loss = criterion(model2(text_, offsets), label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model2.parameters(), 0.1)
        optimizer.step()
share = seen.float() / seen.sum()
print("sampled class share", [round(v, 3) for v in share.tolist()], "min share", round(share.min().item(), 3))
print("balanced valid accuracy", round(evaluate(val_loader, model2), 4))
