"""Udacity's deep-learning-v2-pytorch Sentiment_RNN notebook on generated reviews: punctuation stripping,
a Counter-sorted vocab_to_int starting at 1, removal of empty reviews, left-padded pad_features, an 80/10/10
split into TensorDatasets, SentimentRNN (Embedding, 2-layer LSTM with dropout, Linear, Sigmoid, last step
of the batch), init_hidden from weight.new(...).zero_(), the hidden-size error of a short last batch and
drop_last=True, the hidden state detached by tuple([each.data for each in h]), BCELoss with
clip_grad_norm_, validation every print_every steps, test accuracy by torch.round and eq, and predict()
on new reviews."""

from collections import Counter
from string import punctuation

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(1)
rng = np.random.RandomState(1)

positive = ["great", "wonderful", "loved", "brilliant", "fun", "best", "moving", "superb"]
negative = ["awful", "boring", "hated", "worst", "dull", "terrible", "waste", "poor"]
filler = ["the", "movie", "film", "was", "and", "a", "plot", "acting", "it", "this", "really", "story", "of",
          "i", "but", "not", "so", "very", "characters", "ending"]


def review(label):
    words = list(rng.choice(filler, rng.randint(4, 22)))
    mood, other = (positive, negative) if label else (negative, positive)
    for _ in range(rng.randint(1, 4)):
        words.insert(rng.randint(0, len(words) + 1), rng.choice(mood))
    if rng.rand() < 0.3:
        words.insert(rng.randint(0, len(words) + 1), rng.choice(other))
    text = " ".join(words)
    return text + rng.choice(["!", ".", "...", " :)", "?!"])


labels_list = [int(rng.rand() < 0.5) for _ in range(420)]
reviews_raw = [review(l) for l in labels_list]
reviews_raw[17] = "!!!"  # an empty review once punctuation is gone
text = "\n".join(reviews_raw).lower()
all_text = "".join([c for c in text if c not in punctuation])
reviews_split = all_text.split("\n")
all_text = " ".join(reviews_split)
words = all_text.split()
print("first words", words[:12])

counts = Counter(words)
vocab = sorted(counts, key=counts.get, reverse=True)
vocab_to_int = {word: ii for ii, word in enumerate(vocab, 1)}
reviews_ints = []
for r in reviews_split:
    reviews_ints.append([vocab_to_int[word] for word in r.split()])
print("Unique words: ", len((vocab_to_int)))
print()
print("Tokenized review: \n", reviews_ints[:1])

encoded_labels = np.array(labels_list)
review_lens = Counter([len(x) for x in reviews_ints])
print("Zero-length reviews: {}".format(review_lens[0]))
print("Maximum review length: {}".format(max(review_lens)))
print("Number of reviews before removing outliers: ", len(reviews_ints))
non_zero_idx = [ii for ii, review in enumerate(reviews_ints) if len(review) != 0]
reviews_ints = [reviews_ints[ii] for ii in non_zero_idx]
encoded_labels = np.array([encoded_labels[ii] for ii in non_zero_idx])
print("Number of reviews after removing outliers: ", len(reviews_ints))


def pad_features(reviews_ints, seq_length):
    features = np.zeros((len(reviews_ints), seq_length), dtype=int)
    for i, row in enumerate(reviews_ints):
        features[i, -len(row):] = np.array(row)[:seq_length]
    return features


seq_length = 20
features = pad_features(reviews_ints, seq_length=seq_length)
assert len(features) == len(reviews_ints), "Your features should have as many rows as reviews."
assert len(features[0]) == seq_length, "Each feature row should contain seq_length values."
print(features[:5, :10])

split_frac = 0.8
split_idx = int(len(features) * split_frac)
train_x, remaining_x = features[:split_idx], features[split_idx:]
train_y, remaining_y = encoded_labels[:split_idx], encoded_labels[split_idx:]
test_idx = int(len(remaining_x) * 0.5)
val_x, test_x = remaining_x[:test_idx], remaining_x[test_idx:]
val_y, test_y = remaining_y[:test_idx], remaining_y[test_idx:]
print("\t\t\tFeature Shapes:")
print("Train set: \t\t{}".format(train_x.shape),
      "\nValidation set: \t{}".format(val_x.shape),
      "\nTest set: \t\t{}".format(test_x.shape))

train_data = TensorDataset(torch.from_numpy(train_x), torch.from_numpy(train_y))
valid_data = TensorDataset(torch.from_numpy(val_x), torch.from_numpy(val_y))
test_data = TensorDataset(torch.from_numpy(test_x), torch.from_numpy(test_y))
batch_size = 21
train_loader = DataLoader(train_data, shuffle=True, batch_size=batch_size)
valid_loader = DataLoader(valid_data, shuffle=True, batch_size=batch_size)
test_loader = DataLoader(test_data, shuffle=True, batch_size=batch_size)

dataiter = iter(train_loader)
sample_x, sample_y = next(dataiter)
print("Sample input size: ", sample_x.size())
print("Sample input: \n", sample_x[:2])
print()
print("Sample label size: ", sample_y.size())
print("Sample label: \n", sample_y)

train_on_gpu = torch.cuda.is_available()
print("Training on GPU." if train_on_gpu else "No GPU available, training on CPU.")


