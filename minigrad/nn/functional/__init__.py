"""nn.functional: the math of the layers, as functions of Tensors.

Every function here is a composition of Tensor operations, so gradients come
from the autograd engine; modules in ``minigrad.nn`` hold state and call these.
The functions live in small files by kind (activation, dropout, normalization,
loss, linear, attention, embedding) and are all re-exported here as ``F.*``.
"""

from minigrad.nn.functional.activation import gelu, log_softmax, relu, sigmoid, softmax, tanh
from minigrad.nn.functional.attention import scaled_dot_product_attention
from minigrad.nn.functional.dropout import dropout
from minigrad.nn.functional.embedding import embedding, one_hot
from minigrad.nn.functional.linear import linear
from minigrad.nn.functional.loss import binary_cross_entropy_with_logits, cross_entropy, mse_loss, nll_loss
from minigrad.nn.functional.normalization import batch_norm, layer_norm

__all__ = [
    "batch_norm", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "embedding", "gelu",
    "layer_norm", "linear", "log_softmax", "mse_loss", "nll_loss", "one_hot", "relu",
    "scaled_dot_product_attention", "sigmoid", "softmax", "tanh",
]  # fmt: skip
