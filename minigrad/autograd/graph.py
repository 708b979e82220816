"""``torch.autograd.graph``: hooks on the graph's nodes and on the tensors its ops save for backward.

* ``Node``: what every ``grad_fn`` is an instance of, with ``name()``, ``next_functions``,
  ``metadata``, ``register_hook(fn(grad_inputs, grad_outputs))`` and
  ``register_prehook(fn(grad_outputs))``;
* ``saved_tensors_hooks(pack_hook, unpack_hook)``: each tensor an op saves for backward while the
  block is active is passed through ``pack_hook``, and backward reads ``unpack_hook(packed)``;
  ``save_on_cpu`` (minigrad is on the CPU: the identity) and ``disable_saved_tensors_hooks``;
* ``register_multi_grad_hook``, ``increment_version``, ``get_gradient_edge``.

Nothing here costs the ops or the engine anything until used: the ops test
``_extras.pack`` (a list, empty unless a ``saved_tensors_hooks`` block is
active) and the engine ``_extras.nodes`` (False until a node gets a hook or
packed tensors). Which tensors an op saves follows PyTorch where it matters
to hook counts (a product saves each factor only for the other's gradient; an
op whose backward reads its result saves only the result).
"""

from __future__ import annotations

import abc
import gc
import math
import operator
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from minigrad import _tensor_methods as _methods
from minigrad import ops
from minigrad._kernels import memory_owner
from minigrad._tensor_methods import provide
from minigrad.errors import MinigradError
from minigrad.grad_mode import _extras, _mode, enable_grad, no_grad
from minigrad.tensor import Tensor, _HookHandle, from_numpy, store_requires_grad

__all__ = [
    "GradientEdge", "Node", "allow_mutation_on_saved_tensors", "disable_saved_tensors_hooks",
    "get_gradient_edge", "increment_version", "register_multi_grad_hook", "save_on_cpu",
    "saved_tensors_hooks",
]  # fmt: skip

Grads = tuple[Tensor | None, ...]


class Node(abc.ABC):
    """The type of every ``grad_fn`` (and of ``AccumulateGrad``), as ``torch.autograd.graph.Node``:
    ``isinstance(t.grad_fn, Node)`` holds; the methods live on minigrad's node classes."""

    @abc.abstractmethod
    def name(self) -> str:
        """The node's name, as PyTorch prints it (``MulBackward0``)."""


Node.register(ops.Function)
Node.register(ops.AccumulateGrad)


class NodeExtras:
    """What a node carries once given a hook, metadata or packed saved tensors (its ``hooks`` slot)."""

    __slots__ = ("metadata", "post", "pre", "saved", "unpack")

    def __init__(self) -> None:
        self.pre: dict[int, Callable[[Grads], Any]] = {}
        self.post: dict[int, Callable[[Grads, Grads], Any]] = {}
        self.metadata: dict[Any, Any] = {}
        self.saved: list[tuple[int, Any]] | None = None  # (input index, or -1 for the result; packed)
        self.unpack: Callable[[Any], Any] | None = None


def extras(node: ops.Function) -> NodeExtras:
    """The node's extras, made on first use (and the engine told to look for them)."""
    found = getattr(node, "hooks", None)
    if found is None:
        found = node.hooks = NodeExtras()
        _extras.nodes = True
    return found


# ------------------------------------------------------------------ saved tensors hooks


class _SavedHooksState(threading.local):
    disabled: str | None = None  # the message of the innermost disable_saved_tensors_hooks


_state = _SavedHooksState()


def _saved_indices(fn: ops.Function, inputs: Sequence[Tensor]) -> list[int]:
    """Which of the op's tensors its backward keeps: input indices, -1 for the result.

    A 0-d constant (a Python number the op lifted to a tensor) is not a saved tensor, as PyTorch's
    wrapped numbers are not.
    """
    if fn.reads_output and ops.op_class(fn) is not ops.Pow:
        return [-1]
    if not fn.reads_inputs:
        return []
    # only what backward reads (a product's factor is kept for the other factor's gradient alone: x @ w
    # with x needing no gradient keeps x, not w, as PyTorch's mm)
    keep = [i for i, t in enumerate(inputs)
            if (t.ndim or t.requires_grad or t._ctx is not None) and fn.reads_input(i)]
    return [*keep, -1] if fn.reads_output else keep


