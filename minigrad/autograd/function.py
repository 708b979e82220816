"""Custom differentiable functions: ``minigrad.autograd.Function``, as ``torch.autograd.Function``.

A user subclasses :class:`Function` with ``forward(ctx, *args)`` and
``backward(ctx, *grad_outputs)`` (or ``forward(*args)`` plus
``setup_context(ctx, inputs, output)``) and calls ``MyFn.apply(*args)``.

The user's backward is user code: this module holds no derivative. It
adapts the user's function to the engine's node mechanism with two small
nodes (subclasses of :class:`minigrad.ops.Function`, the one exception to
"every backward lives in ops.py", allowed by tests/test_architecture.py):

* ``_CustomNode``, whose parents are the tensor arguments; its output is an
  empty "anchor" tensor, and its backward calls the user's backward with
  the gradients its outputs received;
* one ``_OutputNode`` per differentiable output, whose parent is the anchor;
  its backward only files the output's gradient with the ``_CustomNode``.

Every output node was created after the anchor, so the engine visits them
all before the custom node: when the user's backward runs, every output's
gradient has arrived (outputs nobody used get None, or zeros when
``ctx.set_materialize_grads(True)``, the default).
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from minigrad import _format, ops
from minigrad._kernels import memory_owner
from minigrad._tensor_methods import mark_view
from minigrad.autograd import forward_ad
from minigrad.errors import MinigradError, python_type_name, user_stacklevel
from minigrad.grad_mode import _extras, _mode, no_grad
from minigrad.tensor import Array, Tensor, from_numpy, store_requires_grad

__all__ = ["Function", "FunctionCtx", "InplaceFunction", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` a custom Function's forward fills and its backward reads.

    Attributes set on it (``ctx.scale = 2``) are kept for backward.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self.materialize_grads = True
        self._saved: tuple[Any, ...] | None = ()
        self._unpack: Callable[[Any], Any] | None = None  # the saved_tensors_hooks unpack hook, if packed
        self._non_differentiable: set[int] = set()
        self._dirty: set[int] = set()
        self._out_meta: list[tuple[tuple[int, ...], np.dtype[Any]] | None] = []  # outputs' shapes, dtypes
        self._non_diff_index: set[int] = set()  # positions of the outputs marked non-differentiable
        self._saved_forward: tuple[Any, ...] = ()  # save_for_forward's tensors (for a jvp)
        self._records = True  # apply: whether the call is recorded (PyTorch checks what is saved only then)
        self._misuse: str | None = None  # a non-tensor marked dirty or non-differentiable (apply raises)

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; read them back as ``ctx.saved_tensors``.

        Raises:
            TypeError: something else is saved while the call is recorded (PyTorch's message; a call
                that records nothing, no input requiring grad, keeps what it is given unchecked).
        """
        self._saved = tensors
        self._unpack = None
        if not self._records:
            return
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        if _extras.pack:  # inside saved_tensors_hooks: keep what the pack hook makes of each
            pack, self._unpack = _extras.pack[-1]
            self._saved = tuple(None if t is None else pack(t) for t in tensors)

    def save_for_forward(self, *tensors: Any) -> None:
        """Keep tensors for a ``jvp`` staticmethod (its ``ctx.saved_tensors``). Raises AssertionError, as
        PyTorch, for anything but tensors and None."""
        if not all(t is None or isinstance(t, Tensor) for t in tensors):
            raise AssertionError("save_for_forward expects all arguments to be tensors; you should save "
                                 "non-tensors as attributes on ctx.")
        self._saved_forward = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to :meth:`save_for_backward`.

        Raises:
            MinigradError: backward already ran without ``retain_graph`` (they were freed).
        """
        if self._saved is None:
            raise MinigradError(
                "Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Specify retain_graph=True if you need to backward through "
                "the graph a second time or if you need to access saved tensors after calling backward."
            )
        if self._unpack is not None:
            return tuple(None if p is None else self._unpack(p) for p in self._saved)
        return self._saved

    @property
    def saved_variables(self) -> tuple[Any, ...]:
        """The old name of :attr:`saved_tensors`; warns ``DeprecationWarning``, as PyTorch."""
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning,
                      stacklevel=2)
        return self.saved_tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs that get no gradient (indices, masks): returned with requires_grad=False. Something other
        than a tensor (None too) makes ``apply`` raise PyTorch's RuntimeError once forward returns."""
        self._non_differentiable.update(id(t) for t in tensors)
        if self._misuse is None and not all(isinstance(t, Tensor) for t in tensors):
            bad = next(t for t in tensors if not isinstance(t, Tensor))
            self._misuse = ("mark_non_differentiable only accepts variable arguments, but got "
                            f"{type(bad).__name__}")

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward gets None (not zeros) for outputs that received no gradient.

        Raises:
            TypeError: ``value`` is no bool (PyTorch's argument parser: not 1, not None).
        """
        if value is not True and value is not False:
            raise TypeError(f"set_materialize_grads received an invalid combination of arguments - got "
                            f"({python_type_name(value)}), but expected (bool)")
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Inputs forward modified in place: returned as the very tensors, their history now this function.
        ``apply`` raises PyTorch's RuntimeError once forward returns if one is no tensor, or is an input
        forward did not return."""
        self._dirty.update(id(t) for t in tensors)
        if self._misuse is None and not all(isinstance(t, Tensor) for t in tensors):
            i = next(i for i, t in enumerate(tensors) if not isinstance(t, Tensor))
            self._misuse = (f"mark_dirty can only accept variables, but argument {i} is of type "
                            f"{type(tensors[i]).__name__}")


class _CustomNode(ops.Function):
    """Runs the user's backward on the gradients its outputs' nodes filed (no formula of its own)."""

    __slots__ = ("args", "ctx", "fn_cls", "grads", "shapes")
    saved: ClassVar[tuple[str, ...]] = ("grads",)  # so the engine calls release(), which frees ctx's tensors
    fn_cls: type[Function]
    ctx: FunctionCtx
    grads: list[Tensor | None]
    args: tuple[Any, ...]
    shapes: list[tuple[int, ...]]

    def name(self) -> str:
        """``<UserFunction>Backward``, as PyTorch names a custom Function's node (no number)."""
        return self.fn_cls.__name__ + "Backward"

    def forward(self, *arrays: Array, state: tuple[Any, ...]) -> Array:
        self.fn_cls, self.ctx, self.args, n_out, dtype = state
        self.grads = [None] * n_out
        self.shapes = [a.shape for a in arrays]
        return np.zeros((), dtype=dtype)  # the anchor: a place for the outputs' nodes to point at

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        grads = self.grads
        self.grads = [None] * len(grads)  # ready for another pass (retain_graph)
        if id(self) in forward_ad._jvp_cut:  # forward mode took this call's tangents from its jvp
            return tuple(None for a in self.args if isinstance(a, Tensor))
        if self.ctx.materialize_grads:  # zeros for outputs that got no gradient (None for non-tensors)
            skip = () if getattr(self.ctx, "_materialize_non_diff_grads", True) else self.ctx._non_diff_index
            grads = [from_numpy(np.zeros(meta[0], dtype=meta[1]))
                     if gr is None and meta is not None and i not in skip else gr
                     for i, (gr, meta) in enumerate(zip(grads, self.ctx._out_meta))]
        result = self.fn_cls.user_backward()(self.ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        if len(result) > len(self.args) and all(gr is None for gr in result[len(self.args):]):
            # PyTorch drops trailing Nones: backward may cover defaulted arguments apply() was not given
            result = result[:len(self.args)]
        if len(result) != len(self.args):
            raise MinigradError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {len(self.args)}, got {len(result)})"
            )
        per_parent: list[Tensor | None] = []
        for i, (arg, gr) in enumerate(zip(self.args, result)):
            if not isinstance(arg, Tensor):
                if gr is not None:  # (PyTorch counts positions from 1 here)
                    raise MinigradError(f"function {self.name()} returned a gradient different than None at "
                                        f"position {i + 1}, but the corresponding forward input was not a "
                                        "Variable")
                continue
            if gr is not None:
                if not isinstance(gr, Tensor):
                    raise MinigradError(f"expected Variable or None (got {type(gr).__name__})")
                try:
                    fits = np.broadcast_shapes(gr.shape, arg.shape) == gr.shape
                except ValueError:
                    fits = False
                if not fits:
                    raise MinigradError(
                        f"Function {self.name()} returned an invalid gradient at index {i} - got "
                        f"{list(gr.shape)} "
                        f"but expected shape compatible with {list(arg.shape)}"
                    )
            per_parent.append(gr)
        return tuple(per_parent)

    def release(self) -> None:
        """Free the inputs and the tensors saved by the user's forward."""
        super().release()
        self.ctx._saved = None


