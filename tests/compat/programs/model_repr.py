"""print(model) and the nn.Module container API as tutorials show them: the repr of common layers (with
and without bias, padding, strides, dilation, eps/momentum/affine, inplace, dims), of nested Sequential /
ModuleList / ModuleDict / ParameterList / ParameterDict and a Sequential built from an OrderedDict, a
custom extra_repr; container operations (indexing, slicing, negative indices, append/extend/insert,
pop, len, iteration, 'in', keys/items/values), named_modules / named_children / named_parameters /
named_buffers (with prefixes, remove_duplicate), parameter counting with weight sharing, get_submodule /
get_parameter, requires_grad_ freezing, train/eval flags, apply, zero_grad, register_buffer(persistent=False)
and the state_dict keys it gives."""

from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)

layers = [
    nn.Linear(4, 3), nn.Linear(4, 3, bias=False), nn.Bilinear(2, 3, 4), nn.Identity(),
    nn.Conv2d(3, 8, 3), nn.Conv2d(3, 8, (3, 5), stride=2, padding=(1, 2), dilation=2, groups=1, bias=False),
    nn.Conv1d(2, 4, 5, padding="same", padding_mode="reflect"), nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1),
    nn.MaxPool2d(2), nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True), nn.AvgPool2d(2, stride=1),
    nn.AdaptiveAvgPool2d((1, 1)), nn.AdaptiveMaxPool1d(4), nn.LayerNorm([4, 5]), nn.GroupNorm(2, 6),
    nn.LayerNorm(3, bias=False), nn.GroupNorm(1, 4, affine=False), nn.Dropout(0.25), nn.Dropout2d(), nn.ReLU(), nn.ReLU(inplace=True),
    nn.LeakyReLU(0.2), nn.ELU(alpha=0.5), nn.GELU(), nn.GELU(approximate="tanh"), nn.SiLU(), nn.Tanh(),
    nn.Sigmoid(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1), nn.Softplus(beta=2), nn.Hardtanh(-2, 2),
    nn.PReLU(), nn.PReLU(3, init=0.1), nn.Embedding(10, 3), nn.Embedding(10, 3, padding_idx=0, max_norm=1.0),
    nn.EmbeddingBag(10, 3, mode="max"), nn.Flatten(), nn.Flatten(0, -1), nn.Unflatten(1, (2, 2)),
    nn.Upsample(scale_factor=2, mode="nearest"), nn.Upsample(size=(4, 4), mode="bilinear", align_corners=False),
    nn.PixelShuffle(2), nn.ZeroPad2d((1, 1, 2, 0)), nn.ReflectionPad1d(2), nn.ConstantPad2d(1, 3.5),
    nn.LSTM(4, 8), nn.GRU(4, 8, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True),
    nn.RNN(3, 5, nonlinearity="relu"), nn.LSTMCell(3, 4), nn.GRUCell(3, 4, bias=False),
    nn.MultiheadAttention(8, 2), nn.MultiheadAttention(8, 2, batch_first=True, kdim=4, vdim=6),
    nn.CrossEntropyLoss(), nn.MSELoss(reduction="sum"), nn.Threshold(0.1, 20), nn.Hardswish(), nn.Mish(),
    nn.CosineSimilarity(dim=1), nn.PairwiseDistance(), nn.Softmax2d(), nn.AlphaDropout(0.2), nn.Fold((4, 4), 2),
    nn.Unfold(2, stride=2), nn.ChannelShuffle(2), nn.LocalResponseNorm(2), nn.CELU(), nn.SELU(),
    nn.Softsign(), nn.Tanhshrink(), nn.Softmin(dim=0), nn.RReLU(), nn.GLU(), nn.LogSigmoid(), nn.ReLU6(),
    nn.Hardsigmoid(), nn.Hardshrink(), nn.Softshrink(0.3), nn.TransformerEncoderLayer(8, 2, 16),
]
for layer in layers:
    print(layer)

block = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 4, 3, padding=1)), ("bn", nn.GroupNorm(2, 4)),
                                   ("act", nn.ReLU())]))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(block, nn.MaxPool2d(2), nn.Flatten())
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 3), "box": nn.Linear(16, 4)})
        self.blocks = nn.ModuleList([nn.Linear(16, 16) for _ in range(2)])
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(1)), nn.Parameter(torch.zeros(2, 2))])
        self.extra = nn.ParameterDict({"temp": nn.Parameter(torch.tensor(1.0)), "bias": nn.Parameter(torch.ones(3))})
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))
        self.register_buffer("cache", torch.zeros(2), persistent=False)

    def forward(self, x):
        h = self.features(x)
        for b in self.blocks:
            h = torch.relu(b(h))
        return self.heads["cls"](h) * self.extra["temp"] + self.extra["bias"]


class Scaled(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def extra_repr(self):
        return f"factor={self.factor}"


net = Net()
print(net)
print(Scaled(2.5), nn.Sequential(Scaled(1), nn.Sequential()))
print("out", tuple(net(torch.ones(2, 1, 4, 4)).shape))
print("children", [n for n, _ in net.named_children()])
print("modules", [n for n, _ in net.named_modules()])
print("params", [(n, tuple(p.shape)) for n, p in net.named_parameters()])
print("buffers", [n for n, _ in net.named_buffers()])
print("state_dict keys", list(net.state_dict().keys()))
print("count", sum(p.numel() for p in net.parameters()), sum(p.numel() for p in net.parameters() if p.requires_grad))
print("get_submodule", net.get_submodule("features.0.bn"), net.get_parameter("heads.box.bias").shape)
print("index", net.features[0].conv, net.features[-1], type(net.features[1:]).__name__, len(net.features[1:]))
print("moduledict", list(net.heads.keys()), "cls" in net.heads, len(net.heads),
      [type(m).__name__ for m in net.heads.values()])
print("paramlist", len(net.scales), [tuple(p.shape) for p in net.scales])
print("paramdict", list(net.extra.keys()), [tuple(v.shape) for _, v in net.extra.items()])

seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
seq.append(nn.Linear(2, 1))
seq.insert(1, nn.Dropout(0.1))
seq.extend([nn.Sigmoid()])
print(seq, len(seq))
popped = seq.pop(1)
print("popped", popped, "len", len(seq), "iter", [type(m).__name__ for m in seq])
del seq[0]
print("after del", seq)
ml = nn.ModuleList([nn.ReLU()])
ml.extend([nn.Tanh(), nn.Sigmoid()])
ml.insert(0, nn.Identity())
print(ml, ml[1:])
seq2 = nn.Sequential(nn.Linear(2, 2))
seq2.add_module("tail", nn.Tanh())
print(seq2, seq2.tail)

shared = nn.Linear(3, 3)
tied = nn.Sequential(shared, nn.ReLU(), shared)
print("tied params", len(list(tied.parameters())), len(list(tied.named_parameters(remove_duplicate=False))))
print("tied modules", [n for n, _ in tied.named_modules()], len(list(tied.named_modules(remove_duplicate=False))))
print("prefix", [n for n, _ in tied.named_parameters(prefix="model")])
net.features.requires_grad_(False)
print("frozen", [n for n, p in net.named_parameters() if not p.requires_grad][:3],
      sum(p.numel() for p in net.parameters() if p.requires_grad))
net.eval()
print("training", net.training, net.features[0].bn.training, net.heads.training)
net.train()
print("training", net.training, net.features[0].bn.training)
seen = []
net.apply(lambda m: seen.append(type(m).__name__))
print("apply order", seen)
print("half dtype", net.half().heads.cls.weight.dtype == torch.float16, net.float().steps.dtype == torch.int64)
print("double", net.double().heads.cls.weight.dtype == torch.float64, net.to(torch.float32).cache.dtype == torch.float32)