_PACK_IN_PLACE = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook can "
    "not be modified by in-place operations as this can lead to unexpected side-effects. Please open an "
    "issue if you need to perform in-place operations on the input to a pack hook."
)


def pack_saved(fn: ops.Function, inputs: Sequence[Tensor], out: Tensor) -> None:
    """Run the active pack hook on each tensor the new node ``fn`` saves (the ops call this only
    inside a ``saved_tensors_hooks`` block).

    Raises:
        MinigradError: the pack hook modified its input in place (PyTorch's error).
    """
    pack, unpack = _extras.pack[-1]
    saved = []
    for i in _saved_indices(fn, inputs):
        t = out if i == -1 else inputs[i]
        before = t._version
        with no_grad():  # as PyTorch runs pack hooks: what a hook computes records nothing (no recursion)
            packed = pack(t)
        if t._version != before:
            raise MinigradError(_PACK_IN_PLACE)
        saved.append((i, packed))
    if saved:
        ex = extras(fn)
        ex.saved, ex.unpack = saved, unpack


def pack_input(t: Tensor) -> Any:
    """``t`` through the active pack hook, as a custom Function's ``save_for_backward`` passes it
    (checkpoint's saved inputs).

    Raises:
        MinigradError: the pack hook modified its input in place (PyTorch's error).
    """
    pack = _extras.pack[-1][0]
    before = t._version
    with no_grad():
        packed = pack(t)
    if t._version != before:
        raise MinigradError(_PACK_IN_PLACE)
    return packed


class saved_tensors_hooks:  # noqa: N801 - PyTorch's name
    """Context manager: tensors saved for backward inside it go through ``pack_hook``; backward
    reads ``unpack_hook(packed)`` instead of the tensor (the gradient is that of the unpacked values).

    Args:
        pack_hook: ``fn(tensor) -> anything``; must not modify the tensor in place.
        unpack_hook: ``fn(packed) -> Tensor`` with the saved tensor's values.

    Raises:
        MinigradError: entered inside ``disable_saved_tensors_hooks`` (its message).
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> None:
        if _state.disabled is not None:
            raise MinigradError(_state.disabled)
        _extras.pack.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc: object) -> None:
        pair = (self.pack_hook, self.unpack_hook)
        for i in range(len(_extras.pack) - 1, -1, -1):  # its own entry (an unbalanced exit must not crash)
            if _extras.pack[i] == pair:
                del _extras.pack[i]
                break


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 - PyTorch's name
    """``saved_tensors_hooks`` that keep saved tensors in CPU memory: minigrad's tensors always are,
    so they are kept as they are (``pin_memory`` and ``device_type`` are accepted and ignored)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


@contextmanager
def disable_saved_tensors_hooks(error_message: str) -> Iterator[None]:
    """Inside this block, entering ``saved_tensors_hooks`` raises ``error_message``.

    Raises:
        MinigradError: saved tensors hooks are active already (with ``error_message``).
    """
    if _extras.pack:
        raise MinigradError(error_message)
    prev = _state.disabled
    _state.disabled = error_message
    try:
        yield
    finally:
        _state.disabled = prev


def unpacked(node: ops.Function, ex: NodeExtras, out: Tensor,
             read: Sequence[Tensor] | None = None) -> tuple[tuple[Tensor, ...], Tensor]:
    """The node's inputs (``read``: as it read them, the engine's view of inputs changed in place since)
    and result with the unpack hook's values in place of the packed ones.

    Each replacement has the original's role in the graph: when backward is recorded
    (``create_graph``) it is an identity op's result on the original, so second-order
    gradients reach the original.
    """
    parents = list(node.parents if read is None else read)
    assert ex.unpack is not None and ex.saved is not None
    for i, packed in ex.saved:
        value = ex.unpack(packed)
        if not isinstance(value, Tensor):
            raise TypeError(f"unpack_hook should return a Tensor, got {type(value).__name__}")
        original = out if i == -1 else parents[i]
        if value is not original:
            value = _stand_in(original, value)
        if i == -1:
            out = value
        else:
            parents[i] = value
    return tuple(parents), out


def _stand_in(original: Tensor, value: Tensor) -> Tensor:
    if _mode.record and original.requires_grad:
        return ops.Substitute.apply(original, value=value.numpy(force=True))
    t = from_numpy(value.numpy(force=True))
    store_requires_grad(t, original.requires_grad)
    t._ctx = original._ctx
    return t


