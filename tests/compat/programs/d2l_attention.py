"""d2l.ai's "Attention Mechanisms and Transformers" chapter at toy sizes:
Nadaraya-Watson kernel regression (repeat_interleave, a learned w), masked_softmax
through sequence_mask (1-d and 2-d valid_lens), AdditiveAttention (tanh of
broadcast queries + keys, torch.bmm with values), DotProductAttention,
MultiHeadAttention from scratch (transpose_qkv / transpose_output),
PositionalEncoding (torch.pow(10000, ...)), PositionWiseFFN, AddNorm, a
TransformerEncoderBlock, a Bahdanau-attention GRU decoder stepping with
enc_valid_lens, and greedy prediction with BLEU (collections.Counter math).
Weights fixed: every number agrees."""

import collections
import math

import torch
from torch import nn

torch.manual_seed(0)


def fix(module, phase=0.0, scale=0.3):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_((torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.71 + i + phase) * scale).reshape(p.shape))
    return module


def r(t, nd=5):
    return [round(v, nd) for v in t.flatten().tolist()]


# ---------------------------------------------------------------- Nadaraya-Watson
n_train = 30
x_train, _ = torch.sort(torch.linspace(0, 5, n_train) + torch.sin(torch.arange(n_train) * 3.1) * 0.1)


def f(x):
    return 2 * torch.sin(x) + x ** 0.8


y_train = f(x_train) + torch.cos(torch.arange(n_train) * 1.7) * 0.5
x_test = torch.arange(0, 5, 0.5)
y_truth = f(x_test)
X_repeat = x_test.repeat_interleave(n_train).reshape((-1, n_train))
attention_weights = nn.functional.softmax(-(X_repeat - x_train) ** 2 / 2, dim=1)
y_hat = torch.matmul(attention_weights, y_train)
print("nonparametric", r(y_hat, 4))


class NWKernelRegression(nn.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = nn.Parameter(torch.tensor([0.7]))

    def forward(self, queries, keys, values):
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(-((queries - keys) * self.w) ** 2 / 2, dim=1)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


X_tile = x_train.repeat((n_train, 1))
Y_tile = y_train.repeat((n_train, 1))
keys = X_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))
values = Y_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))
net = NWKernelRegression()
loss = nn.MSELoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(5):
    trainer.zero_grad()
    l = loss(net(x_train, keys, values), y_train)
    l.sum().backward()
    trainer.step()
    print(f'NW epoch {epoch + 1}, loss {float(l.sum()):.6f} w {net.w.item():.6f}')


# ---------------------------------------------------------------- masked softmax and scoring
def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


scores = torch.sin(torch.arange(16.0)).reshape(2, 2, 4)
print(masked_softmax(scores, torch.tensor([2, 3])))
print(masked_softmax(scores, torch.tensor([[1, 3], [2, 4]])))


class AdditiveAttention(nn.Module):
    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


queries, keys = torch.cos(torch.arange(40.0)).reshape(2, 1, 20), torch.ones((2, 10, 2))
values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
valid_lens = torch.tensor([2, 6])
attention = fix(AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1))
attention.eval()
print("additive", attention(queries, keys, values, valid_lens))
print("weights", r(attention.attention_weights, 4))


class DotProductAttention(nn.Module):
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


queries = torch.sin(torch.arange(4.0)).reshape(2, 1, 2)
attention = DotProductAttention(dropout=0.5)
attention.eval()
print("dot", attention(queries, keys, values, valid_lens))


