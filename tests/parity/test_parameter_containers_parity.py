"""nn.ParameterList / nn.ParameterDict against torch: parameter names, state_dict keys, gradients, repr."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _format
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


def _model(lib: Any, tensors: list[np.ndarray]) -> Any:
    class Model(lib.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            make = lib.tensor
            self.weights = lib.nn.ParameterList([lib.nn.Parameter(make(tensors[0])), make(tensors[1])])
            self.scales = lib.nn.ParameterDict({"z": make(tensors[2]), "a": make(tensors[3])})

        def forward(self, x: Any) -> Any:
            for w in self.weights:
                x = (x @ w).tanh()
            return (x * self.scales["z"] + self.scales["a"]).sum()

    return Model()


def test_names_gradients_and_repr_match_torch() -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(3, 4), (4, 2), (2,), (2,)]]
    ours, theirs = _model(mg, arrays), _model(torch, arrays)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal((5, 3))
    ours(mg.tensor(x)).backward()
    theirs(torch.tensor(x)).backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10)
    # torch names the dtype of a list entry (in minigrad's namespace, as a tensor's repr does) and the
    # legacy tensor type of a dict entry (always torch.*, as Tensor.type())
    assert repr(ours) == repr(theirs).replace("torch.float64", "minigrad.float64")
    with pytest.MonkeyPatch.context() as mp:  # under python -m minigrad.compat: every character as torch's
        mp.setattr(_format, "NAMESPACE", "torch")
        assert repr(ours) == repr(theirs)
    loaded = _model(mg, [a * 0 for a in arrays])
    loaded.load_state_dict(ours.state_dict())
    np.testing.assert_array_equal(loaded.weights[1].detach().numpy(), arrays[1])
