"""``torch.__future__``: switches for how ``Module.to``/``double()``/... and ``load_state_dict`` replace a
module's parameters (PyTorch's opt-ins to its future defaults)."""

from __future__ import annotations

_overwrite_module_params_on_conversion = False
_swap_module_params_on_conversion = False


def set_overwrite_module_params_on_conversion(value: bool) -> None:
    """With True, converting a module (``to``, ``double()``, ``float()`` ...) gives each parameter a new
    Parameter object (and each gradient a new tensor) instead of changing the existing one in place; old
    references keep the old values. Ignored while :func:`set_swap_module_params_on_conversion` is on."""
    global _overwrite_module_params_on_conversion
    _overwrite_module_params_on_conversion = bool(value)


def get_overwrite_module_params_on_conversion() -> bool:
    """Whether module conversions put new Parameter objects in place (default False)."""
    return _overwrite_module_params_on_conversion


def set_swap_module_params_on_conversion(value: bool) -> None:
    """With True, module conversions and ``load_state_dict`` swap new contents into the existing
    Parameter objects (:func:`minigrad.utils.swap_tensors`): a parameter stays the same object even under
    ``load_state_dict(assign=True)``, which then gives it the checkpoint's tensor (memory and dtype)."""
    global _swap_module_params_on_conversion
    _swap_module_params_on_conversion = bool(value)


def get_swap_module_params_on_conversion() -> bool:
    """Whether module conversions and ``load_state_dict`` swap into the existing parameters (default
    False)."""
    return _swap_module_params_on_conversion
