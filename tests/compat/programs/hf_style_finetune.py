"""A transformers-style model and fine-tuning loop written without the
library, in its idioms: a Config class serialized with to_dict/json, a
ModelOutput dataclass that is also an OrderedDict (attribute, key and index
access, None fields skipped), BertSelfAttention with transpose_for_scores,
the extended attention mask (1.0 - mask) * torch.finfo(dtype).min, head_mask,
output_attentions / output_hidden_states tuples, a pooler, a classification
head switching on problem_type (regression / single_label / multi_label),
_init_weights through self.apply with normal_(std=initializer_range), a
DataCollatorWithPadding by hand (pad_to_multiple_of=8), AdamW with no_decay
by name ("bias", "LayerNorm.weight"), get_linear_schedule_with_warmup by
LambdaLR, gradient accumulation, save_pretrained/from_pretrained through a
temporary directory (config.json + pytorch_model.bin), and compute_metrics.
Seeded: every number agrees."""

import json
import math
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Optional, Tuple

import torch
import torch.nn as nn
from torch.nn import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

from _data import words


class BertConfig:
    model_type = "bert"

    def __init__(self, vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=64, hidden_act="gelu", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                 max_position_embeddings=64, type_vocab_size=2, initializer_range=0.02, layer_norm_eps=1e-12,
                 pad_token_id=0, num_labels=2, problem_type=None, **kwargs):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.hidden_dropout_prob = hidden_dropout_prob
        self.attention_probs_dropout_prob = attention_probs_dropout_prob
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.initializer_range = initializer_range
        self.layer_norm_eps = layer_norm_eps
        self.pad_token_id = pad_token_id
        self.num_labels = num_labels
        self.problem_type = problem_type
        for k, v in kwargs.items():
            setattr(self, k, v)

    def to_dict(self):
        return dict(sorted(self.__dict__.items()))

    def save_pretrained(self, path):
        with open(os.path.join(path, "config.json"), "w") as f:
            json.dump(self.to_dict(), f, indent=2, sort_keys=True)

    @classmethod
    def from_pretrained(cls, path):
        with open(os.path.join(path, "config.json")) as f:
            return cls(**json.load(f))


class ModelOutput(OrderedDict):
    def __post_init__(self):
        for field in fields(self):
            v = getattr(self, field.name)
            if v is not None:
                self[field.name] = v

    def __getitem__(self, k):
        if isinstance(k, str):
            return dict(self.items())[k]
        return self.to_tuple()[k]

    def __setattr__(self, name, value):
        if name in self.keys() and value is not None:
            super().__setitem__(name, value)
        super().__setattr__(name, value)

    def to_tuple(self):
        return tuple(self[k] for k in self.keys())


@dataclass
class BaseModelOutputWithPooling(ModelOutput):
    last_hidden_state: torch.FloatTensor = None
    pooler_output: torch.FloatTensor = None
    hidden_states: Optional[Tuple[torch.FloatTensor]] = None
    attentions: Optional[Tuple[torch.FloatTensor]] = None


@dataclass
class SequenceClassifierOutput(ModelOutput):
    loss: Optional[torch.FloatTensor] = None
    logits: torch.FloatTensor = None
    hidden_states: Optional[Tuple[torch.FloatTensor]] = None
    attentions: Optional[Tuple[torch.FloatTensor]] = None


ACT2FN = {"gelu": nn.GELU(), "relu": nn.ReLU(), "gelu_new": nn.GELU(approximate="tanh")}


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)),
                             persistent=False)
        self.register_buffer("token_type_ids", torch.zeros(self.position_ids.size(), dtype=torch.long),
                             persistent=False)

    def forward(self, input_ids, token_type_ids=None):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        if token_type_ids is None:
            buffered_token_type_ids = self.token_type_ids[:, :seq_length]
            token_type_ids = buffered_token_type_ids.expand(input_ids.shape[0], seq_length)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = int(config.hidden_size / config.num_attention_heads)
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask=None, head_mask=None, output_attentions=False):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        if attention_mask is not None:
            attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        if head_mask is not None:
            attention_probs = attention_probs * head_mask
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        context_layer = context_layer.view(new_context_layer_shape)
        return (context_layer, attention_probs) if output_attentions else (context_layer,)


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = BertSelfAttention(config)
        self.attn_out = nn.Linear(config.hidden_size, config.hidden_size)
        self.attn_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.intermediate_act_fn = ACT2FN[config.hidden_act]
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.out_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, attention_mask=None, head_mask=None, output_attentions=False):
        self_outputs = self.attention(hidden_states, attention_mask, head_mask, output_attentions)
        attention_output = self.attn_norm(self.dropout(self.attn_out(self_outputs[0])) + hidden_states)
        layer_output = self.out_norm(self.dropout(self.output(self.intermediate_act_fn(
            self.intermediate(attention_output)))) + attention_output)
        return (layer_output,) + self_outputs[1:]


