"""What a notebook shows when it prints objects rather than numbers: module reprs with uncommon
arguments (Transformer, GRU/LSTM options, EmbeddingBag, Upsample, MultiheadAttention kdim/vdim,
Conv with padding_mode, Bilinear, Fold/Unfold), optimizers with uncommon options, named tuples
returned by torch functions, finfo/iinfo, torch.Size arithmetic, and tensors carrying grad_fn."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

mods = [
    nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=32,
                   dropout=0.0, batch_first=True, norm_first=True, activation="gelu"),
    nn.GRU(4, 8, num_layers=2, bidirectional=True, dropout=0.1, batch_first=True, bias=False),
    nn.LSTM(4, 8, proj_size=3, num_layers=1), nn.RNN(3, 5, nonlinearity="relu"),
    nn.GRUCell(3, 4, bias=False), nn.LSTMCell(3, 4), nn.RNNCell(2, 2, nonlinearity="relu"),
    nn.EmbeddingBag(10, 3, mode="max", padding_idx=0), nn.Embedding(10, 3, max_norm=1.0, norm_type=1.5, sparse=True),
    nn.Embedding(5, 2, scale_grad_by_freq=True, padding_idx=-1),
    nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True), nn.Upsample(scale_factor=2.5),
    nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=3),
    nn.MultiheadAttention(8, 2, kdim=4, vdim=6, bias=False, add_bias_kv=True, add_zero_attn=True),
    nn.Conv2d(3, 6, 3, padding="same", padding_mode="reflect", dilation=2, groups=3, bias=False),
    nn.Conv1d(2, 4, 5, padding="valid", padding_mode="circular"), nn.ConvTranspose2d(4, 2, 3, 2, 1, 1, groups=2, dilation=1),
    nn.Bilinear(3, 4, 5, bias=False), nn.Fold(output_size=(4, 4), kernel_size=2, stride=2), nn.Unfold(3, dilation=2, padding=1),
    nn.LayerNorm((4, 5), eps=1e-6, elementwise_affine=False), nn.LayerNorm(8, bias=False), nn.RMSNorm([4], eps=1e-8),
    nn.GroupNorm(2, 4, affine=False), nn.LocalResponseNorm(3, alpha=1e-3, beta=0.5, k=2.0), nn.CrossMapLRN2d(3),
    nn.BatchNorm2d(4, momentum=None, track_running_stats=False), nn.InstanceNorm1d(3, track_running_stats=True),
    nn.Dropout2d(0.3, inplace=True), nn.AlphaDropout(0.2), nn.FeatureAlphaDropout(0.1), nn.Dropout1d(),
    nn.Softmax(dim=-1), nn.Softmax2d(), nn.Flatten(0, -1), nn.Unflatten(1, (2, 5)), nn.Identity(54, unused="x"),
    nn.CosineSimilarity(dim=0, eps=1e-4), nn.PairwiseDistance(p=1.0, keepdim=True), nn.ZeroPad2d((1, 2, 0, 3)),
    nn.ReflectionPad1d(2), nn.ConstantPad2d(1, 3.5), nn.CircularPad2d(1), nn.ReplicationPad1d((3, 1)),
    nn.AdaptiveAvgPool2d((None, 7)), nn.MaxPool2d(3, 2, 1, dilation=2, ceil_mode=True), nn.AvgPool1d(3, count_include_pad=False),
    nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1), nn.NLLLoss(reduction="sum"),
    nn.CTCLoss(blank=2, zero_infinity=True), nn.HuberLoss(delta=0.5), nn.SmoothL1Loss(beta=0.3), nn.KLDivLoss(log_target=True),
    nn.TripletMarginLoss(margin=0.5, p=1, swap=True), nn.MultiMarginLoss(p=2, margin=0.5), nn.PoissonNLLLoss(log_input=False, full=True),
    nn.GaussianNLLLoss(full=True, eps=1e-3), nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])),
    nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8], div_value=2.0),
]
for m in mods:
    print(m)
print(nn.ModuleDict({"enc": nn.Linear(2, 2), "act": nn.Hardswish()}))
print(nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.zeros(3, 2))]))
print(nn.ParameterDict({"a": nn.Parameter(torch.ones(1)), "b": nn.Parameter(torch.zeros(2, 2, dtype=torch.float64))}))

params = [nn.Parameter(torch.ones(2))]
for opt in [torch.optim.ASGD(params, lr=0.05, lambd=1e-3, t0=100), torch.optim.Rprop(params, etas=(0.4, 1.3), step_sizes=(1e-5, 10)),
            torch.optim.LBFGS(params, lr=0.5, history_size=5, line_search_fn="strong_wolfe"),
            torch.optim.NAdam(params, decoupled_weight_decay=True, weight_decay=0.1, momentum_decay=3e-3),
            torch.optim.RAdam(params, decoupled_weight_decay=True), torch.optim.Adamax(params, maximize=True),
            torch.optim.Adagrad(params, lr_decay=0.01, initial_accumulator_value=0.1),
            torch.optim.Adadelta(params, rho=0.8), torch.optim.SparseAdam(params, lr=0.01),
            torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True, dampening=0, foreach=False)]:
    print(opt)

t = torch.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 4.0]])
print(torch.aminmax(t), torch.aminmax(t, dim=1))
print(torch.frexp(torch.tensor([8.0, 3.0])))
print(torch.histogram(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=3))
print(torch.linalg.slogdet(torch.eye(2) * 2), torch.std_mean(t, dim=0), torch.var_mean(t, 1, correction=0))
print(torch.cummin(t, dim=1), torch.nanmedian(t, 0), torch.linalg.eigh(torch.eye(2)))
print(torch.finfo(torch.float32), torch.finfo(torch.float16).eps, torch.finfo(torch.float64).tiny,
      torch.finfo().resolution)
print(torch.iinfo(torch.int8), torch.iinfo(torch.uint8).max, torch.iinfo(torch.int64).min, torch.iinfo(torch.int32).bits)
sz = t.shape + (5,)
print(sz, type(sz).__name__, sz.numel(), sz[1:], torch.Size([2, 3]) == (2, 3), t.size(-1), t.shape[::-1])
print(torch.Size([2, 3]) + torch.Size([4]), torch.Size([1]) * 2, len(torch.Size([])), torch.Size([]).numel())
x = torch.tensor([1.0, 2.0], requires_grad=True)
for y in [x.cumsum(0), x.flip(0), x.roll(1), x.repeat(2), x.expand(2, 2), x.unsqueeze(0).repeat_interleave(2, 0),
          torch.stack([x, x]), torch.cat([x, x]), x[None].T, x.clamp(1.5), x.norm(), x.prod(), x.logsumexp(0),
          F.normalize(x, dim=0), x.view(2, 1).squeeze(1), x.t(), x.diag(), x.outer(x), torch.atan2(x, x),
          x.where(x > 1, 0.0), x.masked_fill(x > 1, 0), x.index_select(0, torch.tensor([1])), x.sort().values]:
    print(y)
