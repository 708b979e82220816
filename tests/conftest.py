"""Test-suite settings: hypothesis profiles and one BLAS thread."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# wide exploration for hunting latent failures before a CI run meets them (random, many examples)
settings.register_profile(
    "deep",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Under "deep", a test whose own ``@settings`` caps ``max_examples`` (to keep CI quick) runs 10x as many.

    A test's own ``max_examples`` overrides the profile's, so without this "deep" would explore only the
    uncapped tests widely. Hypothesis reads a test's settings when it runs, from the attribute set here.
    """
    if os.environ.get("HYPOTHESIS_PROFILE") != "deep":
        return
    for fn in {id(f): f for f in (getattr(i, "obj", None) for i in items)
               if hasattr(f, "_hypothesis_internal_use_settings")}.values():
        own = fn._hypothesis_internal_use_settings
        if own.max_examples < settings.default.max_examples:
            fn._hypothesis_internal_use_settings = settings(own, max_examples=own.max_examples * 10)


@pytest.fixture
def torch_rules() -> Iterator[None]:
    """PyTorch's rules for the legacy constructor ``Tensor(...)`` (what the torch alias switches on), for
    one test."""
    from minigrad.tensor import use_torch_constructor

    use_torch_constructor(True)
    try:
        yield
    finally:
        use_torch_constructor(False)