#: PyTorch's nodes that keep their result for backward (``_saved_result``) where minigrad's last op of the
#: composition does not read it (the primitives that do say so: ``reads_output``)
_KEEPS_RESULT = frozenset({"PowBackward1", "PowBackward2", "ProdBackward0", "MaxBackward1", "MinBackward1",
                           "LogsumexpBackward0", "LinalgVectorNormBackward0", "NormBackward1",
                           "CumprodBackward0"})


#: PyTorch's nodes that keep their input's sizes (``_saved_self_sym_sizes``), a tuple of ints
_KEEPS_SIZES = frozenset({"SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1", "ViewBackward0",
                          "ExpandBackward0", "SqueezeBackward0"})


def _unsigned(dim: Any) -> int:
    """A dim as PyTorch's node attributes show it: a negative one as its unsigned 64-bit int."""
    d = operator.index(dim)
    return d + 2**64 if d < 0 else d


#: PyTorch's names of a matrix product's saved factors -> the input they are
_PRODUCT_FACTORS = {("MmBackward0", "self"): 0, ("MmBackward0", "mat2"): 1, ("AddmmBackward0", "mat1"): 1,
                    ("AddmmBackward0", "mat2"): 2}


def _saved_argument(node: ops.Function, label: str, key: str, inputs: Sequence[Tensor]) -> Any:
    """The non-tensor arguments PyTorch's node keeps (``_saved_dim``, ``_saved_keepdim``,
    ``_saved_self_sym_sizes``, ...), from what minigrad's node holds; AttributeError where it keeps none.
    Dims as given (the op keeps them in ``given`` where they differ from its normalized ones), a negative
    one wrapped to an unsigned 64-bit int, as PyTorch shows it (-1: 2**64 - 1)."""
    cls = ops.op_class(node)
    reduction = cls in (ops.Sum, ops.Mean) and label in ("SumBackward1", "MeanBackward1")
    given = getattr(node, "given", None)
    if key == "dim" and reduction:
        dims = node.dims if given is None else given if isinstance(given, (tuple, list)) else (given,)
        return tuple(_unsigned(d) for d in dims)
    if key == "keepdim" and reduction:
        return bool(node.keepdim)
    if key == "dim" and cls in (ops.Cat, ops.Stack) and label in ("CatBackward0", "StackBackward0"):
        return _unsigned(node.dim if given is None else given)
    if key in ("dim0", "dim1") and cls is ops.Permute and label == "TransposeBackward0":
        swapped = given or [i for i, d in enumerate(node.dims) if i != d]
        return _unsigned(swapped[0 if key == "dim0" else 1])
    if key in ("self_sym_sizes", "self_sym_numel") and (label in _KEEPS_SIZES if key == "self_sym_sizes"
                                                         else label in ("MeanBackward0", "MeanBackward1")):
        if not inputs:  # (minigrad's node drops its inputs when backward frees it)
            raise ops.released_error(node)
        shape = tuple(int(n) for n in inputs[0].shape)
        return shape if key == "self_sym_sizes" else math.prod(shape)
    raise AttributeError(f"'{type(node).__name__}' object has no attribute '_saved_{key}'")


