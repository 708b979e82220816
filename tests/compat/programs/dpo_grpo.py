"""Preference tuning of a tiny causal LM the way TRL-style from-scratch scripts
write it: supervised fine-tuning with prompt tokens masked to -100, a frozen
reference model (copy.deepcopy, eval, requires_grad_(False)), DPO (per-token
log-probs by torch.gather of log_softmax, the sigmoid loss by F.logsigmoid,
implicit rewards and reward accuracy), then GRPO: grouped sampling with
torch.multinomial from a torch.Generator, completion masks cut at the first
EOS (argmax of an int mask, torch.full, expand), group-normalized advantages
(view(-1, G).mean/std, repeat_interleave), the clipped policy ratio
(torch.clamp, torch.min) and the k3 KL estimator, Categorical entropy; attention
goes through F.scaled_dot_product_attention inside
torch.nn.attention.sdpa_kernel(SDPBackend.MATH), with a helper kept out of
compilation by @torch.compiler.disable. Seeded: every number agrees."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical
from torch.nn.attention import SDPBackend, sdpa_kernel

torch.manual_seed(0)
VOCAB = ["<pad>", "<eos>", "a", "b", "c", "d", "e", "x", "y", "z", "?", "="]
stoi = {s: i for i, s in enumerate(VOCAB)}
PAD, EOS = stoi["<pad>"], stoi["<eos>"]


class TinyLM(nn.Module):
    def __init__(self, vocab=12, dim=32, heads=4, layers=2, max_len=24):
        super().__init__()
        self.heads = heads
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, max_len, dim) * 0.02)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            self.layers.append(nn.ModuleDict({
                "ln1": nn.LayerNorm(dim), "qkv": nn.Linear(dim, 3 * dim), "out": nn.Linear(dim, dim),
                "ln2": nn.LayerNorm(dim), "ff": nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)),
            }))
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, ids, attention_mask=None):
        B, T = ids.shape
        x = self.tok(ids) + self.pos[:, :T]
        mask = None
        if attention_mask is not None:
            causal = torch.ones(T, T, dtype=torch.bool).tril()
            mask = causal[None, None] & attention_mask[:, None, None, :].bool()
            mask = mask | torch.eye(T, dtype=torch.bool)  # a padded query still attends to itself
        for layer in self.layers:
            h = layer["ln1"](x)
            q, k, v = layer["qkv"](h).view(B, T, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
            with sdpa_kernel(SDPBackend.MATH):
                if mask is None:
                    a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                else:
                    a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = x + layer["out"](a.transpose(1, 2).reshape(B, T, -1))
            x = x + layer["ff"](layer["ln2"](x))
        return self.head(self.ln_f(x))


def encode(s):
    return [stoi[c] for c in s]


def pad_batch(seqs, value=PAD):
    L = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (L - len(s)) for s in seqs])


@torch.compiler.disable
def describe(t):
    return f"{tuple(t.shape)} {t.dtype == torch.long}"


# -- supervised fine-tuning on "prompt?answer<eos>" -------------------------------
pairs = [("ab", "ba"), ("abc", "cba"), ("cd", "dc"), ("ace", "eca"), ("bd", "db"), ("de", "ed"), ("eab", "bae")]
sft_seqs = [encode(p + "?") + encode(a) + [EOS] for p, a in pairs]
input_ids = pad_batch(sft_seqs)
labels = input_ids.clone()
for i, (p, _) in enumerate(pairs):
    labels[i, : len(p) + 1] = -100
labels[input_ids == PAD] = -100
attn = (input_ids != PAD).long()
print("sft batch", describe(input_ids), "supervised tokens", int((labels != -100).sum()))

policy = TinyLM()
print("is compiling", torch.compiler.is_compiling())
opt = torch.optim.AdamW(policy.parameters(), lr=3e-3, weight_decay=0.0)
for step in range(25):
    logits = policy(input_ids, attn)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), labels[:, 1:].reshape(-1), ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0 or step == 24:
        print(f"sft step {step:2d} | loss {loss.item():.5f}")


def sequence_logps(model, ids, mask, loss_mask):
    logits = model(ids, mask)[:, :-1, :]
    targets = ids[:, 1:]
    per_token = torch.gather(logits.log_softmax(-1), dim=2, index=targets.unsqueeze(2)).squeeze(2)
    return (per_token * loss_mask[:, 1:]).sum(-1)


# -- DPO ---------------------------------------------------------------------------
reference = copy.deepcopy(policy).eval().requires_grad_(False)
prefs = [("ab", "ba", "ab"), ("cd", "dc", "cc"), ("ace", "eca", "ace"), ("de", "ed", "dd")]
chosen = [encode(p + "?") + encode(c) + [EOS] for p, c, _ in prefs]
rejected = [encode(p + "?") + encode(r) + [EOS] for p, _, r in prefs]
both = pad_batch(chosen + rejected)
both_mask = (both != PAD).long()
loss_mask = both_mask.clone().float()
for i, (p, _, _) in enumerate(prefs + prefs):
    loss_mask[i, : len(p) + 1] = 0.0
beta = 0.1
with torch.no_grad():
    ref_logps = sequence_logps(reference, both, both_mask, loss_mask)
ref_chosen, ref_rejected = ref_logps.chunk(2)
opt = torch.optim.AdamW(policy.parameters(), lr=1e-3, weight_decay=0.0)
for step in range(10):
    logps = sequence_logps(policy, both, both_mask, loss_mask)
    pol_chosen, pol_rejected = logps.chunk(2)
    pi_logratios = pol_chosen - pol_rejected
    ref_logratios = ref_chosen - ref_rejected
    losses = -F.logsigmoid(beta * (pi_logratios - ref_logratios))
    chosen_rewards = beta * (pol_chosen - ref_chosen).detach()
    rejected_rewards = beta * (pol_rejected - ref_rejected).detach()
    reward_acc = (chosen_rewards > rejected_rewards).float().mean()
    loss = losses.mean()
    opt.zero_grad()
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
    opt.step()
    if step % 3 == 0 or step == 9:
        print(f"dpo step {step} | loss {loss.item():.5f} | margin {(chosen_rewards - rejected_rewards).mean().item():.5f}"
              f" | acc {reward_acc.item():.2f} | gnorm {gnorm.item():.5f}")
print("reference untouched", all(not p.requires_grad for p in reference.parameters()),
      f"{sum(p.abs().sum().item() for p in reference.parameters()):.4f}")


# -- GRPO ----------------------------------------------------------------------------
@torch.no_grad()
def generate(model, prompt_ids, max_new, generator, temperature=1.0):
    ids = prompt_ids
    for _ in range(max_new):
        logits = model(ids)[:, -1, :] / temperature
        probs = torch.softmax(logits, dim=-1)
        nxt = torch.multinomial(probs, 1, generator=generator)
        ids = torch.cat([ids, nxt], dim=1)
    return ids


def reward_fn(completion_ids, prompt):
    # reward the reversed prompt, token by token, and a prompt-length answer
    target = list(reversed(encode(prompt)))
    rewards = []
    for row in completion_ids.tolist():
        ans = row[: row.index(EOS)] if EOS in row else row
        score = sum(1.0 for a, b in zip(ans, target) if a == b) / len(target)
        rewards.append(score - 0.1 * abs(len(ans) - len(target)))
    return torch.tensor(rewards)


G, max_new, eps_clip, kl_beta = 6, 4, 0.2, 0.04
gen = torch.Generator().manual_seed(1234)
opt = torch.optim.AdamW(policy.parameters(), lr=1e-3, weight_decay=0.0)
for it, prompt in enumerate(["ab", "cde", "ba", "ec"]):
    prompt_ids = torch.tensor([encode(prompt + "?")]).repeat(G, 1)
    policy.eval()
    full = generate(policy, prompt_ids, max_new, gen)
    policy.train()
    P = prompt_ids.size(1)
    completion_ids = full[:, P:]
    is_eos = completion_ids == EOS
    eos_idx = torch.full((is_eos.size(0),), is_eos.size(1), dtype=torch.long)
    eos_idx[is_eos.any(dim=1)] = is_eos.int().argmax(dim=1)[is_eos.any(dim=1)]
    seq_idx = torch.arange(is_eos.size(1)).expand(is_eos.size(0), -1)
    completion_mask = (seq_idx <= eos_idx.unsqueeze(1)).int()
    rewards = reward_fn(completion_ids, prompt)
    mean_grouped = rewards.view(-1, G).mean(dim=1).repeat_interleave(G, dim=0)
    std_grouped = rewards.view(-1, G).std(dim=1).repeat_interleave(G, dim=0)
    advantages = (rewards - mean_grouped) / (std_grouped + 1e-4)

    def token_logps(model, full, P, completion_ids):
        logits = model(full)[:, P - 1:-1, :]
        return torch.gather(logits.log_softmax(-1), 2, completion_ids.unsqueeze(-1)).squeeze(-1), logits

    with torch.no_grad():
        old_logps, _ = token_logps(policy, full, P, completion_ids)
        ref_logps, _ = token_logps(reference, full, P, completion_ids)
    for inner in range(2):
        logps, logits = token_logps(policy, full, P, completion_ids)
        ratio = torch.exp(logps - old_logps)
        surr1 = ratio * advantages.unsqueeze(1)
        surr2 = torch.clamp(ratio, 1 - eps_clip, 1 + eps_clip) * advantages.unsqueeze(1)
        per_token_kl = torch.exp(ref_logps - logps) - (ref_logps - logps) - 1
        per_token_loss = -(torch.min(surr1, surr2) - kl_beta * per_token_kl)
        loss = ((per_token_loss * completion_mask).sum(dim=1) / completion_mask.sum(dim=1)).mean()
        entropy = Categorical(logits=logits).entropy()
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"grpo {it} {prompt!r} | samples {[''.join(VOCAB[t] for t in r) for r in completion_ids.tolist()[:3]]}"
          f" | reward {rewards.mean().item():.4f} | adv std {advantages.std().item():.4f}")
    print(f"         | loss {loss.item():.6f} | kl {(per_token_kl * completion_mask).sum().item():.6f}"
          f" | entropy {(entropy * completion_mask).sum().item() / completion_mask.sum().item():.5f}"
          f" | clipped {int(((ratio - 1).abs() > eps_clip).sum())}")

policy.eval()
greedy = torch.tensor([encode("abc?")])
with torch.no_grad():
    for _ in range(4):
        greedy = torch.cat([greedy, policy(greedy)[:, -1:].argmax(-1)], dim=1)
print("greedy answer", "".join(VOCAB[t] for t in greedy[0, 4:].tolist()))
