"""HuggingFace transformers' Trainer internals re-created without the library, as blog posts that port
them write: the schedule family of optimization.py (constant / constant-with-warmup / linear / cosine /
cosine-with-hard-restarts / polynomial / inverse-sqrt / warmup-stable-decay) as LambdaLR over
functools.partial lambdas, their state_dict round trip; get_parameter_names that leaves LayerNorm weights
and biases out of weight decay; trainer_pt_utils.LabelSmoother (log_softmax, ignore_index=-100 padding
mask, gather + the smoothed term, num_active_elements); set_seed; a RandomSampler driven by a seeded
torch.Generator; gradient accumulation with loss / steps and clip_grad_norm_; EarlyStoppingCallback-style
patience on the eval loss; and the nested_concat / nested_numpify helpers collecting eval logits."""

import math
import random
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler

import _data


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - transformers seeds the legacy stream
    torch.manual_seed(seed)


def _get_constant_lambda(_=None):
    return 1


def _get_constant_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1.0, num_warmup_steps))
    return 1.0


def _get_linear_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps, num_training_steps):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))


def _get_cosine_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps, num_training_steps, num_cycles):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))


def _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps,
                                                                  num_training_steps, num_cycles):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    if progress >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))


def _get_polynomial_decay_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps, num_training_steps,
                                                         lr_end, power, lr_init):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    elif current_step > num_training_steps:
        return lr_end / lr_init
    else:
        lr_range = lr_init - lr_end
        decay_steps = num_training_steps - num_warmup_steps
        pct_remaining = 1 - (current_step - num_warmup_steps) / decay_steps
        decay = lr_range * pct_remaining ** power + lr_end
        return decay / lr_init


def _get_inverse_sqrt_schedule_lr_lambda(current_step, *, num_warmup_steps, timescale=None):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    shift = timescale - num_warmup_steps
    decay = 1.0 / math.sqrt((current_step + shift) / timescale)
    return decay


def _get_wsd_scheduling_lr_lambda(current_step, *, num_warmup_steps, num_stable_steps, num_decay_steps,
                                  min_lr_ratio, num_cycles):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    if current_step < num_warmup_steps + num_stable_steps:
        return 1.0
    if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
        progress = float(current_step - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
        value = max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))
        return (1.0 - min_lr_ratio) * value + min_lr_ratio
    return min_lr_ratio


def get_scheduler(name, optimizer, num_warmup_steps=0, num_training_steps=None, last_epoch=-1):
    if name == "constant":
        fn = _get_constant_lambda
    elif name == "constant_with_warmup":
        fn = partial(_get_constant_schedule_with_warmup_lr_lambda, num_warmup_steps=num_warmup_steps)
    elif name == "linear":
        fn = partial(_get_linear_schedule_with_warmup_lr_lambda, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps)
    elif name == "cosine":
        fn = partial(_get_cosine_schedule_with_warmup_lr_lambda, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps, num_cycles=0.5)
    elif name == "cosine_with_restarts":
        fn = partial(_get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda,
                     num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, num_cycles=2)
    elif name == "polynomial":
        lr_init = optimizer.defaults["lr"]
        fn = partial(_get_polynomial_decay_schedule_with_warmup_lr_lambda, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps, lr_end=1e-7, power=2.0, lr_init=lr_init)
    elif name == "inverse_sqrt":
        fn = partial(_get_inverse_sqrt_schedule_lr_lambda, num_warmup_steps=num_warmup_steps,
                     timescale=num_warmup_steps or 10_000)
    elif name == "warmup_stable_decay":
        fn = partial(_get_wsd_scheduling_lr_lambda, num_warmup_steps=num_warmup_steps, num_stable_steps=4,
                     num_decay_steps=4, min_lr_ratio=0.1, num_cycles=0.5)
    else:
        raise ValueError(name)
    return LambdaLR(optimizer, fn, last_epoch)


set_seed(42)
for name in ["constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts", "polynomial",
             "inverse_sqrt", "warmup_stable_decay"]:
    opt = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=1e-3)
    sched = get_scheduler(name, opt, num_warmup_steps=3, num_training_steps=12)
    lrs = []
    for _ in range(14):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    print(f"{name:22s}", " ".join(f"{lr:.3e}" for lr in lrs))

