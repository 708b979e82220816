"""The Optimizer base class: parameter groups, per-parameter state, state_dict.

Follows ``torch/optim/optimizer.py``: ``param_groups`` is a list of dicts
holding the tensors and every hyperparameter (defaults filled in), ``state``
maps each parameter to its own dict of Tensors (momentum buffers, moment
estimates, and ``step``, a 0-d tensor of the default float dtype -- float32
unless set -- where PyTorch keeps one), and ``state_dict()`` replaces
parameters by their position so that the dict can be saved and loaded into a
fresh optimizer over equivalent parameters -- or into PyTorch's optimizer of
the same name.

An optimizer step is on the hot path of every training iteration: it updates
the parameters' arrays and its state arrays in place with numpy, builds no
graph, and allocates nothing once warm (temporaries live in :class:`_Scratch`).
"""

from __future__ import annotations

import copy
import functools
import math
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias, Union

import numpy as np

from minigrad._kernels import quiet
from minigrad._sparse_grads import sparse_rows, sparse_tracking
from minigrad.autograd import enable_grad, no_grad
from minigrad.default_dtype import get_default_dtype
from minigrad.errors import (
    DeviceError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
    _AttributeArgumentError,
    _IndexArgumentError,
    _MissingKeyError,
)
from minigrad.nn._checks import value_error
from minigrad.tensor import Array, Tensor, from_numpy, reset_grads
from minigrad.utils.hooks import RemovableHandle

__all__ = [
    "Optimizer", "ParamsT", "check_betas", "check_lr", "check_number", "lr_value",
    "register_optimizer_step_post_hook", "register_optimizer_step_pre_hook", "required",
]  # fmt: skip

ParamsT: TypeAlias = Union[Iterable[Tensor], Iterable[dict[str, Any]], Iterable[tuple[str, Tensor]]]
StepHook: TypeAlias = Callable[["Optimizer", tuple[Any, ...], dict[str, Any]], Any]

# Hooks of every optimizer's step, PyTorch's torch.optim.optimizer globals: pre hooks run before an
# optimizer's own, post hooks after.
_global_optimizer_pre_hooks: dict[int, StepHook] = OrderedDict()
_global_optimizer_post_hooks: dict[int, StepHook] = OrderedDict()
# Set once any step hook (global or of an optimizer) is registered: until then a step tests only this.
_step_hooks_seen = False
_HOOK_REGISTRIES = (
    "_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
    "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
    "_optimizer_load_state_dict_post_hooks",
)


