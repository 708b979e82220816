"""PyTorch's own module test database (ModuleInfo) run against minigrad.nn, for a curated list of modules.

``torch.testing._internal.common_modules.module_db`` describes each ``torch.nn`` module with
constructor and forward inputs (``module_inputs_func``) and inputs that must raise
(``module_error_inputs_func``). For each module in :data:`MODULES`, each sample (up to
:data:`MAX_SAMPLES` per dtype and mode, spread over the list; float64 in training and eval mode, float32
once) builds the torch module and the minigrad
module of the same name from the same constructor arguments, copies the torch module's ``state_dict``
into the minigrad one, sets the same train/eval mode and runs both on the same inputs. Outputs must
agree in structure, shape, dtype and value (float64 and float32), and so must the buffers afterwards
(running statistics); in float64 the gradients of ``sum(out * w)`` (fixed random ``w``) w.r.t. every
input that requires grad and every parameter must agree too. Where dropout is active (training with
p > 0) only shapes and dtypes are compared. Each error input must raise an instance of the class
PyTorch raises. :data:`FORMS` adds constructor forms and inputs the database leaves out.

The modules listed are the ones that agree: a regression in any of them fails here. The database
needs ``expecttest`` (``pip install expecttest``, in the ``parity`` extra): without it the module
skips, saying so (and fails where CI sets MINIGRAD_REQUIRE_TORCH).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, tensors_in, torch_test_database

torch = require_torch()
_cm = torch_test_database("common_modules", "ModuleInfo")

MAX_SAMPLES = 4
F64, F32 = torch.float64, torch.float32
_BY_NAME = {info.name: info for info in _cm.module_db}
#: the ModuleInfo entries (torch.nn.X) whose samples and error inputs agree with minigrad.nn.X
MODULES = (
    # the layers of common training scripts
    "nn.Linear", "nn.Bilinear", "nn.Conv1d", "nn.Conv2d", "nn.Conv3d", "nn.ConvTranspose1d",
    "nn.ConvTranspose2d", "nn.ConvTranspose3d", "nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d",
    "nn.LayerNorm", "nn.GroupNorm", "nn.RMSNorm", "nn.InstanceNorm1d", "nn.InstanceNorm2d",
    "nn.InstanceNorm3d", "nn.LocalResponseNorm", "nn.Embedding", "nn.RNN", "nn.GRU", "nn.LSTM", "nn.RNNCell",
    "nn.GRUCell", "nn.LSTMCell", "nn.MultiheadAttention", "nn.TransformerEncoder",
    "nn.TransformerEncoderLayer", "nn.TransformerDecoderLayer", "nn.Transformer",
    # losses
    "nn.L1Loss", "nn.MSELoss", "nn.SmoothL1Loss", "nn.HuberLoss", "nn.CrossEntropyLoss", "nn.NLLLoss",
    "nn.BCELoss", "nn.BCEWithLogitsLoss", "nn.KLDivLoss", "nn.GaussianNLLLoss", "nn.PoissonNLLLoss",
    "nn.CosineEmbeddingLoss", "nn.MarginRankingLoss", "nn.HingeEmbeddingLoss", "nn.SoftMarginLoss",
    "nn.MultiLabelMarginLoss", "nn.MultiMarginLoss", "nn.MultiLabelSoftMarginLoss", "nn.CTCLoss",
    # pooling
    "nn.MaxPool1d", "nn.MaxPool2d", "nn.MaxPool3d", "nn.AvgPool1d", "nn.AvgPool2d", "nn.AvgPool3d",
    "nn.AdaptiveAvgPool1d", "nn.AdaptiveAvgPool2d", "nn.AdaptiveAvgPool3d", "nn.AdaptiveMaxPool1d",
    "nn.AdaptiveMaxPool2d", "nn.AdaptiveMaxPool3d", "nn.LPPool1d", "nn.LPPool2d", "nn.LPPool3d",
    "nn.FractionalMaxPool2d", "nn.FractionalMaxPool3d",
    # activations
    "nn.ReLU", "nn.ReLU6", "nn.LeakyReLU", "nn.PReLU", "nn.ELU", "nn.CELU", "nn.SELU", "nn.GELU", "nn.GLU",
    "nn.SiLU", "nn.Mish", "nn.Sigmoid", "nn.LogSigmoid", "nn.Tanh", "nn.Tanhshrink", "nn.Hardshrink",
    "nn.Hardswish", "nn.Hardtanh", "nn.Softmax", "nn.Softmax2d", "nn.LogSoftmax", "nn.Softmin",
    "nn.Softplus", "nn.Softshrink", "nn.Softsign", "nn.Threshold",
    # padding
    "nn.ZeroPad1d", "nn.ZeroPad2d", "nn.ZeroPad3d", "nn.ConstantPad1d", "nn.ConstantPad2d",
    "nn.ConstantPad3d",
    "nn.ReflectionPad1d", "nn.ReflectionPad2d", "nn.ReflectionPad3d", "nn.ReplicationPad1d",
    "nn.ReplicationPad2d", "nn.ReplicationPad3d", "nn.CircularPad1d", "nn.CircularPad2d", "nn.CircularPad3d",
    # lazy layers (materialized by the first forward, then loaded)
    "nn.LazyConv1d", "nn.LazyConv2d", "nn.LazyConv3d", "nn.LazyConvTranspose1d", "nn.LazyConvTranspose2d",
    "nn.LazyConvTranspose3d",
)  # fmt: skip
_UNSUPPORTED = {torch.complex32, torch.complex64, torch.complex128, torch.bfloat16, torch.float16}


def _unsupported(x: Any) -> bool:
    if isinstance(x, torch.nn.utils.rnn.PackedSequence):
        return True
    if isinstance(x, torch.Tensor):
        return x.dtype in _UNSUPPORTED or x.layout != torch.strided
    if isinstance(x, (list, tuple)):
        return any(_unsupported(v) for v in x)
    if isinstance(x, dict):
        return any(_unsupported(v) for v in x.values())
    return isinstance(x, complex) or (isinstance(x, torch.dtype) and x in _UNSUPPORTED)


def _to_mg(x: Any, memo: dict[int, mg.Tensor]) -> Any:
    """torch tensors (the same one to the same tensor), dtypes, sizes and nn.functional callables as
    minigrad's."""
    if isinstance(x, torch.Tensor):
        if id(x) not in memo:
            dtype = getattr(mg, str(x.dtype).removeprefix("torch."))
            memo[id(x)] = mg.tensor(x.detach().numpy().copy(), dtype=dtype, requires_grad=x.requires_grad)
        return memo[id(x)]
    if isinstance(x, torch.dtype):
        return getattr(mg, str(x).removeprefix("torch."))
    if isinstance(x, torch.Size):
        return tuple(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_to_mg(v, memo) for v in x)
    if isinstance(x, dict):
        return {k: _to_mg(v, memo) for k, v in x.items()}
    if isinstance(x, torch.nn.TransformerEncoderLayer):  # TransformerEncoder's layer to copy
        attn, act = x.self_attn, _to_mg(x.activation, memo)
        return mg.nn.TransformerEncoderLayer(attn.embed_dim, attn.num_heads, x.linear1.out_features,
                                             x.dropout.p, act, x.norm1.eps, attn.batch_first, x.norm_first,
                                             x.linear1.bias is not None)
    if callable(x) and getattr(torch.nn.functional, getattr(x, "__name__", ""), None) is x:
        return getattr(mg.nn.functional, x.__name__)  # an activation= argument (F.gelu)
    return x


