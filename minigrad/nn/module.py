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
from typing import Any, TypeVar, cast

import numpy as np

from minigrad import _alias, _future, _module_calls
from minigrad._leaf_rules import python_type_name
from minigrad._subclass import _disabled_torch_function_impl
from minigrad.device import _is_device_arg, check_device, parse_to
from minigrad.dtypes import resolve_dtype
from minigrad.errors import DeviceError, InvalidParameterError, MinigradError, _ArgumentTypeError
from minigrad.grad_mode import no_grad
from minigrad.nn import _checks, _module_hooks, _module_state
from minigrad.nn._module_hooks import GLOBAL_CALL_HOOKS as _GLOBAL_CALL_HOOKS
from minigrad.nn._module_state import IncompatibleKeys
from minigrad.nn._uninitialized import is_lazy
from minigrad.tensor import Tensor, TensorLike, float32, float64, from_numpy, reset_grads, tensor
from minigrad.utils.hooks import RemovableHandle

__all__ = ["Buffer", "IncompatibleKeys", "Module", "Parameter"]

M = TypeVar("M", bound="Module")
#: ``mg.compile``, for ``Module.compile()``: handed over by ``minigrad/__init__`` (the compiler imports
#: this module, so this module cannot import the compiler)
_COMPILE: list[Callable[..., Any]] = []


def provide_compile(fn: Callable[..., Any]) -> None:
    """Give ``Module.compile()`` the compiler (``mg.compile``)."""
    _COMPILE[:] = [fn]


