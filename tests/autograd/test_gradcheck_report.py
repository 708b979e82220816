"""gradcheck's failure report: a short table, worst entry first."""

from __future__ import annotations

import pytest

import minigrad as mg


def test_failure_table_worst_first() -> None:
    def wrong(x: mg.Tensor) -> mg.Tensor:
        return x * x.detach()  # true derivative 2x, analytical (graph) derivative x

    x = mg.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=mg.float64, requires_grad=True)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(wrong, (x,))
    lines = str(info.value).splitlines()
    assert lines[0] == "Jacobian mismatch for output 0 with respect to input 0,"  # PyTorch's first line
    assert lines[1].startswith("first-order gradient mismatch for input 0 at element index (1, 1): "
                               "analytical 3 vs numerical 6")
    assert "4 entries fail" in lines[1]
    assert lines[2].split() == ["input", "index", "output", "analytical", "numerical", "abs", "err",
                                "rel", "err"]
    rows = [line.split() for line in lines[3:]]
    # (input, index, output element, analytical, numerical, abs err, rel err), worst first
    assert [(r[0], r[1] + r[2], r[3], float(r[4]), float(r[5]), float(r[6]), float(r[7])) for r in rows] == [
        ("0", "(1,1)", "3", 3.0, pytest.approx(6.0), pytest.approx(3.0), pytest.approx(0.5)),
        ("0", "(0,1)", "1", -2.0, pytest.approx(-4.0), pytest.approx(2.0), pytest.approx(0.5)),
        ("0", "(0,0)", "0", 1.0, pytest.approx(2.0), pytest.approx(1.0), pytest.approx(0.5)),
        ("0", "(1,0)", "2", 0.5, pytest.approx(1.0), pytest.approx(0.5), pytest.approx(0.5)),
    ]


def test_zero_numerical_derivative_ranks_by_tolerance_excess() -> None:
    def scaled_tanh(x: mg.Tensor) -> mg.Tensor:
        return (x / float(x.abs().max().detach())).tanh()  # float() hides the scale's dependence on x

    x = mg.tensor([0.5, -2.0, 1.0], dtype=mg.float64, requires_grad=True)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(scaled_tanh, (x,))
    lines = str(info.value).splitlines()
    assert "analytical 0.209987 vs numerical 0 (abs err 0.21, rel err inf;" in lines[1]
    rows = [line.split() for line in lines[3:]]
    assert [(r[1], r[2], r[-1]) for r in rows] == [("(1,)", "1", "inf"), ("(1,)", "2", "1"),
                                                   ("(1,)", "0", "1")]
    assert float(rows[1][3]) == 0.0 and float(rows[1][4]) == pytest.approx(0.196612, abs=1e-6)