def register_optimizer_step_pre_hook(hook: StepHook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``.

    It may return a ``(new_args, new_kwargs)`` pair (``args`` starts with the
    optimizer) that the step is then called with. Returns a handle whose
    ``remove()`` unregisters it.
    """
    global _step_hooks_seen
    _step_hooks_seen = True
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: StepHook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` after every optimizer's ``step``; returns a removable handle."""
    global _step_hooks_seen
    _step_hooks_seen = True
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _hooked_step(self: Optimizer, inner: Callable[..., Any], args: tuple[Any, ...],
                 kw: dict[str, Any], grad_off: bool) -> Any:
    """Call ``inner(*args, **kw)`` between the global and own step hooks, in PyTorch's order.

    The hooks run in the caller's grad mode; ``inner`` under no_grad if ``grad_off``.
    """
    for hook in (*_global_optimizer_pre_hooks.values(), *self._optimizer_step_pre_hooks.values()):
        result = hook(self, args, kw)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(
                    f"{inner} must return None or a tuple of (new_args, new_kwargs), but got {result}."
                )
            args, kw = result
    if grad_off:
        with no_grad():
            out = inner(*args, **kw)
    else:
        out = inner(*args, **kw)
    for hook in (*self._optimizer_step_post_hooks.values(), *_global_optimizer_post_hooks.values()):
        hook(self, args, kw)
    return out


def _track_step(inner: Callable[..., Any], grad_off: bool = False) -> Callable[..., Any]:
    """Wrap an optimizer class's ``step``: mark the optimizer as stepped and run the step hooks.

    ``grad_off`` runs ``inner`` under no_grad (the base class's step: one call
    frame fewer than a second decorator).

    The mark is what schedulers read to warn about ``scheduler.step()`` before
    ``optimizer.step()`` (PyTorch patches the instance for it; a class-level
    wrapper keeps the optimizer free of reference cycles). Until a step hook
    is registered somewhere, the hooks cost one test of a module flag.
    """

    @functools.wraps(inner)
    def step(self: Optimizer, *args: Any, **kw: Any) -> Any:
        self._opt_called = True
        if _step_hooks_seen:
            return _hooked_step(self, inner, (self, *args), kw, grad_off)
        if grad_off:
            with no_grad():
                return inner(self, *args, **kw)
        return inner(self, *args, **kw)

    step._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    return step


class _RequiredParameter:
    """Marks a hyperparameter that every parameter group must give."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def check_number(name: str, value: Any, *, low: float | None = 0.0, high: float | None = None,
                 high_inclusive: bool = False, says: str = "") -> None:
    """Raise InvalidParameterError unless ``value`` is a real number in range.

    ``low`` is an inclusive lower bound (None: unbounded); ``high`` an upper
    bound, exclusive unless ``high_inclusive``. NaN is always rejected. ``says``: the optimizer's own
    PyTorch words before the value ("Learning rate should be >= 0 but is:"), where they are not the
    usual "Invalid ... value".
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise value_error(value)(f"{name} must be a real number, got {value!r}")  # (None: a TypeError too)
    v = float(value)
    too_high = high is not None and (v > high if high_inclusive else v >= high)
    if math.isnan(v) or (low is not None and v < low) or too_high:
        if says:
            raise InvalidParameterError(f"{says} {value} ({name}={value!r})")
        if high is not None:
            bounds = f"in [{low}, {high}{']' if high_inclusive else ')'}"
        else:
            bounds = "a number" if low is None else f">= {low}"
        if name in _TORCH_WORDS:
            words = _TORCH_WORDS[name]
            raise InvalidParameterError(f"Invalid {words}: {value!r} ({name}={value!r}, expected {bounds})")
        raise InvalidParameterError(f"Invalid {name} value: {value!r} (expected {bounds})")


#: PyTorch's words in its range errors where they are not "Invalid <name> value" (scripts match on them)
_TORCH_WORDS = {"lr": "learning rate", "eps": "epsilon value"}


def check_lr(group: dict[str, Any], *, says: str = "") -> None:
    """Raise InvalidParameterError unless ``group['lr']`` is a number >= 0 or a 1-element Tensor holding one
    (``says``: see :func:`check_number`).

    A Tensor lr stays a Tensor in the group, as in PyTorch (schedulers then
    update it in place); the update reads its value at every step.
    """
    lr = group["lr"]
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise InvalidParameterError(
                f"Tensor lr must be 1-element, got a tensor of shape {tuple(lr.shape)}")
        lr = lr.item()
    check_number("lr", lr, says=says)


def lr_value(group: dict[str, Any]) -> Any:
    """The group's lr for arithmetic: a float, or for a Tensor lr a numpy scalar of the tensor's dtype.

    PyTorch computes with a Tensor lr as with a 0-d tensor, so ``lr / bias_correction``
    and the like round to the lr's dtype (float32 for ``torch.tensor(0.01)``); a numpy
    scalar rounds the same way under numpy's promotion rules.
    """
    lr = group["lr"]
    if isinstance(lr, Tensor):
        return lr.numpy(force=True).reshape(())[()]
    return lr if isinstance(lr, (int, float)) else float(lr)  # an int stays one (LBFGS saves ``t = lr``)


def check_betas(betas: Any) -> None:
    """Raise InvalidParameterError unless ``betas`` is a pair of numbers in [0, 1)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:  # (PyTorch's TypeError, IndexError if short)
        short = isinstance(betas, (tuple, list)) and len(betas) < 2
        kind = _IndexArgumentError if short else _ArgumentTypeError
        raise kind(f"betas must be a pair of floats, got {betas!r}")
    for i, beta in enumerate(betas):
        check_number(f"beta parameter at index {i} (betas[{i}])", beta, low=None)
        if not 0.0 <= beta < 1.0:  # PyTorch's wording, naming the argument
            raise InvalidParameterError(
                f"Invalid beta parameter at index {i}: {beta!r} (betas[{i}] must be in [0, 1))")


def _check_flags(group: dict[str, Any]) -> None:
    """Check a group's ``fused``, ``foreach`` and ``differentiable`` flags as PyTorch does.

    ``fused`` with ``foreach`` or ``differentiable`` is refused with PyTorch's
    messages; ``differentiable=True`` (autograd through ``step()``) is not
    supported: minigrad's optimizers update in place under no_grad.
    """
    if group.get("fused"):
        if group.get("differentiable"):
            raise InvalidParameterError("`fused` does not support `differentiable`")
        if group.get("foreach"):
            raise InvalidParameterError("`fused` and `foreach` cannot be `True` together.")
    if group.get("differentiable"):
        raise UnsupportedError(
            "differentiable=True (autograd through optimizer.step()) is not supported: minigrad's "
            "optimizers update the parameters in place under no_grad; use differentiable=False"
        )


def _array_copy(value: Any) -> Array:
    """A new ndarray holding ``value``: a Tensor, an ndarray, a number, or another library's array."""
    arr: Array
    if isinstance(value, Tensor):
        arr = value.numpy(force=True).copy()
    elif isinstance(value, (np.ndarray, np.generic, int, float)):
        arr = np.array(value)
    else:
        arr = np.array(value.__array__())  # other libraries' __array__ may not take numpy 2's copy=
    return arr


def _group_value(value: Any) -> Any:
    """A loaded hyperparameter, with another library's tensor (a torch Tensor lr) as a minigrad Tensor."""
    if isinstance(value, tuple):
        return tuple(_group_value(v) for v in value)
    if _is_array_like(value) and not isinstance(value, (Tensor, np.ndarray, np.generic)):
        return from_numpy(_array_copy(value))
    return value


def _is_array_like(value: Any) -> bool:
    """A Tensor, an ndarray, a numpy scalar or another array (a torch tensor)."""
    return not isinstance(value, (str, bytes, Mapping, list, tuple)) and hasattr(value, "__array__")


class _Scratch:
    """Reusable temporary arrays, so a step allocates nothing once warm.

    One flat buffer per (dtype, slot), grown to the largest parameter seen and
    handed out as a view of the parameter's shape.
    """

    def __init__(self) -> None:
        self._bufs: dict[tuple[np.dtype[Any], int], Array] = {}
        self._views: dict[tuple[tuple[int, ...], np.dtype[Any], int], Array] = {}  # handed out, by shape

    def get(self, like: Array, slot: int = 0) -> Array:
        view = self._views.get((like.shape, like.dtype, slot))
        if view is not None:
            return view
        key = (like.dtype, slot)
        buf = self._bufs.get(key)
        n = like.size
        if buf is None or buf.size < n:
            buf = self._bufs[key] = np.empty(n, dtype=like.dtype)
            self._views = {k: v for k, v in self._views.items() if k[1:] != key}  # (views of the old buffer)
        view = self._views[(like.shape, like.dtype, slot)] = buf[:n].reshape(like.shape)
        return view


class Optimizer:
    """Base class of the optimizers: holds parameter groups and per-parameter state.

    Args:
        params: an iterable of Tensors (a generator such as
            ``model.parameters()`` is fine), of ``(name, Tensor)`` pairs, or of
            dicts, each a parameter group with a ``"params"`` entry and
            optional hyperparameters overriding ``defaults``.
        defaults: the hyperparameters of every group that does not set its own.

    Raises:
        TypeError: ``params`` is a single Tensor or a set, or holds a non-Tensor.
        InvalidParameterError: an empty parameter list, a non-leaf tensor, a
            parameter listed twice or in two groups, a missing required
            hyperparameter, or an out-of-range hyperparameter value.

    PyTorch's implementation flags, kept in every group as PyTorch keeps them:
    ``foreach`` and ``fused`` choose among PyTorch kernels that compute the same
    update on the CPU, so minigrad accepts and ignores them (but refuses
    ``fused`` with ``foreach`` or ``differentiable``, as PyTorch does), except
    ASGD's ``foreach=True``, whose formula PyTorch rounds differently (followed).
    ``lr`` may be a 1-element Tensor, kept in the group and computed with in its
    own dtype, as PyTorch does.
    ``capturable=True`` (CUDA-graph capture) makes ``step`` raise DeviceError,
    an AssertionError as PyTorch's on the CPU, unless ``fused`` is also set.
    ``differentiable=True`` (autograd through ``step``) raises UnsupportedError:
    minigrad's optimizers update in place under no_grad.

    Subclasses validate a group in ``_check_group``, update one group in
    ``_update_group`` (iterating :meth:`_with_grad`), and name the state
    entries they need in ``_required_state``.
    """

    #: a saved ``step`` that is a plain number becomes a float32 tensor on loading (the optimizers that
    #: keep their step in a tensor say so; a script's own subclass keeps whatever it stored)
    _step_to_tensor: ClassVar[bool] = False

    #: The hyperparameters a loaded group may lack, given this optimizer's defaults (PyTorch's
    #: ``__setstate__`` sets them, flags added over its versions); one lacking another (a state saved by
    #: another optimizer) is refused, where PyTorch's step fails reading it. None: all are filled in.
    _load_fills: ClassVar[frozenset[str] | None] = None

    #: State entries shaped like their parameter (checked by load_state_dict).
    _param_shaped_state: tuple[str, ...] = ()

    #: PyTorch's RuntimeError for a group holding a sparse gradient (an ``Embedding(sparse=True)``
    #: weight's), "{}" the class name; None: the update takes them, unless the group has weight decay
    _sparse_refusal: ClassVar[str | None] = "{} does not support sparse gradients"
    _sparse_decay_refusal: ClassVar[str | None] = None

    defaults: dict[str, Any]
    state: defaultdict[Tensor, dict[str, Any]]
    param_groups: list[dict[str, Any]]
    # Read-only empty registries on the class: a subclass that never calls Optimizer.__init__ (a
    # wrapper such as Lookahead) still steps; registering a hook gives the instance its own.
    _optimizer_step_pre_hooks: Mapping[int, StepHook] = MappingProxyType({})
    _optimizer_step_post_hooks: Mapping[int, StepHook] = MappingProxyType({})
    _optimizer_state_dict_pre_hooks: Mapping[int, Callable[[Optimizer], None]] = MappingProxyType({})
    _optimizer_state_dict_post_hooks: Mapping[int, Callable[[Optimizer, dict[str, Any]], Any]] = \
        MappingProxyType({})
    _optimizer_load_state_dict_pre_hooks: Mapping[int, Callable[[Optimizer, dict[str, Any]], Any]] = \
        MappingProxyType({})
    _optimizer_load_state_dict_post_hooks: Mapping[int, Callable[[Optimizer], None]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _track_step(cls.__dict__["step"])  # type: ignore[method-assign]

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {params.type()}"
            )
        # (a set is taken as PyTorch takes it, in its iteration order; a dict gives its keys, refused below)
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._opt_called = False
        self._step_tracked = False  # (a scheduler has been built on it: see lr_scheduler.track_step_calls)
        self._scratch = _Scratch()
        for name in _HOOK_REGISTRIES:
            setattr(self, name, OrderedDict())
        groups = list(params)
        if len(groups) == 0:
            raise InvalidParameterError("optimizer got an empty parameter list (params)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            if i:
                lines.append("")  # PyTorch separates the groups by an empty line
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        lines.append(")")
        return "\n".join(lines)

    # ------------------------------------------------------------ groups

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate a group's hyperparameters (subclasses check their own)."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters.

        Missing hyperparameters are taken from ``defaults``. Useful to start
        training layers that were frozen so far.

        Raises:
            TypeError: ``param_group`` is not a dict, its params are a set or
                hold a non-Tensor.
            KeyError: no 'params' entry (also an InvalidParameterError).
            InvalidParameterError: a non-leaf tensor, a duplicate parameter, a
                parameter already in another group, a missing required or an
                invalid hyperparameter.
            UnsupportedError: ``differentiable=True``.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        if "params" not in param_group:
            # (PyTorch's KeyError: 'params', with the words a reader needs to act on it)
            keys = ", ".join(map(str, param_group)) or "none"
            raise _MissingKeyError(f"params: add_param_group needs a params entry (keys given: {keys})")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        tensors: list[Tensor] = []
        names: list[str] = []
        for p in params:
            if isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], Tensor):
                names.append(p[0])
                p = p[1]
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__} ({p!r})")
            if not p.is_leaf:
                raise InvalidParameterError("can't optimize a non-leaf Tensor (params)")
            tensors.append(p)
        if names and len(names) != len(tensors):
            raise InvalidParameterError(
                "params: all optimizer params should be with/without names. Some param names are missing"
            )
        group["params"] = tensors
        if names:
            group["param_names"] = names
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise InvalidParameterError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            group.setdefault(name, default)
        _check_flags(group)
        self._check_group(group)
        ids = [id(p) for p in tensors]
        if len(set(ids)) != len(ids):
            # PyTorch warns (and then updates such a parameter once per listing); so does minigrad
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will "
                "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                UserWarning, stacklevel=3,
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if not seen.isdisjoint(ids):
            # PyTorch's exact text: scripts match on it
            raise InvalidParameterError("some parameters appear in more than one parameter group")
        for g in self.param_groups:
            if ("param_names" in g) != ("param_names" in group):
                raise InvalidParameterError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {'with' if names else 'without'} names to the optimizer"
                )
        self.param_groups.append(group)

    # ------------------------------------------------------------ hooks

    def __getstate__(self) -> dict[str, Any]:
        # hooks are not pickled or deep-copied, as in PyTorch (they are often closures)
        return {k: v for k, v in self.__dict__.items() if k not in _HOOK_REGISTRIES}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in _HOOK_REGISTRIES:
            self.__dict__.setdefault(name, OrderedDict())
        if "defaults" in self.__dict__:  # PyTorch's __setstate__ (and so load_state_dict) adds it
            self.defaults.setdefault("differentiable", False)

    def _add_hook(self, registry: str, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        hooks: OrderedDict[int, Callable[..., Any]] = self.__dict__.setdefault(registry, OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook: StepHook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` before each ``step``; returns a removable handle.

        It may return ``(new_args, new_kwargs)`` (``args`` starts with the
        optimizer) to call the step with instead; anything else but None
        raises RuntimeError at the step.
        """
        global _step_hooks_seen
        _step_hooks_seen = True
        return self._add_hook("_optimizer_step_pre_hooks", hook)

    def register_step_post_hook(self, hook: StepHook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` after each ``step``; returns a removable handle."""
        global _step_hooks_seen
        _step_hooks_seen = True
        return self._add_hook("_optimizer_step_post_hooks", hook)

    def register_state_dict_pre_hook(self, hook: Callable[[Optimizer], None],
                                     prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` at the start of :meth:`state_dict` (first of all if ``prepend``)."""
        return self._add_hook("_optimizer_state_dict_pre_hooks", hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable[[Optimizer, dict[str, Any]], Any],
                                      prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` on the result of :meth:`state_dict`; may return a new one."""
        return self._add_hook("_optimizer_state_dict_post_hooks", hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable[[Optimizer, dict[str, Any]], Any],
                                          prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` before :meth:`load_state_dict`; a dict it returns is loaded.

        The hook sees a shallow copy of the dict passed to ``load_state_dict``.
        """
        return self._add_hook("_optimizer_load_state_dict_pre_hooks", hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable[[Optimizer], None],
                                           prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` once :meth:`load_state_dict` has loaded the state."""
        return self._add_hook("_optimizer_load_state_dict_post_hooks", hook, prepend)

    # ------------------------------------------------------------ stepping

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter.

        ``set_to_none=True`` (the default) drops them (``.grad = None``), which
        also makes the next ``step`` skip parameters that receive no gradient;
        False fills the existing gradients with zeros instead.
        """
        reset_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # under no_grad: see the end of the file
        """Update every parameter that has a gradient; returns ``closure()``'s loss.

        ``closure``, if given, re-evaluates the model and returns the loss; it
        runs with grad mode on, before the update (PyTorch's order). Without a
        closure, returns None.
        """
        loss = self._run_closure(closure)
        for group in self.param_groups:
            quiet(self._update_group, group)  # nan and inf propagate silently, as in PyTorch
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    @staticmethod
    def _run_closure(closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _grad_of(p: Tensor) -> Array | None:
        """The gradient array of ``p`` (None: skip it), checked against p's shape."""
        g = p.grad
        if g is None:
            return None
        garr, parr = g.numpy(force=True), p.numpy(force=True)
        if garr.shape != parr.shape:
            raise ShapeError(
                f"optimizer step: a parameter of shape {parr.shape} has a gradient of shape {garr.shape}"
            )
        if garr.dtype.kind != "f":  # an int/bool .grad: PyTorch refuses it on assignment
            raise TypeError(f"optimizer step: a {parr.dtype} parameter has a gradient of dtype {garr.dtype}")
        return garr

    def _with_grad(self, group: dict[str, Any]) -> Iterator[tuple[Array, Array, dict[str, Any]]]:
        """``(param array, grad array, state)`` for each parameter of ``group`` with a gradient.

        The caller updates the parameter array in place; the parameter's
        version is bumped when the caller moves on to the next one.

        Raises:
            DeviceError: the group asks for ``capturable`` (CUDA-graph capture)
                without ``fused``, which PyTorch refuses on the CPU with an
                AssertionError at the first parameter with a gradient.
        """
        capturable = group.get("capturable") and not group.get("fused")
        if sparse_tracking():  # (an empty table unless some lookup ran with sparse=True)
            self._check_sparse(group)
        for p in group["params"]:
            g = self._grad_of(p)
            if g is None:
                continue
            if capturable:
                raise DeviceError(
                    "If capturable=True, params and state_steps must be on supported devices "
                    "(CUDA-graph capture); minigrad runs on the CPU only, use capturable=False"
                )
            # a parameter that needs no state (SGD without momentum) gets no entry, as in PyTorch (`held`
            # is tested first: hashing a tensor again is a Python call per parameter)
            held = self.state.get(p)
            state = {} if held is None else held
            yield p.numpy(force=True), g, state
            if held is None and state and p not in self.state:
                self.state[p] = state
            p._write()  # runs after the caller's update: the array changed in place

    def _check_sparse(self, group: dict[str, Any]) -> None:
        """Refuse ``group`` as PyTorch does if it holds a sparse gradient (before updating any parameter).

        Raises:
            MinigradError: (a RuntimeError, as PyTorch's) with PyTorch's message.
        """
        message = self._sparse_refusal or (self._sparse_decay_refusal if group.get("weight_decay") else None)
        # (a sparse lookup's rows, or a sparse tensor assigned to .grad)
        if message is not None and any(sparse_rows(p) is not None or (p.grad is not None and p.grad.is_sparse)
                                       for p in group["params"]):
            raise MinigradError(message.format(type(self).__name__))

    def _direction(self, x: Array, g: Array, maximize: bool, weight_decay: float) -> Array:
        """The gradient the update rule sees: ``-g`` if maximize, plus ``weight_decay * x``.

        Returns ``g`` itself (not to be written) or scratch slot 1 (which the
        caller may overwrite).
        """
        if maximize:
            g = np.negative(g, out=self._scratch.get(x, 1))
        if weight_decay != 0:
            tmp = self._scratch.get(x, 0)
            np.multiply(x, weight_decay, out=tmp)  # PyTorch: grad.add(param, alpha=weight_decay)
            g = np.add(g, tmp, out=self._scratch.get(x, 1))
        return g

    @staticmethod
    def _zeros(x: Array, fill: float = 0.0) -> Tensor:
        """A new state tensor shaped like ``x`` (its dtype), filled with ``fill``."""
        return from_numpy(np.full_like(x, fill))

    @staticmethod
    def _scalar(value: float = 0.0, fused: bool = False) -> Tensor:
        """A 0-d state tensor, as PyTorch keeps ``step``: float32, or float64 under a float64 default dtype.

        A ``fused`` optimizer's step is float32 whatever the default dtype, as in PyTorch.
        """
        return from_numpy(np.array(value, dtype=np.float32 if fused else get_default_dtype()))

    @staticmethod
    def _advance(state: dict[str, Any]) -> float:
        """Add one to ``state['step']`` in place and return the new count."""
        step = state["step"].numpy(force=True)
        step += 1
        return float(step)

    # ------------------------------------------------------------ state dict

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in PyTorch's layout, sharing its values as PyTorch's does.

        ``{'state': {index: {name: value}}, 'param_groups': [{..., 'params':
        [index, ...]}]}``, where ``index`` numbers the parameters in group
        order. State values are Tensors where PyTorch keeps tensors (``step``
        included). Parameters themselves are not included. As in PyTorch, each
        ``state[index]`` is the optimizer's own per-parameter dict and the group
        entries are its own values, not copies: a state dict kept without
        ``copy.deepcopy`` follows later steps.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        mapping: dict[int, int] = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            # (a parameter listed twice in a group takes its last index, as in PyTorch)
            mapping.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        # an entry not keyed by a parameter (a hook's note) is kept under its own key, as in PyTorch
        state = {(mapping[id(p)] if isinstance(p, Tensor) else p): s
                 for p, s in self.state.items() if id(p) in mapping or not isinstance(p, Tensor)}
        result = {"state": state, "param_groups": groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            replaced = post_hook(self, result)
            if replaced is not None:
                result = replaced
        return result

    def _load_step(self, index: int, value: Any) -> Any:
        """A saved ``step`` as a Tensor: an array keeps its dtype, a number becomes float32 for the
        optimizers that count in a tensor (``_step_to_tensor``) and stays a number for the others (a
        subclass written in a script, SparseAdam), as PyTorch's ``__setstate__`` methods decide."""
        if not self._step_to_tensor and not _is_array_like(value):
            return value
        if isinstance(value, Tensor) and value.numel() == 1 and value.numpy(force=True).dtype.kind in "iuf" \
                and float(value.item()).is_integer() and value.item() >= 0:
            return value  # shared with the saved dict, as PyTorch loads a step
        numeric = _is_array_like(value) or (isinstance(value, (int, float)) and not isinstance(value, bool))
        arr = _array_copy(value) if numeric else None
        if arr is None or arr.size != 1 or arr.dtype.kind not in "iuf" or not float(arr.item()).is_integer() \
                or arr.item() < 0:
            raise InvalidParameterError(f"state[{index}]['step'] must be a count, got {value!r}")
        return from_numpy(arr if _is_array_like(value) else arr.astype(np.float32))

    def _load_state_value(self, p: Tensor, index: int, key: str | None, value: Any) -> Any:
        """Convert one saved state entry for parameter ``p``.

        As PyTorch: arrays become Tensors cast to the parameter's float dtype,
        except ``step``, which keeps its own (a number becomes a float32 tensor).
        A minigrad Tensor that needs no cast is kept itself (PyTorch's ``Tensor.to``
        returns its input then), so the loaded state shares it with the saved dict;
        other arrays (another library's tensors) are copied.
        """
        if key == "step":
            return self._load_step(index, value)
        if _is_array_like(value):
            dtype = p.numpy(force=True).dtype
            if isinstance(value, Tensor) and (value.numpy(force=True).dtype == dtype or "f" not in
                                              (value.numpy(force=True).dtype.kind, dtype.kind)):
                if key in self._param_shaped_state and value.shape != p.shape:
                    raise ShapeError(
                        f"load_state_dict: state[{index}][{key!r}] has shape {tuple(value.shape)}, "
                        f"but the parameter has shape {p.shape}"
                    )
                return value
            arr = _array_copy(value)
            if arr.dtype.kind == "f" and dtype.kind == "f":
                arr = arr.astype(dtype, copy=False)
            if key in self._param_shaped_state and arr.shape != p.shape:
                raise ShapeError(
                    f"load_state_dict: state[{index}][{key!r}] has shape {arr.shape}, "
                    f"but the parameter has shape {p.shape}"
                )
            return from_numpy(arr)
        if isinstance(value, Mapping):
            return {k: self._load_state_value(p, index, str(k), v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._load_state_value(p, index, None, v) for v in value)
        return value

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        """The state entries ``step`` needs for a parameter of ``group`` (once it has any)."""
        return ()

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state saved by :meth:`state_dict` (all or nothing).

        Parameters are matched by position; hyperparameters of each group are
        replaced by the saved ones. Arrays are copied and cast to their
        parameter's floating dtype (``step`` keeps its own), as in PyTorch, so
        a state saved by PyTorch's optimizer of the same name loads too.

        Raises:
            InvalidParameterError: not an optimizer state dict, a different
                number of groups or of parameters in a group, a missing state
                entry, a group lacking a hyperparameter (PyTorch's KeyError at
                the next step; a state of another optimizer), or invalid saved
                hyperparameters.
            ShapeError: a saved buffer's shape differs from its parameter's.
        On any error the optimizer keeps its current state.
        """
        if isinstance(state_dict, Mapping) and self._optimizer_load_state_dict_pre_hooks:
            hooked: dict[str, Any] = dict(state_dict)
            for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
                replaced = pre_hook(self, hooked)
                if replaced is not None:
                    hooked = replaced
            state_dict = hooked
        if not (isinstance(state_dict, Mapping) and "state" in state_dict and "param_groups" in state_dict):
            # PyTorch's classes: state_dict["param_groups"] fails with KeyError, or TypeError on a non-dict;
            # state_dict.copy() first, its AttributeError on a value without one (None, a number)
            raise (_MissingKeyError if isinstance(state_dict, Mapping) else _ArgumentTypeError
                   if hasattr(state_dict, "copy") else _AttributeArgumentError)(
                "load_state_dict: expected a dict with 'state' and 'param_groups' entries "
                f"(from Optimizer.state_dict()), got {type(state_dict).__name__}"
                + (f" with keys {sorted(map(str, state_dict))}" if isinstance(state_dict, Mapping) else "")
            )
        saved_groups = copy.deepcopy(list(state_dict["param_groups"]))
        groups = self.param_groups
        if len(saved_groups) != len(groups):
            raise InvalidParameterError(  # PyTorch's words first (scripts match on them), then the counts
                f"loaded state dict has a different number of parameter groups ({len(saved_groups)} "
                f"parameter groups, the optimizer has {len(groups)})"
            )
        for i, (g, sg) in enumerate(zip(groups, saved_groups, strict=True)):
            if not isinstance(sg, Mapping) or "params" not in sg:  # (PyTorch's g["params"]: its classes)
                raise (_MissingKeyError if isinstance(sg, Mapping) else _ArgumentTypeError)(
                    f"loaded param_groups[{i}] is not a dict with 'params'")
            if len(sg["params"]) != len(g["params"]):
                raise InvalidParameterError(
                    f"loaded state dict contains a parameter group that doesn't match the size of "
                    f"optimizer's group (group {i}: {len(sg['params'])} parameters, the optimizer's group "
                    f"has {len(g['params'])})"
                )
        id_map: dict[int, Tensor] = {}
        for i, (g, sg) in enumerate(zip(groups, saved_groups, strict=True)):
            for index, p in zip(sg["params"], g["params"], strict=True):
                if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
                    raise InvalidParameterError(
                        f"loaded param_groups[{i}]['params'] must hold parameter indices, got {index!r}"
                    )
                id_map[int(index)] = p

        new_state: defaultdict[Any, Any] = defaultdict(dict)
        saved_state = state_dict["state"]
        if not isinstance(saved_state, Mapping):  # (PyTorch's state.items(): its AttributeError)
            raise _AttributeArgumentError(f"loaded 'state' is not a dict, got {type(saved_state).__name__}")
        for k, v in saved_state.items():
            key = int(k) if isinstance(k, (int, np.integer)) or (isinstance(k, str) and k.isdigit()) else None
            if key is None and not isinstance(k, (float, bool, np.generic)):
                new_state[k] = v  # not a parameter's entry (a hook's note): kept as is, as in PyTorch
                continue
            if key is None or key not in id_map:
                raise InvalidParameterError(f"loaded state has an entry for unknown parameter {k!r}")
            p = id_map[key]
            if not isinstance(v, Mapping):
                raise InvalidParameterError(f"loaded state[{k!r}] is not a dict")
            new_state[p] = {str(n): self._load_state_value(p, key, str(n), value) for n, value in v.items()}

        new_groups = []
        fills = self._load_fills
        for i, (g, sg) in enumerate(zip(groups, saved_groups, strict=True)):
            ng = {k: _group_value(v) for k, v in sg.items()}
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in ng:
                ng["param_names"] = g["param_names"]
            lacking = [] if fills is None else [n for n in self.defaults if n not in ng and n not in fills]
            if lacking:  # (PyTorch's step then: its KeyError)
                raise _MissingKeyError(
                    f"loaded param_groups[{i}] lacks {lacking}, hyperparameters of {type(self).__name__} "
                    "(was the state saved by another optimizer?)"
                )
            for name, default in self.defaults.items():
                ng.setdefault(name, default)
            _check_flags(ng)
            self._check_group(ng)
            new_groups.append(ng)
        for ng, sg in zip(new_groups, saved_groups, strict=True):
            for index, p in zip(sg["params"], ng["params"], strict=True):
                state = new_state.get(p)
                missing = [k for k in self._required_state(ng) if k not in state] if state else []
                if state and "step" in state and (ng.get("fused") or ng.get("capturable")) \
                        and state["step"].numpy(force=True).dtype != np.float32:
                    # PyTorch hosts such a step as float32 whatever the saved dtype
                    state["step"] = from_numpy(state["step"].numpy(force=True).astype(np.float32))
                if missing:  # (PyTorch's state["step"] then: its KeyError)
                    raise _MissingKeyError(
                        f"loaded state for parameter {int(index)} lacks {missing}, needed by "
                        f"{self.__class__.__name__} with this parameter group's settings"
                    )
        self.__setstate__({"state": new_state, "param_groups": new_groups})  # (as PyTorch's, which see)
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)


Optimizer.step = _track_step(Optimizer.step, grad_off=True)  # type: ignore[method-assign]
