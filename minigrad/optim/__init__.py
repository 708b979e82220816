"""minigrad.optim: optimizers and learning-rate schedulers, as ``torch.optim``.

Optimizers follow PyTorch's update formulas exactly and update the parameter
arrays in place, without recording a graph. ``lr_scheduler`` holds the
schedules, ``swa_utils`` weight averaging (SWA and EMA).
"""

from minigrad.optim import lr_scheduler as lr_scheduler
from minigrad.optim import swa_utils as swa_utils
from minigrad.optim.adadelta import Adadelta
from minigrad.optim.adafactor import Adafactor
from minigrad.optim.adagrad import Adagrad
from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.adamax import Adamax
from minigrad.optim.asgd import ASGD
from minigrad.optim.lbfgs import LBFGS
from minigrad.optim.muon import Muon
from minigrad.optim.nadam import NAdam
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.radam import RAdam
from minigrad.optim.rmsprop import RMSprop
from minigrad.optim.rprop import Rprop
from minigrad.optim.sgd import SGD
from minigrad.optim.sparse_adam import SparseAdam

# the optimizers whose PyTorch __setstate__ turns a loaded step count into a tensor
for _counts_in_tensor in (Adadelta, Adafactor, Adagrad, Adam, Adamax, ASGD, NAdam, RAdam, RMSprop, Rprop):
    _counts_in_tensor._step_to_tensor = True

__all__ = [
    "ASGD", "LBFGS", "SGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Muon", "NAdam",
    "Optimizer", "RAdam", "RMSprop", "Rprop", "SparseAdam", "lr_scheduler", "swa_utils",
]  # fmt: skip
