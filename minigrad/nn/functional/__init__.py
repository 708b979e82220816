"""nn.functional: the math of the layers, as functions of Tensors.

Every function here is a composition of Tensor operations, so gradients come
from the autograd engine; modules in ``minigrad.nn`` hold state and call these.
The functions live in small files by kind and are all re-exported here as ``F.*``:
activation, dropout, normalization, linear, embedding, attention, vector
(norms and distances), loss (regression), cross_entropy (classification) and
margin (ranking and embedding losses).
"""

from minigrad import _public
from minigrad.nn.functional import resampling as _resampling
from minigrad.nn.functional.activation import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)  # fmt: skip
from minigrad.nn.functional.attention import scaled_dot_product_attention
from minigrad.nn.functional.cross_entropy import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    linear_cross_entropy,
    multilabel_soft_margin_loss,
    nll_loss,
)  # fmt: skip
from minigrad.nn.functional.dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)  # fmt: skip
from minigrad.nn.functional.embedding import embedding, embedding_bag, one_hot
from minigrad.nn.functional.linear import bilinear, linear
from minigrad.nn.functional.loss import (
    gaussian_nll_loss,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    poisson_nll_loss,
    smooth_l1_loss,
)  # fmt: skip
from minigrad.nn.functional.margin import cosine_embedding_loss, margin_ranking_loss, triplet_margin_loss
from minigrad.nn.functional.normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    rms_norm,
)  # fmt: skip
from minigrad.nn.functional.vector import cosine_similarity, normalize, pairwise_distance

__all__ = [
    "alpha_dropout", "batch_norm", "bilinear", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "celu", "cosine_embedding_loss", "cosine_similarity", "cross_entropy", "dropout", "dropout1d",
    "dropout2d", "dropout3d", "elu", "embedding", "embedding_bag", "feature_alpha_dropout",
    "gaussian_nll_loss", "gelu", "glu", "group_norm", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
    "huber_loss", "instance_norm", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear",
    "linear_cross_entropy",
    "local_response_norm", "log_softmax", "logsigmoid", "margin_ranking_loss", "mish", "mse_loss",
    "multilabel_soft_margin_loss", "nll_loss", "normalize", "one_hot", "pairwise_distance",
    "poisson_nll_loss", "prelu", "relu", "relu6", "rms_norm", "scaled_dot_product_attention", "selu",
    "sigmoid", "silu", "smooth_l1_loss", "softmax", "softmin", "softplus", "softshrink", "softsign", "tanh",
    "tanhshrink", "threshold", "triplet_margin_loss",
]  # fmt: skip

# Convolution, padding, pooling and resampling: compositions on the sliding-window primitive.
# , random activations, in-place activations, pairwise distances.
from minigrad.nn.functional.classification_margin import (
    hinge_embedding_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    soft_margin_loss,
)
from minigrad.nn.functional.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from minigrad.nn.functional.ctc import ctc_loss
from minigrad.nn.functional.fractional_pool import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from minigrad.nn.functional.grid_sampling import affine_grid, grid_sample
from minigrad.nn.functional.inplace import (
    celu_,
    elu_,
    hardtanh_,
    leaky_relu_,
    relu_,
    rrelu_,
    selu_,
    threshold_,
)
from minigrad.nn.functional.margin import triplet_margin_with_distance_loss
from minigrad.nn.functional.multihead import multi_head_attention_forward
from minigrad.nn.functional.padding import pad
from minigrad.nn.functional.pooling import (  # PyTorch's forms that always return the indices
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from minigrad.nn.functional.random_activation import gumbel_softmax, rrelu
from minigrad.nn.functional.resampling import (
    channel_shuffle,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from minigrad.nn.functional.vector import pdist

__all__ += ["affine_grid", "ctc_loss", "grid_sample"]
__all__ += ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
            "fractional_max_pool3d_with_indices"]
__all__ += [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "conv1d",
    "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "fold", "interpolate",
    "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "pad", "pixel_shuffle", "pixel_unshuffle", "unfold", "upsample",
    "upsample_bilinear", "upsample_nearest",
]  # fmt: skip

__all__ += [
    "celu_", "channel_shuffle", "elu_", "gumbel_softmax", "hardtanh_", "hinge_embedding_loss", "leaky_relu_",
    "multi_head_attention_forward", "multi_margin_loss", "multilabel_margin_loss", "pdist", "relu_", "rrelu",
    "rrelu_", "selu_", "soft_margin_loss", "threshold_", "triplet_margin_with_distance_loss",
]  # fmt: skip

__all__ += [
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices", "native_channel_shuffle",
]  # fmt: skip
native_channel_shuffle = channel_shuffle  # (PyTorch's name for its kernel: the same values)

# __torch_function__ dispatch, and numbers refused with an error that is both PyTorch's TypeError (its C
# functions') and AttributeError (its Python functions'): see minigrad/_public.py
# (sigmoid and tanh call the Tensor methods, the upsample forms interpolate: PyTorch's hand those over)
_public.expose(globals(), [n for n in __all__ if n not in ("sigmoid", "tanh", "upsample", "upsample_bilinear",
                                                           "upsample_nearest")], both=True)
_resampling.PUBLIC["interpolate"] = interpolate
