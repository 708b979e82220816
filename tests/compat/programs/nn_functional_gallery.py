"""torch.nn.functional beyond the usual few, on seeded inputs, each result summarized by shape, dtype, sum
and max: interpolate modes (bicubic, antialias, area, nearest-exact, recompute_scale_factor), pixel and
channel shuffles, distances, local response norm and LP pooling, fractional and adaptive max pooling with
indices, max_unpool, avg_pool divisor_override, embedding_bag options, CTC, the margin/ranking/NLL-family
losses with weights and options, rarer activations, group/instance/RMS norm, transposed and grouped
convolutions, unfold/fold, padding modes, affine_grid/grid_sample, grouped-query SDPA and the functional
multi-head attention."""

import _show
import torch
import torch.nn as nn
import torch.nn.functional as F


def summary(r):
    """A tensor as (shape, dtype, sum, largest magnitude); anything else as it is."""
    if not torch.is_tensor(r):
        return r
    return tuple(r.shape), r.dtype, round(r.double().sum().item(), 4) + 0.0, round(r.double().abs().max().item(), 4)


def show(label, fn):
    """After seeding, print fn's result summarized, or the class PyTorch documents and the start of the
    message."""
    torch.manual_seed(3)
    _show.show(label, lambda: summary(fn()))


torch.manual_seed(11)
x4 = torch.randn(2, 3, 5, 6)
show("interp bicubic", lambda: F.interpolate(x4, scale_factor=1.5, mode="bicubic", align_corners=False))
show("interp bicubic aa", lambda: F.interpolate(x4, size=(3, 4), mode="bicubic", antialias=True))
show("interp bilinear aa", lambda: F.interpolate(x4, size=(3, 4), mode="bilinear", antialias=True))
show("interp area", lambda: F.interpolate(x4, size=(4, 4), mode="area"))
show("interp nearest-exact", lambda: F.interpolate(x4, scale_factor=0.7, mode="nearest-exact"))
show(
    "interp recompute",
    lambda: F.interpolate(x4, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True),
)
show(
    "interp 1d linear", lambda: F.interpolate(torch.randn(1, 2, 5), size=8, mode="linear", align_corners=True)
)
show("interp trilinear", lambda: F.interpolate(torch.randn(1, 1, 2, 3, 4), scale_factor=2, mode="trilinear"))
show("upsample module", lambda: nn.Upsample(scale_factor=2, mode="nearest")(x4))
show("pixel_shuffle", lambda: F.pixel_shuffle(torch.randn(1, 8, 2, 3), 2))
show("pixel_unshuffle", lambda: F.pixel_unshuffle(torch.randn(1, 2, 4, 6), 2))
show("channel_shuffle", lambda: F.channel_shuffle(torch.arange(8.0).view(1, 8, 1, 1), 2).flatten().tolist())
show("pdist", lambda: F.pdist(torch.randn(4, 3), p=1.5))
show("cosine_sim", lambda: F.cosine_similarity(torch.randn(3, 4), torch.randn(1, 4), dim=1, eps=1e-8))
show("pairwise", lambda: F.pairwise_distance(torch.randn(3, 4), torch.randn(3, 4), p=3, keepdim=True))
show("normalize", lambda: F.normalize(torch.randn(3, 4), p=1, dim=0))
show("lrn", lambda: F.local_response_norm(x4, 2))
show("lp_pool", lambda: F.lp_pool2d(x4.abs(), 2, 2))
show("lp_pool1d", lambda: F.lp_pool1d(torch.randn(1, 2, 6).abs(), 3.0, 3, stride=2))
show("frac maxpool", lambda: F.fractional_max_pool2d(x4, 2, output_ratio=(0.5, 0.5)))
show("adaptive max idx", lambda: F.adaptive_max_pool2d(x4, (2, 3), return_indices=True)[1])
show(
    "max_unpool",
    lambda: (lambda o, i: F.max_unpool2d(o, i, 2))(*F.max_pool2d(x4[:, :, :4, :4], 2, return_indices=True)),
)
show(
    "avgpool divisor",
    lambda: F.avg_pool2d(x4, 3, stride=2, padding=1, count_include_pad=False, divisor_override=2),
)
show(
    "embedding_bag",
    lambda: F.embedding_bag(torch.tensor([0, 2, 1, 3]), torch.randn(4, 3), torch.tensor([0, 1]), mode="max"),
)
show(
    "embedding_bag psw",
    lambda: F.embedding_bag(
        torch.tensor([0, 2, 1, 3]),
        torch.randn(4, 3),
        torch.tensor([0, 3]),
        per_sample_weights=torch.tensor([1.0, 2.0, 3.0, 4.0]),
        mode="sum",
        include_last_offset=True,
    ),
)
show(
    "ctc",
    lambda: F.ctc_loss(
        torch.randn(6, 2, 4).log_softmax(2),
        torch.tensor([[1, 2], [3, 3]]),
        torch.tensor([6, 5]),
        torch.tensor([2, 2]),
    ),
)
show(
    "ctc none",
    lambda: F.ctc_loss(
        torch.randn(6, 2, 4).log_softmax(2),
        torch.tensor([1, 2, 3]),
        torch.tensor([6, 5]),
        torch.tensor([2, 1]),
        reduction="none",
        zero_infinity=True,
    ),
)
show(
    "multi_margin",
    lambda: F.multi_margin_loss(
        torch.randn(3, 4), torch.tensor([0, 3, 1]), p=2, margin=0.5, weight=torch.tensor([1.0, 2.0, 1.0, 1.0])
    ),
)
show(
    "multilabel_margin",
    lambda: F.multilabel_margin_loss(torch.randn(2, 4), torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]])),
)
show(
    "multilabel_soft",
    lambda: F.multilabel_soft_margin_loss(torch.randn(2, 4), torch.tensor([[1.0, 0, 1, 0], [0, 1, 1, 1]])),
)
show("hinge_emb", lambda: F.hinge_embedding_loss(torch.randn(4), torch.tensor([1.0, -1, 1, -1]), margin=0.5))
show(
    "cosine_emb",
    lambda: F.cosine_embedding_loss(
        torch.randn(3, 4), torch.randn(3, 4), torch.tensor([1, -1, 1]), margin=0.2
    ),
)
show(
    "margin_rank",
    lambda: F.margin_ranking_loss(torch.randn(4), torch.randn(4), torch.tensor([1.0, -1, 1, -1])),
)
show(
    "triplet dist",
    lambda: F.triplet_margin_with_distance_loss(
        torch.randn(3, 4),
        torch.randn(3, 4),
        torch.randn(3, 4),
        distance_function=lambda a, b: 1 - F.cosine_similarity(a, b),
        swap=True,
    ),
)
show(
    "poisson nll",
    lambda: F.poisson_nll_loss(torch.randn(4), torch.tensor([1.0, 0, 3, 2]), log_input=False, full=True),
)
show(
    "gauss nll",
    lambda: F.gaussian_nll_loss(torch.randn(4, 2), torch.randn(4, 2), torch.rand(4, 1) + 0.1, full=True),
)
show(
    "kl log_target",
    lambda: F.kl_div(
        torch.randn(3, 4).log_softmax(1),
        torch.randn(3, 4).log_softmax(1),
        reduction="batchmean",
        log_target=True,
    ),
)
show("huber", lambda: F.huber_loss(torch.randn(5), torch.randn(5), delta=0.3))
show("smooth_l1 beta0", lambda: F.smooth_l1_loss(torch.randn(5), torch.randn(5), beta=0.0))
show("soft_margin", lambda: F.soft_margin_loss(torch.randn(5), torch.tensor([1.0, -1, 1, 1, -1])))
show(
    "bce weight",
    lambda: F.binary_cross_entropy(torch.rand(3, 2), torch.rand(3, 2), weight=torch.tensor([1.0, 2.0])),
)
show(
    "bcewl pos_weight",
    lambda: F.binary_cross_entropy_with_logits(
        torch.randn(3, 2), torch.rand(3, 2), pos_weight=torch.tensor([3.0, 1.0])
    ),
)
show(
    "nll 4d weight ignore",
    lambda: F.nll_loss(
        torch.randn(2, 3, 2, 2).log_softmax(1),
        torch.tensor([[[0, 1], [2, -100]], [[1, 1], [0, 2]]]),
        weight=torch.tensor([1.0, 2.0, 3.0]),
    ),
)
show(
    "ce probs smoothing",
    lambda: F.cross_entropy(torch.randn(3, 4), torch.rand(3, 4).softmax(1), label_smoothing=0.2),
)
show(
    "ce weight smoothing",
    lambda: F.cross_entropy(
        torch.randn(3, 4),
        torch.tensor([0, 1, 3]),
        weight=torch.tensor([1.0, 2.0, 1.0, 0.5]),
        label_smoothing=0.1,
        ignore_index=1,
    ),
)
show("glu", lambda: F.glu(torch.randn(2, 6), dim=-1))
show("hardtanh", lambda: F.hardtanh(torch.randn(5) * 3, -2, 2))
show("softplus beta", lambda: F.softplus(torch.randn(5), beta=2, threshold=1))
show("celu", lambda: F.celu(torch.randn(5), alpha=0.5))
show("threshold", lambda: F.threshold(torch.randn(5), 0.1, 20))
show("softmin", lambda: F.softmin(torch.randn(2, 3), dim=1))
show("log_softmax dtype", lambda: F.log_softmax(torch.randn(2, 3), dim=1, dtype=torch.float64))
show(
    "mish/silu/hardswish",
    lambda: (
        F.mish(torch.randn(5))
        + F.silu(torch.randn(5))
        + F.hardswish(torch.randn(5))
        + F.hardsigmoid(torch.randn(5))
    ),
)
show(
    "tanhshrink",
    lambda: (
        F.tanhshrink(torch.randn(5))
        + F.softshrink(torch.randn(5), 0.3)
        + F.hardshrink(torch.randn(5), 0.3)
        + F.logsigmoid(torch.randn(5))
        + F.softsign(torch.randn(5))
    ),
)
show(
    "elu/selu",
    lambda: (
        F.elu(torch.randn(5), 0.7)
        + F.selu(torch.randn(5))
        + F.leaky_relu(torch.randn(5), 0.2)
        + F.relu6(torch.randn(5) * 4)
    ),
)
show("group_norm", lambda: F.group_norm(x4, 3, torch.randn(3), torch.randn(3)))
show("instance_norm", lambda: F.instance_norm(x4, use_input_stats=True))
show("rms_norm", lambda: F.rms_norm(x4, (6,), eps=None))
show("layer_norm 2d", lambda: F.layer_norm(x4, (5, 6)))
show(
    "conv_transpose out_pad",
    lambda: F.conv_transpose2d(
        x4, torch.randn(3, 2, 3, 3), stride=2, padding=1, output_padding=1, dilation=1, groups=1
    ),
)
show("conv groups dil", lambda: F.conv2d(x4, torch.randn(6, 1, 2, 2), groups=3, dilation=2, padding="same"))
show("conv1d valid", lambda: F.conv1d(torch.randn(1, 2, 7), torch.randn(4, 2, 3), padding="valid", stride=2))
show("conv3d", lambda: F.conv3d(torch.randn(1, 1, 3, 4, 4), torch.randn(2, 1, 2, 2, 2), stride=(1, 2, 2)))
show("unfold", lambda: F.unfold(x4, (2, 3), dilation=1, padding=1, stride=2))
show("fold", lambda: F.fold(torch.randn(1, 12, 9), (4, 4), 2, stride=1))
show("pad reflect", lambda: F.pad(x4, (2, 1, 1, 2), mode="reflect"))
show("pad replicate", lambda: F.pad(torch.randn(1, 2, 4), (3, 0), mode="replicate"))
show("pad circular", lambda: F.pad(x4, (1, 1, 2, 0), mode="circular"))
show("pad neg", lambda: F.pad(x4, (-1, 2)))
show(
    "affine_grid",
    lambda: F.affine_grid(
        torch.tensor([[[1.0, 0.2, 0.0], [0.1, 0.9, 0.1]]]), (1, 1, 3, 4), align_corners=False
    ),
)
show(
    "grid_sample bicubic",
    lambda: F.grid_sample(
        x4[:1], torch.rand(1, 3, 3, 2) * 2 - 1, mode="bicubic", padding_mode="reflection", align_corners=True
    ),
)
show("one_hot", lambda: F.one_hot(torch.tensor([[0, 2], [1, 1]]), num_classes=4))
show(
    "sdpa gqa",
    lambda: F.scaled_dot_product_attention(
        torch.randn(1, 4, 3, 2),
        torch.randn(1, 2, 3, 2),
        torch.randn(1, 2, 3, 2),
        enable_gqa=True,
        scale=0.3,
        is_causal=True,
    ),
)
show(
    "mha fn",
    lambda: F.multi_head_attention_forward(
        torch.randn(3, 1, 4),
        torch.randn(3, 1, 4),
        torch.randn(3, 1, 4),
        4,
        2,
        torch.randn(12, 4),
        torch.randn(12),
        None,
        None,
        False,
        0.0,
        torch.randn(4, 4),
        torch.randn(4),
    )[0],
)
