"""Maxim Lapan's "Deep Reinforcement Learning Hands-On" chapters 3-4 as readers run them without gym:
chapter 3's tensor tour with the legacy constructors (torch.FloatTensor(3, 2).zero_(), FloatTensor
from lists and numpy, ByteTensor/LongTensor, .type()), leaf/requires_grad/grad_fn checks and the
OurModule Sequential with Softmax(dim=1); chapter 4's cross-entropy method on a hand-written CartPole
(gym's physics) with namedtuple episodes, nn.Softmax sampling through numpy, np.percentile filtering,
FloatTensor/LongTensor batches, and the FrozenLake variant with discounted elite episodes kept
across iterations and one-hot observations."""

# ruff: noqa: NPY002 - the tutorial's legacy numpy random calls
import math
import random
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)
random.seed(0)

# chapter 3: tensors
a = torch.FloatTensor(3, 2)
print("uninit shape", a.shape, a.zero_())
b = torch.FloatTensor([[1, 2, 3], [3, 2, 1]])
print(b, b.type(), b.dtype)
n = np.zeros(shape=(3, 2))
print(torch.tensor(n), torch.tensor(n, dtype=torch.float32))
print(torch.FloatTensor(n), torch.LongTensor([1, 2]).type(), torch.ByteTensor([1, 0, 3]))
s = b.sum()
print(s, s.item(), torch.tensor(1), type(s.item()))
v1 = torch.tensor([1.0, 1.0], requires_grad=True)
v2 = torch.tensor([2.0, 2.0])
v_sum = v1 + v2
v_res = (v_sum * 2).sum()
print(v_res, v1.is_leaf, v2.is_leaf, v_sum.is_leaf, v_res.is_leaf)
print(v1.requires_grad, v2.requires_grad, v_sum.requires_grad, v_res.requires_grad)
v_res.backward()
print(v1.grad, v2.grad)
l = nn.Linear(2, 5)
v = torch.FloatTensor([1, 2])
print(l(v).shape, [tuple(p.shape) for p in l.parameters()], list(l.state_dict().keys()))
s = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 20), nn.ReLU(), nn.Linear(20, 10), nn.Dropout(p=0.3),
                  nn.Softmax(dim=1))
print(s)
print(s(torch.FloatTensor([[1, 2]])).sum(dim=1))


class OurModule(nn.Module):
    def __init__(self, num_inputs, num_classes, dropout_prob=0.3):
        super(OurModule, self).__init__()
        self.pipe = nn.Sequential(nn.Linear(num_inputs, 5), nn.ReLU(), nn.Linear(5, 20), nn.ReLU(),
                                  nn.Linear(20, num_classes), nn.Dropout(p=dropout_prob), nn.Softmax(dim=1))

    def forward(self, x):
        return self.pipe(x)


net = OurModule(num_inputs=2, num_classes=3)
net.eval()
out = net(torch.FloatTensor([[2, 3]]))
print(net)
print(out)


# chapter 4: the cross-entropy method on CartPole
class CartPole:
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.total_mass = self.masspole + self.masscart
        self.polemass_length = self.masspole * self.length

    def reset(self):
        self.state = self.rng.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps = 0
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * theta_dot ** 2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        self.steps += 1
        done = bool(x < -2.4 or x > 2.4 or theta < -12 * 2 * math.pi / 360 or theta > 12 * 2 * math.pi / 360
                    or self.steps >= 200)
        return np.array(self.state, dtype=np.float32), 1.0, done, {}


HIDDEN_SIZE = 64
BATCH_SIZE = 16
PERCENTILE = 70


class Net(nn.Module):
    def __init__(self, obs_size, hidden_size, n_actions):
        super(Net, self).__init__()
        self.net = nn.Sequential(nn.Linear(obs_size, hidden_size), nn.ReLU(), nn.Linear(hidden_size, n_actions))

    def forward(self, x):
        return self.net(x)


Episode = namedtuple("Episode", field_names=["reward", "steps"])
EpisodeStep = namedtuple("EpisodeStep", field_names=["observation", "action"])


def iterate_batches(env, net, batch_size, rng, n_actions=2):
    batch = []
    episode_reward = 0.0
    episode_steps = []
    obs = env.reset()
    sm = nn.Softmax(dim=1)
    while True:
        obs_v = torch.FloatTensor([obs])
        act_probs_v = sm(net(obs_v))
        act_probs = act_probs_v.data.numpy()[0]
        action = rng.choice(len(act_probs), p=act_probs / act_probs.sum())
        next_obs, reward, is_done, _ = env.step(action)
        episode_reward += reward
        episode_steps.append(EpisodeStep(observation=obs, action=action))
        if is_done:
            batch.append(Episode(reward=episode_reward, steps=episode_steps))
            episode_reward = 0.0
            episode_steps = []
            next_obs = env.reset()
            if len(batch) == batch_size:
                yield batch
                batch = []
        obs = next_obs


