"""``Module.state_dict`` and ``load_state_dict`` as PyTorch builds them: module by module.

``state_dict`` visits each module (pre-hooks, ``_save_to_state_dict``, the children, post-hooks) and
records each module's ``_version`` in the result's ``_metadata``, so a layer whose saved form changed
(BatchNorm's version 2 added ``num_batches_tracked``) can read an older checkpoint in its own
``_load_from_state_dict``. ``load_state_dict`` hands each module the slice of the checkpoint under its
prefix, collects missing and unexpected keys and error messages, runs the load hooks, then raises once
naming every problem. Unlike PyTorch it is all or nothing: every tensor it overwrote or replaced is put
back when it raises (a log of the old values, kept only while a load runs).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from minigrad import _format, _future
from minigrad._state_array import as_state_array
from minigrad.errors import MinigradError
from minigrad.grad_mode import no_grad
from minigrad.nn._uninitialized import is_lazy
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy

if TYPE_CHECKING:
    from minigrad.nn.module import Module

__all__ = ["EXTRA_STATE_KEY_SUFFIX", "IncompatibleKeys", "load_from_state_dict", "load_state_dict",
           "save_to_state_dict", "state_dict"]

EXTRA_STATE_KEY_SUFFIX = "_extra_state"

_undo: list[list[tuple[Any, ...]]] = []  # one log per load_state_dict in progress


class _IncompatibleKeys(NamedTuple):
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


IncompatibleKeys = _IncompatibleKeys  # (PyTorch's class name is the private one: type(result).__name__)


def save_to_state_dict(module: Module, destination: dict[str, Any], prefix: str, keep_vars: bool,
                       extra_state: bool) -> None:
    """The default ``_save_to_state_dict``: this module's own parameters, persistent buffers and (if
    ``extra_state``, the class defines ``get_extra_state``) its extra state."""
    value = _detached if _format.NAMESPACE == "torch" else _state_value
    for name, p in module._parameters.items():
        if p is not None:
            destination[prefix + name] = p if keep_vars or is_lazy(p) else value(p)
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent_buffers_set:
            destination[prefix + name] = b if keep_vars or is_lazy(b) else value(b)
    if extra_state:
        destination[prefix + EXTRA_STATE_KEY_SUFFIX] = module.get_extra_state()


def _state_value(t: Tensor) -> Any:
    """A state-dict value as API.md gives it to minigrad code: a StateArray sharing the tensor's memory."""
    return as_state_array(t.numpy(force=True))


def _detached(t: Tensor) -> Tensor:
    """A state-dict value under the torch alias: ``t.detach()``, as PyTorch's. A PyTorch script calls any
    tensor method on it (``v.abs().max()``, ``v.sort()``, ``v.std()``), where a numpy array's method of the
    same name means something else (numpy's ``sort`` sorts the weights in place, its ``std`` is biased)."""
    return t.detach()


def state_dict(module: Module, args: tuple[Any, ...], destination: Any, prefix: str,
               keep_vars: bool) -> Any:
    """``Module.state_dict``: see there."""
    if len(args) > 3:
        raise TypeError(f"state_dict() takes at most 3 positional arguments ({len(args)} given)")
    if args:  # PyTorch's deprecated (destination, prefix, keep_vars), or minigrad's older state_dict(prefix)
        warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                      "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                      " for details.", FutureWarning, stacklevel=3)
        if isinstance(args[0], str):
            args = (None, *args)
        if destination is None:
            destination = args[0]
        if len(args) > 1 and prefix == "":
            prefix = args[1]
        if len(args) > 2 and keep_vars is False:
            keep_vars = args[2]
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    local_metadata = {"version": type(module)._version}
    if hasattr(destination, "_metadata"):
        destination._metadata[prefix[:-1]] = local_metadata
    for hook in list(module._state_dict_pre_hooks.values()):
        hook(module, prefix, keep_vars)
    module._save_to_state_dict(destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            child.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
    for hook in list(module._state_dict_hooks.values()):
        result = hook(module, destination, prefix, local_metadata)
        if getattr(hook, "_from_public_api", False):
            if result is not None:
                raise RuntimeError("state_dict post-hook must return None")
        elif result is not None:
            destination = result
    return destination


def _as_array(value: Any) -> np.ndarray[Any, Any] | None:
    if isinstance(value, Tensor):
        return value.numpy(force=True)
    if isinstance(value, (list, tuple, int, float)) or hasattr(value, "__array__"):
        # minigrad's state dicts hold arrays (API.md) and mg.load gives them back; a torch tensor converts too
        return np.asarray(value.detach() if hasattr(value, "detach") else value)
    return None


def _log(entry: tuple[Any, ...]) -> None:
    if _undo:
        _undo[-1].append(entry)


def load_from_state_dict(module: Module, sd: dict[str, Any], prefix: str, local_metadata: dict[str, Any],
                         strict: bool, missing_keys: list[str], unexpected_keys: list[str],
                         error_msgs: list[str], extra_state: bool, parameter: type[Tensor]) -> None:
    """The default ``_load_from_state_dict``: this module's own entries of ``sd`` (keys under ``prefix``);
    ``extra_state``: the class defines ``set_extra_state``; ``parameter``: the Parameter class."""
    for hook in list(module._load_state_dict_pre_hooks.values()):
        hook(sd, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
    local: dict[str, Tensor] = {k: v for k, v in module._parameters.items() if v is not None}
    local.update((k, v) for k, v in module._buffers.items()
                 if v is not None and k not in module._non_persistent_buffers_set)
    assign = local_metadata.get("assign_to_params_buffers", False)
    for name, dest in local.items():
        key = prefix + name
        if key not in sd:
            if strict:
                missing_keys.append(key)
            continue
        value = sd[key]
        if is_lazy(value):
            continue
        arr = _as_array(value)
        if arr is None:
            error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                              f"Tensor-like object from checkpoint but received {type(value)}")
            continue
        if is_lazy(dest):  # a lazy layer's placeholder takes the loaded shape (PyTorch's load hook)
            dest.materialize(arr.shape)
        if dest.ndim == 0 and arr.shape == (1,):
            arr = arr.reshape(())
        if arr.shape != dest.shape:
            error_msgs.append(f"size mismatch for {key}: copying a param with shape {Size(arr.shape)} from "
                              f"checkpoint, the shape in current model is {Size(dest.shape)}.")
            continue
        try:
            if assign:
                _assign(module, name, dest, value, arr, parameter)
            else:
                _log((dest, dest.numpy(force=True).copy()))
                with no_grad():
                    if dest.is_sparse and isinstance(value, Tensor):  # (its pattern too, as PyTorch's)
                        dest.copy_(value)
                    else:
                        dest[...] = from_numpy(arr)
        except Exception as ex:  # (PyTorch reports it with the other errors, e.g. assigning integers)
            error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                              f"{Size(dest.shape)} and whose dimensions in the checkpoint are "
                              f"{Size(arr.shape)}, an exception occurred : {ex.args}.")
    extra_key = prefix + EXTRA_STATE_KEY_SUFFIX
    if extra_state:
        if extra_key in sd:
            module.set_extra_state(sd[extra_key])
        elif strict:
            missing_keys.append(extra_key)
    elif strict and extra_key in sd:
        unexpected_keys.append(extra_key)
    if strict:
        for key in sd:
            if key.startswith(prefix) and key != extra_key:
                head, dot, _ = key[len(prefix):].partition(".")
                if (dot and head not in module._modules) or (not dot and head not in local):
                    unexpected_keys.append(key)


