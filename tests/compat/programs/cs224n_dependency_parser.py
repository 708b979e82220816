"""The CS224n neural dependency parser assignment on sentences from a toy grammar: PartialParse with
S/LA/RA transitions and minibatch_parse, an arc-standard oracle, Chen & Manning style features (stack and
buffer words and tags, NULL/ROOT tokens), ParserModel with an nn.Parameter embedding matrix read by
torch.index_select, xavier_uniform_ weights, dropout and a hidden ReLU layer, trained with Adam (and
Adagrad, as the original paper) by minibatches, legal-transition masking with numpy, and dev/test UAS."""

import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)  # noqa: NPY002 - the assignment's legacy numpy random calls
random.seed(0)

LEXICON = {"DET": ["the", "a"], "ADJ": ["big", "red", "old", "small"],
           "NOUN": ["dog", "cat", "man", "park", "ball", "telescope"], "VERB": ["saw", "chased", "liked"],
           "PREP": ["in", "with"], "ADV": ["quickly", "today"]}


def noun_phrase(words, heads, allow_pp):
    start = len(words)
    words.append(("DET", random.choice(LEXICON["DET"])))
    if random.random() < 0.5:
        words.append(("ADJ", random.choice(LEXICON["ADJ"])))
    noun = len(words)
    words.append(("NOUN", random.choice(LEXICON["NOUN"])))
    for i in range(start, noun):
        heads[i] = noun
    pp = []
    if allow_pp and random.random() < 0.4:
        prep = len(words)
        words.append(("PREP", "in"))
        inner = noun_phrase(words, heads, False)
        heads[prep] = noun if random.random() < 0.8 else -2  # (-2: the verb, filled in by sentence())
        heads[inner[0]] = prep
        pp = [prep]
    return noun, pp


def sentence():
    """Words (tag, word) and gold heads (1-based, 0 = ROOT): NP VERB NP [with NP] [ADV]."""
    words, heads = [], {}
    subj, _ = noun_phrase(words, heads, True)
    verb = len(words)
    words.append(("VERB", random.choice(LEXICON["VERB"])))
    obj, _ = noun_phrase(words, heads, True)
    heads[subj], heads[obj], heads[verb] = verb, verb, -1
    for i, h in list(heads.items()):
        if h == -2:
            heads[i] = verb if i > verb else subj
    if random.random() < 0.4:
        prep = len(words)
        words.append(("PREP", "with"))
        inner, _ = noun_phrase(words, heads, False)
        to_noun = words[obj][1] in ("dog", "cat", "man") and verb not in [heads[i] for i in heads if i > obj]
        heads[prep], heads[inner] = (obj if to_noun else verb), prep  # (projective: no arc crossed)
    if random.random() < 0.3:
        heads[len(words)] = verb
        words.append(("ADV", random.choice(LEXICON["ADV"])))
    return words, [heads[i] + 1 for i in range(len(words))]


class PartialParse(object):
    def __init__(self, sentence):
        self.sentence = sentence
        self.stack = ["ROOT"]
        self.buffer = sentence[:]
        self.dependencies = []

    def parse_step(self, transition):
        if transition == "S":
            self.stack.append(self.buffer.pop(0))
        elif transition == "LA":
            dependent = self.stack.pop(-2)
            self.dependencies.append((self.stack[-1], dependent))
        elif transition == "RA":
            dependent = self.stack.pop()
            self.dependencies.append((self.stack[-1], dependent))

    def parse(self, transitions):
        for transition in transitions:
            self.parse_step(transition)
        return self.dependencies


def minibatch_parse(sentences, model, batch_size):
    partial_parses = [PartialParse(s) for s in sentences]
    unfinished_parses = partial_parses[:]
    while unfinished_parses:
        minibatch = unfinished_parses[:batch_size]
        transitions = model.predict(minibatch)
        for parse, transition in zip(minibatch, transitions):
            parse.parse_step(transition)
        unfinished_parses = [p for p in unfinished_parses if len(p.buffer) > 0 or len(p.stack) > 1]
    return [p.dependencies for p in partial_parses]


# the assignment's sanity check
pp = PartialParse(["parse", "this", "sentence"])
deps = pp.parse(["S", "S", "S", "LA", "RA", "RA"])
print("parse test", tuple(pp.stack), tuple(pp.buffer), tuple(sorted(deps)))

data = [sentence() for _ in range(260)]
train_set, dev_set, test_set = data[:180], data[180:220], data[220:]
print("sentences", len(train_set), len(dev_set), len(test_set), "example",
      " ".join(w for _, w in data[0][0]), data[0][1])

