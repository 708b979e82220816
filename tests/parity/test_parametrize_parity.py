"""nn.utils.parametrize, parametrizations.weight_norm and the older nn.utils.weight_norm against torch in
float64: the parametrized values, the gradients reaching the originals, state_dict keys, assignment
through right_inverse, chaining, caching, removal and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)


def _arr(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def _np(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy())


def _symmetric(lib: Any) -> Any:
    class Symmetric(lib.nn.Module):
        def forward(self, x: Any) -> Any:
            return x.triu() + x.triu(1).transpose(-1, -2)

        def right_inverse(self, a: Any) -> Any:
            return a.triu()

    return Symmetric()


def _scale(lib: Any) -> Any:
    class Scale(lib.nn.Module):
        def forward(self, x: Any) -> Any:
            return x * 3

        def right_inverse(self, x: Any) -> Any:
            return x / 3

    return Scale()


def _linear(lib: Any, n_in: int = 4, n_out: int = 4) -> Any:
    lin = lib.nn.Linear(n_in, n_out, dtype=lib.float64)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(_arr(0, n_out, n_in)))
        lin.bias.copy_(lib.tensor(_arr(1, n_out)))
    return lin


def _run(lib: Any, build: Any) -> dict[str, Any]:
    """Build a module, run forward/backward on fixed input; collect values, grads, names."""
    m = build(lib)
    x = lib.tensor(_arr(2, 3, 4))
    out = m(x)
    (out * lib.tensor(_arr(3, *out.shape))).sum().backward()
    return {
        "out": _np(out), "names": [n for n, _ in m.named_parameters()], "keys": list(m.state_dict()),
        "grads": [_np(p.grad) for _, p in m.named_parameters()], "cls": type(m).__name__,
    }


def _compare(build: Any) -> None:
    ours, theirs = _run(mg, build), _run(torch, build)
    assert [ours[k] for k in ("names", "keys", "cls")] == [theirs[k] for k in ("names", "keys", "cls")]
    assert_close(ours["out"], theirs["out"], rtol=1e-12)
    for g, w in zip(ours["grads"], theirs["grads"]):
        assert_close(g, w, rtol=1e-12)


def test_symmetric_parametrization_matches_torch() -> None:
    def build(lib: Any) -> Any:
        return lib.nn.utils.parametrize.register_parametrization(_linear(lib), "weight", _symmetric(lib))

    _compare(build)


def test_chained_parametrizations_match_torch() -> None:
    def build(lib: Any) -> Any:
        lin = _linear(lib)
        lib.nn.utils.parametrize.register_parametrization(lin, "weight", _symmetric(lib))
        lib.nn.utils.parametrize.register_parametrization(lin, "weight", _scale(lib))
        return lin

    _compare(build)


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm_parametrization_matches_torch(dim: int | None) -> None:
    def build(lib: Any) -> Any:
        return lib.nn.utils.parametrizations.weight_norm(_linear(lib, 4, 5), dim=dim)

    _compare(build)


def test_weight_norm_on_a_conv_matches_torch() -> None:
    results = []
    for lib in (mg, torch):
        conv = lib.nn.Conv1d(2, 3, 3, dtype=lib.float64)
        with lib.no_grad():
            conv.weight.copy_(lib.tensor(_arr(4, 3, 2, 3)))
            conv.bias.zero_()
        lib.nn.utils.parametrizations.weight_norm(conv)
        g = conv.parametrizations.weight.original0
        out = conv(lib.tensor(_arr(5, 2, 2, 6)))
        out.pow(2).sum().backward()
        v = conv.parametrizations.weight.original1
        results.append([tuple(g.shape), _np(out), _np(g.grad), _np(v.grad)])
    assert results[0][0] == results[1][0] == (3, 1, 1)
    for got, want in zip(results[0][1:], results[1][1:]):
        assert_close(got, want, rtol=1e-12)


def test_old_weight_norm_matches_torch_and_warns() -> None:
    results = []
    for lib in (mg, torch):
        lin = _linear(lib, 4, 5)
        with pytest.warns(FutureWarning, match="deprecated"):
            lib.nn.utils.weight_norm(lin, dim=0)
        names = [n for n, _ in lin.named_parameters()]
        out = lin(lib.tensor(_arr(2, 3, 4)))
        out.sum().backward()
        grads = [_np(lin.weight_g.grad), _np(lin.weight_v.grad)]
        with lib.no_grad():
            lin.weight_g.mul_(2)
        second = _np(lin(lib.tensor(_arr(2, 3, 4))))
        lib.nn.utils.remove_weight_norm(lin)
        after = [n for n, _ in lin.named_parameters()]
        results.append([names, after, _np(out), *grads, second, _np(lin.weight)])
    assert results[0][0] == results[1][0] == ["bias", "weight_g", "weight_v"]
    assert results[0][1] == results[1][1] == ["bias", "weight"]
    for got, want in zip(results[0][2:], results[1][2:]):
        assert_close(got, want, rtol=1e-12)


def test_assignment_removal_and_cache_match_torch() -> None:
    results = []
    for lib in (mg, torch):
        p = lib.nn.utils.parametrize
        lin = _linear(lib)
        p.register_parametrization(lin, "weight", _symmetric(lib))
        a = lib.tensor(_arr(6, 4, 4))
        lin.weight = a + a.T  # through right_inverse
        assigned = _np(lin.weight)
        orig = _np(lin.parametrizations.weight.original)
        flags = [p.is_parametrized(lin), p.is_parametrized(lin, "weight"), p.is_parametrized(lin, "bias"),
                 p.type_before_parametrizations(lin).__name__]
        with p.cached():
            same = lin.weight is lin.weight
        fresh = lin.weight is lin.weight
        p.remove_parametrizations(lin, "weight", leave_parametrized=False)
        after = [type(lin).__name__, type(lin.weight).__name__, p.is_parametrized(lin),
                 list(lin.state_dict())]
        results.append([assigned, orig, flags, same, fresh, after, _np(lin.weight)])
    (a_m, o_m, *rest_m, w_m), (a_t, o_t, *rest_t, w_t) = results
    assert rest_m == rest_t
    for got, want in ((a_m, a_t), (o_m, o_t), (w_m, w_t)):
        assert_close(got, want, rtol=1e-12)


def test_errors_match_torch() -> None:
    class Shrink:
        @staticmethod
        def build(lib: Any) -> Any:
            class Drop(lib.nn.Module):
                def forward(self, x: Any) -> Any:
                    return x[:-1]

            return Drop()

    for lib in (mg, torch):
        p = lib.nn.utils.parametrize
        with pytest.raises(ValueError, match="may not change the shape"):
            p.register_parametrization(_linear(lib), "weight", Shrink.build(lib))
        with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized"):
            p.register_parametrization(_linear(lib), "nope", _scale(lib))
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            p.remove_parametrizations(_linear(lib), "weight")
        lin = lib.nn.utils.parametrizations.weight_norm(_linear(lib))
        with pytest.raises(ValueError, match="Cannot leave unparametrized"):
            p.remove_parametrizations(lin, "weight", leave_parametrized=False)


def _spectral_run(lib: Any, old_style: bool, conv_t: bool, vectors: tuple[np.ndarray, np.ndarray]
                  ) -> list[np.ndarray]:
    """Spectral-normalized layer from fixed weights and power-iteration start vectors (torch's, copied)."""
    m = lib.nn.ConvTranspose1d(3, 2, 3, dtype=lib.float64) if conv_t else _linear(lib, 4, 5)
    if conv_t:
        with lib.no_grad():
            m.weight.copy_(lib.tensor(_arr(7, 3, 2, 3)))
            m.bias.zero_()
    if old_style:
        lib.nn.utils.spectral_norm(m)
        u, v = m.weight_u, m.weight_v
    else:
        lib.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=2)
        u, v = m.parametrizations.weight[0]._u, m.parametrizations.weight[0]._v
    with lib.no_grad():
        u.copy_(lib.tensor(vectors[0]))
        v.copy_(lib.tensor(vectors[1]))
    x = lib.tensor(_arr(8, 2, 3, 5) if conv_t else _arr(8, 3, 4))
    outs = []
    for _ in range(3):
        out = m(x)
        out.pow(2).sum().backward()
        outs.append(_np(out))
    orig = m.weight_orig if old_style else m.parametrizations.weight.original
    m.eval()
    outs += [_np(m(x)), _np(orig.grad), _np(u), _np(v)]
    return outs


