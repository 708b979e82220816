"""Command line of the benchmark suite.

    python -m benchmarks [--quick] [--only NAME ...] [--repeats N] [--json PATH] [--targets]
    python -m benchmarks --only mlp --profile minigrad     # cProfile instead of timing
    python benchmarks/run.py ...                           # the same, as a script

Threads are pinned to one before numpy (or torch) is imported: this module
imports neither at top level.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import from the repository, not from benchmarks/
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks._threads import pin_threads

WORKLOADS = ("mlp", "gpt", "lstm", "overhead", "norms", "scale", "conv", "cnn")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, check and time the selected cases, print the table.

    Returns the exit status: 0 if every check passed, 1 otherwise.
    """
    numpy_was_loaded = "numpy" in sys.modules
    pin_threads()

    import argparse
    import importlib

    from benchmarks import harness

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad against PyTorch CPU and hand-written numpy (one thread, float32).",
    )
    parser.add_argument("--quick", action="store_true",
                        help="few repeats, short samples; print only the table (and any failure)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help=f"a workload ({', '.join(WORKLOADS)}) or case (norms/layernorm); "
                        "repeatable or comma-separated")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="timed samples per implementation")
    parser.add_argument("--json", default=None, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--targets", action="store_true",
                        help="also print the project's own performance goals and whether they are met")
    parser.add_argument("--profile", default=None, metavar="IMPL", choices=harness.IMPLS,
                        help="instead of timing, print a cProfile table (tottime) of IMPL's step")
    parser.add_argument("--profile-steps", type=int, default=20, metavar="N", help="steps to profile")
    args = parser.parse_args(argv)

    settings = harness.Settings.quick() if args.quick else harness.Settings()
    if args.repeats is not None:
        if args.repeats < 1:
            parser.error(f"--repeats must be at least 1, got {args.repeats}")
        settings.repeats = args.repeats

    cases = [c for w in WORKLOADS for c in importlib.import_module(f"benchmarks.{w}").cases()]
    wanted = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    if wanted:
        known = set(WORKLOADS) | {c.name for c in cases}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            parser.error(f"unknown --only {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
        cases = [c for c in cases if c.workload in wanted or c.name in wanted]

    notes: list[str] = []
    if numpy_was_loaded:
        notes.append("numpy was imported before the thread variables were set: BLAS may use several threads")
    if harness.load_torch() is None:
        notes.append(harness.TORCH_MISSING)

    if args.profile:
        from benchmarks.profiling import profile_cases

        return profile_cases(cases, args.profile, args.profile_steps, settings.warmup)

    if not args.quick:
        info = harness.machine_info()
        print(f"machine: {info['cpu']} ({info['cpu_count']} cpus), python {info['python']}, "
              f"numpy {info['numpy']} ({info.get('numpy_blas', '?')}), torch {info['torch']}; "
              f"minigrad at {info['commit']}")
        print(f"threads: {info['threads']}; repeats {settings.repeats}, warm-up {settings.warmup} steps, "
              f"samples of >= {settings.min_sample_s * 1e3:.0f} ms")
    results = [harness.run_case(c, settings, log=None if args.quick else print) for c in cases]
    if not args.quick:
        print()
    print(harness.format_table(results))
    from benchmarks.targets import evaluate, format_targets

    targets = evaluate(results)
    if targets and args.targets:
        print("\ntargets (ratios of medians):")
        print(format_targets(targets))
    failed = [r for r in results if not r.check.ok]
    if failed:
        notes.append(f"agreement check failed (not timed): {', '.join(r.case.name for r in failed)}")
        if args.quick:  # the details the per-case lines would have shown
            notes += [f"{r.case.name}: {m}" for r in failed for m in r.check.messages]
    for note in notes:
        print(f"note: {note}")
    if args.json:
        harness.write_json(args.json, results, settings, notes, extra={"targets": targets})
        print(f"wrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
