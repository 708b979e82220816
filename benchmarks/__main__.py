"""``python -m benchmarks``: see :mod:`benchmarks.run`."""

from benchmarks._threads import pin_threads

pin_threads()  # before anything imports numpy

from benchmarks.run import main  # noqa: E402

raise SystemExit(main())
