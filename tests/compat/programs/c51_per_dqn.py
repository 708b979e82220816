"""Categorical (C51) DQN with prioritized experience replay on a small chain walk, as the Rainbow
re-implementations write it: a value distribution over a fixed support, the Bellman projection onto the
support with floor/ceil and index_add_ into a flat buffer, a proportional replay buffer sampled with
torch.multinomial and importance weights, priorities written back with index_copy_, a target network
synced through state_dict, and an epsilon-greedy actor on a seeded generator."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(1)

N_STATES, N_ACTIONS, ATOMS = 7, 2, 21
V_MIN, V_MAX, GAMMA = -2.0, 6.0, 0.9
support = torch.linspace(V_MIN, V_MAX, ATOMS)
delta_z = (V_MAX - V_MIN) / (ATOMS - 1)


def env_step(state, action):
    # a chain: action 1 moves right, 0 left; the right end pays 5 and ends, every step costs 0.1
    nxt = min(state + 1, N_STATES - 1) if action == 1 else max(state - 1, 0)
    done = nxt == N_STATES - 1
    return nxt, (5.0 if done else -0.1), done


class C51(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(N_STATES, hidden), nn.ReLU(), nn.Linear(hidden, N_ACTIONS * ATOMS))

    def forward(self, s):
        logits = self.body(F.one_hot(s, N_STATES).float())
        return F.log_softmax(logits.view(-1, N_ACTIONS, ATOMS), dim=-1)

    def q_values(self, s):
        return (self.forward(s).exp() * support).sum(-1)


def project(next_dist, rewards, dones):
    # the distributional Bellman target, split between the two neighbouring atoms of each shifted atom
    batch = rewards.shape[0]
    tz = (rewards.unsqueeze(1) + GAMMA * (1 - dones).unsqueeze(1) * support.unsqueeze(0)).clamp(V_MIN, V_MAX)
    b = (tz - V_MIN) / delta_z
    lower, upper = b.floor().long(), b.ceil().long()
    lower[(upper > 0) & (lower == upper)] -= 1
    upper[(lower < ATOMS - 1) & (lower == upper)] += 1
    offset = (torch.arange(batch) * ATOMS).unsqueeze(1).expand(batch, ATOMS)
    m = torch.zeros(batch * ATOMS)
    m.index_add_(0, (lower + offset).view(-1), (next_dist * (upper.float() - b)).view(-1))
    m.index_add_(0, (upper + offset).view(-1), (next_dist * (b - lower.float())).view(-1))
    return m.view(batch, ATOMS)


class PrioritizedReplay:
    def __init__(self, capacity, alpha=0.6):
        self.capacity, self.alpha = capacity, alpha
        self.states = torch.zeros(capacity, dtype=torch.long)
        self.actions = torch.zeros(capacity, dtype=torch.long)
        self.rewards = torch.zeros(capacity)
        self.next_states = torch.zeros(capacity, dtype=torch.long)
        self.dones = torch.zeros(capacity)
        self.priorities = torch.zeros(capacity)
        self.pos, self.size = 0, 0

    def add(self, s, a, r, s2, d):
        i = self.pos
        self.states[i], self.actions[i], self.rewards[i], self.next_states[i], self.dones[i] = s, a, r, s2, d
        self.priorities[i] = self.priorities[: self.size].max() if self.size else 1.0
        self.pos, self.size = (i + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, batch, beta):
        probs = self.priorities[: self.size] ** self.alpha
        probs = probs / probs.sum()
        idx = torch.multinomial(probs, batch, replacement=True, generator=gen)
        weights = (self.size * probs[idx]) ** (-beta)
        weights = weights / weights.max()
        return idx, weights, (self.states[idx], self.actions[idx], self.rewards[idx], self.next_states[idx],
                              self.dones[idx])

    def update(self, idx, td):
        self.priorities.index_copy_(0, idx, td + 1e-3)


online = C51()
target = copy.deepcopy(online)
opt = torch.optim.Adam(online.parameters(), lr=3e-3, eps=0.01 / 32)
replay = PrioritizedReplay(256)

state, episode_return, returns, step = 0, 0.0, [], 0
for step in range(1, 401):
    eps = max(0.05, 1.0 - step / 200)
    if torch.rand(1, generator=gen).item() < eps:
        action = int(torch.randint(N_ACTIONS, (1,), generator=gen))
    else:
        with torch.no_grad():
            action = online.q_values(torch.tensor([state])).argmax(1).item()
    nxt, reward, done = env_step(state, action)
    replay.add(state, action, reward, nxt, float(done))
    episode_return += reward
    state = 0 if done or episode_return < -3 else nxt
    if done or episode_return < -3:
        returns.append(round(episode_return, 1))
        episode_return = 0.0
    if replay.size >= 32:
        beta = min(1.0, 0.4 + 0.6 * step / 400)
        idx, weights, (s, a, r, s2, d) = replay.sample(32, beta)
        with torch.no_grad():
            a_star = online.q_values(s2).argmax(1)  # double-DQN action choice, target network's distribution
            next_dist = target(s2).exp()[torch.arange(32), a_star]
            m = project(next_dist, r, d)
        log_p = online(s)[torch.arange(32), a]
        per_sample = -(m * log_p).sum(1)
        loss = (weights * per_sample).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(online.parameters(), 10.0)
        opt.step()
        replay.update(idx, per_sample.detach())
        if step % 100 == 0:
            print(f"step {step} | loss {loss.item():.5f} | mean weight {weights.mean().item():.4f} | "
                  f"max priority {replay.priorities.max().item():.4f}")
    if step % 50 == 0:
        target.load_state_dict(online.state_dict())

print("episodes", len(returns), "last returns", returns[-5:])
with torch.no_grad():
    states = torch.arange(N_STATES)
    q = online.q_values(states)
    print("greedy policy", q.argmax(1).tolist())
    print("q right", [round(v, 3) for v in q[:, 1].tolist()])
    dist = online(torch.tensor([N_STATES - 2])).exp()[0, 1]
    print("dist before goal top atoms", torch.topk(dist, 3).indices.tolist(),
          [round(v, 4) for v in torch.topk(dist, 3).values.tolist()])
    check = project(torch.full((2, ATOMS), 1.0 / ATOMS), torch.tensor([0.0, 1.3]), torch.tensor([1.0, 0.0]))
    print("projection sums", [round(v, 5) for v in check.sum(1).tolist()], "argmax", check.argmax(1).tolist())
