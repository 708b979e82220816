"""``torch.nn.utils.spectral_norm`` (the older form of ``parametrizations.spectral_norm``): the weight is
recomputed from ``<name>_orig`` by a forward pre-hook, power iteration on buffers ``<name>_u``/``_v``."""

from __future__ import annotations

from typing import Any

from minigrad.errors import _MissingKeyError
from minigrad.factories import randn
from minigrad.grad_mode import no_grad
from minigrad.nn.functional import normalize
from minigrad.nn.module import Module, Parameter
from minigrad.nn.utils.parametrizations import as_matrix
from minigrad.tensor import Tensor

__all__ = ["remove_spectral_norm", "spectral_norm"]


class SpectralNorm:
    """The forward pre-hook that sets ``module.<name> = <name>_orig / sigma``, stepping the power
    iteration first in training mode."""

    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name, self.n_power_iterations, self.dim, self.eps = name, n_power_iterations, dim, eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """``<name>_orig / (u . W v)``, after ``n_power_iterations`` steps when ``do_power_iteration``."""
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        mat = as_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(mat.mT @ u, dim=0, eps=self.eps))
                    u.copy_(normalize(mat @ v, dim=0, eps=self.eps))
            u, v = u.clone(), v.clone()
        return weight / (u @ (mat @ v))  # type: ignore[no-any-return]

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    _version = 1  # version 1: the weight is no longer a buffer, and v is one

    def save_version(self, module: Module, state_dict: Any, prefix: str,
                     local_metadata: dict[str, Any]) -> None:
        """The state_dict hook: record this hook's version in the module's metadata, as PyTorch."""
        versions = local_metadata.setdefault("spectral_norm", {})
        if self.name + ".version" in versions:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {self.name}.version")
        versions[self.name + ".version"] = self._version

    def load_old(self, state_dict: dict[str, Any], prefix: str, local_metadata: dict[str, Any], strict: bool,
                 missing_keys: list[str], *_: Any) -> None:
        """The load pre-hook: a checkpoint of version None (the weight saved, v not) gets the v for which
        ``u = normalize(W v)`` and ``u . W v`` is the saved weight's sigma."""
        version = local_metadata.get("spectral_norm", {}).get(self.name + ".version")
        if version is not None and version >= 1:
            return
        key = prefix + self.name
        if version is None and key not in state_dict and all(key + s in state_dict
                                                             for s in ("_orig", "_u", "_v")):
            return  # a current checkpoint without metadata
        absent = [key + s for s in ("_orig", "", "_u") if key + s not in state_dict]
        if absent:
            if strict:
                missing_keys.extend(absent)
            return
        with no_grad():
            orig = _tensor(state_dict[key + "_orig"])
            sigma = (orig / _tensor(state_dict.pop(key))).mean()
            mat = as_matrix(orig, self.dim)
            u = _tensor(state_dict[key + "_u"])
            v = (mat.mT @ mat).pinverse() @ mat.mT @ u
            state_dict[key + "_v"] = v * (sigma / (u @ (mat @ v)))


def _tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(value)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its spectral norm before every forward: the parameter becomes
    ``<name>_orig``, the power-iteration vectors buffers ``<name>_u`` and ``<name>_v`` (random start).
    ``dim`` defaults to 0 (1 for transposed convolutions). Returns ``module``.

    Raises:
        RuntimeError: a spectral norm hook on ``name`` already.
        ValueError: ``name`` is not a parameter, or ``n_power_iterations`` is not positive.
    """
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    fn = SpectralNorm(name, n_power_iterations, dim, eps)
    if name not in module._parameters:  # (PyTorch reads module._parameters[name]: its KeyError)
        raise _MissingKeyError(f"{name} (spectral_norm: {type(module).__name__} has no parameter {name!r})")
    weight = module._parameters[name]
    if weight is None:
        raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
    with no_grad():
        h, w = as_matrix(weight, dim).shape
        u = normalize(randn(h, dtype=weight.dtype), dim=0, eps=eps)
        v = normalize(randn(w, dtype=weight.dtype), dim=0, eps=eps)
    delattr(module, name)
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(fn)
    module._register_state_dict_hook(fn.save_version)
    module._register_load_state_dict_pre_hook(fn.load_old)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Turn ``module.<name>`` back into one parameter holding the normalized weight. Returns ``module``.

    Raises:
        ValueError: ``module`` has no spectral norm on ``name``.
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            with no_grad():
                weight = hook.compute_weight(module, do_power_iteration=False)
            delattr(module, name)
            for suffix in ("_u", "_v", "_orig"):
                delattr(module, name + suffix)
            module.register_parameter(name, Parameter(weight.detach()))
            del module._forward_pre_hooks[key]
            for registry in (module._state_dict_hooks, module._load_state_dict_pre_hooks):
                for hid, h in list(registry.items()):
                    if getattr(getattr(h, "hook", h), "__self__", None) is hook:  # (a pre-hook is wrapped)
                        del registry[hid]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
