"""Models built with PyTorch's default initialization after torch.manual_seed, as most scripts build them:
every layer's reset_parameters must draw the same numbers in the same order (kaiming_uniform_ weights,
fan-in bounded biases, N(0, 1) embeddings, uniform(-1/sqrt(h), 1/sqrt(h)) recurrent weights, xavier
MultiheadAttention projections, Transformer layers and their clones, lazy layers materialized on the
first call), then a seeded forward pass and one SGD step in float64 (torch.set_default_dtype), so each
parameter's checksum and the outputs agree to the last digits."""

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(1234)


def checksum(module):
    return sum((p.detach() * torch.linspace(0.5, 1.5, p.numel()).reshape(p.shape)).sum().item()
               for p in module.parameters())


layers = {
    "linear": lambda: nn.Linear(7, 5), "bilinear": lambda: nn.Bilinear(3, 4, 2),
    "conv1d": lambda: nn.Conv1d(3, 4, 3), "conv2d": lambda: nn.Conv2d(3, 4, (3, 2), groups=1),
    "conv2d groups": lambda: nn.Conv2d(4, 6, 3, groups=2), "conv3d": lambda: nn.Conv3d(2, 2, 2),
    "convT2d": lambda: nn.ConvTranspose2d(3, 4, 3, stride=2), "convT1d groups": lambda: nn.ConvTranspose1d(4, 2, 2,
                                                                                                         groups=2),
    "embedding": lambda: nn.Embedding(6, 3), "embedding pad": lambda: nn.Embedding(6, 3, padding_idx=2),
    "embedding bag": lambda: nn.EmbeddingBag(6, 3), "batchnorm": lambda: nn.BatchNorm2d(3),
    "layernorm": lambda: nn.LayerNorm(4), "groupnorm": lambda: nn.GroupNorm(2, 4), "prelu": lambda: nn.PReLU(3),
    "rnn": lambda: nn.RNN(3, 4, num_layers=2), "lstm": lambda: nn.LSTM(3, 4, bidirectional=True),
    "lstm proj": lambda: nn.LSTM(3, 5, proj_size=2), "gru": lambda: nn.GRU(3, 4, num_layers=2, batch_first=True),
    "lstmcell": lambda: nn.LSTMCell(3, 4), "grucell": lambda: nn.GRUCell(3, 4), "rnncell": lambda: nn.RNNCell(3, 4),
    "mha": lambda: nn.MultiheadAttention(8, 2), "mha kdim": lambda: nn.MultiheadAttention(8, 2, kdim=3, vdim=5),
    "mha bias_kv": lambda: nn.MultiheadAttention(8, 2, add_bias_kv=True),
    "encoder layer": lambda: nn.TransformerEncoderLayer(8, 2, 16),
    "decoder layer": lambda: nn.TransformerDecoderLayer(8, 2, 16, norm_first=True),
    "encoder x2": lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, enable_nested_tensor=False),
    "transformer": lambda: nn.Transformer(8, 2, 1, 1, 16),
}
for name, make in layers.items():
    m = make()
    print(f"{name:16s} params {sum(p.numel() for p in m.parameters()):5d} checksum {checksum(m):.10f}")

lazy = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
out = lazy(torch.ones(3, 5))
print("lazy", [tuple(p.shape) for p in lazy.parameters()], f"{checksum(lazy):.10f}", f"{out.sum().item():.10f}")
lazy_conv = nn.LazyConv2d(3, 2)
lazy_conv(torch.ones(1, 2, 4, 4))
print("lazy conv", tuple(lazy_conv.weight.shape), f"{checksum(lazy_conv):.10f}")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.rnn = nn.GRU(16, 6, batch_first=True)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        h = self.features(x)
        seq = h.permute(0, 2, 1, 3).reshape(x.size(0), 4, -1)
        _, last = self.rnn(seq)
        return self.head(last[-1])


net = Net()
print("net checksum", f"{checksum(net):.10f}", "dtype float64", net.head.weight.dtype == torch.float64)
x = torch.randn(5, 1, 8, 8)
y = torch.randint(0, 3, (5,))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    print(f"step {step} | loss {loss.item():.12f} | checksum {checksum(net):.12f}")
print("python float tensor", torch.tensor([0.1]).dtype == torch.float64, torch.arange(3.0).dtype == torch.float64,
      torch.randn(2).dtype == torch.float64, torch.zeros(2).dtype == torch.float64)
