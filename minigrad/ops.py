"""The primitive ops: every derivative in minigrad lives in this file.

Each primitive is a :class:`Function` with

* ``forward(*arrays, **params) -> array``: plain numpy on the inputs' arrays,
  run with numpy's floating-point errors ignored (``Function.apply`` sees to
  that); numerics longer than a few lines live in the kernel modules
  (``_kernels.py``, ``_special.py``, ``_window_kernels.py``);
* ``backward(g, out) -> (grad per input)``: the vector-Jacobian product, written
  with Tensor operations. ``g`` is the gradient of the loss w.r.t. the output,
  ``out`` is the output tensor itself (so ``exp`` can reuse its result).

Because backward is written in the same vocabulary as forward, the engine can
run it with recording off (plain gradients) or on (``create_graph=True``) and
second derivatives come for free: each formula is written once.

Backward may return a gradient in the *broadcast* shape of the output; the
engine reduces it to the input's shape (``sum_to`` below), so no op here
repeats that bookkeeping. ``None`` means "no gradient for this input".
Everything not in this file (compositions such as ``var``, ``std``,
``logsumexp``, ``layer_norm``, ``batch_norm``, ``dropout``, attention) is
differentiated by the engine walking through these primitives.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from minigrad import _kernels, _reparam_grads, _special, _subclass
from minigrad import _tensor_methods as _methods
from minigrad._clock import tick as _tick
from minigrad._kernels import QUIET, bounded
from minigrad._special import erf, erfinv
from minigrad._window_kernels import Pairs, col2im, im2col, pad_array, padded, window_counts
from minigrad.dtypes import check_fits, kernel_error, tensor_type_name
from minigrad.errors import (
    DimensionError,
    DTypeError,
    LinAlgError,
    MinigradError,
    ShapeError,
    UnsupportedError,
)
from minigrad.grad_mode import _extras, _inference, _mode, enable_grad
from minigrad.memory_formats import contiguous_format, copy_as, suggested_format
from minigrad.shapes import check_broadcast, keepdim_shape
from minigrad.tensor import Array, Tensor, from_numpy, made_in_inference, made_in_no_grad

Index = tuple[Any, ...]


class AccumulateGrad:
    """The end of a path in the graph: a leaf tensor that requires grad, whose ``.grad`` backward fills.

    What ``next_functions`` shows for such a leaf, as PyTorch's ``AccumulateGrad``
    node; ``variable`` is the leaf.
    """

    __slots__ = ("__weakref__", "_metadata", "variable")
    __module__ = "builtins"  # (printed as PyTorch's: <class 'AccumulateGrad'>)
    next_functions: tuple[()] = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    @property
    def metadata(self) -> dict[Any, Any]:
        """A dict kept on this node object for the user's bookkeeping (empty at first)."""
        found: dict[Any, Any] | None = getattr(self, "_metadata", None)
        if found is None:
            found = {}
            self._metadata = found
        return found

    def name(self) -> str:
        """PyTorch's name for the node: ``torch::autograd::AccumulateGrad``."""
        return "torch::autograd::AccumulateGrad"

    def register_prehook(self, fn: Callable[[tuple[Tensor | None, ...]], Any]) -> Any:
        """Call ``fn((grad,))`` before backward accumulates ``grad`` into the leaf's ``.grad`` (after the
        leaf's tensor hooks); a returned 1-tuple replaces the gradient. Returns a handle whose
        ``remove()`` unregisters it. (Kept with the leaf: see ``graph.register_accumulator_hook``.)"""
        return _methods.graph.register_accumulator_hook(self.variable, fn, pre=True)

    def register_hook(self, fn: Callable[[tuple[Tensor | None, ...], tuple[Tensor | None, ...]], Any]) -> Any:
        """Call ``fn((), (grad,))`` after backward has accumulated ``grad`` into the leaf's ``.grad``
        (and after its post-accumulate-grad hooks); it may return only None or ``()``. Returns a handle
        whose ``remove()`` unregisters it."""
        return _methods.graph.register_accumulator_hook(self.variable, fn, pre=False)

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


#: each leaf's AccumulateGrad while someone holds it, by the leaf's id (the node holds the leaf, so the id
#: is the leaf's while the entry lives): PyTorch's leaf keeps a weak pointer to its one accumulator
_ACCUMULATORS: weakref.WeakValueDictionary[int, AccumulateGrad] = weakref.WeakValueDictionary()


def grad_accumulator(leaf: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad node: the same object each time while it is held, as PyTorch's (a script
    walking ``next_functions`` twice, or torchviz, tells nodes apart by identity)."""
    found = _ACCUMULATORS.get(id(leaf))
    if found is None or found.variable is not leaf:
        found = _ACCUMULATORS[id(leaf)] = AccumulateGrad(leaf)
    return found


#: PyTorch's nodes of the overloads taking a Scalar first (rsub(Tensor, Scalar), pow(Scalar, Tensor)):
#: minigrad records the number as a lifted input 0, PyTorch keeps it out of next_functions
_SCALAR_FIRST = frozenset({"RsubBackward1", "PowBackward2"})


def _no_inference_saved(fn: Function, inputs: tuple[Tensor, ...]) -> None:
    """Raise PyTorch's error if ``fn``, being recorded, would save an inference tensor for its backward.

    Raises:
        MinigradError: an input made inside inference_mode (or a view or detach of one) is one whose
            values ``fn``'s backward reads.
    """
    for i, t in enumerate(inputs):
        if getattr(t, "_inference", 0) and fn.reads_inputs and fn.reads_input(i):
            raise MinigradError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
                "inference mode in computation tracked by autograd. To work around this, you can make a "
                "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
                "`torch.inference_mode()`."
            )


def _version_hint() -> str:
    """The hint ending PyTorch's error for a saved tensor modified in place, in its words for the mode."""
    # (anomaly mode printed the forward op's traceback already; a lookup: minigrad.anomaly imports ops)
    if sys.modules["minigrad.anomaly"].is_anomaly_enabled():
        return ("Hint: the backtrace further above shows the operation that failed to compute its gradient. "
                "The variable in question was changed in there or anywhere later. Good luck!")
    return ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


