"""nn.ParameterList and nn.ParameterDict: registration, dict/list behaviour and PyTorch's names."""

from __future__ import annotations

from collections import OrderedDict

import pytest

import minigrad as mg
from minigrad import nn


def test_list_registers_wraps_and_indexes() -> None:
    pl = nn.ParameterList([mg.zeros(2), nn.Parameter(mg.ones(3))])
    assert len(pl) == 2 and all(isinstance(p, nn.Parameter) for p in pl)
    pl.append(mg.ones(4))
    pl += [mg.zeros(1)]
    assert [p.shape for p in pl] == [(2,), (3,), (4,), (1,)]
    assert pl[-1].shape == (1,)
    assert isinstance(pl[1:3], nn.ParameterList) and len(pl[1:3]) == 2
    pl[0] = mg.full((5,), 2.0)
    assert pl[0].shape == (5,) and isinstance(pl[0], nn.Parameter)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2", "3"]
    with pytest.raises(IndexError):
        pl[4]
    with pytest.raises(TypeError):
        pl["0"]  # type: ignore[index]
    with pytest.raises(RuntimeError, match="should not be called"):
        pl()


def test_dict_behaves_like_a_dict() -> None:
    pd = nn.ParameterDict(OrderedDict([("w", mg.zeros(2)), ("b", mg.ones(1))]))
    assert list(pd) == ["w", "b"] and "w" in pd and len(pd) == 2
    pd["c"] = mg.zeros(3)
    assert isinstance(pd["c"], nn.Parameter)
    assert pd.get("missing") is None and pd.setdefault("d", mg.ones(1)).shape == (1,)
    assert pd.pop("w").shape == (2,) and "w" not in pd
    assert pd.popitem()[0] == "d"
    assert [n for n, _ in pd.named_parameters()] == ["b", "c"]
    assert list(nn.ParameterDict({"b": mg.zeros(1), "a": mg.zeros(1)})) == ["a", "b"]  # plain dicts sorted
    assert list((pd | nn.ParameterDict({"e": mg.zeros(1)})).keys()) == ["b", "c", "e"]
    with pytest.raises(KeyError):
        pd["nope"]
    with pytest.raises(TypeError):
        pd[1] = mg.zeros(1)  # type: ignore[index]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []
