"""minigrad.nn.utils: helpers around parameters and gradients, as ``torch.nn.utils``."""

from minigrad.nn.utils import clip_grad as clip_grad
from minigrad.nn.utils import fusion as fusion
from minigrad.nn.utils import memory_format as memory_format
from minigrad.nn.utils import parametrizations as parametrizations
from minigrad.nn.utils import parametrize as parametrize
from minigrad.nn.utils import prune as prune
from minigrad.nn.utils import rnn as rnn
from minigrad.nn.utils import stateless as stateless
from minigrad.nn.utils.clip_grad import (
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from minigrad.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from minigrad.nn.utils.fusion import (
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from minigrad.nn.utils.init import skip_init
from minigrad.nn.utils.memory_format import (
    convert_conv2d_weight_memory_format,
    convert_conv3d_weight_memory_format,
)
from minigrad.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm
from minigrad.nn.utils.weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "clip_grad", "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
    "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format", "fuse_conv_bn_eval",
    "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "fusion", "get_total_norm",
    "memory_format",
    "parameters_to_vector", "skip_init",
    "parametrizations", "parametrize", "prune", "remove_spectral_norm", "remove_weight_norm", "rnn",
    "spectral_norm", "stateless", "vector_to_parameters", "weight_norm",
]  # fmt: skip
