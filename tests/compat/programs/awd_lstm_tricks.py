"""The AWD-LSTM regularization tricks as salesforce/awd-lstm-lm and fastai's text models write them:
embedding dropout (a row mask on the embedding matrix, applied through F.embedding), LockedDropout
(one mask per sequence, broadcast over time), WeightDrop on the LSTM's hidden-to-hidden weight (the raw
weight kept as a Parameter, the dropped copy set on the module before each forward), activation (AR) and
temporal activation (TAR) regularization on the outputs, truncated BPTT with variable length and
repackaged hidden states, lr rescaled by sequence length, clip_grad_norm_, and the NT-ASGD switch from
SGD to ASGD with its averaged parameters swapped in for evaluation. Seeded: every printed number
agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.RandomState(0)


def embedded_dropout(embed, words, dropout=0.1, scale=None):
    if dropout:
        mask = embed.weight.data.new().resize_((embed.weight.size(0), 1)).bernoulli_(1 - dropout).expand_as(
            embed.weight) / (1 - dropout)
        masked_embed_weight = mask * embed.weight
    else:
        masked_embed_weight = embed.weight
    if scale:
        masked_embed_weight = scale.expand_as(masked_embed_weight) * masked_embed_weight
    padding_idx = embed.padding_idx
    if padding_idx is None:
        padding_idx = -1
    return F.embedding(words, masked_embed_weight, padding_idx, embed.max_norm, embed.norm_type,
                       embed.scale_grad_by_freq, embed.sparse)


class LockedDropout(nn.Module):
    def forward(self, x, dropout=0.5):
        if not self.training or not dropout:
            return x
        m = x.data.new(1, x.size(1), x.size(2)).bernoulli_(1 - dropout)
        mask = m.requires_grad_(False) / (1 - dropout)
        mask = mask.expand_as(x)
        return mask * x


class WeightDrop(nn.Module):
    def __init__(self, module, weights, dropout=0):
        super().__init__()
        self.module, self.weights, self.dropout = module, weights, dropout
        self._setup()

    def _setup(self):
        for name_w in self.weights:
            w = getattr(self.module, name_w)
            del self.module._parameters[name_w]
            self.module.register_parameter(name_w + "_raw", nn.Parameter(w.data))

    def _setweights(self):
        for name_w in self.weights:
            raw_w = getattr(self.module, name_w + "_raw")
            # (in eval mode F.dropout returns the raw Parameter itself, which would be registered again)
            w = F.dropout(raw_w, p=self.dropout) if self.training else raw_w.clone()
            setattr(self.module, name_w, w)

    def forward(self, *args):
        self._setweights()
        return self.module.forward(*args)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.4, dropouth=0.25, dropouti=0.4, dropoute=0.1,
                 wdrop=0.3):
        super().__init__()
        self.lockdrop = LockedDropout()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnns = [nn.LSTM(ninp if l == 0 else nhid, nhid if l != nlayers - 1 else ninp, 1)
                     for l in range(nlayers)]
        self.rnns = [WeightDrop(rnn, ["weight_hh_l0"], dropout=wdrop) for rnn in self.rnns]
        self.rnns = nn.ModuleList(self.rnns)
        self.decoder = nn.Linear(ninp, ntoken)
        self.decoder.weight = self.encoder.weight
        self.encoder.weight.data.uniform_(-0.1, 0.1)
        self.decoder.bias.data.fill_(0)
        self.ninp, self.nhid, self.nlayers = ninp, nhid, nlayers
        self.dropout, self.dropouti, self.dropouth, self.dropoute = dropout, dropouti, dropouth, dropoute

    def forward(self, input, hidden):
        emb = embedded_dropout(self.encoder, input, dropout=self.dropoute if self.training else 0)
        emb = self.lockdrop(emb, self.dropouti)
        raw_output = emb
        new_hidden, raw_outputs, outputs = [], [], []
        for l, rnn in enumerate(self.rnns):
            raw_output, new_h = rnn(raw_output, hidden[l])
            new_hidden.append(new_h)
            raw_outputs.append(raw_output)
            if l != self.nlayers - 1:
                raw_output = self.lockdrop(raw_output, self.dropouth)
                outputs.append(raw_output)
        output = self.lockdrop(raw_output, self.dropout)
        outputs.append(output)
        return self.decoder(output), new_hidden, raw_outputs, outputs

    def init_hidden(self, bsz):
        weight = next(self.parameters()).data
        return [(weight.new(1, bsz, self.nhid if l != self.nlayers - 1 else self.ninp).zero_(),
                 weight.new(1, bsz, self.nhid if l != self.nlayers - 1 else self.ninp).zero_())
                for l in range(self.nlayers)]


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous()


def get_batch(source, i, seq_len):
    seq_len = min(seq_len, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].view(-1)


# a toy corpus with structure: a noisy counter modulo the vocabulary
ntokens = 20
stream = [0]
for _ in range(1599):
    stream.append((stream[-1] + (1 if rng.rand() < 0.85 else rng.randint(2, 5))) % ntokens)
corpus = torch.tensor(stream)
train_data = batchify(corpus[:1280], 8)
val_data = batchify(corpus[1280:], 4)
print("train", tuple(train_data.shape), "val", tuple(val_data.shape))

model = RNNModel(ntokens, 16, 24, 2)
params = list(model.parameters())
print("params", sum(p.numel() for p in params), [n for n, _ in model.named_parameters()][:4])
criterion = nn.CrossEntropyLoss()
lr, bptt, alpha, beta, clip = 2.0, 12, 2.0, 1.0, 0.25
optimizer = torch.optim.SGD(params, lr=lr, weight_decay=1.2e-6)


def evaluate(data_source, batch_size):
    model.eval()
    total_loss = 0.0
    hidden = model.init_hidden(batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i, bptt)
            output, hidden, _, _ = model(data, hidden)
            total_loss += len(data) * criterion(output.view(-1, ntokens), targets).item()
            hidden = repackage_hidden(hidden)
    return total_loss / len(data_source)


best_val, stored_loss = [], float("inf")
for epoch in range(1, 5):
    model.train()
    hidden = model.init_hidden(8)
    batch, i, total = 0, 0, 0.0
    while i < train_data.size(0) - 2:
        bptt_ = bptt if rng.random() < 0.95 else bptt / 2.0
        seq_len = max(5, int(rng.normal(bptt_, 5)))
        lr2 = optimizer.param_groups[0]["lr"]
        optimizer.param_groups[0]["lr"] = lr2 * seq_len / bptt
        data, targets = get_batch(train_data, i, seq_len)
        hidden = repackage_hidden(hidden)
        optimizer.zero_grad()
        output, hidden, rnn_hs, dropped_rnn_hs = model(data, hidden)
        raw_loss = criterion(output.view(-1, ntokens), targets)
        loss = raw_loss
        loss = loss + sum(alpha * dropped_rnn_h.pow(2).mean() for dropped_rnn_h in dropped_rnn_hs[-1:])
        loss = loss + sum(beta * (rnn_h[1:] - rnn_h[:-1]).pow(2).mean() for rnn_h in rnn_hs[-1:])
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        optimizer.param_groups[0]["lr"] = lr2
        total += raw_loss.item()
        batch += 1
        i += seq_len
    if "t0" in optimizer.param_groups[0]:
        tmp = {}
        for prm in model.parameters():
            tmp[prm] = prm.data.clone()
            prm.data = optimizer.state[prm]["ax"].clone()
        val_loss = evaluate(val_data, 4)
        for prm in model.parameters():
            prm.data = tmp[prm].clone()
        kind = "asgd"
    else:
        val_loss = evaluate(val_data, 4)
        kind = "sgd"
        if len(best_val) > 1 and val_loss > min(best_val[:-1]) or epoch == 2:
            optimizer = torch.optim.ASGD(model.parameters(), lr=lr, t0=0, lambd=0.0, weight_decay=1.2e-6)
            print("switching to ASGD")
        best_val.append(val_loss)
    print(f"epoch {epoch} {kind} batches {batch} train loss {total / batch:.5f} ppl {math.exp(total / batch):.3f} "
          f"valid loss {val_loss:.5f} last norm {norm.item():.5f}")
print("asgd state", sorted(optimizer.state[params[0]].keys()), f"{optimizer.state[params[0]]['eta'].item():.5f}")
print("raw weight kept", [n for n, _ in model.rnns[0].module.named_parameters()])
print("tied", model.decoder.weight is model.encoder.weight)
