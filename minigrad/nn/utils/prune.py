"""``torch.nn.utils.prune``: zero out parts of a parameter through a mask.

Pruning ``module.<name>`` moves the parameter to ``<name>_orig``, stores a
0/1 mask as the buffer ``<name>_mask`` and registers the pruning method as a
forward pre-hook that sets the plain attribute ``module.<name> = mask *
<name>_orig`` before every forward (so gradients reach ``<name>_orig`` only
where the mask is 1). Pruning the same tensor again combines the new method
with the old ones in a :class:`PruningContainer`, the new method acting only
on what is still unpruned; :func:`remove` makes the pruned values a plain
parameter ``<name>`` again. Parameter, buffer and ``state_dict`` names, and
their order, are PyTorch's.

The random methods draw from minigrad's generator (``mg.manual_seed``): the
same seed prunes the same entries, but not the ones PyTorch's generator
would pick. Ties in magnitude may be broken differently from PyTorch's topk.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any

from minigrad.errors import DimensionError, InvalidParameterError, MinigradError, ShapeError
from minigrad.factories import ones_like, rand, rand_like, zeros_like
from minigrad.nn.module import Module
from minigrad.nn.utils.convert_parameters import parameters_to_vector
from minigrad.reductions import kthvalue, norm, topk
from minigrad.tensor import Tensor

__all__ = [
    "BasePruningMethod", "CustomFromMask", "Identity", "L1Unstructured", "LnStructured", "PruningContainer",
    "RandomStructured", "RandomUnstructured", "custom_from_mask", "global_unstructured", "identity",
    "is_pruned", "l1_unstructured", "ln_structured", "random_structured", "random_unstructured", "remove",
]  # fmt: skip


class _MisuseError(MinigradError, AssertionError):
    """A pruning call in the wrong state; an AssertionError, as PyTorch's."""


class _MaskShapeError(ShapeError, AssertionError):
    """Scores or a mask of the wrong shape; an AssertionError, as PyTorch's."""


class BasePruningMethod(ABC):
    """A way to compute a pruning mask; applied to a module, also its forward pre-hook.

    Subclasses set ``PRUNING_TYPE`` ('unstructured', 'structured' with a
    ``dim`` attribute, or 'global') and define :meth:`compute_mask`.
    """

    PRUNING_TYPE: str
    _tensor_name: str

    def __call__(self, module: Module, inputs: Any) -> None:
        """The forward pre-hook: ``module.<name> = <name>_mask * <name>_orig``."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask for ``t`` (t's shape), keeping at 0 what ``default_mask`` already pruned."""

    def apply_mask(self, module: Module) -> Tensor:
        """``<name>_mask * <name>_orig`` (the mask cast to the parameter's dtype), a graph to the latter.

        Raises:
            AssertionError: the method was never applied to a tensor.
        """
        name = getattr(self, "_tensor_name", None)
        if name is None:
            raise _MisuseError(f"Module {module} has to be pruned")
        orig = getattr(module, name + "_orig")
        return getattr(module, name + "_mask").to(dtype=orig.dtype) * orig  # type: ignore[no-any-return]

    @classmethod
    def apply(cls, module: Module, name: str, *args: Any, importance_scores: Tensor | None = None,
              **kwargs: Any) -> BasePruningMethod:
        """Prune ``module.<name>`` with ``cls(*args, **kwargs)``, the mask computed from
        ``importance_scores`` (default: the parameter itself); returns the (possibly combined) method.

        Raises:
            AssertionError: ``name`` already has two pruning hooks (they belong in one container), or
                ``importance_scores`` does not have the parameter's shape (a ShapeError too).
        """
        method = _combined_method(cls(*args, **kwargs), module, name)
        orig = getattr(module, name)
        if importance_scores is not None and importance_scores.shape != orig.shape:
            raise _MaskShapeError(
                f"importance_scores should have the same shape as parameter {name} of {module}, "
                f"got {importance_scores.shape} vs {orig.shape}"
            )
        scores = orig if importance_scores is None else importance_scores
        first = not isinstance(method, PruningContainer)
        if first:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            module.register_buffer(name + "_mask", method.compute_mask(scores, default_mask=default_mask))
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:  # put the parameter back where it was
                module.register_parameter(name, module._parameters.pop(name + "_orig"))
            raise
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None,
              importance_scores: Tensor | None = None) -> Tensor:
        """``t`` times the mask computed from ``importance_scores`` (default ``t``), without a module.

        Raises:
            AssertionError: ``importance_scores`` does not have ``t``'s shape (a ShapeError too).
        """
        if importance_scores is not None and importance_scores.shape != t.shape:
            raise _MaskShapeError(
                f"importance_scores should have the same shape as tensor t, got {importance_scores.shape} "
                f"vs {t.shape}"
            )
        scores = t if importance_scores is None else importance_scores
        mask = self.compute_mask(scores, default_mask=ones_like(t) if default_mask is None else default_mask)
        return t * mask

    def remove(self, module: Module) -> None:
        """Make ``module.<name>`` a plain parameter again, holding the pruned values.

        ``<name>_orig`` (the same Parameter object) takes the masked values and
        the name ``<name>``; the mask buffer goes. The hook itself is left to the caller.
        """
        weight = self.apply_mask(module)
        name = self._tensor_name
        if name in module.__dict__:
            delattr(module, name)
        orig = module._parameters.pop(name + "_orig")
        assert orig is not None
        orig.data = weight.data
        del module._buffers[name + "_mask"]
        setattr(module, name, orig)