class _OutputNode(ops.Function):
    """One output of a custom Function: files its gradient with the custom node (no formula)."""

    __slots__ = ("custom", "index")
    index: int
    custom: _CustomNode

    def name(self) -> str:
        """The custom function's name, as PyTorch shows it on every output's grad_fn."""
        return self.custom.name()

    def __repr__(self) -> str:
        # PyTorch generates these classes in torch.autograd.function, and its repr names that module
        return f"<{_format.NAMESPACE}.autograd.function.{self.name()} object at {id(self):#x}>"

    def output_index(self) -> int:
        """This output's place among the custom function's outputs."""
        return self.index

    # PyTorch's custom Function has one node for all outputs: hooks and metadata are the custom node's.
    def register_hook(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn(grad_inputs, grad_outputs)`` after the user's backward (see ``Node.register_hook``)."""
        return self.custom.register_hook(fn)

    def register_prehook(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn(grad_outputs)`` before the user's backward (see ``Node.register_prehook``)."""
        return self.custom.register_prehook(fn)

    @property
    def metadata(self) -> dict[Any, Any]:
        """The custom node's metadata dict."""
        return self.custom.metadata

    @property
    def next_functions(self) -> Any:
        """The custom node's: one entry per tensor input, as PyTorch's."""
        return self.custom.next_functions

    def __getattr__(self, name: str) -> Any:
        """The ctx's attributes (``saved_tensors``, ``needs_input_grad``, what forward set): PyTorch's
        node is the ctx."""
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "custom").ctx, name)

    def forward(self, anchor: Array, value: Array, index: int, custom: _CustomNode) -> Array:
        self.index, self.custom = index, custom
        return value

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        prev = self.custom.grads[self.index]
        self.custom.grads[self.index] = g if prev is None else prev + g
        anchor = self.parents[0]
        return (from_numpy(np.zeros((), dtype=anchor.dtype)),)