tok2id = {"<NULL>": 0, "<ROOT>": 1, "<P>:<NULL>": 2, "<P>:<ROOT>": 3}
for tag, ws in LEXICON.items():
    tok2id["<P>:" + tag] = len(tok2id)
    for w in ws:
        tok2id.setdefault(w, len(tok2id))
TRANS = ["S", "LA", "RA"]
n_features = 12


def features(stack, buffer, words):
    """Word and tag ids of the top 3 stack and first 3 buffer items (indices into the sentence, 0 ROOT)."""
    def word(i):
        return tok2id["<ROOT>"] if i == 0 else tok2id[words[i - 1][1]]

    def tag(i):
        return tok2id["<P>:<ROOT>"] if i == 0 else tok2id["<P>:" + words[i - 1][0]]

    picks = [stack[-k] if len(stack) >= k else None for k in (1, 2, 3)] + \
            [buffer[k] if len(buffer) > k else None for k in (0, 1, 2)]
    return [tok2id["<NULL>"] if i is None else word(i) for i in picks] + \
           [tok2id["<P>:<NULL>"] if i is None else tag(i) for i in picks]


def legal_labels(stack, buffer):
    return [int(len(buffer) > 0), int(len(stack) > 2), int(len(stack) > 1)]


def oracle(words, heads):
    """(features, legal, gold transition id) for every step of the arc-standard gold derivation."""
    stack, buffer, out = [0], list(range(1, len(words) + 1)), []
    attached = {i: 0 for i in range(len(words) + 1)}
    n_deps = {i: heads.count(i) for i in range(len(words) + 1)}
    while buffer or len(stack) > 1:
        if len(stack) > 2 and heads[stack[-2] - 1] == stack[-1]:
            t = 1
        elif len(stack) > 1 and heads[stack[-1] - 1] == stack[-2] and attached[stack[-1]] == n_deps[stack[-1]]:
            t = 2
        else:
            t = 0
        out.append((features(stack, buffer, words), legal_labels(stack, buffer), t))
        if t == 0:
            stack.append(buffer.pop(0))
        elif t == 1:
            attached[stack[-1]] += 1
            stack.pop(-2)
        else:
            attached[stack[-2]] += 1
            stack.pop()
    return out


train_examples = [ex for ws, hs in train_set for ex in oracle(ws, hs)]
print("train examples", len(train_examples), "transition counts",
      np.bincount([t for _, _, t in train_examples], minlength=3).tolist())


class ParserModel(nn.Module):
    def __init__(self, embeddings, n_features=36, hidden_size=200, n_classes=3, dropout_prob=0.5):
        super(ParserModel, self).__init__()
        self.n_features = n_features
        self.n_classes = n_classes
        self.dropout_prob = dropout_prob
        self.embed_size = embeddings.shape[1]
        self.hidden_size = hidden_size
        self.embeddings = nn.Parameter(torch.tensor(embeddings))
        self.embed_to_hidden_weight = nn.Parameter(torch.empty(self.n_features * self.embed_size,
                                                               self.hidden_size))
        nn.init.xavier_uniform_(self.embed_to_hidden_weight)
        self.embed_to_hidden_bias = nn.Parameter(torch.empty(self.hidden_size))
        nn.init.uniform_(self.embed_to_hidden_bias)
        self.dropout = nn.Dropout(p=self.dropout_prob)
        self.hidden_to_logits_weight = nn.Parameter(torch.empty(self.hidden_size, self.n_classes))
        nn.init.xavier_uniform_(self.hidden_to_logits_weight)
        self.hidden_to_logits_bias = nn.Parameter(torch.empty(self.n_classes))
        nn.init.uniform_(self.hidden_to_logits_bias)

    def embedding_lookup(self, w):
        x = torch.index_select(self.embeddings, 0, w.view(-1)).view(w.shape[0], -1)
        return x

    def forward(self, w):
        x = self.embedding_lookup(w)
        h = F.relu(torch.matmul(x, self.embed_to_hidden_weight) + self.embed_to_hidden_bias)
        logits = torch.matmul(self.dropout(h), self.hidden_to_logits_weight) + self.hidden_to_logits_bias
        return logits


class Parser(object):
    def __init__(self, model):
        self.model = model

    def predict(self, partial_parses):
        mb_x = [features(p.stack_ids, p.buffer_ids, p.words) for p in partial_parses]
        mb_l = [legal_labels(p.stack_ids, p.buffer_ids) for p in partial_parses]
        mb_x = torch.from_numpy(np.array(mb_x)).long()
        pred = self.model(mb_x)
        pred = np.argmax(pred.data.numpy() + 10000 * np.array(mb_l).astype("float32"), 1)
        return [TRANS[p] for p in pred]


