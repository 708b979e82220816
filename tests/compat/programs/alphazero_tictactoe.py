"""AlphaZero on tic-tac-toe in miniature, as the AlphaZero tutorials write it: a policy-value network over
a 3-plane board encoding, PUCT Monte Carlo tree search with Dirichlet noise at the root
(torch.distributions.Dirichlet), illegal moves masked with masked_fill before the softmax, self-play games
whose visit counts (sharpened by a temperature) become policy targets, the loss cross-entropy with soft
targets plus the value MSE, eight-fold symmetry augmentation with torch.rot90 and torch.flip, and gating
of the new network against a random player, with the best state_dict kept in an in-memory buffer."""

import io
import math
import random

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
rng = random.Random(0)
LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]


def winner(board):
    for a, b, c in LINES:
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def encode(board, player):
    b = torch.tensor(board, dtype=torch.float32).view(3, 3) * player
    return torch.stack([(b == 1).float(), (b == -1).float(), torch.ones(3, 3)])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
        self.policy = nn.Sequential(nn.Conv2d(16, 2, 1), nn.Flatten(), nn.Linear(18, 9))
        self.value = nn.Sequential(nn.Conv2d(16, 1, 1), nn.Flatten(), nn.Linear(9, 16), nn.ReLU(), nn.Linear(16, 1), nn.Tanh())

    def forward(self, x):
        h = self.body(x)
        return self.policy(h), self.value(h).squeeze(-1)


@torch.no_grad()
def evaluate(net, board, player):
    logits, value = net(encode(board, player).unsqueeze(0))
    illegal = torch.tensor([c != 0 for c in board])
    probs = F.softmax(logits[0].masked_fill(illegal, float("-inf")), dim=0)
    return probs, value.item()


class Node:
    def __init__(self, prior):
        self.prior, self.visits, self.value_sum, self.children = prior, 0, 0.0, {}

    def q(self):
        return self.value_sum / self.visits if self.visits else 0.0


def mcts(net, board, player, sims=8, c_puct=1.5, noise=True):
    root = Node(1.0)
    probs, _ = evaluate(net, board, player)
    if noise:
        legal = [i for i in range(9) if board[i] == 0]
        eta = D.Dirichlet(torch.full((len(legal),), 0.3)).sample()
        for k, i in enumerate(legal):
            probs[i] = 0.75 * probs[i] + 0.25 * eta[k]
    root.children = {i: Node(probs[i].item()) for i in range(9) if board[i] == 0}
    for _ in range(sims):
        node, b, p, path = root, list(board), player, [root]
        while node.children:
            total = math.sqrt(node.visits + 1)
            move, node = max(node.children.items(),
                             key=lambda kv: -kv[1].q() + c_puct * kv[1].prior * total / (1 + kv[1].visits))
            b[move] = p
            p = -p
            path.append(node)
        w = winner(b)
        if w != 0:
            value = -1.0  # the player to move has lost
        elif all(c != 0 for c in b):
            value = 0.0
        else:
            pr, value = evaluate(net, b, p)
            node.children = {i: Node(pr[i].item()) for i in range(9) if b[i] == 0}
        for n in reversed(path):
            n.visits += 1
            n.value_sum += value
            value = -value
    counts = torch.zeros(9)
    for i, ch in root.children.items():
        counts[i] = ch.visits
    return counts


def self_play(net, temperature=1.0):
    board, player, history = [0] * 9, 1, []
    while True:
        counts = mcts(net, board, player)
        pi = counts ** (1 / temperature)
        pi = pi / pi.sum()
        history.append((encode(board, player), pi, player))
        move = torch.multinomial(pi, 1).item()
        board[move] = player
        w = winner(board)
        if w != 0 or all(c != 0 for c in board):
            return [(s, p, float(w * pl)) for s, p, pl in history], w
        player = -player


def symmetries(state, pi):
    out = []
    p = pi.view(3, 3)
    for k in range(4):
        s_r, p_r = torch.rot90(state, k, (1, 2)), torch.rot90(p, k, (0, 1))
        out.append((s_r, p_r.flatten()))
        out.append((torch.flip(s_r, [2]), torch.flip(p_r, [1]).flatten()))
    return out


def play_random(net, games=10):
    score = 0
    for g in range(games):
        board, player = [0] * 9, 1
        net_player = 1 if g % 2 == 0 else -1
        while winner(board) == 0 and any(c == 0 for c in board):
            if player == net_player:
                move = int(mcts(net, board, player, sims=6, noise=False).argmax())
            else:
                move = rng.choice([i for i in range(9) if board[i] == 0])
            board[move] = player
            player = -player
        score += winner(board) * net_player
    return score


net = Net()
print("parameters", sum(p.numel() for p in net.parameters()))
s0 = encode([1, 0, -1, 0, 1, 0, 0, 0, -1], 1)
syms = symmetries(s0, torch.arange(9.0) / 36)
print("symmetries", len(syms), "distinct boards", len({tuple(s.flatten().tolist()) for s, _ in syms}),
      "policy sums", round(syms[3][1].sum().item(), 6))
probs, value = evaluate(net, [1, 0, -1, 0, 1, 0, 0, 0, -1], 1)
print("masked probs zero on occupied", probs[[0, 2, 4, 8]].tolist(), f"value {value:.5f}")
opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
best = io.BytesIO()
torch.save(net.state_dict(), best)
for it in range(2):
    data, results = [], []
    for _ in range(2):
        game, w = self_play(net)
        results.append(w)
        for s, p, z in game:
            data += [(s2, p2, z) for s2, p2 in symmetries(s, p)]
    S = torch.stack([d[0] for d in data])
    P = torch.stack([d[1] for d in data])
    Z = torch.tensor([d[2] for d in data])
    for epoch in range(4):
        logits, v = net(S)
        loss_p = F.cross_entropy(logits, P)
        loss_v = F.mse_loss(v, Z)
        loss = loss_p + loss_v
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"iteration {it} | games {results} | samples {len(data)} | policy loss {loss_p.item():.5f} | "
          f"value loss {loss_v.item():.5f}")
score = play_random(net, games=2)
print("score against random over 2 games", score)
if score >= 0:
    best = io.BytesIO()
    torch.save(net.state_dict(), best)
best.seek(0)
restored = Net()
print("restored keys", len(restored.load_state_dict(torch.load(best)).missing_keys) == 0,
      "same weights", torch.equal(restored.policy[2].weight, net.policy[2].weight) if score >= 0 else "kept old")
