"""CS285 homework 1 (imitation learning) in miniature: a 2-D point-mass reaching task written in numpy
with a linear-feedback expert, a ReplayBuffer of rollouts (convert_listofrollouts, sample_random_data by
permutation), MLPPolicySL with a mean network and a learned logstd trained by the negative log-likelihood
of a Normal (or MSE on the mean), behavior cloning, then DAgger iterations that relabel the learner's own
rollouts with the expert, with the eval returns and the printed logs the homework's trainer prints."""

from collections import OrderedDict

import numpy as np
import torch
from torch import distributions, nn, optim

torch.set_num_threads(1)
torch.manual_seed(285)


class PointMass:
    """Position and velocity in 2-D; the action is a force; reward = -|pos| - 0.05 |a|^2."""

    ob_dim, ac_dim = 4, 2

    def __init__(self, rng, max_steps=25):
        self.rng, self.max_steps = rng, max_steps

    def reset(self):
        self.s = np.concatenate([self.rng.uniform(-1, 1, 2), np.zeros(2)])
        self.t = 0
        return self.s.astype(np.float32)

    def step(self, a):
        a = np.clip(a, -1, 1)
        pos, vel = self.s[:2], self.s[2:]
        vel = 0.8 * vel + 0.2 * a
        pos = pos + 0.2 * vel
        self.s = np.concatenate([pos, vel])
        self.t += 1
        return self.s.astype(np.float32), -np.linalg.norm(pos) - 0.05 * float(a @ a), self.t >= self.max_steps


class ExpertPolicy:
    """A hand-tuned PD controller (what a loaded expert_policy.pkl would be in the homework)."""

    def get_action(self, obs):
        return np.clip(-2.0 * obs[..., :2] - 1.5 * obs[..., 2:], -1, 1).astype(np.float32)


def sample_trajectory(env, policy, render=False):
    ob = env.reset()
    obs, acs, rewards, next_obs, terminals = [], [], [], [], []
    while True:
        obs.append(ob)
        ac = policy.get_action(ob)
        acs.append(ac)
        ob, rew, done = env.step(ac)
        next_obs.append(ob)
        rewards.append(rew)
        terminals.append(done)
        if done:
            break
    return {"observation": np.array(obs, dtype=np.float32), "action": np.array(acs, dtype=np.float32),
            "reward": np.array(rewards, dtype=np.float32), "next_observation": np.array(next_obs, dtype=np.float32),
            "terminal": np.array(terminals, dtype=np.float32)}


def sample_trajectories(env, policy, min_timesteps_per_batch):
    timesteps_this_batch, paths = 0, []
    while timesteps_this_batch < min_timesteps_per_batch:
        path = sample_trajectory(env, policy)
        paths.append(path)
        timesteps_this_batch += len(path["reward"])
    return paths, timesteps_this_batch


def convert_listofrollouts(paths):
    observations = np.concatenate([path["observation"] for path in paths])
    actions = np.concatenate([path["action"] for path in paths])
    rewards = np.concatenate([path["reward"] for path in paths])
    return observations, actions, rewards


class ReplayBuffer(object):
    def __init__(self, max_size=1000000):
        self.max_size = max_size
        self.paths = []
        self.obs = None
        self.acs = None

    def __len__(self):
        return 0 if self.obs is None else self.obs.shape[0]

    def add_rollouts(self, paths):
        for path in paths:
            self.paths.append(path)
        observations, actions, _ = convert_listofrollouts(paths)
        if self.obs is None:
            self.obs = observations[-self.max_size:]
            self.acs = actions[-self.max_size:]
        else:
            self.obs = np.concatenate([self.obs, observations])[-self.max_size:]
            self.acs = np.concatenate([self.acs, actions])[-self.max_size:]

    def sample_random_data(self, batch_size, rng):
        indices = rng.permutation(len(self))[:batch_size]
        return self.obs[indices], self.acs[indices]