class Function:
    """A node of the graph: one application of a primitive op.

    ``parents`` are the input tensors; ``released`` is set once backward has
    run without ``retain_graph`` (the saved arrays are then gone).
    """

    __slots__ = ("edges", "given", "hooks", "label", "label_inputs", "out_version", "parents", "prior", "seq",
                 "versions")
    #: names of attributes holding saved arrays, dropped by :meth:`release`
    saved: ClassVar[tuple[str, ...]] = ()

    parents: tuple[Tensor, ...]  # () once released
    given: Any  # (unset unless an op's dim was given unnormalized: grad_fn._saved_dim shows it as given)
    seq: int  # creation order: a node is always processed after its users
    versions: list[int]  # the inputs' version counters when recorded
    # Set only when not 0: the result's version when recorded (an in-place op's result), read with getattr.
    out_version: int
    # Set only once a hook or metadata is given (see minigrad.autograd.graph); read with getattr.
    hooks: Any
    # Set only on the op an in-place change recorded: the tensor holding the changed tensor's history before
    # it (ops recorded earlier that read the tensor send their gradient there); read with getattr.
    prior: Tensor
    # Set only once a backward released the node: per input, the op that made it, the leaf, or None (for
    # next_functions, as PyTorch's edges outlive the saved tensors); read with getattr.
    # (a tuple for a node that saved nothing: per input a leaf, or (its op, shape, dtype, hooks))
    edges: list[Function | Tensor | None] | tuple[Any, ...]
    # Set only on the last node of a composed function PyTorch computes as one op (its grad_fn name,
    # MseLossBackward0: see minigrad.nn.functional._grad_names); read with getattr.
    label: str
    label_inputs: tuple[Tensor, ...]  # with a label: the composed function's inputs, for next_functions

    #: False when backward never reads the inputs' values (only their shapes): in-place changes to
    #: them after the op are then harmless, as in PyTorch, where such ops save no tensors
    reads_inputs: ClassVar[bool] = True
    #: True when backward reads the op's result (``out``): changing it in place afterwards raises
    reads_output: ClassVar[bool] = False
    #: True for ops whose result may be a view of input 0's memory (reshape, permute, basic indexing,
    #: expand): an in-place op through such a result rewrites its base (see Tensor._update)
    is_view: ClassVar[bool] = False

    #: PyTorch's grad_fn name when it is not ``<class name>Backward0`` (``Reshape``: ``ViewBackward0``)
    torch_name: ClassVar[str] = ""
    #: True for ops whose one input's gradient can also be added into a pending sum in place
    #: (:meth:`GetItem.add_grad_to`): the engine's shortcut for a tensor read in many slices
    adds_in_place: ClassVar[bool] = False

    def name(self) -> str:
        """The node's name as PyTorch's ``grad_fn.name()`` gives it: ``MulBackward0``, ``ViewBackward0``."""
        return getattr(self, "label", "") or self._op_name()

    def _op_name(self) -> str:  # (ops whose PyTorch name depends on their arguments override this)
        return self.torch_name or op_class(self).__name__ + "Backward0"

    def __repr__(self) -> str:
        return f"<{self.name().rpartition('::')[2]} object at {id(self):#x}>"

    def output_index(self) -> int:
        """Which of its node's outputs this op's result is (``Tensor.output_nr``): 0, one result per op."""
        return 0

    @property
    def released(self) -> bool:
        """True once backward ran without ``retain_graph`` and freed this node (its inputs dropped, or
        for a node that saved nothing, replaced by shells holding no memory)."""
        return not self.parents or any(type(p) is Shell for p in self.parents)

    @property
    def next_functions(self) -> tuple[tuple[Function | AccumulateGrad | None, int], ...]:
        """Per input, as PyTorch's: (the op that made it, 0), (AccumulateGrad of a leaf that requires
        grad, 0) or (None, 0); kept after a backward, as PyTorch's edges are."""
        shown = getattr(self, "label_inputs", None)  # (kept after a backward, as PyTorch's edges are)
        if shown is None and not self.parents:
            edges = getattr(self, "edges", None) or ()
            if edges and self.name() in _SCALAR_FIRST:
                edges = edges[1:]
            return tuple(((_typed_edge(e[0] if type(e) is tuple else e) if e is None or type(e) is tuple
                           or isinstance(e, Function) else grad_accumulator(e)), 0) for e in edges)
        inputs = tuple(as_recorded(p, self.seq) for p in (self.parents if shown is None else shown))
        if inputs and self.name() in _SCALAR_FIRST:  # (number - x, number ** x: the number is no input)
            inputs = inputs[1:]
        return tuple(((torch_typed(p._ctx) if p._ctx is not None else grad_accumulator(p)) if p._requires_grad
                      else None, 0) for p in inputs)

    def forward(self, *args: Any, **kwargs: Any) -> Array:
        raise NotImplementedError

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward on the inputs' arrays; record the node if grad mode is on and an input needs grad.

        Forward runs with numpy's floating-point errors ignored, as PyTorch's
        kernels are silent (1/0 is inf, inf - inf is nan), so no op repeats that.
        """
        # The hottest function in minigrad: one pass over the inputs, Tensor construction and
        # _kernels.quiet inlined (a call frame per op would cost ~3% of a small-op workload).
        if _extras.stale:  # (False until a tensor with views changed in place: one test per op)
            _methods.graph.refresh_views(inputs)
        arrays: list[Array] = []
        record = False
        for t in inputs:
            arrays.append(t._array)
            if t._requires_grad:
                record = True
        fn = _new(cls)
        out = _new(Tensor)
        token = _set_errstate(QUIET)
        try:
            # Most ops take no parameters; passing an empty **params costs ~1k instructions.
            out._array = fn.forward(*arrays, **params) if params else fn.forward(*arrays)
        finally:
            _reset_errstate(token)
        out._hooks = None
        out._retains_grad = False
        out._version = 0
        if record and _mode.record:
            versions = []  # (a loop, not a comprehension: that is a function call in Python 3.11)
            for t in inputs:
                versions.append(t._version)
            fn.parents = inputs
            fn.versions = versions
            if _inference.used:  # (inference tensors may exist: none may be saved for backward)
                _no_inference_saved(fn, inputs)
            fn.seq = next(_tick)
            out._requires_grad = True  # (the slot: the public setter's checks are for user code)
            out._ctx = fn
            if _extras.pack:  # inside saved_tensors_hooks (an empty list otherwise)
                _methods.graph.pack_saved(fn, inputs, out)
        else:
            out._requires_grad = False
            out._ctx = None
            if _inference.threads and _mode.inference:
                made_in_inference(out, inputs)
            elif record and fn.is_view:  # (no_grad with an input that requires grad)
                made_in_no_grad(out, inputs)
        if _extras.subclass:  # (a Tensor subclass keeping its class through ops was defined)
            return _subclass.take_class(out, inputs, Tensor)
        return out

    def check_versions(self) -> None:
        """Raise PyTorch's error if an input this op's backward reads was modified in place after the op.

        Raises:
            MinigradError: an input's version changed since the op was recorded.
        """
        if not self.reads_inputs:
            return
        packed = _packed(self)  # (a saved_tensors_hooks pack hook keeps its own copy, as PyTorch's: no check)
        for i, (p, v) in enumerate(zip(self.parents, self.versions)):
            if p._version != v and i not in packed and self.reads_input(i):
                made_by = f", which is output 0 of {_changed_name(p)}," if p._ctx is not None else ""
                raise MinigradError(
                    "one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: [torch.{_type_name(p)} {list(p.shape)}]{made_by} is at version "
                    f"{p._version}; "
                    f"expected version {v} instead. {_version_hint()}"
                )

    def __call__(self, *grad_outputs: Tensor) -> Any:
        """Run this node's backward on ``grad_outputs`` (one per output), as calling a PyTorch node does.

        Raises:
            TypeError: not one gradient per output (PyTorch's message).
            MinigradError: the node was freed by a backward.
        """
        if len(grad_outputs) != 1:
            raise TypeError(f"expected 1 arguments, got {len(grad_outputs)} instead")
        if not self.parents:
            raise MinigradError(f"{self.name()}: its saved tensors were freed by a backward")
        if self.reads_output:
            raise MinigradError(f"{self.name()} reads its result in backward, which it does not keep; "
                                "call backward() on the result instead")
        grads = self.backward(grad_outputs[0], grad_outputs[0])
        return grads[0] if len(grads) == 1 else grads

    def register_hook(self, fn: Callable[[tuple[Tensor | None, ...], tuple[Tensor | None, ...]], Any]) -> Any:
        """Call ``fn(grad_inputs, grad_outputs)`` after this node's backward; a returned tuple replaces
        ``grad_inputs``. Returns a handle whose ``remove()`` unregisters it."""
        return _methods.graph.register_node_hook(self, fn, pre=False)

    def register_prehook(self, fn: Callable[[tuple[Tensor | None, ...]], Any]) -> Any:
        """Call ``fn(grad_outputs)`` before this node's backward; a returned tuple replaces
        ``grad_outputs``. Returns a handle whose ``remove()`` unregisters it."""
        return _methods.graph.register_node_hook(self, fn, pre=True)

    @property
    def metadata(self) -> dict[Any, Any]:
        """A dict kept on the node for the user's own bookkeeping (empty at first)."""
        return _methods.graph.node_metadata(self)

    def __getattr__(self, name: str) -> Any:
        # Only reached for missing attributes (and unset slots): PyTorch's ``_saved_self``,
        # ``_saved_other``, ``_saved_result`` and their ``_raw_`` forms.
        if name.startswith(("_saved_", "_raw_saved_")):
            return _methods.graph.saved_attribute(self, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def reads_input(self, i: int) -> bool:
        """Whether backward reads input ``i``'s values (what PyTorch would have saved for it)."""
        return self.reads_inputs

    def check_output_version(self, out: Tensor) -> None:
        """Raise PyTorch's error if the result this op's backward reads was modified in place after the op.

        Raises:
            MinigradError: the result's version changed since the op was recorded.
        """
        expected = getattr(self, "out_version", 0)
        if self.reads_output and out._version != expected and -1 not in _packed(self):
            raise MinigradError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [torch.{_type_name(out)} {list(out.shape)}], which is output 0 of "
                f"{_forward_name(self)}, "
                f"is at version {out._version}; expected version {expected} instead. {_version_hint()}"
            )

    def release(self) -> None:
        """Drop the inputs and saved arrays; the graph above this node can be freed."""
        self.parents = ()
        for attr in self.saved:
            setattr(self, attr, None)

    def keeps_inputs(self) -> bool:
        """Whether a backward that frees the graph leaves this node its inputs, so that it can run again.

        PyTorch's edges outlive the saved tensors a backward frees: a view of a parameter made once
        (``W.t()``, ``W.expand(4, -1, -1)``, ``W[0]``, ``W.t().reshape(-1)``, a distribution's broadcast
        parameter) backpropagates on every step. minigrad's edges are the input tensors themselves, so
        a node keeps them only where that holds no memory: it reads no values, and its inputs are leaves
        or views of leaves made by such a node. Any other node drops them (or they would hold every
        step's activations).
        """
        return _reads_nothing(self) and inputs_kept(self)

    def _needs_saved(self) -> bool:
        """Whether backward needs values :meth:`release` drops (only the names in ``saved`` by default)."""
        return bool(self.saved)


class Shell(Tensor):
    """Stands for an input of a node that saved nothing when a second backward runs it: the op that made
    the input, its shape and dtype, no values (a zero-strided array).

    PyTorch's edges outlive the saved tensors a backward frees, so a second backward through ops that
    saved nothing runs (``(x + 1).sum()`` twice); minigrad's edges are the input tensors themselves, whose
    arrays (a step's activations) the graph must not hold, so a freed node keeps what a shell needs
    (see ``minigrad.autograd.engine._revive``).
    """

    __slots__ = ()
    __hash__ = Tensor.__hash__
    __torch_function__ = _subclass._disabled_torch_function_impl  # type: ignore[assignment]  # (an engine stand-in, no user type)
    # (class values: hooks, rarely given, go in the instance's __dict__)
    _retains_grad = False
    _hooks = None

    # A tensor and its shell both reached in one pass (one used by an op a backward freed, the other by an
    # op made since) tie on the heap, whose tuples then compare them: identity, not elementwise values.
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return self is other

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return self is not other

    def __lt__(self, other: Any) -> bool:  # type: ignore[override]
        return False

    def __gt__(self, other: Any) -> bool:  # type: ignore[override]
        return False


def _reads_nothing(fn: Function) -> bool:
    return not (fn.reads_inputs or fn.reads_output or fn._needs_saved())


def inputs_kept(fn: Function) -> bool:
    """For a node that reads nothing: whether its inputs are leaves or views of leaves made by such a node
    (see :meth:`Function.keeps_inputs`)."""
    for p in fn.parents:
        ctx = p._ctx
        if ctx is not None and not (ctx.is_view and _reads_nothing(ctx)
                                    and all(q._ctx is None for q in ctx.parents)):
            return False
    return True


_new = object.__new__


def released_error(fn: Function) -> MinigradError:
    """PyTorch's error for a node whose saved values a backward freed (a second backward through it, or a
    saved tensor read after)."""
    return MinigradError(  # PyTorch's words (scripts match on them), then which node
        "Trying to backward through the graph a second time (or directly access saved tensors after they "
        "have already been freed). Saved intermediate values of the graph are freed when you call "
        ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
        f"graph a second time or if you need to access saved tensors after calling backward. (The buffers "
        f"saved by {fn.name()} were freed by the first backward().)"
    )


def _packed(node: Function) -> tuple[int, ...]:
    """Which of the node's inputs (-1: its result) a saved_tensors_hooks pack hook holds (autograd.graph)."""
    ex = getattr(node, "hooks", None)
    saved = None if ex is None else ex.saved
    return () if saved is None else tuple(i for i, _ in saved)


def _forward_name(node: Function) -> str:
    """The op a node records, as PyTorch 2.13's version errors name it (``Relu`` for ``ReluBackward0``)."""
    return re.sub(r"Backward\d*$", "", node.name())


def _changed_name(t: Tensor) -> str:
    """The op PyTorch names for a saved tensor changed in place since: a view's node is regenerated as
    AsStrided once its memory changed, by a write to it or to its base (an optimizer's step on the weight
    under Linear's ``weight.t()``, even under no_grad)."""
    assert t._ctx is not None
    return "AsStrided" if getattr(t, "_viewbase", None) is not None else _forward_name(t._ctx)


def _type_name(t: Tensor) -> str:
    """PyTorch's legacy type name of a tensor, as its error messages print it (``FloatTensor``)."""
    return tensor_type_name(t._array.dtype).removeprefix("torch.")


_set_errstate, _reset_errstate = _kernels.set_errstate, _kernels.reset_errstate


#: The gradient the engine is handing a node's backward when nothing else holds it or its memory (else
#: None): the backward may write its input's gradient into that array once it has read g for the last time.
scratch: Tensor | None = None


def _plain(g: Tensor, out: Tensor) -> bool:
    """True when a backward may compute on the arrays: no graph to record, plain tensors of one dtype.

    Such a backward runs the same numpy kernels, in the same order, as its
    Tensor-op form (which a recorded graph takes), so the values are the same
    bit for bit; it only skips the op dispatches.
    """
    return not _mode.record and type(g) is Tensor and g._array.dtype == out._array.dtype


def _times(g: Tensor, factor: Array) -> Tensor:
    """g * factor (of g's shape or broadcast to it), written over g when it is the engine's ``scratch``."""
    garr = g._array
    if g is scratch and garr.ndim:
        np.multiply(garr, factor, out=garr)
        return g
    return from_numpy(np.asarray(garr * factor))


def _one(like: Array) -> Array:
    """1 as the 0-d array the Tensor form's ``1 - y`` subtracts from (the same values)."""
    return np.asarray(1, dtype=like.dtype)


def _const(value: float, like: Tensor) -> Tensor:
    return from_numpy(np.asarray(value, dtype=like.dtype))


# --------------------------------------------------------------------- elementwise


#: the classes :func:`torch_typed` made, by (primitive class, PyTorch name)
_TYPED: dict[tuple[type[Function], str], type[Function]] = {}


def torch_typed(node: Function) -> Function:
    """``node``, its class now one named as PyTorch's (``type(y.grad_fn).__name__`` is ``AddBackward0``).

    PyTorch's node classes carry the names ``grad_fn.name()`` gives; minigrad's are its primitives (one
    class may stand for several PyTorch names). Scripts print ``type(grad_fn).__name__`` (torchviz labels
    its nodes so), so a node a script is handed is moved, once, to a subclass of its primitive with that
    name (no new slots: the object stays the same one). Nodes of custom Functions keep their class.
    """
    cls = type(node)
    if cls.__module__ != __name__:  # already named (module "builtins", as PyTorch's), or a custom Function's
        return node
    name = node.name()
    typed = _TYPED.get((cls, name))
    if typed is None:
        short = name.rpartition("::")[2]  # (PyTorch's class of torch::autograd::CopySlices is CopySlices)
        typed = _TYPED[(cls, name)] = type(short, (cls,), {"__slots__": (), "__module__": "builtins",
                                                           "__qualname__": short})
    node.__class__ = typed
    return node


def as_recorded(p: Tensor, seq: int) -> Tensor:
    """``p`` as the op numbered ``seq`` read it: an input changed in place since (its history now ends in
    an op recorded later) stands for its old value, as PyTorch's edges point at the grad_fn a tensor had
    when it was used (y = x * 3; x.mul_(2): y's next function is still x's old node), and as the engine's
    backward reads it."""
    ctx = p._ctx
    while ctx is not None and ctx.seq > seq:
        prior: Tensor | None = getattr(ctx, "prior", None)
        if prior is None:
            break
        p, ctx = prior, prior._ctx
    return p


def _typed_edge(node: Any) -> Any:
    return torch_typed(node) if isinstance(node, Function) else node


def op_class(node: Function) -> type[Function]:
    """The primitive class of ``node`` (the one :func:`torch_typed` subclassed, if it renamed it)."""
    cls = type(node)
    return cls.__base__ if cls.__module__ == "builtins" else cls  # type: ignore[return-value]


class Add(Function):
    """y = a + b;  da = g, db = g."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, a: Array, b: Array) -> Array:
        return a + b  # inf - inf is nan and overflow is inf, silently, as in PyTorch

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return g, g


class AddScaled(Function):
    """y = a + alpha * b, rounded once for float32 as PyTorch's fused kernel (``add``/``sub`` with alpha);
    da = g, db = alpha * g."""

    __slots__ = ("alpha", "sub")
    reads_inputs = False
    alpha: float
    sub: bool  # recorded for ``sub`` (alpha negated): PyTorch's node is then SubBackward0

    def _op_name(self) -> str:
        return "SubBackward0" if self.sub else "AddBackward0"

    def forward(self, a: Array, b: Array, alpha: float, sub: bool) -> Array:
        self.alpha, self.sub = alpha, sub
        if a.dtype == b.dtype == np.float32:
            return _kernels.fma32(b, alpha, a)
        out: Array = a + b * a.dtype.type(alpha)  # (other dtypes: two roundings; numpy has no fma)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return g, g * self.alpha


class Sub(Function):
    """y = a - b;  da = g, db = -g.

    A broadcast b (``x - mean`` in a normalization layer) is reduced to its
    shape before the negation, so the minus sign costs a pass over the small
    array, not the full-size one (the same values: the sum of the negated
    gradient is the negated sum, exactly).
    """

    __slots__ = ()
    reads_inputs = False

    def forward(self, a: Array, b: Array) -> Array:
        return a - b

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        b = self.parents[1]
        if not b._requires_grad:
            return g, None
        shape = b._array.shape
        if not _mode.record and type(g) is Tensor:  # the Neg op's kernel on the (reduced) array
            gb = g if shape == g._array.shape else sum_to(g, shape, self)
            return g, from_numpy(np.negative(gb._array))
        return g, (-g if type(g) is not Tensor or shape == g._array.shape else -sum_to(g, shape, self))


class RsubScalar(Sub):
    """``number - tensor``: Sub with the number lifted first, named as PyTorch's ``RsubBackward1``."""

    __slots__ = ()
    torch_name = "RsubBackward1"


def _other_needs(fn: Function, j: int) -> bool:
    """Whether input ``j``'s gradient is wanted (PyTorch saves the operands it needs only then); an input
    changed in place since the op (detach_() clears requires_grad) still counts, as in Mul.reads_input."""
    return fn.parents[j]._requires_grad or fn.parents[j]._version != fn.versions[j]


class Mul(Function):
    """y = a * b;  da = g * b, db = g * a."""

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        return a * b

    def reads_input(self, i: int) -> bool:
        """A factor is read only for the other factor's gradient (needed when recorded: an other factor
        changed in place since, e.g. by detach_(), which also clears its requires_grad, still counts)."""
        j = 1 - i
        return self.parents[j]._requires_grad or self.parents[j]._version != self.versions[j]

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        # The reduced gradient (of a broadcast operand) first: g's last reader is then the full-size
        # product, which may be written over g (``scratch``), as a compiled replay does.
        if b._requires_grad and b._array.shape != g._array.shape:
            gb = _product_to(g, a, b._array.shape)
            return (_product_to(g, b, a._array.shape, True) if a._requires_grad else None), gb
        ga = _product_to(g, b, a._array.shape, not b._requires_grad) if a._requires_grad else None
        return ga, (_product_to(g, a, b._array.shape, True) if b._requires_grad else None)


class Addcmul(Function):
    """y = a + b * c (``torch.addcmul(a, b, c)``);  da = g, db = g * c, dc = g * b.

    A primitive because the normalization layers end in ``x_hat * weight + bias``:
    one node and one full-size result instead of two (the product is formed in
    the result's memory and ``a`` added in place). The values are those of the
    product followed by the sum, bit for bit.
    """

    __slots__ = ()

    def forward(self, a: Array, b: Array, c: Array, fused: bool = False) -> Array:
        if fused:  # torch.addcmul of float32 tensors: b * c + a rounded once, as PyTorch's kernel
            return _kernels.fma32(b, c, a)
        try:
            prod = np.multiply(b, c)
            if prod.dtype.kind == "b":  # (numpy would add bools as a logical or)
                raise UnsupportedError("addcmul: not implemented for 'Bool' (PyTorch has no bool kernel)")
            # (a bias of the trailing dims, the layers' case, decided without numpy's broadcast helpers)
            n = a.ndim
            bias = a.dtype == prod.dtype and 0 < n <= prod.ndim and a.shape == prod.shape[prod.ndim - n:]
            if type(prod) is np.ndarray and (bias or (prod.shape == np.broadcast_shapes(a.shape, prod.shape)
                                                      and np.result_type(prod, a) == prod.dtype)):
                prod += a
                return prod
            return np.asarray(prod + a)
        except ValueError:  # shapes that do not broadcast: PyTorch's error, naming them
            check_broadcast("addcmul", a.shape, b.shape, c.shape)
            raise

    def reads_input(self, i: int) -> bool:
        """``a`` is never read; a factor only for the other factor's gradient (as :meth:`Mul.reads_input`)."""
        if i == 0:
            return False
        j = 3 - i
        return self.parents[j]._requires_grad or self.parents[j]._version != self.versions[j]

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b, c = self.parents
        gshape = g._array.shape
        ga = None
        if a._requires_grad:  # a broadcast a's sum now, as the engine would take it: g may take a product
            ashape = a._array.shape
            ga = g if ashape == gshape or type(g) is not Tensor else sum_to(g, ashape, self)
        free = ga is not g  # (g is not also a's gradient)
        # the reduced gradient (of a broadcast factor) first, as Mul's backward
        if c._requires_grad and c._array.shape != gshape:
            gc = _product_to(g, b, c._array.shape)
            return ga, (_product_to(g, c, b._array.shape, free) if b._requires_grad else None), gc
        gb = _product_to(g, c, b._array.shape, free and not c._requires_grad) if b._requires_grad else None
        return ga, gb, (_product_to(g, b, c._array.shape, free) if c._requires_grad else None)


def _product_to(g: Tensor, other: Tensor, shape: tuple[int, ...], last: bool = False) -> Tensor:
    """g * other for an input of ``shape``, which broadcasting may have expanded.

    The engine reduces a gradient to its input's shape; for a broadcast
    operand (a LayerNorm weight, a BatchNorm scale) that means a full-size
    product and then a sum. When g and other are full-size and no graph is
    recorded, one pass does both without the temporary (``_kernels.product_sum_to``).
    ``last``: the caller reads g no more, so a full-size product may be
    written over a ``scratch`` g.
    """
    if type(g) is not Tensor:  # (a hook may have returned something else: the product reports it)
        return g * other
    garr, oarr = g._array, other._array
    gs = garr.shape
    if shape == gs or oarr.shape != gs or _mode.record or garr.dtype != oarr.dtype or not garr.ndim:
        if not _mode.record and isinstance(other, Tensor) and garr.dtype == oarr.dtype:  # (a Parameter too)
            if last and g is scratch and shape == gs and garr.ndim:  # the same product, in g's memory
                np.multiply(garr, oarr, out=garr)
                return from_numpy(garr)
            return from_numpy(np.asarray(garr * oarr))  # the Mul op's product, without the op
        return g * other
    if not _kernels._product_subscripts(gs, shape):
        return g * other  # not a broadcast of shape: the engine reports the mismatch
    return from_numpy(_kernels.product_sum_to(garr, oarr, shape))


class Div(Function):
    """y = a / b;  da = g / b, db = -g * (a / b) / b.

    db divides twice rather than by b * b, as PyTorch does: b * b underflows
    to 0 for tiny b where (a / b) / b is still finite.
    """

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        return np.divide(a, b)

    def reads_input(self, i: int) -> bool:
        """b is read for both gradients, a only for b's (x / c, then x changed in place, backpropagates)."""
        return i == 1 or _other_needs(self, 1)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        ga = g / b if a._requires_grad else None
        gb = -g * (a / b / b) if b._requires_grad else None
        return ga, gb


class Reciprocal(Function):
    """y = 1 / a;  da = -g * (y * y), PyTorch's formula (its ``n / x`` is reciprocal(x) * n too)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False

    def forward(self, a: Array) -> Array:
        return np.reciprocal(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):
            y = out._array
            return (from_numpy(np.asarray(np.negative(g._array) * (y * y))),)
        return (-g * (out * out),)


class Pow(Function):
    """y = a ** b (tensor exponent);  da = g * b * a**(b-1), db = g * y * log(a).

    As in PyTorch, da is 0 where b == 0 (instead of 0 * 0**-1 = nan at a == 0)
    and db is 0 where a == 0 and b >= 0 (instead of 0 * -inf = nan).
    """

    __slots__ = ()
    reads_output = True
    torch_name = "PowBackward1"  # PyTorch numbers the tensor-exponent overload 1

    def forward(self, a: Array, b: Array) -> Array:
        return _kernels.power(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        ga = None
        if a._requires_grad:
            ga = where(from_numpy(b._array == 0), _const(0.0, g), g * b * a ** (b - 1))
        gb = None
        if b._requires_grad:
            zero = from_numpy((a._array == 0) & (b._array >= 0))
            gb = where(zero, _const(0.0, g), g * out * a.log())
        return ga, gb


class PowScalar(Function):
    """y = a ** p for a Python number p;  da = g * p * a**(p-1) (0 when p == 0).

    As PyTorch, p = 2, 3, -2, 0.5 and -0.5 are computed as products, sqrt and
    1 / sqrt rather than by pow: the last bit of x ** 3 and the IEEE edge cases
    ((-0.0) ** -0.5 = -inf, (-inf) ** -0.5 = nan) then match PyTorch's. The
    gradient's a ** (p - 1) goes through the same choice.
    """

    __slots__ = ("p", "wide")
    torch_name = "PowBackward0"
    p: float
    wide: bool  # PyTorch's pow kernel (see _power); False in the layers' compositions, where PyTorch has none

    def forward(self, a: Array, p: float, wide: bool = True) -> Array:
        self.p, self.wide = p, wide
        return _power(a, p, wide)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        p = self.p
        if p == 0:  # PyTorch's pow_backward gives zeros here, not an absent gradient
            return (from_numpy(np.zeros(g.shape, dtype=g.dtype)),)
        a = self.parents[0]
        if not _mode.record and type(g) is Tensor and a._array.dtype.kind == "f":
            # The same products on the arrays, one Tensor instead of three ops (BatchNorm's
            # (var + eps) ** -0.5 runs this every step); a recorded graph takes the ops below.
            x = a._array
            slope = (x * x.dtype.type(2) if p == 2
                     else _power(x, p - 1, self.wide) * np.asarray(p, dtype=x.dtype))
            return (from_numpy(np.asarray(g._array * slope)),)
        # (recorded: x**2's slope is x**1 * 2, as PyTorch's: its third derivative is zeros, not "no grad_fn")
        return (g * (a ** (p - 1) * p),)


def _power(a: Array, p: float, wide: bool = True) -> Array:
    """a ** p as PyTorch computes it for a Python number p (see :class:`PowScalar`); ``wide=False``: small
    float32 arrays in float32 too (BatchNorm's (var + eps) ** -0.5, whose PyTorch kernel has no pow)."""
    if p == 2:
        return np.multiply(a, a)
    if a.dtype.kind == "f":  # PyTorch's kernels for these exponents, and so its edge values:
        # (-inf) ** 0.5 and ** -0.5 are nan (sqrt), other non-integer powers of -inf C's pow
        if p == 3:
            return a * a * a
        if p == -2:
            return np.reciprocal(np.multiply(a, a))  # (1 / x without converting a scalar operand)
        if p == 0.5:
            return np.sqrt(a)
        if p == -0.5:
            return np.reciprocal(np.sqrt(a))
        if wide and a.dtype == np.float32 and a.size < 16:
            # PyTorch's kernel keeps the exponent a double: a tensor too small for its vector loop (under
            # 16 floats on any x86 build) takes std::pow(float, double), computed in double (a 0-d decay
            # or learning rate, (1 + step) ** -0.75); larger ones take its float vector pow
            return np.asarray(np.power(a, p, dtype=np.float64), dtype=np.float32)
    return np.power(a, np.asarray(p, a.dtype) if a.dtype.kind == "f" else p)  # (0-d: numpy's fast path)


class Maximum(Function):
    """y = max(a, b) elementwise; on ties each side gets g / 2 (PyTorch's rule)."""

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        return np.maximum(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return _tie_split(self, g, np.less, np.greater)


class Minimum(Function):
    """y = min(a, b) elementwise; on ties each side gets g / 2 (PyTorch's rule)."""

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        return np.minimum(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return _tie_split(self, g, np.greater, np.less)


def _tie_split(fn: Function, g: Tensor, a_loses: Any, b_loses: Any) -> tuple[Tensor | None, ...]:
    a, b = fn.parents
    zero = _const(0.0, g)
    tie = from_numpy(a._array == b._array)
    shared = where(tie, g * 0.5, g)
    ga = where(from_numpy(a_loses(a._array, b._array)), zero, shared) if a._requires_grad else None
    gb = where(from_numpy(b_loses(a._array, b._array)), zero, shared) if b._requires_grad else None
    return ga, gb


class Neg(Function):
    """y = -a;  da = -g."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, a: Array) -> Array:
        return np.negative(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (-g,)


class Exp(Function):
    """y = exp(a);  da = g * y."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)

    def forward(self, a: Array) -> Array:
        return np.exp(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out) and g._array.shape == out._array.shape:  # the Mul op's product on the arrays
            return (_times(g, out._array),)
        return (g * out,)


class Log(Function):
    """y = log(a);  da = g / a.  log(0) = -inf and log(-1) = nan, as in numpy and PyTorch."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return np.log(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g / self.parents[0],)


class Sqrt(Function):
    """y = sqrt(a);  da = g / (2 y)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)

    def forward(self, a: Array) -> Array:
        return np.sqrt(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (out * 2),)


class Rsqrt(Function):
    """y = 1 / sqrt(a);  da = g * (-0.5 y**3), from the result as PyTorch's (so -0.0 gives +inf there).

    One op where ``1 / sqrt(a)`` is two: RMSNorm's ``x * rsqrt(mean(x**2) + eps)`` in every LLM layer.
    """

    __slots__ = ()
    reads_output = True
    reads_inputs = False

    def forward(self, a: Array) -> Array:
        return np.reciprocal(np.sqrt(a))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (out * out * out * -0.5),)


class Sin(Function):
    """y = sin(a);  da = g * cos(a)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return np.sin(a)  # sin(inf) is nan, silently

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.parents[0].cos(),)


class Cos(Function):
    """y = cos(a);  da = -g * sin(a)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return np.cos(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (-(g * self.parents[0].sin()),)


class Tanh(Function):
    """y = tanh(a);  da = g * (1 - y**2)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)

    def forward(self, a: Array) -> Array:
        return np.tanh(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):  # the same three kernels on the arrays (RNN cells run this every step)
            y = out._array
            if y.dtype == np.float16:
                # PyTorch's half kernel computes in float32 with 1 - y * y fused (one rounding: exact in
                # float64, then rounded), rounding the product once. float32 keeps the unfused form:
                # fusing it (4 passes, 1.8x the time) matched PyTorch's bits only where numpy's tanh
                # matched its forward value, and moved a tanh-trained script's numbers further away.
                d = np.asarray(np.square(y, dtype=np.float64))
                one_minus = np.subtract(1.0, d, out=d).astype(np.float32)
                return (from_numpy((g._array * one_minus).astype(np.float16)),)
            return (_times(g, _one(y) - y * y),)
        return (g * (1 - out * out),)


class Sigmoid(Function):
    """y = 1 / (1 + exp(-a));  da = g * y * (1 - y).

    A primitive rather than a composition: for a << 0 exp(-a) overflows to inf,
    which the forward quotient turns into its limit 0 but a composed backward
    would turn into inf * 0 = nan; this backward reads only y.
    """

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)

    def forward(self, a: Array) -> Array:
        if a.dtype == np.float16:  # PyTorch's half kernel rounds once, from float32 (its opmath type)
            return _kernels.sigmoid(a.astype(np.float32)).astype(np.float16)
        return _kernels.sigmoid(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):  # the same three kernels on the arrays (LSTM gates run this every step)
            y = out._array
            if g is scratch and y.ndim:  # (g * (1 - y)) * y in g's memory: PyTorch's order (its last bit)
                garr = g._array
                garr *= _one(y) - y
                garr *= y
                return (from_numpy(garr),)
            return (from_numpy(np.asarray(g._array * (_one(y) - y) * y)),)
        return (g * (1 - out) * out,)


def _log_sigmoid(a: Array) -> Array:
    z = np.exp(-np.abs(a))
    out: Array = np.minimum(a, a.dtype.type(0))
    out -= np.log1p(z)
    return out


class LogSigmoid(Function):
    """PyTorch's log_sigmoid kernel: y = min(a, 0) - log1p(z), z = exp(-|a|);
    da = g * (1 - z / (1 + z)) where a < 0, else g * z / (1 + z).

    A primitive because composed it takes six ops forward and more backward (BCE with logits is
    this and three more); finite for any a, exact for large |a| (no 1 - sigmoid cancellation).
    """

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return _log_sigmoid(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        neg = a._array < 0
        if _plain(g, a):
            r = np.exp(-np.abs(a._array))
            r /= r + 1
            return (_times(g, _kernels.select(neg, _one(r) - r, r)),)
        z = (a * from_numpy(np.where(neg, 1.0, -1.0).astype(a._array.dtype))).exp()  # exp(-|a|)
        q = z / (z + 1)
        return (g * where(from_numpy(neg), 1 - q, q),)


class BceWithLogits(Function):
    """PyTorch's binary_cross_entropy_with_logits kernel before its weight and reduction: with lw =
    (pos_weight - 1) * t + 1 (1 without pos_weight), y = (1 - t) * a - lw * log_sigmoid(a);
    da = g * (sigmoid(a) * (pos_weight * t + 1 - t) - pos_weight * t), or g * (sigmoid(a) - t);
    dt = g * (log_sigmoid(-a) - pos_weight * log_sigmoid(a)), or g * -a. ``pos_weight`` (an array that
    broadcasts to a) takes no gradient, as in PyTorch.

    A primitive for PyTorch's input gradient: composed from log_sigmoid it is (1 - t) - lw * sigmoid(-a),
    whose cancellation loses a confident logit's small gradient (sigmoid(-40) = 4e-18 came out 0).
    """

    __slots__ = ("pos_weight",)
    pos_weight: Array | None

    def forward(self, a: Array, t: Array, pos_weight: Array | None = None) -> Array:
        pw = self.pos_weight = None if pos_weight is None else np.asarray(pos_weight, dtype=a.dtype)
        log_sig = _log_sigmoid(a) if pw is None else _log_sigmoid(a) * ((pw - 1) * t + 1)
        out: Array = (1 - t) * a - log_sig
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, t = self.parents
        pw = self.pos_weight
        if _plain(g, a) and type(t) is Tensor:  # (the same formulas on the arrays)
            aa, ta, ga = a._array, t._array, g._array
            sig = _kernels.sigmoid(aa)
            if pw is None:
                return from_numpy(np.asarray(ga * (sig - ta))), from_numpy(np.asarray(ga * -aa))
            pt = ta * pw
            return (from_numpy(np.asarray(ga * ((pt + 1 - ta) * sig - pt))),
                    from_numpy(np.asarray(ga * (_log_sigmoid(-aa) - _log_sigmoid(aa) * pw))))
        sig_t = Sigmoid.apply(a)
        if pw is None:
            return g * (sig_t - t), g * -a
        pwt = from_numpy(pw)
        pt_t = t * pwt
        return g * ((pt_t + 1 - t) * sig_t - pt_t), g * (LogSigmoid.apply(-a) - LogSigmoid.apply(a) * pwt)


class Softplus(Function):
    """PyTorch's softplus kernel: y = a where a * beta > threshold, else log1p(exp(a * beta)) / beta;
    da = g there, else g * z / (z + 1), z = exp(a * beta).

    A primitive because composed it takes nine ops (and PyTorch's values come from this formula).
    """

    __slots__ = ("beta", "threshold")
    beta: Any
    threshold: Any

    def forward(self, a: Array, beta: float, threshold: float) -> Array:
        if a.dtype == np.float16:  # PyTorch's half kernel computes in float32 (exp(12) overflows half)
            out = self.forward(a.astype(np.float32), beta, threshold).astype(np.float16)
            self.beta, self.threshold = np.float16(beta), np.float16(threshold)  # (the backward's, as before)
            return out
        t = a.dtype.type
        self.beta, self.threshold = t(beta), t(threshold)  # (rounded as the kernel's scalars)
        scaled = a * self.beta
        over = scaled > self.threshold
        # (the linear side's exp is not taken: it could overflow)
        smooth: Array = np.log1p(np.exp(_kernels.select(over, t(0), scaled)))
        smooth /= self.beta
        return _kernels.select(over, a, smooth)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        scaled = a._array * self.beta
        over = scaled > self.threshold
        if _plain(g, a):
            z = np.exp(_kernels.select(over, a._array.dtype.type(0), scaled))
            smooth = g._array * z
            smooth /= z + 1
            return (from_numpy(_kernels.select(over, g._array, smooth)),)
        zt = where(from_numpy(over), _const(0.0, a), a * float(self.beta)).exp()
        return (where(from_numpy(over), g, g * zt / (zt + 1)),)


def _hard_gate(a: Array) -> Array:
    """min(max(a + 3, 0), 6) in a's dtype: hardswish's and hardsigmoid's kernels before their / 6."""
    t = a.dtype.type
    out: Array = np.asarray(a + t(3))
    # (numpy's clip ufunc: one SIMD pass, 4x the speed of maximum then minimum, which numpy 2.4 runs in a
    # scalar loop against a scalar bound; the same values: a + 3 is never -0.0, a tie gives the bound itself)
    return _kernels.clip(out, t(0), t(6), out=out)  # type: ignore[no-any-return]


class Hardswish(Function):
    """PyTorch's hardswish kernel: y = a * min(max(a + 3, 0), 6) / 6;
    da = 0 where a <= -3, g * (a / 3 + 1/2) where a < 3, else g (NaN takes g, as there).

    A primitive because composed it took eleven ops (12x PyTorch's time on (64, 1024)).
    """

    __slots__ = ()
    torch_name = "HardswishBackward0"

    def forward(self, a: Array) -> Array:
        if a.dtype == np.float16:  # PyTorch's half kernel computes in float32 and rounds once
            return self.forward(a.astype(np.float32)).astype(np.float16)
        out = _hard_gate(a)
        out *= a
        out /= a.dtype.type(6)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        x = a._array
        low, mid = x <= -3, x < 3
        if _plain(g, a):
            t = x.dtype.type
            slope = x / t(3)
            slope += t(0.5)
            slope *= g._array
            return (from_numpy(_kernels.select(low, t(0), _kernels.select(mid, slope, g._array))),)
        inner = where(from_numpy(mid & ~low), a, _const(0.0, a))  # (+-inf kept out of the unused branch)
        return (where(from_numpy(low), _const(0.0, a), where(from_numpy(mid), g * (inner / 3 + 0.5), g)),)


class Hardsigmoid(Function):
    """PyTorch's hardsigmoid kernel: y = min(max(a + 3, 0), 6) / 6;  da = g / 6 strictly inside (-3, 3),
    else 0, the 1/6 being the float literal 1.0f / 6.0f in every dtype, as there.

    A primitive because composed it took eight ops (6x PyTorch's time on (64, 1024)).
    """

    __slots__ = ()
    torch_name = "HardsigmoidBackward0"

    def forward(self, a: Array) -> Array:
        out = _hard_gate(a)
        out /= a.dtype.type(6)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        x = a._array
        inside = (x > -3) & (x < 3)
        sixth = float(np.float32(1 / 6))
        if _plain(g, a):
            t = x.dtype.type
            return (from_numpy(_kernels.select(inside, g._array * t(sixth), t(0))),)
        return (where(from_numpy(inside), g * sixth, _const(0.0, a)),)


class SmoothL1(Function):
    """PyTorch's smooth_l1 and huber kernels on d = input - target, z = |d|, cut = beta or delta:
    smooth_l1: y = 0.5 * z * z / cut where z < cut, else z - 0.5 * cut;
    huber (``huber``): y = 0.5 * z * z where z < cut, else cut * (z - 0.5 * cut);
    dd = g * (d / cut, or d for huber) where |d| < cut, else g * (+-1, or +-cut) by the sign of d
    (a nan d takes the inner branch: its value and gradient are nan, as there).

    A primitive because composed it took thirteen ops (8x PyTorch's time on (256, 100)).
    """

    __slots__ = ("cut", "huber")
    cut: Any
    huber: bool

    def forward(self, d: Array, cut: float, huber: bool) -> Array:
        t = d.dtype.type
        self.cut, self.huber = t(cut), huber  # (rounded as the kernel's scalars)
        z = np.abs(d)
        quad = z * t(0.5)
        quad *= z
        if not huber:
            quad /= self.cut
        lin = z - t(0.5) * self.cut
        if huber:
            lin *= self.cut
        return _kernels.select(z >= self.cut, lin, quad)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        x = a._array
        lim = self.cut if self.huber else x.dtype.type(1)
        if _plain(g, a):
            # d / cut (or d) clipped to [-lim, lim] is the kernel's select: |d| >= cut gives at least lim
            # in magnitude, and a quotient below it that rounds up to lim is lim there too; nan stays nan
            # (arrays: a 0-d d must not become a numpy scalar)
            slope = np.array(x) if self.huber else np.divide(x, self.cut, out=np.empty_like(x))
            _kernels.clip(slope, -lim, lim, out=slope)  # (one SIMD pass: see _hard_gate; lim is not 0)
            slope *= g._array
            return (from_numpy(slope),)
        outer = from_numpy(np.abs(x) >= self.cut)
        near = where(outer, _const(0.0, a), a)  # (an infinite d kept out of the unused branch)
        edge = from_numpy(np.copysign(lim, x))
        return (where(outer, edge, near if self.huber else near / float(self.cut)) * g,)


class Relu(Function):
    """y = max(a, 0);  da = g where y > 0, else 0 (PyTorch's choice at a == 0)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)

    def forward(self, a: Array) -> Array:
        if a.dtype == np.bool_:  # (PyTorch's RuntimeError, in its words)
            raise MinigradError("Boolean inputs not supported for relu")
        return bounded(np.maximum, a.dtype.type(0), a)  # (the second of two equal zeros: relu(-0.0) is -0.0)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        # "not <= 0" rather than "> 0": a NaN input passes its gradient, as in PyTorch
        if _plain(g, out):  # the Where op's selection on the arrays, minus the op and its constant
            garr = g._array
            y = out._array
            if garr.size <= 2048:  # one call; on larger irregular masks np.where loses to a product
                return (from_numpy(np.where(y <= 0, garr.dtype.type(0), garr)),)
            # g * (y > 0) + 0 equals the selection when g is finite and y has no NaN (the + 0 turns a
            # negative g's -0.0 into the selection's +0.0); one dot product shows both (an inf or NaN
            # in either makes it inf or NaN; a finite overflow only costs the general path): one BLAS
            # pass instead of isfinite's two and the mask's negation
            if (garr.dtype.char in "fd" and garr.flags.c_contiguous and y.flags.c_contiguous
                    and np.isfinite(np.dot(garr.reshape(-1), y.reshape(-1)))):  # (a yes/no mg.compile reads)
                zero = garr.dtype.type(0)
                if g is scratch:  # the same product, in g's memory
                    np.multiply(garr, y > 0, out=garr, dtype=garr.dtype)
                    garr += zero
                    return (g,)
                product = np.multiply(garr, y > 0, dtype=garr.dtype)
                product += zero
                return (from_numpy(product),)
            return (from_numpy(MaskedGrad.select(~(y <= 0), garr, 0.0)),)
        return (MaskedGrad.apply(g, out, keep=~(out._array <= 0), slope=0.0),)


class LeakyRelu(Function):
    """y = a if a > 0 else a * slope;  da = g where a > 0, else g * slope (PyTorch's choice at 0 and NaN)."""

    __slots__ = ("slope",)
    torch_name = "LeakyReluBackward0"
    slope: float

    def forward(self, a: Array, slope: float) -> Array:
        self.slope = slope
        return _kernels.select(a > 0, a, a * a.dtype.type(slope))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        keep = a._array > 0
        if _plain(g, out):
            garr = g._array
            if self.slope == 0:  # g * 0, as PyTorch's leaky_relu_backward: -0.0 where g < 0 (ReLU's gives +0)
                return (from_numpy(_kernels.select(keep, garr, garr * garr.dtype.type(0.0))),)
            return (from_numpy(MaskedGrad.select(keep, garr, self.slope)),)
        return (MaskedGrad.apply(g, a, keep=keep, slope=self.slope),)


def _negative_inplace_slope(op: str, tail: str = "") -> MinigradError:
    """PyTorch's error for backward through an in-place leaky_relu/elu recorded with a negative slope."""
    return MinigradError(
        f"In-place {op} backward calculation is triggered with a negative slope which is not supported. This "
        "is caused by calling in-place forward function with a negative slope, please call out-of-place "
        f"version instead.{tail}"
    )


class LeakyReluInplace(LeakyRelu):
    """LeakyRelu as its in-place form (``leaky_relu_``) records it: the same y and da (see LeakyRelu).

    PyTorch's in-place backward reads the mask from the result, whose sign a negative slope flips, so
    backward raises for a negative slope (at backward, as PyTorch; a slope of 0 is fine).
    """

    __slots__ = ()
    torch_name = "LeakyReluBackward1"

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if self.slope < 0:
            raise _negative_inplace_slope(
                "leakyReLu", " File an issue at https://github.com/pytorch/pytorch if you do require "
                "supporting in-place leakRelu backward calculation with negative slope")
        return super().backward(g, out)


class MaskedGrad(Function):
    """y = g where ``keep``, else g * slope: ReLU's and LeakyReLU's backward as an op, for create_graph;
    dg = the same selection, d(anchor) = 0.

    ``anchor`` is the tensor the mask was read from (ReLU's result, LeakyReLU's input), an input
    with a zero derivative, as in PyTorch's threshold_backward and leaky_relu_backward: a second
    derivative then reaches what lies beneath it, as zeros rather than None (the first layer's
    bias in a gradient penalty's ``autograd.grad(..., create_graph=True)``).
    """

    __slots__ = ("keep", "slope")
    reads_inputs = False
    keep: Array
    slope: float

    def _op_name(self) -> str:  # PyTorch's: the backward of ThresholdBackward or of LeakyReluBackward
        return "LeakyReluBackwardBackward0" if self.slope else "ThresholdBackwardBackward0"

    def forward(self, g: Array, anchor: Array, keep: Array, slope: float) -> Array:
        self.keep, self.slope = keep, slope
        return MaskedGrad.select(keep, g, slope)

    @staticmethod
    def select(keep: Array, g: Array, slope: float) -> Array:
        """where(keep, g, g * slope) in g's dtype (g * 0 is 0 there, also for an infinite g)."""
        if slope == 0:
            return _kernels.select(keep, g, np.zeros((), g.dtype))
        return _kernels.select(keep, g, g * g.dtype.type(slope))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        anchor = self.parents[1]
        a = anchor._array
        zero = from_numpy(np.zeros(a.shape, a.dtype)) if anchor._requires_grad else None
        if not self.parents[0]._requires_grad:
            return None, zero
        if _plain(g, out):
            return from_numpy(MaskedGrad.select(self.keep, g._array, self.slope)), zero
        return MaskedGrad.apply(g, anchor, keep=self.keep, slope=self.slope), zero


class Masked(Function):
    """y = a where ``keep``, else ``fill`` (a constant array): hardtanh, threshold, hardshrink, softshrink;
    da = g where keep, else 0. Recorded (create_graph) as MaskedGrad anchored at ``a``, as PyTorch's
    backward kernels of these take the input: a second derivative reaches it as zeros, not None."""

    __slots__ = ("keep",)
    keep: Array

    def forward(self, a: Array, fill: Array, keep: Array) -> Array:
        self.keep = keep
        return _kernels.select(keep, a, fill)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):
            return (from_numpy(MaskedGrad.select(self.keep, g._array, 0.0)),)
        return (MaskedGrad.apply(g, self.parents[0], keep=self.keep, slope=0.0),)


class Abs(Function):
    """y = |a|;  da = g * sign(a) (0 at a == 0)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        if a.dtype == np.bool_:  # (PyTorch's kernel has no bool: its NotImplementedError)
            raise kernel_error("abs", a.dtype)
        return np.abs(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]  # (recorded, the sign stays in the graph: a second derivative is 0, not an error)
        return (g * (Sign.apply(a) if _mode.record else from_numpy(_kernels.sign(a._array))),)


class Sign(Function):
    """y = sign(a); its derivative is 0 wherever it exists."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, a: Array) -> Array:
        return _kernels.sign(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        # zeros, not None: like PyTorch, x.grad becomes a tensor of zeros
        return (from_numpy(np.zeros(g.shape, dtype=g.dtype)),)


class Undefined(Function):
    """y = ``value`` (an array computed from a), in a's graph with no gradient at all: what PyTorch's
    formulas that return an undefined gradient give (the 0-norm's), so a leaf's .grad stays None."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, a: Array, value: Array) -> Array:
        return value

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (None,)


class Ldexp(Function):
    """y = a * 2**exponent, exactly (no 2**exponent that overflows first);  da = ldexp(g, exponent).
    ``exponent``: an integer array of a's shape, a constant."""

    __slots__ = ("exponent",)
    reads_inputs = False
    saved = ("exponent",)
    exponent: Array

    def forward(self, a: Array, exponent: Array) -> Array:
        self.exponent = exponent
        return np.ldexp(a, exponent)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (Ldexp.apply(g, exponent=self.exponent),)


class Erf(Function):
    """y = erf(a);  da = g * 2/sqrt(pi) * exp(-a**2)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return erf(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * ((-(a * a)).exp() * (2 / math.sqrt(math.pi))),)


class Elu(Function):
    """PyTorch's elu kernel (ELU, SELU, CELU): y = a * pos where a > 0, else expm1(a * inner) * neg;
    da = g * pos there, else g * inner * neg * exp(a * inner).

    A primitive because composed from expm1 its gradient, g * (y + 1), loses all its digits where
    exp(a) underflows against 1 (a < -17 in float32), and composed from exp its value, exp(a) - 1, is 0
    for |a| < 6e-8. NaN takes the linear branch, as in PyTorch. ``grad_inner`` replaces ``inner`` in
    backward (CELU's: PyTorch's derivative takes 1 / alpha of a float32 alpha).
    """

    __slots__ = ("inner", "neg", "pos")
    inner: Any
    neg: Any
    pos: Any

    def forward(self, a: Array, neg: float, pos: float, inner: float,
                grad_inner: float | None = None) -> Array:
        t = a.dtype.type
        self.neg, self.pos = t(neg), t(pos)  # (rounded as the kernel's scalars)
        self.inner = t(inner if grad_inner is None else grad_inner)
        linear = ~(a <= 0)
        out: Array = np.expm1(_kernels.select(linear, t(0), a) * t(inner))
        out *= self.neg
        return _kernels.select(linear, a * self.pos, out)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        x = a._array
        if _plain(g, a):  # the Tensor form's kernels, in its order, on the arrays
            keep = ~(x <= 0)
            expo = np.exp(_kernels.select(keep, x.dtype.type(0), x) * self.inner)
            ga = g._array
            return (from_numpy(_kernels.select(keep, ga * self.pos, ga * self.inner * self.neg * expo)),)
        linear = from_numpy(~(x <= 0))
        expo = (where(linear, _const(0.0, a), a) * self.inner).exp()  # (0 where linear: exp never overflows)
        return (where(linear, g * self.pos, g * self.inner * self.neg * expo),)


class EluInplace(Elu):
    """Elu as its in-place forms (``elu_``, ``celu_``, ``selu_``) record it: the same y and da (see Elu).

    PyTorch's in-place backward reads the result, which a negative alpha makes ambiguous, so backward
    raises for a negative ``neg`` (alpha; at backward, as PyTorch; alpha = 0 is fine).
    """

    __slots__ = ()
    torch_name = "EluBackward1"

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if self.neg < 0:
            raise _negative_inplace_slope("elu")
        return super().backward(g, out)


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class Gelu(Function):
    """y = a * Phi(a), Phi the standard normal CDF; or its tanh approximation.

    exact: da = g * (Phi(a) + a * phi(a)), phi the normal density.
    tanh:  with t = tanh(k (a + c a^3)), y = a (1 + t) / 2 and
           da = g * ((1 + t) / 2 + a (1 - t^2) k (1 + 3 c a^2) / 2).
    A primitive (not mul/erf/add) because it sits on the widest activation of
    a transformer and composition costs four extra passes over it.
    """

    __slots__ = ("approximate", "half")
    saved = ("half",)
    approximate: str
    half: Array | None  # (1 + erf) / 2 or (1 + t) / 2 from forward

    def forward(self, a: Array, approximate: str) -> Array:
        self.approximate = approximate
        if a.dtype == np.float16:  # PyTorch's half kernels compute in float32 (a**3 overflows half)
            return self.forward(a.astype(np.float32), approximate).astype(np.float16)
        if approximate == "tanh":
            half = np.tanh(_SQRT_2_OVER_PI * (a + 0.044715 * a * a * a))
        elif a.dtype == np.float32 and a.size:
            out, self.half = _special.gelu32(a)
            return out
        else:
            half = erf(a * a.dtype.type(1 / math.sqrt(2)))
        half += 1
        half *= 0.5
        self.half = half
        return a * half

    def _half(self, a: Tensor) -> Tensor:
        # Reusing forward's array is exact when backward is not being recorded;
        # under create_graph the same value is rebuilt from differentiable ops.
        if not _mode.record and self.half is not None:
            return from_numpy(self.half.astype(a._array.dtype, copy=False))
        if self.approximate == "tanh":
            return (((a + a * a * a * 0.044715) * _SQRT_2_OVER_PI).tanh() + 1) * 0.5
        return ((a * (1 / math.sqrt(2))).erf() + 1) * 0.5

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        if _plain(g, out) and self.half is not None:
            if a._array.dtype == np.float16:  # (as forward: float32, rounded once)
                f32 = np.float32
                return (from_numpy(self._plain_backward(g._array.astype(f32), a._array.astype(f32), self.half)
                                   .astype(np.float16)),)
            if g is scratch and self.approximate != "tanh" and a._array.dtype == g._array.dtype \
                    and g._array.flags.c_contiguous:
                return (from_numpy(self._exact_backward(g._array, a._array, self.half, g._array)),)
            return (from_numpy(self._plain_backward(g._array, a._array, self.half)),)
        half = self._half(a)
        if self.approximate == "tanh":
            t = half * 2 - 1
            inner = (1 - t * t) * (a * a * (3 * 0.044715) + 1) * (_SQRT_2_OVER_PI * 0.5)
            return (g * (half + a * inner),)
        pdf = (a * a * -0.5).exp() * _INV_SQRT_2PI
        return (g * (half + a * pdf),)

    def _plain_backward(self, g: Array, a: Array, half: Array) -> Array:
        # The Tensor form's kernels in its order, written in place into one scratch array (the widest
        # activation of a transformer: six fewer arrays to allocate). Products and sums are taken in
        # the other operand order where the Tensor form has them swapped: the same values exactly.
        if self.approximate != "tanh":
            return self._exact_backward(g, a, half)
        d = np.empty_like(a)  # (an array also for 0-d: a ufunc without out= returns a numpy scalar then)
        np.multiply(half, 2, out=d)
        d -= 1
        d *= d
        np.subtract(1, d, out=d)
        poly = np.multiply(a, a, out=np.empty_like(a))
        poly *= 3 * 0.044715
        poly += 1
        d *= poly
        d *= _SQRT_2_OVER_PI * 0.5
        d *= a
        d += half
        d *= g
        return d

    @staticmethod
    def _exact_backward(g: Array, a: Array, half: Array, into: Array | None = None) -> Array:
        # g * (half + a * pdf(a)) in the order of the Tensor form, one cache-sized block at a time
        # (seven passes over a transformer's widest activation otherwise each go out to memory).
        # ``into``: g itself (a scratch gradient of a's dtype), which then takes the products, the
        # factor going through one block-sized buffer (the same values: a product is symmetric).
        d = np.empty(a.shape, a.dtype) if into is None else np.empty(min(a.size, _special.CHUNK), a.dtype)
        # (g has a's shape; a float64 g is rounded into d, as by d *= g)
        flat_d, flat_a, flat_half, flat_g = d.reshape(-1), a.reshape(-1), half.reshape(-1), g.reshape(-1)
        for i in range(0, a.size, _special.CHUNK):
            block = flat_a[i : i + _special.CHUNK]
            dc = flat_d[i : i + _special.CHUNK] if into is None else flat_d[: block.size]
            np.multiply(block, block, out=dc)
            dc *= -0.5
            np.exp(dc, out=dc)
            dc *= _INV_SQRT_2PI
            dc *= block
            dc += flat_half[i : i + _special.CHUNK]
            if into is None:
                dc *= flat_g[i : i + _special.CHUNK]
            else:
                flat_g[i : i + _special.CHUNK] *= dc
        return d if into is None else into


def _bound(v: float, dt: np.dtype[Any]) -> Any:
    """A clamp bound in the tensor's dtype, checked and cast as PyTorch's scalars (uint8 takes -1 as 255)."""
    if dt.kind in "iu":
        check_fits(np.asarray(v), dt, "clamp")
        return np.asarray(v).astype(dt)[()]
    return dt.type(v)


class Clamp(Function):
    """y = min(max(a, lo), hi);  da = g where lo <= a <= hi, else 0 (PyTorch's rule)."""

    __slots__ = ("hi", "lo")
    torch_name = "ClampBackward1"  # the overload with number bounds
    lo: float | None
    hi: float | None

    def forward(self, a: Array, lo: float | None, hi: float | None) -> Array:
        self.lo, self.hi = lo, hi
        y = a
        if lo is not None:
            # (x on a tie, as PyTorch: clamp(-0.0, min=0) is -0.0)
            y = bounded(np.maximum, _bound(lo, a.dtype), y)
        if hi is not None:
            y = bounded(np.minimum, _bound(hi, a.dtype), y)
        return y if y is not a else a.copy()

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, lo, hi = self.parents[0]._array, self.lo, self.hi
        keep = a <= hi if lo is None else a >= lo if hi is None else np.logical_and(a >= lo, a <= hi)
        return (where(from_numpy(np.asarray(keep)), g, _const(0.0, g)),)


class FakeQuantize(Function):
    """y = (clamp(round(a * (1 / scale)) + zero_point, lo, hi) - zero_point) * scale in float32, rounded half
    to even (a float zero point is added before rounding, as PyTorch's); da = g where the level before the
    clamp lies in [lo, hi], else 0: the straight-through estimator of PyTorch's cachemask kernels."""

    __slots__ = ("keep", "node_name")
    reads_inputs = False
    keep: Array
    node_name: str

    def _op_name(self) -> str:  # the per-tensor, tensor-qparams or per-channel node's name
        return self.node_name

    def forward(self, a: Array, scale: Array, zero_point: Array, lo: int, hi: int, name: str) -> Array:
        self.node_name = name
        # PyTorch's kernel: the level in the input's precision (float32 below float64), by the float32
        # 1 / scale; the level minus the zero point times scale rounded once to float32
        work = a if a.dtype == np.float64 else a.astype(np.float32, copy=False)
        scaled = work * (np.float32(1) / scale)
        zp = zero_point.astype(work.dtype)
        level = np.rint(scaled + zp) if zero_point.dtype.kind == "f" else np.rint(scaled) + zp
        self.keep = (level >= lo) & (level <= hi)
        clamped = np.minimum(np.fmax(level, lo), hi)  # (fmax: a nan lands on lo, as PyTorch's)
        out: Array = ((clamped.astype(np.float64) - zp) * scale).astype(np.float32)
        return out.astype(a.dtype, copy=False)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (where(from_numpy(self.keep), g, _const(0.0, g)),)


class Cast(Function):
    """y = a converted to ``dtype`` (laid out as a ``memory_format``);  da = g converted back to a's dtype."""

    __slots__ = ()
    torch_name = "ToCopyBackward0"

    def forward(self, a: Array, dtype: np.dtype[Any], memory_format: Any = None) -> Array:
        if dtype == np.float16 and a.dtype == np.float64:  # PyTorch's double -> half rounds through float
            a = a.astype(np.float32)
        out = a.astype(dtype)  # 1e300 as float32 is inf, silently
        return out if memory_format is None else copy_as(out, a, memory_format, "to")

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g.astype(self.parents[0].dtype),)


class Contiguous(Function):
    """y = a copied into C order, or into the layout of a ``memory_format`` (always a copy);  da = g."""

    __slots__ = ()
    reads_inputs = False
    torch_name = "CloneBackward0"

    def forward(self, a: Array, memory_format: Any = None) -> Array:
        return np.ascontiguousarray(a) if memory_format is None else copy_as(a, a, memory_format, "clone")

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


class Substitute(Function):
    """y = value (a saved tensor's replacement from an unpack hook), standing for x;  dx = g."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x: Array, value: Array) -> Array:
        return value

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


class CopySlices(Function):
    """y = a with the elements a view of it covers replaced by v (an in-place op through the view);
    da = g with those elements zeroed, dv = g at those elements.

    ``pos`` holds, per element of v, its position in a (C order); ``target`` is the base's array,
    which the in-place op already wrote, so y is that array itself. A view whose elements overlap
    (``unfold`` with step < size) holds one position several times: each of those elements takes its
    share, g / count, as PyTorch's as_strided backward divides it, so that the view's own backward,
    which adds them up again, hands the position its gradient once.
    """

    __slots__ = ("mask", "pos", "share")
    saved = ("mask", "pos", "share")
    reads_inputs = False
    torch_name = "torch::autograd::CopySlices"  # (grad_fn.name(); reprs show the class name, CopySlices)
    mask: Array
    pos: Array
    share: Array | None

    def forward(self, a: Array, v: Array, target: Array, pos: Array, old: Tensor) -> Array:
        self.pos, self.prior = pos, old  # the base's old values (a)
        counts = np.bincount(pos.ravel(), minlength=a.size)
        self.mask = (counts == 0).astype(a.dtype).reshape(a.shape)
        self.share = counts[pos].astype(a.dtype) if pos.size and counts.max() > 1 else None
        return target

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, v = self.parents
        ga = g * from_numpy(self.mask.astype(g.dtype, copy=False)) if a._requires_grad else None
        gv = None
        if v._requires_grad:
            gv = g.reshape(-1)[from_numpy(self.pos)]
            if self.share is not None:
                gv = gv / from_numpy(self.share.astype(g.dtype, copy=False))
        return ga, gv


class DelayedError(Function):
    """y = x, for gradients a ``once_differentiable`` backward computed: differentiating them raises."""

    __slots__ = ("message",)
    reads_inputs = False
    torch_name = "torch::autograd::Error"  # (its repr and grad_fn=<Error>: the class name, as CopySlices)

    def forward(self, x: Array, *recorded: Array, message: str) -> Array:
        self.message = message
        return x

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        raise MinigradError(self.message)


class Where(Function):
    """y = a where cond else b (cond a constant bool array);  da = g on cond, db = g off it."""

    __slots__ = ("cond",)
    saved = ("cond",)
    reads_inputs = False  # (only cond, as PyTorch saves: a and b may change in place before backward)
    cond: Array

    def forward(self, a: Array, b: Array, cond: Array) -> Array:
        self.cond = cond
        return _kernels.select(cond, a, b)  # (np.where's bits, by bit operations: see its docstring)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        cond = from_numpy(self.cond)
        zero = _const(0.0, g)
        return (
            where(cond, g, zero) if a._requires_grad else None,
            where(cond, zero, g) if b._requires_grad else None,
        )


def where(cond: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """Primitive ``where`` for tensors of one dtype; see :func:`minigrad.where` for the public one."""
    return Where.apply(a, b, cond=cond._array)


# ------------------------------------------------- more elementwise (PyTorch's surface)


class _Pointwise:
    """Mixin of the one-input elementwise primitives: forward applies ``ufunc``, silently."""

    __slots__ = ()
    ufunc: ClassVar[Any]

    def forward(self, a: Array) -> Array:
        out: Array = type(self).ufunc(a)
        return out


class Tan(_Pointwise, Function):
    """y = tan(a);  da = g * (1 + y**2)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    ufunc = np.tan

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (out * out + 1),)


class Asin(_Pointwise, Function):
    """y = asin(a);  da = g / sqrt(1 - a**2)."""

    __slots__ = ()
    ufunc = np.arcsin

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * (1 - a * a).rsqrt(),)


class Acos(_Pointwise, Function):
    """y = acos(a);  da = -g / sqrt(1 - a**2)."""

    __slots__ = ()
    ufunc = np.arccos

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (-(g * (1 - a * a).rsqrt()),)


class Atan(_Pointwise, Function):
    """y = atan(a);  da = g / (1 + a**2)."""

    __slots__ = ()
    ufunc = np.arctan

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g / (a * a + 1),)


class Sinh(_Pointwise, Function):
    """y = sinh(a);  da = g * cosh(a)."""

    __slots__ = ()
    ufunc = np.sinh

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.parents[0].cosh(),)


class Cosh(_Pointwise, Function):
    """y = cosh(a);  da = g * sinh(a)."""

    __slots__ = ()
    ufunc = np.cosh

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.parents[0].sinh(),)


