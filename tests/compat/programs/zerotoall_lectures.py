"""Sung Kim's "PyTorch Zero To All" lectures 2-13 on small data: the linear model by a for-loop over w
values, gradients by hand against tensor.grad (w.grad.item(), w.data = w.data - 0.01 * w.grad.data),
the Model(torch.nn.Module) linear regression with MSELoss(reduction='sum'), logistic regression with
sigmoid and BCELoss, a wide-and-deep diabetes-style classifier on np.loadtxt-like float32 data, a
custom Dataset with DataLoader, the softmax lecture's numpy cross-entropy against nn.CrossEntropyLoss
on batches, a CNN with InceptionA (branches by torch.cat(outputs, 1)), the "hihell" -> "ihello" RNN
fed one character at a time and then the whole sequence (nn.RNN(batch_first=True), hidden from
torch.zeros, one-hot lookup, outputs.max(1) idx, ''.join(idx2char)), an embedding RNN, and the
name-country RNN classifier with pack-free padding by str2ascii_arr. Seeded: every printed number
agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(777)

# lecture 2: the linear model by hand
x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


def forward(x):
    return x * w


def loss(x, y):
    y_pred = forward(x)
    return (y_pred - y) * (y_pred - y)


for w in np.arange(0.0, 4.1, 1.0):
    l_sum = 0
    for x_val, y_val in zip(x_data, y_data):
        l_sum += loss(x_val, y_val)
    print("w=", w, "MSE=", l_sum / 3)

# lecture 4: back-propagation
w = torch.tensor([1.0], requires_grad=True)
print("predict (before training)", 4, forward(4).item())
for epoch in range(4):
    for x_val, y_val in zip(x_data, y_data):
        l = loss(x_val, y_val)
        l.backward()
        print("\tgrad: ", x_val, y_val, w.grad.item())
        w.data = w.data - 0.01 * w.grad.data
        w.grad.data.zero_()
    print(f"Epoch: {epoch} | Loss: {l.item()}")
print("Prediction (after training)", 4, forward(4).item())

# lecture 5: linear regression in the PyTorch way
x_data = torch.tensor([[1.0], [2.0], [3.0]])
y_data = torch.tensor([[2.0], [4.0], [6.0]])


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        y_pred = self.linear(x)
        return y_pred


model = Model()
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(200):
    y_pred = model(x_data)
    loss_v = criterion(y_pred, y_data)
    if epoch % 50 == 0:
        print(f"Epoch: {epoch} | Loss: {loss_v.item()} ")
    optimizer.zero_grad()
    loss_v.backward()
    optimizer.step()
hour_var = torch.tensor([[4.0]])
y_pred = model(hour_var)
print("Prediction (after training)", 4, model(hour_var).data[0][0].item())

# lecture 6: logistic regression
x_data = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y_data = torch.tensor([[0.], [0.], [1.], [1.]])


class LogModel(nn.Module):
    def __init__(self):
        super(LogModel, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


model = LogModel()
criterion = nn.BCELoss(reduction="mean")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(300):
    y_pred = model(x_data)
    loss_v = criterion(y_pred, y_data)
    if epoch % 100 == 0:
        print(f"Epoch {epoch + 1}/300 | Loss: {loss_v.item():.4f}")
    optimizer.zero_grad()
    loss_v.backward()
    optimizer.step()
hour_var = model(torch.tensor([[1.0]]))
print(f"Prediction after 1 hour of training: {hour_var.item():.4f} | Above 50%: {hour_var.item() > 0.5}")
hour_var = model(torch.tensor([[7.0]]))
print(f"Prediction after 7 hours of training: {hour_var.item():.4f} | Above 50%: { hour_var.item() > 0.5}")

# lecture 7: wide and deep on generated diabetes-like data
rng = np.random.RandomState(0)
xy = np.hstack([rng.uniform(-1, 1, size=(120, 8)), (rng.rand(120, 1) > 0.35)]).astype(np.float32)
x_data = torch.from_numpy(xy[:, 0:-1])
y_data = torch.from_numpy(xy[:, [-1]])
print(f"X's shape: {x_data.shape} | Y's shape: {y_data.shape}")


class DeepModel(nn.Module):
    def __init__(self):
        super(DeepModel, self).__init__()
        self.l1 = nn.Linear(8, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        out1 = self.sigmoid(self.l1(x))
        out2 = self.sigmoid(self.l2(out1))
        y_pred = self.sigmoid(self.l3(out2))
        return y_pred


model = DeepModel()
criterion = nn.BCELoss(reduction="mean")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(100):
    y_pred = model(x_data)
    loss_v = criterion(y_pred, y_data)
    if epoch % 25 == 0:
        print(f"Epoch: {epoch + 1}/100 | Loss: {loss_v.item():.4f}")
    optimizer.zero_grad()
    loss_v.backward()
    optimizer.step()


# lecture 8: Dataset and DataLoader
class DiabetesDataset(Dataset):
    def __init__(self):
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, 0:-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


dataset = DiabetesDataset()
train_loader = DataLoader(dataset=dataset, batch_size=32, shuffle=True, num_workers=0)
for epoch in range(2):
    for i, data in enumerate(train_loader, 0):
        inputs, labels = data
        y_pred = model(inputs)
        loss_v = criterion(y_pred, labels)
        print(f"Epoch: {epoch + 1} | Batch: {i + 1} | Loss: {loss_v.item():.4f}", inputs.shape)
        optimizer.zero_grad()
        loss_v.backward()
        optimizer.step()

# lecture 9: softmax and cross-entropy
Y = np.array([1, 0, 0])
Y_pred1 = np.array([0.7, 0.2, 0.1])
Y_pred2 = np.array([0.1, 0.3, 0.6])
print("loss1 = ", np.sum(-Y * np.log(Y_pred1)))
print("loss2 = ", np.sum(-Y * np.log(Y_pred2)))
loss = nn.CrossEntropyLoss()
Y = torch.tensor([0], requires_grad=False)
Y_pred1 = torch.tensor([[2.0, 1.0, 0.1]])
Y_pred2 = torch.tensor([[0.5, 2.0, 0.3]])
l1 = loss(Y_pred1, Y)
l2 = loss(Y_pred2, Y)
print("PyTorch Loss1 = ", l1.data, "\nPyTorch Loss2=", l2.data)
print("Y_pred1=", torch.max(Y_pred1.data, 1)[1])
print("Y_pred2=", torch.max(Y_pred2.data, 1)[1])
Y = torch.tensor([2, 0, 1], requires_grad=False)
Y_pred1 = torch.tensor([[0.1, 0.2, 0.9], [1.1, 0.1, 0.2], [0.2, 2.1, 0.1]])
Y_pred2 = torch.tensor([[0.8, 0.2, 0.3], [0.2, 0.3, 0.5], [0.2, 0.2, 0.5]])
l1 = loss(Y_pred1, Y)
l2 = loss(Y_pred2, Y)
print("Batch Loss1 = ", l1.data, "\nBatch Loss2=", l2.data)


# lectures 10-11: CNN with the Inception module on 14x14 digits-like images
class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super(InceptionA, self).__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 4, kernel_size=1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 4, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(4, 6, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = nn.Conv2d(in_channels, 4, kernel_size=1)
        self.branch3x3dbl_2 = nn.Conv2d(4, 6, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = nn.Conv2d(6, 6, kernel_size=3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 6, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)
        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)
        branch3x3dbl = self.branch3x3dbl_1(x)
        branch3x3dbl = self.branch3x3dbl_2(branch3x3dbl)
        branch3x3dbl = self.branch3x3dbl_3(branch3x3dbl)
        branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        branch_pool = self.branch_pool(branch_pool)
        outputs = [branch1x1, branch5x5, branch3x3dbl, branch_pool]
        return torch.cat(outputs, 1)


class InceptionNet(nn.Module):
    def __init__(self):
        super(InceptionNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 5, kernel_size=3)
        self.conv2 = nn.Conv2d(22, 10, kernel_size=3)
        self.incept1 = InceptionA(in_channels=5)
        self.incept2 = InceptionA(in_channels=10)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(88, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incept1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incept2(x)
        x = x.view(in_size, -1)
        x = self.fc(x)
        return F.log_softmax(x, dim=1)


images = torch.rand(24, 1, 14, 14)
targets = torch.randint(0, 10, (24,))
net = InceptionNet()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
for batch_idx in range(3):
    data, target = images[batch_idx * 8:(batch_idx + 1) * 8], targets[batch_idx * 8:(batch_idx + 1) * 8]
    optimizer.zero_grad()
    output = net(data)
    loss_v = F.nll_loss(output, target)
    loss_v.backward()
    optimizer.step()
    print("Train Epoch: 1 [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
        batch_idx * len(data), len(images), 100. * batch_idx * 8 / len(images), loss_v.item()))
with torch.no_grad():
    output = net(images)
    test_loss = F.nll_loss(output, targets, reduction="sum").item()
    pred = output.data.max(1, keepdim=True)[1]
    correct = pred.eq(targets.data.view_as(pred)).cpu().sum()
print("\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
    test_loss / 24, correct, 24, 100. * correct / 24))

# lecture 12: RNN basics, "hihell" -> "ihello"
cell = nn.RNN(input_size=4, hidden_size=2, batch_first=True)
h = [1, 0, 0, 0]
e = [0, 1, 0, 0]
l_ = [0, 0, 1, 0]
o = [0, 0, 0, 1]
inputs = torch.tensor([[h, e, l_, l_, o]], dtype=torch.float32)
print("input size", inputs.size())
hidden = torch.randn(1, 1, 2)
out, hidden = cell(inputs, hidden)
print("out size", out.size(), out.data)
inputs = torch.tensor([[h, e, l_, l_, o], [e, o, l_, l_, l_], [l_, l_, e, e, l_]], dtype=torch.float32)
hidden = torch.randn(1, 3, 2)
out, hidden = cell(inputs, hidden)
print("batch out size", out.size(), hidden.size())

idx2char = ["h", "i", "e", "l", "o"]
x_data = [0, 1, 0, 2, 3, 3]
one_hot_lookup = [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]
y_data = [1, 0, 2, 3, 3, 4]
x_one_hot = [one_hot_lookup[x] for x in x_data]
inputs = torch.tensor(x_one_hot, dtype=torch.float32)
labels = torch.tensor(y_data)
num_classes, input_size, hidden_size, batch_size, sequence_length, num_layers = 5, 5, 5, 1, 1, 1


class CharModel(nn.Module):
    def __init__(self):
        super(CharModel, self).__init__()
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, batch_first=True)

    def forward(self, hidden, x):
        x = x.view(batch_size, sequence_length, input_size)
        out, hidden = self.rnn(x, hidden)
        return hidden, out.view(-1, num_classes)

    def init_hidden(self):
        return torch.zeros(num_layers, batch_size, hidden_size)


model = CharModel()
print(model)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
for epoch in range(15):
    optimizer.zero_grad()
    loss_v = 0
    hidden = model.init_hidden()
    out_str = ""
    for input, label in zip(inputs, labels):
        hidden, output = model(hidden, input)
        val, idx = output.max(1)
        out_str += idx2char[idx.data[0]]
        loss_v += criterion(output, label.reshape(1))
    if epoch % 3 == 0:
        print("epoch: %d, loss: %1.3f" % (epoch + 1, loss_v.item()), "predicted string:", out_str)
    loss_v.backward()
    optimizer.step()

# the whole sequence at once
inputs = torch.tensor([x_one_hot], dtype=torch.float32)
sequence_length = 6


class SeqRNN(nn.Module):
    def __init__(self, num_classes, input_size, hidden_size, num_layers):
        super(SeqRNN, self).__init__()
        self.num_classes = num_classes
        self.num_layers = num_layers
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.sequence_length = sequence_length
        self.rnn = nn.RNN(input_size=5, hidden_size=5, batch_first=True)

    def forward(self, x):
        h_0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        x.view(x.size(0), self.sequence_length, self.input_size)
        out, _ = self.rnn(x, h_0)
        return out.view(-1, num_classes)


rnn = SeqRNN(num_classes, input_size, hidden_size, num_layers)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.1)
for epoch in range(40):
    outputs = rnn(inputs)
    optimizer.zero_grad()
    loss_v = criterion(outputs, labels)
    loss_v.backward()
    optimizer.step()
    _, idx = outputs.max(1)
    idx = idx.data.numpy()
    result_str = [idx2char[c] for c in idx.squeeze()]
    if epoch % 10 == 9:
        print("epoch: %d, loss: %1.3f" % (epoch + 1, loss_v.item()), "Predicted string: ", "".join(result_str))


# embedding RNN
class EmbRNN(nn.Module):
    def __init__(self):
        super(EmbRNN, self).__init__()
        self.embedding = nn.Embedding(input_size, 10)
        self.rnn = nn.RNN(input_size=10, hidden_size=5, batch_first=True)
        self.fc = nn.Linear(5, num_classes)

    def forward(self, x):
        h_0 = torch.zeros(num_layers, x.size(0), 5)
        emb = self.embedding(x)
        emb = emb.view(batch_size, sequence_length, -1)
        out, _ = self.rnn(emb, h_0)
        return self.fc(out.view(-1, num_classes))


model = EmbRNN()
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
inputs = torch.tensor([x_data])
for epoch in range(30):
    outputs = model(inputs)
    optimizer.zero_grad()
    loss_v = criterion(outputs, labels)
    loss_v.backward()
    optimizer.step()
    _, idx = outputs.max(1)
    if epoch % 10 == 9:
        print("epoch: %d, loss: %1.3f" % (epoch + 1, loss_v.item()),
              "Predicted string: ", "".join(idx2char[c] for c in idx.tolist()))


# lecture 13: name -> country classifier with a GRU over ASCII codes
names = ["adsit", "ahn", "baek", "smith", "jones", "muller", "schmidt", "rossi", "bianchi", "tanaka", "suzuki",
         "kim", "park", "garcia", "lopez", "ivanov"]
countries = ["English", "Korean", "Korean", "English", "English", "German", "German", "Italian", "Italian",
             "Japanese", "Japanese", "Korean", "Korean", "Spanish", "Spanish", "Russian"]
country_list = sorted(set(countries))
print(country_list)


def str2ascii_arr(msg):
    arr = [ord(c) for c in msg]
    return arr, len(arr)


def pad_sequences(vectorized_seqs, seq_lengths, country_ids):
    seq_tensor = torch.zeros((len(vectorized_seqs), seq_lengths.max())).long()
    for idx, (seq, seq_len) in enumerate(zip(vectorized_seqs, seq_lengths)):
        seq_tensor[idx, :seq_len] = torch.LongTensor(seq)
    seq_lengths, perm_idx = seq_lengths.sort(0, descending=True)
    seq_tensor = seq_tensor[perm_idx]
    target = country_ids
    if len(country_ids):
        target = target[perm_idx]
    return seq_tensor, seq_lengths, target


def make_variables(names, countries):
    sequence_and_length = [str2ascii_arr(name) for name in names]
    vectorized_seqs = [sl[0] for sl in sequence_and_length]
    seq_lengths = torch.LongTensor([sl[1] for sl in sequence_and_length])
    country_ids = torch.LongTensor([country_list.index(c) for c in countries])
    return pad_sequences(vectorized_seqs, seq_lengths, country_ids)


class RNNClassifier(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1, bidirectional=True):
        super(RNNClassifier, self).__init__()
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.n_directions = int(bidirectional) + 1
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, input, seq_lengths):
        input = input.t()
        batch_size = input.size(1)
        hidden = self._init_hidden(batch_size)
        embedded = self.embedding(input)
        gru_input = nn.utils.rnn.pack_padded_sequence(embedded, seq_lengths.data.cpu().numpy())
        self.gru.flatten_parameters()
        output, hidden = self.gru(gru_input, hidden)
        fc_output = self.fc(hidden[-1])
        return fc_output

    def _init_hidden(self, batch_size):
        return torch.zeros(self.n_layers * self.n_directions, batch_size, self.hidden_size)


classifier = RNNClassifier(128, 16, len(country_list), 2)
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
for epoch in range(1, 16):
    input, seq_lengths, target = make_variables(names, countries)
    output = classifier(input, seq_lengths)
    loss_v = criterion(output, target)
    classifier.zero_grad()
    loss_v.backward()
    optimizer.step()
    if epoch % 5 == 0:
        pred = output.data.max(1, keepdim=True)[1]
        correct = pred.eq(target.data.view_as(pred)).cpu().sum()
        print(f"epoch {epoch} loss {loss_v.item():.4f} correct {correct}/{len(names)}", seq_lengths[:4])
input, seq_lengths, target = make_variables(["sung", "kimura"], [])
output = classifier(input, seq_lengths)
pred = output.data.max(1, keepdim=True)[1]
print(input, seq_lengths, [country_list[i] for i in pred.view(-1).tolist()])
