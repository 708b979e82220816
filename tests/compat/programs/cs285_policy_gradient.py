"""CS285 homework 2 (policy gradients) in miniature: a CartPole written in numpy (the classic-control
dynamics) and a 1-D point-reaching task with continuous actions; build_mlp, an MLPPolicyPG with
Categorical logits or a Normal with a learned logstd, sample_trajectories to a minimum batch size,
discounted returns versus reward-to-go (_discounted_cumsum), a normalized-target baseline network,
GAE-lambda, advantage standardization, and the printed training-log averages."""

import math
from collections import OrderedDict

import numpy as np
import torch
from torch import distributions, nn, optim
from torch.nn import functional as F

torch.set_num_threads(1)
torch.manual_seed(285)
np.random.seed(285)  # noqa: NPY002 - the assignment's legacy numpy random calls


class CartPole:
    """CartPole-v1's equations of motion (Euler steps of 0.02 s), episodes capped at ``max_steps``."""

    def __init__(self, max_steps=80):
        self.max_steps = max_steps
        self.observation_dim, self.action_dim, self.discrete = 4, 2, True

    def reset(self):
        self.state = np.random.uniform(low=-0.05, high=0.05, size=(4,))  # noqa: NPY002
        self.t = 0
        return self.state.astype(np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + 0.05 * theta_dot ** 2 * sintheta) / 1.1
        thetaacc = (9.8 * sintheta - costheta * temp) / (0.5 * (4.0 / 3.0 - 0.1 * costheta ** 2 / 1.1))
        xacc = temp - 0.05 * thetaacc * costheta / 1.1
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * xacc
        theta, theta_dot = theta + 0.02 * theta_dot, theta_dot + 0.02 * thetaacc
        self.state = np.array([x, x_dot, theta, theta_dot])
        self.t += 1
        done = bool(x < -2.4 or x > 2.4 or theta < -0.2095 or theta > 0.2095 or self.t >= self.max_steps)
        return self.state.astype(np.float32), 1.0, done


class PointReach:
    """Move a point on a line to the origin: action = velocity, reward = -position^2 - 0.1 action^2."""

    def __init__(self, max_steps=20):
        self.max_steps = max_steps
        self.observation_dim, self.action_dim, self.discrete = 1, 1, False

    def reset(self):
        self.x = np.random.uniform(-2, 2)  # noqa: NPY002
        self.t = 0
        return np.array([self.x], dtype=np.float32)

    def step(self, action):
        a = float(np.clip(action[0], -1, 1))
        self.x = self.x + 0.3 * a
        self.t += 1
        return np.array([self.x], dtype=np.float32), -self.x ** 2 - 0.1 * a ** 2, self.t >= self.max_steps


def build_mlp(input_size, output_size, n_layers, size, activation="tanh", output_activation="identity"):
    activations = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "identity": nn.Identity()}
    layers = []
    in_size = input_size
    for _ in range(n_layers):
        layers.append(nn.Linear(in_size, size))
        layers.append(activations[activation])
        in_size = size
    layers.append(nn.Linear(in_size, output_size))
    layers.append(activations[output_activation])
    return nn.Sequential(*layers)


def from_numpy(*args, **kwargs):
    return torch.from_numpy(*args, **kwargs).float()


def to_numpy(tensor):
    return tensor.to("cpu").detach().numpy()


class MLPPolicyPG(nn.Module):
    def __init__(self, ac_dim, ob_dim, n_layers, size, discrete, learning_rate, nn_baseline):
        super().__init__()
        self.discrete, self.nn_baseline = discrete, nn_baseline
        if discrete:
            self.logits_na = build_mlp(ob_dim, ac_dim, n_layers, size)
            params = self.logits_na.parameters()
        else:
            self.mean_net = build_mlp(ob_dim, ac_dim, n_layers, size)
            self.logstd = nn.Parameter(torch.zeros(ac_dim, dtype=torch.float32))
            params = [self.logstd, *self.mean_net.parameters()]
        self.optimizer = optim.Adam(params, learning_rate)
        if nn_baseline:
            self.baseline = build_mlp(ob_dim, 1, n_layers, size)
            self.baseline_optimizer = optim.Adam(self.baseline.parameters(), learning_rate)

    def forward(self, observation):
        if self.discrete:
            return distributions.Categorical(logits=self.logits_na(observation))
        return distributions.Normal(self.mean_net(observation), torch.exp(self.logstd))

    def get_action(self, obs):
        observation = from_numpy(obs[None] if obs.ndim == 1 else obs)
        with torch.no_grad():
            action = self(observation).sample()
        return to_numpy(action)[0]

    def update(self, observations, actions, advantages, q_values=None):
        observations, actions, advantages = from_numpy(observations), from_numpy(actions), from_numpy(advantages)
        dist = self(observations)
        log_pi = dist.log_prob(actions.long() if self.discrete else actions)
        if not self.discrete:
            log_pi = log_pi.sum(-1)
        loss = -(log_pi * advantages).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        train_log = {"Training Loss": to_numpy(loss)}
        if self.nn_baseline:
            targets = from_numpy((q_values - np.mean(q_values)) / (np.std(q_values) + 1e-8))
            baseline_loss = F.mse_loss(self.baseline(observations).squeeze(-1), targets)
            self.baseline_optimizer.zero_grad()
            baseline_loss.backward()
            self.baseline_optimizer.step()
            train_log["Baseline Loss"] = to_numpy(baseline_loss)
        return train_log

    def run_baseline_prediction(self, observations):
        return to_numpy(self.baseline(from_numpy(observations)).squeeze(-1))