class Asinh(_Pointwise, Function):
    """y = asinh(a);  da = g / sqrt(a**2 + 1)."""

    __slots__ = ()
    ufunc = np.arcsinh

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * (a * a + 1).rsqrt(),)


class Acosh(_Pointwise, Function):
    """y = acosh(a);  da = g / sqrt(a**2 - 1)."""

    __slots__ = ()
    ufunc = np.arccosh

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * (a * a - 1).rsqrt(),)


class Atanh(_Pointwise, Function):
    """y = atanh(a);  da = g / (1 - a**2)."""

    __slots__ = ()
    ufunc = np.arctanh

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g / (1 - a * a),)


class Exp2(_Pointwise, Function):
    """y = 2 ** a;  da = g * y * ln 2."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    ufunc = np.exp2

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * out * math.log(2),)


class Expm1(_Pointwise, Function):
    """y = exp(a) - 1, exact near 0;  da = g * (y + 1)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    ufunc = np.expm1

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (out + 1),)


class _Float32InDouble(_Pointwise):
    """Mixin: float32 input is computed in double and rounded once. numpy's own float32 log10 and
    log2 are an ulp off on many inputs (log10 of 0.001f gives -3.0000002, PyTorch -3.0, so a
    ``log10(x) == log10(bound)`` test as torchmetrics' logauc makes can differ); PyTorch's agree
    with the rounded double result on all but a few in 10^4."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        if a.dtype == np.float32:
            out: Array = type(self).ufunc(a.astype(np.float64)).astype(np.float32)
            return out
        return super().forward(a)


class Log2(_Float32InDouble, Function):
    """y = log2(a);  da = g / (a ln 2)."""

    __slots__ = ()
    ufunc = np.log2

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (self.parents[0] * math.log(2)),)


class Log10(_Float32InDouble, Function):
    """y = log10(a);  da = g / (a ln 10)."""

    __slots__ = ()
    ufunc = np.log10

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (self.parents[0] * math.log(10)),)


class Log1p(_Pointwise, Function):
    """y = log(1 + a), exact near 0;  da = g / (1 + a)."""

    __slots__ = ()
    torch_name = "Log1PBackward0"
    ufunc = np.log1p

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (self.parents[0] + 1),)


class Erfinv(Function):
    """y = erfinv(a), the inverse of erf on (-1, 1);  da = g * sqrt(pi) / 2 * exp(y**2)."""

    __slots__ = ()
    reads_output = True

    def forward(self, a: Array) -> Array:
        return erfinv(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (out * out).exp() * (math.sqrt(math.pi) / 2),)


class Lgamma(Function):
    """y = log|Gamma(a)|;  da = g * digamma(a)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return _special.lgamma(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * Digamma.apply(self.parents[0]),)