class SentimentRNN(nn.Module):
    """The RNN model that will be used to perform Sentiment analysis."""

    def __init__(self, vocab_size, output_size, embedding_dim, hidden_dim, n_layers, drop_prob=0.5):
        super(SentimentRNN, self).__init__()
        self.output_size = output_size
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, output_size)
        self.sig = nn.Sigmoid()

    def forward(self, x, hidden):
        batch_size = x.size(0)
        embeds = self.embedding(x)
        lstm_out, hidden = self.lstm(embeds, hidden)
        lstm_out = lstm_out.contiguous().view(-1, self.hidden_dim)
        out = self.dropout(lstm_out)
        out = self.fc(out)
        sig_out = self.sig(out)
        sig_out = sig_out.view(batch_size, -1)
        sig_out = sig_out[:, -1]  # get last batch of labels
        return sig_out, hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        if train_on_gpu:
            hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_().cuda(),
                      weight.new(self.n_layers, batch_size, self.hidden_dim).zero_().cuda())
        else:
            hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
                      weight.new(self.n_layers, batch_size, self.hidden_dim).zero_())
        return hidden


vocab_size = len(vocab_to_int) + 1  # +1 for the 0 padding + our word tokens
output_size = 1
embedding_dim = 16
hidden_dim = 24
n_layers = 2
net = SentimentRNN(vocab_size, output_size, embedding_dim, hidden_dim, n_layers)
print(net)

# the notebook's classic pitfall: 335 reviews do not fill the last batch of 21, and the hidden state
# made for a full batch no longer fits it
*_, (last_x, last_y) = iter(train_loader)
try:
    net(last_x, net.init_hidden(batch_size))
except RuntimeError as err:
    print("last batch of", len(last_x), "->", err)
train_loader = DataLoader(train_data, shuffle=True, batch_size=batch_size, drop_last=True)
valid_loader = DataLoader(valid_data, shuffle=True, batch_size=batch_size, drop_last=True)
test_loader = DataLoader(test_data, shuffle=True, batch_size=batch_size, drop_last=True)
print("batches per epoch", len(train_loader), len(valid_loader), len(test_loader))

lr = 0.01
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=lr)
epochs = 3
counter = 0
print_every = 8
clip = 5  # gradient clipping
net.train()
for e in range(epochs):
    h = net.init_hidden(batch_size)
    for inputs, labels in train_loader:
        counter += 1
        # Creating new variables for the hidden state, otherwise we'd backprop through the entire history
        h = tuple([each.data for each in h])
        net.zero_grad()
        output, h = net(inputs, h)
        loss = criterion(output.squeeze(), labels.float())
        loss.backward()
        # `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
        total_norm = nn.utils.clip_grad_norm_(net.parameters(), clip)
        optimizer.step()
        if counter % print_every == 0:
            val_h = net.init_hidden(batch_size)
            val_losses = []
            net.eval()
            for inputs, labels in valid_loader:
                val_h = tuple([each.data for each in val_h])
                output, val_h = net(inputs, val_h)
                val_loss = criterion(output.squeeze(), labels.float())
                val_losses.append(val_loss.item())
            net.train()
            print("Epoch: {}/{}...".format(e + 1, epochs),
                  "Step: {}...".format(counter),
                  "Loss: {:.6f}...".format(loss.item()),
                  "Val Loss: {:.6f}".format(np.mean(val_losses)),
                  "grad norm {:.4f}".format(total_norm))

test_losses = []
num_correct = 0
h = net.init_hidden(batch_size)
net.eval()
for inputs, labels in test_loader:
    h = tuple([each.data for each in h])
    output, h = net(inputs, h)
    test_loss = criterion(output.squeeze(), labels.float())
    test_losses.append(test_loss.item())
    pred = torch.round(output.squeeze())  # rounds to the nearest integer
    correct_tensor = pred.eq(labels.float().view_as(pred))
    correct = np.squeeze(correct_tensor.numpy()) if not train_on_gpu else np.squeeze(correct_tensor.cpu().numpy())
    num_correct += np.sum(correct)
print("Test loss: {:.3f}".format(np.mean(test_losses)))
test_acc = num_correct / (len(test_loader) * batch_size)
print("Test accuracy: {:.3f}".format(test_acc))


def tokenize_review(test_review):
    test_review = test_review.lower()
    test_text = "".join([c for c in test_review if c not in punctuation])
    test_words = test_text.split()
    test_ints = []
    test_ints.append([vocab_to_int.get(word, 0) for word in test_words])
    return test_ints


def predict(net, test_review, sequence_length=200):
    net.eval()
    test_ints = tokenize_review(test_review)
    seq_length = sequence_length
    features = pad_features(test_ints, seq_length)
    feature_tensor = torch.from_numpy(features)
    batch_size = feature_tensor.size(0)
    h = net.init_hidden(batch_size)
    output, h = net(feature_tensor, h)
    pred = torch.round(output.squeeze())
    print("Prediction value, pre-rounding: {:.6f}".format(output.item()))
    if pred.item() == 1:
        print("Positive review detected!")
    else:
        print("Negative review detected.")


test_review_pos = "This movie had the best acting and the dialogue was so good. I loved it."
test_review_neg = "The worst movie I have seen; acting was terrible and I want my money back. It was dull!"
print(tokenize_review(test_review_pos))
predict(net, test_review_pos, seq_length)
predict(net, test_review_neg, seq_length)
