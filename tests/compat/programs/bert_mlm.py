"""A BERT-style masked language model written the way "BERT from scratch"
notebooks write it: a word-level vocabulary with special tokens, sentence
pairs with token_type_ids, padding and an extended attention mask ((1.0 -
mask) * torch.finfo(dtype).min, broadcast over heads), embeddings summed and
normalized by nn.LayerNorm(eps=1e-12), nn.GELU's erf form, the 80/10/10
masking recipe (torch.bernoulli of torch.full probabilities, ~special-token
masks, torch.randint replacements), labels of -100 ignored by
CrossEntropyLoss, the prediction head tied to the word embeddings with its own
bias, a pooler (tanh of the first token) feeding next-sentence prediction,
AdamW with no decay for biases and LayerNorm weights, and a linear warmup/decay
schedule by LambdaLR (Hugging Face's get_linear_schedule_with_warmup); then
fill-mask predictions with torch.topk. Seeded: every number agrees."""

import math
import random

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR

from _data import text

torch.manual_seed(0)
random.seed(0)

SPECIALS = ["[PAD]", "[CLS]", "[SEP]", "[MASK]", "[UNK]"]
sentences = [s.strip().lower() for s in text(6000).replace("\n", " ").split(".") if len(s.split()) >= 4]
words = sorted({w for s in sentences for w in s.split()})
vocab = SPECIALS + words
stoi = {w: i for i, w in enumerate(vocab)}
PAD, CLS, SEP, MASK = (stoi[t] for t in SPECIALS[:4])
print("sentences", len(sentences), "vocab", len(vocab))


def make_pair(i):
    a = sentences[i].split()[:10]
    if random.random() < 0.5:
        b, is_next = sentences[(i + 1) % len(sentences)].split()[:10], 1
    else:
        b, is_next = sentences[random.randrange(len(sentences))].split()[:10], 0
    ids = [CLS] + [stoi[w] for w in a] + [SEP] + [stoi[w] for w in b] + [SEP]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    return ids, types, is_next


def collate(pairs, max_len=24):
    ids = torch.full((len(pairs), max_len), PAD, dtype=torch.long)
    types = torch.zeros((len(pairs), max_len), dtype=torch.long)
    for j, (x, t, _) in enumerate(pairs):
        ids[j, : len(x)] = torch.tensor(x)
        types[j, : len(t)] = torch.tensor(t)
    return ids, types, (ids != PAD).long(), torch.tensor([p[2] for p in pairs])


def mask_tokens(inputs, mlm_probability=0.15):
    labels = inputs.clone()
    probability_matrix = torch.full(labels.shape, mlm_probability)
    special_tokens_mask = (inputs == PAD) | (inputs == CLS) | (inputs == SEP)
    probability_matrix.masked_fill_(special_tokens_mask, value=0.0)
    masked_indices = torch.bernoulli(probability_matrix).bool()
    labels[~masked_indices] = -100
    inputs = inputs.clone()
    indices_replaced = torch.bernoulli(torch.full(labels.shape, 0.8)).bool() & masked_indices
    inputs[indices_replaced] = MASK
    indices_random = torch.bernoulli(torch.full(labels.shape, 0.5)).bool() & masked_indices & ~indices_replaced
    random_words = torch.randint(len(vocab), labels.shape, dtype=torch.long)
    inputs[indices_random] = random_words[indices_random]
    return inputs, labels


class BertEmbeddings(nn.Module):
    def __init__(self, vocab_size, hidden, max_pos=32, type_vocab=2):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden, padding_idx=PAD)
        self.position_embeddings = nn.Embedding(max_pos, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.0)
        self.register_buffer("position_ids", torch.arange(max_pos).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.num_attention_heads = heads
        self.attention_head_size = hidden // heads
        self.all_head_size = hidden
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        scores = scores + attention_mask
        probs = nn.functional.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.all_head_size,)), probs


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, inter):
        super().__init__()
        self.attention = BertSelfAttention(hidden, heads)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.intermediate = nn.Sequential(nn.Linear(hidden, inter), nn.GELU())
        self.output = nn.Linear(inter, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, mask):
        a, probs = self.attention(x, mask)
        x = self.attn_norm(x + self.attn_out(a))
        return self.out_norm(x + self.output(self.intermediate(x))), probs