def _assign(module: Module, name: str, dest: Tensor, value: Any, arr: Any, Parameter: Any) -> None:  # noqa: N803
    # the module takes the state dict's memory itself, as PyTorch's (a read-only array is copied)
    new = value if isinstance(value, Tensor) else from_numpy(arr if arr.flags.writeable else np.array(arr))
    if _future._swap_module_params_on_conversion:  # the same object takes the new memory (and dtype)
        dest.data = new.detach()
        return
    if isinstance(dest, Parameter):
        if isinstance(new, Parameter):
            new.requires_grad_(dest.requires_grad)
        else:
            new = Parameter(new.detach(), requires_grad=dest.requires_grad)
    registry: dict[str, Any] = getattr(module, "_parameters" if isinstance(dest, Parameter) else "_buffers")
    _log((registry, name, dest))
    registry[name] = new


def _load(mod: Module, local_sd: dict[str, Any], prefix: str, metadata: Any, assign: bool,
          lists: tuple[list[str], list[str], list[str]]) -> None:
    # a module-level recursion (PyTorch's closure refers to itself: a cycle the gc has to break)
    missing, unexpected, errors = lists
    # PyTorch writes the assign flag into the state dict's own _metadata entry (it is not copied), so a later
    # load of the same dict assigns too; kept, as scripts see it (a second model then shares the memory)
    local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
    if assign:
        local_metadata["assign_to_params_buffers"] = assign
    mod._load_from_state_dict(local_sd, prefix, local_metadata, True, missing, unexpected, errors)
    for name, child in mod._modules.items():
        if child is not None:
            child_prefix = prefix + name + "."
            _load(child, {k: v for k, v in local_sd.items() if k.startswith(child_prefix)}, child_prefix,
                  metadata, assign, lists)
    keys = IncompatibleKeys(missing, unexpected)
    for hook in list(mod._load_state_dict_post_hooks.values()):
        if hook(mod, keys) is not None:
            raise AssertionError(
                "Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return "
                "new values, if incompatible_keys need to be modified, it should be done inplace.")


def load_state_dict(module: Module, state: Mapping[str, Any], strict: bool, assign: bool) -> IncompatibleKeys:
    """``Module.load_state_dict``: see there."""
    if not isinstance(state, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state)}.")
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    metadata = getattr(state, "_metadata", None)
    sd: Any = OrderedDict(state)
    if metadata is not None:
        sd._metadata = metadata

    _undo.append([])
    try:
        _load(module, sd, "", metadata, assign, (missing, unexpected, errors))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise MinigradError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(module).__name__, "\n\t".join(errors)))
    except BaseException:
        _rollback(_undo[-1])
        raise
    finally:
        _undo.pop()
    return IncompatibleKeys(missing, unexpected)


def _rollback(log: list[tuple[Any, ...]]) -> None:
    with no_grad():
        for entry in reversed(log):
            if len(entry) == 2:
                entry[0][...] = from_numpy(entry[1])
            else:
                entry[0][entry[1]] = entry[2]