def saved_attribute(node: ops.Function, name: str) -> Any:
    """``grad_fn._saved_self`` / ``_saved_other`` / ``_saved_result`` / ``_saved_exponent`` /
    ``_saved_alpha`` (and ``_raw_saved_*``): what the node keeps for backward, unpacked as backward would see
    it, as PyTorch's (None for a factor PyTorch did not need to keep: ``(a * 2).grad_fn._saved_self``); and
    the arguments it keeps (``_saved_dim``, ``_saved_keepdim``, ``_saved_self_sym_sizes``,
    ``_saved_dim0``/``_saved_dim1``), found when asked: nothing is stored for them.

    Raises:
        AttributeError: the node keeps no such tensor.
        MinigradError: a backward freed it (PyTorch's error), or ``_saved_result`` of a node whose result
            is no longer alive (minigrad's nodes do not hold their result).
    """
    if not node.parents and name.endswith(("_self", "_other", "_result", "_exponent", "_mat1", "_mat2")):
        raise ops.released_error(node)
    raw = name.startswith("_raw_saved_")
    key = name[len("_raw_saved_" if raw else "_saved_"):]
    index = {"self": 0, "other": 1, "result": -1}.get(key)
    product = None if getattr(node, "label", "") else _PRODUCT_FACTORS.get((node.name(), key))
    if product is not None:
        index = product
    ex = getattr(node, "hooks", None)
    if index is not None and ex is not None and ex.saved is not None:
        for i, packed in ex.saved:
            if i == index:
                assert ex.unpack is not None
                return SavedTensor._of(packed, ex.unpack) if raw else ex.unpack(packed)
    label, inputs = node.name(), getattr(node, "label_inputs", None) or node.parents
    if product is not None and not raw:
        # a matrix product keeps each factor only for the other's gradient: None for one it did not need
        return inputs[product] if node.reads_input(product) else None
    if raw:
        pass  # (the packed forms exist only under saved_tensors_hooks, above)
    elif key == "exponent" and label.startswith("PowBackward"):
        if isinstance(node, ops.PowScalar):
            return node.p  # (the number as given: 2, or 2.0)
        index = 1
    elif key == "alpha" and ops.op_class(node) in (ops.Add, ops.Sub):
        return 1
    elif index == -1 and (node.reads_output or label in _KEEPS_RESULT):
        return _result_of(node)
    if index is not None and index >= 0 and not getattr(node, "label", "") and \
            getattr(ops.op_class(node), "reads_inputs", True) is False:
        index = None  # (an op that never reads its inputs, as PyTorch's node of it keeps none: AddBackward0)
    if index is not None and 0 <= index < len(inputs):
        if label == "PowBackward2" and index == 0:
            return inputs[0].item()  # (the number of number ** x: a Scalar to PyTorch)
        # a product keeps each factor only for the other's gradient; a quotient its divisor always
        if label in ("MulBackward0", "DivBackward0") and len(inputs) == 2 and \
                not inputs[1 - index].requires_grad and not (label == "DivBackward0" and index == 1):
            return None
        return inputs[index]
    if not raw and index is None:
        return _saved_argument(node, label, key, inputs)
    raise AttributeError(f"'{type(node).__name__}' object has no attribute '{name}'")


def _result_of(node: ops.Function) -> Tensor:
    """The tensor ``node`` made, found among the objects referring to the node (the node does not hold
    its result, which would keep every graph in a reference cycle; this runs only when asked)."""
    for ref in gc.get_referrers(node):
        if isinstance(ref, Tensor) and ref._ctx is node:
            node.check_output_version(ref)  # (changed in place since: PyTorch's error on unpacking it)
            return ref
    raise MinigradError(f"{node.name()}._saved_result: the result is no longer alive (minigrad's nodes do "
                        "not keep it; read it while the result exists)")


class SavedTensor:
    """``grad_fn._raw_saved_*``: one packed saved tensor, as ``torch.autograd.SavedTensor`` (made by the
    graph only).

    Raises:
        MinigradError: constructed from Python (PyTorch's error).
    """

    _packed: Any
    _unpack: Callable[[Any], Any]

    def __init__(self) -> None:
        raise MinigradError("Trying to create a SavedTensor object from Python is forbidden.")

    @classmethod
    def _of(cls, packed: Any, unpack: Callable[[Any], Any]) -> SavedTensor:
        saved: SavedTensor = object.__new__(cls)
        saved._packed, saved._unpack = packed, unpack
        return saved

    def register_hooks(self, pack_hook: Callable[[Tensor], Any],
                       unpack_hook: Callable[[Any], Tensor]) -> None:
        """Hooks may be registered once per saved tensor; minigrad's already have theirs.

        Raises:
            MinigradError: always (PyTorch's error for a second registration).
        """
        raise MinigradError("Calling register_hooks on a saved tensor whose hooks were already set")


# ------------------------------------------------------------------ allow_mutation_on_saved_tensors

_TID = tuple[int, int, int]  # a tensor at one version: (id, address of its first element, version)
_OUTSIDE = ("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context in which the graph "
            "was originally recorded.")


class _Handle:
    """What the pack hook gives a saved tensor's node: it lives as long as the node keeps it."""