class BertForPreTraining(nn.Module):
    def __init__(self, vocab_size, hidden=32, heads=4, layers=2, inter=64):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab_size, hidden)
        self.layers = nn.ModuleList([BertLayer(hidden, heads, inter) for _ in range(layers)])
        self.pooler = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh())
        self.transform = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.LayerNorm(hidden, eps=1e-12))
        self.decoder = nn.Linear(hidden, vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(vocab_size))
        self.decoder.weight = self.embeddings.word_embeddings.weight
        self.seq_relationship = nn.Linear(hidden, 2)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, input_ids, token_type_ids, attention_mask):
        extended = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended = (1.0 - extended) * torch.finfo(torch.float32).min
        x = self.embeddings(input_ids, token_type_ids)
        for layer in self.layers:
            x, probs = layer(x, extended)
        prediction_scores = self.decoder(self.transform(x)) + self.bias
        seq_relationship_score = self.seq_relationship(self.pooler(x[:, 0]))
        return prediction_scores, seq_relationship_score, probs


model = BertForPreTraining(len(vocab))
print("tied", model.decoder.weight is model.embeddings.word_embeddings.weight,
      "params", sum(p.numel() for p in model.parameters()),
      "pad row zero", bool((model.embeddings.word_embeddings.weight[PAD] == 0).all()))
no_decay = ["bias", "LayerNorm.weight", "norm.weight", "transform.2.weight"]
grouped = [
    {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
]
print("decay tensors", len(grouped[0]["params"]), "no-decay tensors", len(grouped[1]["params"]))
optimizer = torch.optim.AdamW(grouped, lr=2e-3, eps=1e-6)
num_warmup_steps, num_training_steps = 4, 24


def lr_lambda(current_step):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))


scheduler = LambdaLR(optimizer, lr_lambda, last_epoch=-1)
loss_fct = nn.CrossEntropyLoss()
batch_size = 16
order = list(range(len(sentences) - 1))
for step in range(num_training_steps):
    if step % ((len(order)) // batch_size) == 0:
        random.shuffle(order)
    k = step % (len(order) // batch_size)
    pairs = [make_pair(i) for i in order[k * batch_size:(k + 1) * batch_size]]
    ids, types, attn, is_next = collate(pairs)
    inputs, labels = mask_tokens(ids)
    scores, nsp, _ = model(inputs, types, attn)
    mlm_loss = loss_fct(scores.view(-1, len(vocab)), labels.view(-1))
    nsp_loss = loss_fct(nsp.view(-1, 2), is_next.view(-1))
    loss = mlm_loss + nsp_loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
    if step % 6 == 0 or step == num_training_steps - 1:
        print(f"step {step:2d} | mlm {mlm_loss.item():.5f} | nsp {nsp_loss.item():.5f} | masked {(labels != -100).sum().item()}"
              f" | lr {scheduler.get_last_lr()[0]:.6f}")

model.eval()
ids, types, attn, is_next = collate([make_pair(i) for i in range(4)])
masked = ids.clone()
masked[:, 2] = MASK
with torch.no_grad():
    scores, nsp, probs = model(masked, types, attn)
top = torch.topk(scores[:, 2].softmax(-1), k=3, dim=-1)
for j in range(2):
    print("fill", vocab[ids[j, 2]], "->", [vocab[t] for t in top.indices[j].tolist()],
          [f"{v:.4f}" for v in top.values[j].tolist()])
print("padding gets no attention", bool((probs[attn[:, None, None, :].expand_as(probs) == 0] < 1e-6).all()))
print("nsp probs", [f"{v:.4f}" for v in nsp.softmax(-1)[:, 1].tolist()], "truth", is_next.tolist())
