"""AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al. for large vocabularies."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.errors import DomainError, InvalidParameterError, ShapeError
from minigrad.nn import _checks
from minigrad.nn.container import ModuleList, Sequential
from minigrad.nn.functional import log_softmax
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module
from minigrad.tensor import DTypeLike, Tensor, cat, from_numpy

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])  # PyTorch's type and name


class AdaptiveLogSoftmaxWithLoss(Module):
    """Log-probabilities of ``n_classes`` classes from features: a head over the frequent classes
    and one entry per cluster of rarer ones, each cluster with its own smaller projection.

    Classes below ``cutoffs[0]`` (the shortlist) are scored by ``head``
    (``Linear(in_features, cutoffs[0] + n_clusters, bias=head_bias)``);
    cluster ``i`` (classes ``cutoffs[i]`` to ``cutoffs[i+1] - 1``, the last
    ending at ``n_classes``) by ``tail[i] = Sequential(Linear(in_features,
    in_features // div_value**(i+1)), Linear(that, cluster size))``, both
    without bias: ``log p(c) = log p_head(cluster) + log p_cluster(c)``.

    Args:
        in_features: size of each input row.
        n_classes: number of classes.
        cutoffs: increasing ints in [1, n_classes - 1], without repeats.
        div_value: how much smaller each cluster's projection is than the previous one's.
        head_bias: give the head a bias.
        device: ``None`` or the CPU.
        dtype: of the parameters (float32 by default).

    Raises:
        InvalidParameterError: empty or invalid ``cutoffs``.

    ``forward(input, target)`` returns ``_ASMoutput(output, loss)``: each
    row's log-probability of its target (N,) and their negated mean.
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        _checks.device(device)
        cuts = list(cutoffs)
        if not cuts:
            raise InvalidParameterError("cutoffs should be a sequence of length larger than 0")
        if (cuts != sorted(cuts) or min(cuts) <= 0 or max(cuts) > n_classes - 1 or len(set(cuts)) != len(cuts)
                or any(int(c) != c for c in cuts)):
            raise InvalidParameterError(
                "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, "
                f"where each value is between 1 and n_classes-1; got cutoffs={cuts}, n_classes={n_classes}"
            )
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = [*cuts, n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // div_value ** (i + 1))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, dtype=dtype),
                                        Linear(hidden, size, bias=False, dtype=dtype)))

    def reset_parameters(self) -> None:
        """Draw every weight again, as the layers' constructors do."""
        self.head.reset_parameters()
        for layer in self.tail.modules():
            if isinstance(layer, Linear):
                layer.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        """``_ASMoutput(output, loss)``: log p(target) per row, and ``-output.mean()``.

        Shapes: input (N, in_features) with target (N,) ints, or (in_features,) with a 0-d target
        (output then 0-d).

        Raises:
            ShapeError: mismatched batch sizes or ranks.
            DomainError: a target outside [0, n_classes - 1].
        """
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise ShapeError("Input and target should have the same size in the batch dimension; got "
                                 f"input {input_.shape} and target {target_.shape}")
            if input_.ndim != 2:
                raise ShapeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                 f"{input_.shape}")
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise ShapeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                 f"{input_.shape}")
        else:
            raise ShapeError("0D or 1D target tensor expected, multi-target not supported; got target "
                             f"{target_.shape}")
        batched = target_.ndim > 0
        x = input_ if batched else input_.unsqueeze(0)
        target = (target_ if batched else target_.unsqueeze(0)).numpy(force=True)
        cluster = np.searchsorted(np.array(self.cutoffs), target, side="right")  # 0: the shortlist
        if target.size and (target.min() < 0 or target.max() >= self.n_classes):
            raise DomainError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                              f"[{target.min()}, {target.max()}] were found. ")
        head_column = np.where(cluster == 0, target, self.shortlist_size + cluster - 1)
        rows = [np.flatnonzero(cluster == 0)]
        pieces = [from_numpy(np.zeros(rows[0].size, dtype=x.dtype))]  # shortlist rows: the head alone
        for i in range(1, self.n_clusters + 1):
            picked = np.flatnonzero(cluster == i)
            if picked.size:
                logprob = log_softmax(self.tail[i - 1](x[from_numpy(picked)]), dim=1)
                local = target[picked] - self.cutoffs[i - 1]
                pieces.append(logprob[from_numpy(np.arange(picked.size)), from_numpy(local)])
                rows.append(picked)
        order = np.argsort(np.concatenate(rows), kind="stable")
        head_logprob = log_softmax(self.head(x), dim=1)
        output = cat(pieces)[from_numpy(order)] + head_logprob[from_numpy(np.arange(x.shape[0])),
                                                               from_numpy(head_column)]
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, x: Tensor, head_output: Tensor) -> Tensor:
        head_logprob = log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            gate = head_logprob[:, self.shortlist_size + i].unsqueeze(1)
            parts.append(log_softmax(projection(x), dim=1) + gate)
        return cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Log-probabilities of every class: (N, in_features) -> (N, n_classes)."""
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """The most likely class of each row, (N, in_features) -> (N,) int64; the tail is computed
        only for rows whose head prefers a cluster."""
        head_output = self.head(input)
        output: Tensor = head_output.argmax(dim=1)
        outside = output >= self.shortlist_size
        if not bool(outside.any()):
            return output
        if bool(outside.all()):
            best: Tensor = self._full_log_prob(input, head_output).argmax(dim=1)
            return best
        output[outside] = self._full_log_prob(input[outside], head_output[outside]).argmax(dim=1)
        return output