class Function:
    """Base class of custom differentiable functions, as ``torch.autograd.Function``.

    Subclasses define static ``forward(ctx, *args)`` and ``backward(ctx,
    *grad_outputs)`` (one gradient or None per forward argument), and are
    called through :meth:`apply`. forward runs with grad recording off.
    """

    #: the grad_fn class of the subclass's outputs (``<Name>Backward``), as PyTorch's ``_backward_cls``
    _backward_cls: ClassVar[type[ops.Function]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = _output_node_class(cls)

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """The computation, on tensors, with recording off."""
        raise NotImplementedError("a custom Function must define forward")

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Any) -> None:
        """Fill ``ctx`` from the inputs and output, when forward takes no ctx (PyTorch's newer style)."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """The vector-Jacobian product: a gradient (or None) per forward argument."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward  # PyTorch's other name: a subclass defines one of the two

    @staticmethod
    def jvp(ctx: FunctionCtx, *grad_inputs: Any) -> Any:
        """The Jacobian-vector product for forward mode (:mod:`~minigrad.autograd.forward_ad`): a
        tangent per output from a tangent per forward argument (zeros for a tensor without one, None
        for the rest); ``ctx.saved_tensors`` are then :meth:`FunctionCtx.save_for_forward`'s."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use "
                                  "it with forward mode AD.")

    @classmethod
    def user_backward(cls) -> Callable[..., Any]:
        """The subclass's ``backward``, or its ``vjp``.

        Raises:
            MinigradError: it defines both (PyTorch's RuntimeError).
        """
        backward, vjp = cls.backward, cls.vjp
        if backward is not Function.backward and vjp is not Function.vjp:
            raise MinigradError("Implementing both 'backward' and 'vjp' for a custom Function is not "
                                "allowed. You should only implement one of them.")
        return vjp if vjp is not Function.vjp else backward

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all "
                      "static, so you should invoke them on the class itself. Instantiating an autograd "
                      "function will raise an error in a future version of PyTorch.", DeprecationWarning,
                      stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Calling an instance is the pre-1.3 style, which PyTorch removed.

        Raises:
            MinigradError: always (PyTorch's message): call ``MyFunction.apply(...)``.
        """
        raise MinigradError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward; if grad mode is on and an input requires grad, record the function."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        ctx._records = _mode.record and any(needs)
        separate = cls.setup_context is not Function.setup_context
        with no_grad():
            output = cls.forward(*args, **kwargs) if separate else cls.forward(ctx, *args, **kwargs)
            if separate:
                cls.setup_context(ctx, args, output)
        if ctx._misuse is not None:
            raise MinigradError(ctx._misuse)
        if ctx._dirty:
            returned = {id(o) for o in (output if isinstance(output, tuple) else (output,))}
            if any(isinstance(a, Tensor) and id(a) in ctx._dirty and id(a) not in returned for a in args):
                raise MinigradError("Some elements marked as dirty during the forward method were not "
                                    "returned as output. The inputs that are modified inplace must all be "
                                    "outputs of the Function.")
        if ctx._dirty:  # PyTorch bumps a dirty input's version (and its views') once more, in any grad mode
            for a in args:
                if isinstance(a, Tensor) and id(a) in ctx._dirty:
                    a._write()
        if not (_mode.record and any(needs)):
            _mark_views(cls, args, output, output)
            return output
        result = _record(cls, ctx, args, output)
        _mark_views(cls, args, output, result)
        if cls.jvp is not Function.jvp:
            forward_ad._custom_jvp(cls.jvp, ctx, args, result)
        return result


def _mark_views(cls: type[Function], args: tuple[Any, ...], output: Any, result: Any) -> None:
    """Mark each result that shares an input's memory (a view, an input returned as it is), so a recorded
    in-place change of it raises PyTorch's error: its custom backward would be bypassed."""
    outs, results = (output, result) if isinstance(output, tuple) else ((output,), (result,))
    owners = {memory_owner(a._array): a for a in args if isinstance(a, Tensor)}
    several = sum(isinstance(o, Tensor) for o in outs) > 1
    for i, (o, r) in enumerate(zip(outs, results)):
        if isinstance(o, Tensor) and isinstance(r, Tensor) and o._array.size:
            base = owners.get(memory_owner(o._array))
            if base is not None and r is not base:
                if r._array.base is None:  # (an input returned as it is: a view of its memory, as views are)
                    r._array = r._array.view()
                mark_view(r, base, cls.__name__, i, custom=not several)


def _stand_in(t: Tensor) -> Tensor:
    """A tensor holding ``t``'s place in the graph (its node), so ``t`` itself can take a new one."""
    s = from_numpy(t.numpy(force=True))
    store_requires_grad(s, t.requires_grad)
    s._ctx = t._ctx
    return s


def _record(cls: type[Function], ctx: FunctionCtx, args: tuple[Any, ...], output: Any) -> Any:
    single = not isinstance(output, tuple)
    outs = (output,) if single else output
    # an input marked dirty and returned keeps its identity (PyTorch's rule): the custom node reads a
    # stand-in with the input's old history, and the input itself becomes the output's node
    dirty = [o for o in outs if isinstance(o, Tensor) and id(o) in ctx._dirty and any(o is a for a in args)]
    if ctx._dirty - {id(a) for a in args}:  # (PyTorch warns only when it records the call, as here)
        warnings.warn("ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that "
                      "have been mutated should be passed to ctx.mark_dirty().", UserWarning,
                      stacklevel=user_stacklevel())
    if any(d.requires_grad and d.is_leaf for d in dirty):  # (PyTorch checks after forward ran, as here)
        raise MinigradError("a leaf Variable that requires grad has been used in an in-place operation.")
    stand = {id(d): _stand_in(d) for d in dirty}
    tensors_in = [stand.get(id(a), a) for a in args if isinstance(a, Tensor)]
    diff = [i for i, o in enumerate(outs)
            if isinstance(o, Tensor) and o.dtype.kind == "f" and id(o) not in ctx._non_differentiable]
    dtype = next((a.dtype for a in tensors_in if a.dtype.kind == "f"), np.dtype(np.float32))
    anchor = _CustomNode.apply(*tensors_in, state=(cls, ctx, args, len(outs), dtype))
    node = anchor._ctx
    assert isinstance(node, _CustomNode)
    ctx._non_diff_index = {i for i, o in enumerate(outs) if id(o) in ctx._non_differentiable}
    # materialized zeros take each output's own dtype, as PyTorch's (an int index output gets int zeros)
    ctx._out_meta = [(o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs]
    results = list(outs)
    node_cls = _output_node_class(cls)
    # a tensor made in forward and returned twice comes back as one tensor, the output of its last place;
    # an input returned twice comes back as one new tensor per place (PyTorch's rules)
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    last = {id(outs[i]): i for i in diff}
    for i in reversed(diff):
        j = i if id(outs[i]) in inputs else last[id(outs[i])]
        results[i] = results[j] if j != i else node_cls.apply(anchor, value=outs[i].numpy(force=True),
                                                               index=i, custom=node)
    for i, o in enumerate(outs):  # an input returned as it is comes back as a new tensor, as in PyTorch
        if i not in diff and isinstance(o, Tensor) and any(o is a for a in tensors_in):
            results[i] = from_numpy(o.numpy(force=True))
    for i in diff:  # a dirty input returned: the tensor itself, now the output of this function's node
        if id(outs[i]) in stand:
            outs[i]._ctx = results[i]._ctx
            store_requires_grad(outs[i], True)
            results[i]._ctx.prior = stand[id(outs[i])]  # (for ops that read the input before forward)
            results[i] = outs[i]
            _rebase_base(outs[i], tensors_in)
    # an output saved for backward is saved as the output (with its node), so backward is differentiable
    # through it (PyTorch's exp saving its result: double backward works)
    if ctx._saved and diff:
        by_id = {id(outs[i]): results[i] for i in diff}
        ctx._saved = tuple(by_id.get(id(t), t) for t in ctx._saved)
    return results[0] if single else tuple(results)


def _rebase_base(view: Tensor, tensors_in: list[Tensor]) -> None:
    """A dirty input that is a view of another tensor: that base now holds its new values, so it becomes
    the result of a CopySlices node, as after an in-place op through a view (``Tensor._update``). The
    base's old values are gone by now: ops that read them before the call see the new ones."""
    ref = getattr(view, "_viewbase", None)
    base = ref() if ref is not None else None
    if base is None or base is view or (base.requires_grad and base._ctx is None):
        return
    view._rebase(base, None, base._array.copy(), tuple(tensors_in))
    _extras.stale = True  # the base's other views need its new history


_node_classes: weakref.WeakKeyDictionary[type[Function], type[_OutputNode]] = weakref.WeakKeyDictionary()


def _output_node_class(cls: type[Function]) -> type[_OutputNode]:
    """The grad_fn class of ``cls``'s outputs, named ``<cls>Backward`` as PyTorch's generated class."""
    found = _node_classes.get(cls)
    if found is None:
        found = _node_classes[cls] = type(f"{cls.__name__}Backward", (_OutputNode,), {"__slots__": ()})
    return found


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a custom backward that is not itself differentiable: it runs with recording off."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with no_grad():
            result = fn(*args, **kwargs)
        recorded = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
        if not (_mode.record and recorded):
            return result
        # Recording (create_graph): the gradients join the graph through a node that raises if reached,
        # as PyTorch's, instead of silently having no derivative. Its input is a detached copy made a leaf
        # (PyTorch's fake_requires_grad), so its next_functions show one AccumulateGrad, as PyTorch's.
        message = "trying to differentiate twice a function that was marked with @once_differentiable"
        wrapped = [ops.DelayedError.apply(r.detach().requires_grad_(), message=message)
                   if isinstance(r, Tensor) and r.dtype.kind == "f" else r
                   for r in (result if isinstance(result, tuple) else (result,))]
        return tuple(wrapped) if isinstance(result, tuple) else wrapped[0]

    return wrapper


class InplaceFunction(Function):
    """PyTorch's base for custom Functions that may change an input in place (``ctx.mark_dirty``): an
    instance keeps its ``inplace`` flag; ``apply`` is :meth:`Function.apply`."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