class IndexParse(PartialParse):
    """A PartialParse over word indices that keeps the words for the features."""

    def __init__(self, words):
        super().__init__(list(range(1, len(words) + 1)))
        self.stack = [0]
        self.words = words

    @property
    def stack_ids(self):
        return self.stack

    @property
    def buffer_ids(self):
        return self.buffer


def evaluate_uas(parser, dataset):
    parser.model.eval()
    with torch.no_grad():
        parses = [IndexParse(ws) for ws, _ in dataset]
        unfinished = parses[:]
        while unfinished:
            mb = unfinished[:64]
            for p, t in zip(mb, parser.predict(mb)):
                p.parse_step(t)
            unfinished = [p for p in unfinished if len(p.buffer) > 0 or len(p.stack) > 1]
    correct = total = 0
    for p, (ws, hs) in zip(parses, dataset):
        head = {d: h for h, d in p.dependencies}
        correct += sum(int(head.get(i + 1, -1) == hs[i]) for i in range(len(ws)))
        total += len(ws)
    return correct / total


def minibatches(examples, batch_size):
    idx = np.arange(len(examples))
    np.random.shuffle(idx)  # noqa: NPY002
    for s in range(0, len(idx), batch_size):
        chosen = [examples[i] for i in idx[s:s + batch_size]]
        yield (np.array([c[0] for c in chosen]), np.array([c[2] for c in chosen]))


class AverageMeter(object):
    def __init__(self):
        self.sum, self.count, self.avg = 0.0, 0, 0.0

    def update(self, val, n=1):
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count


def train(parser, make_optimizer, n_epochs, batch_size=64):
    optimizer = make_optimizer(parser.model.parameters())
    loss_func = nn.CrossEntropyLoss()
    best_dev_UAS = 0
    best_state = None
    for epoch in range(n_epochs):
        parser.model.train()
        loss_meter = AverageMeter()
        for train_x, train_y in minibatches(train_examples, batch_size):
            optimizer.zero_grad()
            train_x = torch.from_numpy(train_x).long()
            train_y = torch.from_numpy(train_y).long()
            logits = parser.model(train_x)
            loss = loss_func(logits, train_y)
            loss.backward()
            optimizer.step()
            loss_meter.update(loss.item())
        dev_UAS = evaluate_uas(parser, dev_set)
        print("Epoch {:} Average Train Loss: {:.5f} - dev UAS: {:.2f}".format(epoch + 1, loss_meter.avg,
                                                                              dev_UAS * 100.0))
        if dev_UAS > best_dev_UAS:
            best_dev_UAS = dev_UAS
            best_state = {k: v.clone() for k, v in parser.model.state_dict().items()}
            print("New best dev UAS! Saving model.")
    parser.model.load_state_dict(best_state)
    return best_dev_UAS


embeddings = np.asarray(np.random.normal(0, 0.9, (len(tok2id), 16)), dtype="float32")  # noqa: NPY002
model = ParserModel(embeddings, n_features=n_features, hidden_size=48, dropout_prob=0.3)

# the assignment's sanity checks for embedding_lookup and forward
inds = torch.randint(0, len(tok2id), (4, n_features), dtype=torch.long)
print("embedding_lookup", tuple(model.embedding_lookup(inds).shape), "forward", tuple(model(inds).shape))
print("xavier bound", round(math.sqrt(6 / (n_features * 16 + 48)), 5),
      "max |w|", round(model.embed_to_hidden_weight.abs().max().item(), 5))
print("parameters", [(n, tuple(p.shape)) for n, p in model.named_parameters()])

parser = Parser(model)
best = train(parser, lambda ps: optim.Adam(ps, lr=0.002), n_epochs=3)
print("best dev UAS {:.2f}".format(best * 100))
print("test UAS {:.2f}".format(evaluate_uas(parser, test_set) * 100))

ws, hs = test_set[0]


class DummyModel(object):
    """The assignment's test model: shift while the buffer has words, then right-arc."""

    def predict(self, partial_parses):
        return ["S" if pp.buffer else "RA" for pp in partial_parses]


deps = minibatch_parse([[w for _, w in ws] for ws, _ in test_set[:5]], DummyModel(), 2)
print("dummy parse arcs", deps[0])

torch.manual_seed(1)
model2 = ParserModel(embeddings, n_features=n_features, hidden_size=48, dropout_prob=0.3)
best2 = train(Parser(model2), lambda ps: optim.Adagrad(ps, lr=0.05, lr_decay=1e-3, weight_decay=1e-6),
              n_epochs=3, batch_size=32)
print("adagrad best dev UAS {:.2f} test UAS {:.2f}".format(best2 * 100, evaluate_uas(Parser(model2), test_set) * 100))
print("embedding row 5 moved", round((model2.embeddings[5] - torch.tensor(embeddings[5])).norm().item(), 5))
