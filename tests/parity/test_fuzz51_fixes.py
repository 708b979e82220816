"""Module machinery, nn.utils and torch.func against PyTorch 2.13: the disagreements fuzz51's differential
fuzzers (one random program run under torch and under minigrad) found."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _outcome(fn: Any) -> Any:
    """('ok', value as numpy/tuple) or ('err', the builtin classes of the error, its message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn()
    except Exception as e:
        return "err", {c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"}, str(e)
    return "ok", out


def _same(fn: Any) -> tuple[Any, Any]:
    """fn(torch) and fn(mg): the same outcome; on error, minigrad's is an instance of PyTorch's builtin
    class and its message starts with PyTorch's first words (then both results are 'raised')."""
    require_torch()
    a, b = _outcome(lambda: fn(torch)), _outcome(lambda: fn(mg))
    assert a[0] == b[0], (a, b)
    if a[0] == "err":
        top = next(iter(sorted(a[1] - {"Exception", "BaseException", "object"})))
        assert top in b[1], (a, b)
        assert b[2].split(":")[0][:40] == a[2].split(":")[0][:40], (a[2], b[2])
        return "raised", "raised"
    return a[1], b[1]


# ---------------------------------------------------------------- Module.get_parameter
@pytest.mark.parametrize("target", ["0.weight", "0.bias", "1.weight"])
def test_get_parameter_of_a_none_parameter_slot_raises(target: str) -> None:
    # found by f_module.py mod#601: BatchNorm1d(affine=False) registers weight/bias as None;
    # PyTorch's get_parameter checks the value is a Parameter, get_buffer only that the name is a buffer
    def run(lib: Any) -> Any:
        m = lib.nn.Sequential(lib.nn.BatchNorm1d(4, affine=False), lib.nn.Linear(2, 2, bias=False))
        return m.get_parameter(target)
    _same(run)


def test_get_buffer_of_a_none_buffer_returns_none() -> None:
    def run(lib: Any) -> Any:
        m = lib.nn.Module()
        m.register_buffer("b", None)
        return m.get_buffer("b")
    a, b = _same(run)
    assert a is None and b is None


# ---------------------------------------------------------------- weight_norm on a missing tensor
def test_weight_norm_of_a_none_bias_is_a_type_error_and_drops_the_entry() -> None:
    # found by f_utils.py wnorm#18: nn.utils.weight_norm(Linear(bias=False), 'bias')
    def run(lib: Any) -> Any:
        m = lib.nn.Linear(3, 4, bias=False)
        try:
            lib.nn.utils.weight_norm(m, "bias")
        finally:
            keys = list(m._parameters)
        return keys
    _same(run)
    m = mg.nn.Linear(3, 4, bias=False)
    with pytest.warns(FutureWarning), pytest.raises(TypeError, match="must be Tensor, not NoneType"):
        mg.nn.utils.weight_norm(m, "bias")
    assert list(m._parameters) == ["weight"]  # as PyTorch: dropped before the failure


def test_weight_norm_of_a_lazy_module_raises_value_error() -> None:
    _same(lambda lib: lib.nn.utils.weight_norm(lib.nn.LazyLinear(3)))


# ---------------------------------------------------------------- torch.func.grad of a constant
@pytest.mark.parametrize("body", ["long", "detach", "const", "item_free_tuple"])
def test_func_transforms_give_zeros_for_outputs_independent_of_the_inputs(body: str) -> None:
    # found by f_func.py func#26: torch.func.grad(lambda x: x.long().sum())(x) is zeros in PyTorch
    x = np.random.default_rng(0).standard_normal(3)

    def run(lib: Any) -> Any:
        t = lib.tensor(x)
        f = {"long": lambda a: a.long().sum(), "detach": lambda a: a.detach().sum(),
             "const": lambda a: lib.ones((), dtype=lib.float64),
             "item_free_tuple": lambda a: a.detach().sum()}[body]
        g = lib.func.grad(f)(t)
        gv, v = lib.func.grad_and_value(f)(t)
        _, fn = lib.func.vjp(lambda a: (a.detach(), a * 2), t)
        (vj,) = fn((lib.ones(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)))
        (vz,) = lib.func.vjp(lambda a: a.detach() * 3, t)[1](lib.ones(3, dtype=lib.float64))
        return [(str(r.dtype).split(".")[-1], r.numpy().tolist()) for r in (g, gv, v, vj, vz)]
    a, b = _same(run)
    assert a == b


# ---------------------------------------------------------------- jacrev / vmap argument checks
@pytest.mark.parametrize("chunk", [0, -1])
def test_jacrev_and_vmap_refuse_a_non_positive_chunk_size_when_built(chunk: int) -> None:
    # found by f_func.py (jacrev(..., chunk_size=0) computed in minigrad)
    _same(lambda lib: lib.func.jacrev(lib.sin, chunk_size=chunk))
    _same(lambda lib: lib.func.vmap(lib.sin, chunk_size=chunk))


def test_vmap_checks_randomness_when_built() -> None:
    _same(lambda lib: lib.func.vmap(lib.sin, randomness="sometimes"))


def _vmap_out(lib: Any, f: Any, od: Any, same_rows: bool = False) -> Any:
    x = lib.ones(2, 3) if same_rows else lib.tensor(np.arange(6.0).reshape(2, 3))
    r = lib.func.vmap(f, out_dims=od)(x)

    def shapes(t: Any) -> Any:
        if isinstance(t, dict):
            return {k: shapes(v) for k, v in t.items()}
        if isinstance(t, (tuple, list)):
            return [type(t).__name__, *[shapes(v) for v in t]]
        return tuple(t.shape) if hasattr(t, "shape") else t
    return shapes(r)


@pytest.mark.parametrize(("kind", "od"), [
    ("one", (0,)), ("one", (0, 0)), ("one", [0]), ("pair", (0, 1)), ("pair", (0,)), ("pair", [0, 1]),
    ("dict", (0, 0)), ("dict", {"a": 0, "b": 1}), ("dict", {"a": 0}), ("nested", (0, 1)),
    ("nested", (0, (1, 0))), ("list", (0, 1)), ("list", [0, 1]), ("one", "x"), ("pair", (0, "x")),
    ("pair", (1.5, 0)), ("const", (0, None)),
    ("const", None), ("pair", (None, 0)), ("one", None), ("int", (0, None)), ("int", 0),
])
def test_vmap_out_dims_structure_as_pytorch(kind: str, od: Any) -> None:
    # found by f_func.py func#... : out_dims=(0, 0) for a dict output ran in minigrad; PyTorch matches
    # out_dims to the outputs' pytree structure (a prefix, tuple/list/dict kinds distinct) and checks its
    # entries are ints or None before anything runs
    def run(lib: Any) -> Any:
        f = {"one": lambda a: a * 2, "pair": lambda a: (a, a * 2), "dict": lambda a: {"a": a, "b": a + 1},
             "nested": lambda a: (a, (a, a)), "list": lambda a: [a, a], "const": lambda a: (a, lib.ones(2)),
             "int": lambda a: (a, 3)}[kind]
        return _vmap_out(lib, f, od)
    a, b = _same(run)
    assert a == b


def test_vmap_namedtuple_and_tuple_out_dims_do_not_mix() -> None:
    from collections import namedtuple
    pair = namedtuple("pair", "u v")
    _same(lambda lib: _vmap_out(lib, lambda a: pair(a, a), (0, 1)))
    _same(lambda lib: _vmap_out(lib, lambda a: (a, a), pair(0, 1)))
    a, b = _same(lambda lib: _vmap_out(lib, lambda a: pair(a, a), pair(1, 0)))
    assert a == b


# ---------------------------------------------------------------- vjp / jacrev / jacfwd outputs
def _x(lib: Any) -> Any:
    return lib.tensor(np.array([0.5, -1.0, 2.0]))


@pytest.mark.parametrize("case", ["vjp_empty", "vjp_float", "vjp_none", "vjp_bool", "jacrev_float",
                                  "jacrev_int", "hessian_int"])
def test_vjp_and_jacrev_check_the_outputs_as_pytorch(case: str) -> None:
    # found by f_func.py (jacrev(lambda x: x.long()) computed zeros; PyTorch's vjp refuses non-float outputs)
    def run(lib: Any) -> Any:
        x, fn = _x(lib), lib.func
        return {"vjp_empty": lambda: fn.vjp(lambda a: (), x), "vjp_float": lambda: fn.vjp(lambda a: 3.0, x),
                "vjp_none": lambda: fn.vjp(lambda a: None, x), "vjp_bool": lambda: fn.vjp(lambda a: a > 0, x),
                "jacrev_float": lambda: fn.jacrev(lambda a: (a, 3.0))(x),
                "jacrev_int": lambda: fn.jacrev(lambda a: a.long())(x),
                "hessian_int": lambda: fn.hessian(lambda a: a.long().sum())(x)}[case]()
    _same(run)


def test_jacfwd_and_jvp_of_outputs_that_ignore_the_input() -> None:
    # found by f_func.py func#134: jacfwd(lambda x, y: (x.sin(), y.sum()), argnums=1, has_aux=True)
    # raised "element 0 of tensors does not require grad" in minigrad; PyTorch gives zeros (of the
    # output's dtype in forward mode, of the input's in reverse mode)
    def run(lib: Any) -> Any:
        x, fn = _x(lib), lib.func
        y = x * 2
        outs = [fn.jacfwd(lambda a, b: (a.sin(), b.sum()), argnums=1, has_aux=True)(x, y)[0],
                fn.jacrev(lambda a, b: a.sin(), argnums=1)(x, y), fn.jacfwd(lambda a: a.long())(x),
                fn.jacrev(lambda a: a.detach().float())(x),
                fn.jvp(lambda a: (a.long(), a * 2), (x,), (x,))[1][0],
                fn.jvp(lambda a: (a.long(), a * 2), (x,), (x,))[1][1]]
        return [(str(o.dtype).split(".")[-1], o.numpy().tolist()) for o in outs]
    a, b = _same(run)
    assert a == b


@pytest.mark.parametrize("ct", ["leaf", "one_tuple", "list", "pair", "pair_list"])
@pytest.mark.parametrize("out", ["one", "pair"])
def test_vjp_fn_checks_the_cotangent_structure(ct: str, out: str) -> None:
    # found by f_func.py func#111: vjp(f, x)[1]((ones,)) for a single-tensor output ran in minigrad
    def run(lib: Any) -> Any:
        x = _x(lib)
        _, fn = lib.func.vjp({"one": lambda a: a.sin(), "pair": lambda a: (a.sin(), a * 2)}[out], x)
        o = lib.ones(3, dtype=lib.float64)
        (g,) = fn({"leaf": o, "one_tuple": (o,), "list": [o], "pair": (o, o), "pair_list": [o, o]}[ct])
        return g.numpy().tolist()
    a, b = _same(run)
    assert a == pytest.approx(b)


def test_vjp_fn_takes_retain_graph_and_create_graph() -> None:
    def run(lib: Any) -> Any:
        x = _x(lib).requires_grad_()
        _, fn = lib.func.vjp(lambda a: (a ** 3).sum(), x)
        (g,) = fn(lib.tensor(1.0, dtype=lib.float64), create_graph=False)
        (h,) = fn(lib.tensor(1.0, dtype=lib.float64))
        return g.requires_grad, h.requires_grad, g.detach().numpy().tolist()
    a, b = _same(run)
    assert a == b


# ---------------------------------------------------------------- full backward hooks, custom Functions
def _bw_calls(lib: Any, case: int) -> Any:
    class M(lib.nn.Module):
        def forward(self, a: Any, b: Any, c: Any = None) -> Any:
            return a * 2, b * 3

    def show(gs: Any) -> list[Any]:
        return [None if t is None else round(float(t.sum()), 6) for t in gs]
    m, calls = M(), []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append(("bw", show(gi), show(go))))
    m.register_full_backward_pre_hook(lambda mod, go: calls.append(("pre", show(go))))
    a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=case != 1)
    a2, b2 = m(a, b.detach(), 5) if case == 2 else m(a, b, a) if case == 3 else m(a, b)
    (a2.sum() + b2.sum() if case == 3 else b2.sum() if case == 4 else a2.sum()).backward()
    return calls, show([a.grad]), show([b.grad])


