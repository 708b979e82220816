"""``torch.utils._pytree``: flatten nested containers of tensors into a list of leaves and back.

PyTorch keeps this module private, but libraries written against its API import it (ema_pytorch's
``EMAPytree`` flattens a model's tensors with ``tree_flatten``). A pytree is a leaf or a node: a
tuple, list, dict, ``OrderedDict``, ``defaultdict``, ``deque``, namedtuple (or a type given to
:func:`register_pytree_node`) whose children are pytrees. ``None`` is a leaf, as in PyTorch.

    >>> leaves, spec = tree_flatten({"a": [1, 2], "b": (3,)})
    >>> leaves
    [1, 2, 3]
    >>> tree_unflatten([x * 10 for x in leaves], spec)
    {'a': [10, 20], 'b': (30,)}
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from minigrad import return_types
from minigrad.size import Size

__all__ = [
    "GetAttrKey", "LeafSpec", "MappingKey", "SequenceKey", "TreeSpec", "keystr", "register_pytree_node",
    "tree_all", "tree_any", "tree_flatten", "tree_flatten_with_path", "tree_iter", "tree_leaves", "tree_map",
    "tree_map_", "tree_map_only", "tree_structure", "tree_unflatten",
]  # fmt: skip

PyTree = Any  # PyTorch's annotation of a pytree argument (torchjd's autogram imports it)
Context = Any
FlattenFn = Callable[[Any], tuple[list[Any], Context]]
UnflattenFn = Callable[[Iterable[Any], Context], Any]
FlattenWithKeysFn = Callable[[Any], tuple[list[tuple[Any, Any]], Context]]


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """The key of a child of a list, tuple or deque in a key path: its index (prints ``[idx]``)."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"

    def get(self, sequence: Any) -> Any:
        """The child of ``sequence`` this key names."""
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    """The key of a dict's child in a key path (prints ``[key]``, the key's repr)."""

    key: Any

    def __str__(self) -> str:
        return f"[{self.key!r}]"

    def get(self, mapping: Any) -> Any:
        """The child of ``mapping`` this key names."""
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """The key of a namedtuple's field in a key path (prints ``.name``)."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"

    def get(self, obj: Any) -> Any:
        """The attribute of ``obj`` this key names."""
        return getattr(obj, self.name)


class _Node(NamedTuple):
    flatten: FlattenFn
    unflatten: UnflattenFn
    flatten_with_keys_fn: FlattenWithKeysFn | None = None


class namedtuple:  # noqa: N801 - the name PyTorch's specs print
    """The node type standing for every namedtuple class (the spec's context is the class)."""


def _defaultdict_unflatten(values: Iterable[Any], context: Context) -> Any:
    factory, keys = context
    return defaultdict(factory, zip(keys, values))


def _indexed(flatten: FlattenFn) -> FlattenWithKeysFn:
    def with_keys(tree: Any) -> tuple[list[tuple[Any, Any]], Context]:
        children, context = flatten(tree)
        return [(SequenceKey(i), c) for i, c in enumerate(children)], context
    return with_keys


def _keyed(tree: Any) -> tuple[list[tuple[Any, Any]], Context]:
    return [(MappingKey(k), v) for k, v in tree.items()], list(tree)


def _sequence(kind: type) -> _Node:
    """A node flattening a ``return_types`` class as PyTorch does its struct sequences: no context."""
    return _Node(_tuple_flatten, lambda v, c: kind(*v), _indexed(_tuple_flatten))


def _tuple_flatten(t: Any) -> tuple[list[Any], Context]:
    return list(t), None


def _deque_flatten(d: Any) -> tuple[list[Any], Context]:
    return list(d), d.maxlen


def _defaultdict_flatten(d: Any) -> tuple[list[Any], Context]:
    return list(d.values()), [d.default_factory, list(d)]


def _namedtuple_flatten(t: Any) -> tuple[list[Any], Context]:
    return list(t), type(t)


SUPPORTED_NODES: dict[Any, _Node] = {
    tuple: _Node(_tuple_flatten, lambda v, c: tuple(v), _indexed(_tuple_flatten)),
    list: _Node(_tuple_flatten, lambda v, c: list(v), _indexed(_tuple_flatten)),
    dict: _Node(lambda d: (list(d.values()), list(d)), lambda v, c: dict(zip(c, v)), _keyed),
    namedtuple: _Node(_namedtuple_flatten, lambda v, c: c(*v),
                      lambda t: ([(GetAttrKey(f), v) for f, v in zip(t._fields, t)], type(t))),
    OrderedDict: _Node(lambda d: (list(d.values()), list(d)), lambda v, c: OrderedDict(zip(c, v)), _keyed),
    defaultdict: _Node(_defaultdict_flatten, _defaultdict_unflatten,
                       lambda d: (_keyed(d)[0], _defaultdict_flatten(d)[1])),
    deque: _Node(_deque_flatten, lambda v, c: deque(v, maxlen=c), _indexed(_deque_flatten)),
    Size: _Node(_tuple_flatten, lambda v, c: tuple(v), _indexed(_tuple_flatten)),  # (a tuple back, as torch)
}
# PyTorch's return types are struct sequences, registered one by one (not namedtuples, as minigrad's are)
_STRUCT_SEQUENCES = frozenset(getattr(return_types, name) for name in return_types.__all__)
SUPPORTED_NODES.update((kind, _sequence(kind)) for kind in _STRUCT_SEQUENCES)


_DICTS = (dict, OrderedDict, defaultdict)


def register_pytree_node(cls: type, flatten_fn: FlattenFn, unflatten_fn: UnflattenFn, *,
                         serialized_type_name: str | None = None,
                         flatten_with_keys_fn: FlattenWithKeysFn | None = None, **_: Any) -> None:
    """Make instances of ``cls`` nodes: ``flatten_fn(x)`` gives ``(children, context)`` and
    ``unflatten_fn(children, context)`` rebuilds one; ``flatten_with_keys_fn(x)`` gives
    ``([(key, child), ...], context)`` for :func:`tree_flatten_with_path` (serialization options are
    accepted and unused).

    Raises:
        ValueError: ``cls`` is already registered (PyTorch's error).
    """
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = _Node(flatten_fn, unflatten_fn, flatten_with_keys_fn)


def _get_node_type(tree: Any) -> Any:
    """The type under which ``tree`` is looked up in ``SUPPORTED_NODES``: :class:`namedtuple` for any
    namedtuple (a ``return_types`` result excepted: PyTorch's are not namedtuples), else its type."""
    kind = type(tree)
    if kind not in _STRUCT_SEQUENCES and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return namedtuple
    return kind


def _node_type(tree: Any) -> type | None:
    """The registered node type of ``tree`` (:class:`namedtuple` for any namedtuple), or None for a leaf."""
    kind = _get_node_type(tree)
    return kind if kind in SUPPORTED_NODES else None


def _flatten_node(kind: type, tree: Any) -> tuple[list[Any], Context]:
    return SUPPORTED_NODES[kind].flatten(tree)


class TreeSpec:
    """The structure of a pytree with its leaves taken out: ``type`` (None for a leaf), ``context``
    (dict keys, a namedtuple's class, ...) and one spec per child. ``num_leaves`` counts the leaves."""

    def __init__(self, type: type | None, context: Context, children_specs: list[TreeSpec]) -> None:  # noqa: A002
        self.type = type
        self.context = context
        self.children_specs = children_specs
        self.num_nodes: int = 1 + sum(s.num_nodes for s in children_specs)
        self.num_leaves: int = 1 if type is None else sum(s.num_leaves for s in children_specs)
        self.num_children = len(children_specs)

    def is_leaf(self) -> bool:
        """Whether this spec stands for one leaf."""
        return self.type is None

    def unflatten(self, leaves: Iterable[Any]) -> Any:
        """The pytree of this structure holding ``leaves`` (see :func:`tree_unflatten`)."""
        return tree_unflatten(leaves, self)

    def _build(self, leaves: Iterator[Any]) -> Any:
        if self.type is None:
            return next(leaves)
        children = [s._build(leaves) for s in self.children_specs]
        return SUPPORTED_NODES[self.type].unflatten(children, self.context)

    def children(self) -> list[TreeSpec]:
        """The specs of the children."""
        return list(self.children_specs)

    def child(self, index: int) -> TreeSpec:
        """The spec of child ``index``."""
        return self.children_specs[index]

    def flatten_up_to(self, tree: Any) -> list[Any]:
        """The subtrees of ``tree`` at this spec's leaves (``tree`` may go deeper there).

        Raises:
            ValueError: ``tree``'s structure differs above the leaves (PyTorch's messages; dicts of
                any of the dict types match by their keys).
        """
        subtrees: list[Any] = []
        self._up_to(tree, subtrees)
        return subtrees

    def _up_to(self, node: Any, subtrees: list[Any]) -> None:
        if self.type is None:
            subtrees.append(node)
            return
        kind = _node_type(node)
        dicts = self.type in _DICTS and kind in _DICTS
        if kind is not self.type and not dicts:
            raise ValueError(f"Node type mismatch; expected {self.type!r}, but got {kind or type(node)!r}.")
        children, context = _flatten_node(kind, node) if kind is not None else ([], None)
        if len(children) != self.num_children:
            raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(children)}.")
        if dicts:
            expected = self.context[1] if self.type is defaultdict else self.context
            if set(node) != set(expected):
                missing, extra = set(expected) - set(node), set(node) - set(expected)
                raise ValueError("Node keys mismatch" + (f"; missing key(s): {missing}" if missing else "")
                                 + (f"; extra key(s): {extra}" if extra else "") + ".")
            children = [node[k] for k in expected]
        elif self.type is not deque and context != self.context:
            raise ValueError(f"Node context mismatch for node type {self.type!r}.")
        for spec, child in zip(self.children_specs, children):
            spec._up_to(child, subtrees)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeSpec) and self.type is other.type and self.context == other.context
                and self.children_specs == other.children_specs)

    def __hash__(self) -> int:
        return hash((self.type, self.num_nodes, self.num_leaves))

    def __repr__(self) -> str:
        return self._repr(0)

    def _repr(self, indent: int) -> str:
        """PyTorch's layout: the first child on the head's line, each other one on its own line."""
        if self.type is None:
            return "*"
        children = [s._repr(indent + 2) for s in self.children_specs]
        body = (",\n" + " " * (indent + 2)).join(children)
        return f"TreeSpec({self.type.__name__}, {self.context}, [{body}])"


