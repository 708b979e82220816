""""Build a Large Language Model (From Scratch)" chapters 3, 6 and 7 as readers
type them: SelfAttention_v1 with nn.Parameter(torch.rand(...)), v2 with
nn.Linear and the weight transfer between them, the step-by-step causal mask
(tril, masked_fill with -inf, the renormalization trick), CausalAttention with
register_buffer + mask.bool()[:n, :n], MultiHeadAttentionWrapper by torch.cat;
ch06 spam classification: padding to the longest with token 50256-style pad,
freezing everything, unfreezing the last block and final norm, a new out_head,
logits[:, -1, :] loss, calc_accuracy_loader with num_batches; ch07 instruction
collate: pad, shift, mask all but the first pad with -100, truncate to
allowed_max_length, functools.partial collate_fn, cross_entropy's ignore_index.
Seeded with torch.manual_seed(123): every number agrees."""

from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

from _data import words

# ---------------------------------------------------------------- chapter 3
inputs = torch.tensor(
    [[0.43, 0.15, 0.89],  # Your     (x^1)
     [0.55, 0.87, 0.66],  # journey  (x^2)
     [0.57, 0.85, 0.64],  # starts   (x^3)
     [0.22, 0.58, 0.33],  # with     (x^4)
     [0.77, 0.25, 0.10],  # one      (x^5)
     [0.05, 0.80, 0.55]]  # step     (x^6)
)

query = inputs[1]
attn_scores_2 = torch.empty(inputs.shape[0])
for i, x_i in enumerate(inputs):
    attn_scores_2[i] = torch.dot(x_i, query)
print("scores", attn_scores_2)


def softmax_naive(x):
    return torch.exp(x) / torch.exp(x).sum(dim=0)


print("naive", softmax_naive(attn_scores_2))
attn_weights_2 = torch.softmax(attn_scores_2, dim=0)
print("weights", attn_weights_2, "sum", attn_weights_2.sum())
context_vec_2 = torch.zeros(query.shape)
for i, x_i in enumerate(inputs):
    context_vec_2 += attn_weights_2[i] * x_i
print("context", context_vec_2)

attn_scores = inputs @ inputs.T
attn_weights = torch.softmax(attn_scores, dim=-1)
print("row sums", attn_weights.sum(dim=-1))
all_context_vecs = attn_weights @ inputs
print("all context", all_context_vecs)

x_2 = inputs[1]
d_in = inputs.shape[1]
d_out = 2
torch.manual_seed(123)
W_query = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
W_key = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
W_value = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
query_2 = x_2 @ W_query
keys = inputs @ W_key
values = inputs @ W_value
print("keys.shape:", keys.shape)
attn_scores_2 = query_2 @ keys.T
d_k = keys.shape[-1]
attn_weights_2 = torch.softmax(attn_scores_2 / d_k**0.5, dim=-1)
print("scaled weights", attn_weights_2)
print("context_vec_2", attn_weights_2 @ values)


class SelfAttention_v1(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.W_query = nn.Parameter(torch.rand(d_in, d_out))
        self.W_key = nn.Parameter(torch.rand(d_in, d_out))
        self.W_value = nn.Parameter(torch.rand(d_in, d_out))

    def forward(self, x):
        keys = x @ self.W_key
        queries = x @ self.W_query
        values = x @ self.W_value
        attn_scores = queries @ keys.T
        attn_weights = torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1)
        return attn_weights @ values


class SelfAttention_v2(nn.Module):
    def __init__(self, d_in, d_out, qkv_bias=False):
        super().__init__()
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)

    def forward(self, x):
        keys = self.W_key(x)
        queries = self.W_query(x)
        values = self.W_value(x)
        attn_scores = queries @ keys.T
        attn_weights = torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1)
        return attn_weights @ values


