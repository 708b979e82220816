"""Ben Trevett's pytorch-sentiment-analysis notebooks 3-5 as readers run them on their own text: the
FastText model (generate_bigrams appended to the tokens, embedding averaged with F.avg_pool2d over a
(batch, 1, len, emb) view), the CNN with Conv2d filters of (fs, emb_dim) and one of Conv1d filters
(max_pool1d over conved.shape[2], torch.cat of pooled, dropout), the multi-class CNN with
CrossEntropyLoss and argmax accuracy; pretrained-style vectors copied into embedding.weight.data with
the <unk>/<pad> rows zeroed, BucketIterator-like length-sorted batches, binary_accuracy with
torch.round(torch.sigmoid(...)), count_parameters, best-valid state_dict saved and reloaded, and
predict_sentiment on new sentences with min length padding."""

# ruff: noqa: NPY002 - the tutorial's legacy numpy random calls
import io
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
SEED = 1234
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True

POS = ["good", "great", "fine", "lovely", "noble", "sweet", "fair", "happy", "brave", "kind"]
NEG = ["bad", "foul", "vile", "sad", "cruel", "false", "base", "wicked", "poor", "sick"]
NEUTRAL = ["the", "a", "king", "lord", "is", "was", "very", "and", "my", "this", "play", "night", "day",
           "not", "so", "but", "his", "her", "man", "love"]


def make_review(rng):
    n = rng.randint(4, 14)
    toks = [NEUTRAL[rng.randint(len(NEUTRAL))] for _ in range(n)]
    label = rng.randint(3)  # 0 neg, 1 pos, 2 mixed
    k = rng.randint(1, 3)
    for _ in range(k):
        if label in (0, 2):
            toks.insert(rng.randint(len(toks)), NEG[rng.randint(len(NEG))])
        if label in (1, 2):
            toks.insert(rng.randint(len(toks)), POS[rng.randint(len(POS))])
    if rng.rand() < 0.3 and label != 2:  # "not good" flips
        i = rng.randint(len(toks))
        toks.insert(i, "not")
    return toks, label


rng = np.random.RandomState(0)
data = [make_review(rng) for _ in range(900)]
train_data, valid_data, test_data = data[:600], data[600:750], data[750:]


def generate_bigrams(x):
    n_grams = set(zip(*[x[i:] for i in range(2)]))
    for n_gram in sorted(n_grams):
        x.append(" ".join(n_gram))
    return x


print(generate_bigrams(["This", "film", "is", "terrible"]))


