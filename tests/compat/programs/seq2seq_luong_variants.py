"""Seq2seq with the attention variants of Luong et al. as tutorials write them (the PyTorch chatbot
tutorial's Attn class with 'dot', 'general' and 'concat' scores, and Bahdanau's additive one): an
encoder GRU (bidirectional, outputs summed over the directions as the chatbot tutorial does) fed by
pack_padded_sequence, a decoder stepping one token at a time with the attention weights from
F.softmax(scores, dim=1).unsqueeze(1) and context by bmm, a masked NLL loss over padded targets
(torch.gather of the probabilities, masked_select), teacher forcing decided by Python's random,
gradient clipping, and greedy decoding of a reversal task; every variant trained a few steps from
the same seed. Seeded: every printed number agrees."""

import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
random.seed(0)

PAD, SOS, EOS = 0, 1, 2
VOCAB = 12


def make_pairs(n, rng):
    pairs = []
    for _ in range(n):
        length = rng.randint(3, 7)
        src = [rng.randint(3, VOCAB - 1) for _ in range(length)]
        pairs.append((src + [EOS], src[::-1] + [EOS]))
    return pairs


def batch2train(pairs):
    pairs = sorted(pairs, key=lambda p: len(p[0]), reverse=True)
    src_len = torch.tensor([len(p[0]) for p in pairs])
    max_src, max_tgt = int(src_len.max()), max(len(p[1]) for p in pairs)
    src = torch.tensor([p[0] + [PAD] * (max_src - len(p[0])) for p in pairs]).t()
    tgt = torch.tensor([p[1] + [PAD] * (max_tgt - len(p[1])) for p in pairs]).t()
    mask = tgt != PAD
    return src, src_len, tgt, mask, max_tgt


class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, embedding, n_layers=1):
        super().__init__()
        self.n_layers, self.hidden_size, self.embedding = n_layers, hidden_size, embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=True)

    def forward(self, input_seq, input_lengths, hidden=None):
        embedded = self.embedding(input_seq)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, input_lengths)
        outputs, hidden = self.gru(packed, hidden)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs)
        outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]
        return outputs, hidden


class Attn(nn.Module):
    def __init__(self, method, hidden_size):
        super().__init__()
        self.method, self.hidden_size = method, hidden_size
        if method == "general":
            self.attn = nn.Linear(hidden_size, hidden_size)
        elif method in ("concat", "additive"):
            self.attn = nn.Linear(hidden_size * 2, hidden_size)
            self.v = nn.Parameter(torch.FloatTensor(hidden_size).uniform_(-0.1, 0.1))

    def dot_score(self, hidden, encoder_output):
        return torch.sum(hidden * encoder_output, dim=2)

    def general_score(self, hidden, encoder_output):
        return torch.sum(hidden * self.attn(encoder_output), dim=2)

    def concat_score(self, hidden, encoder_output):
        energy = self.attn(torch.cat((hidden.expand(encoder_output.size(0), -1, -1), encoder_output), 2)).tanh()
        return torch.sum(self.v * energy, dim=2)

    def forward(self, hidden, encoder_outputs, src_mask):
        if self.method == "general":
            energies = self.general_score(hidden, encoder_outputs)
        elif self.method in ("concat", "additive"):
            energies = self.concat_score(hidden, encoder_outputs)
        else:
            energies = self.dot_score(hidden, encoder_outputs)
        energies = energies.t().masked_fill(~src_mask.t(), -1e10)
        return F.softmax(energies, dim=1).unsqueeze(1)


class LuongAttnDecoderRNN(nn.Module):
    def __init__(self, attn_model, embedding, hidden_size, output_size, n_layers=1):
        super().__init__()
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers)
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.attn = Attn(attn_model, hidden_size)

    def forward(self, input_step, last_hidden, encoder_outputs, src_mask):
        embedded = self.embedding(input_step)
        rnn_output, hidden = self.gru(embedded, last_hidden)
        attn_weights = self.attn(rnn_output, encoder_outputs, src_mask)
        context = attn_weights.bmm(encoder_outputs.transpose(0, 1))
        rnn_output = rnn_output.squeeze(0)
        context = context.squeeze(1)
        concat_output = torch.tanh(self.concat(torch.cat((rnn_output, context), 1)))
        output = F.softmax(self.out(concat_output), dim=1)
        return output, hidden, attn_weights


