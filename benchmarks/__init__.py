"""minigrad's benchmark suite: minigrad against PyTorch CPU and hand-written numpy.

Run it with ``python -m benchmarks`` (or ``python benchmarks/run.py``); see
``benchmarks/README.md``. This package imports nothing on purpose, so that
``__main__`` can pin the BLAS thread count before numpy is loaded.
"""
