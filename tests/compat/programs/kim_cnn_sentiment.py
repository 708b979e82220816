"""Kim's CNN for sentence classification as the sentiment tutorials write it
(bentrevett's "Convolutional Sentiment Analysis"): a toy review corpus built
from word lists by Python's random, a vocabulary from collections.Counter
with <pad>/<unk> and a min frequency, numericalization and pad_sequence
(batch_first, padding_value=pad index), an Embedding with padding_idx,
Conv1d over filter widths 2/3/4 after a permute, ReLU, max over time,
concatenation, dropout, a linear head; BCEWithLogitsLoss, Adam, and
accuracy / precision / recall / F1 computed by hand, then a confusion matrix
by bincount and predict_sentiment on new sentences. Seeded: every number agrees."""

import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)
torch.set_num_threads(1)

POS = ["great", "excellent", "wonderful", "loved", "amazing", "brilliant", "enjoyed", "superb"]
NEG = ["terrible", "awful", "boring", "hated", "worst", "dull", "poor", "waste"]
NEUTRAL = ["the", "movie", "film", "plot", "actors", "was", "really", "and", "a", "story", "it", "this",
           "not", "very", "acting", "ending"]


def make_review(label):
    words = [random.choice(NEUTRAL) for _ in range(random.randint(4, 12))]
    for _ in range(random.randint(1, 3)):
        words.insert(random.randrange(len(words) + 1), random.choice(POS if label else NEG))
    if random.random() < 0.2:  # a distractor from the other side
        words.insert(random.randrange(len(words) + 1), random.choice(NEG if label else POS))
    return words


data = [(make_review(lbl), lbl) for lbl in [random.randint(0, 1) for _ in range(240)]]
train_data, test_data = data[:180], data[180:]

counter = Counter(w for words, _ in train_data for w in words)
itos = ["<pad>", "<unk>"] + sorted(w for w, c in counter.items() if c >= 2)
stoi = {w: i for i, w in enumerate(itos)}
PAD_IDX, UNK_IDX = stoi["<pad>"], stoi["<unk>"]
print("vocab size", len(itos), "most common", counter.most_common(3))


def numericalize(words):
    return torch.tensor([stoi.get(w, UNK_IDX) for w in words], dtype=torch.long)


def batches(dataset, batch_size, shuffle):
    idx = list(range(len(dataset)))
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), batch_size):
        chunk = [dataset[j] for j in idx[i:i + batch_size]]
        texts = pad_sequence([numericalize(w) for w, _ in chunk], batch_first=True, padding_value=PAD_IDX)
        if texts.size(1) < 4:  # the widest filter needs at least 4 tokens
            texts = F.pad(texts, (0, 4 - texts.size(1)), value=PAD_IDX)
        yield texts, torch.tensor([float(l) for _, l in chunk])


class CNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.convs = nn.ModuleList([nn.Conv1d(embedding_dim, n_filters, fs) for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text).permute(0, 2, 1)  # [batch, emb dim, sent len]
        conved = [F.relu(conv(embedded)) for conv in self.convs]
        pooled = [F.max_pool1d(c, c.shape[2]).squeeze(2) for c in conved]
        cat = self.dropout(torch.cat(pooled, dim=1))
        return self.fc(cat)


model = CNN(len(itos), 24, 12, [2, 3, 4], 1, 0.5, PAD_IDX)
print("params %d" % sum(p.numel() for p in model.parameters() if p.requires_grad))
print("pad row zero", bool((model.embedding.weight[PAD_IDX] == 0).all()))
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.BCEWithLogitsLoss()


def binary_metrics(logits, y):
    pred = (torch.sigmoid(logits) > 0.5).float()
    tp = ((pred == 1) & (y == 1)).sum().item()
    fp = ((pred == 1) & (y == 0)).sum().item()
    fn = ((pred == 0) & (y == 1)).sum().item()
    acc = (pred == y).float().mean().item()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return acc, precision, recall, f1


def evaluate(dataset):
    model.eval()
    logits, ys, total = [], [], 0.0
    with torch.no_grad():
        for text, y in batches(dataset, 32, shuffle=False):
            out = model(text).squeeze(1)
            total += criterion(out, y).item() * len(y)
            logits.append(out)
            ys.append(y)
    return total / len(dataset), torch.cat(logits), torch.cat(ys)


for epoch in range(1, 7):
    model.train()
    epoch_loss = 0.0
    for text, y in batches(train_data, 16, shuffle=True):
        optimizer.zero_grad()
        out = model(text).squeeze(1)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(y)
    if epoch % 2 == 0:
        test_loss, logits, ys = evaluate(test_data)
        print("epoch %d | train loss %.5f | test loss %.5f | acc %.4f prec %.4f rec %.4f f1 %.4f"
              % ((epoch, epoch_loss / len(train_data), test_loss) + binary_metrics(logits, ys)))

_, logits, ys = evaluate(test_data)
pred = (logits > 0).long()
cm = torch.bincount(ys.long() * 2 + pred, minlength=4).reshape(2, 2)
print("confusion", cm.tolist())


def predict_sentiment(sentence, min_len=4):
    model.eval()
    tokens = sentence.lower().split()
    tokens = tokens + ["<pad>"] * (min_len - len(tokens))
    tensor = numericalize(tokens).unsqueeze(0)
    return torch.sigmoid(model(tensor)).item()


for s in ["this film was great", "worst movie ever and boring", "the plot was not brilliant", "a"]:
    print("%-30s %.5f" % (s, predict_sentiment(s)))
# the embedding rows of the strongest words after training
emb = model.embedding.weight.detach()
print("pad row still zero", bool((emb[PAD_IDX] == 0).all()), "grad at pad", model.embedding.weight.grad[PAD_IDX].abs().sum().item())
print("cos(great, excellent) %.4f" % F.cosine_similarity(emb[stoi["great"]], emb[stoi["excellent"]], dim=0).item())
