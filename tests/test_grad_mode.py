"""Grad mode switches as in PyTorch: no_grad, enable_grad, set_grad_enabled, inference_mode."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minigrad as mg
from minigrad import grad_mode


def _records() -> bool:
    return bool((mg.ones(1, requires_grad=True) * 2).requires_grad)


def test_inference_mode_as_context_manager_and_decorator() -> None:
    with mg.inference_mode():
        assert not _records() and not mg.is_grad_enabled() and mg.is_inference_mode_enabled()
    assert _records() and not mg.is_inference_mode_enabled()
    with mg.inference_mode(False):
        assert _records() and not mg.is_inference_mode_enabled()

    @mg.inference_mode
    def bare() -> bool:
        return _records()

    @mg.inference_mode()
    def called() -> bool:
        return _records()

    @mg.inference_mode(mode=False)
    def off() -> bool:
        return _records()

    assert (bare(), called(), off()) == (False, False, True)
    assert bare.__name__ == "bare"
    assert _records()


def test_no_grad_and_enable_grad_decorate_with_and_without_parentheses() -> None:
    @mg.no_grad
    def bare() -> bool:
        return _records()

    @mg.no_grad()
    def called() -> bool:
        return _records()

    @mg.enable_grad
    def back_on() -> bool:
        return _records()

    assert not bare() and not called()
    with mg.no_grad():
        assert back_on()
        assert not _records()


def test_set_grad_enabled_takes_effect_when_called_and_restores_in_a_with_block() -> None:
    try:
        mg.set_grad_enabled(False)  # PyTorch: a plain call switches recording off
        assert not mg.is_grad_enabled() and not _records()
    finally:
        mg.set_grad_enabled(True)
    assert mg.is_grad_enabled()
    with mg.no_grad():
        with mg.set_grad_enabled(True):
            assert _records()
        assert not mg.is_grad_enabled()

    @mg.set_grad_enabled(False)
    def off() -> bool:
        return _records()

    assert mg.is_grad_enabled()  # decorating does not switch
    assert not off() and mg.is_grad_enabled()


def test_a_switch_restores_the_mode_when_its_block_raises() -> None:
    with pytest.raises(KeyError), mg.inference_mode():
        raise KeyError("x")
    assert mg.is_grad_enabled() and not mg.is_inference_mode_enabled()


def test_grad_mode_is_a_leaf_module() -> None:
    tree = ast.parse(Path(grad_mode.__file__).read_text())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + [
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    ]
    assert not [m for m in imported if m and m.startswith("minigrad")]
    assert mg.autograd.no_grad is mg.no_grad and mg.autograd.inference_mode is mg.inference_mode
