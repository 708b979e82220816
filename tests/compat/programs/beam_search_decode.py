"""Greedy and beam-search decoding as seq2seq tutorials write them: a GRU encoder-decoder with
Luong dot attention (seeded weights), greedy decoding with argmax, top-k / nucleus sampling with a
seeded generator, batched beam search with topk over flattened (beam*vocab) scores, gather / index_select
to reorder hidden states, length penalty, finished-beam masking with masked_fill(-inf)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
V, E, H, BOS, EOS = 12, 8, 16, 1, 2


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = nn.GRU(E, H, batch_first=True)

    def forward(self, src):
        out, h = self.rnn(self.emb(src))
        return out, h


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = nn.GRU(E, H, batch_first=True)
        self.out = nn.Linear(2 * H, V)

    def forward(self, tok, h, enc):
        o, h = self.rnn(self.emb(tok).unsqueeze(1), h)
        scores = torch.bmm(o, enc.transpose(1, 2))
        attn = F.softmax(scores, dim=-1)
        ctx = torch.bmm(attn, enc)
        logits = self.out(torch.cat([o, ctx], -1)).squeeze(1)
        return F.log_softmax(logits, -1), h, attn.squeeze(1)


enc, dec = Encoder(), Decoder()
src = torch.randint(3, V, (3, 5))
print("src", src.tolist())

# a few teacher-forced training steps so the decoder prefers some tokens
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=0.05)
tgt = torch.flip(src, [1])
for step in range(8):
    enc_out, h = enc(src)
    tok = torch.full((3,), BOS)
    loss = 0.0
    for t in range(tgt.size(1)):
        logp, h, _ = dec(tok, h, enc_out)
        loss = loss + F.nll_loss(logp, tgt[:, t])
        tok = tgt[:, t]
    opt.zero_grad()
    (loss / tgt.size(1)).backward()
    gn = nn.utils.clip_grad_norm_(list(enc.parameters()) + list(dec.parameters()), 1.0)
    opt.step()
    print(f"step {step} loss {loss.item() / tgt.size(1):.5f} grad norm {gn.item():.5f}")


@torch.no_grad()
def greedy(src, max_len=7):
    enc_out, h = enc(src)
    tok = torch.full((src.size(0),), BOS, dtype=torch.long)
    outs, done = [], torch.zeros(src.size(0), dtype=torch.bool)
    for _ in range(max_len):
        logp, h, attn = dec(tok, h, enc_out)
        tok = logp.argmax(-1)
        tok = tok.masked_fill(done, EOS)
        outs.append(tok)
        done |= tok == EOS
        if done.all():
            break
    return torch.stack(outs, 1), attn


seqs, attn = greedy(src)
print("greedy", seqs.tolist())
print("last attention", attn)


@torch.no_grad()
def sample(src, k=4, top_p=0.9, temperature=0.8, gen=None):
    enc_out, h = enc(src)
    tok = torch.full((src.size(0),), BOS, dtype=torch.long)
    outs = []
    for _ in range(6):
        logp, h, _ = dec(tok, h, enc_out)
        logits = logp / temperature
        v, _ = torch.topk(logits, k)
        logits = logits.masked_fill(logits < v[:, [-1]], float("-inf"))
        sorted_logits, idx = torch.sort(logits, descending=True)
        cum = torch.cumsum(F.softmax(sorted_logits, -1), -1)
        remove = cum > top_p
        remove[:, 1:] = remove[:, :-1].clone()
        remove[:, 0] = False
        remove = remove.scatter(1, idx, remove)
        logits = logits.masked_fill(remove, float("-inf"))
        probs = F.softmax(logits, -1)
        tok = torch.multinomial(probs, 1, generator=gen).squeeze(1)
        outs.append(tok)
    return torch.stack(outs, 1)


print("sampled", sample(src, gen=torch.Generator().manual_seed(5)).tolist())
torch.manual_seed(7)
print("sampled global", sample(src).tolist())


@torch.no_grad()
def beam_search(src, beam=3, max_len=6, alpha=0.7):
    B = src.size(0)
    enc_out, h = enc(src)
    enc_out = enc_out.repeat_interleave(beam, 0)
    h = h.repeat_interleave(beam, 1)
    scores = torch.full((B, beam), float("-inf"))
    scores[:, 0] = 0.0
    scores = scores.view(-1)
    tok = torch.full((B * beam,), BOS, dtype=torch.long)
    hist = torch.empty(B * beam, 0, dtype=torch.long)
    finished = torch.zeros(B * beam, dtype=torch.bool)
    lengths = torch.zeros(B * beam)
    for t in range(max_len):
        logp, h, _ = dec(tok, h, enc_out)
        # finished beams may only extend with EOS at no cost
        logp = torch.where(finished[:, None], torch.full_like(logp, float("-inf")), logp)
        logp[:, EOS] = torch.where(finished, torch.zeros(B * beam), logp[:, EOS])
        cand = (scores[:, None] + logp).view(B, beam * V)
        top_scores, top_idx = cand.topk(beam, dim=1)
        origin = torch.div(top_idx, V, rounding_mode="floor")
        new_tok = top_idx % V
        flat = (origin + torch.arange(B)[:, None] * beam).view(-1)
        h = h.index_select(1, flat)
        hist = torch.cat([hist[flat], new_tok.view(-1, 1)], 1)
        lengths = lengths[flat] + (~finished[flat]).float()
        finished = finished[flat] | (new_tok.view(-1) == EOS)
        scores = top_scores.view(-1)
        tok = new_tok.view(-1)
        if t == 0:
            print("first origins", origin.tolist(), "tokens", new_tok.tolist())
    norm = scores / ((5 + lengths) / 6) ** alpha
    best = norm.view(B, beam).argmax(1)
    best_rows = best + torch.arange(B) * beam
    return hist.view(B, beam, -1), scores.view(B, beam), norm.view(B, beam), hist[best_rows]


hyps, raw, normed, best = beam_search(src)
print("beam hyps", hyps.tolist())
print("beam raw scores", raw)
print("beam normalized", normed)
print("best", best.tolist())
gathered = torch.gather(raw, 1, normed.argmax(1, keepdim=True))
print("gathered best raw", gathered.squeeze(1))
