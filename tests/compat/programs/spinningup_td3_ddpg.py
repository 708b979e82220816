"""Spinning Up-style DDPG and TD3 (core.py's mlp/MLPActorCritic, ddpg.py/td3.py's update) on a pendulum
written in torch: ReplayBuffer of numpy arrays returning a dict of as_tensor batches, deepcopy target
networks with requires_grad=False, the Bellman backup under torch.no_grad, TD3's clipped target-policy
noise (randn_like * sigma).clamp(-c, c), twin Q with torch.min, delayed policy updates that freeze the Q
networks (itertools.chain of their parameters), and polyak averaging p_targ.data.mul_(polyak) /
add_((1 - polyak) * p.data); then torch.lerp_ and torch._foreach_lerp_ forms of the same average."""

import itertools
from copy import deepcopy

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)


def mlp(sizes, activation, output_activation=nn.Identity):
    layers = []
    for j in range(len(sizes) - 1):
        act = activation if j < len(sizes) - 2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]
    return nn.Sequential(*layers)


class MLPActor(nn.Module):
    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        self.pi = mlp([obs_dim] + list(hidden_sizes) + [act_dim], activation, nn.Tanh)
        self.act_limit = act_limit

    def forward(self, obs):
        return self.act_limit * self.pi(obs)


class MLPQFunction(nn.Module):
    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.q = mlp([obs_dim + act_dim] + list(hidden_sizes) + [1], activation)

    def forward(self, obs, act):
        q = self.q(torch.cat([obs, act], dim=-1))
        return torch.squeeze(q, -1)


class MLPActorCritic(nn.Module):
    def __init__(self, obs_dim, act_dim, act_limit, hidden_sizes=(32, 32), activation=nn.ReLU, twin=False):
        super().__init__()
        self.pi = MLPActor(obs_dim, act_dim, hidden_sizes, activation, act_limit)
        self.q1 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
        if twin:
            self.q2 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    def act(self, obs):
        with torch.no_grad():
            return self.pi(obs).numpy()


