"""MIT 6.S191 Lab 1 in PyTorch: the tensor warm-up (ranks and shapes printed the lab's way, torch.add, a
custom OurDenseLayer with nn.Parameter weights, a LinearButSometimesIdentity module, gradient descent on
(x - x_f)^2 with a history), then the music-generation part on a few ABC-notation tunes: vocab and
char2idx, vectorize_string, get_batch by np.random.choice, the LSTMModel with init_hidden and return_state,
compute_loss over flattened logits, torch.multinomial sampling with idx2char indexed by tensors, a training
loop with a checkpoint saved to a temporary directory, reloading, and generate_text."""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(191)
np.random.seed(191)  # noqa: NPY002 - the lab's legacy numpy random calls

# ---- part 1: tensors, layers, gradients ----
integer = torch.tensor(1234)
decimal = torch.tensor(3.14159265359)
print(f"`integer` is a {integer.ndim}-d Tensor: {integer}")
print(f"`decimal` is a {decimal.ndim}-d Tensor: {decimal}")
fibonacci = torch.tensor([1, 1, 2, 3, 5, 8])
count_to_100 = torch.tensor(range(100))
print(f"`fibonacci` is a {fibonacci.ndim}-d Tensor with shape: {fibonacci.shape}")
print(f"`count_to_100` is a {count_to_100.ndim}-d Tensor with shape: {count_to_100.shape}")
matrix = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
images = torch.zeros(10, 3, 256, 256)
assert isinstance(matrix, torch.Tensor), "matrix must be a torch Tensor object"
print(f"images is a {images.ndim}-d Tensor with shape: {images.shape}")
row_vector = matrix[1]
column_vector = matrix[:, 1]
scalar = matrix[0, 1]
print(f"`row_vector`: {row_vector}")
print(f"`column_vector`: {column_vector}")
print(f"`scalar`: {scalar}")
a, b = torch.tensor(15), torch.tensor(61)
c1 = torch.add(a, b)
c2 = a + b
print(f"c1: {c1}")
print(f"c2: {c2}")


def func(a, b):
    c = torch.add(a, b)
    d = torch.subtract(b, 1)
    e = torch.multiply(c, d)
    return e


print(f"e_out: {func(torch.tensor(1.5), torch.tensor(2.5))}")


