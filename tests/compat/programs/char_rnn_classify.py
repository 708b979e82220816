"""The char-RNN name classification tutorial's shape: one-hot letterToTensor /
lineToTensor, a hand-built RNN cell (torch.cat of input and hidden,
initHidden() = torch.zeros(1, n_hidden)), categoryFromOutput with topk,
random training examples from Python's random, a manual SGD step through
p.data.add_, then nn.GRU on the same task. Words of the bundled text are
classified by their ending. Weights are fixed and the example order comes from
Python's random, so the losses can be compared closely."""

import math
import random
import string

import torch
import torch.nn as nn

from _data import words

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
all_categories = ["ends-e", "ends-s", "ends-y", "other"]
n_categories = len(all_categories)
category_lines = {c: [] for c in all_categories}
for w in words(600):
    cat = {"e": "ends-e", "s": "ends-s", "y": "ends-y"}.get(w[-1], "other")
    category_lines[cat].append(w)
print({c: len(v) for c, v in category_lines.items()})


def letterToIndex(letter):
    return all_letters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = torch.tanh(self.i2h(combined))
        output = self.softmax(self.h2o(hidden))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def fix_weights(module):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(0.2 * torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.91 + i).view_as(p))


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


rng = random.Random(1)


def randomChoice(items):
    return items[rng.randint(0, len(items) - 1)]


def randomTrainingExample():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    line_tensor = lineToTensor(line)
    return category, line, category_tensor, line_tensor


n_hidden = 32
rnn = RNN(n_letters, n_hidden, n_categories)
fix_weights(rnn)
criterion = nn.NLLLoss()
learning_rate = 0.01


def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


n_iters, print_every = 1000, 250
current_loss = 0.0
correct = 0
for it in range(1, n_iters + 1):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    output, loss = train(category_tensor, line_tensor)
    current_loss += loss
    guess, guess_i = categoryFromOutput(output)
    correct += guess == category
    if it % print_every == 0:
        print(f"{it} {it / n_iters * 100:.0f}% | avg loss {current_loss / print_every:.5f} | "
              f"correct {correct}/{print_every} | {line} / {guess}")
        current_loss, correct = 0.0, 0


# the same task with nn.GRU over the whole sequence and Adam
class GRUClassifier(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)

    def forward(self, line_tensor):
        output, hidden = self.gru(line_tensor)
        return nn.functional.log_softmax(self.h2o(hidden[0]), dim=1)


gru = GRUClassifier(n_letters, n_hidden, n_categories)
fix_weights(gru)
optimizer = torch.optim.Adam(gru.parameters(), lr=0.005)
current_loss = 0.0
for it in range(1, 401):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    optimizer.zero_grad()
    loss = criterion(gru(line_tensor), category_tensor)
    loss.backward()
    optimizer.step()
    current_loss += loss.item()
    if it % 200 == 0:
        print(f"gru {it} | avg loss {current_loss / 200:.5f}")
        current_loss = 0.0

with torch.no_grad():
    confusion = torch.zeros(n_categories, n_categories)
    for c_i, c in enumerate(all_categories):
        for line in category_lines[c][:40]:
            values, indices = gru(lineToTensor(line)).topk(2, dim=1)
            confusion[c_i][indices[0][0].item()] += 1
    confusion = confusion / confusion.sum(1, keepdim=True)
print("gru diagonal", " ".join(f"{v:.4f}" for v in confusion.diag().tolist()))
print(f"final gru loss {loss.item():.6f} ppl {math.exp(loss.item()):.6f}")