@pytest.mark.parametrize("case", range(5))
def test_full_backward_hook_gets_zeros_for_inputs_without_gradient(case: int) -> None:
    # found by f_module2.py hooks#32: m(x, y.detach()) with a full backward hook: PyTorch's grad_input
    # holds zeros for y (its hook function materializes), minigrad's None; those zeros also reach a.grad
    # when only b's output is used (case 4), and the input passed twice (case 3) gets its own slot
    a, b = _same(lambda lib: _bw_calls(lib, case))
    assert a == b


@pytest.mark.parametrize("mode", ["new", "inp", "mix"])
def test_custom_function_returning_an_input_twice_gives_one_tensor_per_place(mode: str) -> None:
    # found with the case above: PyTorch returns each input given back as its own new tensor; a tensor
    # made in forward and returned twice stays one tensor
    def run(lib: Any) -> Any:
        got: list[Any] = []

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                y = x * 2
                return {"new": (y, y), "inp": (x, x), "mix": (x, y, x)}[mode]

            @staticmethod
            def backward(ctx: Any, *gs: Any) -> Any:
                got.append([None if g is None else float(g.sum()) for g in gs])
                return sum(g for g in gs if g is not None)
        x = lib.ones(2, requires_grad=True)
        outs = F.apply(x)
        same = [o is outs[0] for o in outs]
        sum((k + 1) * o.sum() for k, o in enumerate(outs)).backward()
        return same, got, x.grad.tolist()
    a, b = _same(run)
    assert a == b


