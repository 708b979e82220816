"""A text classifier in the style of the torchtext tutorial: a tiny vocabulary built by hand,
a collate_fn that concatenates token ids and builds offsets with cumsum, nn.EmbeddingBag
(mean, sum with per_sample_weights, max, padding_idx, include_last_offset), a linear head,
SGD with StepLR, and an evaluation that prints accuracy and per-class predictions."""

import torch
from torch import nn
from torch.utils.data import DataLoader

torch.set_num_threads(1)
torch.manual_seed(0)

texts = [
    ("good great fine movie", 1), ("bad awful boring plot", 0), ("great acting good fun", 1),
    ("boring bad movie", 0), ("fun fine great", 1), ("awful plot bad acting", 0),
    ("good fun", 1), ("bad boring", 0), ("fine movie great plot", 1), ("awful awful bad", 0),
]
vocab = {"<pad>": 0, "<unk>": 1}
for t, _ in texts:
    for w in t.split():
        vocab.setdefault(w, len(vocab))
print("vocab size", len(vocab))


def encode(text):
    return [vocab.get(w, 1) for w in text.split()]


def collate_batch(batch):
    labels, ids, offsets = [], [], [0]
    for text, label in batch:
        toks = torch.tensor(encode(text), dtype=torch.int64)
        labels.append(label)
        ids.append(toks)
        offsets.append(toks.size(0))
    labels = torch.tensor(labels, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    return labels, torch.cat(ids), offsets


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
        return self.fc(self.embedding(text, offsets))


model = TextClassificationModel(len(vocab), 8, 2)
print(model)
print(model.embedding.mode, model.embedding.weight.shape, model.embedding.weight.dtype)
loader = DataLoader(texts, batch_size=4, shuffle=True, collate_fn=collate_batch)
labels, ids, offsets = next(iter(loader))
print("batch", labels.tolist(), ids.tolist(), offsets.tolist(), offsets.dtype)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=2.0)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.5)


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for label, text, offsets in dataloader:
            predicted_label = model(text, offsets)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


for epoch in range(1, 5):
    model.train()
    total_loss = 0.0
    for label, text, offsets in loader:
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_loss += loss.item()
    scheduler.step()
    print(f"| epoch {epoch:3d} | loss {total_loss:8.4f} | accuracy {evaluate(loader):8.3f} | lr {scheduler.get_last_lr()[0]:.4f}")

# sparse embedding gradients: SparseAdam for the bag, Adam for the head
sp = TextClassificationModel(len(vocab), 8, 2)
sp.embedding = nn.EmbeddingBag(len(vocab), 8, mode="sum", sparse=True, padding_idx=0)
opts = [torch.optim.SparseAdam(list(sp.embedding.parameters()), lr=0.05), torch.optim.Adam(sp.fc.parameters(), lr=0.05)]
for epoch in range(3):
    for label, text, offsets in loader:
        for o in opts:
            o.zero_grad()
        loss = criterion(sp(text, offsets), label)
        loss.backward()
        for o in opts:
            o.step()
    print("sparse epoch", epoch, round(loss.item(), 5), sp.embedding.weight[0].abs().sum().item())
print(opts[0], opts[0].state_dict()["state"][0]["step"])
try:
    nn.EmbeddingBag(4, 2, mode="max", sparse=True)(torch.tensor([0, 1]), torch.tensor([0]))
except ValueError as e:
    print("ValueError", e)

# the other bag modes, per-sample weights, padding_idx and include_last_offset
w = torch.arange(24, dtype=torch.float32).reshape(6, 4) / 10
inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 0])
off = torch.tensor([0, 3, 3, 6])
for mode in ["sum", "mean", "max"]:
    bag = nn.EmbeddingBag.from_pretrained(w, mode=mode, freeze=False)
    out = bag(inp, off)
    out.sum().backward()
    print(mode, out, bag.weight.grad.sum(1))
psw = torch.linspace(0.5, 1.5, 8)
bag = nn.EmbeddingBag(6, 4, mode="sum", padding_idx=0)
with torch.no_grad():
    bag.weight.copy_(w)
print("padding row", bag.weight[0])
print("psw", bag(inp, off, per_sample_weights=psw))
bag2 = nn.EmbeddingBag(6, 4, mode="mean", include_last_offset=True, _weight=w.clone())
print("last offset", bag2(inp, torch.tensor([0, 3, 3, 6, 8])))
print("2d input", bag2(inp.view(2, 4)))
print(bag, bag2)
print(nn.functional.embedding_bag(inp, w, off, mode="max"))
try:
    bag(inp, off, per_sample_weights=psw[:5])
except Exception as e:
    print(isinstance(e, ValueError))
try:
    nn.EmbeddingBag(6, 4, mode="mean")(inp, off, per_sample_weights=psw)
except Exception as e:
    print(isinstance(e, NotImplementedError))
try:
    bag2(inp.view(2, 4), off)
except Exception as e:
    print(isinstance(e, ValueError))