def _combined_method(method: BasePruningMethod, module: Module, name: str) -> BasePruningMethod:
    """``method`` alone, or joined to the pruning hook ``name`` already has (whose hook is removed)."""
    method._tensor_name = name
    found = [(k, h) for k, h in module._forward_pre_hooks.items()
             if isinstance(h, BasePruningMethod) and h._tensor_name == name]
    if len(found) > 1:
        raise _MisuseError(
            f"Avoid adding multiple pruning hooks to the same tensor {name} of module {module}. "
            "Use a PruningContainer."
        )
    if not found:
        return method
    key, old = found[0]
    del module._forward_pre_hooks[key]
    container = old if isinstance(old, PruningContainer) else PruningContainer(old)
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """A sequence of pruning methods on one tensor; its mask applies the last to what the others kept.

    Args:
        *args: pruning methods (one: the container takes its tensor name).

    Raises:
        TypeError: an argument is not a pruning method.
        ValueError: the methods act on different tensors.
    """

    def __init__(self, *args: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
        for method in args:
            self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        """Append ``method``, which must act on the container's tensor.

        Raises:
            TypeError: ``method`` is not a pruning method.
            ValueError: it acts on another tensor.
        """
        if not isinstance(method, BasePruningMethod):
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if getattr(self, "_tensor_name", None) != getattr(method, "_tensor_name", None):
            raise InvalidParameterError(
                f"Can only add pruning methods acting on the parameter named "
                f"'{getattr(self, '_tensor_name', None)}' to PruningContainer {self}. "
                f"Found '{getattr(method, '_tensor_name', None)}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Iterator[BasePruningMethod]:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: int) -> BasePruningMethod:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """``default_mask`` with the last method applied to the part still unpruned.

        That part is, by the method's type: the entries where the mask is 1
        (unstructured), the slices along its ``dim`` not entirely pruned
        (structured), or everything (global).

        Raises:
            AttributeError: a structured method without ``dim``.
            IndexError: its ``dim`` is out of range.
            ValueError: an unknown PRUNING_TYPE.
        """
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        kind = method.PRUNING_TYPE
        where: Any
        if kind == "unstructured":
            where = default_mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError(
                    'Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.'
                )
            dim = method.dim + t.ndim if method.dim < 0 else method.dim
            if dim < 0:
                raise DimensionError(f"Index is out of bounds for tensor with dimensions {t.ndim}")
            others = [d for d in range(t.ndim) if d != dim]
            where = tuple(default_mask.sum(dim=others) != 0 if d == dim else slice(None)
                          for d in range(t.ndim))
        elif kind == "global":
            where = (slice(None),) * t.ndim
        else:
            raise InvalidParameterError(f"Unrecognized PRUNING_TYPE {kind}")
        mask[where] = method.compute_mask(t[where], default_mask=default_mask[where]).to(dtype=mask.dtype)
        return mask


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (the reparametrization alone)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """``default_mask`` unchanged."""
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> BasePruningMethod:  # type: ignore[override]
        """Reparametrize ``module.<name>`` with an all-ones mask."""
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prune ``amount`` entries (an int count, or a float fraction rounded) chosen at random.

    Raises:
        TypeError: ``amount`` is not a number.
        ValueError: a negative count or a fraction outside [0, 1].
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: float) -> None:
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """``default_mask`` with ``amount`` more random entries of ``t`` zeroed (minigrad's generator)."""
        k = _count(self.amount, t.numel())
        mask = default_mask.clone()
        if k:
            mask.view(-1)[topk(rand_like(t).view(-1), k).indices] = 0
        return mask

    @classmethod
    def apply(cls, module: Module, name: str, amount: float) -> BasePruningMethod:  # type: ignore[override]
        """Prune ``amount`` random entries of ``module.<name>``."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prune the ``amount`` entries of smallest magnitude (an int count, or a float fraction rounded).

    Raises:
        TypeError: ``amount`` is not a number.
        ValueError: a negative count or a fraction outside [0, 1].
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: float) -> None:
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """``default_mask`` with the ``amount`` entries of smallest ``|t|`` zeroed."""
        k = _count(self.amount, t.numel())
        mask = default_mask.clone()
        if k:
            mask.view(-1)[topk(t.detach().abs().view(-1), k, largest=False).indices] = 0
        return mask

    @classmethod
    def apply(cls, module: Module, name: str, amount: float,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> BasePruningMethod:
        """Prune the ``amount`` entries of ``module.<name>`` smallest in |importance_scores|."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prune ``amount`` whole slices along ``dim``, chosen at random.

    Raises:
        TypeError: ``amount`` is not a number.
        ValueError: a negative count or a fraction outside [0, 1].
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: float, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.dim = amount, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """A mask keeping the slices along ``dim`` whose random draw is above the ``amount``-th smallest.

        Raises:
            ValueError: ``t`` has fewer than 2 dims, or ``amount`` exceeds the slices.
            IndexError: ``dim`` is out of range.
        """
        size = _structured_size(t, self.dim)
        k = _count(self.amount, size)
        if not k:
            return default_mask
        prob = rand(size)
        return _slice_mask(t, self.dim, prob > kthvalue(prob, k).values) * default_mask.to(dtype=t.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float,  # type: ignore[override]
              dim: int = -1) -> BasePruningMethod:
        """Prune ``amount`` random slices of ``module.<name>`` along ``dim``."""
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prune the ``amount`` slices along ``dim`` of smallest ``n``-norm (``n`` as ``torch.norm``'s ``p``).

    Raises:
        TypeError: ``amount`` is not a number.
        ValueError: a negative count or a fraction outside [0, 1].
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: float, n: Any, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """A mask keeping the slices along ``dim`` of largest norm (all but ``amount``).

        Raises:
            ValueError: ``t`` has fewer than 2 dims, or ``amount`` exceeds the slices.
            IndexError: ``dim`` is out of range.
        """
        size = _structured_size(t, self.dim)
        k = _count(self.amount, size)
        if not k:
            return default_mask
        dim = self.dim % t.ndim
        norms = norm(t.detach(), p=self.n, dim=[d for d in range(t.ndim) if d != dim])
        keep = topk(norms, k=size - k, largest=True).indices
        return _slice_mask(t, self.dim, keep) * default_mask.to(dtype=t.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float, n: Any, dim: int,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> BasePruningMethod:
        """Prune the ``amount`` slices of ``module.<name>`` along ``dim`` of smallest ``n``-norm."""
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prune with a given mask (1 keeps, 0 prunes), on top of any earlier pruning."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """``default_mask * mask``.

        Raises:
            AssertionError: the masks' shapes differ (a ShapeError too).
        """
        if default_mask.shape != self.mask.shape:
            raise _MaskShapeError(
                f"default_mask shape {default_mask.shape} must match self.mask shape {self.mask.shape}"
            )
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor) -> BasePruningMethod:  # type: ignore[override]
        """Prune ``module.<name>`` where ``mask`` is 0."""
        return super().apply(module, name, mask=mask)


def identity(module: Module, name: str) -> Module:
    """Reparametrize ``module.<name>`` as ``<name>_orig`` times an all-ones ``<name>_mask``; returns it."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: float) -> Module:
    """Prune ``amount`` random entries of ``module.<name>`` (int: a count, float: a fraction); returns it."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: float,
                    importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` entries of ``module.<name>`` smallest in magnitude; returns ``module``."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: float, dim: int) -> Module:
    """Prune ``amount`` random slices of ``module.<name>`` along ``dim``; returns ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount: float, n: Any, dim: int,
                  importance_scores: Tensor | None = None) -> Module:
    """Prune the ``amount`` slices of ``module.<name>`` along ``dim`` of smallest ``n``-norm; returns it."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Iterable[tuple[Module, str]], pruning_method: type[BasePruningMethod],
                        importance_scores: dict[tuple[Module, str], Tensor] | None = None,
                        **kwargs: Any) -> None:
    """Prune the ``(module, name)`` tensors together: ``pruning_method(**kwargs)`` (e.g. L1Unstructured
    with ``amount``) picks among all their entries at once, as if they were one vector.

    Raises:
        TypeError: ``parameters`` is not iterable, ``importance_scores`` not a dict, or the method
            is not unstructured.
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    scores = {} if importance_scores is None else importance_scores
    if not isinstance(scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    pairs = list(parameters)
    flat_scores = parameters_to_vector([scores.get((m, n), getattr(m, n)) for m, n in pairs])
    flat_mask = parameters_to_vector([getattr(m, n + "_mask") if hasattr(m, n + "_mask")
                                      else ones_like(getattr(m, n)) for m, n in pairs])
    method = pruning_method(**kwargs)
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
            f"Found method {pruning_method} of type {method.PRUNING_TYPE}"
        )
    method._tensor_name = "temp"
    container = PruningContainer()
    container._tensor_name = "temp"
    container.add_pruning_method(method)
    final = container.compute_mask(flat_scores, flat_mask)
    start = 0
    for module, name in pairs:
        size = getattr(module, name).numel()
        custom_from_mask(module, name, mask=final[start:start + size].view_as(getattr(module, name)))
        start += size


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune ``module.<name>`` where ``mask`` is 0; returns ``module``."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of ``module.<name>`` permanent: one parameter ``<name>`` holding the pruned values,
    no ``<name>_orig``, ``<name>_mask`` or hook. Returns ``module``.

    Raises:
        ValueError: ``module.<name>`` is not pruned.
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise InvalidParameterError(
        f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed"
    )


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any module inside it has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for sub in module.modules() for hook in sub._forward_pre_hooks.values())


# ----------------------------------------------------------------- argument checks


def _check_amount(amount: Any) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (amount < 0) if isinstance(amount, numbers.Integral) else not 0.0 <= float(amount) <= 1.0:
        raise InvalidParameterError(
            f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer"
        )


def _count(amount: float, size: int) -> int:
    """How many of ``size`` to prune: an int amount itself, a float fraction rounded (half to even)."""
    k = int(amount) if isinstance(amount, numbers.Integral) else round(amount * size)
    if isinstance(amount, numbers.Integral) and k > size:
        raise InvalidParameterError(
            f"amount={amount} should be smaller than the number of parameters to prune={size}"
        )
    return k


def _structured_size(t: Tensor, dim: int) -> int:
    """The number of slices along ``dim`` (checked as PyTorch checks it)."""
    if t.ndim <= 1:
        raise InvalidParameterError(
            "Structured pruning can only be applied to multidimensional tensors. Found tensor of shape "
            f"{t.shape} with {t.ndim} dims"
        )
    if dim >= t.ndim:
        raise DimensionError(f"Invalid index {dim} for tensor of size {t.shape}")
    return int(t.shape[dim])


def _slice_mask(t: Tensor, dim: int, which: Tensor) -> Tensor:
    """Zeros shaped like ``t`` with ones on the slices ``which`` (indices or a bool mask) along ``dim``."""
    mask = zeros_like(t)
    mask[(slice(None),) * (dim % t.ndim) + (which,)] = 1
    return mask


