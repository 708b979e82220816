"""What the progs19 batch of compat programs (tests/compat/programs: makemore_wavenet_layers,
llmfs_kvcache_gqa, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

import io
from collections import OrderedDict

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _round_trip(lib: object, obj: object) -> object:
    buf = io.BytesIO()
    lib.save(obj, buf)  # type: ignore[attr-defined]
    buf.seek(0)
    return lib.load(buf, weights_only=True)  # type: ignore[attr-defined]


def test_saved_state_dict_loads_as_ordered_dict() -> None:
    """Before progs19 a saved ``state_dict()`` (an OrderedDict) loaded as a plain dict, alone or nested in a
    checkpoint: ``print(sd.keys())`` showed ``dict_keys`` where PyTorch's shows ``odict_keys``."""
    m, tm = mg.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    for got, want in [(_round_trip(mg, m.state_dict()), _round_trip(torch, tm.state_dict())),
                      (_round_trip(mg, {"model": m.state_dict(), "step": 3})["model"],  # type: ignore[index]
                       _round_trip(torch, {"model": tm.state_dict(), "step": 3})["model"]),  # type: ignore[index]
                      (_round_trip(mg, OrderedDict(a=mg.ones(2))), _round_trip(torch, OrderedDict(a=torch.ones(2)))),
                      (_round_trip(mg, {"a": mg.ones(2)}), _round_trip(torch, {"a": torch.ones(2)})),
                      (_round_trip(mg, {"a": [1, {"b": 2}]})["a"][1],  # type: ignore[index]
                       _round_trip(torch, {"a": [1, {"b": 2}]})["a"][1])]:  # type: ignore[index]
        assert type(got) is type(want)
        assert list(got) == list(want)  # type: ignore[call-overload]
