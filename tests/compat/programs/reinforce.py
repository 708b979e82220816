"""PyTorch's REINFORCE example on a toy corridor written in plain Python:
a policy network with softmax, torch.distributions.Categorical (sample,
log_prob, entropy), discounted returns normalized with std + eps, and
policy_loss = torch.cat(...).sum(). Only the seed is shared, so the learning
curve agrees loosely; the distribution numbers at the top are exact."""

import argparse
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

parser = argparse.ArgumentParser(description="REINFORCE on a corridor")
parser.add_argument("--gamma", type=float, default=0.95)
parser.add_argument("--seed", type=int, default=543)
parser.add_argument("--episodes", type=int, default=150)
args = parser.parse_args()


class Corridor:
    """Start in the middle of a corridor of `size` cells; reach the right end for +1, the left end for -1."""

    def __init__(self, size=7, max_steps=30):
        self.size, self.max_steps = size, max_steps
        self.rng = random.Random(0)

    def reset(self):
        self.pos, self.t = self.size // 2 + self.rng.choice([-1, 0, 1]), 0
        return self._obs()

    def _obs(self):
        obs = np.zeros(self.size, dtype=np.float32)
        obs[self.pos] = 1.0
        return obs

    def step(self, action):
        self.pos += 1 if action == 1 else -1
        self.t += 1
        if self.pos == self.size - 1:
            return self._obs(), 1.0, True
        if self.pos == 0:
            return self._obs(), -1.0, True
        return self._obs(), -0.01, self.t >= self.max_steps


# the distribution itself, from fixed logits: these numbers must match exactly
logits = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]], requires_grad=True)
d = Categorical(logits=logits)
lp = d.log_prob(torch.tensor([2, 0]))
ent = d.entropy()
(lp.sum() + ent.sum()).backward()
for name, values in [("log_prob", lp), ("entropy", ent), ("grad", logits.grad.flatten()),
                     ("probs", Categorical(probs=torch.tensor([1.0, 3.0])).probs)]:
    for i, v in enumerate(values.tolist()):
        print(f"{name}[{i}] {v:.6f}")

env = Corridor()
torch.manual_seed(args.seed)


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.affine1 = nn.Linear(7, 32)
        self.dropout = nn.Dropout(p=0.0)
        self.affine2 = nn.Linear(32, 2)
        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


policy = Policy()
optimizer = optim.Adam(policy.parameters(), lr=1e-2)
eps = np.finfo(np.float32).eps.item()


def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + args.gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps) if len(returns) > 1 else returns * 0
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]


running_reward = 0.0
for i_episode in range(1, args.episodes + 1):
    state, ep_reward = env.reset(), 0
    for t in range(1, 100):
        action = select_action(state)
        state, reward, done = env.step(action)
        policy.rewards.append(reward)
        ep_reward += reward
        if done:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    finish_episode()
    if i_episode % 25 == 0:
        print(f"Episode {i_episode}\tLast reward: {ep_reward:.2f}\tAverage reward: {running_reward:.2f}")

with torch.no_grad():
    right = [policy(torch.from_numpy(np.eye(7, dtype=np.float32)[k : k + 1]))[0, 1].item() for k in range(1, 6)]
print("final P(right) " + " ".join(f"{p:.2f}" for p in right))
print(f"final running reward {running_reward:.3f}")
