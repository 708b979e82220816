"""Child-sum and N-ary Tree-LSTMs (Tai et al. 2015) on a synthetic sentiment treebank: random
binary parse trees over a tiny vocabulary whose node labels follow negation and intensifier rules,
recursion over Python tree objects (a new graph every sentence), node-level cross-entropy summed
over the tree, Adagrad with per-parameter state, a level-order batched version of the same cell that
must agree with the recursive one, and root/all-node accuracy."""

import random

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)
rng = random.Random(0)

POS, NEG, NEUTRAL = ["good", "great", "fine"], ["bad", "awful", "poor"], ["the", "movie", "plot", "was"]
NOT, VERY = "not", "very"
vocab = POS + NEG + NEUTRAL + [NOT, VERY]
stoi = {w: i for i, w in enumerate(vocab)}


class Node:
    def __init__(self, word=None, children=()):
        self.word, self.children = word, list(children)
        self.label = None
        self.idx = None

    def leaves(self):
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]


def score(node):
    """Sentiment in {-2..2}: words carry +-1, 'not' flips its sibling, 'very' doubles it."""
    if node.word is not None:
        s = 1 if node.word in POS else -1 if node.word in NEG else 0
    else:
        left, right = node.children
        ls, rs = score(left), score(right)
        if left.word == NOT:
            s = -rs
        elif left.word == VERY:
            s = 2 * rs
        else:
            s = ls + rs
    s = max(-2, min(2, s))
    node.label = s + 2
    return s


def random_tree(n_words):
    words = [rng.choice(vocab) for _ in range(n_words)]
    nodes = [Node(w) for w in words]
    while len(nodes) > 1:
        i = rng.randrange(len(nodes) - 1)
        nodes[i:i + 2] = [Node(children=nodes[i:i + 2])]
    score(nodes[0])
    return nodes[0]


trees = [random_tree(rng.randint(2, 7)) for _ in range(160)]
train, test = trees[:120], trees[120:]
print("root label counts", [sum(t.label == k for t in trees) for k in range(5)])


class ChildSumTreeLSTM(nn.Module):
    def __init__(self, vocab_size, d_in, d_h, n_classes):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d_in)
        self.W_iou = nn.Linear(d_in, 3 * d_h)
        self.U_iou = nn.Linear(d_h, 3 * d_h, bias=False)
        self.W_f = nn.Linear(d_in, d_h)
        self.U_f = nn.Linear(d_h, d_h, bias=False)
        self.cls = nn.Linear(d_h, n_classes)
        self.d_h = d_h

    def node_forward(self, x, child_c, child_h):
        h_sum = child_h.sum(0)
        i, o, u = (self.W_iou(x) + self.U_iou(h_sum)).chunk(3, dim=-1)
        i, o, u = torch.sigmoid(i), torch.sigmoid(o), torch.tanh(u)
        f = torch.sigmoid(self.W_f(x).unsqueeze(0) + self.U_f(child_h))
        c = i * u + (f * child_c).sum(0)
        h = o * torch.tanh(c)
        return c, h

    def forward(self, node, outs):
        if node.word is not None:
            x = self.emb(torch.tensor(stoi[node.word]))
            zeros = x.new_zeros(1, self.d_h)
            c, h = self.node_forward(x, zeros, zeros)
        else:
            states = [self.forward(ch, outs) for ch in node.children]
            child_c = torch.stack([s[0] for s in states])
            child_h = torch.stack([s[1] for s in states])
            x = self.emb.weight.new_zeros(self.emb.embedding_dim)
            c, h = self.node_forward(x, child_c, child_h)
        outs.append((self.cls(h), node.label))
        return c, h


def tree_loss(model, tree):
    outs = []
    model(tree, outs)
    logits = torch.stack([o[0] for o in outs])
    labels = torch.tensor([o[1] for o in outs])
    return F.cross_entropy(logits, labels, reduction="sum"), logits, labels


model = ChildSumTreeLSTM(len(vocab), 16, 24, 5)
print("params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.Adagrad(model.parameters(), lr=0.05, weight_decay=1e-4)
for epoch in range(4):
    order = list(range(len(train)))
    rng.shuffle(order)
    total, nodes = 0.0, 0
    for b in range(0, len(order), 10):
        opt.zero_grad()
        batch_loss = 0.0
        for k in order[b:b + 10]:
            loss, logits, _ = tree_loss(model, train[k])
            batch_loss = batch_loss + loss
            nodes += logits.shape[0]
        (batch_loss / 10).backward()
        opt.step()
        total += batch_loss.item()
    print(f"epoch {epoch} loss/node {total / nodes:.4f}")

st = opt.state_dict()["state"][0]
print("adagrad state", sorted(st), f"{st['sum'].sum().item():.4f}", st["step"])


def evaluate(trees):
    root_ok = all_ok = n_all = 0
    with torch.no_grad():
        for t in trees:
            _, logits, labels = tree_loss(model, t)
            pred = logits.argmax(-1)
            root_ok += int(pred[-1] == labels[-1])
            all_ok += (pred == labels).sum().item()
            n_all += len(labels)
    return root_ok / len(trees), all_ok / n_all


print("train acc root %.4f all %.4f" % evaluate(train))
print("test acc root %.4f all %.4f" % evaluate(test))


# level-order batching: every node of one height in one call (what a fast implementation does)
def by_height(tree):
    levels = {}

    def visit(n):
        h = 0 if not n.children else 1 + max(visit(c) for c in n.children)
        levels.setdefault(h, []).append(n)
        return h

    visit(tree)
    return [levels[h] for h in sorted(levels)]


def batched_root(model, tree):
    state = {}
    for level in by_height(tree):
        leaves = [n for n in level if n.word is not None]
        inner = [n for n in level if n.word is None]
        if leaves:
            x = model.emb(torch.tensor([stoi[n.word] for n in leaves]))
            i, o, u = model.W_iou(x).chunk(3, dim=-1)
            c = torch.sigmoid(i) * torch.tanh(u)
            h = torch.sigmoid(o) * torch.tanh(c)
            for k, n in enumerate(leaves):
                state[id(n)] = (c[k], h[k])
        if inner:
            child_c = torch.stack([torch.stack([state[id(ch)][0] for ch in n.children]) for n in inner], 1)
            child_h = torch.stack([torch.stack([state[id(ch)][1] for ch in n.children]) for n in inner], 1)
            i, o, u = (model.W_iou.bias + model.U_iou(child_h.sum(0))).chunk(3, dim=-1)
            f = torch.sigmoid(model.W_f.bias + model.U_f(child_h))
            c = torch.sigmoid(i) * torch.tanh(u) + (f * child_c).sum(0)
            h = torch.sigmoid(o) * torch.tanh(c)
            for k, n in enumerate(inner):
                state[id(n)] = (c[k], h[k])
    return model.cls(state[id(tree)][1])


with torch.no_grad():
    t = test[3]
    outs = []
    model(t, outs)
    rec = outs[-1][0]
    bat = batched_root(model, t)
    print("batched == recursive", torch.allclose(rec, bat, atol=1e-6), rec.softmax(-1))
    print("depths", [len(by_height(t)) for t in test[:10]])
