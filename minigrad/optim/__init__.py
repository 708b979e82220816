"""minigrad.optim: optimizers (SGD, Adam, AdamW) and learning-rate schedulers.

Optimizers follow PyTorch's update formulas exactly and update the parameter
arrays in place, without recording a graph.
"""

from minigrad.optim import lr_scheduler as lr_scheduler
from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "lr_scheduler"]
