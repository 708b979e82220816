"""A pointer-generator summarizer with coverage (See et al.; the atulkum/pointer_summarizer PyTorch port):
source batches with in-article OOV words mapped to extended-vocabulary ids, a bidirectional LSTM encoder
over pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence(total_length=...), a ReduceState
of the final (h, c), Bahdanau attention with the coverage vector as a feature, masked by the padding
mask and renormalized, p_gen = sigmoid(...), the final distribution vocab_dist * p_gen concatenated with
extra zeros and scatter_add_ of (1 - p_gen) * attention into the extended vocabulary, the NLL of the
gathered gold ids with an eps, the coverage loss sum(min(attn, coverage)), masked by the target lengths;
Adagrad with initial_accumulator_value, clip_grad_norm_, then greedy decoding that maps OOV ids back."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

PAD, UNK, START, STOP = 0, 1, 2, 3
words = ["the", "cat", "dog", "sat", "on", "mat", "ran", "to", "park", "a", "big", "small", "red", "blue"]
vocab = ["[PAD]", "[UNK]", "[START]", "[STOP]"] + words
w2i = {w: i for i, w in enumerate(vocab)}
names = ["alice", "bob", "carol", "dave", "erin", "frank"]  # never in the vocabulary: copied


def make_example():
    name = names[rng.integers(len(names))]
    adj = words[9 + rng.integers(5)]
    noun = words[1 + rng.integers(2)]
    filler = [words[rng.integers(len(words))] for _ in range(rng.integers(0, 4))]
    article = filler + [name, "saw", "the", adj, noun] + filler[::-1]
    abstract = [name, adj, noun]
    return article, abstract


def article2ids(article):
    ids, oovs = [], []
    for w in article:
        i = w2i.get(w, UNK)
        if i == UNK:
            if w not in oovs:
                oovs.append(w)
            i = len(vocab) + oovs.index(w)
        ids.append(i)
    return ids, oovs


def batchify(examples):
    enc_lens = [len(a) for a, _ in examples]
    max_enc = max(enc_lens)
    enc = torch.full((len(examples), max_enc), PAD, dtype=torch.long)
    enc_ext = torch.full_like(enc, PAD)
    dec_in = torch.full((len(examples), 4), PAD, dtype=torch.long)
    target = torch.full((len(examples), 4), PAD, dtype=torch.long)
    all_oovs = []
    for b, (art, abs_) in enumerate(examples):
        ids = [w2i.get(w, UNK) for w in art]
        ext, oovs = article2ids(art)
        all_oovs.append(oovs)
        enc[b, :len(ids)] = torch.tensor(ids)
        enc_ext[b, :len(ext)] = torch.tensor(ext)
        abs_ids = [w2i.get(w, UNK) for w in abs_]
        abs_ext = [w2i[w] if w in w2i else len(vocab) + oovs.index(w) for w in abs_]
        dec_in[b] = torch.tensor([START] + abs_ids)
        target[b] = torch.tensor(abs_ext + [STOP])
    max_oovs = max(len(o) for o in all_oovs)
    return enc, torch.tensor(enc_lens), enc_ext, dec_in, target, max_oovs, all_oovs


class Encoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=PAD)
        self.lstm = nn.LSTM(E, H, num_layers=1, batch_first=True, bidirectional=True)
        self.W_h = nn.Linear(H * 2, H * 2, bias=False)

    def forward(self, x, lens):
        packed = pack_padded_sequence(self.embedding(x), lens, batch_first=True, enforce_sorted=False)
        output, hidden = self.lstm(packed)
        enc_out, _ = pad_packed_sequence(output, batch_first=True, total_length=x.size(1))
        return enc_out, self.W_h(enc_out.reshape(-1, enc_out.size(2))), hidden


class ReduceState(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.reduce_h = nn.Linear(H * 2, H)
        self.reduce_c = nn.Linear(H * 2, H)

    def forward(self, hidden):
        h, c = hidden
        h_in = h.transpose(0, 1).contiguous().view(-1, h.size(2) * 2)
        c_in = c.transpose(0, 1).contiguous().view(-1, c.size(2) * 2)
        return F.relu(self.reduce_h(h_in)).unsqueeze(0), F.relu(self.reduce_c(c_in)).unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.W_c = nn.Linear(1, H * 2, bias=False)
        self.decode_proj = nn.Linear(H * 2, H * 2)
        self.v = nn.Linear(H * 2, 1, bias=False)

    def forward(self, s_t_hat, enc_out, enc_feature, mask, coverage):
        b, t_k, n = enc_out.size()
        dec_fea = self.decode_proj(s_t_hat).unsqueeze(1).expand(b, t_k, n).contiguous().view(-1, n)
        att = enc_feature + dec_fea + self.W_c(coverage.view(-1, 1))
        scores = self.v(torch.tanh(att)).view(-1, t_k)
        attn_ = F.softmax(scores, dim=1) * mask
        attn_dist = attn_ / attn_.sum(1, keepdim=True)
        c_t = torch.bmm(attn_dist.unsqueeze(1), enc_out).view(-1, n)
        return c_t, attn_dist, coverage + attn_dist


class Decoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.attention = Attention(H)
        self.embedding = nn.Embedding(V, E, padding_idx=PAD)
        self.x_context = nn.Linear(H * 2 + E, E)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.p_gen_linear = nn.Linear(H * 4 + E, 1)
        self.out1 = nn.Linear(H * 3, H)
        self.out2 = nn.Linear(H, V)

    def forward(self, y_t, s_t, enc_out, enc_feature, mask, c_t_1, extra_zeros, enc_ext, coverage):
        y_emb = self.embedding(y_t)
        x = self.x_context(torch.cat((c_t_1, y_emb), 1))
        lstm_out, s_t = self.lstm(x.unsqueeze(1), s_t)
        h, c = s_t
        s_t_hat = torch.cat((h.view(-1, h.size(2)), c.view(-1, c.size(2))), 1)
        c_t, attn_dist, coverage_next = self.attention(s_t_hat, enc_out, enc_feature, mask, coverage)
        p_gen = torch.sigmoid(self.p_gen_linear(torch.cat((c_t, s_t_hat, x), 1)))
        output = self.out2(self.out1(torch.cat((lstm_out.view(-1, h.size(2)), c_t), 1)))
        vocab_dist = F.softmax(output, dim=1)
        vocab_dist_ = p_gen * vocab_dist
        attn_dist_ = (1 - p_gen) * attn_dist
        if extra_zeros is not None:
            vocab_dist_ = torch.cat([vocab_dist_, extra_zeros], 1)
        final_dist = vocab_dist_.scatter_add(1, enc_ext, attn_dist_)
        return final_dist, s_t, c_t, attn_dist, p_gen, coverage_next


V, E, H = len(vocab), 16, 24
encoder, reduce_state, decoder = Encoder(V, E, H), ReduceState(H), Decoder(V, E, H)
decoder.embedding.weight = encoder.embedding.weight  # shared embeddings
params = list(encoder.parameters()) + list(decoder.parameters()) + list(reduce_state.parameters())
print("unique params", len({id(p) for p in params}), "listed", len(params))
optimizer = torch.optim.Adagrad(params, lr=0.1, initial_accumulator_value=0.1)


def run_batch(batch, cov_weight=1.0):
    enc, lens, enc_ext, dec_in, target, max_oovs, _ = batch
    mask = (enc != PAD).float()
    extra_zeros = torch.zeros(enc.size(0), max_oovs) if max_oovs > 0 else None
    enc_out, enc_feature, hidden = encoder(enc, lens)
    s_t = reduce_state(hidden)
    c_t = torch.zeros(enc.size(0), 2 * H)
    coverage = torch.zeros(enc.size())
    step_losses, p_gens = [], []
    for di in range(dec_in.size(1)):
        final_dist, s_t, c_t, attn, p_gen, next_cov = decoder(dec_in[:, di], s_t, enc_out, enc_feature, mask,
                                                             c_t, extra_zeros, enc_ext, coverage)
        gold = torch.gather(final_dist, 1, target[:, di].unsqueeze(1)).squeeze()
        step_loss = -torch.log(gold + 1e-12)
        step_loss = step_loss + cov_weight * torch.sum(torch.min(attn, coverage), 1)
        coverage = next_cov
        step_losses.append(step_loss)
        p_gens.append(p_gen.mean())
    loss = torch.mean(torch.sum(torch.stack(step_losses, 1), 1) / dec_in.size(1))
    return loss, torch.stack(p_gens)


batches = [batchify([make_example() for _ in range(8)]) for _ in range(30)]
enc, lens, enc_ext, dec_in, target, max_oovs, oovs = batches[0]
print("enc", tuple(enc.shape), "lens", lens.tolist(), "max_oovs", max_oovs, "oovs[0]", oovs[0])
print("enc_ext[0]", enc_ext[0].tolist(), "target[0]", target[0].tolist())
for epoch in range(4):
    total = 0.0
    for batch in batches:
        optimizer.zero_grad()
        loss, p_gens = run_batch(batch)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, 2.0)
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(batches):.5f} last grad norm {norm.item():.5f}"
          f" p_gen per step {[round(p, 4) for p in p_gens.tolist()]}")

state = optimizer.state_dict()
first = min(state["state"])
print("adagrad state indexes", sorted(state["state"])[:3], "group params", state["param_groups"][0]["params"][:3],
      "keys", sorted(state["state"][first]), f"sum mean {state['state'][first]['sum'].mean().item():.6f}")

# greedy decoding with OOV ids mapped back through the article's oov list
with torch.no_grad():
    test = [make_example() for _ in range(6)]
    enc, lens, enc_ext, _, _, max_oovs, oovs = batchify(test)
    mask = (enc != PAD).float()
    extra_zeros = torch.zeros(enc.size(0), max_oovs)
    enc_out, enc_feature, hidden = encoder(enc, lens)
    s_t, c_t = reduce_state(hidden), torch.zeros(enc.size(0), 2 * H)
    coverage = torch.zeros(enc.size())
    y = torch.full((enc.size(0),), START, dtype=torch.long)
    outs = []
    for _ in range(4):
        dist, s_t, c_t, attn, p_gen, coverage = decoder(y, s_t, enc_out, enc_feature, mask, c_t, extra_zeros,
                                                      enc_ext, coverage)
        ids = dist.argmax(1)
        outs.append(ids)
        y = torch.where(ids >= V, torch.full_like(ids, UNK), ids)
    outs = torch.stack(outs, 1)
correct = 0
for b, (art, abs_) in enumerate(test):
    decoded = [vocab[i] if i < V else oovs[b][i - V] for i in outs[b].tolist()]
    correct += decoded[:3] == abs_
    print(" ".join(art), "->", " ".join(decoded))
print(f"exact {correct}/{len(test)} coverage total {[round(c, 4) for c in coverage.sum(1).tolist()]}")