# a LambdaLR over a partial: what its state_dict keeps and how a resume continues
opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
sched = get_scheduler("linear", opt, num_warmup_steps=2, num_training_steps=10)
for _ in range(4):
    opt.step()
    sched.step()
state = sched.state_dict()
print("scheduler state", sorted(state), state["last_epoch"], state["_step_count"], state["lr_lambdas"],
      state["base_lrs"])
opt2 = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
sched2 = get_scheduler("linear", opt2, num_warmup_steps=2, num_training_steps=10)
sched2.load_state_dict(state)
print("resumed lr", sched2.get_last_lr(), "after a step", (opt2.step(), sched2.step(), sched2.get_last_lr())[2])


class LabelSmoother:
    epsilon: float = 0.1
    ignore_index: int = -100

    def __call__(self, model_output, labels, shift_labels=False):
        logits = model_output["logits"] if isinstance(model_output, dict) else model_output[0]
        if shift_labels:
            logits = logits[..., :-1, :].contiguous()
            labels = labels[..., 1:].contiguous()
        log_probs = -nn.functional.log_softmax(logits, dim=-1)
        if labels.dim() == log_probs.dim() - 1:
            labels = labels.unsqueeze(-1)
        padding_mask = labels.eq(self.ignore_index)
        labels = torch.clamp(labels, min=0)
        nll_loss = log_probs.gather(dim=-1, index=labels)
        smoothed_loss = log_probs.sum(dim=-1, keepdim=True, dtype=torch.float32)
        nll_loss.masked_fill_(padding_mask, 0.0)
        smoothed_loss.masked_fill_(padding_mask, 0.0)
        num_active_elements = padding_mask.numel() - padding_mask.long().sum()
        nll_loss = nll_loss.sum() / num_active_elements
        smoothed_loss = smoothed_loss.sum() / (num_active_elements * log_probs.shape[-1])
        return (1 - self.epsilon) * nll_loss + self.epsilon * smoothed_loss


ALL_LAYERNORM_LAYERS = [nn.LayerNorm]


def get_parameter_names(model, forbidden_layer_types):
    result = []
    for name, child in model.named_children():
        result += [f"{name}.{n}" for n in get_parameter_names(child, forbidden_layer_types)
                   if not isinstance(child, tuple(forbidden_layer_types))]
    result += list(model._parameters.keys())
    return result


class TinyTagger(nn.Module):
    def __init__(self, vocab, dim, n_labels):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.norm = nn.LayerNorm(dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, n_labels)

    def forward(self, input_ids, labels=None):
        h, _ = self.rnn(self.norm(self.embed(input_ids)))
        logits = self.head(h)
        return {"logits": logits}

    def num_parameters(self, only_trainable=False):
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not only_trainable)


words = _data.words(60)
vocab = {w: i + 1 for i, w in enumerate(words)}
VOWEL_LABEL = {c: i for i, c in enumerate("aeiouy")}


class TaggingDataset(Dataset):
    def __init__(self, n, seed):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n):
            sent = rng.sample(words, rng.randint(3, 8))
            labels = [VOWEL_LABEL.get(w[0], 6) for w in sent]
            self.items.append(([vocab[w] for w in sent], labels))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        ids, labels = self.items[i]
        return {"input_ids": ids, "labels": labels}


def data_collator(features):
    max_len = max(len(f["input_ids"]) for f in features)
    batch = {"input_ids": torch.zeros(len(features), max_len, dtype=torch.long),
             "labels": torch.full((len(features), max_len), -100, dtype=torch.long)}
    for i, f in enumerate(features):
        batch["input_ids"][i, :len(f["input_ids"])] = torch.tensor(f["input_ids"])
        batch["labels"][i, :len(f["labels"])] = torch.tensor(f["labels"])
    return batch


def nested_concat(tensors, new_tensors, padding_index=-100):
    if isinstance(tensors, (list, tuple)):
        return type(tensors)(nested_concat(t, n, padding_index) for t, n in zip(tensors, new_tensors))
    if len(tensors.shape) == 1 or tensors.shape[1] == new_tensors.shape[1]:
        return torch.cat((tensors, new_tensors), dim=0)
    new_shape = (tensors.shape[0] + new_tensors.shape[0], max(tensors.shape[1], new_tensors.shape[1])) + \
        tensors.shape[2:]
    result = tensors.new_full(new_shape, padding_index)
    result[: tensors.shape[0], : tensors.shape[1]] = tensors
    result[tensors.shape[0]:, : new_tensors.shape[1]] = new_tensors
    return result