def sample_trajectory(env, policy):
    ob = env.reset()
    obs, acs, rewards, terminals = [], [], [], []
    while True:
        obs.append(ob)
        ac = policy.get_action(ob)
        acs.append(ac)
        ob, rew, done = env.step(ac)
        rewards.append(rew)
        terminals.append(done)
        if done:
            break
    return {"observation": np.array(obs, dtype=np.float32), "action": np.array(acs, dtype=np.float32),
            "reward": np.array(rewards, dtype=np.float32), "terminal": np.array(terminals, dtype=np.float32)}


def sample_trajectories(env, policy, min_timesteps_per_batch):
    timesteps_this_batch, paths = 0, []
    while timesteps_this_batch < min_timesteps_per_batch:
        path = sample_trajectory(env, policy)
        paths.append(path)
        timesteps_this_batch += len(path["reward"])
    return paths, timesteps_this_batch


def _discounted_return(rewards, gamma):
    total = sum(gamma ** t * r for t, r in enumerate(rewards))
    return [total] * len(rewards)


def _discounted_cumsum(rewards, gamma):
    out, running = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        out[t] = running
    return list(out)


print("discounted return", np.round(_discounted_return([1.0, 1.0, 1.0], 0.9), 4).tolist(),
      "reward-to-go", np.round(_discounted_cumsum([1.0, 1.0, 1.0], 0.9), 4).tolist())


class PGAgent:
    def __init__(self, env, gamma, reward_to_go, nn_baseline, standardize_advantages, gae_lambda=None, lr=1e-2):
        self.gamma, self.reward_to_go, self.nn_baseline = gamma, reward_to_go, nn_baseline
        self.standardize_advantages, self.gae_lambda = standardize_advantages, gae_lambda
        self.actor = MLPPolicyPG(env.action_dim, env.observation_dim, 2, 32, env.discrete, lr, nn_baseline)

    def calculate_q_vals(self, rewards_list):
        fn = _discounted_cumsum if self.reward_to_go else _discounted_return
        return np.concatenate([fn(r, self.gamma) for r in rewards_list])

    def estimate_advantage(self, obs, rews_list, q_values, terminals):
        if self.nn_baseline:
            values_normalized = self.actor.run_baseline_prediction(obs)
            values = values_normalized * np.std(q_values) + np.mean(q_values)
            if self.gae_lambda is not None:
                values = np.append(values, [0])
                rews = np.concatenate(rews_list)
                advantages = np.zeros(obs.shape[0] + 1)
                for i in reversed(range(obs.shape[0])):
                    if terminals[i]:
                        delta = rews[i] - values[i]
                        advantages[i] = delta
                    else:
                        delta = rews[i] + self.gamma * values[i + 1] - values[i]
                        advantages[i] = delta + self.gamma * self.gae_lambda * advantages[i + 1]
                advantages = advantages[:-1]
            else:
                advantages = q_values - values
        else:
            advantages = q_values.copy()
        if self.standardize_advantages:
            advantages = (advantages - np.mean(advantages)) / (np.std(advantages) + 1e-8)
        return advantages

    def train(self, paths):
        obs = np.concatenate([p["observation"] for p in paths])
        acs = np.concatenate([p["action"] for p in paths])
        terminals = np.concatenate([p["terminal"] for p in paths])
        rews_list = [p["reward"] for p in paths]
        q_values = self.calculate_q_vals(rews_list)
        advantages = self.estimate_advantage(obs, rews_list, q_values, terminals)
        return self.actor.update(obs, acs, advantages, q_values)


def run(name, env, n_iter, batch_size, **kwargs):
    torch.manual_seed(0)
    np.random.seed(0)  # noqa: NPY002
    agent = PGAgent(env, **kwargs)
    for itr in range(n_iter):
        paths, envsteps = sample_trajectories(env, agent.actor, batch_size)
        train_log = agent.train(paths)
        returns = [p["reward"].sum() for p in paths]
        logs = OrderedDict()
        logs["Eval_AverageReturn"] = np.mean(returns)
        logs["Eval_StdReturn"] = np.std(returns)
        logs["Train_EnvstepsSoFar"] = envsteps
        logs.update(train_log)
        if itr % 3 == 0 or itr == n_iter - 1:
            print(name, itr, " | ".join(f"{k} {float(v):.4f}" for k, v in logs.items()))
    return agent


run("vanilla", CartPole(), 6, 200, gamma=0.99, reward_to_go=False, nn_baseline=False,
    standardize_advantages=False)
run("rtg", CartPole(), 6, 200, gamma=0.99, reward_to_go=True, nn_baseline=False, standardize_advantages=True)
agent = run("rtg+baseline", CartPole(), 6, 200, gamma=0.99, reward_to_go=True, nn_baseline=True,
            standardize_advantages=True)
print(agent.actor.baseline)
cont = run("point gae", PointReach(), 7, 200, gamma=0.95, reward_to_go=True, nn_baseline=True,
           standardize_advantages=True, gae_lambda=0.9, lr=2e-2)
print("logstd", cont.actor.logstd.data, "std", round(torch.exp(cont.actor.logstd).item(), 6))
with torch.no_grad():
    grid = torch.linspace(-2, 2, 5).unsqueeze(1)
    print("mean action on a grid", cont.actor.mean_net(grid).squeeze(1))
    dist = cont.actor(grid)
    print("entropy", dist.entropy().squeeze(1), "batch shape", dist.batch_shape)
