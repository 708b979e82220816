"""ELMo / character-aware language model pieces (Kim et al.'s char-CNN, AllenNLP's Highway and ScalarMix,
Yang et al.'s mixture of softmaxes) as a word-level LM on the bundled Shakespeare: words turned into
padded character id tensors with begin/end-of-word marks, nn.Embedding(padding_idx=0) over characters,
several Conv1d widths with max over time (torch.max(..., dim=-1)[0]), a Highway layer (its gate bias
filled with 1, nonlinear/gate halves by chunk), a two-layer LSTM whose layer outputs are combined by a
ScalarMix (softmax of scalar parameters times gamma, with optional layer-norm over a mask), and an
output layer that is either a plain softmax or a mixture of softmaxes (prior softmax, tanh latent
projections, logsumexp of log-priors plus log-softmaxes), trained with truncated BPTT and hidden
states detached between batches; perplexities by math.exp."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.set_num_threads(1)
torch.manual_seed(0)

tokens = text(12000).lower().split()
vocab = sorted(set(tokens))
w2i = {w: i for i, w in enumerate(vocab)}
chars = sorted(set("".join(vocab)))
c2i = {c: i + 3 for i, c in enumerate(chars)}  # 0 pad, 1 begin-of-word, 2 end-of-word
MAX_CHARS = 12
print(f"tokens {len(tokens)} vocab {len(vocab)} chars {len(chars)}")


def word_chars(w):
    ids = [1] + [c2i[c] for c in w[:MAX_CHARS - 2]] + [2]
    return ids + [0] * (MAX_CHARS - len(ids))


char_table = torch.tensor([word_chars(w) for w in vocab])
ids = torch.tensor([w2i[w] for w in tokens])
print("char table", tuple(char_table.shape), "first word", vocab[0], char_table[0].tolist())


class Highway(nn.Module):
    def __init__(self, input_dim, num_layers=1):
        super().__init__()
        self._layers = nn.ModuleList([nn.Linear(input_dim, input_dim * 2) for _ in range(num_layers)])
        for layer in self._layers:
            layer.bias[input_dim:].data.fill_(1)

    def forward(self, inputs):
        current_input = inputs
        for layer in self._layers:
            projected_input = layer(current_input)
            linear_part = current_input
            nonlinear_part, gate = projected_input.chunk(2, dim=-1)
            nonlinear_part = F.relu(nonlinear_part)
            gate = torch.sigmoid(gate)
            current_input = gate * linear_part + (1 - gate) * nonlinear_part
        return current_input


class CharCNN(nn.Module):
    def __init__(self, n_chars, char_dim=12, filters=((1, 16), (2, 16), (3, 24), (4, 24))):
        super().__init__()
        self.embed = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(char_dim, n, w) for w, n in filters])
        self.out_dim = sum(n for _, n in filters)
        self.highway = Highway(self.out_dim, 2)

    def forward(self, char_ids):
        b, t, c = char_ids.shape
        x = self.embed(char_ids.view(-1, c)).transpose(1, 2)
        pooled = [torch.max(torch.tanh(conv(x)), dim=-1)[0] for conv in self.convs]
        return self.highway(torch.cat(pooled, dim=-1)).view(b, t, -1)


class ScalarMix(nn.Module):
    def __init__(self, mixture_size, do_layer_norm=False):
        super().__init__()
        self.do_layer_norm = do_layer_norm
        self.scalar_parameters = nn.ParameterList([nn.Parameter(torch.FloatTensor([0.0])) for _ in range(mixture_size)])
        self.gamma = nn.Parameter(torch.FloatTensor([1.0]))

    def forward(self, tensors, mask=None):
        normed_weights = torch.nn.functional.softmax(torch.cat([p for p in self.scalar_parameters]), dim=0)
        normed_weights = torch.split(normed_weights, split_size_or_sections=1)
        if not self.do_layer_norm:
            return self.gamma * sum(w * t for w, t in zip(normed_weights, tensors))
        mask_float = mask.float()
        broadcast_mask = mask_float.unsqueeze(-1)
        input_dim = tensors[0].size(-1)
        num_elements_not_masked = torch.sum(mask_float) * input_dim
        pieces = []
        for weight, tensor in zip(normed_weights, tensors):
            tensor_masked = tensor * broadcast_mask
            mean = torch.sum(tensor_masked) / num_elements_not_masked
            variance = torch.sum(((tensor_masked - mean) * broadcast_mask) ** 2) / num_elements_not_masked
            pieces.append(weight * (tensor - mean) / torch.sqrt(variance + 1e-12))
        return self.gamma * sum(pieces)


class MoS(nn.Module):
    def __init__(self, nhid, ntoken, n_experts=3):
        super().__init__()
        self.n_experts, self.ntoken = n_experts, ntoken
        self.prior = nn.Linear(nhid, n_experts, bias=False)
        self.latent = nn.Sequential(nn.Linear(nhid, n_experts * nhid), nn.Tanh())
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, output):
        latent = self.latent(output)
        logit = self.decoder(latent.view(-1, latent.size(-1) // self.n_experts))
        prior_logit = self.prior(output).contiguous().view(-1, self.n_experts)
        log_prior = F.log_softmax(prior_logit, -1)
        log_prob = F.log_softmax(logit.view(-1, self.ntoken), -1).view(-1, self.n_experts, self.ntoken)
        return torch.logsumexp(log_prior.unsqueeze(-1) + log_prob, dim=1)


class CharLM(nn.Module):
    def __init__(self, use_mos, hidden=48):
        super().__init__()
        self.chars = CharCNN(len(chars) + 3)
        self.proj = nn.Linear(self.chars.out_dim, hidden)
        self.lstm1 = nn.LSTM(hidden, hidden, batch_first=True)
        self.lstm2 = nn.LSTM(hidden, hidden, batch_first=True)
        self.mix = ScalarMix(3, do_layer_norm=True)
        self.use_mos = use_mos
        self.head = MoS(hidden, len(vocab)) if use_mos else nn.Linear(hidden, len(vocab))

    def forward(self, word_ids, hidden=None):
        x = self.proj(self.chars(char_table[word_ids]))
        h1, s1 = self.lstm1(x, None if hidden is None else hidden[0])
        h2, s2 = self.lstm2(h1, None if hidden is None else hidden[1])
        mask = torch.ones(word_ids.shape, dtype=torch.bool)
        mixed = self.mix([x, h1, h2], mask)
        if self.use_mos:
            log_probs = self.head(mixed)
        else:
            log_probs = F.log_softmax(self.head(mixed), -1).view(-1, len(vocab))
        return log_probs, (s1, s2)


def detach(hidden):
    return tuple(tuple(h.detach() for h in s) for s in hidden)


B, BPTT = 8, 12
n = (len(ids) - 1) // B
inputs = ids[:n * B].view(B, n)
targets = ids[1:n * B + 1].view(B, n)
hw = Highway(4)
print("highway gate bias", hw._layers[0].bias[4:].tolist(), "carry at init", f"{torch.sigmoid(torch.tensor(1.0)).item():.6f}")
for use_mos in (False, True):
    torch.manual_seed(1)
    model = CharLM(use_mos)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    print(f"mos={use_mos} params {sum(p.numel() for p in model.parameters())}")
    for epoch in range(2):
        hidden, total, count = None, 0.0, 0
        for i in range(0, n - BPTT, BPTT):
            log_probs, hidden = model(inputs[:, i:i + BPTT], hidden)
            hidden = detach(hidden)
            loss = F.nll_loss(log_probs, targets[:, i:i + BPTT].reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
            total += loss.item()
            count += 1
        print(f"  epoch {epoch} train loss {total / count:.5f} ppl {math.exp(total / count):.3f}")
    weights = F.softmax(torch.cat(list(model.mix.scalar_parameters)), 0)
    print(f"  scalar mix weights {[round(v, 5) for v in weights.tolist()]} gamma {model.mix.gamma.item():.5f}")
    with torch.no_grad():
        lp, _ = model(inputs[:2, :6])
        print(f"  probs sum to one: {torch.allclose(lp.exp().sum(-1), torch.ones(12), atol=1e-5)}",
              "top words", [vocab[j] for j in lp[:3].argmax(-1).tolist()])
