"""``python -m minigrad.compat SCRIPT [ARGS...]``: see :mod:`minigrad.compat.launcher`."""

from minigrad.compat.launcher import main

raise SystemExit(main())