def test_pickling_a_spectral_norm_module_under_the_torch_alias(tmp_path: Any) -> None:
    # found by f_module2.py copies#21: pickle.dumps of a spectral_norm'd module failed under the alias
    # (its load_state_dict pre-hook's class was filed as torch.nn.modules.module.WrappedHook)
    import subprocess
    import sys
    script = tmp_path / "prog.py"
    script.write_text("import pickle, warnings\nimport torch\nwarnings.simplefilter('ignore')\n"
                      "m = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4))\n"
                      "m2 = pickle.loads(pickle.dumps(m))\n"
                      "hook = list(m2._load_state_dict_pre_hooks.values())[0]\n"
                      "print(sorted(n for n, _ in m2.named_parameters()), type(hook).__name__)\n")
    outs = [subprocess.run([sys.executable, *pre, str(script)], capture_output=True, text=True,
                           check=True).stdout for pre in ([], ["-m", "minigrad.compat"])]
    assert outs[0] == outs[1] == "['bias', 'weight_orig'] _WrappedHook\n"


# ---------------------------------------------------------------- non-full backward hook warnings
class _Two:
    @staticmethod
    def make(lib: Any, kind: str) -> Any:
        class Two(lib.nn.Module):
            def forward(self, a: Any, b: Any) -> Any:
                return a + b, a * b

        class Nest(lib.nn.Module):
            def forward(self, a: Any) -> Any:
                return [a * 2]

        class Same(lib.nn.Module):
            def forward(self, a: Any) -> Any:
                return a.sin(), a
        nn = lib.nn
        return {"linear": lambda: nn.Linear(3, 3), "relu": nn.ReLU, "tanh": nn.Tanh,
                "softmax": lambda: nn.Softmax(-1), "identity": nn.Identity, "two": Two, "nest": Nest,
                "same": Same,
                "dropout0": lambda: nn.Dropout(0.0), "seq": lambda: nn.Sequential(nn.ReLU()),
                "flatten": lambda: nn.Flatten(0)}[kind]()


