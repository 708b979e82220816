"""ExponentialFamily: the base class of the distributions whose density is
``h(x) exp(<theta, t(x)> - A(theta))``."""

from __future__ import annotations

from minigrad.autograd import grad
from minigrad.distributions.distribution import Distribution
from minigrad.tensor import Tensor

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """A distribution with natural parameters ``theta`` (``_natural_params``), log normalizer ``A``
    (``_log_normalizer``) and carrier measure ``h`` (``_mean_carrier_measure``, E[log h(x)]), as
    ``torch.distributions.ExponentialFamily``. Its generic ``entropy`` is
    ``A(theta) - <theta, grad A(theta)> - E[log h]``, the gradient taken by autograd (so it stays
    differentiable); subclasses with a closed form override it.
    """

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float | Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """``A(theta) - <theta, dA/dtheta> - E[log h(x)]`` per batch element."""
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_norm = self._log_normalizer(*params)
        grads = grad(log_norm.sum(), params, create_graph=True)
        result = log_norm - self._mean_carrier_measure
        for p, g in zip(params, grads):
            result = result - (p * g).reshape(*self._batch_shape, -1).sum(-1)
        return result
