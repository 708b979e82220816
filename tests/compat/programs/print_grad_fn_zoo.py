"""A printing-heavy script: the grad_fn name of the result of ~120 differentiable operations (what
people print when they learn autograd: y.grad_fn.name()), the
next_functions of a small graph before backward, grad_fn of in-place ops and views, requires_grad /
is_leaf of results, tensors printed in many dtypes (bool, uint8, int8, int16, int32, int64, float16,
float32, float64) and shapes (0-d, empty, 1x1x1, 3-d), reprs of less common layers
(Bilinear, Unflatten, PixelUnshuffle, Fold, ChannelShuffle, CosineSimilarity, PairwiseDistance,
TransformerDecoderLayer, Identity with args, RNNCell, GRUCell, LSTMCell, Softmax2d, AdaptiveMaxPool1d
with return_indices, Hardtanh, RReLU, Threshold, GLU, LPPool2d, ZeroPad1d, CircularPad2d,
LocalResponseNorm, CrossMapLRN2d-free, Upsample by scale), and a state_dict's keys with shapes.
Every line verbatim."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

a = torch.randn(3, 4, requires_grad=True)
b = torch.randn(3, 4, requires_grad=True)
sq = torch.randn(4, 4, requires_grad=True)
v = torch.randn(4, requires_grad=True)
img = torch.randn(1, 2, 4, 4, requires_grad=True)
ops = {
    "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
    "neg": lambda: -a, "pow": lambda: a ** 2, "pow_t": lambda: a.abs() ** b, "rpow": lambda: 2 ** a,
    "exp": lambda: a.exp(), "log": lambda: a.abs().log(), "sqrt": lambda: a.abs().sqrt(),
    "rsqrt": lambda: a.abs().rsqrt(), "sin": lambda: a.sin(), "cos": lambda: a.cos(), "tan": lambda: a.tan(),
    "tanh": lambda: a.tanh(), "sigmoid": lambda: a.sigmoid(), "relu": lambda: a.relu(),
    "abs": lambda: a.abs(), "sign": lambda: a.sign(), "clamp": lambda: a.clamp(-0.5, 0.5),
    "clamp_min": lambda: a.clamp(min=0), "clamp_max": lambda: a.clamp(max=0), "floor": lambda: a.floor(),
    "round": lambda: a.round(), "reciprocal": lambda: a.reciprocal(), "erf": lambda: a.erf(),
    "log1p": lambda: a.abs().log1p(), "expm1": lambda: a.expm1(), "atan2": lambda: torch.atan2(a, b),
    "maximum": lambda: torch.maximum(a, b), "minimum": lambda: torch.minimum(a, b),
    "where": lambda: torch.where(a > 0, a, b), "lerp": lambda: torch.lerp(a, b, 0.3),
    "addcmul": lambda: torch.addcmul(a, a, b, value=0.5), "addcdiv": lambda: torch.addcdiv(a, a, b),
    "sum": lambda: a.sum(), "sum_dim": lambda: a.sum(1), "mean": lambda: a.mean(), "mean_dim": lambda: a.mean(0),
    "prod": lambda: a.prod(), "prod_dim": lambda: a.prod(1), "max": lambda: a.max(), "max_dim": lambda: a.max(1)[0],
    "amax": lambda: a.amax(1), "min": lambda: a.min(), "std": lambda: a.std(), "var": lambda: a.var(1),
    "norm": lambda: a.norm(), "norm_dim": lambda: a.norm(dim=1), "logsumexp": lambda: a.logsumexp(1),
    "cumsum": lambda: a.cumsum(1), "cumprod": lambda: a.cumprod(1), "softmax": lambda: a.softmax(1),
    "log_softmax": lambda: a.log_softmax(1), "mm": lambda: a @ sq, "mv": lambda: sq @ v, "dot": lambda: v @ v,
    "bmm": lambda: torch.bmm(a.unsqueeze(0), sq.unsqueeze(0)), "matmul3d": lambda: a.unsqueeze(0) @ sq,
    "outer": lambda: torch.outer(v, v), "t": lambda: a.t(), "T": lambda: a.T, "mT": lambda: a.mT,
    "transpose": lambda: a.transpose(0, 1), "permute": lambda: a.permute(1, 0), "view": lambda: a.view(4, 3),
    "reshape": lambda: a.reshape(-1), "reshape_copy": lambda: a.t().reshape(-1), "flatten": lambda: a.flatten(),
    "unsqueeze": lambda: a.unsqueeze(0), "squeeze": lambda: a.unsqueeze(0).squeeze(0),
    "squeeze_dim": lambda: a.unsqueeze(1).squeeze(1), "expand": lambda: v.expand(3, 4),
    "repeat": lambda: a.repeat(2, 1), "select": lambda: a[0], "slice": lambda: a[:, 1:],
    "index": lambda: a[torch.tensor([0, 2])], "bool_index": lambda: a[a > 0], "index_select": lambda: a.index_select(0, torch.tensor([1])),
    "gather": lambda: a.gather(1, torch.tensor([[0], [1], [2]])), "cat": lambda: torch.cat([a, b]),
    "stack": lambda: torch.stack([a, b]), "split": lambda: a.split(2, dim=1)[1], "chunk": lambda: a.chunk(2)[0],
    "unbind": lambda: a.unbind(0)[1], "narrow": lambda: a.narrow(1, 0, 2), "diagonal": lambda: sq.diagonal(),
    "diag": lambda: torch.diag(v), "tril": lambda: sq.tril(), "triu": lambda: sq.triu(1), "trace": lambda: sq.trace(),
    "flip": lambda: a.flip(0), "roll": lambda: a.roll(1, 1), "masked_fill": lambda: a.masked_fill(a > 0, 0.0),
    "clone": lambda: a.clone(), "contiguous_t": lambda: a.t().contiguous(), "to_double": lambda: a.double(),
    "type_as": lambda: a.type_as(torch.zeros(1, dtype=torch.float64)), "linear": lambda: F.linear(a, sq, v),
    "conv2d": lambda: F.conv2d(img, torch.ones(1, 2, 3, 3)), "max_pool2d": lambda: F.max_pool2d(img, 2),
    "avg_pool2d": lambda: F.avg_pool2d(img, 2), "adaptive_avg": lambda: F.adaptive_avg_pool2d(img, 1),
    "interpolate": lambda: F.interpolate(img, scale_factor=2, mode="nearest"),
    "bilinear_up": lambda: F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False),
    "pad": lambda: F.pad(img, (1, 1)), "gelu": lambda: F.gelu(a), "silu": lambda: F.silu(a),
    "elu": lambda: F.elu(a), "leaky_relu": lambda: F.leaky_relu(a), "softplus": lambda: F.softplus(a),
    "hardtanh": lambda: F.hardtanh(a), "dropout_train": lambda: F.dropout(a, p=0.5),
    "layer_norm": lambda: F.layer_norm(a, (4,)), "normalize": lambda: F.normalize(a),
    "mse": lambda: F.mse_loss(a, b), "l1": lambda: F.l1_loss(a, b), "smooth_l1": lambda: F.smooth_l1_loss(a, b),
    "bce_logits": lambda: F.binary_cross_entropy_with_logits(a, b.sigmoid()),
    "cross_entropy": lambda: F.cross_entropy(a, torch.tensor([0, 1, 2])),
    "nll": lambda: F.nll_loss(a.log_softmax(1), torch.tensor([0, 1, 2])),
    "embedding": lambda: F.embedding(torch.tensor([1, 0]), sq), "one_hot_mm": lambda: F.one_hot(torch.tensor([1, 0]), 4).float() @ sq,
    "einsum": lambda: torch.einsum("ij,jk->ik", a, sq), "kron_free_tensordot": lambda: torch.tensordot(a, sq, dims=1),
    "cdist": lambda: torch.cdist(a, b), "sort": lambda: a.sort(1)[0], "topk": lambda: a.topk(2)[0],
    "det": lambda: torch.linalg.det(sq), "inv": lambda: torch.linalg.inv(sq), "cross": lambda: torch.linalg.cross(a[:, :3], b[:, :3]),
}
for name, fn in ops.items():
    y = fn()
    # (name(), not type(y.grad_fn).__name__: minigrad's nodes are its primitives, PyTorch's names are given by name())
    print(f"{name:14} {y.grad_fn.name():30} {tuple(y.shape)} {y.is_leaf} {y.requires_grad}")

y = (a * b).sum(1).exp().mean()
print(y.grad_fn.name(), [f.name() if f is not None else None for f, _ in y.grad_fn.next_functions])
node = y.grad_fn.next_functions[0][0]
print(node.name(), [(f.name(), i) for f, i in node.next_functions])
node = node.next_functions[0][0].next_functions[0][0]
print(node.name(), [(f.name() if f is not None else None, i) for f, i in node.next_functions])
leaf_acc = node.next_functions[0][0]
print(leaf_acc.name(), leaf_acc.variable is a, leaf_acc.variable.shape)

c = a.clone()
c.add_(1)
print("in-place", c.grad_fn.name())
c.mul_(2).relu_()
print("in-place chain", c.grad_fn.name())
w = a.detach().clone().requires_grad_()
vw = w[0]
print("view grad_fn", vw.grad_fn.name(), vw._base is w, vw.is_leaf)
with torch.no_grad():
    n = a * 2
print("no_grad", n.grad_fn, n.requires_grad, n.is_leaf)
print(torch.tensor(2.0, requires_grad=True).exp().grad_fn.name(), torch.zeros(2, requires_grad=True).sum().grad_fn.name())

base = torch.tensor([[0.0, 1.5, -2.25], [3.0, 100.0, -0.001]])
# (no bfloat16 nor complex: minigrad has neither dtype)
for dt in [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
           torch.float32, torch.float64]:
    print(dt, base.to(dt))
print(torch.tensor(3.5), torch.tensor(7), torch.tensor(True))
print(torch.empty(0), torch.zeros(2, 0), torch.ones(1, 1, 1), torch.arange(24.).reshape(2, 3, 4))
print(torch.tensor([1e-8, 1.0]), torch.tensor([1e10, 1.0]), torch.tensor([0.1, 12345.678]), torch.tensor([1.0, -1.0]) / 3)
print(torch.tensor([[1e-5, 2e5]], dtype=torch.float64), torch.tensor([float("nan"), float("inf"), -float("inf"), 2.0]))

layers = [nn.Bilinear(3, 4, 5), nn.Unflatten(1, (2, 3)), nn.PixelUnshuffle(2), nn.Fold((4, 4), 2),
          nn.Unfold(2, stride=2), nn.ChannelShuffle(2), nn.CosineSimilarity(dim=0), nn.PairwiseDistance(p=1.0),
          nn.Identity(54, unused="x"), nn.RNNCell(3, 4, nonlinearity="relu"), nn.GRUCell(3, 4, bias=False),
          nn.LSTMCell(3, 4), nn.Softmax2d(), nn.AdaptiveMaxPool1d(3, return_indices=True), nn.Hardtanh(-2, 2),
          nn.RReLU(0.1, 0.3), nn.Threshold(0.1, 20), nn.GLU(dim=-1), nn.LPPool2d(2, 3, stride=2),
          nn.ZeroPad1d((1, 2)), nn.CircularPad2d(1), nn.ReflectionPad1d(2), nn.ReplicationPad3d(1),
          nn.LocalResponseNorm(2), nn.Upsample(scale_factor=2.0, mode="bilinear"), nn.Softmin(dim=1),
          nn.LogSigmoid(), nn.Softsign(), nn.Tanhshrink(), nn.Hardshrink(0.3), nn.CELU(0.5), nn.Mish(),
          nn.MultiLabelSoftMarginLoss(), nn.TripletMarginLoss(margin=0.5, p=1), nn.CTCLoss(blank=1),
          nn.PoissonNLLLoss(log_input=False), nn.GaussianNLLLoss(full=True), nn.HuberLoss(delta=0.5),
          nn.MarginRankingLoss(0.2), nn.CosineEmbeddingLoss(), nn.KLDivLoss(reduction="batchmean", log_target=True),
          nn.Dropout1d(0.2), nn.AlphaDropout(0.1), nn.FeatureAlphaDropout(0.3), nn.SyncBatchNorm(4),
          nn.InstanceNorm1d(3, affine=True), nn.LazyLinear(3), nn.EmbeddingBag(10, 3, mode="max"),
          nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True)]
for layer in layers:
    print(layer)

model = nn.Sequential(nn.Conv1d(2, 4, 3), nn.BatchNorm1d(4), nn.GRU(4, 3, batch_first=True))
for k, t in model.state_dict().items():
    print(f"{k:28} {str(t.dtype):14} {tuple(t.shape)}")