class BertPreTrainedModel(nn.Module):
    config_class = BertConfig
    base_model_prefix = "bert"

    def __init__(self, config):
        super().__init__()
        self.config = config

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def post_init(self):
        self.apply(self._init_weights)

    def get_extended_attention_mask(self, attention_mask, dtype=torch.float32):
        extended_attention_mask = attention_mask[:, None, None, :]
        extended_attention_mask = extended_attention_mask.to(dtype=dtype)
        return (1.0 - extended_attention_mask) * torch.finfo(dtype).min

    def save_pretrained(self, save_directory):
        os.makedirs(save_directory, exist_ok=True)
        self.config.save_pretrained(save_directory)
        torch.save(self.state_dict(), os.path.join(save_directory, "pytorch_model.bin"))

    @classmethod
    def from_pretrained(cls, path, **kwargs):
        config = cls.config_class.from_pretrained(path)
        for k, v in kwargs.items():
            setattr(config, k, v)
        model = cls(config)
        state_dict = torch.load(os.path.join(path, "pytorch_model.bin"), map_location="cpu", weights_only=True)
        missing, unexpected = model.load_state_dict(state_dict, strict=False)
        return model, {"missing_keys": missing, "unexpected_keys": unexpected}


class BertModel(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.embeddings = BertEmbeddings(config)
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])
        self.pooler = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.Tanh())
        self.post_init()

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, head_mask=None, output_attentions=False,
                output_hidden_states=False, return_dict=True):
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.shape, device=input_ids.device)
        extended_attention_mask = self.get_extended_attention_mask(attention_mask)
        if head_mask is not None and head_mask.dim() == 1:
            head_mask = head_mask.unsqueeze(0).unsqueeze(0).unsqueeze(-1).unsqueeze(-1)
        hidden_states = self.embeddings(input_ids, token_type_ids)
        all_hidden_states = () if output_hidden_states else None
        all_attentions = () if output_attentions else None
        for layer_module in self.layer:
            if output_hidden_states:
                all_hidden_states = all_hidden_states + (hidden_states,)
            layer_outputs = layer_module(hidden_states, extended_attention_mask, head_mask, output_attentions)
            hidden_states = layer_outputs[0]
            if output_attentions:
                all_attentions = all_attentions + (layer_outputs[1],)
        if output_hidden_states:
            all_hidden_states = all_hidden_states + (hidden_states,)
        pooled_output = self.pooler(hidden_states[:, 0])
        if not return_dict:
            return tuple(v for v in [hidden_states, pooled_output, all_hidden_states, all_attentions] if v is not None)
        return BaseModelOutputWithPooling(last_hidden_state=hidden_states, pooler_output=pooled_output,
                                          hidden_states=all_hidden_states, attentions=all_attentions)


class BertForSequenceClassification(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, output_attentions=False):
        outputs = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                            output_attentions=output_attentions)
        pooled_output = self.dropout(outputs[1])
        logits = self.classifier(pooled_output)
        loss = None
        if labels is not None:
            if self.config.problem_type is None:
                if self.num_labels == 1:
                    self.config.problem_type = "regression"
                elif self.num_labels > 1 and (labels.dtype == torch.long or labels.dtype == torch.int):
                    self.config.problem_type = "single_label_classification"
                else:
                    self.config.problem_type = "multi_label_classification"
            if self.config.problem_type == "regression":
                loss = MSELoss()(logits.squeeze(), labels.squeeze())
            elif self.config.problem_type == "single_label_classification":
                loss = CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))
            else:
                loss = BCEWithLogitsLoss()(logits, labels)
        return SequenceClassifierOutput(loss=loss, logits=logits, attentions=outputs.attentions)


# ------------------------------------------------------------------ data: toy sentiment on Shakespeare words
vocab = ["[PAD]", "[CLS]", "[SEP]", "[UNK]"] + words(60)
stoi = {w: i for i, w in enumerate(vocab)}
POS = set(vocab[4:34])
gen = torch.Generator().manual_seed(0)
examples = []
for _ in range(160):
    n = int(torch.randint(3, 14, (1,), generator=gen))
    ids = torch.randint(4, len(vocab), (n,), generator=gen).tolist()
    toks = [vocab[i] for i in ids]
    label = int(sum(t in POS for t in toks) * 2 > n)
    examples.append({"input_ids": [stoi["[CLS]"]] + ids + [stoi["[SEP]"]], "label": label})
print("examples", len(examples), "positive", sum(e["label"] for e in examples))


def data_collator(features, pad_to_multiple_of=8):
    max_len = max(len(f["input_ids"]) for f in features)
    if pad_to_multiple_of:
        max_len = ((max_len + pad_to_multiple_of - 1) // pad_to_multiple_of) * pad_to_multiple_of
    batch = {"input_ids": [], "attention_mask": [], "labels": []}
    for f in features:
        pad = max_len - len(f["input_ids"])
        batch["input_ids"].append(f["input_ids"] + [stoi["[PAD]"]] * pad)
        batch["attention_mask"].append([1] * len(f["input_ids"]) + [0] * pad)
        batch["labels"].append(f["label"])
    return {k: torch.tensor(v) for k, v in batch.items()}


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, last_epoch=-1):
    def lr_lambda(current_step: int):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) /
                   float(max(1, num_training_steps - num_warmup_steps)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch)


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    predictions = logits.argmax(-1)
    tp = ((predictions == 1) & (labels == 1)).sum().item()
    fp = ((predictions == 1) & (labels == 0)).sum().item()
    fn = ((predictions == 0) & (labels == 1)).sum().item()
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    return {"accuracy": (predictions == labels).float().mean().item(), "f1": f1}