class Pendulum:
    """Gym's Pendulum-v1 dynamics with numpy state, deterministic resets from a numpy generator."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.max_speed, self.max_torque, self.dt, self.g = 8.0, 2.0, 0.05, 10.0

    def reset(self):
        self.state = self.rng.uniform([-np.pi, -1.0], [np.pi, 1.0])
        self.t = 0
        return self._obs()

    def _obs(self):
        th, thdot = self.state
        return np.array([np.cos(th), np.sin(th), thdot], dtype=np.float32)

    def step(self, u):
        th, thdot = self.state
        u = float(np.clip(u, -self.max_torque, self.max_torque)[0])
        norm = ((th + np.pi) % (2 * np.pi)) - np.pi
        cost = norm ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2
        newthdot = thdot + (3 * self.g / 2 * np.sin(th) + 3.0 * u) * self.dt
        newthdot = np.clip(newthdot, -self.max_speed, self.max_speed)
        self.state = np.array([th + newthdot * self.dt, newthdot])
        self.t += 1
        return self._obs(), -cost, False, self.t >= 50


class ReplayBuffer:
    def __init__(self, obs_dim, act_dim, size, seed):
        self.obs_buf = np.zeros((size, obs_dim), dtype=np.float32)
        self.obs2_buf = np.zeros((size, obs_dim), dtype=np.float32)
        self.act_buf = np.zeros((size, act_dim), dtype=np.float32)
        self.rew_buf = np.zeros(size, dtype=np.float32)
        self.done_buf = np.zeros(size, dtype=np.float32)
        self.ptr, self.size, self.max_size = 0, 0, size
        self.rng = np.random.default_rng(seed)

    def store(self, obs, act, rew, next_obs, done):
        self.obs_buf[self.ptr] = obs
        self.obs2_buf[self.ptr] = next_obs
        self.act_buf[self.ptr] = act
        self.rew_buf[self.ptr] = rew
        self.done_buf[self.ptr] = done
        self.ptr = (self.ptr + 1) % self.max_size
        self.size = min(self.size + 1, self.max_size)

    def sample_batch(self, batch_size=32):
        idxs = self.rng.integers(0, self.size, size=batch_size)
        batch = dict(obs=self.obs_buf[idxs], obs2=self.obs2_buf[idxs], act=self.act_buf[idxs],
                     rew=self.rew_buf[idxs], done=self.done_buf[idxs])
        return {k: torch.as_tensor(v, dtype=torch.float32) for k, v in batch.items()}


def run(algo, seed, steps=450, start_steps=200, update_every=50, batch_size=32, gamma=0.99, polyak=0.995,
        target_noise=0.2, noise_clip=0.5, policy_delay=2, act_noise=0.1):
    torch.manual_seed(seed)
    env, test_env = Pendulum(seed), Pendulum(seed + 100)
    rng = np.random.default_rng(seed)
    obs_dim, act_dim, act_limit = 3, 1, 2.0
    twin = algo == "td3"
    ac = MLPActorCritic(obs_dim, act_dim, act_limit, twin=twin)
    ac_targ = deepcopy(ac)
    for p in ac_targ.parameters():
        p.requires_grad = False
    q_params = itertools.chain(ac.q1.parameters(), ac.q2.parameters()) if twin else ac.q1.parameters()
    q_params = list(q_params)
    var_counts = tuple(sum(p.numel() for p in m.parameters()) for m in [ac.pi, ac.q1])
    print(f"{algo} number of parameters: pi: {var_counts[0]}, q: {var_counts[1]}")
    pi_optimizer = torch.optim.Adam(ac.pi.parameters(), lr=1e-3)
    q_optimizer = torch.optim.Adam(q_params, lr=1e-3)
    buf = ReplayBuffer(obs_dim, act_dim, 10000, seed)

    def compute_loss_q(data):
        o, a, r, o2, d = data["obs"], data["act"], data["rew"], data["obs2"], data["done"]
        q1 = ac.q1(o, a)
        with torch.no_grad():
            pi_targ = ac_targ.pi(o2)
            if twin:
                epsilon = torch.randn_like(pi_targ) * target_noise
                epsilon = torch.clamp(epsilon, -noise_clip, noise_clip)
                a2 = torch.clamp(pi_targ + epsilon, -act_limit, act_limit)
                q_pi_targ = torch.min(ac_targ.q1(o2, a2), ac_targ.q2(o2, a2))
            else:
                q_pi_targ = ac_targ.q1(o2, pi_targ)
            backup = r + gamma * (1 - d) * q_pi_targ
        loss_q = ((q1 - backup) ** 2).mean()
        if twin:
            loss_q = loss_q + ((ac.q2(o, a) - backup) ** 2).mean()
        return loss_q, dict(Q1Vals=q1.detach().numpy())

    def compute_loss_pi(data):
        o = data["obs"]
        return -ac.q1(o, ac.pi(o)).mean()

    def update(data, timer):
        q_optimizer.zero_grad()
        loss_q, info = compute_loss_q(data)
        loss_q.backward()
        q_optimizer.step()
        loss_pi = None
        if not twin or timer % policy_delay == 0:
            for p in q_params:
                p.requires_grad = False
            pi_optimizer.zero_grad()
            loss_pi = compute_loss_pi(data)
            loss_pi.backward()
            pi_optimizer.step()
            for p in q_params:
                p.requires_grad = True
            with torch.no_grad():
                for p, p_targ in zip(ac.parameters(), ac_targ.parameters()):
                    p_targ.data.mul_(polyak)
                    p_targ.data.add_((1 - polyak) * p.data)
        return loss_q.item(), (None if loss_pi is None else loss_pi.item()), info["Q1Vals"].mean()

    def get_action(o, noise_scale):
        a = ac.act(torch.as_tensor(o, dtype=torch.float32))
        a += noise_scale * rng.standard_normal(act_dim)
        return np.clip(a, -act_limit, act_limit)

    o, ep_ret, ep_len = env.reset(), 0.0, 0
    returns = []
    for t in range(steps):
        a = get_action(o, act_noise) if t > start_steps else rng.uniform(-act_limit, act_limit, act_dim)
        o2, r, d, trunc = env.step(a)
        ep_ret += r
        ep_len += 1
        buf.store(o, a, r, o2, float(d))
        o = o2
        if d or trunc:
            returns.append(float(ep_ret))
            o, ep_ret, ep_len = env.reset(), 0.0, 0
        if t >= start_steps and t % update_every == 0:
            last_pi = None
            for j in range(update_every):
                lq, lpi, qv = update(buf.sample_batch(batch_size), j)
                last_pi = lpi if lpi is not None else last_pi
            lpi = last_pi
            print(f"{algo} t {t:4d} | LossQ {lq:.5f} | LossPi {lpi:.5f} | Q1Vals {qv:.5f}")
    o, test_ret = test_env.reset(), 0.0
    for _ in range(50):
        o, r, d, trunc = test_env.step(get_action(o, 0))
        test_ret += r
    print(f"{algo} episode returns {[round(x, 3) for x in returns]}")
    print(f"{algo} test return {test_ret:.4f}")
    diff = sum((p - pt).abs().sum().item() for p, pt in zip(ac.parameters(), ac_targ.parameters()))
    print(f"{algo} |theta - theta_targ|_1 {diff:.5f}")
    print(f"{algo} target requires_grad {[p.requires_grad for p in ac_targ.parameters()][:3]}")
    return ac, ac_targ


ac, ac_targ = run("ddpg", 1)
ac3, ac3_targ = run("td3", 2)

# the same polyak average three ways
targ_a, targ_b, targ_c = deepcopy(ac3_targ), deepcopy(ac3_targ), deepcopy(ac3_targ)
with torch.no_grad():
    for p, pa, pb in zip(ac3.parameters(), targ_a.parameters(), targ_b.parameters()):
        pa.data.mul_(0.9).add_(0.1 * p.data)
        pb.lerp_(p, 0.1)
    torch._foreach_lerp_(list(targ_c.parameters()), list(ac3.parameters()), 0.1)
for name, m in [("lerp_", targ_b), ("_foreach_lerp_", targ_c)]:
    dev = max((pa - pb).abs().max().item() for pa, pb in zip(targ_a.parameters(), m.parameters()))
    print(f"polyak via {name}: max deviation {dev:.3e}")
sd = ac3_targ.state_dict()
print("target keys", list(sd)[:4], len(sd))
print("q2 out weight norm", f"{sd['q2.q.4.weight'].norm().item():.6f}")
print("actor output range", f"{ac3.pi(torch.randn(64, 3)).abs().max().item():.5f}")