@pytest.mark.parametrize("leaf", [True, False])
@pytest.mark.parametrize("kind", ["linear", "relu", "tanh", "softmax", "identity", "two", "nest", "same",
                                  "dropout0", "seq", "flatten"])
def test_non_full_backward_hook_warns_as_pytorch(kind: str, leaf: bool) -> None:
    # found by f_module2.py hooks#1: register_backward_hook on a multi-op module gave no FutureWarning
    def run(lib: Any) -> Any:
        m = _Two.make(lib, kind)
        m.register_backward_hook(lambda *a: None)
        x = lib.tensor(np.arange(6.0).reshape(2, 3) / 7, dtype=lib.float32, requires_grad=True)
        x = x if leaf else x * 1
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            m(x, x) if kind == "two" else m(x)
        return [(w.category.__name__, str(w.message)) for w in got]
    require_torch()
    assert run(mg) == run(torch)


def test_global_non_full_backward_hook_warns_per_module_and_not_about_outputs_only() -> None:
    def run(lib: Any) -> Any:
        m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        home = importlib.import_module(f"{lib.__name__}.nn.modules.module")
        # PyTorch's global hook kind outlives the hooks: clear it before, and after so that a later
        # test's global full hook is not refused
        before = getattr(home, "_global_is_full_backward_hook", None)
        if lib is torch:
            home._global_is_full_backward_hook = None
        h = home.register_module_backward_hook(lambda *a: None)
        try:
            with warnings.catch_warnings(record=True) as got:
                warnings.simplefilter("always")
                m(lib.ones(2, 3)).sum().backward()
        finally:
            h.remove()
            if lib is torch:
                home._global_is_full_backward_hook = before
        return [(w.category.__name__, str(w.message)) for w in got]
    require_torch()
    assert run(mg) == run(torch)