torch.manual_seed(123)
sa_v1 = SelfAttention_v1(d_in, d_out)
print("v1", sa_v1(inputs))
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in, d_out)
print("v2", sa_v2(inputs))
# exercise 3.1: copy v2's weights into v1 (transposed) and get the same outputs
sa_v1.W_query = torch.nn.Parameter(sa_v2.W_query.weight.T)
sa_v1.W_key = torch.nn.Parameter(sa_v2.W_key.weight.T)
sa_v1.W_value = torch.nn.Parameter(sa_v2.W_value.weight.T)
print("v1 == v2:", torch.allclose(sa_v1(inputs), sa_v2(inputs)))

queries = sa_v2.W_query(inputs)
keys = sa_v2.W_key(inputs)
attn_scores = queries @ keys.T
attn_weights = torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1)
context_length = attn_scores.shape[0]
mask_simple = torch.tril(torch.ones(context_length, context_length))
masked_simple = attn_weights * mask_simple
row_sums = masked_simple.sum(dim=-1, keepdim=True)
masked_simple_norm = masked_simple / row_sums
print("renormalized", masked_simple_norm)
mask = torch.triu(torch.ones(context_length, context_length), diagonal=1)
masked = attn_scores.masked_fill(mask.bool(), -torch.inf)
print("masked", masked)
attn_weights = torch.softmax(masked / keys.shape[-1]**0.5, dim=1)
print("same as renormalized:", torch.allclose(attn_weights, masked_simple_norm))
torch.manual_seed(123)
dropout = torch.nn.Dropout(0.5)
example = torch.ones(6, 6)
print("dropout ones", dropout(example))
print("dropout weights", dropout(attn_weights))


class CausalAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, qkv_bias=False):
        super().__init__()
        self.d_out = d_out
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer('mask', torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x)
        queries = self.W_query(x)
        values = self.W_value(x)
        attn_scores = queries @ keys.transpose(1, 2)
        attn_scores.masked_fill_(self.mask.bool()[:num_tokens, :num_tokens], -torch.inf)
        attn_weights = torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1)
        attn_weights = self.dropout(attn_weights)
        return attn_weights @ values


class MultiHeadAttentionWrapper(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.heads = nn.ModuleList(
            [CausalAttention(d_in, d_out, context_length, dropout, qkv_bias) for _ in range(num_heads)])

    def forward(self, x):
        return torch.cat([head(x) for head in self.heads], dim=-1)


batch = torch.stack((inputs, inputs), dim=0)
print("batch.shape", batch.shape)
torch.manual_seed(123)
ca = CausalAttention(d_in, d_out, batch.shape[1], 0.0)
context_vecs = ca(batch)
print("causal", context_vecs.shape, context_vecs[0])
torch.manual_seed(123)
mha = MultiHeadAttentionWrapper(d_in, d_out, batch.shape[1], 0.0, num_heads=2)
context_vecs = mha(batch)
print("wrapper", context_vecs.shape, context_vecs[1])
print("state keys", list(mha.state_dict().keys())[:4])


# ---------------------------------------------------------------- a tiny GPT
class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1),
                             persistent=False)

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        queries = self.W_query(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        values = self.W_value(x).view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        attn_scores = queries @ keys.transpose(2, 3)
        mask_bool = self.mask.bool()[:num_tokens, :num_tokens]
        attn_scores.masked_fill_(mask_bool, -torch.inf)
        attn_weights = self.dropout(torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1))
        context_vec = (attn_weights @ values).transpose(1, 2)
        context_vec = context_vec.contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context_vec)


class GELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["context_length"], cfg["drop_rate"],
                                      cfg["n_heads"], cfg["qkv_bias"])
        self.ff = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]), GELU(),
                                nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))
        self.norm1 = nn.LayerNorm(cfg["emb_dim"])
        self.norm2 = nn.LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        shortcut = x
        x = self.drop_shortcut(self.att(self.norm1(x)))
        x = x + shortcut
        shortcut = x
        x = self.drop_shortcut(self.ff(self.norm2(x)))
        return x + shortcut


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = nn.LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx):
        batch_size, seq_len = in_idx.shape
        tok_embeds = self.tok_emb(in_idx)
        pos_embeds = self.pos_emb(torch.arange(seq_len, device=in_idx.device))
        x = self.drop_emb(tok_embeds + pos_embeds)
        x = self.trf_blocks(x)
        x = self.final_norm(x)
        return self.out_head(x)


