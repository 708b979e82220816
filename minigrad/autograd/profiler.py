"""``torch.autograd.profiler``: the older home of the profiler, the same :class:`minigrad.profiler.profile`
and :class:`minigrad.profiler.record_function`."""

from minigrad.profiler import EventList, profile, record_function

__all__ = ["EventList", "profile", "record_function"]