# ---------------------------------------------------------------- weight norm of a 1-d parameter
@pytest.mark.parametrize("new", [False, True])
@pytest.mark.parametrize(("shape", "dim"), [((4,), 0), ((4,), -1), ((2, 3), 0), ((2, 3), 1), ((2, 3, 4), 1),
                                            ((2, 3, 4), -2), ((3, 1), 0), ((2, 3), 2)])
def test_weight_norm_shapes_and_gradients_as_pytorch(shape: tuple[int, ...], dim: int, new: bool) -> None:
    # found by f_utils.py wnorm#144: weight_norm(Linear, name='bias', dim=0) gave bias_g of shape (1,), not
    # PyTorch's (4,) (a 1-d parameter keeps one norm per entry: PyTorch's norm_except_dim views it as 2-d)
    def run(lib: Any) -> Any:
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.tensor(np.arange(float(np.prod(shape))).reshape(shape) - 2.5))
        if new:
            lib.nn.utils.parametrizations.weight_norm(m, dim=dim)
        else:
            lib.nn.utils.weight_norm(m, dim=dim)
        m.weight.sum().backward()
        return [(tuple(p.shape), p.grad.numpy().round(10).tolist()) for p in m.parameters()]
    a, b = _same(run)
    assert a == b


# ---------------------------------------------------------------- load_state_dict(assign=True) failures
@pytest.mark.parametrize("strict", [True, False])
def test_assigning_an_integer_tensor_to_a_parameter_is_reported_as_pytorch(strict: bool) -> None:
    # found with f_module.py's load_state_dict cases: PyTorch gathers the exception of an assignment
    # (an int64 tensor cannot become a Parameter) into its 'Error(s) in loading state_dict' RuntimeError
    def run(lib: Any) -> Any:
        m = lib.nn.Sequential(lib.nn.Linear(2, 3))
        sd = {k: v.clone() for k, v in m.state_dict().items()}
        sd["0.bias"] = lib.ones(3, dtype=lib.int64)
        m.load_state_dict(sd, strict=strict, assign=True)
    require_torch()
    msgs = []
    for lib in (torch, mg):
        with pytest.raises(RuntimeError) as info:
            run(lib)
        msgs.append(str(info.value))
    assert msgs[1] == msgs[0].replace("torch.Size([3])", "(3,)")  # (minigrad's Size prints as a tuple)


# ---------------------------------------------------------------- autograd.functional refusals
@pytest.mark.parametrize("kw", [{"create_graph": True, "strategy": "forward-mode", "vectorize": True},
                                {"strict": True, "strategy": "forward-mode", "vectorize": True},
                                {"strategy": "forward-mode"}, {"strict": True, "vectorize": True}])
def test_jacobian_refusals_in_pytorch_words(kw: dict[str, Any]) -> None:
    # found by f_func.py (autograd.functional cases): minigrad's messages were its own
    require_torch()
    msgs = []
    for lib in (torch, mg):
        x = lib.tensor(np.array([0.5, -1.0, 2.0]))
        with pytest.raises((RuntimeError, NotImplementedError)) as info:
            lib.autograd.functional.jacobian(lib.sin, x, **kw)
        msgs.append((isinstance(info.value, NotImplementedError), str(info.value)))
    assert msgs[1] == msgs[0]


