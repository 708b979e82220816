"""Printing models, as every tutorial does with print(model): a gallery of layers built with unusual
arguments, so their extra_repr shows every non-default field: convs with padding_mode, dilation,
groups, bias=False, string padding, output_padding; pools with ceil_mode, count_include_pad,
divisor_override, return_indices, dilation; norms with affine/track_running_stats off; RNNs with
proj_size, bidirectional, batch_first, nonlinearity; Transformer layers with norm_first and a custom
activation; MultiheadAttention with kdim/vdim/add_bias_kv; embeddings with padding_idx, max_norm,
scale_grad_by_freq, sparse; activations with inplace/num_parameters/threshold; shape layers; losses;
and named_modules / named_parameters walks with their shapes."""

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)

layers = [
    nn.Conv1d(4, 8, 3, stride=2, padding=2, dilation=2, groups=2, bias=False, padding_mode="circular"),
    nn.Conv2d(3, 6, (3, 5), padding="same", padding_mode="reflect"),
    nn.Conv2d(3, 6, 3, padding="valid", stride=1),
    nn.Conv2d(2, 4, kernel_size=1, stride=(2, 1), padding=(0, 1), padding_mode="replicate"),
    nn.Conv3d(1, 2, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)),
    nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1, output_padding=1, dilation=1, groups=2),
    nn.ConvTranspose1d(3, 3, 3, stride=3, output_padding=2, bias=False),
    nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True),
    nn.MaxPool1d(2),
    nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False, divisor_override=4),
    nn.AvgPool1d(4, ceil_mode=True),
    nn.AdaptiveAvgPool2d((None, 3)),
    nn.AdaptiveMaxPool1d(5, return_indices=True),
    nn.LPPool2d(2, 3, stride=2, ceil_mode=True),
    nn.MaxUnpool2d(2, stride=2),
    nn.BatchNorm1d(5, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
    nn.BatchNorm2d(3, momentum=0.01),
    nn.InstanceNorm1d(4, affine=True, track_running_stats=True),
    nn.GroupNorm(2, 6, eps=1e-4, affine=False),
    nn.LayerNorm([4, 5], elementwise_affine=False),
    nn.LayerNorm(8, bias=False),
    nn.RMSNorm(6, eps=1e-6),
    nn.LocalResponseNorm(3, alpha=1e-3),
    nn.RNN(4, 6, num_layers=2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.1),
    nn.GRU(4, 6, bidirectional=True),
    nn.LSTM(4, 8, num_layers=2, proj_size=3, bidirectional=True, batch_first=True),
    nn.LSTMCell(3, 4, bias=False),
    nn.GRUCell(3, 4),
    nn.RNNCell(3, 4, nonlinearity="relu"),
    nn.Embedding(10, 3, padding_idx=0, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True),
    nn.Embedding(5, 2, sparse=True),
    nn.EmbeddingBag(10, 3, mode="max", padding_idx=2),
    nn.EmbeddingBag(10, 3, mode="sum", include_last_offset=True),
    nn.Linear(3, 2, bias=False),
    nn.Bilinear(2, 3, 4),
    nn.Identity(54, unused="x"),
    nn.Dropout(p=0.25, inplace=True),
    nn.Dropout2d(),
    nn.AlphaDropout(0.1),
    nn.ReLU(inplace=True), nn.ReLU6(), nn.LeakyReLU(0.2, inplace=True), nn.PReLU(num_parameters=3, init=0.1),
    nn.ELU(alpha=0.5), nn.CELU(), nn.SELU(), nn.GELU(approximate="tanh"), nn.SiLU(), nn.Mish(),
    nn.Softplus(beta=2, threshold=10), nn.Threshold(0.1, 20.0), nn.Hardtanh(-2, 2), nn.Hardshrink(0.3),
    nn.Softshrink(), nn.Tanhshrink(), nn.RReLU(0.1, 0.3), nn.GLU(dim=1), nn.Softmax(dim=-1), nn.Softmin(1),
    nn.LogSoftmax(dim=1), nn.Softmax2d(), nn.Hardsigmoid(), nn.Hardswish(), nn.LogSigmoid(), nn.Softsign(),
    nn.Flatten(start_dim=2, end_dim=-1), nn.Unflatten(1, (2, 3)), nn.PixelShuffle(2), nn.PixelUnshuffle(3),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True), nn.Upsample(size=(4, 5), mode="nearest"),
    nn.ZeroPad2d((1, 2, 0, 1)), nn.ReflectionPad1d(2), nn.ReplicationPad3d(1), nn.ConstantPad2d(2, 3.5),
    nn.CircularPad2d((1, 0, 1, 0)), nn.ChannelShuffle(2), nn.Fold((4, 4), 2, stride=2), nn.Unfold(3, dilation=2, padding=1),
    nn.CosineSimilarity(dim=0, eps=1e-6), nn.PairwiseDistance(p=1.0, keepdim=True),
    nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1, reduction="sum"),
    nn.NLLLoss(reduction="none"), nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])), nn.HuberLoss(delta=0.5),
    nn.SmoothL1Loss(beta=0.3), nn.KLDivLoss(reduction="batchmean", log_target=True), nn.CTCLoss(blank=3, zero_infinity=True),
    nn.TripletMarginLoss(margin=0.5, p=1, swap=True), nn.MarginRankingLoss(0.2), nn.MultiMarginLoss(p=2, margin=0.5),
    nn.GaussianNLLLoss(full=True, eps=1e-4), nn.PoissonNLLLoss(log_input=False, full=True),
    nn.CosineEmbeddingLoss(margin=0.1), nn.HingeEmbeddingLoss(margin=2.0), nn.SoftMarginLoss(), nn.L1Loss(reduction="sum"),
]
for layer in layers:
    print(repr(layer))