def _compare(got: Any, want: Any, where: str, float32: bool = False, values: bool = True) -> None:
    if isinstance(want, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {type(got).__name__}, torch gives a Tensor"
        assert got.shape == tuple(want.shape), f"{where}: shape {got.shape} != torch's {tuple(want.shape)}"
        assert got.dtype.name == str(want.dtype).removeprefix("torch."), f"{where}: dtype {got.dtype}"
        if not values:
            return
        expected = want.detach().numpy()
        if expected.dtype.kind in "biu":
            np.testing.assert_array_equal(got.numpy(), expected, err_msg=where)
        else:
            rtol, atol = (1e-5, 1e-5) if float32 else (1e-9, 1e-10)
            np.testing.assert_allclose(got.detach().numpy(), expected, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, f"{where}[{i}]", float32, values)
    elif want is None:
        assert got is None, f"{where}: {got!r}, torch gives None"
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != torch's {want!r}"


def _dropout_active(tm: Any) -> bool:
    """Whether a torch module in training mode draws random masks (its values cannot be compared)."""
    for m in tm.modules():
        if isinstance(m, torch.nn.modules.dropout._DropoutNd) and m.p and m.training:
            return True
        if isinstance(m, (torch.nn.MultiheadAttention, torch.nn.RNNBase)) and m.dropout and m.training:
            return True
    return False


def _run(cls_name: str, ctor: Any, fwd: Any, dtype: Any, training: bool, grad: bool, where: str,
         lazy: bool = False) -> None:
    """Build both modules from ``ctor``, share the torch state, run ``fwd``, compare (see the module doc)."""
    parts = [ctor.args, ctor.kwargs, fwd.args, fwd.kwargs]
    memo: dict[int, mg.Tensor] = {}
    args = _to_mg(parts, memo)
    with warnings.catch_warnings():  # (PyTorch's performance hints: nested tensors, batch_first)
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        tm = getattr(torch.nn, cls_name)(*ctor.args, **ctor.kwargs).to(dtype).train(training)
        if lazy:
            with torch.no_grad():
                tm(*fwd.args, **fwd.kwargs)
        mm = getattr(mg.nn, cls_name)(*args[0], **args[1]).to(getattr(mg, str(dtype).removeprefix("torch.")))
        mm.train(training)
        mm.load_state_dict({k: v.detach().numpy().copy() for k, v in tm.state_dict().items()})
        torch.manual_seed(0)
        tout = tm(*fwd.args, **fwd.kwargs)
        out = mm(*args[2], **args[3])
    values = not _dropout_active(tm)
    float32 = dtype == torch.float32
    _compare(out, tout, where, float32, values)
    if not values:
        return
    state = mm.state_dict()
    for key, value in tm.state_dict().items():  # the buffers after the call (running statistics)
        got = state[key]
        _compare(got if isinstance(got, mg.Tensor) else mg.tensor(np.asarray(got)), value, f"{where}: {key}",
                 float32)
    if not grad:
        return
    pairs = [(t, o) for t, o in zip(tensors_in(tout), tensors_in(out), strict=True)
             if t.requires_grad and t.dtype.is_floating_point]
    if not pairs:
        return
    tparams, mparams = dict(tm.named_parameters()), dict(mm.named_parameters())
    assert list(tparams) == list(mparams), f"{where}: parameters {list(mparams)} != torch's {list(tparams)}"
    tin = [t for t in tensors_in(parts[2:]) if t.requires_grad]
    twrt = tin + list(tparams.values())
    mwrt = [memo[id(t)] for t in tin] + list(mparams.values())
    rng = np.random.default_rng(0)
    ws = [rng.standard_normal(tuple(t.shape)) for t, _ in pairs]
    tloss = sum((t * torch.from_numpy(w)).sum() for (t, _), w in zip(pairs, ws, strict=True))
    loss = sum((o * mg.tensor(w)).sum() for (_, o), w in zip(pairs, ws, strict=True))
    tgrads = torch.autograd.grad(tloss, twrt, allow_unused=True)
    grads = mg.grad(loss, mwrt, allow_unused=True)
    labels = [f"input {i}" for i in range(len(tin))] + list(tparams)
    for label, g, tg, t in zip(labels, grads, tgrads, twrt, strict=True):
        tg = torch.zeros_like(t) if tg is None else tg
        g = mg.zeros(*t.shape, dtype=mg.float64) if g is None else g
        _compare(g, tg, f"{where}: gradient of {label}")


def _spread(items: list[Any], n: int) -> list[Any]:
    """At most ``n`` items, evenly spaced over the list (the database orders samples by form)."""
    if len(items) <= n:
        return items
    return [items[math.floor(i * len(items) / n)] for i in range(n)]


@pytest.mark.parametrize("name", MODULES)
def test_samples_match_torch(name: str) -> None:
    """Outputs, buffers and float64 gradients of the ModuleInfo samples agree with PyTorch's."""
    info = _BY_NAME[name]
    ran = 0
    # float64 in both modes (with gradients); float32 once, in training where the modes differ
    for dtype, training in ((F64, True), (F64, False), (F32, info.train_and_eval_differ)):
        grad = dtype == F64
        torch.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            samples = info.module_inputs_func(info, device="cpu", dtype=dtype, requires_grad=grad,
                                              training=training)
        for k, s in enumerate(_spread(list(samples), MAX_SAMPLES)):
            ctor, fwd = s.constructor_input, s.forward_input
            if fwd is None or _unsupported([ctor.args, ctor.kwargs, fwd.args, fwd.kwargs]):
                continue
            where = f"{name} {dtype} training={training} sample {k} ({s.desc}): {ctor.args} {ctor.kwargs}"
            _run(info.module_cls.__name__, ctor, fwd, dtype, training, grad, where[:300], info.is_lazy)
            ran += 1
    assert ran, f"{name}: no sample ran"


ERROR_MODULES = tuple(n for n in MODULES if _BY_NAME[n].module_error_inputs_func is not None)


@pytest.mark.parametrize("name", ERROR_MODULES)
def test_error_inputs_raise_torch_classes(name: str) -> None:
    """Each ModuleInfo error input raises (at construction or in forward) an instance of PyTorch's class."""
    info = _BY_NAME[name]
    cls = getattr(mg.nn, info.module_cls.__name__)
    for dtype in (F64, F32):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            errors = info.module_error_inputs_func(info, device="cpu", dtype=dtype, requires_grad=False,
                                                   training=True)
        for error in errors:
            s = error.module_error_input
            ctor, fwd = s.constructor_input, s.forward_input
            fargs = (fwd.args, fwd.kwargs) if fwd is not None else ((), {})
            if _unsupported([ctor.args, ctor.kwargs, *fargs]):
                continue
            args = _to_mg([ctor.args, ctor.kwargs, *fargs], {})
            with pytest.raises(error.error_type):
                module = cls(*args[0], **args[1])
                if error.error_on == _cm.ModuleErrorEnum.FORWARD_ERROR:
                    module.to(getattr(mg, str(dtype).removeprefix("torch.")))(*args[2], **args[3])


FI = _cm.FunctionInput


def _r(*shape: int) -> Any:
    return torch.randn(*shape)


#: constructor forms and inputs the database leaves out: (class name, constructor, forward-input maker)
FORMS: list[tuple[str, Any, Any]] = [
    ("Conv1d", FI(3, 4, 3, padding="same", dilation=2), lambda: FI(_r(2, 3, 9))),
    ("Conv2d", FI(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), groups=2), lambda: FI(_r(2, 4, 7, 6))),
    ("Conv2d", FI(3, 4, 3, padding=2, padding_mode="circular"), lambda: FI(_r(2, 3, 6, 6))),
    ("Conv2d", FI(3, 4, 3, padding=(1, 2), padding_mode="reflect"), lambda: FI(_r(3, 6, 6))),
    ("ConvTranspose2d", FI(4, 2, 3, stride=2, padding=1, groups=2, dilation=2), lambda: FI(_r(2, 4, 4, 4))),
    ("MaxPool2d", FI((2, 3), stride=(1, 2), padding=1, ceil_mode=True, return_indices=True),
     lambda: FI(_r(2, 3, 6, 7))),
    ("AvgPool2d", FI(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
     lambda: FI(_r(2, 3, 8, 7))),
    ("AvgPool2d", FI(2, divisor_override=3), lambda: FI(_r(2, 3, 6, 6))),
    ("AdaptiveAvgPool2d", FI((None, 3)), lambda: FI(_r(2, 3, 7, 8))),
    ("LPPool2d", FI(3, (2, 3), stride=1, ceil_mode=True), lambda: FI(_r(2, 3, 6, 7))),
    ("LPPool1d", FI(float("inf"), 2), lambda: FI(_r(2, 3, 7))),
    ("BatchNorm1d", FI(4, momentum=None), lambda: FI(_r(5, 4, 3))),
    ("BatchNorm2d", FI(3), lambda: FI(_r(0, 3, 4, 4))),  # an empty batch: empty output, statistics kept
    ("LayerNorm", FI([3, 4], bias=False), lambda: FI(_r(2, 3, 4))),
    ("GroupNorm", FI(2, 4, affine=False), lambda: FI(_r(3, 4, 5))),
    ("Embedding", FI(10, 3, padding_idx=2), lambda: FI(torch.tensor([[1, 2, 2], [0, 9, 2]]))),
    ("Embedding", FI(10, 3, max_norm=1.0), lambda: FI(torch.tensor([1, 4, 4, 7]))),
    ("Embedding", FI(10, 3, padding_idx=-1, scale_grad_by_freq=True),
     lambda: FI(torch.tensor([[1, 9, 1], [1, 4, 4]]))),
    ("EmbeddingBag", FI(10, 3, mode="mean"),
     lambda: FI(torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 2]))),
    ("EmbeddingBag", FI(10, 3, mode="max"), lambda: FI(torch.tensor([[1, 2], [4, 5]]))),
    ("Dropout", FI(0.5), lambda: FI(_r(3, 4))),  # (compared in eval: values; in training: shapes)
    ("Flatten", FI(0, -2), lambda: FI(_r(2, 3, 4))),
    ("Unflatten", FI(-1, [2, -1]), lambda: FI(_r(4, 6))),
    ("PixelShuffle", FI(2), lambda: FI(_r(2, 8, 3, 3))),
    ("Upsample", FI(scale_factor=2), lambda: FI(_r(2, 3, 4, 5))),
    ("Upsample", FI(size=(7, 9), mode="bilinear", align_corners=True), lambda: FI(_r(2, 3, 4, 5))),
    ("Upsample", FI(scale_factor=(2, 3), mode="bicubic"), lambda: FI(_r(1, 2, 4, 5))),
    ("Upsample", FI(scale_factor=0.5, mode="bilinear", recompute_scale_factor=True),
     lambda: FI(_r(1, 2, 8, 6))),
    ("Fold", FI((4, 5), 2), lambda: FI(_r(2, 12, 12))),
    ("Unfold", FI(2, padding=1, stride=2), lambda: FI(_r(2, 3, 4, 5))),
    ("CosineSimilarity", FI(), lambda: FI(_r(3, 4), _r(1, 4))),
    ("PairwiseDistance", FI(p=1.5, keepdim=True), lambda: FI(_r(3, 4), _r(3, 4))),
    ("Hardsigmoid", FI(), lambda: FI(_r(3, 4) * 4)),  # PyTorch's gradient: float32's 1/6, in float64 too
    ("Softplus", FI(beta=3.0, threshold=5.0), lambda: FI(_r(3, 4) * 3)),
    ("CrossEntropyLoss", FI(weight=torch.rand(5), label_smoothing=0.2),
     lambda: FI(_r(4, 5), torch.randint(0, 5, (4,)))),
    ("CrossEntropyLoss", FI(), lambda: FI(_r(4, 5), torch.softmax(_r(4, 5), 1))),
    ("BCEWithLogitsLoss", FI(pos_weight=torch.rand(4)), lambda: FI(_r(3, 4), torch.rand(3, 4))),
    ("TripletMarginLoss", FI(margin=0.5, p=1.0, swap=True), lambda: FI(_r(3, 4), _r(3, 4), _r(3, 4))),
    ("MultiheadAttention", FI(8, 2, kdim=3, vdim=5), lambda: FI(_r(5, 2, 8), _r(6, 2, 3), _r(6, 2, 5))),
    ("MultiheadAttention", FI(8, 2, batch_first=True), lambda: FI(
        _r(2, 5, 8), _r(2, 6, 8), _r(2, 6, 8), average_attn_weights=False,
        key_padding_mask=torch.tensor([[0, 0, 0, 0, 1, 1], [0] * 6]).bool())),
    ("TransformerEncoderLayer", FI(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True),
     lambda: FI(_r(2, 5, 8), src_key_padding_mask=torch.tensor([[0, 0, 0, 1, 1], [0] * 5]).bool())),
    ("LSTM", FI(3, 4, proj_size=2, batch_first=True), lambda: FI(_r(2, 5, 3))),
    ("GRU", FI(3, 4, 2, bidirectional=True), lambda: FI(_r(5, 2, 3), _r(4, 2, 4))),
]  # fmt: skip


