"""d2l.ai's recurrent chapters from scratch on the bundled Shakespeare text:
a character vocabulary (collections.Counter, token_freqs sorted),
seq_data_iter_sequential batches, F.one_hot(X.T, vocab_size) inputs, the RNN
/ GRU / LSTM models written with their parameters in lists (get_params with
normal * 0.01 and torch.zeros, requires_grad_ in a loop), the
RNNModelScratch wrapper with begin_state, grad_clipping by hand over
[p for p in net.parameters()], perplexity as math.exp, predict with a
prefix warm-up, and the concise nn.GRU/nn.LSTM RNNModel; plus the
"Numerical Stability and Initialization" checks (sigmoid gradients, a
product of 100 random matrices, xavier_normal_ and xavier_uniform_
statistics). Seeded: every number agrees."""

import collections
import math

import torch
from torch import nn
from torch.nn import functional as F

from _data import text

torch.manual_seed(0)

# ---------------------------------------------------------------- numerical stability
x = torch.arange(-8.0, 8.0, 1.0, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print("sigmoid grad", [round(v, 6) for v in x.grad[::3].tolist()])
M = torch.normal(0, 1, size=(4, 4))
print('a single matrix \n', M)
for i in range(100):
    M = torch.mm(M, torch.normal(0, 1, size=(4, 4)))
print('after multiplying 100 matrices\n', M)
w = torch.empty(200, 300)
nn.init.xavier_normal_(w)
print("xavier normal std", round(w.std().item(), 5), "expected", round(math.sqrt(2 / 500), 5))
nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain('tanh'))
print("xavier uniform max", round(w.abs().max().item(), 5), "gain", nn.init.calculate_gain('tanh'))

# ---------------------------------------------------------------- data
raw = text(3000).lower()
tokens = [c for c in raw if c.isalpha() or c == " "]


class Vocab:
    def __init__(self, tokens, min_freq=0, reserved_tokens=None):
        if reserved_tokens is None:
            reserved_tokens = []
        counter = collections.Counter(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = ['<unk>'] + reserved_tokens
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, 0)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[indices]
        return [self.idx_to_token[index] for index in indices]

    @property
    def token_freqs(self):
        return self._token_freqs


vocab = Vocab(tokens)
corpus = [vocab[t] for t in tokens]
print("vocab", len(vocab), vocab.token_freqs[:4], "corpus", len(corpus))


def seq_data_iter_sequential(corpus, batch_size, num_steps, offset):
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


print("one_hot", F.one_hot(torch.tensor([0, 2]), len(vocab)).sum(1).tolist(),
      F.one_hot(torch.arange(10).reshape((2, 5)).T, 28).shape)


# ---------------------------------------------------------------- models from scratch
def get_params(vocab_size, num_hiddens, kind):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape) * 0.01

    def three():
        return (normal((num_inputs, num_hiddens)), normal((num_hiddens, num_hiddens)), torch.zeros(num_hiddens))

    if kind == "rnn":
        params = [*three()]
    elif kind == "gru":
        params = [*three(), *three(), *three()]
    else:
        params = [*three(), *three(), *three(), *three()]
    params += [normal((num_hiddens, num_outputs)), torch.zeros(num_outputs)]
    for param in params:
        param.requires_grad_(True)
    return params


def init_state(batch_size, num_hiddens, kind):
    if kind == "lstm":
        return (torch.zeros((batch_size, num_hiddens)), torch.zeros((batch_size, num_hiddens)))
    return (torch.zeros((batch_size, num_hiddens)),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilda = torch.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = H @ W_hq + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)  # noqa: E741
        F_ = torch.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = torch.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)  # noqa: E741
        C_tilda = torch.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F_ * C + I * C_tilda
        H = O * torch.tanh(C)
        Y = (H @ W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H, C)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, kind, forward_fn):
        self.vocab_size, self.num_hiddens, self.kind = vocab_size, num_hiddens, kind
        self.params = get_params(vocab_size, num_hiddens, kind)
        self.forward_fn = forward_fn

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size):
        return init_state(batch_size, self.num_hiddens, self.kind)

    def parameters(self):
        return self.params


def grad_clipping(net, theta):
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


def predict(prefix, num_preds, net):
    state = net.begin_state(batch_size=1)
    outputs = [vocab[prefix[0]]]

    def get_input():
        return torch.tensor([outputs[-1]]).reshape((1, 1))

    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch(net, train_iter, loss, updater, lr):
    state = None
    total, count = 0.0, 0
    for X, Y in train_iter:
        if state is None:
            state = net.begin_state(batch_size=X.shape[0])
        else:
            if isinstance(net, nn.Module) and not isinstance(state, tuple):
                state.detach_()
            else:
                for s in state:
                    s.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(net, 1)
            updater.step()
        else:
            l.backward()
            grad_clipping(net, 1)
            updater(net.parameters(), lr, batch_size=1)
        total += l.item() * y.numel()
        count += y.numel()
    return math.exp(total / count)


loss = nn.CrossEntropyLoss()
for kind, fn in [("rnn", rnn), ("gru", gru), ("lstm", lstm)]:
    torch.manual_seed(1)
    net = RNNModelScratch(len(vocab), 32, kind, fn)
    X = torch.arange(10).reshape((2, 5))
    Y, new_state = net(X, net.begin_state(X.shape[0]))
    print(kind, "shapes", Y.shape, len(new_state), new_state[0].shape)
    for epoch in range(3):
        ppl = train_epoch(net, seq_data_iter_sequential(corpus, 8, 12, epoch), loss, sgd, 1.0)
        print(f"{kind} epoch {epoch + 1} perplexity {ppl:.5f}")
    print(kind, "predict", repr(predict("the ", 12, net)))


class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens))
        return (torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)),
                torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)))


for name, layer in [("nn.GRU", nn.GRU(len(vocab), 32)), ("nn.LSTM", nn.LSTM(len(vocab), 32, num_layers=2))]:
    torch.manual_seed(2)
    net = RNNModel(layer, len(vocab))
    for p in net.parameters():
        nn.init.normal_(p, std=0.1)
    opt = torch.optim.SGD(net.parameters(), lr=1.0)
    for epoch in range(2):
        ppl = train_epoch(net, seq_data_iter_sequential(corpus, 8, 12, epoch), loss, opt, 1.0)
        print(f"{name} epoch {epoch + 1} perplexity {ppl:.5f}")
    print(name, "predict", repr(predict("the ", 12, net)))