# ---------------------------------------------------------------- chapter 6: classification finetuning
vocab = ["<|endoftext|>"] + words(60)
stoi = {w: i for i, w in enumerate(vocab)}
PAD = stoi["<|endoftext|>"]
cfg = {"vocab_size": len(vocab), "context_length": 12, "emb_dim": 16, "n_heads": 2, "n_layers": 2,
       "drop_rate": 0.1, "qkv_bias": True}

gen = torch.Generator().manual_seed(0)
texts, labels = [], []
for i in range(48):
    n = int(torch.randint(3, 10, (1,), generator=gen))
    ids = torch.randint(1, len(vocab), (n,), generator=gen).tolist()
    label = int(sum(ids) % 2 == 0)  # "spam" when the token ids sum to an even number
    texts.append(ids)
    labels.append(label)


class SpamDataset(Dataset):
    def __init__(self, encoded, labels, max_length=None, pad_token_id=PAD):
        self.encoded_texts = [e[:max_length] if max_length else e for e in encoded]
        if max_length is None:
            max_length = self._longest_encoded_length()
        self.max_length = max_length
        self.encoded_texts = [e + [pad_token_id] * (self.max_length - len(e)) for e in self.encoded_texts]
        self.labels = labels

    def __getitem__(self, index):
        return (torch.tensor(self.encoded_texts[index], dtype=torch.long),
                torch.tensor(self.labels[index], dtype=torch.long))

    def __len__(self):
        return len(self.labels)

    def _longest_encoded_length(self):
        return max(len(e) for e in self.encoded_texts)


train_ds = SpamDataset(texts[:32], labels[:32])
val_ds = SpamDataset(texts[32:], labels[32:], max_length=train_ds.max_length)
print("max_length", train_ds.max_length, "balance", sum(labels[:32]), sum(labels[32:]))
torch.manual_seed(123)
train_loader = DataLoader(train_ds, batch_size=8, shuffle=True, drop_last=True)
val_loader = DataLoader(val_ds, batch_size=8, shuffle=False)
for input_batch, target_batch in train_loader:
    pass
print("Input batch dimensions:", input_batch.shape, "Label batch dimensions", target_batch.shape)
print(f"{len(train_loader)} training batches, {len(val_loader)} validation batches")

torch.manual_seed(123)
model = GPTModel(cfg)
# "pretraining": a few next-token steps so the backbone is not random
opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.1)
stream = torch.tensor([t for e in texts for t in e])
for step in range(6):
    starts = torch.randint(0, len(stream) - cfg["context_length"] - 1, (8,))
    x = torch.stack([stream[s:s + cfg["context_length"]] for s in starts])
    y = torch.stack([stream[s + 1:s + cfg["context_length"] + 1] for s in starts])
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
    loss.backward()
    opt.step()
print(f"pretrain loss {loss.item():.5f}")

for param in model.parameters():
    param.requires_grad = False
torch.manual_seed(123)
num_classes = 2
model.out_head = torch.nn.Linear(in_features=cfg["emb_dim"], out_features=num_classes)
for param in model.trf_blocks[-1].parameters():
    param.requires_grad = True
for param in model.final_norm.parameters():
    param.requires_grad = True
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
total = sum(p.numel() for p in model.parameters())
print(f"trainable {trainable} of {total}")

with torch.no_grad():
    outputs = model(input_batch[:1])
print("Outputs dimensions:", outputs.shape)
print("Last output token:", outputs[:, -1, :])
probas = torch.softmax(outputs[:, -1, :], dim=-1)
print("Class label:", torch.argmax(probas).item())


