"""CS224n assignment 4 (neural machine translation, nmt_model.py / vocab.py / utils.py) as students write
it, on a toy reverse-and-relabel corpus: VocabEntry with <pad>/<s>/</s>/<unk>, to_input_tensor by
pad_sents and a (src_len, b) LongTensor, ModelEmbeddings with padding_idx, a bidirectional LSTM encoder
over pack_padded_sequence (lengths sorted longest first) and pad_packed_sequence, h/c projections of the
concatenated final states, an LSTMCell decoder fed [Y_t; o_prev], multiplicative attention by torch.bmm
with unsqueeze/squeeze, enc_masks by masked_fill_ with -inf, the combined-output projection, tanh and
dropout, target log-probs by torch.gather with the pad mask, Adam with clip_grad_norm_, perplexity per
epoch, and beam search (expand, flattened topk, floor division for previous hypotheses, completed
hypotheses sorted by score)."""

import math
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import _data

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)  # noqa: NPY002 - the assignment's legacy numpy seeding

Hypothesis = namedtuple("Hypothesis", ["value", "score"])


def pad_sents(sents, pad_token):
    max_len = max(len(s) for s in sents)
    return [s + [pad_token] * (max_len - len(s)) for s in sents]


class VocabEntry:
    def __init__(self, word2id=None):
        if word2id:
            self.word2id = word2id
        else:
            self.word2id = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
        self.unk_id = self.word2id["<unk>"]
        self.id2word = {v: k for k, v in self.word2id.items()}

    def __getitem__(self, word):
        return self.word2id.get(word, self.unk_id)

    def __len__(self):
        return len(self.word2id)

    def add(self, word):
        if word not in self.word2id:
            wid = self.word2id[word] = len(self)
            self.id2word[wid] = word
            return wid
        return self[word]

    def words2indices(self, sents):
        if type(sents[0]) is list:
            return [[self[w] for w in s] for s in sents]
        return [self[w] for w in sents]

    def to_input_tensor(self, sents, device):
        word_ids = self.words2indices(sents)
        sents_t = pad_sents(word_ids, self["<pad>"])
        sents_var = torch.tensor(sents_t, dtype=torch.long, device=device)
        return torch.t(sents_var)


words = _data.words(40)
src_vocab, tgt_vocab = VocabEntry(), VocabEntry()
for w in words:
    src_vocab.add(w)
    tgt_vocab.add(w.upper()[::-1])
print("vocab sizes", len(src_vocab), len(tgt_vocab))

rng = np.random.RandomState(3)


def make_pair():
    n = rng.randint(3, 8)
    src = [words[i] for i in rng.randint(0, len(words), n)]
    tgt = ["<s>"] + [w.upper()[::-1] for w in reversed(src)] + ["</s>"]
    return src, tgt


train_data = [make_pair() for _ in range(192)]
dev_data = [make_pair() for _ in range(32)]
print("example", train_data[0][0], "->", train_data[0][1])


class ModelEmbeddings(nn.Module):
    def __init__(self, embed_size, src, tgt):
        super().__init__()
        self.embed_size = embed_size
        self.source = nn.Embedding(len(src), embed_size, padding_idx=src["<pad>"])
        self.target = nn.Embedding(len(tgt), embed_size, padding_idx=tgt["<pad>"])


