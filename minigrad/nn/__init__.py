"""minigrad.nn: modules, parameters, layers, losses and ``functional``."""

from minigrad.nn import functional as functional
from minigrad.nn import init as init
from minigrad.nn import utils as utils
from minigrad.nn.activation import GELU, Flatten, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from minigrad.nn.container import ModuleDict, ModuleList, Sequential
from minigrad.nn.dropout import Dropout
from minigrad.nn.linear import Identity, Linear
from minigrad.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from minigrad.nn.module import Module, Parameter
from minigrad.nn.normalization import BatchNorm1d, LayerNorm
from minigrad.nn.transformer import Embedding, MultiheadAttention, TransformerEncoderLayer

__all__ = [
    "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "Dropout", "Embedding", "Flatten", "GELU",
    "Identity", "MultiheadAttention", "TransformerEncoderLayer",
    "LayerNorm", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleDict", "ModuleList", "NLLLoss",
    "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "functional", "init", "utils",
]  # fmt: skip