def calc_accuracy_loader(data_loader, model, num_batches=None):
    model.eval()
    correct_predictions, num_examples = 0, 0
    if num_batches is None:
        num_batches = len(data_loader)
    else:
        num_batches = min(num_batches, len(data_loader))
    for i, (input_batch, target_batch) in enumerate(data_loader):
        if i < num_batches:
            with torch.no_grad():
                logits = model(input_batch)[:, -1, :]
            predicted_labels = torch.argmax(logits, dim=-1)
            num_examples += predicted_labels.shape[0]
            correct_predictions += (predicted_labels == target_batch).sum().item()
        else:
            break
    return correct_predictions / num_examples


def calc_loss_batch(input_batch, target_batch, model):
    logits = model(input_batch)[:, -1, :]
    return torch.nn.functional.cross_entropy(logits, target_batch)


def calc_loss_loader(data_loader, model, num_batches=None):
    total_loss = 0.
    if len(data_loader) == 0:
        return float("nan")
    elif num_batches is None:
        num_batches = len(data_loader)
    else:
        num_batches = min(num_batches, len(data_loader))
    for i, (input_batch, target_batch) in enumerate(data_loader):
        if i < num_batches:
            total_loss += calc_loss_batch(input_batch, target_batch, model).item()
        else:
            break
    return total_loss / num_batches


torch.manual_seed(123)
print(f"Training accuracy: {calc_accuracy_loader(train_loader, model, num_batches=2) * 100:.2f}%")
print(f"Validation accuracy: {calc_accuracy_loader(val_loader, model) * 100:.2f}%")
with torch.no_grad():
    print(f"Training loss: {calc_loss_loader(train_loader, model, num_batches=2):.5f}")


def train_classifier_simple(model, train_loader, val_loader, optimizer, num_epochs, eval_freq, eval_iter):
    train_losses, val_losses, train_accs, val_accs = [], [], [], []
    examples_seen, global_step = 0, -1
    for epoch in range(num_epochs):
        model.train()
        for input_batch, target_batch in train_loader:
            optimizer.zero_grad()
            loss = calc_loss_batch(input_batch, target_batch, model)
            loss.backward()
            optimizer.step()
            examples_seen += input_batch.shape[0]
            global_step += 1
            if global_step % eval_freq == 0:
                model.eval()
                with torch.no_grad():
                    train_loss = calc_loss_loader(train_loader, model, num_batches=eval_iter)
                    val_loss = calc_loss_loader(val_loader, model, num_batches=eval_iter)
                model.train()
                train_losses.append(train_loss)
                val_losses.append(val_loss)
                print(f"Ep {epoch + 1} (Step {global_step:06d}): Train loss {train_loss:.5f}, Val loss {val_loss:.5f}")
        train_accuracy = calc_accuracy_loader(train_loader, model, num_batches=eval_iter)
        val_accuracy = calc_accuracy_loader(val_loader, model, num_batches=eval_iter)
        print(f"Training accuracy: {train_accuracy * 100:.2f}% | Validation accuracy: {val_accuracy * 100:.2f}%")
        train_accs.append(train_accuracy)
        val_accs.append(val_accuracy)
    return train_losses, val_losses, train_accs, val_accs, examples_seen


torch.manual_seed(123)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.1)
train_losses, val_losses, train_accs, val_accs, examples_seen = train_classifier_simple(
    model, train_loader, val_loader, optimizer, num_epochs=3, eval_freq=4, eval_iter=2)
print("examples seen", examples_seen, "frozen embedding grad", model.tok_emb.weight.grad)
epochs_tensor = torch.linspace(0, 3, len(train_losses))
examples_seen_tensor = torch.linspace(0, examples_seen, len(train_losses))
print("plot axes", epochs_tensor[-1].item(), examples_seen_tensor[1].item())


