"""Embedding-layer details NLP notebooks rely on: nn.Embedding.from_pretrained (freeze, padding_idx),
max_norm renormalization (the weight changes in place), scale_grad_by_freq, sparse gradients with
optim.SparseAdam and SGD, padding_idx rows never updated; EmbeddingBag (mean / sum / max, offsets,
include_last_offset, per_sample_weights, padding_idx, a 2-D input) and F.embedding_bag; F.one_hot;
weight tying of the input embedding and the output projection in a small language model (one shared
Parameter, counted once); gradient clipping by value, clip_grad_norm_ with norm_type inf and 1,
get_total_norm / clip_grads_with_norm_, parameters_to_vector / vector_to_parameters; torch.save of the
tied model's state_dict and of tensors / lists / tuples to a BytesIO, loaded back (weights_only,
map_location). Whole pickled modules are left out: minigrad's checkpoints are pickle-free by design."""

import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)
pretrained = torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.3, -0.2, 0.1]])
frozen = nn.Embedding.from_pretrained(pretrained)
print("frozen", frozen.weight.requires_grad, frozen(torch.tensor([1, 3])).tolist())
trainable = nn.Embedding.from_pretrained(pretrained, freeze=False, padding_idx=0)
print(trainable, trainable.weight.requires_grad)
out = trainable(torch.tensor([[0, 1, 1], [2, 0, 3]]))
out.pow(2).sum().backward()
print("padding row grad", trainable.weight.grad[0].tolist(), "row 1 grad", trainable.weight.grad[1].tolist())

capped = nn.Embedding.from_pretrained(pretrained.clone(), max_norm=1.0)
looked = capped(torch.tensor([1, 2]))
print("max_norm looked", [round(v, 6) for v in looked.norm(dim=1).tolist()],
      "weight renormed in place", [round(v, 6) for v in capped.weight.norm(dim=1).tolist()])
capped2 = nn.Embedding.from_pretrained(pretrained.clone(), max_norm=2.0, norm_type=1.0)
capped2(torch.tensor([1, 1, 3]))
print("max_norm p1", [round(v, 6) for v in capped2.weight.abs().sum(1).tolist()])

freq = nn.Embedding(4, 2, scale_grad_by_freq=True)
with torch.no_grad():
    freq.weight.copy_(torch.arange(8.0).reshape(4, 2) / 10)
freq(torch.tensor([1, 1, 1, 2])).sum().backward()
print("scale_grad_by_freq", freq.weight.grad.tolist())

sparse = nn.Embedding(6, 3, sparse=True)
with torch.no_grad():
    sparse.weight.copy_(torch.linspace(-1, 1, 18).reshape(6, 3))
opt = torch.optim.SparseAdam(sparse.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    sparse(torch.tensor([1, 4, 4])).pow(2).sum().backward()
    opt.step()
print("sparse rows touched",
      [round(v, 6) for v in sparse.weight.sum(1).tolist()])
sgd_sparse = nn.Embedding(5, 2, sparse=True)
sgd = torch.optim.SGD(sgd_sparse.parameters(), lr=0.5)
before = sgd_sparse.weight.detach().clone()
sgd_sparse(torch.tensor([0, 3])).sum().backward()
sgd.step()
print("sgd sparse changed rows", (sgd_sparse.weight != before).any(1).tolist())

bag = nn.EmbeddingBag.from_pretrained(pretrained, mode="sum")
tokens = torch.tensor([1, 2, 3, 1, 3])
offsets = torch.tensor([0, 2, 2])
print("bag sum", bag(tokens, offsets).tolist())
print("bag mean", F.embedding_bag(tokens, pretrained, offsets, mode="mean").tolist())
print("bag max", F.embedding_bag(tokens, pretrained, offsets, mode="max").tolist())
print("bag last offset", F.embedding_bag(tokens, pretrained, torch.tensor([0, 2, 5]), mode="sum",
                                         include_last_offset=True).tolist())
print("bag weights", F.embedding_bag(tokens, pretrained, offsets, mode="sum",
                                     per_sample_weights=torch.tensor([1.0, 0.5, 2.0, -1.0, 0.1])).tolist())
padbag = nn.EmbeddingBag.from_pretrained(pretrained, mode="mean", padding_idx=0)
print("bag padding", padbag(torch.tensor([[1, 0, 0], [2, 3, 0]])).tolist())
print("one_hot", F.one_hot(torch.tensor([0, 2, 1])).tolist(), F.one_hot(torch.tensor([1]), num_classes=4).tolist())


class TiedLM(nn.Module):
    """Embedding -> GRU -> Linear whose weight is the embedding's (Press & Wolf weight tying)."""

    def __init__(self, vocab, dim):
        super().__init__()
        self.encoder = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.decoder = nn.Linear(dim, vocab)
        self.decoder.weight = self.encoder.weight

    def forward(self, x):
        h, _ = self.rnn(self.encoder(x))
        return self.decoder(h)


model = TiedLM(7, 4)
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.7 + i).reshape(p.shape) * 0.4)
print("tied", model.decoder.weight is model.encoder.weight, "params", len(list(model.parameters())),
      "numel", sum(p.numel() for p in model.parameters()), "state keys", len(model.state_dict()))
data = torch.tensor([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [1, 3, 5, 1, 3, 5]])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(6):
    opt.zero_grad()
    logits = model(data[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, 7), data[:, 1:].reshape(-1))
    loss.backward()
    if step == 0:
        print("tied grad shared", model.decoder.weight.grad is model.encoder.weight.grad)
    if step % 2 == 0:
        nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=float("inf"))
    else:
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=1)
    opt.step()
    print(f"step {step} | loss {loss.item():.6f} | norm {norm.item():.6f}")
grads = [p.grad for p in model.parameters()]
total = nn.utils.get_total_norm(grads, norm_type=2.0)
nn.utils.clip_grads_with_norm_(model.parameters(), max_norm=0.01, total_norm=total)
print("total norm", f"{total.item():.6f}", "after", f"{nn.utils.get_total_norm(grads).item():.6f}")
vec = parameters_to_vector(model.parameters())
print("vector", tuple(vec.shape), f"{vec.sum().item():.6f}")
vector_to_parameters(vec * 0.5, model.parameters())
print("halved", f"{parameters_to_vector(model.parameters()).sum().item():.6f}",
      model.decoder.weight is model.encoder.weight)

buf = io.BytesIO()
torch.save({"model": model.state_dict(), "vocab": 7}, buf)
buf.seek(0)
ck = torch.load(buf)
loaded = TiedLM(ck["vocab"], 4)
result = loaded.load_state_dict(ck["model"])
print("reloaded", result, loaded.decoder.weight is loaded.encoder.weight,
      torch.equal(loaded(data)[0], model(data)[0]), sorted(ck["model"].keys())[:3])
buf = io.BytesIO()
torch.save({"t": torch.arange(3), "list": [torch.ones(2), 3.5], "tuple": (1, "a"), "nested": {"x": None}}, buf)
buf.seek(0)
obj = torch.load(buf, weights_only=True)
print("objects", obj["t"].tolist(), obj["list"][0].tolist(), obj["list"][1], obj["tuple"], obj["nested"])
buf.seek(0)
print("map_location", torch.load(buf, map_location="cpu")["t"].device, torch.load(io.BytesIO(buf.getvalue()),
                                                                                   map_location=torch.device("cpu"))["t"].sum().item())