class _AllowMutationOnSavedContext:
    """The state of one ``allow_mutation_on_saved_tensors`` block, under PyTorch's names: ``original``
    maps each live saved tensor's handle to the tensor, ``cloned`` to a copy of its values made before
    its first change in place; ``tid_to_weakhandle`` finds a tensor's handle (by its id, address and
    version), ``sid_to_tid`` the saved tensors over one block of memory (by its owner's id).
    A node freed by backward (or dropped) takes its handles, and their entries, with it."""

    def __init__(self) -> None:
        self.cloned: weakref.WeakKeyDictionary[_Handle, Tensor] = weakref.WeakKeyDictionary()
        self.original: weakref.WeakKeyDictionary[_Handle, Tensor] = weakref.WeakKeyDictionary()
        self.tid_to_weakhandle: weakref.WeakValueDictionary[_TID, _Handle] = weakref.WeakValueDictionary()
        self.sid_to_tid: dict[int, set[_TID]] = {}

    def clear(self) -> None:
        """Forget every saved tensor (the block ended)."""
        self.cloned.clear()
        self.original.clear()
        self.tid_to_weakhandle.clear()
        self.sid_to_tid.clear()

    def pack(self, t: Tensor) -> _Handle:
        """The pack hook: one handle per tensor and version, however often it is saved."""
        tid = (id(t), t.data_ptr(), t._version)
        self.sid_to_tid.setdefault(memory_owner(t._array), set()).add(tid)
        handle = self.tid_to_weakhandle.get(tid)
        if handle is None:
            handle = self.tid_to_weakhandle[tid] = _Handle()
            self.original[handle] = t
        return handle

    def unpack(self, handle: _Handle) -> Tensor:
        """The unpack hook: the tensor, or the copy of its values made before it changed.

        Raises:
            AssertionError: backward runs outside the block that recorded the graph (PyTorch's error).
        """
        if _extras.mutation is None:
            raise AssertionError(_OUTSIDE)
        found = self.cloned.get(handle)
        if found is None:
            found = self.original.get(handle)
            if found is None:
                raise AssertionError(_OUTSIDE)
        return found

    def before_write(self, t: Tensor) -> None:
        """Copy the values of every live saved tensor over ``t``'s memory that was not copied yet."""
        for tid in self.sid_to_tid.get(memory_owner(t._array), ()):
            handle = self.tid_to_weakhandle.get(tid)
            if handle is None or handle in self.cloned:
                continue  # freed by a backward since, or copied already
            self.cloned[handle] = from_numpy(self.original.pop(handle)._array.copy())


@contextmanager
def allow_mutation_on_saved_tensors() -> Iterator[_AllowMutationOnSavedContext]:
    """Inside this block a tensor saved for backward may be changed in place: its values are copied
    before the first change, and backward reads the copy (PyTorch's context manager). Run the backward
    inside the same block. Writes made directly into ``.numpy()``'s memory are not seen.

    Raises:
        MinigradError: the block is entered inside another one (PyTorch's error).
        AssertionError: (in backward) the graph was recorded in another block.
    """
    if _extras.mutation is not None:
        raise MinigradError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()
    with saved_tensors_hooks(ctx.pack, ctx.unpack):
        _extras.mutation = ctx.before_write
        try:
            yield ctx
        finally:
            ctx.clear()
            _extras.mutation = None


# ------------------------------------------------------------------ node hooks


def register_node_hook(node: ops.Function, fn: Callable[..., Any], pre: bool) -> _HookHandle:
    """``node.register_hook`` / ``register_prehook``: keep ``fn`` on the node; the handle removes it."""
    ex = extras(node)
    hooks: dict[int, Any] = ex.pre if pre else ex.post
    handle = _HookHandle(hooks)
    hooks[handle.id] = fn
    return handle


def run_node(node: ops.Function, g: Tensor, t: Tensor,
             read: Sequence[Tensor] | None = None) -> tuple[Tensor | None, ...]:
    """``node.backward(g, t)`` with its pre-hooks, packed saved tensors and hooks (the engine's path
    for a node that has extras; ``read``: its inputs as it read them)."""
    ex: NodeExtras = node.hooks
    custom = getattr(node, "grads", None) if hasattr(node, "fn_cls") else None
    for hook in list(ex.pre.values()):
        grad_outputs = tuple(custom) if custom is not None else (g,)
        new = hook(grad_outputs)
        if new is not None:
            if custom is not None:
                custom[:] = list(new)
            else:
                g = new[0]
    grad_outputs = tuple(custom) if custom is not None else (g,)
    if ex.saved is not None:
        parents = node.parents
        node.parents, out = unpacked(node, ex, t, read)
        try:
            grads = node.backward(g, out)
        finally:
            node.parents = parents
    else:
        grads = node.backward(g, t)
    for post in list(ex.post.values()):
        new = post(grads, grad_outputs)
        if new is not None:
            if len(new) != len(grads):
                name = getattr(post, "__name__", post)
                raise MinigradError(f"hook '{name}' has returned an incorrect number of values (got "
                                    f"{len(new)}, but expected {len(grads)})")
            grads = tuple(new)
    return grads