@pytest.mark.parametrize("old_style", [False, True])
@pytest.mark.parametrize("conv_t", [False, True])
def test_spectral_norm_matches_torch_from_the_same_start_vectors(old_style: bool, conv_t: bool) -> None:
    m = torch.nn.ConvTranspose1d(3, 2, 3, dtype=torch.float64) if conv_t else _linear(torch, 4, 5)
    start = _spectral_start(m, old_style)
    ours = _spectral_run(mg, old_style, conv_t, start)
    theirs = _spectral_run(torch, old_style, conv_t, start)
    for got, want in zip(ours, theirs):
        assert_close(got, want, rtol=1e-10)


def _spectral_start(m: Any, old_style: bool) -> tuple[np.ndarray, np.ndarray]:
    """Start vectors of the right sizes (torch draws its own; both runs get these)."""
    w = m.weight.detach().numpy()
    mat = (np.moveaxis(w, 1, 0) if isinstance(m, torch.nn.ConvTranspose1d) else w).reshape(
        w.shape[1] if isinstance(m, torch.nn.ConvTranspose1d) else w.shape[0], -1)
    u, v = _arr(9, mat.shape[0]), _arr(10, mat.shape[1])
    return u / np.linalg.norm(u), v / np.linalg.norm(v)


def test_spectral_norm_removal_and_names_match_torch() -> None:
    names = []
    for lib in (mg, torch):
        old = lib.nn.utils.spectral_norm(_linear(lib))
        new = lib.nn.utils.parametrizations.spectral_norm(_linear(lib))
        names.append([list(old.state_dict()), list(new.state_dict())])
        lib.nn.utils.remove_spectral_norm(old)
        names.append([n for n, _ in old.named_parameters()])
        with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
            lib.nn.utils.remove_spectral_norm(old)
    assert names[0] == names[2] and names[1] == names[3]
    normed = mg.nn.utils.parametrizations.spectral_norm(_linear(mg))
    sigma = np.linalg.svd(_np(normed.weight), compute_uv=False)
    assert abs(sigma[0] - 1) < 1e-6  # 15 power-iteration steps at registration
