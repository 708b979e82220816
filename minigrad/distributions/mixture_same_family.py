"""A mixture of distributions of one family, weighted by a categorical."""

from __future__ import annotations

from typing import Any, ClassVar

from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.distribution import Distribution, Shape, as_shape, as_tensor
from minigrad.errors import InvalidParameterError
from minigrad.tensor import Tensor

__all__ = ["MixtureSameFamily"]


class MixtureSameFamily(Distribution):
    """MixtureSameFamily(mixture_distribution, component_distribution, validate_args=None), as PyTorch's.

    ``mixture_distribution`` is a Categorical over K components (batch shape B); the rightmost batch
    dim of ``component_distribution`` indexes the components (batch shape B + (K,)). ``log_prob`` is
    the logsumexp over components of the mixture log-weight plus the component's log_prob.

    Raises:
        ValueError: the mixture is not a Categorical, or the batch shapes or K disagree.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {}  # (its own: no parameters to check, no warning)

    @property
    def support(self) -> constraints.Constraint:
        """The set the samples lie in: the components'."""
        return constraints.MixtureSameFamilyConstraint(self._component_distribution.support)

    def __init__(self, mixture_distribution: Categorical, component_distribution: Distribution,
                 validate_args: bool | None = None) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise InvalidParameterError("The Mixture distribution needs to be an instance of "
                                        "torch.distributions.Categorical")
        mbs, cbs = tuple(mixture_distribution.batch_shape), tuple(component_distribution.batch_shape)
        if not cbs:
            raise InvalidParameterError("`component_distribution` must have at least one batch dimension")
        if len(mbs) != len(cbs) - 1 or any(m != c and 1 not in (m, c) for m, c in zip(mbs, cbs[:-1])):
            raise InvalidParameterError(f"`mixture_distribution.batch_shape` ({mbs}) is not compatible with "
                                        f"`component_distribution.batch_shape`({cbs})")
        k = mixture_distribution.logits.shape[-1]  # (PyTorch's reads logits: its repr then lists them)
        if k != cbs[-1]:
            raise InvalidParameterError(f"`mixture_distribution component` ({k}) does not equal "
                                        f"`component_distribution.batch_shape[-1]` ({cbs[-1]})")
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(cbs[:-1], tuple(component_distribution.event_shape), validate_args)

    @property
    def mixture_distribution(self) -> Categorical:
        """The Categorical over the components."""
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        """The components, batched along the rightmost batch dim."""
        return self._component_distribution

    def _pad(self, x: Tensor) -> Tensor:
        """``x`` with a component dim before its event dims."""
        return x.unsqueeze(-1 - self._event_ndims)

    def _weights(self) -> Tensor:
        probs = self._mixture_distribution.probs
        for _ in range(self._event_ndims):
            probs = probs.unsqueeze(-1)
        return probs

    @property
    def mean(self) -> Tensor:
        """The probability-weighted mean of the component means."""
        return (self._weights() * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        """The law of total variance: E[Var] + Var[E] over the components."""
        w, comp = self._weights(), self._component_distribution
        dim = -1 - self._event_ndims
        cond_var = (w * comp.variance).sum(dim)
        spread = (w * (comp.mean - self._pad(self.mean)).pow(2)).sum(dim)
        return cond_var + spread

    def log_prob(self, value: Any) -> Tensor:
        """``logsumexp_k(log w_k + component_k.log_prob(value))``."""
        x = self._pad(as_tensor(value))
        lp = self._component_distribution.log_prob(x)
        log_w = self._mixture_distribution.logits.log_softmax(-1)
        return (lp + log_w).logsumexp(-1)

    def cdf(self, value: Any) -> Tensor:
        """The probability-weighted sum of the components' cdfs."""
        x = self._pad(as_tensor(value))
        return (self._component_distribution.cdf(x) * self._mixture_distribution.probs).sum(-1)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """A component drawn from the mixture, then a sample from it: ``sample_shape + batch + event``."""
        shape = as_shape(sample_shape)
        with no_grad():
            idx = self._mixture_distribution.sample(shape)
            comps = self._component_distribution.sample(shape)  # shape + B + (K,) + E
            idx = idx.unsqueeze(-1)
            for _ in range(self._event_ndims):
                idx = idx.unsqueeze(-1)
            idx = idx.expand(*comps.shape[: comps.ndim - self._event_ndims - 1], 1,
                             *comps.shape[comps.ndim - self._event_ndims:])
            return comps.gather(-1 - self._event_ndims, idx).squeeze(-1 - self._event_ndims)

    def __repr__(self) -> str:
        return (f"MixtureSameFamily(\n  {self._mixture_distribution!r},\n"
                f"  {self._component_distribution!r})")
