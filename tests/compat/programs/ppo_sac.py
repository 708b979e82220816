"""CleanRL-style PPO and SAC on environments written in torch: a vectorized
CartPole stepping all envs at once with torch.where resets, layer_init by
orthogonal_ with sqrt(2) gains, pre-allocated rollout tensors, Categorical
sampling from the seeded stream, GAE by a reversed loop (lastgaelam), the
clipped surrogate with approx_kl / clipfracs diagnostics, a clipped value loss,
entropy bonus, minibatches by np.random.shuffle, explained variance; then SAC
on a 1-d continuous task: a squashed Gaussian actor (Normal.rsample, tanh,
the log-det correction), twin Q networks with min, soft target updates through
.data, automatic entropy tuning with a log_alpha leaf; discounted returns by a
gamma-power matrix (triu) checked against the loop, and TanhTransform's
TransformedDistribution against the hand correction."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Independent, Normal, TransformedDistribution
from torch.distributions.categorical import Categorical
from torch.distributions.transforms import TanhTransform


class VecCartPole:
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02

    def __init__(self, num_envs, generator):
        self.num_envs = num_envs
        self.g = generator
        self.state = self._fresh(num_envs)
        self.steps = torch.zeros(num_envs, dtype=torch.long)

    def _fresh(self, n):
        return torch.rand(n, 4, generator=self.g) * 0.1 - 0.05

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state.unbind(dim=1)
        force = torch.where(action == 1, self.force_mag, -self.force_mag)
        costheta, sintheta = torch.cos(theta), torch.sin(theta)
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
        self.state = torch.stack([x, x_dot, theta, theta_dot], dim=1)
        self.steps += 1
        terminated = (x.abs() > 2.4) | (theta.abs() > 12 * 2 * np.pi / 360)
        truncated = self.steps >= 100
        done = terminated | truncated
        reward = torch.ones(self.num_envs)
        if done.any():
            self.state = torch.where(done.unsqueeze(1), self._fresh(self.num_envs), self.state)
            self.steps = self.steps.masked_fill(done, 0)
        return self.state.clone(), reward, done


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):  # noqa: B008 - CleanRL's signature
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.critic = nn.Sequential(layer_init(nn.Linear(obs_dim, 32)), nn.Tanh(),
                                    layer_init(nn.Linear(32, 32)), nn.Tanh(), layer_init(nn.Linear(32, 1), std=1.0))
        self.actor = nn.Sequential(layer_init(nn.Linear(obs_dim, 32)), nn.Tanh(),
                                   layer_init(nn.Linear(32, 32)), nn.Tanh(),
                                   layer_init(nn.Linear(32, n_actions), std=0.01))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


# ------------------------------------------------------------------ PPO
seed = 1
np.random.seed(seed)  # noqa: NPY002 - CleanRL's legacy numpy seeding
torch.manual_seed(seed)
torch.backends.cudnn.deterministic = True
device = torch.device("cpu")
num_envs, num_steps, num_iterations = 4, 32, 6
num_minibatches, update_epochs = 4, 3
gamma, gae_lambda, clip_coef, ent_coef, vf_coef, max_grad_norm = 0.99, 0.95, 0.2, 0.01, 0.5, 0.5
batch_size = num_envs * num_steps
minibatch_size = batch_size // num_minibatches
envs = VecCartPole(num_envs, torch.Generator().manual_seed(seed))
agent = Agent(4, 2).to(device)
optimizer = optim.Adam(agent.parameters(), lr=2.5e-3, eps=1e-5)
print("actor head std", f"{agent.actor[-1].weight.std().item():.6f}",
      "orthogonal rows", torch.allclose(agent.critic[2].weight @ agent.critic[2].weight.T / 2, torch.eye(32), atol=1e-5))

obs = torch.zeros((num_steps, num_envs, 4)).to(device)
actions = torch.zeros((num_steps, num_envs)).to(device)
logprobs = torch.zeros((num_steps, num_envs)).to(device)
rewards = torch.zeros((num_steps, num_envs)).to(device)
dones = torch.zeros((num_steps, num_envs)).to(device)
values = torch.zeros((num_steps, num_envs)).to(device)

global_step = 0
next_obs = envs.state.clone()
next_done = torch.zeros(num_envs).to(device)
episode_returns = torch.zeros(num_envs)
finished = []
for iteration in range(1, num_iterations + 1):
    frac = 1.0 - (iteration - 1.0) / num_iterations
    optimizer.param_groups[0]["lr"] = frac * 2.5e-3
    for step in range(0, num_steps):
        global_step += num_envs
        obs[step] = next_obs
        dones[step] = next_done
        with torch.no_grad():
            action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step] = value.flatten()
        actions[step] = action
        logprobs[step] = logprob
        next_obs, reward, done = envs.step(action)
        rewards[step] = reward.view(-1)
        next_done = done.float()
        episode_returns += reward
        finished.extend(episode_returns[done].tolist())
        episode_returns[done] = 0

    with torch.no_grad():
        next_value = agent.get_value(next_obs).reshape(1, -1)
        advantages = torch.zeros_like(rewards).to(device)
        lastgaelam = 0
        for t in reversed(range(num_steps)):
            if t == num_steps - 1:
                nextnonterminal = 1.0 - next_done
                nextvalues = next_value
            else:
                nextnonterminal = 1.0 - dones[t + 1]
                nextvalues = values[t + 1]
            delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
            advantages[t] = lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
        returns = advantages + values

    b_obs = obs.reshape((-1, 4))
    b_logprobs = logprobs.reshape(-1)
    b_actions = actions.reshape((-1,))
    b_advantages = advantages.reshape(-1)
    b_returns = returns.reshape(-1)
    b_values = values.reshape(-1)

    b_inds = np.arange(batch_size)
    clipfracs = []
    for epoch in range(update_epochs):
        np.random.shuffle(b_inds)  # noqa: NPY002
        for start in range(0, batch_size, minibatch_size):
            end = start + minibatch_size
            mb_inds = b_inds[start:end]
            _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], b_actions.long()[mb_inds])
            logratio = newlogprob - b_logprobs[mb_inds]
            ratio = logratio.exp()
            with torch.no_grad():
                old_approx_kl = (-logratio).mean()
                approx_kl = ((ratio - 1) - logratio).mean()
                clipfracs += [((ratio - 1.0).abs() > clip_coef).float().mean().item()]
            mb_advantages = b_advantages[mb_inds]
            mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
            pg_loss1 = -mb_advantages * ratio
            pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
            pg_loss = torch.max(pg_loss1, pg_loss2).mean()
            newvalue = newvalue.view(-1)
            v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
            v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -clip_coef, clip_coef)
            v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
            v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()
            entropy_loss = entropy.mean()
            loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
            optimizer.zero_grad()
            loss.backward()
            grad_norm = nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
            optimizer.step()

    y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
    var_y = np.var(y_true)
    explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y
    mean_ret = np.mean(finished[-8:]) if finished else float("nan")
    print(f"iter {iteration} | step {global_step} | lr {optimizer.param_groups[0]['lr']:.6f} | "
          f"v_loss {v_loss.item():.5f} | pg_loss {pg_loss.item():.6f} | entropy {entropy_loss.item():.6f} | "
          f"kl {approx_kl.item():.3e} {old_approx_kl.item():.3e} | clipfrac {np.mean(clipfracs):.5f} | "
          f"ev {explained_var:.5f} | norm {grad_norm.item():.5f} | episodes {len(finished)} mean {mean_ret:.2f}")

# discounted returns: the loop, and a gamma-power matrix
r = rewards[:, 0]
disc = torch.zeros_like(r)
running = 0.0
for t in reversed(range(len(r))):
    running = r[t] + gamma * running
    disc[t] = running
idx = torch.arange(len(r), dtype=torch.float32)
powers = torch.triu(gamma ** (idx[None, :] - idx[:, None]))
print("discounted agree", torch.allclose(powers @ r, disc), f"first {disc[0].item():.5f}")


# ------------------------------------------------------------------ SAC on a 1-d continuous task
LOG_STD_MAX, LOG_STD_MIN = 2, -5


class SoftQNetwork(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.fc1 = nn.Linear(obs_dim + act_dim, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 1)

    def forward(self, x, a):
        x = torch.cat([x, a], 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Actor(nn.Module):
    def __init__(self, obs_dim, act_dim, low=-2.0, high=2.0):
        super().__init__()
        self.fc1 = nn.Linear(obs_dim, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc_mean = nn.Linear(32, act_dim)
        self.fc_logstd = nn.Linear(32, act_dim)
        self.register_buffer("action_scale", torch.tensor((high - low) / 2.0, dtype=torch.float32))
        self.register_buffer("action_bias", torch.tensor((high + low) / 2.0, dtype=torch.float32))

    def forward(self, x):
        x = F.relu(self.fc2(F.relu(self.fc1(x))))
        mean = self.fc_mean(x)
        log_std = torch.tanh(self.fc_logstd(x))
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return mean, log_std

    def get_action(self, x):
        mean, log_std = self(x)
        std = log_std.exp()
        normal = torch.distributions.Normal(mean, std)
        x_t = normal.rsample()
        y_t = torch.tanh(x_t)
        action = y_t * self.action_scale + self.action_bias
        log_prob = normal.log_prob(x_t)
        log_prob -= torch.log(self.action_scale * (1 - y_t.pow(2)) + 1e-6)
        log_prob = log_prob.sum(1, keepdim=True)
        mean = torch.tanh(mean) * self.action_scale + self.action_bias
        return action, log_prob, mean


torch.manual_seed(7)
actor = Actor(2, 1)
qf1, qf2 = SoftQNetwork(2, 1), SoftQNetwork(2, 1)
qf1_target, qf2_target = SoftQNetwork(2, 1), SoftQNetwork(2, 1)
qf1_target.load_state_dict(qf1.state_dict())
qf2_target.load_state_dict(qf2.state_dict())
q_optimizer = optim.Adam(list(qf1.parameters()) + list(qf2.parameters()), lr=1e-3)
actor_optimizer = optim.Adam(list(actor.parameters()), lr=3e-4)
target_entropy = -torch.prod(torch.Tensor((1,))).item()
log_alpha = torch.zeros(1, requires_grad=True)
alpha = log_alpha.exp().item()
a_optimizer = optim.Adam([log_alpha], lr=1e-3)
tau, sac_gamma = 0.005, 0.9

# a replay buffer of a point mass pushed toward the origin: reward -(pos^2) - 0.1 a^2
gen = torch.Generator().manual_seed(11)
buf_obs = torch.randn(256, 2, generator=gen)
buf_act = torch.rand(256, 1, generator=gen) * 4 - 2
buf_next = torch.stack([buf_obs[:, 0] + 0.1 * buf_obs[:, 1], buf_obs[:, 1] + 0.1 * buf_act[:, 0]], dim=1)
buf_rew = -(buf_next[:, 0] ** 2) - 0.1 * buf_act[:, 0] ** 2
buf_done = (buf_next[:, 0].abs() > 2.5).float()

for step in range(40):
    idx = torch.randint(0, 256, (32,), generator=gen)
    obs_b, act_b, next_b = buf_obs[idx], buf_act[idx], buf_next[idx]
    rew_b, done_b = buf_rew[idx], buf_done[idx]
    with torch.no_grad():
        next_state_actions, next_state_log_pi, _ = actor.get_action(next_b)
        qf1_next_target = qf1_target(next_b, next_state_actions)
        qf2_next_target = qf2_target(next_b, next_state_actions)
        min_qf_next_target = torch.min(qf1_next_target, qf2_next_target) - alpha * next_state_log_pi
        next_q_value = rew_b.flatten() + (1 - done_b.flatten()) * sac_gamma * min_qf_next_target.view(-1)
    qf1_a_values = qf1(obs_b, act_b).view(-1)
    qf2_a_values = qf2(obs_b, act_b).view(-1)
    qf1_loss = F.mse_loss(qf1_a_values, next_q_value)
    qf2_loss = F.mse_loss(qf2_a_values, next_q_value)
    qf_loss = qf1_loss + qf2_loss
    q_optimizer.zero_grad()
    qf_loss.backward()
    q_optimizer.step()
    if step % 2 == 0:
        pi, log_pi, _ = actor.get_action(obs_b)
        min_qf_pi = torch.min(qf1(obs_b, pi), qf2(obs_b, pi))
        actor_loss = ((alpha * log_pi) - min_qf_pi).mean()
        actor_optimizer.zero_grad()
        actor_loss.backward()
        actor_optimizer.step()
        with torch.no_grad():
            _, log_pi, _ = actor.get_action(obs_b)
        alpha_loss = (-log_alpha.exp() * (log_pi + target_entropy)).mean()
        a_optimizer.zero_grad()
        alpha_loss.backward()
        a_optimizer.step()
        alpha = log_alpha.exp().item()
    for param, target_param in zip(qf1.parameters(), qf1_target.parameters()):
        target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)
    for param, target_param in zip(qf2.parameters(), qf2_target.parameters()):
        target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)
    if step % 10 == 9:
        print(f"sac step {step + 1} | qf1 {qf1_loss.item():.5f} | qf2 {qf2_loss.item():.5f} | "
              f"actor {actor_loss.item():.5f} | alpha {alpha:.6f} | alpha_loss {alpha_loss.item():.5f}")

with torch.no_grad():
    mean, log_std = actor(buf_obs[:4])
    base = Independent(Normal(mean, log_std.exp()), 1)
    squashed = TransformedDistribution(Normal(mean, log_std.exp()), [TanhTransform(cache_size=1)])
    torch.manual_seed(3)
    u = base.rsample()
    a = torch.tanh(u)
    hand = Normal(mean, log_std.exp()).log_prob(u) - torch.log(1 - a.pow(2) + 1e-6)
    lib = squashed.log_prob(a.clamp(-0.999999, 0.999999))
    print("squashed log_prob", [round(v, 4) for v in hand.flatten().tolist()],
          "close", torch.allclose(hand, lib, atol=1e-3), "event shape", tuple(base.event_shape),
          "batch", tuple(base.batch_shape))
    print("deterministic action", [round(v, 6) for v in actor.get_action(buf_obs[:3])[2].flatten().tolist()])
    d = Categorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]))
    torch.manual_seed(5)
    counts = torch.stack([d.sample() for _ in range(200)]).T
    print("categorical counts", [torch.bincount(c, minlength=3).tolist() for c in counts],
          "entropy", [round(v, 6) for v in d.entropy().tolist()])