enc = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=nn.functional.gelu,
                                 layer_norm_eps=1e-6, batch_first=True, norm_first=True, bias=False)
print(enc)
dec = nn.TransformerDecoderLayer(8, 2, 16, 0.0, activation="gelu")
print(dec)
print(nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 1, 8), num_layers=2, norm=nn.LayerNorm(4),
                            enable_nested_tensor=False))
mha = nn.MultiheadAttention(6, 2, kdim=4, vdim=5, add_bias_kv=True, add_zero_attn=True, batch_first=True)
print(mha)
print([(n, tuple(p.shape)) for n, p in mha.named_parameters()])
print(nn.MultiheadAttention(4, 1, bias=False))

model = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"),
    nn.BatchNorm2d(4),
    nn.ReLU(),
    nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.Dropout2d(0.1)),
    nn.Flatten(),
    nn.ModuleDict({"head": nn.Linear(36, 3), "aux": nn.Linear(36, 1)}),
    nn.ModuleList([nn.Tanh(), nn.Identity()]),
    nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.ones(4), requires_grad=False)]),
    nn.ParameterDict({"temperature": nn.Parameter(torch.tensor(1.0))}),
)
print(model)
for name, mod in model.named_modules():
    print(repr(name), type(mod).__name__)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
for name, b in model.named_buffers():
    print(name, tuple(b.shape), b.dtype)
print("state_dict keys", list(model.state_dict().keys()))
print(nn.LSTM(4, 8, num_layers=2, proj_size=3, bidirectional=True)._flat_weights_names)
print([(n, tuple(p.shape)) for n, p in nn.LSTM(4, 8, num_layers=1, proj_size=3, bidirectional=True).named_parameters()])
print(nn.utils.parametrizations.weight_norm(nn.Linear(3, 2)))
print(nn.utils.parametrizations.spectral_norm(nn.Conv2d(2, 2, 1)))
print(nn.utils.weight_norm(nn.Linear(3, 2), dim=None))