def filter_batch(batch, percentile):
    rewards = list(map(lambda s: s.reward, batch))
    reward_bound = np.percentile(rewards, percentile)
    reward_mean = float(np.mean(rewards))
    train_obs = []
    train_act = []
    for example in batch:
        if example.reward < reward_bound:
            continue
        train_obs.extend(map(lambda step: step.observation, example.steps))
        train_act.extend(map(lambda step: step.action, example.steps))
    train_obs_v = torch.FloatTensor(np.array(train_obs))
    train_act_v = torch.LongTensor(train_act)
    return train_obs_v, train_act_v, reward_bound, reward_mean


env = CartPole(seed=3)
torch.manual_seed(0)
net = Net(4, HIDDEN_SIZE, 2)
objective = nn.CrossEntropyLoss()
optimizer = optim.Adam(params=net.parameters(), lr=0.01)
rng = np.random.RandomState(1)
for iter_no, batch in enumerate(iterate_batches(env, net, BATCH_SIZE, rng)):
    obs_v, acts_v, reward_b, reward_m = filter_batch(batch, PERCENTILE)
    optimizer.zero_grad()
    action_scores_v = net(obs_v)
    loss_v = objective(action_scores_v, acts_v)
    loss_v.backward()
    optimizer.step()
    print("%d: loss=%.3f, reward_mean=%.1f, rw_bound=%.1f, n=%d" % (
        iter_no, loss_v.item(), reward_m, reward_b, len(acts_v)))
    if iter_no == 11:
        break
print("obs batch", obs_v.dtype, obs_v.type(), acts_v.type(), acts_v[:10])


# FrozenLake 4x4 (deterministic, as the chapter's "tweaked" version with is_slippery off)
class FrozenLake:
    desc = ["SFFF", "FHFH", "FFFH", "HFFG"]

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.observation_space_n = 16
        self.action_space_n = 4

    def reset(self):
        self.s = 0
        self.t = 0
        return self.s

    def step(self, a):
        r, c = divmod(self.s, 4)
        if self.rng.rand() < 0.2:  # a little slip
            a = self.rng.randint(4)
        if a == 0:
            c = max(c - 1, 0)
        elif a == 1:
            r = min(r + 1, 3)
        elif a == 2:
            c = min(c + 1, 3)
        else:
            r = max(r - 1, 0)
        self.s = r * 4 + c
        self.t += 1
        cell = self.desc[r][c]
        done = cell in "GH" or self.t >= 30
        return self.s, float(cell == "G"), done, {}


class OneHot:
    def __init__(self, env):
        self.env = env

    def _obs(self, s):
        res = np.zeros(16, dtype=np.float32)
        res[s] = 1.0
        return res

    def reset(self):
        return self._obs(self.env.reset())

    def step(self, a):
        s, r, d, i = self.env.step(a)
        return self._obs(s), r, d, i


GAMMA = 0.9


def filter_batch_discounted(batch, percentile):
    filter_fun = lambda s: s.reward * (GAMMA ** len(s.steps))
    disc_rewards = list(map(filter_fun, batch))
    reward_bound = np.percentile(disc_rewards, percentile)
    train_obs, train_act, elite_batch = [], [], []
    for example, discounted_reward in zip(batch, disc_rewards):
        if discounted_reward > reward_bound:
            train_obs.extend(map(lambda step: step.observation, example.steps))
            train_act.extend(map(lambda step: step.action, example.steps))
            elite_batch.append(example)
    return elite_batch, train_obs, train_act, reward_bound


lake = OneHot(FrozenLake(seed=5))
torch.manual_seed(1)
net = Net(16, 32, 4)
optimizer = optim.Adam(params=net.parameters(), lr=0.01)
rng = np.random.RandomState(2)
full_batch = []
for iter_no, batch in enumerate(iterate_batches(lake, net, 32, rng)):
    reward_mean = float(np.mean(list(map(lambda s: s.reward, batch))))
    full_batch, obs, acts, reward_bound = filter_batch_discounted(full_batch + batch, 30)
    if not full_batch:
        print(f"{iter_no}: no elite, reward_mean={reward_mean:.3f}")
        continue
    obs_v = torch.FloatTensor(np.array(obs))
    acts_v = torch.LongTensor(acts)
    full_batch = full_batch[-100:]
    optimizer.zero_grad()
    action_scores_v = net(obs_v)
    loss_v = objective(action_scores_v, acts_v)
    loss_v.backward()
    optimizer.step()
    print("%d: loss=%.3f, rw_mean=%.3f, rw_bound=%.3f, batch=%d" % (
        iter_no, loss_v.item(), reward_mean, reward_bound, len(full_batch)))
    if iter_no == 9:
        break
with torch.no_grad():
    probs = torch.softmax(net(torch.eye(16)), dim=1)
print("greedy policy", probs.argmax(dim=1).view(4, 4))
print("start probs", probs[0])
