"""``torch.backends``: the backend switches scripts set at the top; on minigrad's CPU most change nothing.

``backends.cudnn``, ``backends.mkldnn`` and ``backends.cuda.matmul`` hold
settable flags (read and written like PyTorch's, with no effect: there is no
cuDNN, oneDNN or CUDA); ``backends.mps``, ``mkl`` and ``openmp`` are not
available; ``backends.cpu.get_cpu_capability()`` names the SIMD level and
``backends.opt_einsum`` says whether that package is installed; ``backends.mha``
switches MultiheadAttention's fast path.
"""

from minigrad.backends import cpu as cpu
from minigrad.backends import cuda as cuda
from minigrad.backends import cudnn as cudnn
from minigrad.backends import mha as mha
from minigrad.backends import mkl as mkl
from minigrad.backends import mkldnn as mkldnn
from minigrad.backends import mps as mps
from minigrad.backends import openmp as openmp
from minigrad.backends import opt_einsum as opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "mha", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