def node_metadata(node: ops.Function) -> dict[Any, Any]:
    """``grad_fn.metadata``: a dict kept on the node for the user."""
    return extras(node).metadata


# ------------------------------------------------------------------ tensors

# id(tensor) -> (a weak reference that drops the entry with the tensor, its hooks by handle id). Not a
# WeakKeyDictionary: that compares keys with ==, which is elementwise on tensors.
_post_accumulate: dict[int, tuple[weakref.ref[Tensor], dict[int, Callable[[Tensor], None]]]] = {}


def register_post_accumulate_grad_hook(tensor: Tensor, hook: Callable[[Tensor], None]) -> _HookHandle:
    """``Tensor.register_post_accumulate_grad_hook``: call ``hook(tensor)`` after backward has
    accumulated into ``tensor.grad`` (an optimizer step inside backward, say).

    Raises:
        MinigradError: the tensor is not a leaf, or does not require grad (PyTorch's errors).
    """
    if not tensor.requires_grad:
        raise MinigradError("cannot register a hook on a tensor that doesn't require gradient")
    if tensor._ctx is not None:
        raise MinigradError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    key = id(tensor)
    if key not in _post_accumulate:
        def forget(_: object, k: int = key) -> None:
            _post_accumulate.pop(k, None)
        _post_accumulate[key] = (weakref.ref(tensor, forget), {})
    hooks = _post_accumulate[key][1]
    handle = _HookHandle(hooks)
    hooks[handle.id] = hook
    _extras.post_accumulate = True
    return handle