# ---------------------------------------------------------------- nn.utils / torch.func error words
def _err(fn: Any) -> tuple[Any, str]:
    """(the error's class, its message without minigrad's parenthesized tail), or ('ok', '')."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:
        return type(e), str(e).split(" (pack_padded_sequence:")[0]
    return "ok", ""


def _agree(got: list[tuple[Any, str]]) -> bool:
    """PyTorch's and minigrad's _err: minigrad's message is PyTorch's (then maybe a parenthesized note),
    its class an instance of PyTorch's builtin one."""
    (ta, ma), (tb, mb) = got
    if ta == "ok" or tb == "ok":
        return ta == tb
    base = next(c for c in ta.__mro__ if c.__module__ == "builtins")
    return issubclass(tb, base) and (mb == ma or mb.startswith(ma + " ("))


@pytest.mark.parametrize(("lens", "enforce"), [([0, 2, 3, 1], True), ([0, 2, 3, 1], False),
                                               ([3, 2, 1, 0], True), ([-3, 5, 2, 1], True), ([5, 5, 5], True),
                                               ([2, 4, 3, 1], True)])
def test_pack_padded_sequence_checks_in_pytorch_order(lens: list[int], enforce: bool) -> None:
    # found by f_utils.py rnn cases (MSG=1): [0, 2, 3, 1] with enforce_sorted=True is 'not sorted' in
    # PyTorch (it checks only the last length positive, then the order), minigrad said 'not positive'
    require_torch()
    got = [_err(lambda lib=lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(5, 4, 3), lens,
                                                                      enforce_sorted=enforce))
           for lib in (torch, mg)]
    assert got[0][0] is RuntimeError and _agree(got)


def test_pack_padded_sequence_of_an_empty_input() -> None:
    require_torch()
    got = [_err(lambda lib=lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(0, 2, 3), [1, 1]))
           for lib in (torch, mg)]
    assert got[0] == (RuntimeError, "Cannot pack empty tensors.") and _agree(got)


@pytest.mark.parametrize("bad", ["fro", None, "x"])
def test_clip_grad_takes_float_of_its_numbers_as_pytorch(bad: Any) -> None:
    # found by f_utils.py clip cases (MSG=1): norm_type='fro' is Python's float() ValueError in PyTorch;
    # None a TypeError (minigrad's InvalidParameterError, a ValueError, was the wrong class there)
    require_torch()
    for call in (lambda lib, ps: lib.nn.utils.clip_grad_norm_(ps, 1.0, norm_type=bad),
                 lambda lib, ps: lib.nn.utils.clip_grad_norm_(ps, bad),
                 lambda lib, ps: lib.nn.utils.clip_grad_value_(ps, bad)):
        got = []
        for lib in (torch, mg):
            ps = [lib.nn.Parameter(lib.ones(2))]
            ps[0].grad = lib.ones(2)
            got.append(_err(lambda lib=lib, ps=ps, call=call: call(lib, ps)))
        assert _agree(got), got


@pytest.mark.parametrize("vec", ["ndarray", "list", "int"])
def test_vector_to_parameters_names_the_type_as_pytorch(vec: str) -> None:
    require_torch()
    value = {"ndarray": np.ones(2), "list": [1.0, 2.0], "int": 3}[vec]
    got = [_err(lambda lib=lib: lib.nn.utils.vector_to_parameters(value, [lib.nn.Parameter(lib.ones(2))]))
           for lib in (torch, mg)]
    assert _agree(got), got


def test_typename_of_instances_without_their_own_name() -> None:
    import collections
    require_torch()
    for obj in (np.ones(2), collections.OrderedDict(), np.float64(1.0), [1], 3, len, None):
        assert mg.typename(obj) == torch.typename(obj)


@pytest.mark.parametrize("argnums", [(0, 2), -3, 2])
def test_func_grad_bad_argnums_words(argnums: Any) -> None:
    require_torch()
    got = [_err(lambda lib=lib: lib.func.grad(lambda a, b: (a * b).sum(), argnums=argnums)(lib.ones(2),
                                                                                        lib.ones(2)))
           for lib in (torch, mg)]
    assert _agree(got), got