def _cast(x: Any, dtype: Any, grad: bool) -> Any:
    """A floating tensor in ``dtype`` (a leaf requiring grad if ``grad``); anything else as it is."""
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        return x.to(dtype).requires_grad_(grad)
    return x


@pytest.mark.parametrize("k", range(len(FORMS)), ids=[f"{n}-{k}" for k, (n, _, _) in enumerate(FORMS)])
def test_constructor_forms_match_torch(k: int) -> None:
    """Constructor forms and inputs beyond the database's agree with PyTorch as the samples above do."""
    name, ctor, make = FORMS[k]
    for dtype, training in ((F64, True), (F64, False), (F32, False)):
        torch.manual_seed(k)
        fwd = make()
        grad = dtype == F64

        fwd = FI(*[_cast(a, dtype, grad) for a in fwd.args],
                 **{n: _cast(v, dtype, grad and "mask" not in n) for n, v in fwd.kwargs.items()})
        typed = FI(*ctor.args, **{n: _cast(v, dtype, False) for n, v in ctor.kwargs.items()})
        _run(name, typed, fwd, dtype, training, grad, f"{name} {ctor.args} {ctor.kwargs} {dtype} {training}")


def test_module_attributes_and_errors_as_torch() -> None:
    """The attributes and exception classes the sweep found different, now PyTorch's."""
    relu6 = mg.nn.ReLU6()
    assert isinstance(relu6, mg.nn.Hardtanh) and (relu6.min_val, relu6.max_val) == (0.0, 6.0)
    assert repr(mg.nn.ReLU6(inplace=True)) == repr(torch.nn.ReLU6(inplace=True))
    assert repr(mg.nn.Dropout(0.2, inplace=True)) == repr(torch.nn.Dropout(0.2, inplace=True))
    assert mg.nn.Upsample(scale_factor=2).name == torch.nn.Upsample(scale_factor=2).name
    assert math.isinf(mg.nn.Softplus(0)(mg.ones(1)).item())  # (PyTorch: inf too)
    assert math.isinf(torch.nn.Softplus(0)(torch.ones(1)).item())
    for make, kind in [
        (lambda nn: nn.Linear(3.0, 4), TypeError),
        (lambda nn: nn.Embedding(5, 3, padding_idx=5), AssertionError),
        (lambda nn: nn.MultiheadAttention(8, 3), AssertionError),
        (lambda nn: nn.TransformerEncoderLayer(8, 3), AssertionError),
        (lambda nn: nn.Hardtanh(1.0, -1.0), AssertionError),
        (lambda nn: nn.MultiheadAttention(8, 2)(*[nn_r(nn, 5, 2, s) for s in (7, 8, 8)]), AssertionError),
        (lambda nn: nn.functional.embedding(nn_t(nn, [1.0]), nn_r(nn, 4, 3)), RuntimeError),
        (lambda nn: nn.functional.one_hot(nn_t(nn, [0.0, 1.0])), RuntimeError),
    ]:
        for lib in (torch.nn, mg.nn):
            with pytest.raises(kind):
                make(lib)


def nn_r(nn: Any, *shape: int) -> Any:
    """randn from the library that ``nn`` belongs to."""
    return (torch if nn is torch.nn else mg).randn(*shape)


def nn_t(nn: Any, values: list[float]) -> Any:
    """tensor(values) from the library that ``nn`` belongs to."""
    return (torch if nn is torch.nn else mg).tensor(values)