class LeafSpec(TreeSpec):
    """The spec of a single leaf (``*`` when printed)."""

    def __init__(self) -> None:
        super().__init__(None, None, [])


def tree_flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list[Any], TreeSpec]:
    """The leaves of ``tree`` in order (a dict's in insertion order) and its :class:`TreeSpec`;
    ``is_leaf(x)`` True stops the walk at ``x``."""
    leaves: list[Any] = []

    def walk(node: Any) -> TreeSpec:
        kind = None if is_leaf is not None and is_leaf(node) else _node_type(node)
        if kind is None:
            leaves.append(node)
            return LeafSpec()
        children, context = _flatten_node(kind, node)
        return TreeSpec(kind, context, [walk(c) for c in children])

    spec = walk(tree)
    return leaves, spec


def tree_flatten_with_path(tree: Any, is_leaf: Callable[[Any], bool] | None = None,
                           ) -> tuple[list[tuple[tuple[Any, ...], Any]], TreeSpec]:
    """As :func:`tree_flatten`, with each leaf paired with its key path: a tuple of
    :class:`SequenceKey`, :class:`MappingKey` and :class:`GetAttrKey` from the root down.

    Raises:
        ValueError: a node type registered without ``flatten_with_keys_fn`` (PyTorch's message).
    """
    paths: list[tuple[tuple[Any, ...], Any]] = []

    def walk(path: tuple[Any, ...], node: Any) -> None:
        kind = None if is_leaf is not None and is_leaf(node) else _node_type(node)
        if kind is None:
            paths.append((path, node))
            return
        with_keys = SUPPORTED_NODES[kind].flatten_with_keys_fn
        if with_keys is None:
            raise ValueError(f"Did not find a flatten_with_keys_fn for type: {kind}. "
                             "Please pass a flatten_with_keys_fn argument to register_pytree_node.")
        for key, child in with_keys(node)[0]:
            walk((*path, key), child)

    spec = tree_structure(tree, is_leaf)
    walk((), tree)
    return paths, spec