class NMT(nn.Module):
    def __init__(self, embed_size, hidden_size, dropout_rate=0.2):
        super().__init__()
        self.model_embeddings = ModelEmbeddings(embed_size, src_vocab, tgt_vocab)
        self.hidden_size = hidden_size
        self.dropout_rate = dropout_rate
        self.encoder = nn.LSTM(embed_size, hidden_size, bias=True, bidirectional=True)
        self.decoder = nn.LSTMCell(embed_size + hidden_size, hidden_size, bias=True)
        self.h_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.c_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.att_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.combined_output_projection = nn.Linear(3 * hidden_size, hidden_size, bias=False)
        self.target_vocab_projection = nn.Linear(hidden_size, len(tgt_vocab), bias=False)
        self.dropout = nn.Dropout(p=dropout_rate)

    @property
    def device(self):
        return self.model_embeddings.source.weight.device

    def forward(self, source, target):
        source_lengths = [len(s) for s in source]
        source_padded = src_vocab.to_input_tensor(source, device=self.device)
        target_padded = tgt_vocab.to_input_tensor(target, device=self.device)
        enc_hiddens, dec_init_state = self.encode(source_padded, source_lengths)
        enc_masks = self.generate_sent_masks(enc_hiddens, source_lengths)
        combined_outputs = self.decode(enc_hiddens, enc_masks, dec_init_state, target_padded)
        P = F.log_softmax(self.target_vocab_projection(combined_outputs), dim=-1)
        target_masks = (target_padded != tgt_vocab["<pad>"]).float()
        target_gold_words_log_prob = torch.gather(P, index=target_padded[1:].unsqueeze(-1), dim=-1).squeeze(
            -1) * target_masks[1:]
        scores = target_gold_words_log_prob.sum(dim=0)
        return scores

    def encode(self, source_padded, source_lengths):
        X = self.model_embeddings.source(source_padded)
        X = pack_padded_sequence(X, source_lengths)
        enc_hiddens, (last_hidden, last_cell) = self.encoder(X)
        enc_hiddens, _ = pad_packed_sequence(enc_hiddens)
        enc_hiddens = enc_hiddens.permute(1, 0, 2)
        init_decoder_hidden = self.h_projection(torch.cat((last_hidden[0], last_hidden[1]), 1))
        init_decoder_cell = self.c_projection(torch.cat((last_cell[0], last_cell[1]), 1))
        return enc_hiddens, (init_decoder_hidden, init_decoder_cell)

    def decode(self, enc_hiddens, enc_masks, dec_init_state, target_padded):
        target_padded = target_padded[:-1]
        dec_state = dec_init_state
        batch_size = enc_hiddens.size(0)
        o_prev = torch.zeros(batch_size, self.hidden_size, device=self.device)
        combined_outputs = []
        enc_hiddens_proj = self.att_projection(enc_hiddens)
        Y = self.model_embeddings.target(target_padded)
        for Y_t in torch.split(Y, 1, dim=0):
            Y_t = torch.squeeze(Y_t, dim=0)
            Ybar_t = torch.cat((Y_t, o_prev), dim=1)
            dec_state, o_t, e_t = self.step(Ybar_t, dec_state, enc_hiddens, enc_hiddens_proj, enc_masks)
            combined_outputs.append(o_t)
            o_prev = o_t
        return torch.stack(combined_outputs, dim=0)

    def step(self, Ybar_t, dec_state, enc_hiddens, enc_hiddens_proj, enc_masks):
        dec_state = self.decoder(Ybar_t, dec_state)
        dec_hidden, dec_cell = dec_state
        e_t = torch.bmm(enc_hiddens_proj, dec_hidden.unsqueeze(2)).squeeze(2)
        if enc_masks is not None:
            e_t.data.masked_fill_(enc_masks.bool(), -float("inf"))
        alpha_t = F.softmax(e_t, dim=1)
        a_t = torch.bmm(alpha_t.unsqueeze(1), enc_hiddens).squeeze(1)
        U_t = torch.cat((a_t, dec_hidden), dim=1)
        V_t = self.combined_output_projection(U_t)
        O_t = self.dropout(torch.tanh(V_t))
        return dec_state, O_t, e_t

    def generate_sent_masks(self, enc_hiddens, source_lengths):
        enc_masks = torch.zeros(enc_hiddens.size(0), enc_hiddens.size(1), dtype=torch.float)
        for e_id, src_len in enumerate(source_lengths):
            enc_masks[e_id, src_len:] = 1
        return enc_masks.to(self.device)

    def beam_search(self, src_sent, beam_size=5, max_decoding_time_step=20):
        src_sents_var = src_vocab.to_input_tensor([src_sent], self.device)
        src_encodings, dec_init_vec = self.encode(src_sents_var, [len(src_sent)])
        src_encodings_att_linear = self.att_projection(src_encodings)
        h_tm1 = dec_init_vec
        att_tm1 = torch.zeros(1, self.hidden_size, device=self.device)
        eos_id = tgt_vocab["</s>"]
        hypotheses = [["<s>"]]
        hyp_scores = torch.zeros(len(hypotheses), dtype=torch.float, device=self.device)
        completed_hypotheses = []
        t = 0
        while len(completed_hypotheses) < beam_size and t < max_decoding_time_step:
            t += 1
            hyp_num = len(hypotheses)
            exp_src_encodings = src_encodings.expand(hyp_num, src_encodings.size(1), src_encodings.size(2))
            exp_src_encodings_att_linear = src_encodings_att_linear.expand(
                hyp_num, src_encodings_att_linear.size(1), src_encodings_att_linear.size(2))
            y_tm1 = torch.tensor([tgt_vocab[hyp[-1]] for hyp in hypotheses], dtype=torch.long, device=self.device)
            y_t_embed = self.model_embeddings.target(y_tm1)
            x = torch.cat([y_t_embed, att_tm1], dim=-1)
            (h_t, cell_t), att_t, _ = self.step(x, h_tm1, exp_src_encodings, exp_src_encodings_att_linear,
                                                enc_masks=None)
            log_p_t = F.log_softmax(self.target_vocab_projection(att_t), dim=-1)
            live_hyp_num = beam_size - len(completed_hypotheses)
            contiuating_hyp_scores = (hyp_scores.unsqueeze(1).expand_as(log_p_t) + log_p_t).view(-1)
            top_cand_hyp_scores, top_cand_hyp_pos = torch.topk(contiuating_hyp_scores, k=live_hyp_num)
            prev_hyp_ids = torch.div(top_cand_hyp_pos, len(tgt_vocab), rounding_mode="floor")
            hyp_word_ids = top_cand_hyp_pos % len(tgt_vocab)
            new_hypotheses, live_hyp_ids, new_hyp_scores = [], [], []
            for prev_hyp_id, hyp_word_id, cand_new_hyp_score in zip(prev_hyp_ids, hyp_word_ids,
                                                                    top_cand_hyp_scores):
                prev_hyp_id = prev_hyp_id.item()
                hyp_word_id = hyp_word_id.item()
                cand_new_hyp_score = cand_new_hyp_score.item()
                hyp_word = tgt_vocab.id2word[hyp_word_id]
                new_hyp_sent = hypotheses[prev_hyp_id] + [hyp_word]
                if hyp_word == "</s>":
                    completed_hypotheses.append(Hypothesis(value=new_hyp_sent[1:-1], score=cand_new_hyp_score))
                else:
                    new_hypotheses.append(new_hyp_sent)
                    live_hyp_ids.append(prev_hyp_id)
                    new_hyp_scores.append(cand_new_hyp_score)
            if len(completed_hypotheses) == beam_size:
                break
            live_hyp_ids = torch.tensor(live_hyp_ids, dtype=torch.long, device=self.device)
            h_tm1 = (h_t[live_hyp_ids], cell_t[live_hyp_ids])
            att_tm1 = att_t[live_hyp_ids]
            hypotheses = new_hypotheses
            hyp_scores = torch.tensor(new_hyp_scores, dtype=torch.float, device=self.device)
        if len(completed_hypotheses) == 0:
            completed_hypotheses.append(Hypothesis(value=hypotheses[0][1:], score=hyp_scores[0].item()))
        assert eos_id == 2
        completed_hypotheses.sort(key=lambda hyp: hyp.score, reverse=True)
        return completed_hypotheses


