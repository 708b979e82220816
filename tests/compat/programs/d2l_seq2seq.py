"""d2l.ai's "Sequence-to-Sequence Learning" chapter on a toy task (map a word to
its reverse): Seq2SeqEncoder / Seq2SeqDecoder with a 2-layer nn.GRU
(sequence-first), the encoder's final state as the decoder's context
concatenated to every input, sequence_mask and a MaskedSoftmaxCELoss that
subclasses nn.CrossEntropyLoss, xavier init via _flat_weights_names, d2l's
grad_clipping by hand, teacher forcing with a <bos> column, greedy
prediction and BLEU. Weights are seeded: every number agrees."""

import collections
import math

import torch
from torch import nn

from _data import words

torch.manual_seed(0)


class Encoder(nn.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, X, *args):
        raise NotImplementedError


class Seq2SeqEncoder(Encoder):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X, *args):
        X = self.embedding(X)
        X = X.permute(1, 0, 2)
        output, state = self.rnn(X)
        return output, state


class Seq2SeqDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1]

    def forward(self, X, state):
        X = self.embedding(X).permute(1, 0, 2)
        context = state[-1].repeat(X.shape[0], 1, 1)
        X_and_context = torch.cat((X, context), 2)
        output, state = self.rnn(X_and_context, state)
        output = self.dense(output).permute(1, 0, 2)
        return output, state


class EncoderDecoder(nn.Module):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = "none"
        unweighted_loss = super(MaskedSoftmaxCELoss, self).forward(pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


def grad_clipping(net, theta):
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


# vocabulary: <pad>=0, <bos>=1, <eos>=2, then letters
chars = "abcdefghijklmnopqrstuvwxyz"
stoi = {c: i + 3 for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
num_steps = 8
vocab_size = len(stoi) + 3


def encode(word):
    ids = [stoi[c] for c in word][: num_steps - 1] + [2]
    return ids + [0] * (num_steps - len(ids)), len(ids)


pairs = [(w, w[::-1]) for w in words(200) if len(w) <= 6][:64]
src = torch.tensor([encode(s)[0] for s, _ in pairs])
tgt = torch.tensor([encode(t)[0] for _, t in pairs])
tgt_valid = torch.tensor([encode(t)[1] for _, t in pairs])
print("pairs", len(pairs), pairs[:3], tuple(src.shape))

encoder = Seq2SeqEncoder(vocab_size, 16, 32, 2)
decoder = Seq2SeqDecoder(vocab_size, 16, 32, 2)
net = EncoderDecoder(encoder, decoder)


def xavier_init_weights(m):
    if type(m) == nn.Linear:  # noqa: E721 - as d2l writes it
        nn.init.xavier_uniform_(m.weight)
    if type(m) == nn.GRU:  # noqa: E721
        for param in m._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(m._parameters[param])


net.apply(xavier_init_weights)
print("params", sum(p.numel() for p in net.parameters()), "gru weights", encoder.rnn._flat_weights_names[:4])
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
loss = MaskedSoftmaxCELoss()
net.train()
for epoch in range(30):
    total, tokens = 0.0, 0
    for i in range(0, len(pairs), 32):
        X, Y, Y_valid_len = src[i:i + 32], tgt[i:i + 32], tgt_valid[i:i + 32]
        bos = torch.tensor([1] * Y.shape[0]).reshape(-1, 1)
        dec_input = torch.cat([bos, Y[:, :-1]], 1)
        Y_hat, _ = net(X, dec_input, Y_valid_len)
        l = loss(Y_hat, Y, Y_valid_len)
        optimizer.zero_grad()
        l.sum().backward()
        norm = grad_clipping(net, 1)
        optimizer.step()
        with torch.no_grad():
            total += l.sum().item()
            tokens += Y_valid_len.sum().item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} | loss {total / tokens:.5f} | last norm {float(norm):.5f}")


def predict_seq2seq(net, word):
    net.eval()
    ids, valid = encode(word)
    enc_X = torch.unsqueeze(torch.tensor(ids, dtype=torch.long), dim=0)
    enc_outputs = net.encoder(enc_X, torch.tensor([valid]))
    dec_state = net.decoder.init_state(enc_outputs)
    dec_X = torch.unsqueeze(torch.tensor([1], dtype=torch.long), dim=0)
    output_seq = []
    for _ in range(num_steps):
        Y, dec_state = net.decoder(dec_X, dec_state)
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        if pred == 2:
            break
        output_seq.append(pred)
    return "".join(itos.get(i, "?") for i in output_seq)


def bleu(pred_seq, label_seq, k):
    pred_tokens, label_tokens = list(pred_seq), list(label_seq)
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / max(len_pred, 1)))
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs["".join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs["".join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs["".join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


with torch.no_grad():
    for word in ["the", "tragedy", "king", "words"]:
        p = predict_seq2seq(net, word)
        print(f"{word} => {p}, bleu {bleu(p, word[::-1], k=2):.3f}")
print("masked", sequence_mask(torch.ones(2, 4), torch.tensor([1, 3])).tolist())
print("masked loss", [round(v, 5) for v in loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long),
                                                   torch.tensor([4, 2, 0])).tolist()])
