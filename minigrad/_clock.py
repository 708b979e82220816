"""The creation clock: one counter shared by graph nodes and recorded module calls.

Every recorded op takes the next tick as its ``seq`` (the engine visits nodes
in reverse creation order); the module-call recorder of ``minigrad.viz``
stamps each call's start and end with ticks of the same clock, so a picture
can tell which ops ran inside which call. Imports nothing.
"""

from __future__ import annotations

import itertools

#: ``next(tick)`` is the next moment of the process-wide creation order
tick = itertools.count()