class ReparamGamma(Function):
    """y = x, a Gamma(a, 1) draw made by the caller; da = g * dx/da at x's quantile (the implicit
    reparameterization: -(dP(a, x)/da) / pdf(x; a), PyTorch's rsample gradient)."""

    __slots__ = ()
    torch_name = "StandardGammaBackward0"

    def forward(self, a: Array, x: Array) -> Array:
        copied: Array = x.copy()
        return copied

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return g * from_numpy(_reparam_grads.standard_gamma_grad(a._array, out._array)), None


class ReparamDirichlet(Function):
    """y = x, a Dirichlet(c) draw (probability vectors along the last dim) made by the caller;
    dc = w * (g - sum(x * g)) along the last dim, w the pathwise gradient of each coordinate's Beta
    marginal (:func:`minigrad._reparam_grads.dirichlet_grad`): PyTorch's rsample gradient."""

    __slots__ = ()
    torch_name = "_DirichletBackward"
    reads_output = True

    def forward(self, c: Array, x: Array) -> Array:
        copied: Array = x.copy()
        return copied

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        c = self.parents[0]._array
        total = np.broadcast_to(np.add.reduce(c, axis=-1, keepdims=True), c.shape)
        w = from_numpy(_reparam_grads.dirichlet_grad(out._array, c, total))
        return w * (g - (out * g).sum(-1, keepdim=True)), None


class Recorded(Function):
    """y = a result the caller computed from ``inputs``, recorded as PyTorch records it without a real
    derivative: each d input = 0, or a backward that raises (``missing``: the op PyTorch names).

    A sample of bernoulli, poisson or normal with tensor parameters requires grad
    (``grad_fn=<BernoulliBackward0>``) and gives its parameters zero gradients, not None. Ops PyTorch
    records with no derivative raise at backward: unique's values (``the derivative for '_unique2' is
    not implemented.``), and through its ``NotImplemented`` node (``missing`` "aten::..."): binomial and
    Dirichlet draws, a Bernoulli of a number p, bincount of weights, heaviside, floor_divide. A
    ``refusal`` is PyTorch's DTypeError at backward instead (huber_loss of two dtypes)."""

    __slots__ = ("label", "missing", "refusal")
    reads_inputs = False  # (backward reads only the inputs' shapes)

    def forward(self, *inputs: Array, result: Array, name: str, missing: str = "",
                refusal: str = "") -> Array:
        self.label, self.missing, self.refusal = name, missing, refusal
        return result

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if self.refusal:
            raise DTypeError(self.refusal)
        if self.missing.startswith("aten::"):
            raise MinigradError(f"derivative for {self.missing} is not implemented")
        if self.missing:
            raise UnsupportedError(f"the derivative for '{self.missing}' is not implemented.")
        return tuple(from_numpy(np.zeros(p.shape, dtype=p.dtype)) if p._requires_grad else None
                     for p in self.parents)

    def name(self) -> str:
        """``BernoulliBackward0``, ``Unique2Backward0``, ... or ``torch::autograd::NotImplemented``."""
        return "torch::autograd::NotImplemented" if self.missing.startswith("aten::") else self.label


def recorded(result: Array, inputs: list[Tensor], name: str, missing: str = "", refusal: str = "") -> Tensor:
    """``result`` as a tensor, recorded by :class:`Recorded` when an input requires grad (grad mode on)."""
    if not any(t._requires_grad for t in inputs):
        return from_numpy(result)
    return Recorded.apply(*inputs, result=result, name=name, missing=missing, refusal=refusal)


class Polygamma(Function):
    """y = psi^(n)(a), the n-th derivative of digamma;  da = g * psi^(n+1)(a)."""

    __slots__ = ("n",)

    def forward(self, a: Array, n: int) -> Array:
        self.n = n
        return _special.polygamma(n, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * Polygamma.apply(self.parents[0], n=self.n + 1),)


class Digamma(Polygamma):
    """y = psi(a) = d/da lgamma(a) (polygamma with n = 0, named as PyTorch names it);  da = g * psi'(a)."""

    __slots__ = ()

    def forward(self, a: Array, n: int = 0) -> Array:
        return super().forward(a, 0)


class Erfc(Function):
    """y = erfc(a) = 1 - erf(a), accurate in the upper tail;  da = -g * 2/sqrt(pi) * exp(-a**2)."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return _special.erfc(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * ((-(a * a)).exp() * (-2 / math.sqrt(math.pi))),)


class LogNdtr(Function):
    """y = log Phi(a), Phi the normal CDF;  da = g * phi(a) / Phi(a) = g * exp(-a**2/2 - y) / sqrt(2 pi)."""

    __slots__ = ()
    reads_output = True
    torch_name = "SpecialLogNdtrBackward0"

    def forward(self, a: Array) -> Array:
        return _special.log_ndtr(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        return (g * (a * a * -0.5 - out).exp() * _INV_SQRT_2PI,)


class Ndtri(Function):
    """y = Phi^-1(a), the standard normal quantile;  da = g * sqrt(2 pi) * exp(y**2 / 2)."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    torch_name = "SpecialNdtriBackward0"

    def forward(self, a: Array) -> Array:
        return _special.ndtri(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (out * out * 0.5).exp() * math.sqrt(2 * math.pi),)


class Erfcx(Function):
    """y = exp(a**2) erfc(a);  da = g * (2 a y - 2 / sqrt(pi))."""

    __slots__ = ()
    reads_output = True
    torch_name = "SpecialErfcxBackward0"

    def forward(self, a: Array) -> Array:
        return _special.erfcx(a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g * (self.parents[0] * out * 2 - 2 / math.sqrt(math.pi)),)


def _no_derivative(name: str, t: Tensor) -> None:
    if t._requires_grad:  # PyTorch records the op and raises here, at backward
        raise UnsupportedError(f"the derivative for '{name}' is not implemented.")


