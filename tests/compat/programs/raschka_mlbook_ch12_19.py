"""Sebastian Raschka's "Machine Learning with PyTorch and Scikit-Learn", chapters 12-19 in small:
ch12's tensor creation and manipulation (torch.to, transpose, reshape, squeeze, torch.chunk/stack/cat,
torch.split with sizes, torch.multiply/mean/matmul, torch.linalg.norm) and the DataLoader/TensorDataset
joint-dataset walk with torch.manual_seed, the Iris-style classifier with accuracy by
(torch.argmax(pred, dim=1) == y).float(); ch13's computation graph (torch.autograd.grad of a loss),
xavier_normal_ initialization, the XOR problem in nn.Sequential, a NoisyLinear custom layer with a
training flag (noise from torch.normal) and a model built from it, torch.save/load of the whole state;
ch15's character-level RNN (nn.LSTM with an init_hidden returning (hidden, cell)); ch16's self-attention
from scratch (embedding, omega = x @ x.T, softmax weights, context vectors, then U_query / U_key /
U_value and multi-head stacking against F.scaled_dot_product_attention); ch18's graph network from
scratch (NodeNetwork with BasicGraphConvolutionLayer, global_sum_pool, collate_graphs); ch19's
Q-learning on a grid world with a defaultdict Q-table. Seeded: every printed number agrees."""

import io
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(1)

# ch12: tensors
np.set_printoptions(precision=3)
a = [1, 2, 3]
b = np.array([4, 5, 6], dtype=np.int32)
t_a = torch.tensor(a)
t_b = torch.from_numpy(b)
print(t_a)
print(t_b)
t_ones = torch.ones(2, 3)
print(t_ones.shape, t_ones)
rand_tensor = torch.rand(2, 3)
print(rand_tensor)
t_a_new = t_a.to(torch.int64)
print(t_a_new.dtype)
t = torch.rand(3, 5)
t_tr = torch.transpose(t, 0, 1)
print(t.shape, " --> ", t_tr.shape)
t = torch.zeros(30)
t_reshape = t.reshape(5, 6)
print(t_reshape.shape)
t = torch.zeros(1, 2, 1, 4, 1)
t_sqz = torch.squeeze(t, 2)
print(t.shape, " --> ", t_sqz.shape)
torch.manual_seed(1)
t1 = 2 * torch.rand(5, 2) - 1
t2 = torch.normal(mean=0, std=1, size=(5, 2))
t3 = torch.multiply(t1, t2)
print(t3)
t4 = torch.mean(t1, axis=0)
print(t4)
t5 = torch.matmul(t1, torch.transpose(t2, 0, 1))
print(t5)
t6 = torch.matmul(torch.transpose(t1, 0, 1), t2)
print(t6)
norm_t1 = torch.linalg.norm(t1, ord=2, dim=1)
print(norm_t1)
print(np.sqrt(np.sum(np.square(t1.numpy()), axis=1)))
torch.manual_seed(1)
t = torch.rand(6)
print(t)
t_splits = torch.chunk(t, 3)
print([item.numpy() for item in t_splits])
torch.manual_seed(1)
t = torch.rand(5)
print(t)
t_splits = torch.split(t, split_size_or_sections=[3, 2])
print([item.numpy() for item in t_splits])
A = torch.ones(3)
B = torch.zeros(2)
C = torch.cat([A, B], axis=0)
print(C)
A = torch.ones(3)
B = torch.zeros(3)
S = torch.stack([A, B], axis=1)
print(S)

# ch12: datasets
t = torch.arange(6, dtype=torch.float32)
data_loader = DataLoader(t)
for item in data_loader:
    print(item)
data_loader = DataLoader(t, batch_size=3, drop_last=False)
for i, batch in enumerate(data_loader, 1):
    print(f"batch {i}:", batch)
torch.manual_seed(1)
t_x = torch.rand([4, 3], dtype=torch.float32)
t_y = torch.arange(4)


class JointDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


joint_dataset = JointDataset(t_x, t_y)
joint_dataset = TensorDataset(t_x, t_y)
for example in joint_dataset:
    print("  x: ", example[0], "  y: ", example[1])
