"""``torch.backends``: the backend switches scripts set at the top; on minigrad's CPU they change nothing.

``backends.cudnn`` and ``backends.cuda.matmul`` hold settable flags (read and
written like PyTorch's, with no effect: there is no cuDNN or CUDA);
``backends.mps.is_available()`` is False.
"""

from minigrad.backends import cuda as cuda
from minigrad.backends import cudnn as cudnn
from minigrad.backends import mps as mps

__all__ = ["cuda", "cudnn", "mps"]