class Vocab:
    def __init__(self, token_lists, max_size=None, min_freq=1):
        counts = {}
        for toks in token_lists:
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
        if max_size:
            words = words[:max_size]
        self.itos = ["<unk>", "<pad>"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.freqs = counts

    def __len__(self):
        return len(self.itos)


def batches(examples, vocab, batch_size, bigrams, binary, shuffle_rng=None, min_len=1):
    items = []
    for toks, label in examples:
        toks = list(toks)
        if bigrams:
            toks = generate_bigrams(toks)
        if len(toks) < min_len:
            toks = toks + ["<pad>"] * (min_len - len(toks))
        items.append(([vocab.stoi.get(t, 0) for t in toks], label))
    if binary:
        items = [(ids, float(label)) for ids, label in items if label != 2]
    # BucketIterator: sort within chunks by length, shuffle the batches
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle_rng is not None:
        shuffle_rng.shuffle(chunks)
    for chunk in chunks:
        L = max(len(items[i][0]) for i in chunk)
        text = torch.full((L, len(chunk)), vocab.stoi["<pad>"], dtype=torch.long)
        for j, i in enumerate(chunk):
            ids = items[i][0]
            text[:len(ids), j] = torch.tensor(ids)
        label = torch.tensor([items[i][1] for i in chunk])
        yield text, label


class FastText(nn.Module):
    def __init__(self, vocab_size, embedding_dim, output_dim, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, text):
        embedded = self.embedding(text)
        embedded = embedded.permute(1, 0, 2)
        pooled = F.avg_pool2d(embedded, (embedded.shape[1], 1)).squeeze(1)
        return self.fc(pooled)


class CNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.convs = nn.ModuleList([
            nn.Conv2d(in_channels=1, out_channels=n_filters, kernel_size=(fs, embedding_dim))
            for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        text = text.permute(1, 0)
        embedded = self.embedding(text)
        embedded = embedded.unsqueeze(1)
        conved = [F.relu(conv(embedded)).squeeze(3) for conv in self.convs]
        pooled = [F.max_pool1d(conv, conv.shape[2]).squeeze(2) for conv in conved]
        cat = self.dropout(torch.cat(pooled, dim=1))
        return self.fc(cat)


class CNN1d(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.convs = nn.ModuleList([
            nn.Conv1d(in_channels=embedding_dim, out_channels=n_filters, kernel_size=fs) for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text.permute(1, 0))
        embedded = embedded.permute(0, 2, 1)
        conved = [F.relu(conv(embedded)) for conv in self.convs]
        pooled = [F.max_pool1d(conv, conv.shape[2]).squeeze(2) for conv in conved]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    return correct.sum() / len(correct)


def categorical_accuracy(preds, y):
    top_pred = preds.argmax(1, keepdim=True)
    correct = top_pred.eq(y.view_as(top_pred)).sum()
    return correct.float() / y.shape[0]


def train(model, iterator, optimizer, criterion, acc_fn, binary):
    epoch_loss, epoch_acc, n = 0, 0, 0
    model.train()
    for text, label in iterator:
        optimizer.zero_grad()
        predictions = model(text)
        predictions = predictions.squeeze(1) if binary else predictions
        loss = criterion(predictions, label)
        acc = acc_fn(predictions, label)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
        n += 1
    return epoch_loss / n, epoch_acc / n


def evaluate(model, iterator, criterion, acc_fn, binary):
    epoch_loss, epoch_acc, n = 0, 0, 0
    model.eval()
    with torch.no_grad():
        for text, label in iterator:
            predictions = model(text)
            predictions = predictions.squeeze(1) if binary else predictions
            epoch_loss += criterion(predictions, label).item()
            epoch_acc += acc_fn(predictions, label).item()
            n += 1
    return epoch_loss / n, epoch_acc / n


def pretrained_vectors(vocab, dim):
    # "GloVe": a fixed hash of each word into a seeded table, as loaded vectors would be
    g = torch.Generator().manual_seed(7)
    table = torch.randn(len(vocab), dim, generator=g) * 0.3
    return table


def run(name, make_model, bigrams, binary, epochs=5, min_len=1):
    tok_lists = [generate_bigrams(list(t)) if bigrams else t for t, _ in train_data]
    vocab = Vocab(tok_lists, max_size=400)
    pad_idx = vocab.stoi["<pad>"]
    unk_idx = vocab.stoi["<unk>"]
    torch.manual_seed(SEED)
    model = make_model(len(vocab), pad_idx)
    print(f"{name}: {count_parameters(model):,} trainable parameters, vocab {len(vocab)}")
    pretrained_embeddings = pretrained_vectors(vocab, model.embedding.embedding_dim)
    model.embedding.weight.data.copy_(pretrained_embeddings)
    model.embedding.weight.data[unk_idx] = torch.zeros(model.embedding.embedding_dim)
    model.embedding.weight.data[pad_idx] = torch.zeros(model.embedding.embedding_dim)
    print(name, "embedding rows", model.embedding.weight.data[:3, :4])
    optimizer = optim.Adam(model.parameters(), lr=5e-3)
    criterion = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
    acc_fn = binary_accuracy if binary else categorical_accuracy
    best_valid_loss = float("inf")
    buf = None
    shuffle_rng = random.Random(SEED)
    for epoch in range(epochs):
        train_loss, train_acc = train(model, batches(train_data, vocab, 32, bigrams, binary, shuffle_rng, min_len),
                                      optimizer, criterion, acc_fn, binary)
        valid_loss, valid_acc = evaluate(model, batches(valid_data, vocab, 32, bigrams, binary, None, min_len),
                                         criterion, acc_fn, binary)
        if valid_loss < best_valid_loss:
            best_valid_loss = valid_loss
            buf = io.BytesIO()
            torch.save(model.state_dict(), buf)
        print(f"{name} Epoch: {epoch + 1:02}")
        print(f"\tTrain Loss: {train_loss:.3f} | Train Acc: {train_acc * 100:.2f}%")
        print(f"\t Val. Loss: {valid_loss:.3f} |  Val. Acc: {valid_acc * 100:.2f}%")
    buf.seek(0)
    model.load_state_dict(torch.load(buf))
    test_loss, test_acc = evaluate(model, batches(test_data, vocab, 32, bigrams, binary, None, min_len),
                                   criterion, acc_fn, binary)
    print(f"{name} Test Loss: {test_loss:.3f} | Test Acc: {test_acc * 100:.2f}%")
    return model, vocab


def predict_sentiment(model, vocab, tokens, bigrams=False, min_len=1):
    model.eval()
    tokenized = list(tokens)
    if bigrams:
        tokenized = generate_bigrams(tokenized)
    if len(tokenized) < min_len:
        tokenized += ["<pad>"] * (min_len - len(tokenized))
    indexed = [vocab.stoi.get(t, 0) for t in tokenized]
    tensor = torch.LongTensor(indexed)
    tensor = tensor.unsqueeze(1)
    prediction = torch.sigmoid(model(tensor))
    return prediction.item()


def predict_class(model, vocab, tokens, min_len=4):
    model.eval()
    tokenized = list(tokens) + ["<pad>"] * max(0, min_len - len(tokens))
    tensor = torch.LongTensor([vocab.stoi.get(t, 0) for t in tokenized]).unsqueeze(1)
    preds = model(tensor)
    return preds.argmax(dim=1).item(), F.softmax(preds, dim=1)


ft, ft_vocab = run("fasttext", lambda v, pad: FastText(v, 20, 1, pad), bigrams=True, binary=True, epochs=6)
for sent in (["this", "king", "is", "good"], ["a", "vile", "night"], ["not", "good"]):
    print("fasttext", " ".join(sent), f"{predict_sentiment(ft, ft_vocab, sent, bigrams=True):.4f}")

cnn, cnn_vocab = run("cnn", lambda v, pad: CNN(v, 20, 8, [2, 3, 4], 1, 0.5, pad), bigrams=False, binary=True,
                     epochs=4, min_len=4)
for sent in (["this", "king", "is", "good"], ["a", "vile", "night"]):
    print("cnn", " ".join(sent), f"{predict_sentiment(cnn, cnn_vocab, sent, min_len=4):.4f}")

cnn1d, v1 = run("cnn1d", lambda v, pad: CNN1d(v, 20, 8, [2, 3], 3, 0.5, pad), bigrams=False, binary=False,
                epochs=4, min_len=3)
for sent in (["my", "lord", "is", "cruel"], ["sweet", "and", "sad", "love"]):
    c, p = predict_class(cnn1d, v1, sent)
    print("cnn1d", " ".join(sent), c, p)