def classify_review(ids, model, max_length=None, pad_token_id=PAD):
    model.eval()
    supported_context_length = model.pos_emb.weight.shape[0]
    input_ids = ids[:min(max_length, supported_context_length)]
    input_ids += [pad_token_id] * (max_length - len(input_ids))
    input_tensor = torch.tensor(input_ids).unsqueeze(0)
    with torch.no_grad():
        logits = model(input_tensor)[:, -1, :]
    predicted_label = torch.argmax(logits, dim=-1).item()
    return "spam" if predicted_label == 1 else "not spam"


print("review:", classify_review([3, 5, 7], model, max_length=train_ds.max_length))
print("review:", classify_review(list(range(1, 20)), model, max_length=train_ds.max_length))


# ---------------------------------------------------------------- chapter 7: instruction collate
def custom_collate_fn(batch, pad_token_id=PAD, ignore_index=-100, allowed_max_length=None, device="cpu"):
    batch_max_length = max(len(item) + 1 for item in batch)
    inputs_lst, targets_lst = [], []
    for item in batch:
        new_item = item.copy()
        new_item += [pad_token_id]
        padded = new_item + [pad_token_id] * (batch_max_length - len(new_item))
        inputs = torch.tensor(padded[:-1])
        targets = torch.tensor(padded[1:])
        mask = targets == pad_token_id
        indices = torch.nonzero(mask).squeeze()
        if indices.numel() > 1:
            targets[indices[1:]] = ignore_index
        if allowed_max_length is not None:
            inputs = inputs[:allowed_max_length]
            targets = targets[:allowed_max_length]
        inputs_lst.append(inputs)
        targets_lst.append(targets)
    return torch.stack(inputs_lst).to(device), torch.stack(targets_lst).to(device)


inputs_1 = [0, 1, 2, 3, 4]
inputs_2 = [5, 6]
inputs_3 = [7, 8, 9]
batch = (inputs_1, inputs_2, inputs_3)
print(custom_collate_fn(batch, pad_token_id=50256))
print(custom_collate_fn(batch, pad_token_id=50256, allowed_max_length=4))
logits_1 = torch.tensor([[-1.0, 1.0], [-0.5, 1.5]])
targets_1 = torch.tensor([0, 1])
loss_1 = torch.nn.functional.cross_entropy(logits_1, targets_1)
logits_2 = torch.tensor([[-1.0, 1.0], [-0.5, 1.5], [-0.5, 1.5]])
targets_2 = torch.tensor([0, 1, 1])
targets_3 = torch.tensor([0, 1, -100])
print("loss_1", loss_1, "loss_2", torch.nn.functional.cross_entropy(logits_2, targets_2),
      "loss_3", torch.nn.functional.cross_entropy(logits_2, targets_3))


class InstructionDataset(Dataset):
    def __init__(self, data):
        self.encoded_texts = data

    def __getitem__(self, index):
        return self.encoded_texts[index]

    def __len__(self):
        return len(self.encoded_texts)


customized_collate_fn = partial(custom_collate_fn, device="cpu", allowed_max_length=cfg["context_length"])
torch.manual_seed(123)
instr_loader = DataLoader(InstructionDataset(texts), batch_size=6, collate_fn=customized_collate_fn,
                          shuffle=True, drop_last=True, num_workers=0)
torch.manual_seed(123)
sft = GPTModel(dict(cfg, drop_rate=0.0))
opt = torch.optim.AdamW(sft.parameters(), lr=5e-4, weight_decay=0.1)
for epoch in range(2):
    total, count = 0.0, 0
    for inputs, targets in instr_loader:
        opt.zero_grad()
        logits = sft(inputs)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())
        loss.backward()
        opt.step()
        total += loss.item()
        count += (targets != -100).sum().item()
    print(f"sft epoch {epoch} | mean loss {total / len(instr_loader):.5f} | supervised tokens {count} | "
          f"shape {tuple(inputs.shape)}")
