"""A Decision Transformer (kzl/decision-transformer's gym/decision_transformer/models and min_decision_
transformer style) trained offline on trajectories of a 1-D corridor collected by a mix of good and
random policies: discounted returns-to-go by a reversed cumulative sum (torch.flip / cumsum and the
discount_cumsum loop agreeing), padding trajectories on the left to a context length with an attention
mask, timestep embeddings (nn.Embedding), interleaving (R, s, a) tokens by torch.stack(dim=1).permute
.reshape, a causal GPT block built from nn.MultiheadAttention with a float attn_mask plus a
key_padding_mask, predicting actions from the state tokens, cross_entropy with ignore_index on padded
steps, AdamW with a LambdaLR warmup, grad clipping; then rollouts conditioned on different target
returns, evaluated in the environment."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

N_POS, GOAL, MAX_T, K = 9, 8, 12, 6


def env_step(pos, action):
    pos = int(np.clip(pos + (1 if action == 1 else -1 if action == 0 else 0), 0, N_POS - 1))
    reward = 1.0 if pos == GOAL else -0.1
    return pos, reward, pos == GOAL


def collect(p_good):
    pos, states, actions, rewards = int(rng.integers(0, 4)), [], [], []
    for t in range(MAX_T):
        a = 1 if rng.random() < p_good else int(rng.integers(0, 3))
        states.append(pos)
        actions.append(a)
        pos, r, done = env_step(pos, a)
        rewards.append(r)
        if done:
            break
    return np.array(states), np.array(actions), np.array(rewards, dtype=np.float32)


def discount_cumsum(x, gamma):
    out = np.zeros_like(x)
    out[-1] = x[-1]
    for t in reversed(range(x.shape[0] - 1)):
        out[t] = x[t] + gamma * out[t + 1]
    return out


trajs = [collect(p) for p in np.linspace(0.1, 0.95, 120)]
returns = np.array([tr[2].sum() for tr in trajs])
print(f"trajectories {len(trajs)} mean return {returns.mean():.4f} max {returns.max():.4f} min {returns.min():.4f}")
r = torch.tensor(trajs[5][2])
rtg_torch = torch.flip(torch.cumsum(torch.flip(r, [0]), 0), [0])
print("rtg torch vs loop", torch.allclose(rtg_torch, torch.tensor(discount_cumsum(trajs[5][2], 1.0))),
      [round(v, 4) for v in rtg_torch.tolist()[:5]])
RTG_SCALE = 5.0


def get_batch(idx):
    S, A, R, T, M = [], [], [], [], []
    for i in idx:
        s, a, rew = trajs[i]
        start = int(rng.integers(0, len(s)))
        s, a = s[start:start + K], a[start:start + K]
        rtg = discount_cumsum(trajs[i][2][start:], 1.0)[:len(s)]
        ts = np.arange(start, start + len(s))
        pad = K - len(s)
        S.append(np.concatenate([np.zeros(pad), s]))
        A.append(np.concatenate([np.full(pad, -100), a]))
        R.append(np.concatenate([np.zeros(pad), rtg]) / RTG_SCALE)
        T.append(np.concatenate([np.zeros(pad), ts]))
        M.append(np.concatenate([np.zeros(pad), np.ones(len(s))]))
    return (torch.tensor(np.array(S), dtype=torch.long), torch.tensor(np.array(A), dtype=torch.long),
            torch.tensor(np.array(R), dtype=torch.float32)[..., None], torch.tensor(np.array(T), dtype=torch.long),
            torch.tensor(np.array(M), dtype=torch.bool))


class Block(nn.Module):
    def __init__(self, h, n_head):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
        self.attn = nn.MultiheadAttention(h, n_head, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(h, 4 * h), nn.GELU(), nn.Linear(4 * h, h))

    def forward(self, x, causal, pad):
        y = self.ln1(x)
        x = x + self.attn(y, y, y, attn_mask=causal, key_padding_mask=pad, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class DecisionTransformer(nn.Module):
    def __init__(self, h=32, n_layer=2, n_head=2):
        super().__init__()
        self.embed_timestep = nn.Embedding(MAX_T + 1, h)
        self.embed_return = nn.Linear(1, h)
        self.embed_state = nn.Embedding(N_POS, h)
        self.embed_action = nn.Embedding(4, h)
        self.embed_ln = nn.LayerNorm(h)
        self.blocks = nn.ModuleList([Block(h, n_head) for _ in range(n_layer)])
        self.predict_action = nn.Linear(h, 3)
        self.h = h

    def forward(self, states, actions, rtg, timesteps, mask):
        B, L = states.shape
        t_emb = self.embed_timestep(timesteps)
        s = self.embed_state(states) + t_emb
        a = self.embed_action(actions.clamp(min=0).masked_fill(~mask, 3)) + t_emb
        g = self.embed_return(rtg) + t_emb
        x = torch.stack((g, s, a), dim=1).permute(0, 2, 1, 3).reshape(B, 3 * L, self.h)
        x = self.embed_ln(x)
        pad = ~torch.stack((mask, mask, mask), dim=1).permute(0, 2, 1).reshape(B, 3 * L)
        causal = torch.triu(torch.full((3 * L, 3 * L), float("-inf")), diagonal=1)
        for blk in self.blocks:
            x = blk(x, causal, pad)
        x = x.reshape(B, L, 3, self.h).permute(0, 2, 1, 3)
        return self.predict_action(x[:, 1])


model = DecisionTransformer()
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
warmup = 20
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda steps: min((steps + 1) / warmup, 1))
S, A, R, T, M = get_batch([0, 119])
print("batch", tuple(S.shape), tuple(R.shape), "mask row0", M[0].int().tolist(), "actions row0", A[0].tolist())
for step in range(150):
    S, A, R, T, M = get_batch(rng.integers(0, len(trajs), 32))
    logits = model(S, A, R, T, M)
    loss = F.cross_entropy(logits.reshape(-1, 3), A.reshape(-1), ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
    opt.step()
    sched.step()
    if step % 30 == 0 or step == 149:
        print(f"step {step:3d} loss {loss.item():.5f} grad norm {gn.item():.5f} lr {sched.get_last_lr()[0]:.6f}")


@torch.no_grad()
def rollout(target_return, start):
    model.eval()
    pos, rtg, total = start, target_return, 0.0
    S, A, R, T = [], [], [], []
    for t in range(MAX_T):
        S.append(pos)
        A.append(0)
        R.append(rtg / RTG_SCALE)
        T.append(t)
        s, a = torch.tensor(S[-K:])[None], torch.tensor(A[-K:])[None]
        rr, tt = torch.tensor(R[-K:], dtype=torch.float32)[None, :, None], torch.tensor(T[-K:])[None]
        m = torch.ones_like(s, dtype=torch.bool)
        m_a = m.clone()
        m_a[0, -1] = False  # the current action is not known yet
        logits = model(s, torch.where(m_a, a, torch.full_like(a, -100)), rr, tt, m)
        action = int(logits[0, -1].argmax())
        A[-1] = action
        pos, rwd, done = env_step(pos, action)
        total += rwd
        rtg -= rwd
        if done:
            break
    return total, t + 1


for target in [-1.0, 0.0, 0.5]:
    results = [rollout(target, start) for start in range(4)]
    print(f"target {target:+.1f}: returns {[round(r, 2) for r, _ in results]} lengths {[n for _, n in results]}")
