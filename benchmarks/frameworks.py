"""minigrad and PyTorch behind one small interface, so each model is written once.

minigrad's API mirrors PyTorch's (``nn.Linear``, ``F.cross_entropy``,
``optim.SGD``, ``x.transpose(1, 2)``), so the workloads define their models as
functions of a :class:`Framework` and both implementations run the very same
Python code; only tensor creation and conversion back to numpy differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks.harness import Array, load_torch


@dataclass
class Framework:
    """One autograd library: its top-level module, ``nn``, ``nn.functional`` and ``optim``."""

    name: str
    lib: ModuleType
    nn: ModuleType
    F: ModuleType
    optim: ModuleType
    #: runners wrap their step in ``mg.compile`` (the ``compiled`` rows)
    compiled: bool = False

    def stepper(self, step: Callable[[], Any]) -> Callable[[], Any]:
        """``step`` itself, or compiled with ``mg.compile`` for the compiled rows."""
        return self.lib.compile(step) if self.compiled else step

    def tensor(self, a: Array, requires_grad: bool = False) -> Any:
        """A fresh tensor holding a copy of ``a`` (same dtype)."""
        if self.name == "pytorch":
            return self.lib.from_numpy(np.array(a, copy=True)).requires_grad_(requires_grad)
        return self.lib.tensor(a, dtype=a.dtype, requires_grad=requires_grad)

    def numpy(self, t: Any) -> Array:
        """A numpy copy of a tensor's values."""
        return np.array(t.detach().numpy(), copy=True)

    def no_grad(self) -> Any:
        """The library's no-grad context manager."""
        return self.lib.no_grad()


def minigrad_fw() -> Framework:
    """minigrad as a :class:`Framework` (imports ``minigrad.nn`` and ``minigrad.optim``)."""
    import minigrad
    import minigrad.nn
    import minigrad.nn.functional
    import minigrad.optim

    return Framework("minigrad", minigrad, minigrad.nn, minigrad.nn.functional, minigrad.optim)


def torch_fw() -> Framework:
    """PyTorch (one thread) as a :class:`Framework`; raises ImportError if absent."""
    torch = load_torch()
    if torch is None:
        raise ImportError("PyTorch is not installed")
    import torch.nn.functional

    return Framework("pytorch", torch, torch.nn, torch.nn.functional, torch.optim)


def compiled_fw() -> Framework:
    """minigrad whose runners replay their step with ``mg.compile``."""
    return replace(minigrad_fw(), name="compiled", compiled=True)


FRAMEWORKS: dict[str, Callable[[], Framework]] = {
    "minigrad": minigrad_fw, "compiled": compiled_fw, "pytorch": torch_fw,
}


def load_params(fw: Framework, module: Any, weights: dict[str, Array]) -> None:
    """Copy ``weights`` into the module's parameters, by PyTorch-style name.

    Raises:
        KeyError: the module's parameter names differ from the weights' names.
        ValueError: a shape differs.
    """
    params = dict(module.named_parameters())
    if set(params) != set(weights):
        raise KeyError(
            f"{fw.name} parameters {sorted(set(params) - set(weights))} have no weights; "
            f"weights {sorted(set(weights) - set(params))} have no parameter"
        )
    for name, p in params.items():
        w = weights[name]
        if tuple(p.shape) != w.shape:
            raise ValueError(f"{fw.name} parameter {name} has shape {tuple(p.shape)}, weights {w.shape}")
        if fw.name == "pytorch":
            with fw.no_grad():
                p.copy_(fw.lib.from_numpy(w))
        else:
            p.detach().numpy()[...] = w  # (no version bump: the weights are set before any graph)


def module_snapshot(fw: Framework, module: Any) -> dict[str, Array]:
    """Gradients, parameter values and float buffers of a module, as numpy copies."""
    snap: dict[str, Array] = {}
    for name, p in module.named_parameters():
        snap[f"param:{name}"] = fw.numpy(p)
        if p.grad is not None:
            snap[f"grad:{name}"] = fw.numpy(p.grad)
    for name, b in module.named_buffers():
        arr = fw.numpy(b)
        if arr.dtype.kind == "f":
            snap[f"buffer:{name}"] = arr
    return snap


class TrainRunner:
    """One training step (zero_grad, forward, loss, backward, optimizer step) in a framework."""

    def __init__(self, fw: Framework, model: Any, loss_fn: Callable[[], Any], optimizer: Any) -> None:
        self.fw = fw
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.loss: Any = None
        self._run = fw.stepper(self.train_step)

    def train_step(self) -> Any:
        """zero_grad, forward, backward, update; returns the loss."""
        self.optimizer.zero_grad()
        loss = self.loss_fn()
        loss.backward()
        self.optimizer.step()
        return loss

    def step(self) -> None:
        """One training step (replayed, for the compiled rows)."""
        self.loss = self._run()

    def snapshot(self) -> dict[str, Array]:
        """Loss, gradients, updated parameters and buffers."""
        return {"loss": self.fw.numpy(self.loss), **module_snapshot(self.fw, self.model)}


class LayerRunner:
    """Forward and backward of one layer with a fixed random upstream gradient."""

    def __init__(self, fw: Framework, layer: Any, x: Array, upstream: Array) -> None:
        self.fw = fw
        self.layer = layer
        self.x = fw.tensor(x, requires_grad=True)
        self.g = fw.tensor(upstream)
        self.out: Any = None
        self._run = fw.stepper(self.layer_step)

    def layer_step(self) -> Any:
        """y = layer(x); y.backward(upstream) (gradients reset first); returns y."""
        self.x.grad = None
        for p in self.layer.parameters():
            p.grad = None
        y = self.layer(self.x)
        y.backward(self.g)
        return y

    def step(self) -> None:
        """One forward and backward (replayed, for the compiled rows)."""
        self.out = self._run()

    def snapshot(self) -> dict[str, Array]:
        """Output, input gradient, parameter gradients, buffers."""
        snap = module_snapshot(self.fw, self.layer)
        snap = {k: v for k, v in snap.items() if not k.startswith("param:")}
        snap["out:y"] = self.fw.numpy(self.out)
        snap["grad:x"] = self.fw.numpy(self.x.grad)
        return snap


def make_builders(
    impls: Iterable[str], build: Callable[[Framework, bool], Any]
) -> dict[str, Callable[[bool], Any]]:
    """Builders for the available frameworks among ``impls`` (PyTorch only if installed)."""
    out: dict[str, Callable[[bool], Any]] = {}
    impls = list(impls)
    if "minigrad" in impls and "compiled" not in impls:  # every minigrad row gets its compiled row
        impls.insert(impls.index("minigrad") + 1, "compiled")
    for impl in impls:
        if impl == "pytorch" and load_torch() is None:
            continue

        def builder(check: bool, impl: str = impl) -> Any:
            return build(FRAMEWORKS[impl](), check)

        out[impl] = builder
    return out
