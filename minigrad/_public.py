"""The entry of the public function forms (``torch.cat``, ``F.linear``, ``torch.linalg.det``): PyTorch hands
a call whose arguments include a Tensor subclass instance or a tensor-like object (any object whose class
has a ``__torch_function__``) to that ``__torch_function__``, and refuses a Python number where a Tensor
goes with its argument parser's TypeError.

minigrad's plain calls pay one flag test for this: the arguments are scanned for subclass instances only
once a dispatching Tensor subclass has been defined (``_extras.subclass``), and for other tensor-likes and
numbers only when the function has failed on them (such an object never gets through a minigrad function
whole), so nothing is scanned on the way through.
"""

from __future__ import annotations

import functools
import inspect
import linecache
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from minigrad import _subclass
from minigrad.errors import WRAPPER_CODES, _NotTensorAttributeError, _NotTensorError, python_type_name
from minigrad.grad_mode import _extras
from minigrad.tensor import Tensor

__all__ = ["dispatch", "expose", "overloaded", "refuse_number", "tensor_params"]

# argument types that never dispatch (looked up before the slower attribute probe)
_PLAIN = frozenset({int, float, bool, complex, str, type(None), slice, type(...), bytes})


def _consider(found: list[Any], a: Any, subclasses: bool) -> None:
    t = type(a)
    if t is Tensor or t in _PLAIN:
        return
    if isinstance(a, Tensor):
        if not subclasses or not _subclass.dispatching(t):
            return
    else:
        method = getattr(t, "__torch_function__", None)
        if method is None or method is _subclass._disabled_torch_function_impl:
            return
    if any(type(f) is t for f in found):
        return
    # PyTorch's order: left to right, except that a subclass goes before its superclasses
    at = next((i for i, f in enumerate(found) if issubclass(t, type(f))), len(found))
    found.insert(at, a)


def overloaded(args: Iterable[Any], kwargs: dict[str, Any], subclasses: bool = True) -> list[Any]:
    """One argument (or item of a list or tuple argument) per type whose ``__torch_function__`` takes the
    call, in the order PyTorch asks them: Tensor subclass instances (if ``subclasses``) and tensor-likes
    that are no Tensors (exact Tensors and ``nn.Parameter``-like disabled subclasses never dispatch)."""
    found: list[Any] = []
    for a in (*args, *kwargs.values()):
        if type(a) is list or type(a) is tuple:
            for b in a:
                _consider(found, b, subclasses)
        else:
            _consider(found, a, subclasses)
    return found


