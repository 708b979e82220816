"""Differences found while writing progs34's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import importlib
import json
import multiprocessing
import subprocess
import sys
import warnings
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


# ---------------------------------------------------------------- share_memory_ (mnist_hogwild.py)


def _double_in_child(t: Any) -> None:
    t.mul_(2)


def _sgd_in_child(lib: str, model: Any) -> None:
    m = mg if lib == "mg" else torch
    opt = m.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        model(m.ones(3, 2)).pow(2).sum().backward()
        opt.step()


@pytest.mark.parametrize("lib", ["mg", "torch"])
def test_share_memory_flags_and_fork_child_writes(lib: str) -> None:
    m = mg if lib == "mg" else torch
    t = m.arange(6.0)
    assert t.is_shared() is False
    assert t.share_memory_() is t
    assert t.is_shared() is True
    assert t.untyped_storage().is_shared() is True
    p = multiprocessing.get_context("fork").Process(target=_double_in_child, args=(t,))
    p.start()
    p.join()
    assert p.exitcode == 0
    assert t.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def _hogwild(lib: str) -> list[Any]:
    """Parameters of a shared Linear after a forked child's two SGD steps (the parent's .grad stays None)."""
    m = mg if lib == "mg" else torch
    m.manual_seed(0)
    model = m.nn.Linear(2, 1)
    assert model.share_memory() is model
    assert all(q.is_shared() for q in model.parameters())
    p = multiprocessing.get_context("fork").Process(target=_sgd_in_child, args=(lib, model))
    p.start()
    p.join()
    assert p.exitcode == 0
    assert all(q.grad is None for q in model.parameters())  # (grads were made in the child only)
    return [q.detach().numpy().tolist() for q in model.parameters()]


def test_module_share_memory_trains_in_forked_child_as_torch() -> None:
    # PyTorch's side runs in a new interpreter: a fork from a process whose autograd engine has started its
    # threads (some earlier test in this worker may have) makes PyTorch's child refuse to run backward
    code = ("import json; from tests.parity.test_progs34_fixes import _hogwild; "
            "print(json.dumps(_hogwild('torch')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2], check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    for a, b in zip(_hogwild("mg"), theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_share_memory_moves_known_views_too() -> None:
    for m in (mg, torch):
        v = m.zeros(2, 4)
        col = v[:, 1]
        v.share_memory_()
        v[0, 1] = 7.0
        assert col.tolist() == [7.0, 0.0]
        assert col.is_shared()


def test_forking_pickler_moves_tensor_to_shared_memory_and_back() -> None:
    for m in (mg, torch):
        t = m.ones(3)
        w = m.nn.Parameter(m.zeros(2))
        t2, w2 = ForkingPickler.loads(bytes(ForkingPickler.dumps((t, w))))
        assert t.is_shared() and t2.is_shared()  # (the sender's tensor moves, in place)
        t2.add_(1)
        assert t.tolist() == [2.0, 2.0, 2.0]
        assert type(w2).__name__ == "Parameter" and w2.requires_grad and w2.is_leaf


def test_forking_pickler_refuses_non_leaf_requiring_grad() -> None:
    got = []
    for m in (mg, torch):
        y = m.ones(2, requires_grad=True) * 3
        with pytest.raises(RuntimeError) as e:
            ForkingPickler.dumps(y)
        got.append(str(e.value))
    assert got[0] == got[1]


# -------------------------------------------------- PyTorch's words first (error_words_index_ops.py)


def _first_line(lib: Any, make: Any) -> tuple[type, str]:
    try:
        make(lib)
    except Exception as e:
        return type(e), str(e).splitlines()[0]
    raise AssertionError("no error raised")


ERROR_CASES = {
    "gather float index": lambda m: m.zeros(3, 2).gather(1, m.tensor([[0.0], [1.0], [0.0]])),
    "scatter float index": lambda m: m.zeros(3).scatter(0, m.tensor([0.0]), m.ones(1)),
    "scatter_add float index": lambda m: m.zeros(3).scatter_add(0, m.tensor([0.0]), m.ones(1)),
    "index_select float index": lambda m: m.zeros(3).index_select(0, m.tensor([0.0])),
    "index_add float index": lambda m: m.zeros(3).index_add(0, m.tensor([0.0]), m.ones(1)),
    "index_copy float index": lambda m: m.zeros(3).index_copy(0, m.tensor([0.0]), m.ones(1)),
    "take float index": lambda m: m.zeros(3).take(m.tensor([0.0])),
    "scatter src rank": lambda m: m.zeros(3).scatter_(0, m.tensor([0]), m.ones(1, 2)),
    "index_add source shape": lambda m: m.zeros(3, 2).index_add_(0, m.tensor([0]), m.ones(1, 3)),
    "masked_fill long mask": lambda m: m.zeros(2, 3).masked_fill(m.tensor([1, 0]), 1.0),
    "clamp min tensor": lambda m: m.clamp(m.ones(2), min=m.zeros(3)),
    "clamp max tensor": lambda m: m.ones(2, 2).clamp(max=m.ones(3)),
    "roll": lambda m: m.arange(8).view(4, 2).roll((1, 2), (0,)),
    "select": lambda m: m.ones(4, 2).select(1, 5),
    "select negative": lambda m: m.ones(4, 2).select(1, -5),
    "cross": lambda m: m.linalg.cross(m.ones(2), m.ones(2)),
    "norm of long": lambda m: m.tensor([3, 4]).norm(),
    "bernoulli probs": lambda m: m.bernoulli(m.tensor([0.2, 1.5])),
    "bernoulli_ p": lambda m: m.empty(3).bernoulli_(1.5),
    "bernoulli_ tensor p": lambda m: m.empty(3).bernoulli_(m.tensor([0.5, 1.5, 0.2])),
    "bernoulli_ nan": lambda m: m.empty(3).bernoulli_(float("nan")),
    "view negative": lambda m: m.ones(4).view(-2),
    "reshape negative": lambda m: m.ones(4).reshape(2, -3),
    "repeat_interleave negative": lambda m: m.ones(3).repeat_interleave(-1),
    "repeat_interleave negative tensor": lambda m: m.ones(3).repeat_interleave(m.tensor([1, -2, 1])),
    "repeat_interleave sizes": lambda m: m.ones(3).repeat_interleave(m.tensor([1, 2])),
    "linear bias": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(3)),
    "addmm input": lambda m: m.addmm(m.ones(3, 2), m.ones(3, 4), m.ones(4, 5)),
    "addmm input rank": lambda m: m.addmm(m.ones(3, 1, 2), m.ones(2, 2), m.ones(2, 2)),
    "slice assignment": lambda m: m.ones(3).__setitem__(slice(0, 2), m.ones(3)),
    "row assignment": lambda m: m.ones(3, 2).__setitem__(0, m.ones(3)),
    "max_pool1d": lambda m: m.nn.functional.max_pool1d(m.ones(1, 1, 2), 3),
    "save missing folder": lambda m: m.save({}, "/nonexistent-progs34/dir/x.pt"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_error_words_first_as_torch(case: str) -> None:
    want_cls, want = _first_line(torch, ERROR_CASES[case])
    got_cls, got = _first_line(mg, ERROR_CASES[case])
    assert issubclass(got_cls, want_cls), (got_cls, want_cls)
    assert got.startswith(want), (got, want)


def test_bernoulli_in_range_still_draws_as_torch() -> None:
    torch.manual_seed(3)
    mg.manual_seed(3)
    p = [0.0, 0.3, 1.0, 0.7]
    got = mg.empty(4).bernoulli_(mg.tensor(p)).tolist()
    assert got == torch.empty(4).bernoulli_(torch.tensor(p)).tolist()
    assert mg.empty(5).bernoulli_(1.0).tolist() == [1.0] * 5


# -------------------------------------------------- flex_attention (attention_gym_flex.py)


def _flex(lib: Any) -> Any:
    return importlib.import_module(f"{lib.__name__}.nn.attention.flex_attention")


def _quiet(fn: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _causal(b: Any, h: Any, q_idx: Any, kv_idx: Any) -> Any:
    return q_idx >= kv_idx


def _window(b: Any, h: Any, q_idx: Any, kv_idx: Any) -> Any:
    return q_idx - kv_idx <= 5


@pytest.mark.parametrize("block", [4, 128, (8, 4)])
def test_block_mask_structure_and_prints_as_torch(block: Any) -> None:
    got = []
    for lib in (mg, torch):
        fa = _flex(lib)
        bm = fa.create_block_mask(fa.and_masks(_causal, _window), 2, None, 24, 20, BLOCK_SIZE=block)
        shown = repr(bm).replace("minigrad.Size", "torch.Size")
        got.append((str(bm), shown, bm.shape, round(bm.sparsity(), 9),
                    [t.tolist() for t in (bm.kv_num_blocks, bm.kv_indices, bm.full_kv_num_blocks,
                                          bm.full_kv_indices, bm.q_num_blocks, bm.q_indices, bm.to_dense())]))
    assert got[0] == got[1]


def test_flex_attention_values_as_torch() -> None:
    np_rng = np.random.default_rng(0)
    q, k, v = (np_rng.standard_normal((2, 4, 12, 8)).astype(np.float32) for _ in range(3))
    kg, vg = k[:, :2].copy(), v[:, :2].copy()
    bias = np_rng.standard_normal(4).astype(np.float32)
    outs = []
    for lib in (mg, torch):
        fa = _flex(lib)
        t = [lib.tensor(a) for a in (q, k, v, kg, vg, bias)]

        def relpos(score: Any, b: Any, h: Any, q_idx: Any, kv_idx: Any, bias_t: Any = t[5]) -> Any:
            return score + (q_idx - kv_idx) * 0.1 + bias_t[h]

        def first_alone(b: Any, h: Any, q_idx: Any, kv_idx: Any) -> Any:
            return q_idx > 0

        bm = fa.create_block_mask(_causal, None, None, 12, 12, BLOCK_SIZE=4)
        empty_row = fa.create_block_mask(first_alone, None, None, 12, 12, BLOCK_SIZE=4)
        res = _quiet(lambda fa=fa, t=t, bm=bm, empty_row=empty_row, relpos=relpos: (
            fa.flex_attention(t[0], t[1], t[2]),
            fa.flex_attention(t[0], t[1], t[2], block_mask=bm),
            *fa.flex_attention(t[0], t[1], t[2], score_mod=relpos, block_mask=bm,
                               return_aux=fa.AuxRequest(lse=True)),
            *fa.flex_attention(t[0], t[1], t[2], block_mask=empty_row, scale=0.3, return_lse=True),
            fa.flex_attention(t[0], t[3], t[4], enable_gqa=True),
        ))
        outs.append([r.lse.numpy() if hasattr(r, "lse") else r.numpy() for r in res])
    for a, b in zip(*outs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_flex_attention_refusals_as_torch() -> None:
    cases = {
        "grad": lambda fa, lib: fa.flex_attention(lib.ones(1, 1, 2, 2, requires_grad=True),
                                                  lib.ones(1, 1, 2, 2), lib.ones(1, 1, 2, 2)),
        "heads": lambda fa, lib: fa.flex_attention(lib.ones(1, 2, 2, 2), lib.ones(1, 1, 2, 2),
                                                   lib.ones(1, 1, 2, 2)),
        "gqa": lambda fa, lib: fa.flex_attention(lib.ones(1, 3, 2, 2), lib.ones(1, 2, 2, 2),
                                                 lib.ones(1, 2, 2, 2), enable_gqa=True),
        "max": lambda fa, lib: fa.flex_attention(*(lib.ones(1, 1, 2, 2) for _ in range(3)),
                                                 return_aux=fa.AuxRequest(max_scores=True)),
        "3d": lambda fa, lib: fa.flex_attention(lib.ones(1, 2, 2), lib.ones(1, 2, 2), lib.ones(1, 2, 2)),
        "not callable": lambda fa, lib: fa.and_masks(_causal, 3),
    }
    for name, make in cases.items():
        got = []
        for lib in (torch, mg):
            fa = _flex(lib)
            try:
                _quiet(lambda make=make, fa=fa, lib=lib: make(fa, lib))
            except Exception as e:
                got.append((type(e), str(e)))
        assert len(got) == 2, name
        assert issubclass(got[1][0], got[0][0]) and got[1][1].startswith(got[0][1]), (name, got)


# -------------------------------------------------- torch.quasirandom.SobolEngine (qmc_sobol_bo.py)


SOBOL_CASES = [(1, False, None), (5, False, None), (3, True, 7), (40, True, 0), (1111, False, None)]


@pytest.mark.parametrize(("dimension", "scramble", "seed"), SOBOL_CASES)
def test_sobol_points_as_torch(dimension: int, scramble: bool, seed: int | None) -> None:
    got = []
    for lib in (mg, torch):
        lib.manual_seed(11)
        e = lib.quasirandom.SobolEngine(dimension, scramble=scramble, seed=seed)
        a = e.draw(1).numpy()
        b = e.draw(6, dtype=lib.float64).numpy()
        e.fast_forward(5)
        c = e.draw(4).numpy()
        e.reset()
        d = e.draw_base2(3).numpy()
        got.append((a, b, c, d, e.num_generated, e.sobolstate.numpy(), e.shift.numpy(), repr(e)))
    for x, y in zip(*got, strict=True):
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


def test_sobol_refusals_as_torch() -> None:
    for make in (lambda lib: lib.quasirandom.SobolEngine(0),
                 lambda lib: lib.quasirandom.SobolEngine(21202),
                 lambda lib: lib.quasirandom.SobolEngine(2).fast_forward(1).draw_base2(2)):
        got = [_first_line(lib, make) for lib in (torch, mg)]
        assert issubclass(got[1][0], got[0][0]) and got[1][1] == got[0][1]
