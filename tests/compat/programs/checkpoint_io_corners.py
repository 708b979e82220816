"""Checkpoint I/O a training script relies on: the legacy (non-zip) format, map_location as a string, a
function, a dict and a device, views sharing storage after a round trip, the Python types a checkpoint
keeps (OrderedDict, Size, dtype, device), Parameters and requires_grad, small dtypes, empty and non-leaf
tensors, weights_only=False for numpy values, paths, pathlib and mmap, a missing file and a file that is
no checkpoint, add_safe_globals, and load_state_dict's result with strict=False."""

import torch
import io
import os
import tempfile
import collections
import torch.nn as nn
from _show import show


torch.manual_seed(0)
m = nn.Linear(2, 2)


def rt(obj, **kw):
    b = io.BytesIO()
    torch.save(obj, b, **kw)
    b.seek(0)
    return torch.load(
        b, **{k: v for k, v in kw.items() if k not in ("_use_new_zipfile_serialization", "pickle_protocol")}
    )


show("legacy format", lambda: rt(m.state_dict(), _use_new_zipfile_serialization=False)["bias"])
show(
    "map_location str",
    lambda: torch.load(
        io.BytesIO((lambda b: (torch.save(torch.ones(2), b), b.getvalue())[1])(io.BytesIO())),
        map_location="cpu",
    ),
)
show(
    "map_location fn",
    lambda: torch.load(
        io.BytesIO((lambda b: (torch.save(torch.ones(2), b), b.getvalue())[1])(io.BytesIO())),
        map_location=lambda s, loc: s,
    ),
)
show(
    "map_location dict",
    lambda: torch.load(
        io.BytesIO((lambda b: (torch.save(torch.ones(2), b), b.getvalue())[1])(io.BytesIO())),
        map_location={"cuda:0": "cpu"},
    ),
)
show(
    "map_location device",
    lambda: torch.load(
        io.BytesIO((lambda b: (torch.save(torch.ones(2), b), b.getvalue())[1])(io.BytesIO())),
        map_location=torch.device("cpu"),
    ),
)
show(
    "shared storage",
    lambda: (
        (lambda d: d["a"].data_ptr() == d["b"].data_ptr())(rt({"a": (t := torch.arange(4.0)), "b": t[1:]}))
        if False
        else (lambda d: (d["b"].add_(100), d["a"])[1])(rt({"a": (t := torch.arange(4.0)), "b": t[1:]}))
    ),
)
show(
    "types",
    lambda: {
        k: type(v).__name__
        for k, v in rt(
            {
                "i": 1,
                "f": 2.5,
                "s": "x",
                "l": [1],
                "t": (1, 2),
                "n": None,
                "d": collections.OrderedDict(a=1),
                "z": torch.Size([2]),
                "dt": torch.float16,
                "dev": torch.device("cpu"),
            }
        ).items()
    },
)
show("param", lambda: type(rt(nn.Parameter(torch.ones(1)))).__name__)
show("param rg", lambda: rt(nn.Parameter(torch.ones(1))).requires_grad)
show("tensor rg", lambda: rt(torch.ones(1, requires_grad=True)).requires_grad)
show("int8", lambda: rt(torch.tensor([1, -2], dtype=torch.int8)))
show("bool", lambda: rt(torch.tensor([True])))
show("f16", lambda: rt(torch.tensor([1.5], dtype=torch.float16)))
show("empty", lambda: rt(torch.zeros(0, 3)).shape)
show("nonleaf", lambda: rt(torch.ones(2, requires_grad=True) * 2))
show("numpy in ckpt", lambda: type(rt({"a": __import__("numpy").ones(2)}, weights_only=False)["a"]).__name__)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ck.pt")
    torch.save({"model": m.state_dict(), "epoch": 3}, path)
    show("file load", lambda: sorted(torch.load(path).keys()))
    show("mmap", lambda: torch.load(path, mmap=True)["epoch"])
    show("pathlib", lambda: torch.load(__import__("pathlib").Path(path))["epoch"])
    try:
        torch.load(os.path.join(d, "nope.pt"))
    except FileNotFoundError as e:
        print("missing:", e.errno, e.strerror, os.path.basename(e.filename))
    with open(path, "wb") as f:
        f.write(b"garbage")
    try:
        torch.load(path)
    except __import__("pickle").UnpicklingError:
        print("garbage: an UnpicklingError")
show("add safe", lambda: torch.serialization.add_safe_globals([collections.OrderedDict]))
show(
    "load_state_dict strict false result",
    lambda: nn.Linear(2, 2).load_state_dict(
        {"weight": torch.ones(2, 2), "extra": torch.ones(1)}, strict=False
    ),
)
show(
    "incompatible keys",
    lambda: tuple(nn.Linear(2, 2).load_state_dict({"weight": torch.ones(2, 2), "bias": torch.ones(2)})),
)
