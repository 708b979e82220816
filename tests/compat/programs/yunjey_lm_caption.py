"""yunjey/pytorch-tutorial's advanced chapters at toy sizes on the bundled text:
the LSTM language model (Dictionary / Corpus classes building ids with
add_word, ids.view(batch_size, -1), detach() of the (h, c) states between
truncated chunks, clip_grad_norm_ at 0.5, perplexity np.exp, sampling with
torch.multinomial(prob, num_samples=1).item() and input.fill_(word_id)),
and the image-captioning pair: an EncoderCNN (features under no_grad,
Linear + BatchNorm1d(momentum=0.01)) and a DecoderRNN fed
torch.cat((features.unsqueeze(1), embeddings), 1) through
pack_padded_sequence(..., batch_first=True), trained on packed targets,
with its greedy sample() loop stacking sampled ids. Seeded: every number
agrees."""

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_norm_
from torch.nn.utils.rnn import pack_padded_sequence

from _data import text

torch.manual_seed(0)


class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = {}
        self.idx = 0

    def add_word(self, word):
        if word not in self.word2idx:
            self.word2idx[word] = self.idx
            self.idx2word[self.idx] = word
            self.idx += 1

    def __len__(self):
        return len(self.word2idx)


class Corpus(object):
    def __init__(self):
        self.dictionary = Dictionary()

    def get_data(self, lines, batch_size=20):
        tokens = 0
        for line in lines:
            words = line.split() + ['<eos>']
            tokens += len(words)
            for word in words:
                self.dictionary.add_word(word)
        ids = torch.LongTensor(tokens)
        token = 0
        for line in lines:
            words = line.split() + ['<eos>']
            for word in words:
                ids[token] = self.dictionary.word2idx[word]
                token += 1
        num_batches = ids.size(0) // batch_size
        ids = ids[:num_batches * batch_size]
        return ids.view(batch_size, -1)


embed_size, hidden_size, num_layers = 16, 32, 1
num_epochs, batch_size, seq_length, learning_rate = 2, 8, 10, 0.002
lines = [ln.lower() for ln in text(6000).splitlines() if ln.strip()]
corpus = Corpus()
ids = corpus.get_data(lines, batch_size)
vocab_size = len(corpus.dictionary)
num_batches = ids.size(1) // seq_length
print("vocab", vocab_size, "ids", tuple(ids.shape), "batches", num_batches, ids[0, :8].tolist())


class RNNLM(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_layers):
        super(RNNLM, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, h):
        x = self.embed(x)
        out, (h, c) = self.lstm(x, h)
        out = out.reshape(out.size(0) * out.size(1), out.size(2))
        out = self.linear(out)
        return out, (h, c)


model = RNNLM(vocab_size, embed_size, hidden_size, num_layers)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)


def detach(states):
    return [state.detach() for state in states]


for epoch in range(num_epochs):
    states = (torch.zeros(num_layers, batch_size, hidden_size), torch.zeros(num_layers, batch_size, hidden_size))
    for i in range(0, ids.size(1) - seq_length, seq_length):
        inputs = ids[:, i:i + seq_length]
        targets = ids[:, (i + 1):(i + 1) + seq_length]
        states = detach(states)
        outputs, states = model(inputs, states)
        loss = criterion(outputs, targets.reshape(-1))
        model.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        step = (i + 1) // seq_length
        if step % 10 == 0:
            print('Epoch [{}/{}], Step[{}/{}], Loss: {:.4f}, Perplexity: {:5.2f}'
                  .format(epoch + 1, num_epochs, step, num_batches, loss.item(), np.exp(loss.item())))

with torch.no_grad():
    words = []
    state = (torch.zeros(num_layers, 1, hidden_size), torch.zeros(num_layers, 1, hidden_size))
    prob = torch.ones(vocab_size)
    input = torch.multinomial(prob, num_samples=1).unsqueeze(1)
    for i in range(20):
        output, state = model(input, state)
        prob = output.exp()
        word_id = torch.multinomial(prob, num_samples=1).item()
        input.fill_(word_id)
        word = corpus.dictionary.idx2word[word_id]
        word = '\n' if word == '<eos>' else word + ' '
        words.append(word)
print("sampled:", "".join(words).replace("\n", " | "))


# ---------------------------------------------------------------- image captioning
class EncoderCNN(nn.Module):
    def __init__(self, embed_size):
        super(EncoderCNN, self).__init__()
        self.resnet = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.linear = nn.Linear(8, embed_size)
        self.bn = nn.BatchNorm1d(embed_size, momentum=0.01)

    def forward(self, images):
        with torch.no_grad():
            features = self.resnet(images)
        features = features.reshape(features.size(0), -1)
        features = self.bn(self.linear(features))
        return features


class DecoderRNN(nn.Module):
    def __init__(self, embed_size, hidden_size, vocab_size, num_layers, max_seq_length=8):
        super(DecoderRNN, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)
        self.max_seg_length = max_seq_length

    def forward(self, features, captions, lengths):
        embeddings = self.embed(captions)
        embeddings = torch.cat((features.unsqueeze(1), embeddings), 1)
        packed = pack_padded_sequence(embeddings, lengths, batch_first=True)
        hiddens, _ = self.lstm(packed)
        outputs = self.linear(hiddens[0])
        return outputs

    def sample(self, features, states=None):
        sampled_ids = []
        inputs = features.unsqueeze(1)
        for i in range(self.max_seg_length):
            hiddens, states = self.lstm(inputs, states)
            outputs = self.linear(hiddens.squeeze(1))
            _, predicted = outputs.max(1)
            sampled_ids.append(predicted)
            inputs = self.embed(predicted)
            inputs = inputs.unsqueeze(1)
        sampled_ids = torch.stack(sampled_ids, 1)
        return sampled_ids


# captions: <start>=1 word ... <end>=2, padded with 0, sorted by length (descending)
captions = torch.tensor([[1, 5, 6, 7, 8, 2], [1, 9, 5, 6, 2, 0], [1, 7, 8, 2, 0, 0], [1, 3, 2, 0, 0, 0]])
lengths = [6, 5, 4, 3]
images = torch.randn(4, 3, 8, 8)
encoder = EncoderCNN(12)
decoder = DecoderRNN(12, 16, 10, 1)
params = list(decoder.parameters()) + list(encoder.linear.parameters()) + list(encoder.bn.parameters())
optimizer = torch.optim.Adam(params, lr=0.01)
targets = pack_padded_sequence(captions, lengths, batch_first=True)[0]
print("packed targets", targets.tolist())
for step in range(25):
    features = encoder(images)
    outputs = decoder(features, captions, lengths)
    loss = criterion(outputs, targets)
    decoder.zero_grad()
    encoder.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print('Step [{}/{}], Loss: {:.4f}, Perplexity: {:5.2f}'.format(step, 25, loss.item(), np.exp(loss.item())))
encoder.eval()
with torch.no_grad():
    sampled = decoder.sample(encoder(images))
print("sampled ids", sampled.tolist())
# (not running_mean: the Linear's bias before the BatchNorm1d gets only rounding noise as gradient, which
# Adam turns into +-lr steps)
print("bn running var", [round(v, 5) for v in encoder.bn.running_var[:4].tolist()])
