"""Dive into Deep Learning's "Modern Recurrent Neural Networks" sections not covered elsewhere: a deep
(stacked) GRU written from scratch with its parameters in nn.ParameterList, checked against nn.GRU
(num_layers=2) after copying the weights in (weight_ih_l0 / weight_hh_l1 chunks, r/z/n gate order);
a bidirectional RNN by hand (flip the sequence, run, flip back, torch.cat the directions) against
nn.GRU(bidirectional=True); a two-layer LSTM language model on the bundled text with gradient clipping
and perplexity, greedy prediction with a prefix; and the beam-search section: greedy, exhaustive and
beam search over the trained model's next-character distribution, the d2l length-normalised score
(log P / L^alpha), topk over the flattened candidates. Seeded: every printed number agrees."""

import math

import torch
from torch import nn
from torch.nn import functional as F

from _data import text

torch.set_num_threads(1)
torch.manual_seed(0)


class StackedGRUScratch(nn.Module):
    def __init__(self, num_inputs, num_hiddens, num_layers, sigma=0.01):
        super().__init__()
        self.num_hiddens, self.num_layers = num_hiddens, num_layers

        def init_weight(*shape):
            return nn.Parameter(torch.randn(*shape) * sigma)

        def triple(n_in):
            return [init_weight(n_in, num_hiddens), init_weight(num_hiddens, num_hiddens),
                    nn.Parameter(torch.zeros(num_hiddens))]

        self.params = nn.ParameterList()
        for i in range(num_layers):
            n_in = num_inputs if i == 0 else num_hiddens
            for _ in range(3):  # reset, update, candidate
                self.params.extend(triple(n_in))

    def layer_params(self, i):
        return list(self.params[9 * i:9 * (i + 1)])

    def forward(self, inputs, Hs=None):
        if Hs is None:
            Hs = [torch.zeros((inputs.shape[1], self.num_hiddens)) for _ in range(self.num_layers)]
        outputs = inputs
        new_Hs = []
        for i in range(self.num_layers):
            W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h = self.layer_params(i)
            H, layer_out = Hs[i], []
            for X in outputs:
                R = torch.sigmoid(torch.matmul(X, W_xr) + torch.matmul(H, W_hr) + b_r)
                Z = torch.sigmoid(torch.matmul(X, W_xz) + torch.matmul(H, W_hz) + b_z)
                # (PyTorch's candidate: the reset gate scales W_hh H, where d2l's text writes W_hh (R * H))
                H_tilde = torch.tanh(torch.matmul(X, W_xh) + R * torch.matmul(H, W_hh) + b_h)
                H = Z * H + (1 - Z) * H_tilde
                layer_out.append(H)
            outputs = torch.stack(layer_out)
            new_Hs.append(H)
        return outputs, torch.stack(new_Hs)


scratch = StackedGRUScratch(num_inputs=5, num_hiddens=4, num_layers=2, sigma=0.5)
print(len(scratch.params), [tuple(p.shape) for p in scratch.params[:3]], sum(p.numel() for p in scratch.parameters()))
gru = nn.GRU(5, 4, num_layers=2, bias=True)
print([name for name, _ in gru.named_parameters()])
with torch.no_grad():
    for i in range(2):
        W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h = scratch.layer_params(i)
        getattr(gru, f"weight_ih_l{i}").copy_(torch.cat([W_xr.T, W_xz.T, W_xh.T]))
        getattr(gru, f"weight_hh_l{i}").copy_(torch.cat([W_hr.T, W_hz.T, W_hh.T]))
        getattr(gru, f"bias_ih_l{i}").copy_(torch.cat([b_r, b_z, b_h]))
        getattr(gru, f"bias_hh_l{i}").zero_()
X = torch.randn(6, 3, 5)
out_s, h_s = scratch(X)
out_g, h_g = gru(X)
print(out_s.shape, h_s.shape, out_g.shape, h_g.shape)
print("deep gru agrees", torch.allclose(out_s, out_g, atol=1e-6), torch.allclose(h_s, h_g, atol=1e-6))
print(out_g[-1, 0])


class BiGRUScratch(nn.Module):
    def __init__(self, num_inputs, num_hiddens, sigma=0.5):
        super().__init__()
        self.f_rnn = StackedGRUScratch(num_inputs, num_hiddens, 1, sigma)
        self.b_rnn = StackedGRUScratch(num_inputs, num_hiddens, 1, sigma)
        self.num_hiddens = num_hiddens * 2

    def forward(self, inputs, Hs=None):
        f_H, b_H = Hs if Hs is not None else (None, None)
        f_outputs, f_H = self.f_rnn(inputs, f_H)
        b_outputs, b_H = self.b_rnn(torch.flip(inputs, dims=[0]), b_H)
        b_outputs = torch.flip(b_outputs, dims=[0])
        outputs = torch.cat((f_outputs, b_outputs), -1)
        return outputs, (f_H, b_H)


