"""PyTorch's actor_critic example on a CartPole written in plain Python (the
gym equations): a two-headed Policy (action softmax and state value), actions
sampled from Categorical, returns normalized with std + eps, the policy loss
-log_prob * advantage and the value loss smooth_l1_loss, stacked and summed.
Actions are drawn by numpy from the policy's probabilities and the weights are
fixed, so the episodes and every number agree."""

import argparse
import math
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

parser = argparse.ArgumentParser(description='PyTorch actor-critic example')
parser.add_argument('--gamma', type=float, default=0.99, metavar='G')
parser.add_argument('--seed', type=int, default=543, metavar='N')
parser.add_argument('--episodes', type=int, default=25)
parser.add_argument('--log-interval', type=int, default=5, metavar='N')
args = parser.parse_args()
torch.set_num_threads(1)
torch.manual_seed(args.seed)


class CartPole:
    """The classic cart-pole balancing task (gym's CartPole-v1 dynamics, Euler integration)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.gravity, self.masscart, self.masspole, self.length = 9.8, 1.0, 0.1, 0.5
        self.force_mag, self.tau = 10.0, 0.02
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4

    def reset(self):
        self.state = self.rng.uniform(low=-0.05, high=0.05, size=(4,))
        return np.array(self.state, dtype=np.float32), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        total_mass = self.masspole + self.masscart
        polemass_length = self.masspole * self.length
        temp = (force + polemass_length * theta_dot ** 2 * sintheta) / total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / total_mass))
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        terminated = bool(x < -self.x_threshold or x > self.x_threshold
                          or theta < -self.theta_threshold_radians or theta > self.theta_threshold_radians)
        return np.array(self.state, dtype=np.float32), 1.0, terminated, False, {}


env = CartPole(args.seed)
action_rng = np.random.default_rng(1)

SavedAction = namedtuple('SavedAction', ['log_prob', 'value'])


class Policy(nn.Module):
    """
    implements both actor and critic in one model
    """

    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(4, 64)
        # actor's layer
        self.action_head = nn.Linear(64, 2)
        # critic's layer
        self.value_head = nn.Linear(64, 1)
        # action & reward buffer
        self.saved_actions = []
        self.rewards = []

    def forward(self, x):
        x = F.relu(self.affine1(x))
        # actor: choses action to take from state s_t by returning probability of each action
        action_prob = F.softmax(self.action_head(x), dim=-1)
        # critic: evaluates being in the state s_t
        state_values = self.value_head(x)
        return action_prob, state_values


model = Policy()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        fan_in = p.shape[1] if p.dim() > 1 else p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i).reshape(p.shape) / fan_in ** 0.5)
optimizer = optim.Adam(model.parameters(), lr=3e-2)
eps = np.finfo(np.float32).eps.item()
print("eps", eps, "torch eps", torch.finfo(torch.float32).eps, torch.finfo(torch.float32).tiny)


def select_action(state):
    state = torch.from_numpy(state).float()
    probs, state_value = model(state)
    # create a categorical distribution over the list of probabilities of actions
    m = Categorical(probs)
    # the example calls m.sample(); the draw is numpy's here so both frameworks take the same path
    action = torch.tensor(int(action_rng.random() < probs[1].item()))
    # save to action buffer
    model.saved_actions.append(SavedAction(m.log_prob(action), state_value))
    # the action to take (left or right)
    return action.item()


def finish_episode():
    """
    Training code. Calculates actor and critic loss and performs backprop.
    """
    R = 0
    saved_actions = model.saved_actions
    policy_losses = []  # list to save actor (policy) loss
    value_losses = []  # list to save critic (value) loss
    returns = []  # list to save the true values

    # calculate the true value using rewards returned from the environment
    for r in model.rewards[::-1]:
        # calculate the discounted value
        R = r + args.gamma * R
        returns.insert(0, R)

    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)

    for (log_prob, value), R in zip(saved_actions, returns):
        advantage = R - value.item()
        # calculate actor (policy) loss
        policy_losses.append(-log_prob * advantage)
        # calculate critic (value) loss using L1 smooth loss
        value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))

    # reset gradients
    optimizer.zero_grad()
    # sum up all the losses
    loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()
    # perform backprop
    loss.backward()
    optimizer.step()
    # reset rewards and action buffer
    del model.rewards[:]
    del model.saved_actions[:]
    return loss.item()


running_reward = 10
for i_episode in range(1, args.episodes + 1):
    state, _ = env.reset()
    ep_reward = 0
    for t in range(1, 200):
        action = select_action(state)
        state, reward, done, _, _ = env.step(action)
        model.rewards.append(reward)
        ep_reward += reward
        if done:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    loss = finish_episode()
    if i_episode % args.log_interval == 0:
        print('Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}\tloss {:.5f}'.format(
            i_episode, ep_reward, running_reward, loss))

# the distribution and losses on their own
probs = torch.tensor([[0.2, 0.8], [0.6, 0.4]], requires_grad=True)
m = Categorical(probs)
a = torch.tensor([1, 0])
lp = m.log_prob(a)
(-lp.sum() - 0.01 * m.entropy().sum()).backward()
print("log_prob", [round(v, 6) for v in lp.tolist()], "entropy", [round(v, 6) for v in m.entropy().tolist()],
      "grad", [round(v, 6) for v in probs.grad.flatten().tolist()])
print("logits", [round(v, 6) for v in m.logits[0].tolist()], "batch_shape", tuple(m.batch_shape),
      "event_shape", tuple(m.event_shape), "support", m.support)
v = torch.tensor([0.3, 1.5, -2.0, 0.9])
target = torch.zeros(4)
for beta in [1.0, 0.5]:
    print("smooth_l1 beta", beta, [round(x, 6) for x in F.smooth_l1_loss(v, target, reduction="none", beta=beta).tolist()])
print("huber delta 2", round(F.huber_loss(v, target, delta=2.0).item(), 6), "l1", round(nn.L1Loss()(v, target).item(), 6))
print("std", round(torch.tensor([1.0, 2.0, 4.0]).std().item(), 6), "unbiased=False",
      round(torch.tensor([1.0, 2.0, 4.0]).std(unbiased=False).item(), 6),
      "single std", torch.tensor([3.0]).std().item())
