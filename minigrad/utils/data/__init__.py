"""``torch.utils.data``: datasets, samplers, the DataLoader and collation, with PyTorch's names.

Submodules mirror PyTorch's files: ``dataset``, ``sampler``, ``dataloader``
(``default_collate`` and ``default_convert`` live in ``collate``).
"""

# _utils is loaded with the package, as PyTorch's DataLoader loads it: scripts reach
# torch.utils.data._utils.collate as an attribute without importing it
from minigrad.utils.data import _utils as _utils
from minigrad.utils.data import distributed as distributed
from minigrad.utils.data.collate import default_collate, default_convert
from minigrad.utils.data.dataloader import DataLoader, get_worker_info
from minigrad.utils.data.dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from minigrad.utils.data.distributed import DistributedSampler
from minigrad.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "DistributedSampler",
    "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info", "random_split",
]  # fmt: skip
