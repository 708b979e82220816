"""How tensors print at the edges: int64 near 2**62, bool matrices, float64 across magnitudes (scientific
notation), empty and 0-d tensors of each dtype, long rows and 3-d blocks summarized with ..., half and
small integer dtypes, nan/inf, negative zero, set_printoptions(precision, sci_mode, linewidth, profile,
threshold/edgeitems), format specs on 0-d tensors, torch.Size/dtype/device reprs, and the named tuples
max/sort/aminmax/var_mean/kthvalue/mode/cummax/frexp/slogdet/svd/eigh/lstsq return."""

import torch


def show(label, fn):
    """Print what fn returns, or the class PyTorch documents and the start of the message."""
    try:
        print(label, "->", fn())
    except (
        IndexError,
        KeyError,
        AttributeError,
        TypeError,
        NotImplementedError,
        ValueError,
        RuntimeError,
        AssertionError,
    ) as e:
        kind = next(
            k
            for k in (
                IndexError,
                KeyError,
                AttributeError,
                TypeError,
                NotImplementedError,
                ValueError,
                RuntimeError,
                AssertionError,
            )
            if isinstance(e, k)
        )
        print(label, "raises", kind.__name__, str(e).split(" (")[0][:60])


show("big int64", lambda: torch.tensor([2**62, -5, 3]))
show("big int64 2d", lambda: torch.tensor([[2**40, 1], [-3, 7]]))
show("bool 2d", lambda: torch.tensor([[True, False], [False, True]]))
show("f64 sci", lambda: torch.tensor([1e-10, 1.0, 1e10], dtype=torch.float64))
show("f64 mixed", lambda: torch.tensor([1.5e-5, 123.25], dtype=torch.float64))
show("empty", lambda: torch.empty(0))
show("empty 2d", lambda: torch.zeros(0, 3))
show("empty int", lambda: torch.zeros(2, 0, dtype=torch.int64))
show("0d", lambda: torch.tensor(3.5))
show("0d int", lambda: torch.tensor(3))
show("0d bool", lambda: torch.tensor(True))
show("0d f64", lambda: torch.tensor(1e-8, dtype=torch.float64))
show("wide", lambda: torch.arange(2000.0))
show("wide int", lambda: torch.arange(1200).view(2, 600))
show("wide 3d", lambda: torch.arange(24000.0).view(30, 40, 20))
show("f16", lambda: torch.tensor([1.5, 2.25], dtype=torch.float16))
show("int8", lambda: torch.tensor([-1, 2], dtype=torch.int8))
show("uint8", lambda: torch.tensor([1, 255], dtype=torch.uint8))
show("int16", lambda: torch.tensor([1, 255], dtype=torch.int16))
show("int32 empty", lambda: torch.zeros(0, dtype=torch.int32))
show("nan inf", lambda: torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0]))
show("nan only", lambda: torch.tensor([float("nan")]))
show("inf int-valued", lambda: torch.tensor([float("inf"), 2.0]))
show("requires grad", lambda: torch.ones(2, requires_grad=True))
show("grad_fn", lambda: torch.ones(2, requires_grad=True) * 2)
show("neg zero", lambda: torch.tensor([-0.0, 0.0]))
show("tiny", lambda: torch.tensor([1e-5, 1e-6]))
show("large", lambda: torch.tensor([1e8, 1.0]))
show("larger", lambda: torch.tensor([123456789.0, 1.0]))
show("str", lambda: str(torch.tensor([1.0, 2.0])))
show("format", lambda: "{:.3f}".format(torch.tensor(1.23456)))
show("format int", lambda: "{:05d}".format(torch.tensor(12)))
show("format vec", lambda: "{}".format(torch.tensor([1.0, 2.0])))
show("f-string", lambda: f"{torch.tensor(2.5)!r} {torch.tensor(2.5):>8}")
torch.set_printoptions(precision=2)
show("prec2", lambda: torch.tensor([1.23456, 2.5, 1e-3]))
torch.set_printoptions(sci_mode=True)
show("sci", lambda: torch.tensor([1.23456, 2.5]))
torch.set_printoptions(sci_mode=False, precision=6)
show("nosci", lambda: torch.tensor([1e-10, 1e10]))
torch.set_printoptions(linewidth=40)
show("lw40", lambda: torch.arange(30.0))
torch.set_printoptions(profile="short")
show("short", lambda: torch.arange(30.0).view(5, 6))
torch.set_printoptions(profile="full")
show("full", lambda: torch.arange(1001)[-3:])
torch.set_printoptions(profile="default")
show("threshold", lambda: (torch.set_printoptions(threshold=5, edgeitems=1), torch.arange(10.0))[1])
torch.set_printoptions(profile="default")
show("default", lambda: torch.arange(10.0))
show("size", lambda: torch.ones(2, 3).size())
show("size repr", lambda: repr(torch.Size([2, 3])))
show("size str", lambda: str(torch.Size([])))
show("dtype repr", lambda: (repr(torch.float32), str(torch.int64), torch.bool))
show(
    "device",
    lambda: (torch.ones(1).device, repr(torch.device("cpu")), torch.device("cpu", 0) if False else 0),
)
show("layout", lambda: torch.ones(1).layout)
show("Generator", lambda: type(torch.Generator()).__name__)
show("tolist f32", lambda: torch.tensor([0.1, 0.2]).tolist())
show("item f32", lambda: torch.tensor(0.1).item())
show("tensor list repr", lambda: [torch.tensor(1.0), torch.tensor([2, 3])])
show("dict repr", lambda: {"a": torch.tensor([1.5])})
show("named tuple max", lambda: torch.tensor([[1.0, 5.0], [3.0, 2.0]]).max(dim=1))
show("sort repr", lambda: torch.tensor([3.0, 1.0]).sort())
show("aminmax", lambda: torch.aminmax(torch.tensor([3.0, 1.0, 5.0])))
show("var_mean", lambda: torch.var_mean(torch.tensor([3.0, 1.0, 5.0])))
show("kthvalue", lambda: torch.tensor([3.0, 1.0, 5.0]).kthvalue(2))
show("mode", lambda: torch.tensor([3, 1, 3, 1]).mode())
show("cummax", lambda: torch.tensor([1.0, 3.0, 2.0, 4.0]).cummax(0))
show("frexp", lambda: torch.frexp(torch.tensor([8.0, 0.3])))
show("slogdet", lambda: torch.linalg.slogdet(torch.eye(2) * 2))
show("qr", lambda: type(torch.linalg.qr(torch.eye(2))).__name__)
show("svd repr", lambda: torch.linalg.svd(torch.eye(2)))
show("eigh", lambda: torch.linalg.eigh(torch.eye(2)))
show("lstsq", lambda: torch.linalg.lstsq(torch.eye(2), torch.ones(2, 1)))