class Zeta(Function):
    """y = zeta(a, b), Hurwitz's;  db = -g * a * zeta(a + 1, b); a has no derivative (as in PyTorch)."""

    __slots__ = ()
    torch_name = "SpecialZetaBackward0"

    def forward(self, a: Array, b: Array) -> Array:
        return _special.zeta(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        _no_derivative("zeta", a)
        return None, (-g * a * Zeta.apply(a + 1, b) if b._requires_grad else None)


class Igamma(Function):
    """y = P(a, b) (``upper``: Q(a, b) = 1 - P), regularized incomplete gamma;
    db = +-g * exp((a - 1) log b - b - lgamma(a)); a has no derivative (as in PyTorch)."""

    __slots__ = ("upper",)
    upper: bool

    def forward(self, a: Array, b: Array, *, upper: bool) -> Array:
        self.upper = upper
        return _special.igamma(a, b, upper)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        _no_derivative("igammac: input" if self.upper else "igamma: input", a)
        if not b._requires_grad:
            return None, None
        density = ((a - 1) * b.log() - b - a.lgamma()).exp()
        return None, (-g * density if self.upper else g * density)

    def _op_name(self) -> str:
        """``IgammaBackward0`` or ``IgammacBackward0``, as PyTorch's."""
        return "IgammacBackward0" if self.upper else "IgammaBackward0"


class Entr(Function):
    """y = -a log a (0 at 0, -inf below);  da = -g * (1 + log a) (PyTorch's: nan below 0, inf at 0)."""

    __slots__ = ()
    torch_name = "SpecialEntrBackward0"

    def forward(self, a: Array) -> Array:
        out = np.where(a > 0, -a * np.log(np.where(a > 0, a, 1)), np.where(a == 0, 0.0, -np.inf))
        return np.where(np.isnan(a), a, out).astype(a.dtype, copy=False)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (-g * (self.parents[0].log() + 1),)


class BesselI(Function):
    """y = I0, I1 (modified Bessel functions of the first kind) or, ``scaled``, exp(-|a|) times them;
    dI0 = g I1, dI1 = g (I0 - I1 / a), dI0e = g (I1e - sgn(a) I0e), dI1e = g (I0e - I1e (sgn(a) + 1 / a)),
    the slopes of I1 and I1e taken at their limit 1/2 for |a| <= eps (and nan), as PyTorch does."""

    __slots__ = ("order", "scaled")
    reads_output = True
    order: int
    scaled: bool

    def _op_name(self) -> str:
        """``I0Backward0``, ``SpecialI0EBackward0``, ``SpecialI1Backward0``, ``SpecialI1EBackward0``."""
        special = "Special" if self.order or self.scaled else ""
        return f"{special}I{self.order}{'E' if self.scaled else ''}Backward0"

    def forward(self, a: Array, order: int, scaled: bool) -> Array:
        self.order, self.scaled = order, scaled
        return _special.bessel_i(order, a, scaled)

    def check_output_version(self, out: Tensor) -> None:
        """As :meth:`Function.check_output_version`, except for I0, whose gradient g I1(a) does not read y."""
        if self.order or self.scaled:
            super().check_output_version(out)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, scaled = self.parents[0], self.scaled
        if self.order == 0:
            other = BesselI.apply(a, order=1, scaled=scaled)
            return (g * (other - a.sign() * out if scaled else other),)
        eps = np.finfo(a.dtype).eps
        tiny = from_numpy(~(np.abs(a.numpy(force=True)) > eps))  # nan too: PyTorch gives it the 1/2
        safe = where(tiny, from_numpy(np.full(a.shape, eps, a.dtype)), a)
        ratio = out * (safe.sign() + 1 / safe) if scaled else out / safe
        slope = BesselI.apply(safe, order=0, scaled=scaled) - ratio
        return (g * where(tiny, from_numpy(np.full(a.shape, 0.5, a.dtype)), slope),)


class Rounding(Function):
    """y = floor, ceil, trunc or round (half to even, at ``decimals``) of a: piecewise constant, da = 0.

    PyTorch records these ops and gives a zero gradient, and so does minigrad.
    """

    __slots__ = ("kind",)
    reads_inputs = False
    kind: str

    def _op_name(self) -> str:
        """``FloorBackward0``, ``RoundBackward0``, ... as PyTorch names them."""
        return self.kind.capitalize() + "Backward0"

    def forward(self, a: Array, kind: str, decimals: int = 0) -> Array:
        self.kind = kind
        if kind != "round" or decimals == 0:
            return _ROUNDING[kind](a)
        # PyTorch's order of operations: scale, round to even, unscale (by the positive power)
        scale = a.dtype.type(10.0 ** abs(decimals))
        if decimals > 0:
            out: Array = np.divide(np.rint(np.multiply(a, scale)), scale)
            return out
        out = np.multiply(np.rint(np.divide(a, scale)), scale)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (from_numpy(np.zeros(g.shape, dtype=g.dtype)),)


_ROUNDING: dict[str, Callable[[Array], Array]] = {
    "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "round": np.rint, "angle": _kernels.angle}


class RoundedQuotient(Function):
    """y = floor(a / b) (exact, as Python's //) or trunc(a / b) (``mode``); piecewise constant, da = db = 0.

    ``div(rounding_mode=...)`` in PyTorch records a zero gradient, and so does minigrad.
    """

    __slots__ = ()
    reads_inputs = False  # (the gradient is 0: only the operands' shapes are used)
    torch_name = "DivBackward2"  # (div's rounding_mode overload)

    def forward(self, a: Array, b: Array, mode: str) -> Array:
        if mode == "trunc":  # PyTorch: trunc of the rounded quotient (floor is exact, from fmod)
            return np.trunc(np.divide(a, b))
        return np.floor_divide(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        return tuple(from_numpy(np.zeros(p.shape,
                     dtype=g.dtype)) if p._requires_grad else None for p in (a, b))


class Atan2(Function):
    """y = atan2(a, b);  da = g * b / (a**2 + b**2), db = -g * a / (a**2 + b**2); 0 where a**2 + b**2 is 0."""

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        return np.arctan2(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        den = a * a + b * b  # 0 at the origin and where the squares underflow: PyTorch's gradient is 0 there
        r = where(from_numpy(den._array == 0), _const(0.0, g), g / den)
        return (r * b if a._requires_grad else None, -(r * a) if b._requires_grad else None)


class Hypot(Function):
    """y = sqrt(a**2 + b**2) without overflow;  da = g * a / y, db = g * b / y."""

    __slots__ = ()
    reads_output = True

    def forward(self, a: Array, b: Array) -> Array:
        return np.hypot(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents  # (g * a) / y, in that order: g / y alone overflows for subnormal y
        return (g * a / out if a._requires_grad else None, g * b / out if b._requires_grad else None)


class Xlogy(Function):
    """y = a * log(b), 0 where a == 0 unless b is nan;  da = xlogy(g, b) (0 where a == 0 and b <= 0),
    db = g * a / b (PyTorch's formulas: at a == 0 the gradient in a is still log(b))."""

    __slots__ = ()

    shift: ClassVar[float] = 0.0  # log(shift + b): xlog1py is this op with shift 1

    def forward(self, a: Array, b: Array) -> Array:
        return _kernels.xlogy(a, b, np.log1p if self.shift else np.log)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        ga = gb = None
        if a._requires_grad:
            cut = from_numpy(np.logical_and(a._array == 0, b._array <= -self.shift))
            ga = where(cut, _const(0.0, g), type(self).apply(g, b))
        if b._requires_grad:
            gb = g * a / (b + self.shift) if self.shift else g * a / b
        return ga, gb


class Xlog1py(Xlogy):
    """y = a * log1p(b), 0 where a == 0 unless b is nan;  da = xlog1py(g, b) (0 where a == 0 and b <= -1),
    db = g * a / (1 + b)."""

    __slots__ = ()
    shift = 1.0
    torch_name = "SpecialXlog1PyBackward0"


class Copysign(Function):
    """y = |a| with the sign of b;  da = g * y / a (+-1; 0 at a == 0, nan at nan), db = 0.

    y / a is piecewise constant, so it enters backward as a constant.
    """

    __slots__ = ()
    reads_output = True

    def forward(self, a: Array, b: Array) -> Array:
        return np.copysign(a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        ratio = np.where(a._array == 0, 0, np.divide(out._array, a._array)).astype(g.dtype)
        ga = g * from_numpy(ratio) if a._requires_grad else None
        gb = from_numpy(np.zeros(np.broadcast_shapes(g.shape, b.shape), dtype=g.dtype))
        return ga, gb if b._requires_grad else None


class Fmod(Function):
    """y = a - b * trunc(a / b) (C's fmod: the sign of a);  da = g, db = -g * trunc(a / b).

    trunc(a / b) is piecewise constant, so it enters backward as a constant.
    """

    __slots__ = ()
    _div: ClassVar[Any] = staticmethod(lambda a, b: np.trunc(a / b))
    _mod: ClassVar[Any] = np.fmod

    def forward(self, a: Array, b: Array) -> Array:
        out: Array = type(self)._mod(a, b)
        return out

    def reads_input(self, i: int) -> bool:
        """The operands are read only for b's gradient (a's is g itself)."""
        return _other_needs(self, 1)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        quotient = from_numpy(np.asarray(type(self)._div(a._array, b._array), dtype=g.dtype))
        return g, (-(g * quotient) if b._requires_grad else None)


class Nextafter(Function):
    """y = the next float after a toward b;  da = g where a != b (else 0, NaN g too), db = 0, PyTorch's."""

    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        out: Array = np.nextafter(a, b)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        moved = from_numpy(np.not_equal(a._array, b._array))
        zero = from_numpy(np.zeros(np.broadcast_shapes(g.shape, b.shape), dtype=g.dtype))
        # (where, not g * mask: a NaN upstream gradient where a == b gives 0, as PyTorch's)
        da = where(moved, g, _const(0.0, g)) if a._requires_grad else None
        return da, (zero if b._requires_grad else None)


class Remainder(Fmod):
    """y = a - b * floor(a / b) (Python's %: the sign of b);  da = g, db = -g * floor(a / b)."""

    __slots__ = ()
    _div = np.floor_divide
    _mod = staticmethod(_kernels.remainder)


class LogAddExp(Function):
    """y = log(exp(a) + exp(b));  da = g / (1 + exp(b - a)), db = g / (1 + exp(a - b)) (PyTorch's form)."""

    __slots__ = ()
    _fn: ClassVar[Any] = np.logaddexp
    _base: ClassVar[float] = math.e

    def forward(self, a: Array, b: Array) -> Array:
        out: Array = type(self)._fn(a, b)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        base = type(self)._base
        return (g / (base ** (b - a) + 1) if a._requires_grad else None,
                g / (base ** (a - b) + 1) if b._requires_grad else None)


class LogAddExp2(LogAddExp):
    """y = log2(2**a + 2**b);  da = g / (1 + 2**(b - a)), db = g / (1 + 2**(a - b))."""

    __slots__ = ()
    _fn = np.logaddexp2
    _base = 2.0


def _lerp_side(start: Array, end: Array, diff: Array, weight: Array, near: bool) -> Array:
    """start + weight * diff (``near``: |weight| < 0.5) or end - diff * (1 - weight), PyTorch's two sides;
    for float32 each one fused multiply-add, as PyTorch's kernel."""
    if start.dtype == end.dtype == weight.dtype == np.float32:
        if near:
            return _kernels.fma32(weight, diff, start)
        return _kernels.fma32(diff, -(np.float32(1) - weight), end)
    out: Array = start + weight * diff if near else end - diff * (1 - weight)
    return out


class Lerp(Function):
    """y = start + w (end - start), as PyTorch (from end when w >= 0.5);  ds = g (1 - w), de = g w,
    dw = g (end - start)."""

    __slots__ = ()

    def forward(self, start: Array, end: Array, weight: Array) -> Array:
        if start.dtype == np.float16:  # PyTorch's half kernel computes in float32 and rounds once
            wide = self.forward(start.astype(np.float32), end.astype(np.float32), weight.astype(np.float32))
            return wide.astype(np.float16)
        diff = np.subtract(end, start)
        if weight.ndim == 0:  # a number: only its own side
            return _lerp_side(start, end, diff, weight, bool(abs(weight) < 0.5))
        out: Array = np.where(np.abs(weight) < 0.5, _lerp_side(start, end, diff, weight, True),
                              _lerp_side(start, end, diff, weight, False))
        return out

    def reads_input(self, i: int) -> bool:
        """The weight is read for start's and end's gradients, start and end only for the weight's."""
        return i == 2 or _other_needs(self, 2)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        start, end, w = self.parents
        return (g * (1 - w) if start._requires_grad else None, g * w if end._requires_grad else None,
                g * (end - start) if w._requires_grad else None)


class Prod(Function):
    """y = product of a over ``dim``;  da = g * (product of the other elements).

    The product of the others is y / a where no element is zero; otherwise it
    is computed by excluding each element in turn (the product over a copy
    with that element set to 1), exact with zeros, infinities and nan. Past
    2**24 elements that copy falls back to counting zeros (then second
    derivatives through slices with two or more zeros are 0).
    """

    __slots__ = ("dim", "keepdim")
    reads_output = True
    dim: int
    keepdim: bool

    def forward(self, a: Array, dim: int, keepdim: bool) -> Array:
        self.dim, self.keepdim = dim, keepdim
        return np.asarray(np.prod(a, dim, None, None, keepdim))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        dims = (self.dim,)
        g = _unreduce(g, a.shape, dims, self.keepdim)
        x = a._array
        zero = x == 0
        if not zero.any():  # PyTorch's g * (y / a), in that order (g * y loses bits for a subnormal y)
            return (g * (_unreduce(out, a.shape, dims, self.keepdim) / a),)
        n = a.shape[self.dim]
        if n * x.size <= 1 << 24:
            moved = a.movedim(self.dim, -1)
            rows = Expand.apply(moved.unsqueeze(-2), shape=(*moved.shape[:-1], n, n))
            others = Prod.apply(where(from_numpy(np.eye(n, dtype=bool)), _const(1.0, a), rows),
                                dim=moved.ndim,
                                keepdim=False)
            return (g * others.movedim(-1, self.dim),)
        zeros = zero.sum(axis=self.dim, keepdims=True)
        safe = where(from_numpy(zero), _const(1.0, a), a)
        rest = _unreduce(Prod.apply(safe, dim=self.dim, keepdim=True), a.shape, dims, True)
        at_zero = where(from_numpy(np.broadcast_to(zeros == 1, a.shape)), rest, _const(0.0, a))
        y = _unreduce(out, a.shape, dims, self.keepdim)
        return (g * where(from_numpy(zero), at_zero, y / safe),)


# ---------------------------------------------------------------------- reductions


class Sum(Function):
    """y = sum of a over ``dims``;  da = g broadcast back over the summed dims.

    Large partial sums run as BLAS products or einsum (``_kernels.sum_over``).
    """

    __slots__ = ("dims", "keepdim")
    reads_inputs = False

    def _op_name(self) -> str:
        """``SumBackward0`` over everything, ``SumBackward1`` over dims (PyTorch's overload numbers)."""
        return f"{op_class(self).__name__}Backward{0 if self.dims is None else 1}"
    dims: tuple[int, ...] | None
    keepdim: bool

    def forward(self, a: Array, dims: tuple[int, ...] | None, keepdim: bool) -> Array:
        self.dims, self.keepdim = dims, keepdim
        return _kernels.sum_over(a, dims, keepdim)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (_unreduce(g, self.parents[0].shape, self.dims, self.keepdim),)


def _unreduce(g: Tensor, shape: tuple[int, ...], dims: tuple[int, ...] | None, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back to the input's shape (a view)."""
    if not _mode.record and type(g) is Tensor:  # no graph to record: the same view, without two ops
        arr = g._array
        if not keepdim:
            arr = arr.reshape(keepdim_shape(shape, dims))
        if arr.shape != shape:
            arr = _kernels.broadcast_view(arr, shape)
        return g if arr is g._array else from_numpy(arr)
    # Primitives applied directly: these shapes are valid by construction, so
    # the Tensor methods' argument checks would be pure overhead on every step.
    if not keepdim:
        g = Reshape.apply(g, shape=keepdim_shape(shape, dims))
    return Expand.apply(g, shape=shape) if g.shape != shape else g


def sum_to(g: Tensor, shape: tuple[int, ...], fn: Function | None) -> Tensor:
    """Reduce a gradient of a broadcast result back to an input's ``shape``.

    Broadcasting copies an input along new leading dims and along its size-1
    dims; the gradient of a copy is the sum of the copies' gradients. This is
    the one place where broadcasting is undone: the engine calls it on
    every gradient whose shape differs from its input's (and ``Sub`` on its
    second operand's, to negate the reduced gradient).

    Raises:
        ShapeError: ``g`` is not the gradient of a broadcast of ``shape`` (an
            op's backward is wrong); the message names the op ``fn``.
    """
    gshape = g._array.shape
    dims = _summed_dims(gshape, shape)
    if dims is None:
        name = "the caller" if fn is None else fn.name()
        raise ShapeError(f"{name} returned a gradient of shape {g.shape} for an input of shape {shape}")
    lead = len(gshape) - len(shape)
    if not _mode.record and type(g) is Tensor:  # the Sum (and Reshape) kernels without the op dispatch
        if len(dims) == lead:  # only new leading dims (a bias added to a batch): one sum, no reshape
            return from_numpy(_kernels.sum_over(g._array, dims, False))
        return from_numpy(_kernels.sum_over(g._array, dims, not lead).reshape(shape))
    # The primitives themselves: the dims are valid by construction, Tensor.sum's checks would only cost.
    # PyTorch's sum_to keeps the dims and views the result to the input's shape (a recorded bias gradient
    # is a ViewBackward0)
    g = Sum.apply(g, dims=dims, keepdim=True)
    return Reshape.apply(g, shape=shape) if lead else g


@functools.lru_cache(maxsize=256)  # (a few shape pairs per model: one dict lookup per reduced gradient)
def _summed_dims(gshape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The dims of a gradient of ``gshape`` to sum for an input of ``shape`` that broadcasting expanded
    (new leading dims, then size-1 dims that grew); None if ``shape`` is no broadcast of ``gshape``."""
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != gs for s, gs in zip(shape, gshape[lead:])):
        return None
    grown = tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    return tuple(range(lead)) + grown


class Mean(Sum):
    """y = sum of a over ``dims`` / count;  da = g / count broadcast back over those dims.

    A primitive rather than sum-then-divide: normalization layers and losses
    take a mean or three per call, and this saves one op in forward and one
    in backward for each. Same values as PyTorch, which divides the sum too.
    """

    __slots__ = ("count",)
    count: int

    def forward(self, a: Array, dims: tuple[int, ...] | None, keepdim: bool) -> Array:
        self.dims, self.keepdim = dims, keepdim
        self.count = a.size if dims is None else math.prod([a.shape[d] for d in dims])
        if a.dtype.char == "e":  # PyTorch's float16 mean: the float32 sum divided in float32, rounded once
            wide = np.sum(a, axis=dims, dtype=np.float32, keepdims=keepdim) / np.float32(self.count)
            return np.asarray(wide).astype(np.float16)
        total = _kernels.sum_over(a, dims, keepdim)
        count = np.asarray(self.count, total.dtype) if total.dtype.kind == "f" else self.count
        return np.divide(total, count)  # (a 0-d divisor: numpy's fast path, the same rounding)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        shape = self.parents[0]._array.shape
        if not _mode.record and type(g) is Tensor:  # g / count as the Div op computes it, minus the op
            arr = g._array
            g = from_numpy(np.asarray(np.divide(arr, np.asarray(self.count, dtype=arr.dtype))))
        else:
            g = g / self.count
        return (_unreduce(g, shape, self.dims, self.keepdim),)


class Var(Function):
    """y = sum((a - mean(a))**2) / (N - correction) over ``dims``;  da = g * 2 (a - mean(a)) / (N - c).

    N counts the reduced elements; ``correction=1`` is Bessel's (unbiased)
    estimate, 0 the biased one. The careful numpy way in one op: the mean
    first, then the squared deviations summed in a single pass (no squared
    temporary), which is exact where ``E[a**2] - E[a]**2`` cancels. With
    ``centered=True`` the input is already ``x - mean(x)`` (the normalization
    layers need that difference anyway) and is not centered again: one pass
    forward, one backward. No degrees of freedom give inf or nan, as in PyTorch; so does the
    gradient, PyTorch's: over all elements g * (nan where a == mean(a), else inf), over ``dims``
    g * 2 / (N - c) * (a - mean(a)) with the divisor unclamped (negative where c > N: finite).
    """

    __slots__ = ("center", "degenerate", "dims", "keepdim", "scale")
    saved = ("center",)
    adds_in_place = True  # (the normalization layers' centered input: see add_grad_to)
    dims: tuple[int, ...] | None
    keepdim: bool
    scale: Any  # 2 / (N - correction): inf at N == c, negative where c > N
    degenerate: bool  # over all elements with N <= c: PyTorch's gradient is g * (nan or inf)
    center: Array | None  # mean(a) with the reduced dims kept, None when centered

    def forward(self, a: Array, dims: tuple[int, ...] | None, keepdim: bool, correction: float,
                centered: bool = False) -> Array:
        self.dims, self.keepdim = dims, keepdim
        n = a.size if dims is None else math.prod([a.shape[d] for d in dims])
        ftype = a.dtype.type
        dof = ftype(max(n - correction, 0))
        self.degenerate = (dims is None or a.ndim == 0) and n - correction <= 0
        self.scale = ftype(2) / ftype(n - correction)
        if centered:
            d, self.center = a, None
        else:
            if a.dtype.kind == "f" and a.dtype.itemsize < 8:
                # PyTorch's CPU var/std accumulate float32 in double (its Welford kernel; float16 in float):
                # the wide result rounded once, where float32 sums drift by a few units (the std of
                # standardized data printed 1.0000, not 1.)
                wide = a.astype(np.float64 if a.dtype.itemsize == 4 else np.float32)  # (half: in float)
                mean = _kernels.sum_over(wide, dims, True) / n
                self.center = mean.astype(a.dtype)
                wide -= mean
                sums = _kernels.sum_of_squares(wide, dims)
                y: Array = self._finish(np.divide(sums, wide.dtype.type(dof))).astype(a.dtype)
                return y.reshape(keepdim_shape(a.shape, dims)) if keepdim else y
            self.center = _kernels.sum_over(a, dims, True) / a.dtype.type(n)
            d = a - self.center
        y = self._finish(np.divide(_kernels.sum_of_squares(d, dims), np.asarray(dof)))
        return y.reshape(keepdim_shape(a.shape, dims)) if keepdim else y

    @staticmethod
    def _finish(var: Array) -> Array:
        """The result from the variance (in the accumulation precision, before rounding): itself."""
        return var

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        if self.degenerate:  # (PyTorch's var_backward: no degrees of freedom over all elements)
            x = a._array
            # (an empty x: numpy's mean would warn "Mean of empty slice"; the gradient is empty anyway)
            mean = (x.mean() if x.size else x.dtype.type(0)) if self.center is None else self.center
            return (g * from_numpy(np.where(x == mean, x.dtype.type(np.nan), x.dtype.type(np.inf))),)
        # g times the constant 2 / (N - c) with the reduced dims kept: a * g then broadcasts it,
        # no Expand op. Without a recorded graph the small product is done on the arrays.
        shape = keepdim_shape(a._array.shape, self.dims)
        if _mode.record or type(g) is not Tensor:
            g = g * from_numpy(np.asarray(self.scale))
            if not self.keepdim:
                g = Reshape.apply(g, shape=shape)
        else:
            g = from_numpy(self._factor(g._array, a._array.shape))
            if a._array.dtype == g._array.dtype:  # the Mul (and Sub) ops' kernels on the arrays
                d = a._array if self.center is None else a._array - self.center
                return (from_numpy(np.asarray(d * g._array)),)
        if self.center is None:
            return (a * g,)
        # The saved mean is exact for gradients; a second derivative needs the mean as a function of a.
        mean = a.mean(self.dims, keepdim=True) if _mode.record else from_numpy(self.center)
        return ((a - mean) * g,)

    def _factor(self, g: Array, shape: tuple[int, ...]) -> Array:
        """g times 2 / (N - correction), the reduced dims kept (size 1) for an input of ``shape``."""
        return np.asarray(g * np.asarray(self.scale)).reshape(keepdim_shape(shape, self.dims))

    def add_grad_to(self, total: Array, g: Tensor) -> bool:
        """total += backward's gradient, for a centered input whose pending gradient sum the engine owns
        (a normalization layer's x - mean, which its scale's product reached first): a block of rows
        of the product at a time, in one cache-sized buffer, instead of a full-size array and a
        full-size addition. The same values: each product and sum is the one backward and the engine
        would take. False (nothing done) where backward should run instead (arrays under 1 MB)."""
        a = self.parents[0]._array
        # (arrays that stay in cache gain nothing from blocks: backward's two passes are cheaper there)
        if (a.size < 4 * _special.CHUNK or type(g) is not Tensor or type(total) is not np.ndarray
                or self.degenerate
                or self.center is not None or total.shape != a.shape
                or not g._array.dtype == a.dtype == total.dtype):
            return False
        factor = self._factor(g._array, a.shape)
        rows = max(1, _special.CHUNK // (a.size // a.shape[0]))  # (a.size > 0: a.shape[0] > 0)
        buf = np.empty((min(rows, a.shape[0]), *a.shape[1:]), a.dtype)
        whole = len(factor) == 1
        for i in range(0, a.shape[0], rows):
            block = np.multiply(a[i : i + rows], factor if whole else factor[i : i + rows],
                                out=buf[: min(rows, a.shape[0] - i)])
            total[i : i + rows] += block
        return True


class Std(Var):
    """y = sqrt(var(a)) (arguments as :class:`Var`; the root taken in the accumulation precision before
    rounding, as PyTorch's kernel: float32 in double, bit for bit);  da = Var's gradient of g / (2 y), 0
    where y == 0 (PyTorch's std_backward; sqrt's own would be g / 0 * 0 = nan there).
    """

    __slots__ = ()
    reads_output = True
    torch_name = "StdBackward0"

    @staticmethod
    def _finish(var: Array) -> Array:
        root: Array = np.sqrt(var)
        return root

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _mode.record or type(g) is not Tensor:  # (differentiable: a second derivative goes through it)
            half = where(from_numpy(out._array == 0), _const(0.0, g), g / (out * _const(2.0, out)))
        else:
            y, garr = out._array, g._array
            half = from_numpy(np.where(y == 0, y.dtype.type(0), garr / (y * y.dtype.type(2))).astype(
                np.result_type(garr, y), copy=False))
        return super().backward(half, out)


class Max(Function):
    """y = max of a over ``dims``.

    Gradient on ties, as in PyTorch: with a single int ``dim`` (``torch.max(x, dim)``)
    all of g goes to the first maximal element along that dim; over all
    elements or a tuple of dims (``torch.max(x)``, ``torch.amax``) g is shared
    evenly among the tied maxima.
    """

    __slots__ = ("dims", "first", "index", "keepdim")
    reads_output = True

    def _op_name(self) -> str:
        """``MaxBackward1`` over everything, ``MaxBackward0`` along a dim, ``AmaxBackward0`` over dims."""
        kind = op_class(self).__name__
        if self.dims is None:
            return f"{kind}Backward1"
        return f"{kind}Backward0" if self.first else f"A{kind.lower()}Backward0"
    dims: tuple[int, ...] | None
    keepdim: bool
    first: bool
    index: Array  # (max(x, dim): the first maximum's, all its backward reads, as PyTorch's MaxBackward0)
    _reduce: ClassVar[Any] = np.max
    _arg: ClassVar[Any] = np.argmax

    def forward(self, a: Array, dims: tuple[int, ...] | None, keepdim: bool, first: bool,
                index: Array | None = None) -> Array:
        if a.size == 0 and any(a.shape[d] == 0 for d in (range(a.ndim) if dims is None else dims)):
            name = ("" if first or dims is None else "a") + type(self).__name__.lower()
            raise _empty_reduction(name, a.shape, dims)
        self.dims, self.keepdim, self.first = dims, keepdim, first
        if first and dims:
            (d,) = dims
            # (``index``: the arg-extremum along d as a size-1 dim, when max(dim) made it for its indices)
            self.index = idx = np.expand_dims(type(self)._arg(a, axis=d), d) if index is None else index
            out = np.take_along_axis(a, idx, d)
            return out if keepdim else out.squeeze(d)
        return np.asarray(type(self)._reduce(a, axis=dims, keepdims=keepdim))

    def reads_input(self, i: int) -> bool:
        """max(x, dim)'s backward reads only the index it kept (x may change in place, as in PyTorch)."""
        return not self.first

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]._array
        kshape = keepdim_shape(a.shape, self.dims)
        if not self.keepdim:
            g = Reshape.apply(g, shape=kshape)
        if self.first and not self.dims:  # max(x, 0) of a 0-d x: the gradient passes, NaN or not
            return (g,)
        if self.first and self.dims is not None:
            (d,) = self.dims
            mask = np.zeros(a.shape, dtype=bool)
            np.put_along_axis(mask, self.index, True, axis=d)
        else:
            o = out._array.reshape(kshape)
            mask = a == o
            everything = self.dims is None and not self.keepdim  # torch.max(x)
            if everything:  # NaN maxima share the gradient too
                mask |= np.isnan(a) & np.isnan(o)
            count = mask.sum(axis=self.dims, keepdims=True)
            g = g / from_numpy(count.astype(g.dtype))
            if not everything:  # torch.amax: (g / count) * mask, NaN where a slice's max is NaN
                return (g * from_numpy(mask.astype(g.dtype)),)
        return (where(from_numpy(mask), g, _const(0.0, g)),)


class Min(Max):
    """y = min of a over ``dims``; ties are handled as in :class:`Max`."""

    __slots__ = ()
    _reduce = np.min
    _arg = np.argmin


def _lower_median(a: Array, axis: None, keepdims: bool, skip_nan: bool = False) -> Array:
    flat = np.sort(a, axis=None)  # numpy sorts nan last
    nan = np.isnan(flat) if flat.dtype.kind == "f" else np.zeros(flat.shape, dtype=bool)
    if nan.any() and not skip_nan:
        return np.asarray(np.nan, dtype=a.dtype)
    n = flat.size - int(nan.sum())
    if n == 0:
        with np.errstate(invalid="ignore"):  # PyTorch's result: NaN cast to the dtype (C's cast, as numpy's:
            return np.asarray(np.nan).astype(a.dtype)  # the lowest int32 / int64, 0 narrower, True for bool)
    return np.asarray(flat[(n - 1) // 2], dtype=a.dtype)


class Median(Max):
    """y = the lower median of all of a (nan if a has one); g is shared evenly among the elements equal to
    y (or, y being nan, among the nans), as :class:`Max` shares it among tied maxima (PyTorch's rule)."""

    __slots__ = ()
    _reduce = staticmethod(_lower_median)

    def forward(self, a: Array, dims: tuple[int, ...] | None, keepdim: bool, first: bool,
                index: Array | None = None) -> Array:
        self.dims, self.keepdim, self.first = None, False, False
        return type(self)._reduce(a, None, False)  # type: ignore[no-any-return]

    def _op_name(self) -> str:
        return f"{op_class(self).__name__}Backward0"


class Nanmedian(Median):
    """y = the lower median of the non-nan elements of a (nan if all are); gradient as :class:`Median`."""

    __slots__ = ()
    _reduce = staticmethod(functools.partial(_lower_median, skip_nan=True))


class Softmax(Function):
    """y = exp(a - max) / sum(exp(a - max)) along ``dim``;  da = y * (g - sum(g * y)).

    A primitive because composing it (max, sub, exp, sum, div) costs twice the
    passes over the attention scores, its largest user.
    """

    __slots__ = ("dim",)
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    dim: int

    def forward(self, a: Array, dim: int) -> Array:
        self.dim = dim
        if a.dtype == np.float16:  # PyTorch's half kernel computes in float32 and rounds once
            return _kernels.softmax(a.astype(np.float32), dim).astype(np.float16)
        return _kernels.softmax(a, dim)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):  # the same four kernels on the arrays (attention runs this every step)
            garr, y = g._array, out._array
            if y.dtype == np.float16:  # PyTorch's half backward computes in float32, rounding once
                garr, y = garr.astype(np.float32), y.astype(np.float32)
                total = _kernels.sum_over(garr * y, (self.dim,), True)
                return (from_numpy(np.asarray((garr - total) * y, np.float16)),)
            total = _kernels.sum_over(garr * y, (self.dim,), True)
            if g is scratch and y.ndim:  # the same kernels, in g's memory
                garr -= total
                garr *= y
                return (g,)
            return (from_numpy(np.asarray(y * (garr - total))),)
        return (out * (g - (g * out).sum(self.dim, keepdim=True)),)


class LogSoftmax(Function):
    """y = a - max - log(sum(exp(a - max))) along ``dim``;  da = g - exp(y) * sum(g).

    A primitive for the same reason as :class:`Softmax`; shifting by the max
    keeps inputs of magnitude 1e4 finite and exact.
    """

    __slots__ = ("dim",)
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    dim: int

    def forward(self, a: Array, dim: int) -> Array:
        self.dim = dim
        if a.dtype == np.float16:  # (as Softmax)
            if a.ndim and dim % a.ndim == a.ndim - 1 and a.size:
                # PyTorch's last-dim half kernel keeps each row's sum and then its log in half
                # precision (float32 elsewhere): round both so the results' last bits agree.
                x = a.astype(np.float32)
                x -= _kernels.row_max(x, dim)
                total = np.add.reduce(np.exp(x), axis=dim, keepdims=True).astype(np.float16)
                x -= np.log(total, dtype=np.float32).astype(np.float16)
                return x.astype(np.float16)
            return _kernels.log_softmax(a.astype(np.float32), dim).astype(np.float16)
        return _kernels.log_softmax(a, dim)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _plain(g, out):  # the same four kernels on the arrays (cross_entropy runs this every step)
            if out._array.dtype == np.float16:  # (as Softmax)
                garr, y = g._array.astype(np.float32), out._array.astype(np.float32)
                return (from_numpy(_kernels.log_softmax_grad(garr, y, self.dim).astype(np.float16)),)
            return (from_numpy(_kernels.log_softmax_grad(g._array, out._array, self.dim)),)
        return (g - out.exp() * g.sum(self.dim, keepdim=True),)


class NllLoss(Function):
    """y = -(sum or mean over rows i of a[i, target[i]]) for (M, C) log-probabilities ``a`` (or over
    (n, d...) of a[n, target[n, d...], d...] for (N, C, d...) ones, M = N * d... rows, in that order);
    da = -g (divided by M for the mean) at each picked element, 0 elsewhere.

    PyTorch's ``nll_loss`` for the usual training loss (every row counts, weight 1), as one op: the
    composed form (pick, mean, negate) costs three ops forward and three nodes backward on every
    step of every classifier. The same kernels in the same order, so the same bits.
    """

    __slots__ = ("mean", "picks", "target")
    saved = ("picks", "target")
    reads_inputs = False
    mean: bool
    target: Array  # (M,) class indices, all in [0, C)
    picks: Array  # (M,) the picked elements' positions in the flattened (row-major) a

    def forward(self, a: Array, target: Array, mean: bool) -> Array:
        self.target, self.mean = target, mean
        n, c = a.shape[:2]
        # flat positions: a[arange(M), target] without advanced indexing's set-up (the same); (N, C, d...)
        inner = math.prod(a.shape[2:])
        starts = np.arange(n) * (c * inner)  # scores are read where they are (moving C last copied them)
        self.picks = starts + target if a.ndim == 2 else \
            (starts[:, None] + target.reshape(n, inner) * inner + np.arange(inner)).ravel()
        total = _kernels.sum_over(np.take(a, self.picks), None, False)
        return np.negative(np.divide(total, len(target)) if mean else total)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        shape = self.parents[0]._array.shape
        m = len(self.target)
        if not _mode.record and type(g) is Tensor:
            up: Array = np.negative(g._array)
            if self.mean:
                up = np.divide(up, np.asarray(m, dtype=up.dtype))
            grad = np.zeros(shape, dtype=up.dtype)
            grad.put(self.picks, up)  # one element per row: a plain write, no np.add.at
            return (from_numpy(grad),)
        d = -g / m if self.mean else -g
        at = np.unravel_index(self.picks, shape)
        return (IndexAdd.apply(Expand.apply(d, shape=(m,)), index=at, shape=shape),)


# ---------------------------------------------------------------------- shape ops


class Reshape(Function):
    """y = a viewed with a new shape;  da = g reshaped back."""

    __slots__ = ()
    is_view = True
    reads_inputs = False
    torch_name = "ViewBackward0"

    def forward(self, a: Array, shape: tuple[int, ...]) -> Array:
        return a.reshape(shape)  # type: ignore[no-any-return,unused-ignore]

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (Reshape.apply(g, shape=self.parents[0].shape),)


class Diagonal(Function):
    """y = the ``offset`` diagonal of a's dims (dim1, dim2), as its last dim: a view, as PyTorch's (writing
    to it writes a);  da = zeros like a with g on that diagonal."""

    __slots__ = ("copy", "dim1", "dim2", "offset")
    is_view = True
    reads_inputs = False
    offset: int
    dim1: int  # >= 0
    dim2: int  # >= 0
    copy: bool  # torch.diag's copy (PyTorch's DiagonalBackward0_copy), not a view

    def _op_name(self) -> str:
        """``DiagonalBackward0``, or ``DiagonalBackward0_copy`` for torch.diag's copy."""
        return "DiagonalBackward0_copy" if self.copy else "DiagonalBackward0"

    def forward(self, a: Array, offset: int, dim1: int, dim2: int, copy: bool = False) -> Array:
        self.offset, self.dim1, self.dim2, self.copy = offset, dim1, dim2, copy
        out = np.diagonal(a, offset, dim1, dim2)
        if copy:
            return np.array(out)
        if a.flags.writeable:  # (numpy's diagonal views are read-only only by a deprecation-era default)
            out.flags.writeable = True
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        shape = self.parents[0]._array.shape
        if _plain(g, out):
            grad = np.zeros(shape, dtype=g._array.dtype)
            diag = np.diagonal(grad, self.offset, self.dim1, self.dim2)
            diag.flags.writeable = True
            diag[...] = g._array
            return (from_numpy(grad),)
        # recorded (create_graph): the same positions through IndexAdd on the planes moved last
        rest = [i for i in range(len(shape)) if i not in (self.dim1, self.dim2)]
        moved = (*(shape[i] for i in rest), shape[self.dim1], shape[self.dim2])
        n = g._array.shape[-1]
        rows = np.arange(n) - min(self.offset, 0)
        cols = rows + self.offset
        grad_moved = IndexAdd.apply(g, index=(Ellipsis, rows, cols), shape=moved)
        order = [*rest, self.dim1, self.dim2]
        inverse = [order.index(i) for i in range(len(shape))]
        return (Permute.apply(grad_moved, dims=tuple(inverse)),)


class Permute(Function):
    """y = a with its dims reordered;  da = g with the inverse order.

    ``kind`` is the PyTorch op it stands for, which names the node:
    ``"Permute"``, ``"Transpose"`` (two dims swapped) or ``"T"`` (``t()``).
    """

    __slots__ = ("dims", "kind")
    is_view = True
    reads_inputs = False
    dims: tuple[int, ...]
    kind: str

    def _op_name(self) -> str:
        """``PermuteBackward0``, ``TransposeBackward0`` or ``TBackward0``, as PyTorch names the view."""
        return self.kind + "Backward0"

    def forward(self, a: Array, dims: tuple[int, ...], kind: str = "Permute") -> Array:
        self.dims, self.kind = dims, kind
        return a.transpose(dims)  # type: ignore[no-any-return,unused-ignore]

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        if not _mode.record and type(g) is Tensor:  # the same view, without the op
            return (from_numpy(g._array.transpose(inverse)),)
        # the same kind of view back (PyTorch's t() derivative is t(), transpose's a transpose)
        return (Permute.apply(g, dims=tuple(inverse), kind=self.kind),)


class Expand(Function):
    """y = a broadcast to ``shape`` (a view);  da = g summed over the copies.

    The sum is the engine's reduce-to-shape: returning g unchanged is enough.
    """

    __slots__ = ()
    is_view = True
    reads_inputs = False

    def forward(self, a: Array, shape: tuple[int, ...]) -> Array:
        return a.view() if a.shape == shape else np.broadcast_to(a, shape)  # (own shape: writable, as a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


_BASIC = frozenset((int, slice, type(None), type(Ellipsis)))  # (not bool: a bool index is an array)


def _is_basic(index: Index) -> bool:
    for i in index:  # (exact types in a loop, no generator: asked of every slice backward passes)
        if type(i) not in _BASIC and (not isinstance(i, (int, np.integer)) or type(i) is bool):
            return False  # (a bool adds a dim and indexes it as an array: numpy's a[True] is a copy)
    return True


_ARRAYS_RELEASED: Any = ("released",)  # GetItem's index once its arrays are dropped


class GetItem(Function):
    """y = a[index];  da = zeros like a with g added at ``index`` (repeats accumulate)."""

    __slots__ = ("basic", "in_shape", "index")
    is_view = True
    reads_inputs = False
    adds_in_place = True

    def _op_name(self) -> str:
        """PyTorch's name: that of the last view its indexing records (Select for an int, Slice, Unsqueeze
        for None), where a slice taking all of a dim records nothing (Alias if none is left) unless it
        is the only index; Index for integer arrays."""
        if self.index is _ARRAYS_RELEASED:
            return "IndexBackward0"
        index = self.index if isinstance(self.index, tuple) else (self.index,)
        if any(isinstance(i, (np.ndarray, list, bool, np.bool_)) for i in index):
            return "IndexBackward0"
        shape, name, dim = self.in_shape, "AliasBackward0", 0
        for i in index:
            if i is Ellipsis:
                dim += len(shape) - sum(j is not None and j is not Ellipsis for j in index)
            elif i is None:
                name = "UnsqueezeBackward0"
            elif isinstance(i, slice):
                whole = dim < len(shape) and i.indices(shape[dim]) == (0, shape[dim], 1)
                name = name if whole and len(index) > 1 else "SliceBackward0"
                dim += 1
            else:
                name, dim = "SelectBackward0", dim + 1
        return name
    saved = ("index",)
    index: Index
    in_shape: tuple[int, ...]
    basic: bool  # a tuple of ints, slices, None and Ellipsis: a view, no element twice

    def release(self) -> None:
        """Drop the input and an index's arrays; a basic index (no arrays to free) stays: it names the op."""
        self.parents = ()
        if not self.basic:
            self.index = _ARRAYS_RELEASED

    def forward(self, a: Array, index: Index) -> Array:
        self.index, self.in_shape = index, a.shape  # (the shape names the op after the graph is freed)
        self.basic = type(index) is tuple and _is_basic(index)
        # (more indices than dims: a[index] below raises; take would ignore the trailing slices)
        extra = type(index) is tuple and len(index) > a.ndim
        picked = None if self.basic or extra else _one_array_along(index)
        if picked is not None:  # take's result is row-major, as PyTorch's (a[index]'s may be permuted)
            try:
                return np.take(a, picked[1], axis=picked[0])
            except IndexError:  # (out of range: a[index] below raises numpy's usual words)
                pass
        out = a[index]  # an int for every dim: numpy copies out a scalar where PyTorch gives a 0-d view
        if type(out) is not np.ndarray and not isinstance(out, np.ndarray):  # (compile's arrays: subclasses)
            return a[(*index, ...) if type(index) is tuple else (index, ...)]
        # (numpy lays out some integer-array results permuted: PyTorch's are row-major)
        return out if self.basic or out.flags.c_contiguous else np.ascontiguousarray(out)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (IndexAdd.apply(g, index=self.index, shape=self.parents[0].shape),)

    def _needs_saved(self) -> bool:
        """An index with arrays (released with the graph); a basic index stays: it names the op."""
        return not self.basic

    def add_grad_to(self, total: Array, g: Tensor) -> bool:
        """total[index] += g: backward's zero-padded gradient added into ``total``, a pending gradient
        sum of the input that the engine owns, writing only the slice. False (nothing done) for an
        index with arrays (repeats) or a gradient of another dtype; the engine then calls backward.

        Values: the same sums as adding backward's array, except that a -0.0 outside the slice stays
        -0.0 (x + 0.0 is +0.0). An LSTM reads each step's gates in four slices and its input in one
        slice per step: this saves a zero array and a full-size addition per slice.
        """
        index, arr = self.index, g._array
        if type(g) is not Tensor or arr.dtype != total.dtype or not self.basic:
            return False
        view = total[index]
        if type(view) is not np.ndarray:  # an int for every dim: a numpy scalar; as a 0-d view instead
            whole: tuple[Any, ...] = (*index, Ellipsis)
            view = total[whole]
        np.add(view, arr, out=view)
        return True


def _one_array_along(index: Index) -> tuple[int, Array] | None:
    """(d, rows) for an index of whole-dim slices around one integer array at position d, else None."""
    found = None
    for d, i in enumerate(index if type(index) is tuple else (index,)):
        if isinstance(i, np.ndarray) and i.dtype.kind in "iu" and found is None:
            found = (d, i)
        elif not (type(i) is slice and i == _WHOLE):
            return None
    return found


_WHOLE = slice(None)


class IndexAdd(Function):
    """y = zeros(shape) with a added at ``index``;  da = g[index].

    The adjoint of :class:`GetItem`; the pair is closed under differentiation.
    """

    __slots__ = ("index",)
    saved = ("index",)
    reads_inputs = False
    index: Index

    def forward(self, a: Array, index: Index, shape: tuple[int, ...]) -> Array:
        self.index = index
        out = np.zeros(shape, dtype=a.dtype)
        if _is_basic(index):
            out[index] = a  # basic indices never select an element twice
        else:  # one element after another, as PyTorch's kernels
            picked = _one_array_along(index)
            d, rows = picked if picked is not None else (0, None)
            if rows is not None and a.shape == shape[:d] + rows.shape + shape[d + 1 :]:
                _kernels.add_rows_along(out, d, rows, a)  # an embedding's or an interpolation's gradient
            else:
                _kernels.add_at(out, index, a)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (GetItem.apply(g, index=self.index),)


class IndexPut(Function):
    """y = a with b written at ``index`` (a numpy index; b of the indexed shape), a repeated element taking
    the last value, as numpy's assignment;  da = g but 0 where written, db = g[index] (every repeat of an
    element gets its gradient, as PyTorch's index_put_)."""

    __slots__ = ("index",)
    reads_inputs = False
    index: Index

    def forward(self, a: Array, b: Array, index: Index) -> Array:
        self.index = index
        out: Array = a.copy()
        out[index] = b
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        kept = np.ones(g.shape, dtype=bool)
        kept[self.index] = False
        ga = where(from_numpy(kept), g, _const(0.0, g)) if self.parents[0]._requires_grad else None
        return ga, GetItem.apply(g, index=self.index)


class IndexAddInto(Function):
    """y = a with alpha * b added at ``index`` one element after another, as PyTorch's index_add_,
    scatter_add and index_put_(accumulate=True): a repeated index adds to the running value,
    (a + b1) + b2, not a + (b1 + b2);  da = g, db = alpha * g[index]. ``label``: PyTorch's name of the
    node. A float32 alpha != 1 adds each step as PyTorch's fused multiply-add, rounded once (alpha * b
    rounded first would overflow where PyTorch's sum does not; index_add fuses inputs of 2+ dims only)."""

    __slots__ = ("alpha", "index", "torch_label")  # (not ``label``: Function's slot for composed names)
    reads_inputs = False
    alpha: float
    index: Index
    torch_label: str

    def _op_name(self) -> str:
        return self.torch_label

    def forward(self, a: Array, b: Array, index: Index, label: str, alpha: float = 1.0) -> Array:
        self.index, self.torch_label, self.alpha = index, label, alpha
        out: Array = a.copy()
        if alpha == 1:
            _kernels.add_at(out, index, b)
        elif out.dtype == np.float32:  # the k-th repeat of every position at once, k = 0, 1, ...
            flat_at = np.arange(out.size).reshape(out.shape)[index].reshape(-1)
            order = np.argsort(flat_at, kind="stable")
            pos, vals = flat_at[order], np.broadcast_to(b, np.shape(out[index])).reshape(-1)[order]
            first = np.r_[0, np.flatnonzero(pos[1:] != pos[:-1]) + 1]
            rank = np.arange(pos.size) - np.repeat(first, np.diff(np.r_[first, pos.size]))
            flat = out.reshape(-1)
            for k in range(int(rank.max()) + 1 if rank.size else 0):
                at = rank == k
                flat[pos[at]] = _kernels.fma32(alpha, vals[at], flat[pos[at]])
        else:
            np.add.at(out, index, b * np.asarray(alpha, out.dtype))
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.parents
        gb = GetItem.apply(g, index=self.index) if b._requires_grad else None
        return (g if a._requires_grad else None, gb if gb is None or self.alpha == 1 else gb * self.alpha)


def _joined_layout(out: Array, arrays: tuple[Array, ...]) -> Array:
    """``out`` (cat's or stack's result) laid out as PyTorch's: row-major unless every input is channels_last.

    np.concatenate follows its inputs' stride order, so transposed inputs gave a
    transposed result, whose ``reshape`` then copied where PyTorch's is a view.
    """
    if out.flags.c_contiguous or all(suggested_format(a) is not contiguous_format for a in arrays):
        return out
    return np.ascontiguousarray(out)


class Cat(Function):
    """y = inputs joined along ``dim``;  each input's gradient is its slice of g."""

    __slots__ = ("dim",)
    reads_inputs = False
    dim: int  # >= 0

    def forward(self, *arrays: Array, dim: int) -> Array:
        self.dim = dim
        return _joined_layout(np.concatenate(arrays, axis=dim), arrays)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        grads: list[Tensor | None] = []
        start = 0
        lead = (slice(None),) * self.dim
        # no graph to record: the slices as views of g's array, without the indexing op's dispatch
        plain = not _mode.record and type(g) is Tensor
        for p in self.parents:
            stop = start + p._array.shape[self.dim]
            if not p._requires_grad:
                grads.append(None)
            else:
                at = lead + (slice(start, stop),)  # noqa: RUF005
                grads.append(from_numpy(g._array[at]) if plain else g[at])
            start = stop
        return tuple(grads)


class Stack(Function):
    """y = same-shape inputs joined along a new dim ``dim``;  each input's gradient is g at its index there.

    A primitive rather than unsqueeze-then-cat: one node for any number of
    inputs (an RNN's outputs, a batch of samples), whose edges lead to the
    inputs themselves, as PyTorch's ``StackBackward0``.
    """

    __slots__ = ("dim",)
    reads_inputs = False
    dim: int  # >= 0, a dim of the result

    def forward(self, *arrays: Array, dim: int) -> Array:
        self.dim = dim
        if not dim and (out := _kernels.stack_first(arrays)) is not None:  # (a batch of samples)
            return out
        # np.stack's per-array expand_dims call costs ~2 us each: 100 small tensors took 0.2 ms
        key = (slice(None),) * dim + (None,)
        return _joined_layout(np.concatenate([a[key] for a in arrays], axis=dim), arrays)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        lead = (slice(None),) * self.dim
        if not _mode.record and type(g) is Tensor:  # views of g's array, without the indexing op's dispatch
            arr = g._array
            return tuple(from_numpy(arr[lead + (i,)]) if p._requires_grad else None  # noqa: RUF005
                         for i, p in enumerate(self.parents))
        return tuple(g.select(self.dim, i) if p._requires_grad else None for i, p in enumerate(self.parents))


class Matmul(Function):
    """y = a @ b for a, b of rank >= 2 (batch dims broadcast);  da = g @ b^T, db = a^T @ g."""

    __slots__ = ()

    def _op_name(self) -> str:
        """``MmBackward0`` for matrices; a batched product is a view of PyTorch's bmm, as it names it."""
        two_d = not self.parents or all(p.ndim == 2 for p in self.parents)
        return "MmBackward0" if two_d else "UnsafeViewBackward0"

    def forward(self, a: Array, b: Array) -> Array:
        if a.shape[-1] != b.shape[-2]:
            raise ShapeError(
                f"matmul: shapes {a.shape} and {b.shape} do not fit: "
                f"{a.shape[-1]} (last dim of the first) != {b.shape[-2]} (second-last of the second)"
            )
        if a.ndim > 2 and b.ndim > 2:  # (one test on a Linear's 2-D path)
            return _kernels.matmul(a, b)
        if a.ndim == b.ndim == 2:
            return _kernels.mm(a, b)
        return _kernels.gemm_ready(a) @ _kernels.gemm_ready(b)

    def reads_input(self, i: int) -> bool:
        """A factor is read only for the other factor's gradient, as :meth:`Mul.reads_input`."""
        return _other_needs(self, 1 - i)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return _product_grads(g, *self.parents)


class Addmm(Matmul):
    """y = c + a @ b for matrices a (n, k), b (k, p) and c broadcast to (n, p) (a Linear's bias);
    dc = g (the engine sums it to c's shape), da and db as for ``Matmul``.

    ``F.linear`` on a batch of rows is this one op, as in PyTorch: one
    dispatch and one backward node instead of a product and an addition.
    """

    __slots__ = ()

    def _op_name(self) -> str:
        """``AddmmBackward0``, PyTorch's name."""
        return "AddmmBackward0"

    def reads_input(self, i: int) -> bool:
        """c is never read; a factor only for the other factor's gradient."""
        return i != 0 and _other_needs(self, 3 - i)

    def forward(self, c: Array, a: Array, b: Array) -> Array:  # type: ignore[override]
        if a.dtype.char == "e":  # PyTorch's half addmm: the product plus c in float32, rounded once
            f32 = np.float32
            wide: Array = (Matmul.forward(self, a.astype(f32), b.astype(f32)) + c).astype(a.dtype)
            return wide
        out = Matmul.forward(self, a, b)
        out += c  # the sum a + b would make, in the product's fresh memory
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        c, a, b = self.parents
        return (g if c._requires_grad else None, *_product_grads(g, a, b))


def _product_grads(g: Tensor, a: Tensor, b: Tensor) -> tuple[Tensor | None, Tensor | None]:
    """The gradients of a @ b for the upstream gradient g: g @ b^T and a^T @ g (None where not needed)."""
    # Same product either way; computing (g^T a)^T when b is a transposed
    # view (x @ w.T in Linear) hands w a C-ordered gradient, so the
    # optimizer's elementwise updates run on contiguous memory (3x faster).
    transposed = b.ndim == 2 and b._array.flags.f_contiguous and not b._array.flags.c_contiguous
    if not _mode.record and type(g) is Tensor and g._array.dtype == a._array.dtype == b._array.dtype:
        # No graph to record: the same two GEMMs on the same transposed views, minus six op dispatches.
        x, w, d = a._array, b._array, _kernels.gemm_ready(g._array)
        ready = _kernels.gemm_ready  # (batched transposes copied for BLAS; 2-D ones BLAS takes as they are)
        ga_arr = gb_arr = None
        if a._requires_grad:  # a 2-D a shared by a batched b gets one GEMM over the batch
            ga_arr = (_kernels.shared_left_grad(d, w) if (x.ndim, w.ndim) == (2, 3)
                      else _kernels.few_rows_left_grad(d, w, x.shape) if _kernels.few_rows(x, w, d)
                      else _kernels.matmul(d, w.swapaxes(-1, -2)) if w.ndim > 2  # (PyTorch's bmm)
                      else d @ ready(w.swapaxes(-1, -2)))
        if b._requires_grad:
            if w.ndim == 2 and x.ndim > 2:  # b shared by the batch: one product over all its rows
                rows, drows = x.reshape(-1, x.shape[-1]), d.reshape(-1, d.shape[-1])
                gb_arr = (drows.T @ rows).T if transposed else rows.T @ drows
            else:
                gb_arr = ((ready(d.swapaxes(-1, -2)) @ ready(x)).swapaxes(-1, -2) if transposed
                          else _kernels.matmul(x.swapaxes(-1, -2), d) if w.ndim > 2  # (PyTorch's bmm)
                          else ready(x.swapaxes(-1, -2)) @ d)
        ga_t = None if ga_arr is None else from_numpy(ga_arr)
        return ga_t, None if gb_arr is None else from_numpy(gb_arr)
    ga = g @ b.mT if a._requires_grad else None
    gb = None
    if b._requires_grad:
        gb = (g.mT @ a).mT if transposed else a.mT @ g
    return ga, gb


# --------------------------------------------------------------- recomputation


class Recompute(Function):
    """y = run(), computed once before; backward re-runs ``run`` with recording: dparents = grad(run(), g).

    Activation checkpointing (``minigrad.utils.checkpoint``): the graph inside
    ``run`` is not kept, only its result and its parents (the tensors it
    depends on); backward rebuilds the graph and lets the engine differentiate
    it. ``grad`` is the engine's ``mg.grad``, passed in because the engine sits
    above this module (it imports the Tensor and these ops).
    """

    __slots__ = ("grad", "held", "run")
    saved = ("grad", "held", "run")

    def forward(self, *arrays: Array, value: Array, run: Any, grad: Any, label: str = "") -> Array:
        self.run, self.grad = run, grad
        if label:  # the grad_fn name PyTorch's checkpoint shows (see minigrad.utils.checkpoint)
            self.label = label
        return value

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        create_graph = _mode.record  # the engine records backward only for create_graph
        with enable_grad():
            y = self.run()
        # Each parent stands as a leaf in the inner pass: its gradient here is y's alone (the outer pass
        # takes it on through the parent's history, once) and its hooks run once, in the outer pass.
        kept = [(p._ctx, p._hooks) for p in self.parents]
        try:
            for p in self.parents:
                p._ctx = p._hooks = None
            grads: tuple[Tensor | None, ...] = self.grad(
                y, self.parents, g, retain_graph=True, create_graph=create_graph, allow_unused=True
            )
        finally:
            for p, (ctx, hooks) in zip(self.parents, kept):
                p._ctx, p._hooks = ctx, hooks
        return grads


class Replayed(Function):
    """y = a compiled module's forward, computed before;  dparents = its backward tape run on g.

    The node ``mg.compile(module)`` puts in the graph: its parents are the
    module's inputs and parameters that need gradients, ``backward(g)`` is a
    replayed (or, on the first calls, traced) numpy tape returning one
    gradient per parent. A tape is not differentiable, so second derivatives
    through it raise (use the uncompiled module for those).
    """

    __slots__ = ("backward_tape",)
    saved = ("backward_tape",)
    torch_name = "CompiledFunctionBackward"  # (the node torch.compile's default backend puts in the graph)

    def forward(self, *arrays: Array, value: Array, backward_tape: Any) -> Array:
        self.backward_tape = backward_tape
        return value

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        if _mode.record:
            raise MinigradError(
                "a module compiled with mg.compile has no second derivative (backward(create_graph=True) "
                "or grad of a grad through it); differentiate the uncompiled module instead"
            )
        return tuple(self.backward_tape(g))


# ------------------------------------------------- windows, padding, running sums, selection
#
# Six primitives carry every convolution, pooling, padding, resampling, sorting and
# scan op (all compositions, in ``minigrad/nn/functional`` and ``minigrad/selection.py``):
# Unfold/Fold (the sliding-window view and its adjoint), Pad, Cumsum, Gather/ScatterAdd.
# Each pair is closed under differentiation, so every composition is twice differentiable.
# Their numpy kernels (im2col, col2im, padding) are in ``minigrad/_window_kernels.py``.


class Unfold(Function):
    """Sliding windows (im2col) of an (N, C, *spatial) array, as (N, C * prod(kernel), prod(windows)).

    y[n, (c, k), o] = a_pad[n, c, o * stride + k * dilation] for each kernel offset k and
    window o (multi-indices over the spatial dims, C order); a_pad is a with ``padding``
    zeros ((before, after) per spatial dim; negative counts crop).  da = Fold(g): each
    element's gradient is added back where it was read (col2im).
    """

    __slots__ = ("dilation", "kernel", "padding", "stride")
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: Pairs

    def forward(self, a: Array, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
                padding: Pairs) -> Array:
        self.kernel, self.stride, self.dilation, self.padding = kernel, stride, dilation, padding
        return im2col(a, kernel, stride, dilation, padding)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        size = self.parents[0].shape[2:]
        return (Fold.apply(g, size=size, kernel=self.kernel, stride=self.stride, dilation=self.dilation,
                           padding=self.padding),)


class Fold(Function):
    """The adjoint of :class:`Unfold` (col2im): (N, C * prod(kernel), L) columns -> (N, C, *size).

    y[n, c, p] = sum of a[n, (c, k), o] over the (k, o) with o * stride + k * dilation = p + before
    (overlapping windows add up; padding positions are dropped).  da = Unfold(g).
    """

    __slots__ = ("dilation", "kernel", "padding", "stride")
    reads_inputs = False
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: Pairs

    def forward(self, a: Array, size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                dilation: tuple[int, ...], padding: Pairs) -> Array:
        self.kernel, self.stride, self.dilation, self.padding = kernel, stride, dilation, padding
        full = padded(size, padding)
        windows = window_counts(full, kernel, stride, dilation)
        k = math.prod(kernel)
        n, ck, length = a.shape
        if ck % k or length != math.prod(windows) or min(windows, default=1) < 1:
            raise ShapeError(f"fold: columns of shape {a.shape} do not fit output size {size} with kernel "
                             f"{kernel}: expected (N, C * {k}, {math.prod(windows)})")
        y = col2im(a.reshape(n, ck // k, *kernel, *windows), full, stride, dilation)
        if any(lo or hi for lo, hi in padding):  # drop the padding (negative: add zeros)
            return pad_array(y, ((0, 0), (0, 0), *((-lo, -hi) for lo, hi in padding)), 0, copy=False)
        return y

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (Unfold.apply(g, kernel=self.kernel, stride=self.stride, dilation=self.dilation,
                             padding=self.padding),)


class Windows(Function):
    """y = the slices of length ``size`` along ``dim``, ``step`` apart: ``dim`` counts the slices and a new
    last dim holds each (``Tensor.unfold``), a strided view of a's memory, as PyTorch's (writing to it writes
    a; slices overlap when step < size);  da = Fold(g) along ``dim``: each element's gradients, one per slice
    that read it, added back where it was read.
    """

    __slots__ = ("dim", "size", "step")
    is_view = True
    reads_inputs = False
    torch_name = "UnfoldBackward0"
    dim: int  # >= 0
    size: int
    step: int

    def forward(self, a: Array, dim: int, size: int, step: int) -> Array:
        self.dim, self.size, self.step = dim, size, step
        shape: tuple[int, ...] = (size,)  # (PyTorch: a 0-d tensor's one slice, of size 0 or 1)
        strides: tuple[int, ...] = (a.itemsize,)
        if a.ndim:
            shape = (*a.shape[:dim], (a.shape[dim] - size) // step + 1, *a.shape[dim + 1:], size)
            strides = (*a.strides[:dim], a.strides[dim] * step, *a.strides[dim + 1:], a.strides[dim])
        owner = a if a.base is None else a.base  # (numpy's views point at the memory's owner)
        if isinstance(owner, np.ndarray) and (owner.flags.c_contiguous or owner.flags.f_contiguous):
            # (over the owner, not np.lib.stride_tricks.as_strided: its result's base is no ndarray, so the
            # tensor would not know the memory it shares)
            offset = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
            out: Array = np.ndarray(shape, a.dtype, buffer=owner, offset=offset, strides=strides)
            if not a.flags.writeable:  # (an expanded tensor's windows: read-only as it is)
                out.flags.writeable = False
            return out
        # (memory no ndarray owns, np.frombuffer's: a copy)
        return np.array(np.lib.stride_tricks.as_strided(a, shape, strides, writeable=False))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        shape, d, size = self.parents[0].shape, self.dim, self.size
        if not shape:
            return (g.sum(),)
        if size == 0:  # (no element was read)
            return (from_numpy(np.zeros(shape, dtype=g._array.dtype)),)
        rest = [i for i in range(len(shape)) if i != d]
        columns = g.permute(*rest, d, len(shape)).reshape(-1, g.shape[d], size).transpose(1, 2)
        rows = Fold.apply(columns, size=(shape[d],), kernel=(size,), stride=(self.step,), dilation=(1,),
                          padding=((0, 0),))
        moved = rows.reshape(*(shape[i] for i in rest), shape[d])
        return (moved.movedim(-1, d),)


class Pad(Function):
    """y = a with ``pads[i] = (before, after)`` elements of ``value`` added to each side of dim i
    (negative counts remove elements);  da = Pad(g, -pads, 0): the part of g over a.
    """

    __slots__ = ("pads",)
    reads_inputs = False
    pads: Pairs

    def forward(self, a: Array, pads: Pairs, value: float) -> Array:
        self.pads = pads
        return pad_array(a, pads, value)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (Pad.apply(g, pads=tuple((-lo, -hi) for lo, hi in self.pads), value=0),)


class Cumsum(Function):
    """y_i = sum of a_j for j <= i along ``dim``;  da_j = sum of g_i for i >= j (g's cumsum, reversed)."""

    __slots__ = ("dim",)
    reads_inputs = False
    dim: int

    def forward(self, a: Array, dim: int) -> Array:
        self.dim = dim
        dt = a.dtype  # PyTorch's CPU scan adds ints in int64, float32 in double and 16-bit floats in float
        acc = {"f4": np.float64, "f2": np.float32}.get(dt.str[1:], np.int64 if dt.kind in "biu" else dt)
        # widened first, then scanned in place: numpy's scan casting as it goes is 2x slower
        wide = a.astype(acc)
        np.cumsum(wide, dim, out=wide)
        return wide.astype(acc if dt.kind in "biu" else dt, copy=False)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        rev = (slice(None),) * self.dim + (slice(None, None, -1),)
        return (GetItem.apply(Cumsum.apply(GetItem.apply(g, index=rev), dim=self.dim), index=rev),)


class LogCumSumExp(Function):
    """y_i = log(sum of exp(a_j) for j <= i) along ``dim``, PyTorch's CPU scan: logaddexp step by step in
    the accumulating type (float32 in double, float16 in float);  da = PyTorch's logcumsumexp_backward:
    exp(rev_lcse(log g - y) + a) over the positive g minus that over the negative g (|g| there), so a
    NaN (or zero) g counts in neither and gives 0, not NaN. rev_lcse is this op along the reversed dim.
    """

    __slots__ = ("dim",)
    reads_output = True
    torch_name = "LogcumsumexpBackward0"
    dim: int

    def forward(self, a: Array, dim: int) -> Array:
        self.dim = dim
        acc = {"f4": np.float64, "f2": np.float32}.get(a.dtype.str[1:], a.dtype)
        out: Array = np.logaddexp.accumulate(a.astype(acc), axis=dim).astype(a.dtype, copy=False)
        return out

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        if g.ndim == 0 or g._array.size == 0:
            return (g,)
        rev = (slice(None),) * self.dim + (slice(None, None, -1),)
        log_g = g.abs().log()
        lowest = _const(float(np.finfo(g.dtype).min), g)  # (PyTorch's stand-in for log 0)
        parts = []
        for side in (g._array > 0, g._array < 0):
            logs = GetItem.apply(where(from_numpy(side), log_g, lowest) - out, index=rev)
            parts.append((GetItem.apply(LogCumSumExp.apply(logs, dim=self.dim), index=rev) + a).exp())
        return (parts[0] - parts[1],)


def _along(index: Array, dim: int) -> Index:
    """The full numpy index that ``index`` names along ``dim`` (the other dims count up: np.ogrid's grids,
    built directly, 10x cheaper)."""
    ones = (1,) * index.ndim
    return tuple(index if d == dim else np.arange(n).reshape((*ones[:d], n, *ones[d + 1 :]))
                 for d, n in enumerate(index.shape))


class Gather(Function):
    """y[i] = a[i with i_dim replaced by index[i]] (torch.gather);  da = ScatterAdd(g) into a's shape.
    ``reads=False``: the values of sort, topk, kthvalue, median and mode along a dim, whose PyTorch node
    saves only the indices (a changes in place after it without the version error torch.gather's has)."""

    __slots__ = ("dim", "index", "reads")
    saved = ("index",)
    dim: int
    index: Array
    reads: bool

    def forward(self, a: Array, dim: int, index: Array, reads: bool = True) -> Array:
        self.dim, self.index, self.reads = dim, index, reads
        return a[_along(index, dim)]

    def reads_input(self, i: int) -> bool:
        """torch.gather's node saves its input; sort's and the like's only the indices."""
        return self.reads

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (ScatterAdd.apply(g, dim=self.dim, index=self.index, shape=self.parents[0].shape),)


class ScatterAdd(Function):
    """y = zeros(shape), then y[i with i_dim replaced by index[i]] += a[i] (repeats add up);
    da = Gather(g, index).  The adjoint of :class:`Gather`. With ``assign`` a repeated index takes the
    last value instead (max_unpool's forward), and every repeat still gets its position's gradient, as
    PyTorch's max_unpool backward.
    """

    __slots__ = ("dim", "index")
    reads_inputs = False
    saved = ("index",)
    dim: int
    index: Array

    def forward(self, a: Array, dim: int, index: Array, shape: tuple[int, ...],
                assign: bool = False) -> Array:
        self.dim, self.index = dim, index
        y = np.zeros(shape, dtype=a.dtype)
        if assign:
            y[_along(index, dim)] = a
        else:
            _kernels.add_at(y, _along(index, dim), a)  # (inf + -inf is nan, silently: forward runs quiet)
        return y

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        return (Gather.apply(g, dim=self.dim, index=self.index),)


# --------------------------------------------------------------- linear algebra
# Forward: numpy.linalg's LAPACK kernels (_kernels), batched over the leading dims. Backward: PyTorch's
# formulas (its FunctionsManual), written with the primitives above (and Inv/Solve), so they differentiate
# again. A decomposition's several results come packed in one array (_kernels.pack); torch.linalg unpacks
# them with slices, whose gradients land in the packed gradient this backward reads. A part whose gradient
# is all zero is one the loss did not use, which PyTorch's formulas leave out ("undefined").
Parts = tuple[tuple[int, ...], ...]  # each part's shape after the batch dims


def _empty_reduction(fn: str, shape: tuple[int, ...], dims: tuple[int, ...] | None) -> MinigradError:
    """PyTorch's error for a max/min/argmax-like reduction with no identity over an empty dim (``dims``
    None: over everything). An IndexError (a RuntimeError too), except max/min/amax/amin with no dim given:
    a RuntimeError only, as PyTorch's."""
    if dims is None:
        if fn.startswith("arg"):
            return DimensionError(f"{fn}(): Expected reduction dim to be specified for input.numel() == 0.")
        return MinigradError(f"{fn}(): Expected reduction dim to be specified for input.numel() == 0. "
                             "Specify the reduction dim with the 'dim' argument.")
    first = min(d for d in dims if shape[d] == 0)
    return DimensionError(f"{fn}(): Expected reduction dim {first} to have non-zero size.")


def _linalg(name: str, kernel: Any, *args: Any) -> Array:
    """``kernel(*args)``; a singular matrix, one that is not positive definite, or an SVD that does not
    converge (NaN input) raises LinAlgError, as PyTorch's."""
    try:
        return np.asarray(kernel(*args))
    except _kernels.WordedLinAlgError as e:
        raise LinAlgError(str(e)) from None
    except np.linalg.LinAlgError as e:
        raise LinAlgError(f"linalg.{name}: {e} (input of shape {args[0].shape})") from None


def _eye_like(n: int, like: Tensor) -> Tensor:
    return from_numpy(np.eye(n, dtype=like.dtype))


def _tril(m: Tensor, k: int = 0) -> Tensor:
    """The lower triangle of the last two dims (diagonal ``k`` and below), by a constant mask."""
    return m * from_numpy(np.tril(np.ones(m.shape[-2:], dtype=m.dtype), k))


def _diag_embed(v: Tensor) -> Tensor:
    return v.unsqueeze(-1) * _eye_like(v.shape[-1], v)


def _used(g: Tensor) -> bool:
    return bool(g.numpy(force=True).any())  # (NaN counts as used)


def unpack(t: Tensor, shapes: Parts) -> tuple[Tensor, ...]:
    """The parts of a packed result."""
    batch, parts, start = t.shape[:-1], [], 0
    for shape in shapes:
        n = math.prod(shape)
        part = GetItem.apply(t, index=(Ellipsis, slice(start, start + n)))
        parts.append(Reshape.apply(part, shape=(*batch, *shape)))
        start += n
    return tuple(parts)


class Inv(Function):
    """y = A^-1;  dA = -y^T g y^T."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    torch_name = "LinalgInvExBackward0"

    def forward(self, a: Array) -> Array:
        return _linalg("inv", _kernels.inv, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        yt = out.mT
        return (-(yt @ g @ yt),)


class Det(Function):
    """y = det(A);  dA = g adj(A)^T: g y A^-T where A is invertible, and where det(A) = 0 the adjugate
    from the SVD, sign(det U det V) U diag(prod_{j != i} s_j) Vh."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgDetBackward0"

    def forward(self, a: Array) -> Array:
        return _linalg("det", np.linalg.det, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        if not (out.numpy(force=True) == 0).any():
            return ((g * out).unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT,)
        return (g.unsqueeze(-1).unsqueeze(-1) * _adjugate_t(a),)


def _adjugate_t(a: Tensor) -> Tensor:
    """adj(A)^T, the derivative of det(A), also for singular A: sign(det U det V) U diag(c) Vh from the SVD,
    c_i the product of the singular values other than s_i."""
    n = a.shape[-1]
    u, s, vh = unpack(SVD.apply(a, full_matrices=False), SVD.parts(n, n, False))
    dets = _kernels.quiet(lambda: np.linalg.det(u.numpy(force=True)) * np.linalg.det(vh.numpy(force=True)))
    sign = from_numpy(np.asarray(dets))
    cols = [GetItem.apply(s, index=(Ellipsis, slice(j, j + 1), 0)) for j in range(n)]
    others = []
    for i in range(n):
        prod = from_numpy(np.ones(cols[0].shape, dtype=s.dtype))
        for c in cols[:i] + cols[i + 1 :]:
            prod = prod * c
        others.append(prod)
    return sign.unsqueeze(-1).unsqueeze(-1) * (u * Cat.apply(*others, dim=s.ndim - 2).unsqueeze(-2)) @ vh


class Slogdet(Function):
    """[sign, log|det A|] packed (..., 2);  dA = g_log A^-T (= g_log adj(A)^T / det A: infinite where A is
    singular). The sign is piecewise constant: it passes no gradient (0 when only the sign is used)."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgSlogdetBackward0"

    def forward(self, a: Array) -> Array:
        return _linalg("slogdet", _kernels.slogdet, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a, glog = self.parents[0], GetItem.apply(g, index=(Ellipsis, 1))
        if not _used(glog):  # (no inverse needed, nor one of a singular matrix)
            return (from_numpy(np.zeros(a.shape, dtype=a.dtype)),)
        glog = glog.unsqueeze(-1).unsqueeze(-1)
        if not np.isneginf(out.numpy(force=True)[..., 1]).any():
            return (glog * Inv.apply(a).mT,)
        det = from_numpy(np.asarray(_kernels.quiet(np.linalg.det, a.numpy(force=True))))
        det = det.unsqueeze(-1).unsqueeze(-1)
        return (glog / det * _adjugate_t(a),)


class Solve(Function):
    """X = A^-1 B for B (..., n, k) (batch dims broadcast);  dB = A^-T g, dA = -dB X^T."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgSolveExBackward0"

    def forward(self, a: Array, b: Array) -> Array:
        return _linalg("solve", _kernels.solve, a, b)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        gb = Solve.apply(self.parents[0].mT, g)
        return (-(gb @ out.mT), gb)


class SolveTriangular(Function):
    """X = A^-1 B for triangular A (zero outside its ``upper`` or lower triangle), B (..., n, k);
    dB = A^-T g (A^T triangular the other way), dA = -dB X^T (Solve's). A singular A gives inf/nan."""

    __slots__ = ("upper",)
    reads_output = True
    torch_name = "LinalgSolveTriangularBackward0"
    upper: bool

    def forward(self, a: Array, b: Array, upper: bool) -> Array:
        self.upper = upper
        return _kernels.solve_triangular(a, b, upper)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        gb = SolveTriangular.apply(self.parents[0].mT, g, upper=not self.upper)
        return (-(gb @ out.mT), gb)


class Cholesky(Function):
    """L = cholesky(A), lower, A = L L^T;  dA = L^-T P L^-1 with P = (T + tril(T, -1)^T) / 2,
    T = tril(L^T g): the gradient of a symmetric input, as PyTorch's."""

    __slots__ = ()
    reads_output = True
    reads_inputs = False  # (backward reads only the result, PyTorch's one saved tensor)
    torch_name = "LinalgCholeskyExBackward0"

    def forward(self, a: Array) -> Array:
        return _linalg("cholesky", _kernels.cholesky, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        t = _tril(out.mT @ g)
        linv = Inv.apply(out)
        return (linv.mT @ ((t + _tril(t, -1).mT) * 0.5) @ linv,)


class QR(Function):
    """Q, R = qr(A), packed as [Q | R] (R alone for mode 'r');  with M = gR R^T - Q^T gQ, for m >= n
    dA = (gQ + Q copyu(triu(M))) R^-T, copyu copying the upper triangle onto the lower, and for m < n
    dA = [Q tril(M^T - M) R1^-T, 0] + Q gR, R1 the square left block of R (PyTorch's formulas). Not
    differentiable for mode 'r' (no Q) or a complete tall factorization (Q's extra columns are arbitrary)."""

    __slots__ = ("mode",)
    reads_output = True
    torch_name = "LinalgQrBackward0"
    mode: str

    @staticmethod
    def parts(m: int, n: int, mode: str) -> Parts:
        """The shapes of Q and R."""
        k = m if mode == "complete" else min(m, n)
        return ((m, k), (k, n))

    def forward(self, a: Array, mode: str) -> Array:
        self.mode = mode
        return _linalg("qr", _kernels.qr, a, mode)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        m, n = self.parents[0].shape[-2:]
        if self.mode == "r":  # (PyTorch's words)
            raise MinigradError("The derivative of linalg.qr depends on Q, which is not computed when "
                                "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                                "differentiate through linalg.qr.")
        if self.mode == "complete" and m > n:
            raise MinigradError("The QR decomposition is not differentiable when mode='complete' and "
                                "nrows > ncols.")
        q, r = unpack(out, self.parts(m, n, self.mode))
        gq, gr = unpack(g, self.parts(m, n, self.mode))
        x = gr @ r.mT - q.mT @ gq
        if m >= n:
            upper = _tril(x.mT).mT  # triu(M), through the transpose
            return ((gq + q @ (upper + _tril(upper.mT, -1))) @ Inv.apply(r).mT,)
        left = q @ _tril(x.mT - x) @ Inv.apply(GetItem.apply(r, index=(Ellipsis, slice(0, m)))).mT
        zeros = from_numpy(np.zeros((*left.shape[:-1], n - m), dtype=left.dtype))
        return (Cat.apply(left, zeros, dim=left.ndim - 1) + q @ gr,)


class LU(Function):
    """L, U = lu(A) without pivoting (the caller permutes A's rows first), packed as [L | U], L unit lower
    (m, k), U upper (k, n), k = min(m, n). For square A, with M = tril(L^T gL, -1) + triu(gU U^T),
    dA = L^-T M U^-T; a wide A = L [U1 | U2] gives dA2 = L^-T gU2 and gL - L^-T gU2 U2^T for the square
    part, a tall A = [L1; L2] U gives dA2 = gL2 U^-T and gU - L2^T gL2 U^-T (PyTorch's formulas)."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgLuBackward0"

    @staticmethod
    def parts(m: int, n: int) -> Parts:
        """The shapes of L and U."""
        k = min(m, n)
        return ((m, k), (k, n))

    def forward(self, a: Array) -> Array:
        packed, _ = _kernels.lu(a, pivot=False)
        m, n = a.shape[-2:]
        k = min(m, n)
        lower = np.tril(packed[..., :, :k], -1) + np.eye(m, k, dtype=a.dtype)
        return _kernels.pack(lower, np.triu(packed[..., :k, :]))

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        m, n = self.parents[0].shape[-2:]
        k = min(m, n)
        lower, upper = unpack(out, self.parts(m, n))
        gl, gu = unpack(g, self.parts(m, n))
        l1 = GetItem.apply(lower, index=(Ellipsis, slice(0, k), slice(None)))
        u1 = GetItem.apply(upper, index=(Ellipsis, slice(None), slice(0, k)))
        l_inv_t, u_inv_t = Inv.apply(l1).mT, Inv.apply(u1).mT
        rest: Tensor | None = None
        if n > k:  # U2 = L^-1 A2
            gu2 = GetItem.apply(gu, index=(Ellipsis, slice(k, None)))
            u2 = GetItem.apply(upper, index=(Ellipsis, slice(k, None)))
            rest = l_inv_t @ gu2
            gl, gu = gl - rest @ u2.mT, GetItem.apply(gu, index=(Ellipsis, slice(0, k)))
        elif m > k:  # L2 = A2 U^-1
            gl2 = GetItem.apply(gl, index=(Ellipsis, slice(k, None), slice(None)))
            l2 = GetItem.apply(lower, index=(Ellipsis, slice(k, None), slice(None)))
            rest = gl2 @ u_inv_t
            gu, gl = gu - l2.mT @ rest, GetItem.apply(gl, index=(Ellipsis, slice(0, k), slice(None)))
        x = _tril(l1.mT @ gl, -1) + _tril((gu @ u1.mT).mT).mT
        square = l_inv_t @ x @ u_inv_t
        if rest is None:
            return (square,)
        return (Cat.apply(square, rest, dim=square.ndim - (1 if n > k else 2)),)


class Pinv(Function):
    """y = A^+, the pseudo-inverse with singular values at or below a cutoff dropped (``_kernels.pinv``);
    dA by PyTorch's formula (for m <= n; its transpose for m > n): with K = g^T y,
    -(y K)^T + K y^T - A y K y^T + y^T y (g^T - K A)."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgPinvBackward0"

    def forward(self, a: Array, atol: Array, rtol: Array, hermitian: bool) -> Array:
        return _linalg("pinv", _kernels.pinv, a, atol, rtol, hermitian)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        a = self.parents[0]
        y, yt, gt = out, out.mT, g.mT
        if a.shape[-2] <= a.shape[-1]:
            k = gt @ y
            kyt = k @ yt
            return (-(y @ k).mT + kyt - (a @ y) @ kyt + (yt @ y) @ (gt - k @ a),)
        k = y @ gt
        ytk = yt @ k
        return (-(k @ y).mT + (gt - a @ k) @ y @ yt + ytk - ytk @ y @ a,)


def _skew(x: Tensor) -> Tensor:
    return x - x.mT


class SVD(Function):
    """U, S, Vh = svd(A), packed as [U | S | Vh];  dA by PyTorch's formula for distinct singular values:
    U ((skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)) Vh, E_ij = s_j^2 - s_i^2, plus the part of gU (or
    gV) outside the span of U (or V) for a non-square A; U diag(gS) Vh alone when the loss uses only S
    (then repeated singular values are fine). With ``full_matrices`` the columns of U and Vh beyond
    k = min(m, n) get no gradient, as PyTorch's."""

    __slots__ = ("full",)
    reads_output = True
    torch_name = "LinalgSvdBackward0"
    full: bool

    @staticmethod
    def parts(m: int, n: int, full: bool) -> Parts:
        """The shapes of U, S (a column) and Vh."""
        k = min(m, n)
        return ((m, m if full else k), (k, 1), (n if full else k, n))

    def forward(self, a: Array, full_matrices: bool) -> Array:
        self.full = full_matrices
        return _linalg("svd", _kernels.svd, a, full_matrices)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        m, n = self.parents[0].shape[-2:]
        k = min(m, n)
        u, s, vh = unpack(out, self.parts(m, n, self.full))
        gu, gs, gvh = unpack(g, self.parts(m, n, self.full))
        if self.full:
            u, gu = u[..., :k], gu[..., :k]
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        s, gs = s.squeeze(-1), gs.squeeze(-1)
        with_u, with_v = _used(gu), _used(gvh)
        if not (with_u or with_v):
            return (u @ (gs.unsqueeze(-1) * vh),)
        v, gv = vh.mT, gvh.mT
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye_like(k, s)  # 1 on the diagonal, where skew is 0
        inner = _diag_embed(gs)
        if with_u:
            inner = inner + _skew(u.mT @ gu) * s.unsqueeze(-2) / e
        if with_v:
            inner = inner + s.unsqueeze(-1) * _skew(vh @ gv) / e
        if m > k and with_u:
            gu_sinv = gu / s.unsqueeze(-2)
            return ((u @ inner + gu_sinv - u @ (u.mT @ gu_sinv)) @ vh,)
        if n > k and with_v:
            gv_sinv = gv / s.unsqueeze(-2)
            return (u @ (inner @ vh + (gv_sinv - v @ (vh @ gv_sinv)).mT),)
        return (u @ inner @ vh,)


class Eigh(Function):
    """L, Q = eigh(A) (A symmetric, its lower triangle read), packed as [L | Q];
    dA = Q (diag(gL) + skew(Q^T gQ) / 2E) Q^T, E_ij = l_j - l_i (1 on the diagonal, where skew is 0):
    symmetric, the gradient of a symmetric input, as PyTorch's; Q diag(gL) Q^T alone when the loss uses
    only the eigenvalues (then repeated eigenvalues are fine)."""

    __slots__ = ()
    reads_output = True
    torch_name = "LinalgEighBackward0"

    @staticmethod
    def parts(n: int) -> Parts:
        """The shapes of L (a column) and Q."""
        return ((n, 1), (n, n))

    def forward(self, a: Array) -> Array:
        return _linalg("eigh", _kernels.eigh, a)

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        n = self.parents[0].shape[-1]
        w, q = unpack(out, self.parts(n))
        gw, gq = unpack(g, self.parts(n))
        w, gw = w.squeeze(-1), gw.squeeze(-1)
        if not _used(gq):
            return ((q * gw.unsqueeze(-2)) @ q.mT,)
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + _eye_like(n, w)
        return (q @ (_diag_embed(gw) + _skew(q.mT @ gq) * 0.5 / e) @ q.mT,)


def load_library(path: str) -> None:
    """``torch.ops.load_library``: load a shared library of PyTorch C++ operators (torchvision's ``_C.so``).

    Such a library registers its kernels with libtorch's dispatcher, which minigrad does not have, so no
    library can give minigrad operators: this always raises ``OSError``, the error PyTorch raises when
    the library cannot be loaded (callers such as torchvision catch it and run without their C++ ops).

    Raises:
        OSError: always.
    """
    raise OSError(f"minigrad cannot load the PyTorch C++ operator library {path!r} (it has no dispatcher)")