def batch_iter(data, batch_size, shuffle=False):
    batch_num = math.ceil(len(data) / batch_size)
    index_array = list(range(len(data)))
    if shuffle:
        np.random.shuffle(index_array)  # noqa: NPY002
    for i in range(batch_num):
        indices = index_array[i * batch_size: (i + 1) * batch_size]
        examples = [data[idx] for idx in indices]
        examples = sorted(examples, key=lambda e: len(e[0]), reverse=True)
        yield [e[0] for e in examples], [e[1] for e in examples]


def evaluate_ppl(model, dev_data, batch_size=32):
    was_training = model.training
    model.eval()
    cum_loss = 0.0
    cum_tgt_words = 0.0
    with torch.no_grad():
        for src_sents, tgt_sents in batch_iter(dev_data, batch_size):
            loss = -model(src_sents, tgt_sents).sum()
            cum_loss += loss.item()
            cum_tgt_words += sum(len(s[1:]) for s in tgt_sents)
    if was_training:
        model.train()
    return np.exp(cum_loss / cum_tgt_words)


model = NMT(embed_size=24, hidden_size=32, dropout_rate=0.2)
model.train()
uniform_init = 0.1
for p in model.parameters():
    p.data.uniform_(-uniform_init, uniform_init)
print("params", sum(p.numel() for p in model.parameters()))
print(model.encoder)
print(model.decoder)

optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
clip_grad = 5.0
train_batch_size = 16
for epoch in range(8):
    cum_loss = cum_words = 0.0
    for src_sents, tgt_sents in batch_iter(train_data, batch_size=train_batch_size, shuffle=True):
        optimizer.zero_grad()
        batch_size = len(src_sents)
        example_losses = -model(src_sents, tgt_sents)
        batch_loss = example_losses.sum()
        loss = batch_loss / batch_size
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
        optimizer.step()
        cum_loss += batch_loss.item()
        cum_words += sum(len(s[1:]) for s in tgt_sents)
    dev_ppl = evaluate_ppl(model, dev_data, batch_size=16)
    print(f"epoch {epoch}, avg. loss {cum_loss / len(train_data):.4f}, train ppl {math.exp(cum_loss / cum_words):.4f}, "
          f"dev ppl {dev_ppl:.4f}, grad norm {grad_norm.item():.4f}")

model.eval()
src, tgt = dev_data[0]
print("source", src)
print("reference", tgt[1:-1])
with torch.no_grad():
    hyps = model.beam_search(src, beam_size=4, max_decoding_time_step=12)
for h in hyps:
    print(f"hyp {h.score:.4f} {' '.join(h.value)}")
correct = 0
with torch.no_grad():
    for src, tgt in dev_data[:12]:
        best = model.beam_search(src, beam_size=3, max_decoding_time_step=12)[0]
        correct += int(best.value == tgt[1:-1])
print("exact matches", correct, "of 12")

# pack_padded_sequence details the assignment's sanity checks print
lengths = [5, 3, 2]
emb = torch.randn(5, 3, 4)
packed = pack_padded_sequence(emb, lengths)
print("batch_sizes", packed.batch_sizes, "sorted", packed.sorted_indices)
unpacked, lens = pad_packed_sequence(packed, total_length=6)
print("unpacked", tuple(unpacked.shape), lens, unpacked[3:, 2].abs().sum().item())
try:
    pack_padded_sequence(emb, [2, 5, 3])
except RuntimeError as e:
    print("unsorted:", str(e).split(".")[0])
packed2 = pack_padded_sequence(emb, torch.tensor([2, 5, 3]), enforce_sorted=False)
print("unsorted ok", packed2.batch_sizes, packed2.sorted_indices, packed2.unsorted_indices)
