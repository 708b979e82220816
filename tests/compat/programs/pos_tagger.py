"""The "Sequence Models and Long Short-Term Memory Networks" tutorial: the
LSTM basics (a sequence fed one step at a time with a (hidden, cell) tuple,
then all at once with torch.cat(inputs).view(len(inputs), 1, -1)), the
LSTMTagger for part-of-speech tagging with word_to_ix / tag_to_ix dicts,
prepare_sequence, nn.Embedding, lstm_out.view(len(sentence), -1),
F.log_softmax and NLLLoss with SGD(lr=0.1); then the exercise's augmented
tagger with a character-level LSTM whose final hidden state is concatenated
to each word embedding. Fixed weights: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)


def fix(module, phase=0.0):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_((torch.sin(torch.arange(n, dtype=torch.float32) * 0.37 + i + phase) * 0.4).reshape(p.shape))
    return module


lstm = fix(nn.LSTM(3, 3))
inputs = [torch.cos(torch.arange(3.0) + k).view(1, 3) for k in range(5)]
hidden = (torch.full((1, 1, 3), 0.1), torch.full((1, 1, 3), -0.2))
for i in inputs:
    out, hidden = lstm(i.view(1, 1, -1), hidden)
print("stepwise out", [round(v, 6) for v in out.flatten().tolist()])
inputs = torch.cat(inputs).view(len(inputs), 1, -1)
hidden = (torch.full((1, 1, 3), 0.1), torch.full((1, 1, 3), -0.2))
out, hidden = lstm(inputs, hidden)
print(out)
print(hidden)


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
    ("The cat chased a mouse".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("A bird saw the dog".split(), ["DET", "NN", "V", "DET", "NN"]),
]
word_to_ix = {}
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
print(word_to_ix)
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}
ix_to_tag = {v: k for k, v in tag_to_ix.items()}
EMBEDDING_DIM = 6
HIDDEN_DIM = 6


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


model = fix(LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix)))
loss_function = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)

with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores = model(inputs)
    print(tag_scores)

for epoch in range(40):
    total = 0.0
    for sentence, tags in training_data:
        model.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)
        tag_scores = model(sentence_in)
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1} loss {total / len(training_data):.6f}")

with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores = model(inputs)
    print(tag_scores)
    print([ix_to_tag[i] for i in tag_scores.argmax(dim=1).tolist()])


# ---------------------------------------------------------------- with character-level features
char_to_ix = {}
for sent, _ in training_data:
    for word in sent:
        for ch in word:
            char_to_ix.setdefault(ch, len(char_to_ix))
print("chars", len(char_to_ix))


class CharLSTMTagger(nn.Module):
    def __init__(self, word_dim, char_dim, char_hidden, hidden_dim, vocab_size, n_chars, tagset_size):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, word_dim)
        self.char_embeddings = nn.Embedding(n_chars, char_dim)
        self.char_lstm = nn.LSTM(char_dim, char_hidden)
        self.lstm = nn.LSTM(word_dim + char_hidden, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence, words):
        char_reps = []
        for word in words:
            chars = prepare_sequence(word, char_to_ix)
            _, (h_n, _) = self.char_lstm(self.char_embeddings(chars).unsqueeze(1))
            char_reps.append(h_n.view(-1))
        char_reps = torch.stack(char_reps)
        embeds = torch.cat([self.word_embeddings(sentence), char_reps], dim=1)
        lstm_out, _ = self.lstm(embeds.unsqueeze(1))
        return F.log_softmax(self.hidden2tag(lstm_out.squeeze(1)), dim=1)


model = fix(CharLSTMTagger(5, 3, 3, 6, len(word_to_ix), len(char_to_ix), len(tag_to_ix)), phase=0.5)
optimizer = optim.SGD(model.parameters(), lr=0.1)
for epoch in range(20):
    total = 0.0
    for sentence, tags in training_data:
        model.zero_grad()
        scores = model(prepare_sequence(sentence, word_to_ix), sentence)
        loss = loss_function(scores, prepare_sequence(tags, tag_to_ix))
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 10 == 9:
        print(f"char epoch {epoch + 1} loss {total / len(training_data):.6f}")
with torch.no_grad():
    new = "The bird ate a book".split()
    known = [w if w in word_to_ix else "the" for w in new]
    scores = model(prepare_sequence(known, word_to_ix), new)
    print("tags", [ix_to_tag[i] for i in scores.argmax(1).tolist()], [round(v, 5) for v in scores.max(1).values.tolist()])