def keystr(kp: tuple[Any, ...]) -> str:
    """A key path printed as PyTorch does (``['a'][0].x``)."""
    return "".join(str(k) for k in kp)


def tree_unflatten(leaves: Iterable[Any], treespec: TreeSpec) -> Any:
    """The pytree of ``treespec``'s structure holding ``leaves`` in order.

    Raises:
        TypeError: ``treespec`` is not a TreeSpec.
        ValueError: the number of leaves differs from the spec's (PyTorch's message).
    """
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item of type "
                        f"{type(treespec)}.")
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                         f"to a pytree that holds {treespec.num_leaves} items ({treespec}).")
    return treespec._build(iter(leaves))


def tree_leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list[Any]:
    """The leaves of ``tree`` in order."""
    return tree_flatten(tree, is_leaf)[0]


def tree_iter(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> Iterator[Any]:
    """An iterator over the leaves of ``tree``."""
    return iter(tree_leaves(tree, is_leaf))


def tree_structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> TreeSpec:
    """The :class:`TreeSpec` of ``tree``."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func: Callable[..., Any], tree: Any, *rests: Any,
             is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """A pytree of ``tree``'s structure holding ``func(leaf, *subtrees of rests at the same place)``.

    Raises:
        ValueError: a tree in ``rests`` has another structure above ``tree``'s leaves.
    """
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(rest) for rest in rests]
    return spec.unflatten(func(*xs) for xs in zip(leaves, *others))


def tree_map_(func: Callable[..., Any], tree: Any, *rests: Any,
              is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """Call ``func`` on each leaf (for its effect, an in-place update); returns ``tree``."""
    tree_map(func, tree, *rests, is_leaf=is_leaf)
    return tree


def tree_map_only(type_or_types: type | tuple[type, ...], func: Callable[[Any], Any], tree: Any,
                  is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """:func:`tree_map` applying ``func`` to the leaves of the given type(s) only; others stay."""
    return tree_map(lambda x: func(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred: Callable[[Any], bool], tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """Whether ``pred`` holds for every leaf."""
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred: Callable[[Any], bool], tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """Whether ``pred`` holds for some leaf."""
    return any(map(pred, tree_leaves(tree, is_leaf)))