torch.manual_seed(1)
data_loader = DataLoader(dataset=joint_dataset, batch_size=2, shuffle=True)
for i, batch in enumerate(data_loader, 1):
    print(f"batch {i}:", "x:", batch[0], "\n         y:", batch[1])
for epoch in range(2):
    print(f"epoch {epoch + 1}")
    for i, batch in enumerate(data_loader, 1):
        print(f"batch {i}:", "x:", batch[0], "\n         y:", batch[1])

# ch12: an Iris-style classifier
rng = np.random.RandomState(1)
centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]])
X = np.vstack([c + 0.3 * rng.randn(50, 4) for c in centers])
y = np.repeat(np.arange(3), 50)
perm = rng.permutation(150)
X, y = X[perm], y[perm]
X_train, X_test, y_train, y_test = X[:100], X[100:], y[:100], y[100:]
X_train_norm = (X_train - np.mean(X_train)) / np.std(X_train)
X_train_norm = torch.from_numpy(X_train_norm).float()
y_train = torch.from_numpy(y_train)
train_ds = TensorDataset(X_train_norm, y_train)
torch.manual_seed(1)
train_dl = DataLoader(train_ds, 2, shuffle=True)


class Model(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.layer2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x = self.layer1(x)
        x = nn.Sigmoid()(x)
        x = self.layer2(x)
        x = nn.Softmax(dim=1)(x)
        return x


model = Model(4, 16, 3)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
num_epochs = 10
loss_hist = [0] * num_epochs
accuracy_hist = [0] * num_epochs
for epoch in range(num_epochs):
    for x_batch, y_batch in train_dl:
        pred = model(x_batch)
        loss = loss_fn(pred, y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_hist[epoch] += loss.item() * y_batch.size(0)
        is_correct = (torch.argmax(pred, dim=1) == y_batch).float()
        accuracy_hist[epoch] += is_correct.sum()
    loss_hist[epoch] /= len(train_dl.dataset)
    accuracy_hist[epoch] /= len(train_dl.dataset)
print([round(v, 4) for v in loss_hist])
print(accuracy_hist[-3:])
X_test_norm = (X_test - np.mean(X_train)) / np.std(X_train)
X_test_norm = torch.from_numpy(X_test_norm).float()
y_test = torch.from_numpy(y_test)
pred_test = model(X_test_norm)
correct = (torch.argmax(pred_test, dim=1) == y_test).float()
accuracy = correct.mean()
print(f"Test Acc.: {accuracy:.4f}")
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
model_new = Model(4, 16, 3)
model_new.load_state_dict(torch.load(buffer))
print(model_new.eval())

# ch13: the computation graph and autograd
a = torch.tensor(1)
b = torch.tensor(2)
c = torch.tensor(3)


def compute_z(a, b, c):
    r1 = torch.sub(a, b)
    r2 = torch.mul(r1, 2)
    z = torch.add(r2, c)
    return z


print("Scalar Inputs:", compute_z(torch.tensor(1), torch.tensor(2), torch.tensor(3)))
print("Rank 1 Inputs:", compute_z(torch.tensor([1]), torch.tensor([2]), torch.tensor([3])))
print("Rank 2 Inputs:", compute_z(torch.tensor([[1]]), torch.tensor([[2]]), torch.tensor([[3]])))
a = torch.tensor(3.14, requires_grad=True)
print(a)
b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
print(b)
w = torch.tensor([[2.0, 3.0]], requires_grad=False)
print(w.requires_grad)
w.requires_grad_()
print(w.requires_grad)
torch.manual_seed(1)
w = torch.empty(2, 3)
nn.init.xavier_normal_(w)
print(w)


class MyModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = torch.empty(2, 3, requires_grad=True)
        nn.init.xavier_normal_(self.w1)
        self.w2 = torch.empty(1, 2, requires_grad=True)
        nn.init.xavier_normal_(self.w2)


mm = MyModule()
print(mm.w1.shape, mm.w2.requires_grad, list(mm.parameters()))
w = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
x = torch.tensor([1.4])
y = torch.tensor([2.1])
z = torch.add(torch.mul(w, x), b)
loss = (y - z).pow(2).sum()
loss.backward()
print("dL/dw : ", w.grad)
print("dL/db : ", b.grad)
print(2 * x * ((w * x + b) - y))

# ch13: XOR
torch.manual_seed(1)

x = rng.uniform(low=-1, high=1, size=(200, 2))
y = np.ones(len(x))
y[x[:, 0] * x[:, 1] < 0] = 0
n_train = 100
x_train = torch.tensor(x[:n_train, :], dtype=torch.float32)
y_train = torch.tensor(y[:n_train], dtype=torch.float32)
x_valid = torch.tensor(x[n_train:, :], dtype=torch.float32)
y_valid = torch.tensor(y[n_train:], dtype=torch.float32)
model = nn.Sequential(
    nn.Linear(2, 4), nn.ReLU(),
    nn.Linear(4, 4), nn.ReLU(),
    nn.Linear(4, 1), nn.Sigmoid()
)
print(model)
loss_fn = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.015)
train_dl = DataLoader(TensorDataset(x_train, y_train), 2, shuffle=True)


def train(model, num_epochs, train_dl, x_valid, y_valid):
    loss_hist_train = [0] * num_epochs
    accuracy_hist_train = [0] * num_epochs
    loss_hist_valid = [0] * num_epochs
    accuracy_hist_valid = [0] * num_epochs
    for epoch in range(num_epochs):
        for x_batch, y_batch in train_dl:
            pred = model(x_batch)[:, 0]
            loss = loss_fn(pred, y_batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            loss_hist_train[epoch] += loss.item()
            is_correct = ((pred >= 0.5).float() == y_batch).float()
            accuracy_hist_train[epoch] += is_correct.mean()
        loss_hist_train[epoch] /= n_train / 2
        accuracy_hist_train[epoch] /= n_train / 2
        pred = model(x_valid)[:, 0]
        loss = loss_fn(pred, y_valid)
        loss_hist_valid[epoch] = loss.item()
        is_correct = ((pred >= 0.5).float() == y_valid).float()
        accuracy_hist_valid[epoch] += is_correct.mean()
    return loss_hist_train, loss_hist_valid, accuracy_hist_train, accuracy_hist_valid


history = train(model, 8, train_dl, x_valid, y_valid)
print([round(v, 4) for v in history[0]], [round(v, 4) for v in history[1]])
print(history[2][-1], history[3][-1])


class NoisyLinear(nn.Module):
    def __init__(self, input_size, output_size, noise_stddev=0.1):
        super().__init__()
        w = torch.Tensor(input_size, output_size)
        self.w = nn.Parameter(w)
        nn.init.xavier_uniform_(self.w)
        b = torch.Tensor(output_size).fill_(0)
        self.b = nn.Parameter(b)
        self.noise_stddev = noise_stddev

    def forward(self, x, training=False):
        if training:
            noise = torch.normal(0.0, self.noise_stddev, x.shape)
            x_new = torch.add(x, noise)
        else:
            x_new = x
        return torch.add(torch.mm(x_new, self.w), self.b)


torch.manual_seed(1)
noisy_layer = NoisyLinear(4, 2)
x = torch.zeros((1, 4))
print(noisy_layer(x, training=True))
print(noisy_layer(x, training=True))
print(noisy_layer(x, training=False))


class MyNoisyModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = NoisyLinear(2, 4, 0.07)
        self.a1 = nn.ReLU()
        self.l2 = nn.Linear(4, 4)
        self.a2 = nn.ReLU()
        self.l3 = nn.Linear(4, 1)
        self.a3 = nn.Sigmoid()

    def forward(self, x, training=False):
        x = self.l1(x, training)
        x = self.a1(x)
        x = self.l2(x)
        x = self.a2(x)
        x = self.l3(x)
        x = self.a3(x)
        return x

    def predict(self, x):
        x = torch.tensor(x, dtype=torch.float32)
        pred = self.forward(x)[:, 0]
        return (pred >= 0.5).float()


torch.manual_seed(1)
model = MyNoisyModule()
print(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.015)
for epoch in range(5):
    for x_batch, y_batch in train_dl:
        pred = model(x_batch, True)[:, 0]
        loss = loss_fn(pred, y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(epoch, round(loss.item(), 5))
print(model.predict(x_valid[:3].numpy()), model.predict([[0.5, 0.5], [-0.5, 0.5]]))


# ch15: a character-level LSTM
text = "the island was mysterious and the island was far " * 4
char_set = sorted(set(text))
char2int = {ch: i for i, ch in enumerate(char_set)}
char_array = np.array(char_set)
text_encoded = np.array([char2int[ch] for ch in text], dtype=np.int32)
print("Text encoded shape: ", text_encoded.shape, text_encoded[:15], "".join(char_array[text_encoded[:15]]))
seq_length = 10
chunk_size = seq_length + 1
text_chunks = [text_encoded[i:i + chunk_size] for i in range(len(text_encoded) - chunk_size)]


class TextDataset(Dataset):
    def __init__(self, text_chunks):
        self.text_chunks = text_chunks

    def __len__(self):
        return len(self.text_chunks)

    def __getitem__(self, idx):
        text_chunk = self.text_chunks[idx]
        return text_chunk[:-1].long(), text_chunk[1:].long()


seq_dataset = TextDataset(torch.tensor(np.array(text_chunks)))
for i, (seq, target) in enumerate(seq_dataset):
    print(" Input (x):", repr("".join(char_array[seq])))
    print("Target (y):", repr("".join(char_array[target])))
    if i == 1:
        break
torch.manual_seed(1)
seq_dl = DataLoader(seq_dataset, 16, shuffle=True, drop_last=True)


class RNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, rnn_hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn_hidden_size = rnn_hidden_size
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc = nn.Linear(rnn_hidden_size, vocab_size)

    def forward(self, x, hidden, cell):
        out = self.embedding(x).unsqueeze(1)
        out, (hidden, cell) = self.rnn(out, (hidden, cell))
        out = self.fc(out).reshape(out.size(0), -1)
        return out, hidden, cell

    def init_hidden(self, batch_size):
        hidden = torch.zeros(1, batch_size, self.rnn_hidden_size)
        cell = torch.zeros(1, batch_size, self.rnn_hidden_size)
        return hidden, cell


model = RNN(len(char_array), 16, 32)
print(model)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
for epoch in range(20):
    hidden, cell = model.init_hidden(16)
    seq_batch, target_batch = next(iter(seq_dl))
    optimizer.zero_grad()
    loss = 0
    for c in range(seq_length):
        pred, hidden, cell = model(seq_batch[:, c], hidden, cell)
        loss += loss_fn(pred, target_batch[:, c])
    loss.backward()
    optimizer.step()
    loss = loss.item() / seq_length
    if epoch % 5 == 0:
        print(f"Epoch {epoch} loss: {loss:.4f}")


def sample(model, starting_str, len_generated_text=20, scale_factor=1.0):
    encoded_input = torch.tensor([char2int[s] for s in starting_str])
    encoded_input = torch.reshape(encoded_input, (1, -1))
    generated_str = starting_str
    model.eval()
    hidden, cell = model.init_hidden(1)
    for c in range(len(starting_str) - 1):
        _, hidden, cell = model(encoded_input[:, c].view(1), hidden, cell)
    last_char = encoded_input[:, -1]
    for i in range(len_generated_text):
        logits, hidden, cell = model(last_char.view(1), hidden, cell)
        logits = torch.squeeze(logits, 0)
        scaled_logits = logits * scale_factor
        m = torch.distributions.categorical.Categorical(logits=scaled_logits)
        last_char = m.sample()
        generated_str += str(char_array[last_char])
    return generated_str


torch.manual_seed(1)
print(repr(sample(model, starting_str="the island", scale_factor=2.0)))
logits = torch.tensor([[1.0, 1.0, 3.0]])
print("Probabilities:", nn.functional.softmax(logits, dim=1).numpy()[0])
m = torch.distributions.categorical.Categorical(logits=logits)
samples = m.sample((10,))
print(samples.numpy().ravel(), samples.shape)

# ch16: self-attention from scratch
sentence = torch.tensor([0, 7, 1, 2, 5, 6, 4, 3])
torch.manual_seed(123)
embed = torch.nn.Embedding(10, 16)
embedded_sentence = embed(sentence).detach()
print(embedded_sentence.shape)
omega = torch.empty(8, 8)
for i, x_i in enumerate(embedded_sentence):
    for j, x_j in enumerate(embedded_sentence):
        omega[i, j] = torch.dot(x_i, x_j)
omega_mat = embedded_sentence.matmul(embedded_sentence.T)
print(torch.allclose(omega_mat, omega))
attention_weights = F.softmax(omega, dim=1)
print(attention_weights.shape, attention_weights.sum(dim=1))
x_2 = embedded_sentence[1, :]
context_vec_2 = torch.zeros(x_2.shape)
for j in range(8):
    x_j = embedded_sentence[j, :]
    context_vec_2 += attention_weights[1, j] * x_j
print(context_vec_2)
context_vectors = torch.matmul(attention_weights, embedded_sentence)
print(torch.allclose(context_vec_2, context_vectors[1]))
torch.manual_seed(123)
d = embedded_sentence.shape[1]
U_query = torch.rand(d, d)
U_key = torch.rand(d, d)
U_value = torch.rand(d, d)
x_2 = embedded_sentence[1]
query_2 = U_query.matmul(x_2)
keys = U_key.matmul(embedded_sentence.T).T
print(torch.allclose(U_key.matmul(x_2), keys[1]))
values = U_value.matmul(embedded_sentence.T).T
omega_23 = query_2.dot(keys[2])
print(omega_23)
omega_2 = query_2.matmul(keys.T)
print(omega_2)
attention_weights_2 = F.softmax(omega_2 / d ** 0.5, dim=0)
print(attention_weights_2)
context_vector_2 = attention_weights_2.matmul(values)
print(context_vector_2)
torch.manual_seed(123)
one_U_query = torch.rand(d, d)
h = 8
multihead_U_query = torch.rand(h, d, d)
multihead_U_key = torch.rand(h, d, d)
multihead_U_value = torch.rand(h, d, d)
multihead_query_2 = multihead_U_query.matmul(x_2)
print(multihead_query_2.shape)
stacked_inputs = embedded_sentence.T.repeat(8, 1, 1)
print(stacked_inputs.shape)
multihead_keys = torch.bmm(multihead_U_key, stacked_inputs)
print(multihead_keys.shape)
multihead_keys = multihead_keys.permute(0, 2, 1)
print(multihead_keys.shape, multihead_keys[2, 1])
multihead_values = torch.matmul(multihead_U_value, stacked_inputs).permute(0, 2, 1)
multihead_z_2 = torch.rand(8, 16)
linear = torch.nn.Linear(8 * 16, 16)
context_vector_2 = linear(multihead_z_2.flatten())
print(context_vector_2.shape)
q = torch.matmul(multihead_U_query, stacked_inputs).permute(0, 2, 1)
by_hand = F.softmax(q @ multihead_keys.transpose(1, 2) / d ** 0.5, dim=-1) @ multihead_values
fused = F.scaled_dot_product_attention(q, multihead_keys, multihead_values)
print(torch.allclose(by_hand, fused, rtol=1e-4, atol=1e-3), by_hand[0, 0, :4])


# ch18: a graph network from scratch
class NodeNetwork(torch.nn.Module):
    def __init__(self, input_features):
        super().__init__()
        self.conv_1 = BasicGraphConvolutionLayer(input_features, 32)
        self.conv_2 = BasicGraphConvolutionLayer(32, 32)
        self.fc_1 = torch.nn.Linear(32, 16)
        self.out_layer = torch.nn.Linear(16, 2)

    def forward(self, X, A, batch_mat):
        x = F.relu(self.conv_1(X, A))
        x = F.relu(self.conv_2(x, A))
        output = global_sum_pool(x, batch_mat)
        output = self.fc_1(output)
        output = self.out_layer(output)
        return F.softmax(output, dim=1)


class BasicGraphConvolutionLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.W2 = torch.nn.Parameter(torch.rand((in_channels, out_channels), dtype=torch.float32))
        self.W1 = torch.nn.Parameter(torch.rand((in_channels, out_channels), dtype=torch.float32))
        self.bias = torch.nn.Parameter(torch.zeros(out_channels, dtype=torch.float32))

    def forward(self, X, A):
        potential_msgs = torch.mm(X, self.W2)
        propagated_msgs = torch.mm(A, potential_msgs)
        root_update = torch.mm(X, self.W1)
        output = propagated_msgs + root_update + self.bias
        return output


def global_sum_pool(X, batch_mat):
    if batch_mat is None or batch_mat.dim() == 1:
        return torch.sum(X, dim=0).unsqueeze(0)
    else:
        return torch.mm(batch_mat, X)


def get_batch_tensor(graph_sizes):
    starts = [sum(graph_sizes[:idx]) for idx in range(len(graph_sizes))]
    stops = [starts[idx] + graph_sizes[idx] for idx in range(len(graph_sizes))]
    tot_len = sum(graph_sizes)
    batch_size = len(graph_sizes)
    batch_mat = torch.zeros([batch_size, tot_len]).float()
    for idx, starts_and_stops in enumerate(zip(starts, stops)):
        start = starts_and_stops[0]
        stop = starts_and_stops[1]
        batch_mat[idx, start:stop] = 1
    return batch_mat


def collate_graphs(batch):
    adj_mats = [graph["A"] for graph in batch]
    sizes = [A.size(0) for A in adj_mats]
    tot_size = sum(sizes)
    batch_mat = get_batch_tensor(sizes)
    feat_mats = torch.cat([graph["X"] for graph in batch], dim=0)
    labels = torch.cat([graph["y"] for graph in batch], dim=0)
    batch_adj = torch.zeros([tot_size, tot_size], dtype=torch.float32)
    accum = 0
    for adj in adj_mats:
        g_size = adj.shape[0]
        batch_adj[accum:accum + g_size, accum:accum + g_size] = adj
        accum = accum + g_size
    repr_and_label = {"A": batch_adj, "X": feat_mats, "y": labels, "batch": batch_mat}
    return repr_and_label


def build_graph_color_label_representation(n, edges, colors, label):
    A = np.zeros((n, n))
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    X = np.zeros((n, 4))
    X[np.arange(n), colors] = 1
    return {"A": torch.from_numpy(A).float(), "X": torch.from_numpy(X).float(), "y": torch.tensor([label])}


graphs = [build_graph_color_label_representation(4, [(0, 1), (1, 2), (2, 3)], [0, 1, 2, 3], 0),
          build_graph_color_label_representation(3, [(0, 1), (1, 2), (0, 2)], [2, 2, 1], 1),
          build_graph_color_label_representation(5, [(0, 1), (0, 2), (0, 3), (0, 4)], [3, 0, 0, 1, 2], 0),
          build_graph_color_label_representation(2, [(0, 1)], [1, 1], 1)]


class ExampleDataset(Dataset):
    def __init__(self, graph_list):
        self.graphs = graph_list

    def __len__(self):
        return len(self.graphs)

    def __getitem__(self, idx):
        mol_rep = self.graphs[idx]
        return mol_rep


dset = ExampleDataset(graphs)
loader = DataLoader(dset, batch_size=2, shuffle=False, collate_fn=collate_graphs)
torch.manual_seed(123)
node_features = 4
net = NodeNetwork(node_features)
batch_results = []
for b in loader:
    batch_results.append(net(b["X"], b["A"], b["batch"]).detach())
print(batch_results[0], b["batch"])
G1_rep = dset[1]
G1_single = net(G1_rep["X"], G1_rep["A"], G1_rep["y"]).detach()
G1_batch = batch_results[0][1]
print(torch.all(torch.isclose(G1_single, G1_batch)))

# ch19: Q-learning on a 1-d grid world
n_states, goal = 6, 5
q_table = defaultdict(lambda: np.zeros(2))
rng_q = np.random.RandomState(0)
for episode in range(30):
    s = 0
    for _ in range(20):
        if rng_q.rand() < 0.2:
            a = rng_q.randint(2)
        else:
            a = int(np.argmax(q_table[s]))
        s_next = min(max(s + (1 if a == 1 else -1), 0), n_states - 1)
        r = 1.0 if s_next == goal else 0.0
        q_target = r + 0.9 * np.max(q_table[s_next]) * (s_next != goal)
        q_table[s][a] += 0.5 * (q_target - q_table[s][a])
        s = s_next
        if s == goal:
            break
print({k: v.round(3).tolist() for k, v in sorted(q_table.items())})
q_tensor = torch.tensor(np.array([q_table[k] for k in range(n_states)]), dtype=torch.float32)
print(q_tensor.argmax(dim=1), q_tensor.max(dim=1).values)
