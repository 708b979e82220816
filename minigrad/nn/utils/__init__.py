"""minigrad.nn.utils: helpers around parameters and gradients, as ``torch.nn.utils``."""

from minigrad.nn.utils import rnn as rnn
from minigrad.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_

__all__ = ["clip_grad_norm_", "clip_grad_value_", "rnn"]