class _ParameterMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        # (as PyTorch's: a Parameter made from a Tensor subclass instance keeps that class, flagged _is_param)
        return type.__instancecheck__(cls, instance) or (
            cls is Parameter and isinstance(instance, Tensor) and bool(getattr(instance, "_is_param", False)))


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A leaf Tensor that a Module registers as learnable.

    Args:
        data: a Tensor (its array is shared, as in PyTorch), a numpy array or
            nested lists (converted with the usual dtype rules). None gives an
            empty float32 tensor.
        requires_grad: True by default.

    As PyTorch's, ``Parameter(x)`` of an instance of a Tensor subclass (other than Parameter) is
    ``x.detach().requires_grad_(requires_grad)`` flagged ``_is_param``: it keeps its class, and
    ``isinstance(p, Parameter)`` is True.

    Raises:
        InvalidParameterError: requires_grad on a non-float array.
        MinigradError: the subclass's ``detach()`` returns another class (PyTorch's RuntimeError).
    """

    __slots__ = ()  # scripts tag parameters (p.no_weight_decay = True): Tensor's __dict__ holds the tags
    __torch_function__ = _disabled_torch_function_impl  # type: ignore[assignment]  # (ops on parameters give plain Tensors, as PyTorch's)

    # Built in __new__, as PyTorch's, so that subclasses can build theirs with super().__new__(cls, data)
    def __new__(cls, data: TensorLike | None = None, requires_grad: bool = True) -> Parameter:
        src = from_numpy(np.empty(0, dtype=float32)) if data is None else \
            data if isinstance(data, Tensor) else tensor(data)
        if type(src) is Tensor or type(src) is Parameter or type(src).__module__.startswith("minigrad."):
            # (minigrad's own classes, such as its sparse tensors, are torch.Tensor in PyTorch)
            return cast(Parameter, Tensor._make_subclass(cls, src, requires_grad))
        out = src.detach().requires_grad_(requires_grad)
        if type(out) is not type(src):
            raise MinigradError(f"Creating a Parameter from an instance of type {type(src).__name__} "
                                f"requires that detach() returns an instance of the same type, but return "
                                f"type {type(out).__name__} was found instead")
        setattr(out, "_is_param", True)  # noqa: B010 (Tensor declares no such attribute)
        return cast(Parameter, out)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        """A new Parameter of the same class holding a copy of the data, as PyTorch's: unlike a plain
        Tensor's copy it carries no ``.grad`` and none of the attributes a script set on the original
        (a deepcopied model, an EMA or a MAML learner's clone, starts with no gradients)."""
        found: Parameter | None = memo.get(id(self))
        if found is None:
            found = memo[id(self)] = type(self)(self.data.clone(), self.requires_grad)
        return found


class _BufferMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        # a Buffer is a plain Tensor flagged by nn.Buffer (as PyTorch's), so the check reads the flag
        return isinstance(instance, Tensor) and bool(getattr(instance, "_is_buffer", False))


class Buffer(metaclass=_BufferMeta):
    """A Tensor that a Module registers as a buffer when assigned as an attribute (PyTorch 2.x's nn.Buffer).

    ``self.scale = nn.Buffer(t)`` does what ``self.register_buffer("scale", t)``
    does: saved by ``state_dict`` (unless ``persistent=False``), moved by
    ``to()``, never trained. As in PyTorch, ``nn.Buffer(t)`` returns a plain Tensor
    (``t.detach()``, sharing its memory and keeping its requires_grad) carrying the
    ``persistent`` flag; ``isinstance(x, nn.Buffer)`` is True for such tensors only.

    Args:
        data: a Tensor, a numpy array or nested lists; None gives an empty float32 tensor.
        persistent: whether ``state_dict`` includes it (read when it is assigned to a Module attribute).
    """

    def __new__(cls, data: TensorLike | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        src = tensor(np.empty(0, dtype=float32)) if data is None else \
            data if isinstance(data, Tensor) else tensor(data)
        out = src.detach().requires_grad_(src.requires_grad)
        setattr(out, "persistent", _checks.flag("persistent", persistent))  # noqa: B010 (Tensor declares neither)
        setattr(out, "_is_buffer", True)  # noqa: B010
        return out


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _typename(obj: Any) -> str:
    """PyTorch's ``torch.typename``: 'torch.FloatTensor' for a tensor, else the qualified class name."""
    return str(obj.type()) if isinstance(obj, Tensor) else python_type_name(obj)


def _check_name(module: Module, kind: str, name: Any, registry: str) -> None:
    if registry not in module.__dict__:
        raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in module.__dict__[registry]:
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """Base class of every layer and model.

    Subclasses call ``super().__init__()`` first, assign their Parameters,
    buffers and sub-modules as attributes, and define :meth:`forward`.
    Calling the module runs ``forward``.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Module | None]
    _forward_pre_hooks: dict[int, Callable[..., Any]]
    _forward_pre_hooks_with_kwargs: dict[int, bool]
    _forward_hooks: dict[int, Callable[..., Any]]
    _forward_hooks_with_kwargs: dict[int, bool]
    _forward_hooks_always_called: dict[int, bool]
    _backward_pre_hooks: dict[int, Callable[..., Any]]
    _backward_hooks: dict[int, Callable[..., Any]]

    _version: int = 1  # a layer whose saved form changed bumps it (state_dict's _metadata records it)
    call_super_init: bool = False  # PyTorch's switch: Module.__init__ calls the next class's __init__
    dump_patches: bool = False  # (PyTorch's flag for old pickles' source patches; nothing reads it here)
    T_destination = TypeVar("T_destination", bound=dict[str, Any])  # (state_dict destination, as PyTorch)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.call_super_init and kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if not self.call_super_init and args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given")
        _alias.check()  # (a script with torch aliased to minigrad by hand: see minigrad/_alias.py)
        object.__setattr__(self, "training", True)
        # plain dicts, as PyTorch's since 2.0 (print(model._modules), ModuleDict.items() show dict forms)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        _module_hooks.empty_registries(self)
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    # ------------------------------------------------------------ forward

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = _module_calls.enter(self)  # records which ops this call creates (mg.viz boxes them)
        try:
            # _GLOBAL_CALL_HOOKS: the one extra test on the hot path, empty unless a global hook exists
            if (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks
                    or self._backward_pre_hooks or _GLOBAL_CALL_HOOKS):
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
        d = self.__dict__
        params, modules, buffers = d.get("_parameters"), d.get("_modules"), d.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep=params)
            self.register_parameter(name, value)
        elif params is not None and name in params:  # (a Module too is refused there, as in PyTorch)
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep=modules)
            modules[name] = _module_hooks.registered(_module_hooks._global_module_registration_hooks,
                                                     self, name, value)
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = _module_hooks.registered(_module_hooks._global_module_registration_hooks,
                                                     self, name, value)
        elif isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            persistent = value.persistent if isinstance(value, Buffer) else \
                name not in self._non_persistent_buffers_set
            self.register_buffer(name, value, persistent)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict[str, Any]) -> None:
        # the receiving registry keeps its entry, so a replacement keeps its position (as in PyTorch)
        for registry in self._registries():
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)
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
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = set(super().__dir__())
        for registry in self._registries():
            keys.update(registry)
        return sorted(k for k in keys if not k[:1].isdigit())  # as PyTorch: no Sequential indices

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in _module_hooks.HOOK_REGISTRIES:  # a module pickled before a registry existed
            if name not in self.__dict__:
                object.__setattr__(self, name, OrderedDict())
        self.__dict__.setdefault("_is_full_backward_hook", None)
        self.__dict__.setdefault("_non_persistent_buffers_set", set())

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter) under ``name``; the global
        parameter registration hooks may replace it.

        Raises:
            AttributeError: called before ``Module.__init__``.
            TypeError: ``name`` is not a str, or ``param`` is neither a Parameter nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-parameter attribute.
            ValueError: ``param`` is not a leaf (it has a grad_fn).
        """
        _check_name(self, "parameter", name, "_parameters")
        if param is not None:
            if not isinstance(param, Parameter):
                raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                                "(torch.nn.Parameter or None required)")
            if param.grad_fn is not None:
                raise ValueError(
                    f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                    f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                    "the forward() method.")
            param = _module_hooks.registered(_module_hooks._global_parameter_registration_hooks,
                                             self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: saved by ``state_dict`` (if persistent), not trained; the
        global buffer registration hooks may replace it.

        None declares a buffer that is absent (it is then left out of ``state_dict``).

        Raises:
            AttributeError: called before ``Module.__init__``.
            TypeError: ``name`` is not a str, or ``tensor`` is neither a Tensor nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-buffer attribute.
        """
        _check_name(self, "buffer", name, "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = _module_hooks.registered(_module_hooks._global_buffer_registration_hooks,
                                                       self, name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as a child under ``name``; the global module registration hooks
        may replace it.

        Raises:
            TypeError: ``module`` is not a Module (nor None), or ``name`` is not a str.
            KeyError: ``name`` is empty, contains '.', or is a non-module attribute.
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if "_modules" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = _module_hooks.registered(_module_hooks._global_module_registration_hooks,
                                                       self, name, module)

    add_module = register_module

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path (``''`` is self).

        Raises:
            AttributeError: a name on the path is missing or is not a Module.
        """
        mod: Module = self
        if target == "":
            return mod
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put ``module`` at the dotted path ``target`` (replacing what is there).

        Raises:
            ValueError: ``target`` is empty or ``module`` is not a Module.
            AttributeError: the parent path is missing, the name exists but is not a Module, or (with
                ``strict``) the name does not exist yet.
        """
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(parent._get_name() + " has no attribute `" + name + "`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError("`" + name + "` is not an nn.Module")
        setattr(parent, name, module)

    def _get_member(self, target: str, registry: str, kind: str) -> Tensor:
        owner_path, _, name = target.rpartition(".")
        owner = self.get_submodule(owner_path)
        if not hasattr(owner, name):
            raise AttributeError(owner._get_name() + " has no attribute `" + name + "`")
        value = getattr(owner, name)
        # a parameter slot holding None is not a parameter (PyTorch checks the value's class there);
        # a buffer slot holding None is still a buffer
        if name not in getattr(owner, registry) or (registry == "_parameters"
                                                    and not isinstance(value, Parameter)):
            raise AttributeError(f"`{name}` is not {kind}")
        return value  # type: ignore[no-any-return]

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
        # (generator functions, not generator expressions: print(model.parameters()) shows
        # <generator object Module.parameters at ...>, as PyTorch's)
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct children, each once."""
        seen: set[int] = set()
        for name, mod in self._modules.items():
            if mod is not None and id(mod) not in seen:
                seen.add(id(mod))
                yield name, mod

    def children(self) -> Iterator[Module]:
        """The direct child modules."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, attr: str | Callable[[Module], Iterable[tuple[str, Any]]], prefix: str = "",
                       recurse: bool = True, remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        mods: Iterable[tuple[str, Module]] = [(prefix, self)]
        if recurse:
            mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        seen: set[int] = set()
        for mod_prefix, mod in mods:
            # attr names a registry; PyTorch's form (that third-party code calls) passes a function
            members = getattr(mod, attr).items() if isinstance(attr, str) else attr(mod)
            for name, value in members:
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules appears once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once, in registration order."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs; None buffers are skipped."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every (non-None) buffer, each once."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Compile this module's forward in place, as PyTorch's ``Module.compile()`` (see
        :func:`minigrad.compile`; no wrapper, so ``state_dict`` keys are unchanged); returns None.

        Raises:
            TypeError: positional arguments (``mg.compile`` takes its options by keyword).
        """
        _COMPILE[0](self, *args, **kwargs)

    # ------------------------------------------------------------ modes and grads

    def train(self: M, mode: bool = True) -> M:
        """Set training mode on self, then call each child's ``train(mode)``; returns self.

        As PyTorch's, through the children's own ``train`` methods, so a subclass that overrides
        it (gpytorch's modules clear their prediction caches there) runs for every descendant.

        Raises:
            InvalidParameterError: ``mode`` is not a bool.
        """
        if not isinstance(mode, (bool, np.bool_)):
            raise InvalidParameterError(f"training mode is expected to be boolean (got mode={mode!r})")
        object.__setattr__(self, "training", mode)
        for m in self.children():
            m.train(mode)
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

    def _set_hook_kind(self, full: bool) -> None:
        if self._is_full_backward_hook is (not full):
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single "
                               "Module. Please use only one of them.")
        object.__setattr__(self, "_is_full_backward_hook", full)

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients of the module's inputs
        are computed (tuples, one entry per positional argument/output, None where there is none); a
        non-None result replaces ``grad_input``. If no input requires grad, it runs with grad_output
        (and warns, as PyTorch). Returns a removable handle.

        Raises:
            RuntimeError: the module already has a (non-full) ``register_backward_hook`` hook.
        """
        self._set_hook_kind(True)
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """PyTorch's deprecated backward hook, ``hook(module, grad_input, grad_output)``.

        PyTorch hands it the gradients of the last op of forward; here it sees what a full backward
        hook sees (the module's own inputs), which is the same for a module of one op. Each call warns
        (FutureWarning) as PyTorch's when the module is not one op on tensors.

        Raises:
            RuntimeError: the module already has a full backward hook.
        """
        self._set_hook_kind(False)
        return self._add_hook(self._backward_hooks, hook, False)

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` before this module's ``state_dict`` adds its entries."""
        return self._add_hook(self._state_dict_pre_hooks, hook, False)

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` once this module's ``state_dict`` entries
        (its children's included) are in; it may edit the dict in place and must return None."""
        hook._from_public_api = True  # type: ignore[attr-defined]
        return self._add_hook(self._state_dict_hooks, hook, False)

    def _register_state_dict_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """The private post-hook form: a non-None result replaces the dict (kept only at the root call).

        Raises:
            RuntimeError: ``hook`` was registered with ``register_state_dict_post_hook``.
        """
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError("Cannot register the same function as the state dict post hook that was "
                               "previously registered via register_state_dict_post_hook")
        return self._add_hook(self._state_dict_hooks, hook, False)

    def _register_load_state_dict_pre_hook(self, hook: Callable[..., Any],
                                           with_module: bool = False) -> RemovableHandle:
        """Call ``hook([module,] state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` before this module loads its entries (the module first with ``with_module``)."""
        return self._add_hook(self._load_state_dict_pre_hooks,
                              _module_hooks.WrappedHook(hook, self if with_module else None), False)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` before this module loads its entries; it may edit ``state_dict`` and the lists."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` after this module and its children loaded; it may edit
        the missing/unexpected lists in place (which decides a strict load's error) and returns None."""
        return self._add_hook(self._load_state_dict_post_hooks, hook, False)

    # ------------------------------------------------------------ dtype

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Convert parameters and floating buffers to a float dtype in place; returns self.

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(device=None, dtype=None, non_blocking=False)``, ``to(tensor)``.
        The device must be the CPU (nothing moves). The Parameter objects stay
        the same (optimizers keep working); their ``.data`` (and ``.grad``) are
        replaced. Integer buffers such as ``num_batches_tracked`` keep their dtype.

        Raises:
            InvalidParameterError: (also a TypeError, as PyTorch's) ``dtype`` is not a floating dtype.
            DeviceError: a device other than the CPU.
            RuntimeError: ``copy=True``.
        """
        if len(args) > 1 and isinstance(args[1], bool) and (args[0] is None or _is_device_arg(args[0])):
            raise _ArgumentTypeError(f"to() received an invalid combination of arguments - got {args!r}: "
                                     "after a device the next positional argument is the dtype")
        try:
            dtype, copy = parse_to(args, kwargs, "Module.to")
        except DeviceError:
            if self._holds_tensors(lambda t: True):
                raise
            return self  # (PyTorch's moves each tensor: a module without one goes anywhere, as nn.ReLU)
        if copy:
            raise RuntimeError(".to() does not accept copy argument")
        if dtype is None:
            return self
        try:
            dt = resolve_dtype(dtype)
        except InvalidParameterError as e:  # PyTorch's argument parser raises TypeError
            raise _ArgumentTypeError(f"to() received an invalid combination of arguments: {e}") from None
        if dt.kind != "f":
            raise _ArgumentTypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got "
                                     f"desired dtype=torch.{dt.name}")
        # as PyTorch's: floating tensors converted, parameters (and gradients) in place, buffers replaced
        return self._apply(lambda t: t.to(dt) if t.dtype.kind == "f" else t)

    def _apply(self: M, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> M:
        """Replace each parameter's and buffer's values (and each gradient) by ``fn`` of them, children first
        (with ``recurse``); a parameter stays the same object, unless
        ``__future__.set_overwrite_module_params_on_conversion(True)`` (and not the swap switch) asks for new
        Parameter objects. Returns self (PyTorch's private helper that third-party code calls)."""
        if recurse:
            for child in self.children():
                child._apply(fn)
        overwrite = (_future._overwrite_module_params_on_conversion
                     and not _future._swap_module_params_on_conversion)
        with no_grad():
            for key, p in self._parameters.items():
                if p is None:
                    continue
                new = fn(p)
                if overwrite:  # (PyTorch wraps even an unchanged tensor: old references keep the old object)
                    out = self._parameters[key] = Parameter(new, p.requires_grad)
                    if p.grad is not None:
                        out.grad = fn(p.grad)
                    continue
                if new is not p:
                    p.data = new
                if p.grad is not None:
                    g = fn(p.grad)
                    if g is not p.grad:
                        p.grad.data = g  # (the same gradient object, as PyTorch's)
            for key, b in self._buffers.items():
                if b is not None:
                    new, lazy = fn(b), is_lazy(b)
                    if lazy and new is not b:  # (a placeholder stays one, in the new dtype: PyTorch's)
                        new = cast(Any, type(b))(requires_grad=b.requires_grad, dtype=new.dtype)
                    self._buffers[key] = new
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
        """Raises DeviceError, as ``to('cuda')``: minigrad runs on the CPU only (a module without tensors:
        returns self)."""
        if type(device) is int or (device is not None and "cuda" not in str(device)):
            # (PyTorch's Tensor.cuda words, for each tensor there is: an index's, or a device not CUDA's)
            return self._apply(lambda t: t.cuda(device))
        return self.to("cuda" if device is None else device)

    def xpu(self: M, device: Any = None) -> M:
        """Raises DeviceError, as ``to('xpu')``: minigrad runs on the CPU only (a module without tensors:
        returns self)."""
        return self.to("xpu")

    def ipu(self: M, device: Any = None) -> M:
        """Raises DeviceError, as ``to('ipu')``: minigrad runs on the CPU only (a module without tensors:
        returns self)."""
        return self.to("ipu")

    def mtia(self: M, device: Any = None) -> M:
        """Raises DeviceError, as ``to('mtia')``: minigrad runs on the CPU only (a module without tensors:
        returns self)."""
        return self.to("mtia")

    def bfloat16(self: M) -> M:
        """Raises TypeError if the module holds a floating tensor: numpy has no bfloat16, so minigrad
        cannot store it (``half()`` is float16); else returns self, as PyTorch's."""
        return self.to(dtype="bfloat16") if self._holds_tensors(lambda t: t.dtype.kind == "f") else self

    def _holds_tensors(self, keep: Callable[[Tensor], bool]) -> bool:
        """Whether a parameter or buffer here or below passes ``keep`` (what a conversion would touch)."""
        return any(keep(t) for t in (*self.parameters(), *self.buffers()))

    def type(self: M, dst_type: Any) -> M:
        """Cast every parameter and buffer to ``dst_type`` (a dtype); returns self."""
        return self._apply(lambda t: t.type(dst_type))

    def to_empty(self: M, *, device: Any = "cpu", recurse: bool = True) -> M:
        """Give every parameter and buffer new storage of the same shape and dtype with unspecified values
        (PyTorch's way to materialize a module built on the meta device); returns self.

        Raises:
            DeviceError: a device other than the CPU.
        """
        check_device(device)
        return self._apply(lambda t: t.new_empty(t.shape), recurse)

    def share_memory(self: M) -> M:
        """Move every parameter, gradient and buffer to shared memory in place (``Tensor.share_memory_``), so
        processes made by ``fork`` or ``spawn`` train the same weights (Hogwild); returns self."""
        return self._apply(lambda t: t.share_memory_())

    def _replicate_for_data_parallel(self: M) -> M:
        """The shallow copy ``DataParallel`` makes of a module per device (timm's resamplers extend it): the
        same attributes, its own ``_buffers`` and ``_modules`` dicts, no parameters of its own (a replica
        reads the original's), and ``_is_replica`` set, as PyTorch's."""
        replica = self.__new__(type(self))
        object.__setattr__(replica, "__dict__", self.__dict__.copy())
        object.__setattr__(replica, "_parameters", {})
        object.__setattr__(replica, "_buffers", replica._buffers.copy())
        object.__setattr__(replica, "_modules", replica._modules.copy())
        object.__setattr__(replica, "_is_replica", True)
        return replica

    # ------------------------------------------------------------ state

    def _save_to_state_dict(self, destination: dict[str, Any], prefix: str, keep_vars: bool) -> None:
        """Put this module's own state (not its children's) into ``destination`` under ``prefix``:
        parameters, persistent buffers and, if the class defines ``get_extra_state``, its result under
        ``prefix + '_extra_state'``. Subclasses override it to save a different form."""
        extra = type(self).get_extra_state is not Module.get_extra_state
        _module_state.save_to_state_dict(self, destination, prefix, keep_vars, extra)

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> Any:
        """A dict name -> numpy array of every parameter and persistent buffer, as ``torch``'s.

        Keys are PyTorch's (``0.weight``, ``bn.running_var``, ``bn.num_batches_tracked``).
        As in PyTorch the values share memory with the module: training on
        changes them, and ``copy_`` into one writes the weight. Keep a snapshot
        with ``copy.deepcopy(sd)`` or ``{k: v.clone() ...}``. The arrays are
        :class:`~minigrad._state_array.StateArray` (plain ``np.ndarray`` to numpy,
        with ``clone``/``size()``/``copy_``... to PyTorch code); under the torch alias
        (``python -m minigrad.compat``) they are ``detach()``-ed Tensors, as PyTorch's. ``keep_vars=True``
        gives the Tensors themselves; ``destination`` is filled and returned. A lazy
        layer's placeholder (``nn.UninitializedParameter``) is listed as itself.

        The result is an OrderedDict whose ``_metadata`` maps each module's prefix to
        ``{'version': its class's _version}``; it is built module by module, with the
        ``register_state_dict_pre_hook``/``post_hook`` hooks and ``_save_to_state_dict``
        (positional arguments are PyTorch's deprecated ``(destination, prefix, keep_vars)``, with its
        FutureWarning; a str first is the prefix, minigrad's older form).

        Raises:
            TypeError: more than three positional arguments.
            RuntimeError: a public post-hook returned a value.
        """
        return _module_state.state_dict(self, args, destination, prefix, keep_vars)

    def get_extra_state(self) -> Any:
        """Define it to save more than tensors: ``state_dict`` puts its result under ``<prefix>_extra_state``.

        Raises:
            RuntimeError: always, on the base class (only overrides are ever called).
        """
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called.")

    def set_extra_state(self, state: Any) -> None:
        """Define it (with ``get_extra_state``) to restore what ``get_extra_state`` saved.

        Raises:
            RuntimeError: always, on the base class (only overrides are ever called).
        """
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called.")

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, local_metadata: dict[str, Any],
                              strict: bool, missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        """Load this module's own entries (keys ``prefix + name``) of ``state_dict``, appending to the
        three lists instead of raising. ``local_metadata`` is what ``state_dict`` saved for this module
        (``{'version': n}``; ``{}`` for a dict without ``_metadata``): a layer overrides this to read an
        older version's form, then calls the base."""
        extra = type(self).set_extra_state is not Module.set_extra_state
        _module_state.load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                                           missing_keys, unexpected_keys, error_msgs, extra, Parameter)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, all or nothing.

        Each module loads the entries under its prefix (``_load_from_state_dict``, with the load
        pre/post hooks). If anything goes wrong, every value already copied is put back, so on error
        the module keeps its old values. Values may be Tensors, arrays or nested lists; they are
        converted to the destination's dtype. With ``assign=True`` the module takes the state dict's
        tensors themselves (a parameter keeps its requires_grad), as PyTorch.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)`` (both empty when strict).

        Raises:
            TypeError: ``state_dict`` is not a mapping.
            MinigradError: (a RuntimeError) with ``strict=True``, keys are missing or unexpected;
                in any mode, a value's shape differs from the destination's. The message lists every
                problem, in PyTorch's words.
        """
        return _module_state.load_state_dict(self, state_dict, strict, assign)

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
