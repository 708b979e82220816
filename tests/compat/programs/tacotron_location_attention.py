"""A Tacotron-2-style decoder on a toy text-to-frames task, as the NVIDIA/Rayhane re-implementations write
it: an embedding + Conv1d/BatchNorm1d/dropout-free encoder with a bidirectional LSTM over packed
sequences, location-sensitive attention (a Conv1d over the stacked previous and cumulative attention
weights), masked_fill of padded memory with -inf, an LSTMCell decoder with teacher forcing, a prenet, a
postnet residual, the stop-token BCE, the guided (diagonal) attention loss, and unpad_sequence for the
per-utterance outputs."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, unpad_sequence

torch.manual_seed(0)
torch.set_num_threads(1)

N_SYMBOLS, N_MEL, EMB, ATT = 8, 4, 16, 12


def make_utterance(gen):
    # each symbol "sounds" as 2 frames of its own spectral template
    n = int(torch.randint(3, 7, (1,), generator=gen))
    text = torch.randint(1, N_SYMBOLS, (n,), generator=gen)
    templates = torch.linspace(0, 1, N_MEL).unsqueeze(0) * torch.arange(N_SYMBOLS).unsqueeze(1) / N_SYMBOLS
    mel = templates[text].repeat_interleave(2, dim=0) + 0.02 * torch.randn(2 * n, N_MEL, generator=gen)
    return text, mel


class LocationLayer(nn.Module):
    def __init__(self, filters=4, kernel=5):
        super().__init__()
        self.conv = nn.Conv1d(2, filters, kernel, padding=kernel // 2, bias=False)
        self.dense = nn.Linear(filters, ATT, bias=False)

    def forward(self, cat_weights):
        return self.dense(self.conv(cat_weights).transpose(1, 2))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(32, ATT, bias=False)
        self.memory = nn.Linear(EMB, ATT, bias=False)
        self.v = nn.Linear(ATT, 1, bias=False)
        self.location = LocationLayer()

    def forward(self, q, memory, processed, cat_weights, mask):
        energies = self.v(torch.tanh(self.query(q).unsqueeze(1) + self.location(cat_weights) + processed)).squeeze(-1)
        energies = energies.masked_fill(mask, float("-inf"))
        weights = F.softmax(energies, dim=1)
        return torch.bmm(weights.unsqueeze(1), memory).squeeze(1), weights


class Tacotron(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(N_SYMBOLS, EMB, padding_idx=0)
        self.convs = nn.Sequential(nn.Conv1d(EMB, EMB, 3, padding=1), nn.BatchNorm1d(EMB), nn.ReLU())
        self.lstm = nn.LSTM(EMB, EMB // 2, batch_first=True, bidirectional=True)
        self.prenet = nn.Sequential(nn.Linear(N_MEL, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
        self.attention_rnn = nn.LSTMCell(16 + EMB, 32)
        self.attention = Attention()
        self.proj = nn.Linear(32 + EMB, N_MEL)
        self.gate = nn.Linear(32 + EMB, 1)
        self.postnet = nn.Sequential(nn.Conv1d(N_MEL, 8, 5, padding=2), nn.Tanh(), nn.Conv1d(8, N_MEL, 5, padding=2))

    def encode(self, text, lengths):
        x = self.convs(self.embedding(text).transpose(1, 2)).transpose(1, 2)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=text.shape[1])
        return out

    def forward(self, text, lengths, mels):
        memory = self.encode(text, lengths)
        b, t_in = text.shape
        mask = torch.arange(t_in).unsqueeze(0) >= lengths.unsqueeze(1)
        processed = self.attention.memory(memory)
        h, c = memory.new_zeros(b, 32), memory.new_zeros(b, 32)
        context = memory.new_zeros(b, EMB)
        weights, cum = memory.new_zeros(b, t_in), memory.new_zeros(b, t_in)
        frame = memory.new_zeros(b, N_MEL)
        outs, gates, aligns = [], [], []
        for t in range(mels.shape[1]):
            h, c = self.attention_rnn(torch.cat([self.prenet(frame), context], -1), (h, c))
            context, weights = self.attention(h, memory, processed, torch.stack([weights, cum], 1), mask)
            cum = cum + weights
            hc = torch.cat([h, context], -1)
            outs.append(self.proj(hc))
            gates.append(self.gate(hc).squeeze(1))
            aligns.append(weights)
            frame = mels[:, t]  # teacher forcing
        mel_out = torch.stack(outs, 1)
        post = mel_out + self.postnet(mel_out.transpose(1, 2)).transpose(1, 2)
        return mel_out, post, torch.stack(gates, 1), torch.stack(aligns, 1)


def guided_attention(text_lens, mel_lens, t_out, t_in, g=0.2):
    n = torch.arange(t_out).float().view(1, -1, 1) / mel_lens.view(-1, 1, 1)
    t = torch.arange(t_in).float().view(1, 1, -1) / text_lens.view(-1, 1, 1)
    return 1 - torch.exp(-((n - t) ** 2) / (2 * g * g))


gen = torch.Generator().manual_seed(0)
utts = [make_utterance(gen) for _ in range(12)]
texts = pad_sequence([u[0] for u in utts], batch_first=True)
mels = pad_sequence([u[1] for u in utts], batch_first=True)
text_lens = torch.tensor([len(u[0]) for u in utts])
mel_lens = torch.tensor([len(u[1]) for u in utts])
frame_mask = (torch.arange(mels.shape[1]).unsqueeze(0) < mel_lens.unsqueeze(1)).float()
stop = torch.zeros_like(frame_mask)
stop[torch.arange(12), mel_lens - 1] = 1.0
print("texts", tuple(texts.shape), "mels", tuple(mels.shape), "lengths", text_lens.tolist())

model = Tacotron()
opt = torch.optim.Adam(model.parameters(), lr=5e-3, weight_decay=1e-6)
W = guided_attention(text_lens, mel_lens, mels.shape[1], texts.shape[1])
for step in range(16):
    mel_out, post, gate, align = model(texts, text_lens, mels)
    m = frame_mask.unsqueeze(-1)
    mel_loss = (((mel_out - mels) ** 2 + (post - mels) ** 2) * m).sum() / (m.sum() * N_MEL)
    gate_loss = F.binary_cross_entropy_with_logits(gate, stop, weight=frame_mask, pos_weight=torch.tensor(5.0))
    att_loss = (align * W * m).sum() / m.sum()
    loss = mel_loss + gate_loss + att_loss
    opt.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 5 == 0 or step == 15:
        print(f"step {step} | mel {mel_loss.item():.5f} | gate {gate_loss.item():.5f} | att {att_loss.item():.5f} | "
              f"grad norm {norm.item():.4f}")

model.eval()
with torch.no_grad():
    _, post, gate, align = model(texts, text_lens, mels)
    per_utt = unpad_sequence(post, mel_lens, batch_first=True)
    print("unpadded lengths", [p.shape[0] for p in per_utt][:6])
    print("masked attention on padding", align[0, :, text_lens[0]:].abs().sum().item())
    peaks = align[1, : mel_lens[1]].argmax(1)
    print("utterance 1 attention peaks", peaks.tolist(), "monotonic", bool((peaks.diff() >= 0).all()))
    stops = [int((torch.sigmoid(g[:n]) > 0.5).nonzero().flatten()[:1].sum()) for g, n in zip(gate, mel_lens)]
    print("predicted stop frames", stops[:6], "true", (mel_lens - 1).tolist()[:6])
    print("utterance 0 frame 0", [round(v, 4) for v in per_utt[0][0].tolist()])
