"""A discrete hidden Markov model in PyTorch, as probabilistic-ML course notebooks write it: sampling with
torch.multinomial and Categorical, the forward algorithm in log space (logsumexp over broadcast
transitions), backward pass, posterior marginals, Viterbi decoding with max/argmax back-pointers and a
flip-free backtrack, Baum-Welch EM updates, and the same model fit by gradient ascent on the log
likelihood with softmax-parameterised rows (Adam), comparing the two fits."""

import torch
import torch.distributions as D

torch.manual_seed(0)
torch.set_num_threads(1)

K, V, T = 3, 4, 40
A_true = torch.tensor([[0.85, 0.10, 0.05], [0.10, 0.80, 0.10], [0.05, 0.15, 0.80]])
B_true = torch.tensor([[0.70, 0.20, 0.05, 0.05], [0.05, 0.70, 0.20, 0.05], [0.05, 0.05, 0.20, 0.70]])
pi_true = torch.tensor([0.6, 0.3, 0.1])


def sample(n_seq, gen):
    states = torch.empty(n_seq, T, dtype=torch.long)
    obs = torch.empty(n_seq, T, dtype=torch.long)
    s = torch.multinomial(pi_true, n_seq, replacement=True, generator=gen)
    for t in range(T):
        states[:, t] = s
        obs[:, t] = torch.multinomial(B_true[s], 1, generator=gen).squeeze(1)
        s = torch.multinomial(A_true[s], 1, generator=gen).squeeze(1)
    return states, obs


def forward(log_pi, log_A, log_B, obs):
    alphas = [log_pi + log_B[:, obs[:, 0]].t()]
    for t in range(1, T):
        prev = alphas[-1].unsqueeze(2) + log_A.unsqueeze(0)
        alphas.append(torch.logsumexp(prev, dim=1) + log_B[:, obs[:, t]].t())
    alpha = torch.stack(alphas, 1)
    return alpha, torch.logsumexp(alpha[:, -1], dim=-1)


def backward(log_A, log_B, obs):
    N = obs.shape[0]
    betas = [torch.zeros(N, K)]
    for t in range(T - 2, -1, -1):
        nxt = log_A.unsqueeze(0) + (log_B[:, obs[:, t + 1]].t() + betas[0]).unsqueeze(1)
        betas.insert(0, torch.logsumexp(nxt, dim=2))
    return torch.stack(betas, 1)


def viterbi(log_pi, log_A, log_B, ob):
    delta = log_pi + log_B[:, ob[0]]
    back = []
    for t in range(1, T):
        scores = delta.unsqueeze(1) + log_A
        delta, idx = scores.max(dim=0)
        delta = delta + log_B[:, ob[t]]
        back.append(idx)
    path = [int(delta.argmax())]
    for idx in reversed(back):
        path.append(int(idx[path[-1]]))
    return path[::-1], delta.max().item()


gen = torch.Generator().manual_seed(3)
states, obs = sample(40, gen)
print("obs", tuple(obs.shape), obs.dtype, "state counts", torch.bincount(states.flatten(), minlength=K).tolist())
alpha, ll = forward(pi_true.log(), A_true.log(), B_true.log(), obs)
beta = backward(A_true.log(), B_true.log(), obs)
print(f"true-model log-lik {ll.sum().item():.4f} per seq {ll[:3].tolist()[0]:.4f}")
ll_from_beta = torch.logsumexp(pi_true.log() + B_true.log()[:, obs[:, 0]].t() + beta[:, 0], -1)
print("forward == backward:", torch.allclose(ll, ll_from_beta, atol=1e-4))
gamma = (alpha + beta - ll[:, None, None]).exp()
print("posterior rows sum to 1:", torch.allclose(gamma.sum(-1), torch.ones(40, T), atol=1e-4))
print(f"posterior decoding acc {(gamma.argmax(-1) == states).float().mean().item():.4f}")
path, best = viterbi(pi_true.log(), A_true.log(), B_true.log(), obs[0])
print(f"viterbi acc seq0 {(torch.tensor(path) == states[0]).float().mean().item():.4f} best log-joint {best:.4f}")
print("viterbi path[:15]", path[:15])

# Baum-Welch from a perturbed start
g2 = torch.Generator().manual_seed(5)
A = torch.softmax(torch.randn(K, K, generator=g2), 1)
B = torch.softmax(torch.randn(K, V, generator=g2), 1)
pi = torch.full((K,), 1.0 / K)
for it in range(15):
    alpha, ll = forward(pi.log(), A.log(), B.log(), obs)
    beta = backward(A.log(), B.log(), obs)
    gamma = (alpha + beta - ll[:, None, None]).exp()
    xi = (alpha[:, :-1, :, None] + A.log()[None, None] + (B.log()[:, obs[:, 1:]].permute(1, 2, 0) + beta[:, 1:])[:, :, None, :]
          - ll[:, None, None, None]).exp()
    pi = gamma[:, 0].mean(0)
    A = xi.sum((0, 1)) / gamma[:, :-1].sum((0, 1))[:, None]
    B = torch.stack([gamma[..., k].unsqueeze(-1).mul(torch.nn.functional.one_hot(obs, V)).sum((0, 1)) for k in range(K)])
    B = B / B.sum(1, keepdim=True)
    if it % 5 == 0 or it == 14:
        print(f"EM iter {it:2d} log-lik {ll.sum().item():.4f}")
print("EM A diag", [f"{v:.3f}" for v in A.diagonal().tolist()], "pi", [f"{v:.3f}" for v in pi.tolist()])

# gradient ascent on the same likelihood
torch.manual_seed(5)
logits_A = torch.randn(K, K, requires_grad=True)
logits_B = torch.randn(K, V, requires_grad=True)
logits_pi = torch.zeros(K, requires_grad=True)
opt = torch.optim.Adam([logits_A, logits_B, logits_pi], lr=0.1)
for step in range(50):
    _, ll = forward(torch.log_softmax(logits_pi, 0), torch.log_softmax(logits_A, 1), torch.log_softmax(logits_B, 1), obs)
    loss = -ll.sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 49:
        print(f"adam step {step:2d} log-lik {-loss.item():.4f} grad norm {logits_A.grad.norm().item():.4f}")
cat = D.Categorical(logits=logits_B.detach())
print("emission entropy", [f"{v:.4f}" for v in cat.entropy().tolist()], "sample shape", cat.sample((2,)).shape)