bi = BiGRUScratch(5, 3)
bigru = nn.GRU(5, 3, bidirectional=True)
print([name for name, _ in bigru.named_parameters()][4:])
with torch.no_grad():
    for rnn, suffix in [(bi.f_rnn, ""), (bi.b_rnn, "_reverse")]:
        W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h = rnn.layer_params(0)
        getattr(bigru, f"weight_ih_l0{suffix}").copy_(torch.cat([W_xr.T, W_xz.T, W_xh.T]))
        getattr(bigru, f"weight_hh_l0{suffix}").copy_(torch.cat([W_hr.T, W_hz.T, W_hh.T]))
        getattr(bigru, f"bias_ih_l0{suffix}").copy_(torch.cat([b_r, b_z, b_h]))
        getattr(bigru, f"bias_hh_l0{suffix}").zero_()
o1, (fh, bh) = bi(X)
o2, h2 = bigru(X)
print(o1.shape, o2.shape, h2.shape, "bi agrees", torch.allclose(o1, o2, atol=1e-6),
      torch.allclose(torch.cat([fh, bh]), h2, atol=1e-6))
print(o2[0, 1], h2[:, 1])

# ---- a deep LSTM language model on the bundled text ----
corpus_text = text(5000).lower()
chars = sorted(set(corpus_text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
corpus = torch.tensor([stoi[c] for c in corpus_text])
vocab_size = len(chars)
print("vocab", vocab_size, repr("".join(chars[:12])), corpus.shape)


class RNNLM(nn.Module):
    def __init__(self, vocab_size, num_hiddens, num_layers):
        super().__init__()
        self.rnn = nn.LSTM(vocab_size, num_hiddens, num_layers)
        self.vocab_size = vocab_size
        self.linear = nn.Linear(num_hiddens, vocab_size)

    def forward(self, inputs, state=None):
        X = F.one_hot(inputs.T.long(), self.vocab_size).type(torch.float32)
        Y, state = self.rnn(X, state)
        return self.linear(Y.reshape((-1, Y.shape[-1]))), state


def seq_data_iter_sequential(corpus, batch_size, num_steps, offset):
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = corpus[offset: offset + num_tokens].reshape(batch_size, -1)
    Ys = corpus[offset + 1: offset + 1 + num_tokens].reshape(batch_size, -1)
    for i in range(0, Xs.shape[1] // num_steps * num_steps, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


def grad_clipping(net, theta):
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


torch.manual_seed(1)
net = RNNLM(vocab_size, 32, 2)
optimizer = torch.optim.Adam(net.parameters(), lr=0.02)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(8):
    state, total, count = None, 0.0, 0
    for X, Y in seq_data_iter_sequential(corpus, 16, 25, offset=epoch):
        if state is not None:
            state = tuple(s.detach() for s in state)
        y_hat, state = net(X, state)
        l = loss_fn(y_hat, Y.T.reshape(-1))
        optimizer.zero_grad()
        l.backward()
        norm = grad_clipping(net, 1.0)
        optimizer.step()
        total += l.item() * Y.numel()
        count += Y.numel()
    print(f"epoch {epoch} perplexity {math.exp(total / count):.4f} last norm {norm.item():.4f}")


def predict(prefix, num_preds, net):
    state, outputs = None, [stoi[prefix[0]]]

    def get_input():
        return torch.tensor([outputs[-1]]).reshape((1, 1))

    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(stoi[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join(itos[i] for i in outputs)


net.eval()
with torch.no_grad():
    print(repr(predict("the ", 30, net)))


def step_logprobs(seq):
    """log P(next char | seq) under the trained model."""
    y, _ = net(torch.tensor([seq]).T.reshape(1, -1))
    return F.log_softmax(y[-1], dim=-1)


def beam_search(prefix, steps, beam_size, alpha=0.75):
    beams = [([stoi[c] for c in prefix], 0.0)]
    finished = []
    for t in range(steps):
        cand_seqs, cand_scores = [], []
        for seq, score in beams:
            lp = step_logprobs(seq)
            cand_seqs.append(seq)
            cand_scores.append(score + lp)
        scores = torch.stack(cand_scores)
        top_scores, top_idx = scores.flatten().topk(beam_size)
        beams = []
        for s, idx in zip(top_scores.tolist(), top_idx.tolist()):
            b, tok = divmod(idx, vocab_size)
            beams.append((cand_seqs[b] + [tok], s))
        finished.extend(beams)
    ranked = sorted(finished, key=lambda sc: sc[1] / (len(sc[0]) - len(prefix)) ** alpha, reverse=True)
    return [("".join(itos[i] for i in seq), round(score, 4)) for seq, score in ranked[:3]]


with torch.no_grad():
    greedy = beam_search("the ", 6, 1)
    print("greedy", greedy)
    print("beam 3", beam_search("the ", 6, 3))
    # exhaustive over two steps: every pair of next characters
    lp1 = step_logprobs([stoi[c] for c in "and "])
    pair_scores = torch.stack([lp1[a] + step_logprobs([stoi[c] for c in "and "] + [a]) for a in range(vocab_size)])
    best = pair_scores.flatten().topk(3)
    print("exhaustive", [(itos[i // vocab_size] + itos[i % vocab_size], round(v, 4))
                         for v, i in zip(best.values.tolist(), best.indices.tolist())])
    print("cost", vocab_size ** 2, "vs beam", 3 * vocab_size)
