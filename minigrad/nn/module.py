"""Module and Parameter: the containers that hold a network's state.

A :class:`Module` owns three ordered registries, filled by plain attribute
assignment: parameters (learnable leaves), buffers (state such as running
statistics, saved but not trained) and child modules. Everything else
(``parameters()``, ``state_dict()``, ``train()``, ``to()``) walks them, with
PyTorch's dotted names (``0.weight``, ``encoder.norm.running_mean``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import numpy as np

from minigrad import _module_calls
from minigrad._state_array import as_state_array
from minigrad.device import parse_to
from minigrad.dtypes import resolve_dtype
from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.grad_mode import no_grad
from minigrad.nn import _checks, _module_hooks
from minigrad.nn._uninitialized import is_lazy
from minigrad.tensor import Array, Tensor, TensorLike, float32, float64, from_numpy, reset_grads
from minigrad.utils.hooks import RemovableHandle

__all__ = ["Buffer", "IncompatibleKeys", "Module", "Parameter"]

M = TypeVar("M", bound="Module")


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as learnable.

    Args:
        data: a Tensor (its array is shared, as in PyTorch), a numpy array or
            nested lists (converted with the usual dtype rules). None gives an
            empty float32 tensor.
        requires_grad: True by default.

    Raises:
        InvalidParameterError: requires_grad on a non-float array.
    """

    __slots__ = ()

    def __init__(self, data: TensorLike | None = None, requires_grad: bool = True) -> None:
        if data is None:
            arr: Array = np.empty(0, dtype=float32)
        elif isinstance(data, Tensor):
            arr = data.numpy()
        else:
            arr = Tensor(data).numpy()
        super().__init__(np.empty(0, dtype=arr.dtype))
        self.data = from_numpy(arr)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when assigned as an attribute (PyTorch 2.x's nn.Buffer).

    ``self.scale = nn.Buffer(t)`` does what ``self.register_buffer("scale", t)``
    does: saved by ``state_dict`` (unless ``persistent=False``), moved by
    ``to()``, never trained. The buffer shares ``data``'s memory and keeps its
    requires_grad, as in PyTorch.

    Args:
        data: a Tensor, a numpy array or nested lists; None gives an empty float32 tensor.
        persistent: whether ``state_dict`` includes it.
    """

    __slots__ = ("persistent",)

    def __init__(self, data: TensorLike | None = None, *, persistent: bool = True) -> None:
        if data is None:
            arr: Array = np.empty(0, dtype=float32)
        else:
            arr = (data if isinstance(data, Tensor) else Tensor(data)).numpy()
        super().__init__(np.empty(0, dtype=arr.dtype))
        self.data = from_numpy(arr)
        if isinstance(data, Tensor) and data.requires_grad:
            self.requires_grad_(True)
        self.persistent = _checks.flag("persistent", persistent)


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (only non-empty with strict=False).

    Prints as PyTorch's: ``<All keys matched successfully>`` when both lists are empty, else as
    its ``_IncompatibleKeys(missing_keys=[...], unexpected_keys=[...])``.
    """

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def _check_name(kind: str, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if name == "" or "." in name:
        raise KeyError(f'{kind} name can\'t be empty or contain ".", got {name!r}')


class Module:
    """Base class of every layer and model.

    Subclasses call ``super().__init__()`` first, assign their Parameters,
    buffers and sub-modules as attributes, and define :meth:`forward`.
    Calling the module runs ``forward``.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: dict[str, Module | None]
    _forward_pre_hooks: dict[int, Callable[..., Any]]
    _forward_pre_hooks_with_kwargs: dict[int, bool]
    _forward_hooks: dict[int, Callable[..., Any]]
    _forward_hooks_with_kwargs: dict[int, bool]
    _forward_hooks_always_called: dict[int, bool]
    _backward_pre_hooks: dict[int, Callable[..., Any]]
    _backward_hooks: dict[int, Callable[..., Any]]

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        _module_hooks.empty_registries(self)

    # ------------------------------------------------------------ forward

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = _module_calls.enter(self)  # records which ops this call creates (mg.viz boxes them)
        try:
            if (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks
                    or self._backward_pre_hooks):
                return _module_hooks.call(self, args, kwargs)
            return self.forward(*args, **kwargs)
        finally:
            _module_calls.exit(call)

    # ------------------------------------------------------------ registration

    def _registries(self) -> tuple[dict[str, Any], ...]:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign to a Module before Module.__init__() has run")
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._registries()
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} (Parameter or None expected)"
                )
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} (Module or None expected)"
                )
            modules[name] = None
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, value.persistent)
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} (Tensor or None expected)"
                )
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict[str, Any]) -> None:
        # the receiving registry keeps its entry, so a replacement keeps its position (as in PyTorch)
        for registry in self._registries():
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers.discard(name)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            registry = d.get(key)
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = set(super().__dir__())
        for registry in self._registries():
            keys.update(registry)
        return sorted(keys)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter) under ``name``.

        Raises:
            TypeError: ``param`` is neither a Parameter nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-parameter attribute.
        """
        _check_name("parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {type(param).__name__} as parameter {name!r} (Parameter or None expected)"
            )
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute {name!r} already exists")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: saved by ``state_dict`` (if persistent), not trained.

        None declares a buffer that is absent (it is then left out of ``state_dict``).

        Raises:
            TypeError: ``tensor`` is neither a Tensor nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-buffer attribute.
        """
        _check_name("buffer", name)
        if tensor is not None and (not isinstance(tensor, Tensor) or isinstance(tensor, Parameter)):
            raise TypeError(
                f"cannot assign {type(tensor).__name__} as buffer {name!r} (Tensor or None expected)"
            )
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute {name!r} already exists")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def register_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as a child under ``name``."""
        _check_name("module", name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        self._modules[name] = module

    add_module = register_module

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path (``''`` is self).

        Raises:
            AttributeError: no sub-module has that path.
        """
        mod: Module = self
        if target == "":
            return mod
        for item in target.split("."):
            child = mod._modules.get(item)
            if child is None:
                raise AttributeError(f"{type(mod).__name__} has no sub-module {item!r} (path {target!r})")
            mod = child
        return mod

    def _get_member(self, target: str, registry: str, kind: str) -> Tensor:
        owner_path, _, name = target.rpartition(".")
        owner = self.get_submodule(owner_path)
        if not hasattr(owner, name):
            raise AttributeError(f"{type(owner).__name__} has no attribute `{name}`")
        if name not in getattr(owner, registry):
            raise AttributeError(f"`{name}` is not {kind}")
        return getattr(owner, name)  # type: ignore[no-any-return]

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path (``'encoder.0.weight'``).

        Raises:
            AttributeError: no such sub-module or attribute, or the attribute is not a parameter.
        """
        return self._get_member(target, "_parameters", "an nn.Parameter")  # type: ignore[return-value]

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path (``'bn.running_mean'``).

        Raises:
            AttributeError: no such sub-module or attribute, or the attribute is not a buffer.
        """
        return self._get_member(target, "_buffers", "a buffer")

    # ------------------------------------------------------------ traversal

    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for self and every descendant, each module once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, mod in self._modules.items():
            if mod is None:
                continue
            yield from mod.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Self and every descendant module, each once."""
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct children, each once."""
        seen: set[int] = set()
        for name, mod in self._modules.items():
            if mod is not None and id(mod) not in seen:
                seen.add(id(mod))
                yield name, mod

    def children(self) -> Iterator[Module]:
        """The direct child modules."""
        return (m for _, m in self.named_children())

    def _named_members(self, attr: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        mods: Iterable[tuple[str, Module]] = [(prefix, self)]
        if recurse:
            mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        seen: set[int] = set()
        for mod_prefix, mod in mods:
            for name, value in getattr(mod, attr).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once, in registration order."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs; None buffers are skipped."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every (non-None) buffer, each once."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    # ------------------------------------------------------------ modes and grads

    def train(self: M, mode: bool = True) -> M:
        """Set training mode on self and every descendant; returns self.

        Raises:
            InvalidParameterError: ``mode`` is not a bool.
        """
        _checks.flag("mode", mode)
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self: M) -> M:
        """Evaluation mode: same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Switch gradient tracking of every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient, as PyTorch: drop it (``set_to_none=True``, the default), or
        zero it in place, first detaching one built with ``create_graph`` from its graph.
        """
        reset_grads(self.parameters(), set_to_none)

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every child (recursively, children first) and then on self; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------ hooks

    def _add_hook(self, registry: dict[int, Any], hook: Callable[..., Any], prepend: bool,
                  flags: tuple[dict[int, bool], ...] = ()) -> RemovableHandle:
        handle = RemovableHandle(registry, extra_dict=flags)
        registry[handle.id] = hook
        for flag in flags:
            flag[handle.id] = True
        if prepend:
            registry.move_to_end(handle.id, last=False)  # type: ignore[attr-defined]
        return handle

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward (``hook(module, args, kwargs)`` with
        ``with_kwargs``); a non-None result replaces the arguments (a non-tuple becomes a 1-tuple;
        with kwargs, an ``(args, kwargs)`` pair). ``prepend`` runs it before the hooks already there.
        Returns a handle whose ``remove()`` unregisters it.
        """
        flags = (self._forward_pre_hooks_with_kwargs,) if with_kwargs else ()
        return self._add_hook(self._forward_pre_hooks, hook, prepend, flags)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward (``hook(module, args, kwargs, output)``
        with ``with_kwargs``); a non-None result replaces the output. ``always_call`` runs it even when
        forward raises. Returns a handle whose ``remove()`` unregisters it.
        """
        flags = tuple(d for d, on in ((self._forward_hooks_with_kwargs, with_kwargs),
                                      (self._forward_hooks_always_called, always_call)) if on)
        return self._add_hook(self._forward_hooks, hook, prepend, flags)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients of the module's outputs are computed
        (a tuple, one entry per output); a non-None result replaces them. Returns a removable handle.
        """
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients of the module's inputs
        are computed (tuples, one entry per positional argument/output, None where there is none); a
        non-None result replaces ``grad_input``. If no input requires grad, it runs with grad_output
        (and warns, as PyTorch). Returns a removable handle.
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    # ------------------------------------------------------------ dtype

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Convert parameters and floating buffers to a float dtype in place; returns self.

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(device=None, dtype=None, non_blocking=False)``, ``to(tensor)``.
        The device must be the CPU (nothing moves). The Parameter objects stay
        the same (optimizers keep working); their ``.data`` (and ``.grad``) are
        replaced. Integer buffers such as ``num_batches_tracked`` keep their dtype.

        Raises:
            InvalidParameterError: ``dtype`` is not a floating dtype.
            DeviceError: a device other than the CPU.
        """
        dtype, _ = parse_to(args, kwargs, "Module.to")
        if dtype is None:
            return self
        dt = resolve_dtype(dtype)
        if dt.kind != "f":
            raise InvalidParameterError(f"Module.to only accepts floating dtypes, got dtype={dt}")
        for m in self.modules():
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is None or t.dtype.kind != "f" or t.dtype == dt:
                    continue
                t.data = t.data.astype(dt)  # the setter counts it as an in-place change
                if t.grad is not None:
                    t.grad = from_numpy(t.grad.numpy().astype(dt))
        return self

    def double(self: M) -> M:
        """Convert floating parameters and buffers to float64."""
        return self.to(float64)

    def float(self: M) -> M:
        """Convert floating parameters and buffers to float32."""
        return self.to(float32)

    def half(self: M) -> M:
        """Convert floating parameters and buffers to float16."""
        return self.to(np.dtype(np.float16))

    def cpu(self: M) -> M:
        """Returns self: everything already lives on the CPU."""
        return self

    def cuda(self: M, device: Any = None) -> M:
        """Raises DeviceError, as ``to('cuda')``: minigrad runs on the CPU only."""
        return self.to("cuda" if device is None or isinstance(device, int) else device)

    # ------------------------------------------------------------ state

    def _state_items(self, prefix: str) -> Iterator[tuple[str, Tensor]]:
        # Recurse through _modules without de-duplication: PyTorch lists a
        # shared (tied) module's tensors under every name it is reachable by.
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                yield prefix + name, b
        for name, mod in self._modules.items():
            if mod is not None:
                yield from mod._state_items(prefix + name + ".")

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """A dict name -> numpy array of every parameter and persistent buffer, as ``torch``'s.

        Keys are PyTorch's (``0.weight``, ``bn.running_var``, ``bn.num_batches_tracked``).
        As in PyTorch the values share memory with the module: training on
        changes them, and ``copy_`` into one writes the weight. Keep a snapshot
        with ``copy.deepcopy(sd)`` or ``{k: v.clone() ...}``. The arrays are
        :class:`~minigrad._state_array.StateArray` (plain ``np.ndarray`` to numpy,
        with ``clone``/``size()``/``copy_``... to PyTorch code). ``keep_vars=True``
        gives the Tensors themselves; ``destination`` is filled and returned. A lazy
        layer's placeholder (``nn.UninitializedParameter``) is listed as itself.
        A positional ``prefix`` (minigrad's old form) is still accepted.

        Raises:
            TypeError: more than one positional argument.
        """
        if len(args) > 1:
            raise TypeError(f"state_dict() takes at most 1 positional argument ({len(args)} given)")
        if args:
            prefix = args[0]
        out: dict[str, Any] = OrderedDict() if destination is None else destination
        for name, t in self._state_items(prefix):
            out[name] = t if keep_vars or is_lazy(t) else as_state_array(t.numpy())
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, all or nothing.

        Every key and shape is checked before anything is copied, so on error
        the module keeps its old values. Values may be arrays, Tensors or
        nested lists; they are converted to the destination's dtype.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)`` (both empty when strict).

        Raises:
            MinigradError: with ``strict=True``, keys are missing or unexpected;
                in any mode, a value's shape differs from the destination's.
                The message lists every problem.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict expects a mapping, got {type(state_dict).__name__}")
        own = OrderedDict(self._state_items(""))
        optional = {
            (prefix + "." if prefix else "") + key
            for prefix, mod in self.named_modules(remove_duplicate=False)
            for key in mod._optional_state_keys()
        }
        missing = [k for k in own if k not in state_dict and k not in optional]
        unexpected = [k for k in state_dict if k not in own]
        values: dict[str, Array] = {}
        mismatched: list[str] = []
        for key, dest in own.items():
            if key not in state_dict or is_lazy(state_dict[key]):
                continue
            value = state_dict[key]
            arr = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
            if is_lazy(dest):  # a lazy layer's placeholder takes the loaded shape (PyTorch's load hook)
                dest.materialize(arr.shape)
            if arr.shape != dest.shape:
                mismatched.append(
                    f"size mismatch for {key}: copying a param with shape {arr.shape}, "
                    f"the shape in current model is {dest.shape}"
                )
            values[key] = arr
        problems = list(mismatched)
        if strict:
            if unexpected:
                problems.insert(0, "Unexpected key(s) in state_dict: " + _quoted(unexpected))
            if missing:
                problems.insert(0, "Missing key(s) in state_dict: " + _quoted(missing))
        if problems:
            raise MinigradError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems)
            )
        with no_grad():
            for key, arr in values.items():
                own[key][...] = from_numpy(arr)
        return IncompatibleKeys(missing, unexpected)

    def _optional_state_keys(self) -> tuple[str, ...]:
        """Local state keys a checkpoint may omit; the module then keeps its current value."""
        return ()

    # ------------------------------------------------------------ repr

    def _repr_html_(self) -> str:
        from minigrad.viz import module_html  # Jupyter: the repr and a table of parameters and buffers

        return module_html(self)

    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr (its settings)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): " + _addindent(repr(mod), 2) for key, mod in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
