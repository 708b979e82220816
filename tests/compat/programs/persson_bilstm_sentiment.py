"""Aladdin Persson-style sentiment classification with a bidirectional LSTM: a tiny hand-made review
corpus, a Vocab built with collections.Counter (min_freq, <unk>/<pad>), a Dataset returning
(token ids, label), collate_fn with pad_sequence(batch_first=True, padding_value=pad) and the lengths,
nn.Embedding(padding_idx=pad), pack_padded_sequence(enforce_sorted=False) into a 2-layer BiLSTM
(dropout between layers), the last layer's forward and backward hidden states concatenated
(hidden[-2], hidden[-1]), BCEWithLogitsLoss, an accuracy helper with torch.round(torch.sigmoid(.)),
save/load_checkpoint as in his utils (a dict with state_dict and optimizer), and predictions on new
sentences. Seeded: every printed number agrees."""

import io
from collections import Counter

import torch
import torch.nn as nn
import torch.optim as optim
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(42)

POS = ["a wonderful film with great acting", "i loved this movie so much", "brilliant and moving story",
       "the best film of the year", "great fun and a lovely cast", "superb direction and great music",
       "an excellent heartfelt movie", "i enjoyed every minute", "truly great and funny",
       "lovely story wonderful cast"]
NEG = ["a boring film with bad acting", "i hated this movie", "terrible and dull story",
       "the worst film of the year", "bad script and a dull cast", "awful direction and poor music",
       "a waste of time", "i regret every minute", "truly bad and not funny", "dull story terrible cast"]
data = [(s, 1.0) for s in POS] + [(s, 0.0) for s in NEG]


def tokenize(text):
    return text.lower().split()


class Vocab:
    def __init__(self, texts, min_freq=1):
        counter = Counter(tok for t in texts for tok in tokenize(t))
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counter.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.freqs = counter

    def __len__(self):
        return len(self.itos)

    def numericalize(self, text):
        return [self.stoi.get(tok, self.stoi["<unk>"]) for tok in tokenize(text)]


vocab = Vocab([t for t, _ in data], min_freq=1)
PAD_IDX = vocab.stoi["<pad>"]
print("vocab", len(vocab), vocab.itos[:8], vocab.freqs.most_common(3))


class ReviewDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        text, label = self.pairs[idx]
        return torch.tensor(vocab.numericalize(text)), torch.tensor(label)


class MyCollate:
    def __init__(self, pad_idx):
        self.pad_idx = pad_idx

    def __call__(self, batch):
        texts = [item[0] for item in batch]
        lengths = torch.tensor([len(t) for t in texts])
        texts = pad_sequence(texts, batch_first=True, padding_value=self.pad_idx)
        labels = torch.stack([item[1] for item in batch])
        return texts, lengths, labels


loader = DataLoader(ReviewDataset(data), batch_size=6, shuffle=True, collate_fn=MyCollate(PAD_IDX),
                    generator=torch.Generator().manual_seed(0))
texts, lengths, labels = next(iter(loader))
print(texts.shape, lengths, labels)
print(texts[0])


class BRNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, pad_idx, dropout=0.25):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers, batch_first=True, bidirectional=True,
                            dropout=dropout)
        self.fc = nn.Linear(hidden_size * 2, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text, lengths):
        embedded = self.dropout(self.embedding(text))
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_output, (hidden, cell) = self.lstm(packed)
        output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden).squeeze(1), output, output_lengths


model = BRNN(len(vocab), 16, 24, 2, PAD_IDX, dropout=0.0)
print(model)
print("params", sum(p.numel() for p in model.parameters() if p.requires_grad))
print(model.embedding.weight[PAD_IDX])
logits, output, out_lengths = model(texts, lengths)
print(logits.shape, output.shape, out_lengths)
print("padded positions zero", bool((output[lengths.argmin(), lengths.min():] == 0).all()))


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    return correct.sum() / len(correct)


def save_checkpoint(state, buffer):
    print("=> Saving checkpoint")
    torch.save(state, buffer)


def load_checkpoint(checkpoint, model, optimizer):
    print("=> Loading checkpoint")
    model.load_state_dict(checkpoint["state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer"])


optimizer = optim.Adam(model.parameters(), lr=0.01)
criterion = nn.BCEWithLogitsLoss()
buffer = io.BytesIO()
for epoch in range(12):
    model.train()
    epoch_loss, epoch_acc = 0.0, 0.0
    for texts, lengths, labels in loader:
        optimizer.zero_grad()
        predictions, _, _ = model(texts, lengths)
        loss = criterion(predictions, labels)
        acc = binary_accuracy(predictions, labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
    if epoch % 3 == 2:
        print(f"Epoch {epoch:02} | Train Loss: {epoch_loss / len(loader):.4f} | "
              f"Train Acc: {epoch_acc * 100 / len(loader):.2f}%")
    if epoch == 5:
        save_checkpoint({"state_dict": model.state_dict(), "optimizer": optimizer.state_dict()}, buffer)

print(model.embedding.weight[PAD_IDX].abs().sum().item(), model.embedding.weight.grad[PAD_IDX].abs().sum().item())
final = {k: v.clone() for k, v in model.state_dict().items()}
buffer.seek(0)
load_checkpoint(torch.load(buffer), model, optimizer)
print("reloaded epoch-5 weights differ", not torch.equal(final["fc.weight"], model.fc.weight))
model.load_state_dict(final)


def predict_sentiment(model, sentence):
    model.eval()
    ids = torch.tensor(vocab.numericalize(sentence)).unsqueeze(0)
    with torch.no_grad():
        pred, _, _ = model(ids, torch.tensor([ids.shape[1]]))
    return torch.sigmoid(pred).item()


for s in ["a great and lovely film", "dull and terrible acting", "i loved the music", "zzz unknown words"]:
    print(f"{s!r}: {predict_sentiment(model, s):.4f}")
