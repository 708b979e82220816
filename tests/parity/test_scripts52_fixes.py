"""Cases found by running public PyTorch learning material with ``torch`` aliased to minigrad (scripts52).

Each test runs the same code on both libraries and compares the results. The
material: hunkim/PyTorchZeroToAll, vinhkhuc/PyTorch-Mini-Tutorials, spro/practical-pytorch,
Atcold/NYU-DLSP20, GunhoChoi/PyTorch-FastCampus and omarsar/pytorch_notebooks.
"""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _error(fn: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("shape", [(1, 128), (3, 5), (3, 5, 2), (0, 5)])
def test_class_loss_of_a_zero_dim_target_names_batch_size_zero(fn: str, shape: tuple[int, ...]) -> None:
    # PyTorchZeroToAll 13_3_char_rnn / 14_1_seq2seq call CrossEntropyLoss(output (1, 128), target tensor(5)):
    # PyTorch reads a 0-dim target's batch size as 0 (a ValueError naming both sizes)
    got = {}
    for lib in (mg, torch):
        lib.manual_seed(0)
        x = lib.randn(*shape)
        got[lib] = _error(lambda: getattr(lib.nn.functional, fn)(x, lib.tensor(1)))
    assert issubclass(got[mg][0], got[torch][0])
    assert got[mg][1].startswith(got[torch][1])