def nested_numpify(tensors):
    if isinstance(tensors, (list, tuple)):
        return type(tensors)(nested_numpify(t) for t in tensors)
    t = tensors.cpu()
    if t.dtype == torch.bfloat16:
        t = t.to(torch.float32)
    return t.numpy()


set_seed(0)
train_ds, eval_ds = TaggingDataset(160, 1), TaggingDataset(40, 2)
model = TinyTagger(len(vocab) + 1, 24, 7)
print("params", model.num_parameters(), "trainable", model.num_parameters(only_trainable=True))
decay_parameters = get_parameter_names(model, ALL_LAYERNORM_LAYERS)
decay_parameters = [name for name in decay_parameters if "bias" not in name]
print("decay", decay_parameters)
optimizer_grouped_parameters = [
    {"params": [p for n, p in model.named_parameters() if n in decay_parameters and p.requires_grad],
     "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if n not in decay_parameters and p.requires_grad],
     "weight_decay": 0.0},
]
optimizer = torch.optim.AdamW(optimizer_grouped_parameters, lr=5e-3, betas=(0.9, 0.999), eps=1e-8)
generator = torch.Generator()
generator.manual_seed(int(torch.empty((), dtype=torch.int64).random_().item()) % 2**31)
train_dataloader = DataLoader(train_ds, batch_size=8, sampler=RandomSampler(train_ds, generator=generator),
                              collate_fn=data_collator, drop_last=False)
eval_dataloader = DataLoader(eval_ds, batch_size=16, sampler=SequentialSampler(eval_ds), collate_fn=data_collator)
gradient_accumulation_steps = 2
num_update_steps_per_epoch = math.ceil(len(train_dataloader) / gradient_accumulation_steps)
num_train_epochs = 6
max_steps = num_update_steps_per_epoch * num_train_epochs
lr_scheduler = get_scheduler("linear", optimizer, num_warmup_steps=int(0.1 * max_steps), num_training_steps=max_steps)
print("update steps per epoch", num_update_steps_per_epoch, "max steps", max_steps)
label_smoother = LabelSmoother()

best_metric, patience, bad_evals = None, 2, 0
global_step = 0
for epoch in range(num_train_epochs):
    model.train()
    tr_loss = torch.tensor(0.0)
    for step, inputs in enumerate(train_dataloader):
        outputs = model(**inputs)
        loss = label_smoother(outputs, inputs["labels"])
        loss = loss / gradient_accumulation_steps
        loss.backward()
        tr_loss += loss.detach()
        if (step + 1) % gradient_accumulation_steps == 0 or step + 1 == len(train_dataloader):
            grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            lr_scheduler.step()
            model.zero_grad()
            global_step += 1
    model.eval()
    all_preds, all_labels, eval_loss = None, None, 0.0
    with torch.no_grad():
        for inputs in eval_dataloader:
            logits = model(**inputs)["logits"]
            eval_loss += nn.functional.cross_entropy(logits.transpose(1, 2), inputs["labels"]).item()
            all_preds = logits if all_preds is None else nested_concat(all_preds, logits)
            all_labels = inputs["labels"] if all_labels is None else nested_concat(all_labels, inputs["labels"])
    preds, labels = nested_numpify((all_preds.argmax(-1), all_labels))
    mask = labels != -100
    accuracy = float((preds[mask] == labels[mask]).mean())
    eval_loss /= len(eval_dataloader)
    print(f"epoch {epoch} step {global_step} train_loss {tr_loss.item() / len(train_dataloader):.5f} "
          f"grad_norm {grad_norm.item():.5f} lr {lr_scheduler.get_last_lr()[0]:.4e} eval_loss {eval_loss:.5f} "
          f"eval_accuracy {accuracy:.4f} shapes {preds.shape} {labels.dtype}")
    if best_metric is None or eval_loss < best_metric - 1e-3:
        best_metric, bad_evals = eval_loss, 0
    else:
        bad_evals += 1
        if bad_evals >= patience:
            print("early stopping at epoch", epoch)
            break
print("best eval loss", round(best_metric, 5))
