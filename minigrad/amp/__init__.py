"""``torch.amp``: automatic mixed precision, as far as a numpy CPU engine honestly goes.

:class:`GradScaler` is PyTorch's loss-scaling algorithm, step for step (scale the
loss, unscale the gradients, skip the step whose gradients overflowed, grow or
back off the scale), so scripts that train with it get PyTorch's updates.
:class:`autocast` cannot lower precision here (numpy has no bfloat16 and minigrad
keeps no per-op cast table); an enabled region warns once and runs in full
precision, which is what PyTorch itself does for a device or dtype it cannot
autocast.
"""

from minigrad.amp.autocast_mode import (
    autocast,
    custom_bwd,
    custom_fwd,
    is_autocast_available,
    is_autocast_enabled,
)
from minigrad.amp.grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available",
           "is_autocast_enabled"]