def maskNLLLoss(inp, target, mask):
    n_total = mask.sum()
    cross_entropy = -torch.log(torch.gather(inp, 1, target.view(-1, 1)).squeeze(1))
    loss = cross_entropy.masked_select(mask).mean()
    return loss, n_total.item()


def train_step(src, lengths, tgt, mask, max_target_len, encoder, decoder, enc_opt, dec_opt, tf_ratio=0.7,
               clip=5.0):
    enc_opt.zero_grad()
    dec_opt.zero_grad()
    encoder_outputs, encoder_hidden = encoder(src, lengths)
    src_mask = src != PAD
    decoder_input = torch.LongTensor([[SOS for _ in range(src.shape[1])]])
    decoder_hidden = encoder_hidden[:decoder.gru.num_layers]
    loss, print_losses, n_totals = 0, [], 0
    use_teacher_forcing = random.random() < tf_ratio
    for t in range(max_target_len):
        decoder_output, decoder_hidden, _ = decoder(decoder_input, decoder_hidden, encoder_outputs, src_mask)
        if use_teacher_forcing:
            decoder_input = tgt[t].view(1, -1)
        else:
            _, topi = decoder_output.topk(1)
            decoder_input = torch.LongTensor([[topi[i][0] for i in range(src.shape[1])]])
        mask_loss, n_total = maskNLLLoss(decoder_output, tgt[t], mask[t])
        loss += mask_loss
        print_losses.append(mask_loss.item() * n_total)
        n_totals += n_total
    loss.backward()
    enc_norm = nn.utils.clip_grad_norm_(encoder.parameters(), clip)
    nn.utils.clip_grad_norm_(decoder.parameters(), clip)
    enc_opt.step()
    dec_opt.step()
    return sum(print_losses) / n_totals, use_teacher_forcing, enc_norm.item()


def greedy_decode(encoder, decoder, src_tokens, max_length=10):
    src = torch.tensor(src_tokens).unsqueeze(1)
    enc_out, enc_hidden = encoder(src, torch.tensor([len(src_tokens)]))
    hidden = enc_hidden[:decoder.gru.num_layers]
    inp = torch.ones(1, 1, dtype=torch.long) * SOS
    tokens, all_attn = [], []
    for _ in range(max_length):
        out, hidden, attn = decoder(inp, hidden, enc_out, src != PAD)
        score, idx = torch.max(out, dim=1)
        tokens.append(idx.item())
        all_attn.append(attn.squeeze())
        if idx.item() == EOS:
            break
        inp = idx.unsqueeze(0)
    return tokens, torch.stack(all_attn)


rng = random.Random(1)
train_pairs = make_pairs(96, rng)
src, lengths, tgt, mask, max_tgt = batch2train(train_pairs[:4])
print("batch", src.shape, lengths.tolist(), tgt.shape, mask.sum().item(), max_tgt)
print(src.t())
hidden_size = 24
for method in ["dot", "general", "concat"]:
    torch.manual_seed(0)
    random.seed(0)
    embedding = nn.Embedding(VOCAB, hidden_size)
    encoder = EncoderRNN(hidden_size, embedding)
    decoder = LuongAttnDecoderRNN(method, embedding, hidden_size, VOCAB)
    enc_opt = torch.optim.Adam(encoder.parameters(), lr=0.01)
    dec_opt = torch.optim.Adam(decoder.parameters(), lr=0.05)
    n_params = sum(p.numel() for p in set(encoder.parameters()) | set(decoder.parameters()))
    for it in range(8):
        batch = [train_pairs[(it * 16 + j) % len(train_pairs)] for j in range(16)]
        s, l, t, m, mt = batch2train(batch)
        loss, tf, norm = train_step(s, l, t, m, mt, encoder, decoder, enc_opt, dec_opt)
        if it % 4 == 3:
            print(f"{method:8} iter {it} loss {loss:.4f} teacher forcing {tf} enc norm {norm:.4f}")
    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        tokens, attn = greedy_decode(encoder, decoder, [5, 7, 9, 4, EOS])
    print(f"{method:8} params {n_params} decoded {tokens} attn {tuple(attn.shape)} row sums "
          f"{attn.sum(-1)[:3].round(decimals=4)}")  # (rounded: float32 sums of softmax rows differ in the last bit)