def run_post_accumulate_hooks(leaf: Tensor) -> None:
    """Call the leaf's post-accumulate-grad hooks, in order of registration.

    Raises:
        TypeError: a hook returned something other than None or a Tensor (PyTorch's error).
        MinigradError: a hook returned a Tensor other than the leaf itself (PyTorch's error).
    """
    entry = _post_accumulate.get(id(leaf))
    for hook in list(entry[1].values()) if entry is not None else ():
        out = hook(leaf)
        # PyTorch lets a hook return the leaf itself (``lambda p: p.add_(...)``, the optimizer-in-backward
        # pattern, returns it), only another value is an error
        if out is None or out is leaf:
            continue
        if not isinstance(out, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
        raise MinigradError("Tensor post accumulate grad hooks should return None.")


# id(leaf) -> (a weak reference that drops the entry with the leaf, its AccumulateGrad's pre-hooks, its
# hooks): kept with the leaf rather than on the node object, which minigrad's graph does not hold (PyTorch's
# graph does: ``y.grad_fn.next_functions[0][0].register_hook(f)`` then ``y.backward()`` runs f).
_accumulator_hooks: dict[int, tuple[weakref.ref[Tensor], dict[int, Callable[..., Any]],
                                    dict[int, Callable[..., Any]]]] = {}


def register_accumulator_hook(leaf: Tensor, fn: Callable[..., Any], pre: bool) -> _HookHandle:
    """``AccumulateGrad.register_prehook`` / ``register_hook`` for ``leaf``'s node: ``fn(grad_outputs)``
    before the gradient is accumulated into ``leaf.grad`` (a returned tuple replaces it), or
    ``fn(grad_inputs, grad_outputs)`` after (``grad_inputs`` is ``()``; only None or ``()`` may be
    returned). Run by backward, not by ``autograd.grad`` (which accumulates nothing), as PyTorch's."""
    key = id(leaf)
    if key not in _accumulator_hooks:
        def forget(_: object, k: int = key) -> None:
            _accumulator_hooks.pop(k, None)
        _accumulator_hooks[key] = (weakref.ref(leaf, forget), {}, {})
    entry = _accumulator_hooks[key]
    hooks = entry[1] if pre else entry[2]
    handle = _HookHandle(hooks)
    hooks[handle.id] = fn
    _extras.post_accumulate = _extras.leaf_hooks = True  # (the engine's one test for leaves with hooks)
    return handle


def _hook_result(hook: Callable[..., Any], new: Any, expected: int) -> None:
    """PyTorch's errors for a node hook's return value other than None or a tuple of ``expected`` items.

    Raises:
        TypeError: not a tuple.
        MinigradError: a tuple of another length.
    """
    if not isinstance(new, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != expected:
        name = getattr(hook, "__name__", hook)
        raise MinigradError(f"hook '{name}' has returned an incorrect number of values (got {len(new)}, but "
                            f"expected {expected})")


def accumulate_hooked(leaf: Tensor, g: Tensor, accumulate: Callable[[Tensor], None]) -> None:
    """What the leaf's AccumulateGrad node does when some leaf has hooks: its pre-hooks (each may replace
    the gradient; None stops it), ``accumulate(g)``, the leaf's post-accumulate-grad hooks, then its
    node's hooks (PyTorch's order).

    Raises:
        TypeError, MinigradError: a hook returned a value PyTorch refuses (see :func:`_hook_result`).
    """
    entry = _accumulator_hooks.get(id(leaf))
    grad: Tensor | None = g
    for hook in list(entry[1].values()) if entry is not None else ():
        new = hook((grad,))
        if new is not None:
            _hook_result(hook, new, 1)
            grad = new[0]
    if grad is None:  # (a pre-hook dropped it: nothing reaches .grad, as PyTorch's undefined gradient)
        return
    accumulate(grad)
    run_post_accumulate_hooks(leaf)
    for hook in list(entry[2].values()) if entry is not None else ():
        new = hook((), (grad,))
        if new is not None:
            _hook_result(hook, new, 0)


def increment_version(tensor: Tensor | Sequence[Tensor]) -> None:
    """Bump the version counter of ``tensor`` (or of each of a list), as an in-place op would."""
    for t in [tensor] if isinstance(tensor, Tensor) else tensor:
        t._write()


class GradientEdge(NamedTuple):
    """A place in the graph where a gradient arrives: ``(node, output_nr)``, as PyTorch's."""

    node: Any
    output_nr: int


def get_gradient_edge(tensor: Tensor) -> GradientEdge:
    """The edge ``tensor``'s gradient flows through: ``(grad_fn, 0)``, or ``(AccumulateGrad, 0)``
    for a leaf that requires grad.

    Raises:
        MinigradError: the tensor does not require grad.
    """
    if not tensor.requires_grad:
        raise MinigradError("It is not possible to get the gradient edge for a Tensor that does not require "
                            "gradients")
    return GradientEdge(tensor._ctx if tensor._ctx is not None else ops.grad_accumulator(tensor), 0)


class _MultiHandle(_HookHandle):
    def __init__(self, handles: list[Any]) -> None:
        super().__init__({})
        self.handles = handles

    def remove(self) -> None:
        """Remove the hook from every tensor."""
        for h in self.handles:
            h.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable[..., None], *,
                             mode: str = "all") -> _HookHandle:
    """Call ``fn`` once per backward pass when gradients of ``tensors`` were computed.

    ``mode="all"``: ``fn(grads)`` with one entry per tensor (None for those the pass did not
    reach), after the last of them arrives; ``mode="any"``: ``fn(grad)`` with the first gradient.

    Raises:
        ValueError: ``mode`` is not ``"all"`` or ``"any"``.
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = list(tensors)
    count = len(tensors)
    # per backward pass: the gradients so far, and whether the pass's end is already queued. A tensor
    # the pass does not reach never calls its hook, so "all" ends with the pass (PyTorch fires once the
    # tensors the pass will reach have their gradients), and "any" may fire again in the next pass
    state: dict[str, Any] = {"grads": [None] * count, "queued": False}

    def end_of_pass() -> None:
        grads, state["grads"], state["queued"] = state["grads"], [None] * count, False
        if mode == "all":
            fn(tuple(grads))

    def make(i: int) -> Callable[[Tensor], None]:
        def hook(grad: Tensor) -> None:
            first = not state["queued"]
            if first:
                state["queued"] = True
                _methods.engine.queue_callback(end_of_pass)  # (the engine imports this module)
            if mode == "any":
                if first:
                    fn(grad)
                return
            state["grads"][i] = grad
        return hook

    return _MultiHandle([t.register_hook(make(i)) for i, t in enumerate(tensors) if t.requires_grad])


provide(sys.modules[__name__])  # the ops and the Tensor reach this module through _tensor_methods


def view_positions(base: Any, view: Any) -> Any:
    """Per element of the numpy array ``view``, the position (C order) in ``base`` of the element it shares
    memory with; None when ``base``'s own elements overlap (an expanded dim) or ``view`` reaches memory
    outside ``base``."""
    if not (base.flags.c_contiguous or base.flags.f_contiguous):
        return _strided_positions(base, view)
    item = base.itemsize
    offset = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // item
    ids = np.arange(base.size).reshape(base.shape)  # each element's position in C order, in memory order:
    flat = (ids if base.flags.c_contiguous else np.asfortranarray(ids)).ravel(order="K")
    return np.array(np.lib.stride_tricks.as_strided(
        flat[offset:], shape=view.shape, strides=tuple(st // item * flat.itemsize for st in view.strides)))


def _offsets(a: Any, start: int) -> Any:
    """The byte offset of each element of the numpy array ``a`` (C order) from ``start`` + its first."""
    out = np.full(a.shape, start, dtype=np.int64)
    for d, (n, st) in enumerate(zip(a.shape, a.strides)):
        out += (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (a.ndim - d - 1))
    return out.ravel()


def _strided_positions(base: Any, view: Any) -> Any:
    """:func:`view_positions` for a non-contiguous ``base`` (a slice of a larger tensor, whose view
    ``x[:, :3][..., 0]`` was written in place): elements matched by their memory addresses."""
    if any(st == 0 and n > 1 for n, st in zip(base.shape, base.strides)):
        return None
    here = _offsets(base, 0)
    order = np.argsort(here, kind="stable")
    known = here[order]
    wanted = _offsets(view, view.__array_interface__["data"][0] - base.__array_interface__["data"][0])
    k = np.searchsorted(known, wanted)
    if known.size == 0 or np.any(k >= known.size) or np.any(known[np.minimum(k, known.size - 1)] != wanted):
        return None
    return order[k].reshape(view.shape)


def refresh_views(tensors: Sequence[Any]) -> None:
    """Give every view in ``tensors`` whose base changed in place (recorded) since the view was made the
    base's new history, as PyTorch regenerates a view's grad_fn then (AsStridedBackward0 of the base).

    Runs only once such a change happened (``_extras.stale``, set by ``Tensor._update``). The view's old
    history stays with a stand-in (``prior`` of the new node) that ops recorded before keep sending their
    gradients to; the view's version is bumped, as a view shares its base's counter in PyTorch.
    """
    for t in tensors:
        if isinstance(t, Tensor) and t._array.base is not None:
            _refresh(t)


def _refresh(t: Tensor) -> None:
    ref = getattr(t, "_viewbase", None)
    base = ref() if ref is not None else None
    if base is None and ref is not None:  # (a base that is gone: its stand-in, if an in-place op rebased it)
        base = getattr(ref, "standin", None)
    if base is None or base._ctx is None or base is t:
        return
    ctx = t._ctx
    if ctx is not None and ctx.seq > base._ctx.seq:
        return  # made (or regenerated) after the base's last change
    if ctx is None and not became_recorded(base):
        return  # a view made under no_grad of a base that had a history already
    pos = view_positions(base._array, t._array)
    if pos is None:
        return
    if isinstance(ref, _methods.CreationRef):  # (split's, unbind's or a custom Function's view)
        if not _mode.grad:
            return  # (no history needed: PyTorch lets it be read under no_grad)
        raise _methods.view_inplace_error(t, ref, base_changed=True)
    old = from_numpy(t._array)
    store_requires_grad(old, t.requires_grad)
    old._ctx, old._hooks = ctx, t._hooks
    # the stand-in shares the view's version counter (it is the view, as the old history saw it): an op
    # that saved the view as its result (relu_ on it) sees the base's writes, now and later, as PyTorch's
    # shared counter shows them, and its backward refuses to run
    t._share_version(old)
    with enable_grad():
        fresh = base.reshape(-1)[from_numpy(pos)]
    assert fresh._ctx is not None
    # PyTorch's regenerated view node: one AsStridedBackward0 whose edge is the base's grad_fn
    fresh._ctx.label, fresh._ctx.label_inputs = "AsStridedBackward0", (base,)
    fresh._ctx.prior = old
    t._ctx, t._hooks = fresh._ctx, None
    store_requires_grad(t, True)
    t._bump_version()  # (so ops recorded before read the stand-in, with its old history)


def became_recorded(base: Tensor) -> bool:
    """Whether ``base`` got its history from an in-place op on it while it had none (so a view of it
    without history may have been made in grad mode before that, not under no_grad)."""
    ctx = base._ctx
    while ctx is not None:
        prior = getattr(ctx, "prior", None)
        if prior is None:
            return False
        ctx = prior._ctx
    return True