def transpose_qkv(X, num_heads):
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.permute(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


class MultiHeadAttention(nn.Module):
    def __init__(self, key_size, query_size, value_size, num_hiddens, num_heads, dropout, bias=False, **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            valid_lens = torch.repeat_interleave(valid_lens, repeats=self.num_heads, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        output_concat = transpose_output(output, self.num_heads)
        return self.W_o(output_concat)


num_hiddens, num_heads = 8, 2
attention = fix(MultiHeadAttention(num_hiddens, num_hiddens, num_hiddens, num_hiddens, num_heads, 0.0))
attention.eval()
batch_size, num_queries = 2, 4
num_kvpairs, valid_lens = 6, torch.tensor([3, 2])
X = torch.sin(torch.arange(64.0) * 0.3).reshape((batch_size, num_queries, num_hiddens))
Y = torch.cos(torch.arange(96.0) * 0.2).reshape((batch_size, num_kvpairs, num_hiddens))
out = attention(X, Y, Y, valid_lens)
print("multihead", out.shape, r(out[0, 0], 5))


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(dropout)
        self.P = torch.zeros((1, max_len, num_hiddens))
        X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


pos_encoding = PositionalEncoding(8, 0)
pos_encoding.eval()
Xp = pos_encoding(torch.zeros((1, 20, 8)))
P = pos_encoding.P[:, :Xp.shape[1], :]
print("positional", r(P[0, 7], 5), r(P[0, :, 6].T[:4], 5))


class PositionWiseFFN(nn.Module):
    def __init__(self, ffn_num_input, ffn_num_hiddens, ffn_num_outputs, **kwargs):
        super(PositionWiseFFN, self).__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    def __init__(self, normalized_shape, dropout, **kwargs):
        super(AddNorm, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class EncoderBlock(nn.Module):
    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, dropout, use_bias=False, **kwargs):
        super(EncoderBlock, self).__init__(**kwargs)
        self.attention = MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout,
                                            use_bias)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


blk = fix(EncoderBlock(8, 8, 8, 8, [8], 8, 16, 2, 0.0), phase=1.0)
blk.eval()
out = blk(X, valid_lens)
print("encoder block", out.shape, r(out[1, 2], 5))


# ---------------------------------------------------------------- Bahdanau decoder on a toy copy task
class Seq2SeqEncoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers)

    def forward(self, X, *args):
        X = self.embedding(X)
        X = X.permute(1, 0, 2)
        output, state = self.rnn(X)
        return output, state


class Seq2SeqAttentionDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super(Seq2SeqAttentionDecoder, self).__init__()
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]


vocab = 8  # 0 pad, 1 bos, 2 eos, 3..7 symbols
src = torch.tensor([[3, 4, 5, 2, 0], [6, 7, 2, 0, 0], [5, 5, 6, 7, 2], [4, 2, 0, 0, 0]])
src_len = torch.tensor([4, 3, 5, 2])
tgt = src.clone()
encoder = fix(Seq2SeqEncoder(vocab, 6, 8, 2), phase=2.0)
decoder = fix(Seq2SeqAttentionDecoder(vocab, 6, 8, 2), phase=3.0)
params = list(encoder.parameters()) + list(decoder.parameters())
opt = torch.optim.Adam(params, lr=0.02)
ce = nn.CrossEntropyLoss(reduction='none')
for epoch in range(30):
    opt.zero_grad()
    bos = torch.ones((4, 1), dtype=torch.long)
    dec_input = torch.cat([bos, tgt[:, :-1]], 1)
    Y_hat, _ = decoder(dec_input, decoder.init_state(encoder(src), src_len))
    weights = sequence_mask(torch.ones_like(tgt, dtype=torch.float32), src_len)
    l = (ce(Y_hat.permute(0, 2, 1), tgt) * weights).mean(dim=1)
    l.sum().backward()
    nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    if epoch % 10 == 9:
        print(f"seq2seq epoch {epoch + 1} loss {l.sum().item() / 4:.6f}")


def predict(src_tokens, num_steps=5):
    enc_X = torch.unsqueeze(torch.tensor(src_tokens, dtype=torch.long), dim=0)
    enc_outputs = encoder(enc_X)
    dec_state = decoder.init_state(enc_outputs, torch.tensor([len(src_tokens)]))
    dec_X = torch.unsqueeze(torch.tensor([1], dtype=torch.long), dim=0)
    output_seq = []
    for _ in range(num_steps):
        Y, dec_state = decoder(dec_X, dec_state)
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        if pred == 2:
            break
        output_seq.append(pred)
    return output_seq


def bleu(pred_seq, label_seq, k):
    len_pred, len_label = len(pred_seq), len(label_seq)
    score = math.exp(min(0, 1 - len_label / max(len_pred, 1)))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(map(str, label_seq[i: i + n]))] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(map(str, pred_seq[i: i + n]))] > 0:
                num_matches += 1
                label_subs[' '.join(map(str, pred_seq[i: i + n]))] -= 1
        score *= math.pow(num_matches / max(len_pred - n + 1, 1), math.pow(0.5, n))
    return score


encoder.eval()
decoder.eval()
with torch.no_grad():
    for seq in ([3, 4, 5, 2], [6, 7, 2], [5, 5, 6, 7, 2]):
        pred = predict(seq)
        print(f"{seq} => {pred}, bleu {bleu(pred, seq[:-1], k=2):.3f}")
    w = torch.cat(decoder._attention_weights, 0)
    print("attention weights", tuple(w.shape), r(w.sum(-1), 4))