class OurDenseLayer(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super(OurDenseLayer, self).__init__()
        self.W = torch.nn.Parameter(torch.randn(num_inputs, num_outputs))
        self.bias = torch.nn.Parameter(torch.randn(num_outputs))

    def forward(self, x):
        z = torch.matmul(x, self.W) + self.bias
        y = torch.sigmoid(z)
        return y


num_inputs, num_outputs = 2, 3
layer = OurDenseLayer(num_inputs, num_outputs)
x_input = torch.tensor([[1, 2.0]])
y = layer(x_input)
print(f"input shape: {x_input.shape}")
print(f"output shape: {y.shape}")
print(f"output result: {y}")

n_input_nodes, n_output_nodes = 2, 3
model = nn.Sequential(nn.Linear(n_input_nodes, n_output_nodes), nn.Sigmoid())
model_output = model(x_input)
print(f"input shape: {x_input.shape}")
print(f"output shape: {y.shape}")
print(f"output result: {model_output}")


class LinearButSometimesIdentity(nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super(LinearButSometimesIdentity, self).__init__()
        self.linear = nn.Linear(num_inputs, num_outputs)

    def forward(self, inputs, isidentity=False):
        if isidentity:
            return inputs
        return self.linear(inputs)


model = LinearButSometimesIdentity(num_inputs=2, num_outputs=3)
out_with_linear = model(x_input)
out_with_identity = model(x_input, isidentity=True)
print(f"input: {x_input}")
print("Network linear output: {}; network identity output: {}".format(out_with_linear, out_with_identity))

x = torch.randn(1)
x.requires_grad_(True)
y = x * x
y.backward()
dy_dx = x.grad
print("dy_dx of y=x^2 at x={:.3f} is: {:.3f}".format(x.item(), dy_dx.item()))

x = torch.randn(1)
print("Initializing x={:.6f}".format(x.item()))
learning_rate = 1e-2
history = []
x_f = 4
for i in range(500):
    x = torch.tensor([x.item()], requires_grad=True)
    loss = (x - x_f) ** 2
    loss.backward()
    x = x.detach() - learning_rate * x.grad
    history.append(x.item())
print("history", [round(h, 5) for h in history[::100]], "final {:.6f}".format(history[-1]))

# ---- part 2: music generation with an LSTM ----
songs = [
    "X:1\nT:Morning Lark\nM:6/8\nL:1/8\nK:D\nA|dfa afd|ecA ABc|dfa agf|edc d2:|\n",
    "X:2\nT:The Low Road\nM:4/4\nL:1/8\nK:G\nGABc dedB|dedB dBAG|FGAB cBAG|FAdc BG G2|\n",
    "X:3\nT:Kettle Reel\nM:4/4\nL:1/8\nK:A\neAcA eAcA|fBdB fBdB|eAcA eAce|fedc BAA2|\n",
    "X:4\nT:Harbour Lights\nM:3/4\nL:1/8\nK:Em\nE2 GA B2|e2 dB A2|G2 FE D2|E4 E2|\n",
]
example_song = songs[0]
print("\nExample song: ")
print(example_song)
songs_joined = "\n\n".join(songs)
vocab = sorted(set(songs_joined))
print("There are", len(vocab), "unique characters in the dataset")
char2idx = {u: i for i, u in enumerate(vocab)}
idx2char = np.array(vocab)


def vectorize_string(string):
    return np.array([char2idx[s] for s in string])


vectorized_songs = vectorize_string(songs_joined)
print("{} ---- characters mapped to int ----> {}".format(repr(songs_joined[:10]), vectorized_songs[:10]))
assert isinstance(vectorized_songs, np.ndarray), "returned result should be a numpy array"


def get_batch(vectorized_songs, seq_length, batch_size):
    n = vectorized_songs.shape[0] - 1
    idx = np.random.choice(n - seq_length, batch_size)  # noqa: NPY002
    input_batch = [vectorized_songs[i: i + seq_length] for i in idx]
    output_batch = [vectorized_songs[i + 1: i + seq_length + 1] for i in idx]
    x_batch = torch.tensor(np.array(input_batch), dtype=torch.long)
    y_batch = torch.tensor(np.array(output_batch), dtype=torch.long)
    return x_batch, y_batch


x_batch, y_batch = get_batch(vectorized_songs, seq_length=5, batch_size=1)
for i, (input_idx, target_idx) in enumerate(zip(x_batch[0], y_batch[0])):
    print("Step {:3d}".format(i))
    print("  input: {} ({:s})".format(input_idx, repr(idx2char[input_idx.item()])))
    print("  expected output: {} ({:s})".format(target_idx, repr(idx2char[target_idx.item()])))


class LSTMModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_size):
        super(LSTMModel, self).__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def init_hidden(self, batch_size, device):
        return (torch.zeros(1, batch_size, self.hidden_size).to(device),
                torch.zeros(1, batch_size, self.hidden_size).to(device))

    def forward(self, x, state=None, return_state=False):
        x = self.embedding(x)
        if state is None:
            state = self.init_hidden(x.size(0), x.device)
        out, state = self.lstm(x, state)
        out = self.fc(out)
        return out if not return_state else (out, state)


device = torch.device("cpu")
vocab_size = len(vocab)
params = dict(num_training_iterations=60, batch_size=8, seq_length=24, learning_rate=5e-3,
              embedding_dim=32, hidden_size=48)
model = LSTMModel(vocab_size, params["embedding_dim"], params["hidden_size"]).to(device)
print(model)

x, y = get_batch(vectorized_songs, seq_length=24, batch_size=8)
x = x.to(device)
y = y.to(device)
pred = model(x)
print("Input shape:      ", x.shape, " # (batch_size, sequence_length)")
print("Prediction shape: ", pred.shape, "# (batch_size, sequence_length, vocab_size)")
sampled_indices = torch.multinomial(torch.softmax(pred[0], dim=-1), num_samples=1)
sampled_indices = sampled_indices.squeeze(-1).cpu().numpy()
print(sampled_indices)
print("Input: \n", repr("".join(idx2char[x[0].cpu()])))
print()
print("Next Char Predictions: \n", repr("".join(idx2char[sampled_indices])))

cross_entropy = nn.CrossEntropyLoss()


def compute_loss(labels, logits):
    batched_labels = labels.view(-1)
    batched_logits = logits.view(-1, logits.size(-1))
    loss = cross_entropy(batched_logits, batched_labels)
    return loss


example_batch_loss = compute_loss(y, pred)
print(f"Prediction shape: {pred.shape} # (batch_size, sequence_length, vocab_size)")
print(f"scalar_loss:      {example_batch_loss.mean().item():.6f}")

checkpoint_dir = tempfile.mkdtemp()
checkpoint_prefix = os.path.join(checkpoint_dir, "my_ckpt")
optimizer = optim.Adam(model.parameters(), lr=params["learning_rate"])


def train_step(x, y):
    model.train()
    optimizer.zero_grad()
    y_hat = model(x)
    loss = compute_loss(y, y_hat)
    loss.backward()
    optimizer.step()
    return loss


history = []
for iter in range(params["num_training_iterations"]):
    x_batch, y_batch = get_batch(vectorized_songs, params["seq_length"], params["batch_size"])
    x_batch = torch.tensor(x_batch, dtype=torch.long).to(device)
    y_batch = torch.tensor(y_batch, dtype=torch.long).to(device)
    loss = train_step(x_batch, y_batch)
    history.append(loss.item())
    if iter % 15 == 0:
        print(f"iter {iter} loss {loss.item():.5f}")
        torch.save(model.state_dict(), checkpoint_prefix)
torch.save(model.state_dict(), checkpoint_prefix)
print("smoothed last losses", np.round(np.convolve(history, np.ones(5) / 5, mode="valid")[-3:], 4))

model = LSTMModel(vocab_size, params["embedding_dim"], params["hidden_size"])
model.load_state_dict(torch.load(checkpoint_prefix))
model.to(device)
model.eval()
print(model)


def generate_text(model, start_string, generation_length=1000):
    input_idx = [char2idx[s] for s in start_string]
    input_idx = torch.tensor([input_idx], dtype=torch.long).to(device)
    state = model.init_hidden(input_idx.size(0), device)
    text_generated = []
    for i in range(generation_length):
        predictions, state = model(input_idx, state, return_state=True)
        predictions = predictions.squeeze(0)
        input_idx = torch.multinomial(torch.softmax(predictions, dim=-1), num_samples=1)
        text_generated.append(idx2char[input_idx].item())
    return start_string + "".join(text_generated)


with torch.no_grad():
    generated_text = generate_text(model, start_string="X", generation_length=60)
print(repr(generated_text))
print("generated tunes", generated_text.count("X:"), "bars", generated_text.count("|"))