train_examples, eval_examples = examples[:128], examples[128:]
sample = data_collator(train_examples[:3])
print("collated", {k: tuple(v.shape) for k, v in sample.items()}, "mask sums", sample["attention_mask"].sum(1).tolist())

config = BertConfig(vocab_size=len(vocab), num_labels=2)
torch.manual_seed(42)
model = BertForSequenceClassification(config)
print("params", sum(p.numel() for p in model.parameters()), "pad row zero",
      bool((model.bert.embeddings.word_embeddings.weight[0] == 0).all()),
      f"classifier std {model.classifier.weight.std().item():.6f}")
out = model(**sample, output_attentions=True)
print("output keys", list(out.keys()), "loss via attr/key/index", torch.equal(out.loss, out["loss"]),
      torch.equal(out[0], out.loss), "attentions", len(out.attentions), tuple(out.attentions[0].shape))
print("masked attention to padding", out.attentions[0][0, :, :, sample["attention_mask"][0] == 0].abs().max().item())
tuple_out = model.bert(sample["input_ids"], sample["attention_mask"], return_dict=False)
print("return_dict=False", len(tuple_out), "problem_type", model.config.problem_type,
      "finfo.min", torch.finfo(torch.float32).min)

no_decay = ["bias", "LayerNorm.weight", "_norm.weight"]
optimizer_grouped_parameters = [
    {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
]
print("groups", [len(g["params"]) for g in optimizer_grouped_parameters])
optimizer = torch.optim.AdamW(optimizer_grouped_parameters, lr=3e-3, eps=1e-8)
per_device_batch, accumulation_steps, epochs = 8, 2, 4
steps_per_epoch = len(train_examples) // (per_device_batch * accumulation_steps)
scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=2, num_training_steps=epochs * steps_per_epoch)
order_gen = torch.Generator().manual_seed(1)
global_step = 0
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(train_examples), generator=order_gen).tolist()
    running = 0.0
    for step, start in enumerate(range(0, len(perm), per_device_batch)):
        batch = data_collator([train_examples[i] for i in perm[start:start + per_device_batch]])
        outputs = model(**batch)
        loss = outputs.loss / accumulation_steps
        loss.backward()
        running += loss.item()
        if (step + 1) % accumulation_steps == 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            global_step += 1
    model.eval()
    all_logits, all_labels = [], []
    with torch.no_grad():
        for start in range(0, len(eval_examples), 16):
            batch = data_collator(eval_examples[start:start + 16])
            all_logits.append(model(**batch).logits)
            all_labels.append(batch["labels"])
    metrics = compute_metrics((torch.cat(all_logits), torch.cat(all_labels)))
    print(f"epoch {epoch} | step {global_step} | loss {running / steps_per_epoch:.6f} | lr "
          f"{scheduler.get_last_lr()[0]:.6e} | eval acc {metrics['accuracy']:.4f} f1 {metrics['f1']:.4f}")

with tempfile.TemporaryDirectory() as tmp:
    model.save_pretrained(tmp)
    print("saved", sorted(os.listdir(tmp)))
    reloaded, info = BertForSequenceClassification.from_pretrained(tmp)
    print("missing", info["missing_keys"], "unexpected", info["unexpected_keys"], "num_labels", reloaded.num_labels)
    reloaded.eval()
    with torch.no_grad():
        batch = data_collator(eval_examples[:4])
        same = torch.allclose(reloaded(**batch).logits, model(**batch).logits)
    print("reloaded logits equal", same)
    # a head of another size does not load, strict=False or not (transformers filters such keys first)
    try:
        BertForSequenceClassification.from_pretrained(tmp, num_labels=3)
    except RuntimeError as e:
        print("resized head: RuntimeError", isinstance(e, RuntimeError), "size mismatch" in str(e),
              "classifier.weight" in str(e))

torch.manual_seed(0)
for problem, labels in (("regression", torch.tensor([0.5, -1.0, 2.0])),
                        ("multi_label_classification", torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0],
                                                                     [1.0, 1.0, 0.0]]))):
    cfg = BertConfig(vocab_size=len(vocab), num_labels=1 if problem == "regression" else 3, hidden_dropout_prob=0.0,
                     attention_probs_dropout_prob=0.0)
    m = BertForSequenceClassification(cfg)
    batch = data_collator(train_examples[:3])
    del batch["labels"]
    out = m(**batch, labels=labels)
    print(problem, "->", m.config.problem_type, f"loss {out.loss.item():.6f}", "logits", tuple(out.logits.shape))