def dispatch(public: Callable[..., Any], found: list[Any], args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Any:
    """``public(*args, **kwargs)`` handed to the ``__torch_function__`` of each of ``found`` in turn (as
    :func:`overloaded` orders them); the first result that is not NotImplemented.

    Raises:
        TypeError: every one answered NotImplemented (PyTorch's words).
    """
    types = tuple(type(a) for a in found)
    for a in found:
        ret = a.__torch_function__(public, types, args, kwargs)
        if ret is not NotImplemented:
            return ret
    python = getattr(public, "_python", False)  # (a function PyTorch writes in Python: its words)
    raise TypeError(_subclass.refused(f"{public.__module__}.{public.__name__}", types, python))


Params = tuple[tuple[tuple[str, bool] | None, ...], str | None]  # (what tensor_params gives)


def tensor_params(fn: Callable[..., Any]) -> Params:
    """For each of ``fn``'s leading positional parameters where a Tensor goes (named ``input``, or annotated
    ``Tensor`` or ``Tensor | None``): its name and whether None may go there (None for the others); and the
    name of its ``*args`` if they are Tensors (annotated so, or named ``tensors``)."""
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return (), None
    notes = getattr(fn, "__annotations__", {})
    names = code.co_varnames[:code.co_argcount]
    kept = tuple((n, notes.get(n) == "Tensor | None") if n == "input" or notes.get(n) in _TENSOR_NOTES
                 else None for n in names)
    star = code.co_varnames[code.co_argcount + code.co_kwonlyargcount] if code.co_flags & 4 else None
    return kept, (star if star is not None and (notes.get(star) == "Tensor" or star == "tensors") else None)


_TENSOR_NOTES = ("Tensor", "Tensor | None")


def refuse_number(error: BaseException, name: str, params: Params,
                  args: tuple[Any, ...], both: bool = False) -> None:
    """Raise PyTorch's argument-parser TypeError when ``error`` (raised by the function ``name`` called
    with ``args``) is the AttributeError of reading a Tensor attribute off a value that is no Tensor in a
    Tensor parameter (``params``, from :func:`tensor_params`), or minigrad's own refusal of such a value
    (``errors._NotTensorError``, also from a public form called inside): ``abs(): argument 'input'
    (position 1) must be Tensor, not float``. ``both``: the error is also an AttributeError, for the
    functions PyTorch writes in Python."""
    if not isinstance(error, _NotTensorError) and (not isinstance(error, AttributeError)
                                                   or isinstance(error, TypeError)):
        return
    kind = _NotTensorAttributeError if both else _NotTensorError
    names, star = params
    for i, (param, a) in enumerate(zip(names, args)):
        if param is not None and not isinstance(a, Tensor) and not (a is None and param[1]):
            raise kind(f"{name}(): argument '{param[0]}' (position {i + 1}) must be Tensor, not "
                       f"{python_type_name(a)}") from None
    if star is not None:
        for i, a in enumerate(args[len(names):]):
            if not isinstance(a, Tensor):
                got = python_type_name(a)
                raise kind(f"expected Tensor as element {i} in argument 0, but got {got}") from None


def _plain(call: Callable[..., Any], fn: Callable[..., Any], refuse: Callable[..., None],
           args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    # ``fn`` itself; a failure is handed to a tensor-like argument, or restated as PyTorch's refusal of
    # a number (the generated forms of _FORM inline this, a frame less on the way through)
    try:
        return fn(*args, **kwargs)
    except Exception as error:
        found = overloaded(args, kwargs, subclasses=False)
        if not found:
            refuse(error, args)
            raise
    return dispatch(call, found, args, kwargs)  # (a tensor-like the function failed on)


def _slow(call: Callable[..., Any], fn: Callable[..., Any], refuse: Callable[..., None],
          args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    # a public form's call once a dispatching Tensor subclass exists: the arguments are scanned first
    if not _subclass.state.disabled:
        found = overloaded(args, kwargs)
        if found:
            return dispatch(call, found, args, kwargs)
    return _plain(call, fn, refuse, args, kwargs)


def _generic(fn: Callable[..., Any], refuse: Callable[..., None]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        # (_slow once a dispatching Tensor subclass exists)
        return (_slow if _extras.subclass else _plain)(call, fn, refuse, args, kwargs)

    functools.update_wrapper(call, fn)
    WRAPPER_CODES.add(call.__code__)
    return call


WRAPPER_CODES.update((_plain.__code__, _slow.__code__))


# A plain function's public form takes its parameters as they are (cheaper to call than *args, **kwargs);
# under dispatch it hands on what the caller gave (arguments left at their defaults are left out).
_FORM = """def {name}({params}):
    if _mg_extras.subclass:
        return _mg_slow(_mg_call[0], _mg_fn, _mg_refuse, *_mg_given({given}))
    try:
        return _mg_fn({passed})
    except Exception as error:
        _mg_a, _mg_k = _mg_given({given})
        found = _mg_overloaded(_mg_a, _mg_k, False)
        if not found:
            _mg_refuse(error, _mg_a)
            raise
    return _mg_dispatch(_mg_call[0], found, _mg_a, _mg_k)
"""


def _given(defaults: tuple[Any, ...], kwdefaults: dict[str, Any], pos: tuple[Any, ...], star: tuple[Any, ...],
           kwonly: dict[str, Any], extra: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    n = len(pos)
    if not star:
        first = n - len(defaults)  # (the first parameter with a default)
        while n > first and n > 0 and pos[n - 1] is defaults[n - 1 - first]:
            n -= 1
    kwargs = {k: v for k, v in kwonly.items() if v is not kwdefaults.get(k, _given)}
    return (*pos[:n], *star), {**kwargs, **extra}


def _exact(fn: Callable[..., Any], refuse: Callable[..., None]) -> Callable[..., Any] | None:
    sig = inspect.signature(fn, follow_wrapped=False)
    kinds = [p.kind for p in sig.parameters.values()]
    if inspect.Parameter.POSITIONAL_ONLY in kinds:
        return None
    ns: dict[str, Any] = {"_mg_extras": _extras, "_mg_slow": _slow, "_mg_fn": fn, "_mg_refuse": refuse,
                          "_mg_overloaded": overloaded, "_mg_dispatch": dispatch, "_mg_call": [None]}
    params, pos, passed, kwonly = [], [], [], []
    star = extra = ""
    for i, p in enumerate(sig.parameters.values()):
        default = ""
        if p.default is not p.empty:
            ns[f"_mg_d{i}"] = p.default
            default = f"=_mg_d{i}"
        if p.kind is p.POSITIONAL_OR_KEYWORD:
            params.append(p.name + default)
            pos.append(p.name)
            passed.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            params.append("*" + p.name)
            passed.append("*" + p.name)
            star = p.name
        elif p.kind is p.KEYWORD_ONLY:
            if not star:
                params.append("*")
                star = "()"
            params.append(p.name + default)
            passed.append(f"{p.name}={p.name}")
            kwonly.append(p.name)
        else:
            params.append("**" + p.name)
            passed.append("**" + p.name)
            extra = p.name
    defaults = tuple(p.default for p in sig.parameters.values()
                     if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty)
    kwdefaults = {p.name: p.default for p in sig.parameters.values()
                  if p.kind is p.KEYWORD_ONLY and p.default is not p.empty}
    ns["_mg_given"] = functools.partial(_given, defaults, kwdefaults)
    given = (f"({''.join(n + ', ' for n in pos)}), {star if star and star != '()' else '()'}, "
             f"{{{', '.join(f'{n!r}: {n}' for n in kwonly)}}}, {extra or '{}'}")
    source = _FORM.format(name=fn.__name__, params=", ".join(params), given=given, passed=", ".join(passed))
    # Compiled under a name inside the package (not "<string>"): the frame walks that look for the user's
    # line (warnings' stacklevel, anomaly mode's creation site, mg.compile's value reads) pass over it as
    # minigrad's own; kept in linecache for the traceback module and debuggers.
    filename = f"{__file__} (generated form of {fn.__module__}.{fn.__name__})"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), ns)
    call = ns[fn.__name__]
    ns["_mg_call"][0] = call
    WRAPPER_CODES.add(call.__code__)
    return functools.wraps(fn)(call)


def _wrap(fn: Callable[..., Any], module: str, public: str, name: str, both: bool) -> Callable[..., Any]:
    params = tensor_params(fn)

    both = both or name in PYTHON_FORMS

    def refuse(error: BaseException, args: tuple[Any, ...]) -> None:
        refuse_number(error, name, params, args, both)

    call = _exact(fn, refuse) if getattr(fn, "__wrapped__", None) is None else None
    if call is None:
        call = _generic(fn, refuse)
    call.__module__ = module  # (pickle finds a function by its module and name: where it is public)
    call.__name__, call.__qualname__ = name, public  # (torch.linalg.det's name is linalg_det)
    call._public = "exposed"  # type: ignore[attr-defined]
    call._python = both  # type: ignore[attr-defined]
    return call


def expose(namespace: MutableMapping[str, Any], names: Iterable[str], prefix: str = "",
           both: bool = False) -> None:
    """Replace each function ``namespace[name]`` by its public form (see the module's docstring): PyTorch's
    ``__torch_function__`` dispatch and number refusal (``prefix``: what PyTorch's messages put before the
    name, ``linalg_``; ``both``: the refusal is also an AttributeError). Functions that already have it
    (the ``out=`` forms of :mod:`minigrad._out`) and other objects are left alone."""
    module = namespace.get("__name__", "minigrad")
    for n in names:
        fn = namespace.get(n)
        if getattr(fn, "_public", False) == "exposed" and getattr(fn, "__name__", "") != prefix + n:
            # (torch.matrix_exp is not torch.linalg.matrix_exp, whose name is linalg_matrix_exp)
            fn = getattr(fn, "__wrapped__", fn)
        if type(fn) is type(expose) and not getattr(fn, "_public", False):
            namespace[n] = _wrap(fn, module, n, prefix + n, both)


#: top-level functions PyTorch writes in Python: given a number where a Tensor goes, most fail reading a
#: Tensor attribute off it (AttributeError), so minigrad's refusal is also one (``errors._NotTensorError``)
PYTHON_FORMS = frozenset({
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_tensors", "cartesian_prod", "cdist",
    "chain_matmul", "eig", "einsum", "lstsq", "lu", "matrix_rank", "meshgrid", "norm", "pca_lowrank", "solve",
    "split", "svd_lowrank", "symeig", "tensordot", "unique", "unique_consecutive", "unravel_index",
})  # fmt: skip

#: top-level functions PyTorch does not dispatch: those that take no tensors (dtypes, switches, seeds,
#: windows), build a tensor from data, or are Python code that asks no ``__torch_function__`` (is_tensor)
NOT_DISPATCHED = frozenset({
    "are_deterministic_algorithms_enabled", "as_tensor", "asarray", "autocast_decrement_nesting",
    "autocast_increment_nesting", "bartlett_window", "blackman_window", "broadcast_shapes", "can_cast",
    "clear_autocast_cache", "compile", "empty_permuted", "empty_strided", "from_dlpack", "from_numpy",
    "frombuffer", "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype",
    "get_default_device", "get_default_dtype", "get_deterministic_debug_mode", "get_float32_matmul_precision",
    "get_num_interop_threads", "get_num_threads", "get_rng_state", "grad", "gradcheck", "gradgradcheck",
    "hamming_window", "hann_window", "initial_seed", "is_anomaly_check_nan_enabled", "is_anomaly_enabled",
    "is_autocast_cache_enabled", "is_autocast_cpu_enabled", "is_autocast_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "is_grad_enabled", "is_inference_mode_enabled",
    "is_storage", "is_tensor", "is_warn_always_enabled", "kaiser_window", "load", "manual_seed",
    "promote_types", "save", "scalar_tensor", "seed", "tensor", "tril_indices", "triu_indices", "typename",
    "use_deterministic_algorithms", "vmap", "to_dlpack",
})  # fmt: skip