def build_mlp(input_size, output_size, n_layers, size):
    layers = []
    in_size = input_size
    for _ in range(n_layers):
        layers.append(nn.Linear(in_size, size))
        layers.append(nn.Tanh())
        in_size = size
    layers.append(nn.Linear(in_size, output_size))
    return nn.Sequential(*layers)


class MLPPolicySL(nn.Module):
    def __init__(self, ac_dim, ob_dim, n_layers, size, learning_rate=1e-4, loss="nll"):
        super().__init__()
        self.mean_net = build_mlp(input_size=ob_dim, output_size=ac_dim, n_layers=n_layers, size=size)
        self.logstd = nn.Parameter(torch.zeros(ac_dim, dtype=torch.float32))
        self.loss_kind = loss
        self.optimizer = optim.Adam([self.logstd, *self.mean_net.parameters()], learning_rate)

    def forward(self, observation):
        mean = self.mean_net(observation)
        return distributions.Normal(mean, torch.exp(self.logstd))

    def get_action(self, obs):
        observation = torch.from_numpy(obs[None] if obs.ndim == 1 else obs).float()
        with torch.no_grad():
            action = self(observation).mean  # deterministic evaluation, as the homework's eval rollouts
        return action.numpy()[0]

    def update(self, observations, actions):
        observations = torch.from_numpy(observations)
        actions = torch.from_numpy(actions)
        dist = self(observations)
        if self.loss_kind == "nll":
            loss = -dist.log_prob(actions).sum(-1).mean()
        else:
            loss = nn.functional.mse_loss(dist.mean, actions)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return {"Training Loss": loss.detach().numpy()}


def run_training_loop(name, loss, n_iter, do_dagger, seed=0):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    env = PointMass(rng)
    expert = ExpertPolicy()
    actor = MLPPolicySL(PointMass.ac_dim, PointMass.ob_dim, n_layers=2, size=32, learning_rate=5e-3, loss=loss)
    buffer = ReplayBuffer()
    for itr in range(n_iter):
        if itr == 0:
            paths, envsteps = sample_trajectories(env, expert, 200)  # the expert data
        else:
            paths, envsteps = sample_trajectories(env, actor, 200)
            for path in paths:  # relabel the learner's visits with the expert's actions
                path["action"] = expert.get_action(path["observation"])
        buffer.add_rollouts(paths)
        training_logs = []
        for _ in range(40):
            ob_batch, ac_batch = buffer.sample_random_data(64, rng)
            training_logs.append(actor.update(ob_batch, ac_batch))
        eval_paths, _ = sample_trajectories(env, actor, 100)
        eval_returns = [p["reward"].sum() for p in eval_paths]
        logs = OrderedDict()
        logs["Eval_AverageReturn"] = np.mean(eval_returns)
        logs["Eval_StdReturn"] = np.std(eval_returns)
        logs["Buffer_Size"] = len(buffer)
        logs.update(training_logs[-1])
        if itr == 0:
            expert_returns = [p["reward"].sum() for p in paths]
            logs["Initial_DataCollection_AverageReturn"] = np.mean(expert_returns)
        print(name, itr, " | ".join(f"{k} {float(v):.4f}" for k, v in logs.items()))
    return actor


bc = run_training_loop("bc-nll", "nll", 1, do_dagger=False)
print("logstd after bc", bc.logstd.data, "std", torch.exp(bc.logstd.detach()))
bc_mse = run_training_loop("bc-mse", "mse", 1, do_dagger=False)
dagger = run_training_loop("dagger", "nll", 4, do_dagger=True)
obs = torch.tensor([[0.5, -0.5, 0.0, 0.0], [0.0, 0.0, 0.3, 0.3]])
with torch.no_grad():
    d = dagger(obs)
print("dagger means", d.mean, "expert", torch.from_numpy(ExpertPolicy().get_action(obs.numpy())))
print("log_prob of the expert actions", d.log_prob(torch.from_numpy(ExpertPolicy().get_action(obs.numpy()))).sum(-1))
print("event/batch shapes", d.event_shape, d.batch_shape, "stddev", d.stddev[0])
