"""The seeded random number generator behind every random draw in minigrad."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minigrad import _alias
from minigrad.device import CPU, check_device, device
from minigrad.device import device as _device

Array = NDArray[Any]

__all__ = [
    "Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed",
    "pytorch_dropout_masks", "use_pytorch_dropout_masks",
    "numpy_generator", "seed", "set_rng_state",
]  # fmt: skip


class Generator:
    """A source of random numbers; ``manual_seed`` makes its stream reproducible.

    The engine is PyTorch's CPU one: a Mersenne Twister (MT19937) seeded as
    ``torch.manual_seed`` seeds it, and the samplers in :mod:`minigrad._draws`
    turn its 32-bit words into numbers the way PyTorch's CPU kernels do, so a
    seeded program draws the same weights, data, masks and orders in both.
    ``np`` is a numpy ``Generator`` on the same engine, for the few draws that
    have no PyTorch-exact sampler here: they advance the one shared stream.
    """

    def __init__(self, seed: int | device | str | None = None, device: object = "cpu") -> None:
        """A generator seeded with ``seed`` (PyTorch's default seed for None) on ``device``.

        PyTorch's one positional argument is the device, ``Generator(torch.device('cpu'))`` or
        ``Generator('cpu')``: a device or a string given first is taken as the device. Only
        the CPU is a device here (an int first is minigrad's seed, not a device ordinal).

        Raises:
            DeviceError: ``device`` is not the CPU (PyTorch's CPU build: a RuntimeError).
            InvalidParameterError: ``seed`` is not an int.
        """
        if isinstance(seed, (str, _device)):
            seed, device = None, seed
        check_device(device)  # type: ignore[arg-type]
        self.bits = np.random.MT19937()
        self.np = np.random.Generator(self.bits)
        self.masks = _MaskStream(0)
        #: the second of the last Box-Muller pair, kept for the next draw (PyTorch caches it too)
        self.next_normal: float | None = None
        self._seed = 67280421310721  # PyTorch's default seed, until seeded
        self.manual_seed(self._seed if seed is None else seed)

    def __repr__(self) -> str:
        # `torch.manual_seed(0)` ending a notebook cell shows this; under the compat alias it reads as
        # PyTorch's (its Generator is the C class torch._C.Generator)
        from minigrad import _format

        name = "torch._C.Generator" if _format.NAMESPACE == "torch" else f"{type(self).__module__}.Generator"
        return f"<{name} object at {id(self):#x}>"

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed`` (an int in [-2**63, 2**64), taken modulo 2**64); returns self.

        Raises:
            InvalidParameterError: ``seed`` is no int (also PyTorch's RuntimeError), or out of that range
                (PyTorch's ValueError).
        """
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not -2**63 <= seed < 2**64:
            from minigrad.errors import InvalidParameterError

            if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):  # (PyTorch's ValueError)
                raise InvalidParameterError("Overflow when unpacking long long (manual_seed: seed must be "
                                            f"in [-2**63, 2**64), got {seed})")
            raise InvalidParameterError(f"manual_seed expected a long, but got {type(seed).__name__} "
                                        f"(seed must be an int, got {seed!r})")
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        # MT19937's own initialisation (Matsumoto-Nishimura init_genrand) from the seed's low 32 bits,
        # as PyTorch's mt19937 engine does; the twist runs at the first draw
        key = np.empty(624, dtype=np.uint32)
        x = self._seed & 0xFFFF_FFFF
        for i in range(624):
            key[i] = x
            x = (1812433253 * (x ^ (x >> 30)) + i + 1) & 0xFFFF_FFFF
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}
        self.next_normal = None
        self.masks = _MaskStream(self._seed)
        return self

    @property
    def device(self) -> device:
        """The generator's device: ``device(type='cpu')``, minigrad's only one."""
        return CPU

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._seed

    def seed(self) -> int:
        """Restart the stream from a fresh random seed; returns that seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF)  # type: ignore[arg-type]
        return self._seed

    def get_state(self) -> Any:
        """The generator's state as a uint8 Tensor (PyTorch's form: :func:`get_rng_state`'s, whose first 5,056
        bytes are PyTorch's own and 32 more hold the dropout-mask stream, left out while dropout draws
        PyTorch's masks, as under the torch alias); :meth:`set_state` restores it."""
        from minigrad.tensor import from_numpy

        return from_numpy(_state_bytes(self))

    def _get_dict(self, *, unrecorded: bool = False) -> dict[str, object]:
        """The state as a dict (comparable with ``==``), cheaper than the bytes: for saving and restoring
        the stream around a block (fork_rng, checkpoint's recomputation, lazy modules' dry run).
        ``unrecorded``: read past mg.compile's recording (which replays no such read), for a check that
        only compares states, as vmap's randomness='error'."""
        st = self.bits.state["state"]
        pcg = (self.masks.__dict__["np"] if unrecorded else self.masks.np).bit_generator.state
        return {"bit_generator": "MT19937", "key": tuple(int(k) for k in st["key"]), "pos": int(st["pos"]),
                "next_normal": self.next_normal, "seed": self._seed,
                # (hex strings: the 128-bit PCG64 words do not fit a checkpoint's int64)
                "masks": (hex(pcg["state"]["state"]), hex(pcg["state"]["inc"]))}

    def set_state(self, new_state: Any) -> Generator:
        """Restore the state from :meth:`get_state`'s or :func:`get_rng_state`'s uint8 tensor (PyTorch's
        ``gen.set_state(torch.get_rng_state())`` forks the global stream), or from PyTorch's 5,056 bytes
        (the mask stream then restarts from the seed); returns self.

        Raises:
            TypeError: not a Tensor, or not uint8 (PyTorch's words).
            MinigradError: a size other than 5,056 or 5,088 bytes, or bytes that hold no valid engine state.
        """
        from minigrad.tensor import Tensor

        if not isinstance(new_state, Tensor):
            from minigrad.errors import python_type_name

            raise TypeError(f"expected a torch.ByteTensor, but got {python_type_name(new_state)}")
        if new_state.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        _load_state_bytes(self, new_state.numpy(force=True).reshape(-1))
        return self

    def _set_dict(self, state: dict[str, object]) -> None:
        key = np.asarray(state["key"], dtype=np.uint32)
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(state["pos"])}}  # type: ignore[call-overload]
        nn = state.get("next_normal")
        self.next_normal = None if nn is None else float(nn)  # type: ignore[arg-type]
        self._seed = int(state.get("seed", self._seed))  # type: ignore[call-overload]
        masks = state.get("masks")
        if masks is not None:
            words, inc = (int(str(v), 16) for v in masks)  # type: ignore[attr-defined]
            self.masks.np.bit_generator.state = {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
                                                 "state": {"state": words, "inc": inc}}

    def words(self, n: int) -> Array:
        """The next ``n`` 32-bit words of the stream (uint64 array)."""
        # (through ``np``, which mg.compile watches: a compiled step records its draws and replays them)
        return self.np.bit_generator.random_raw(n)

    def words64(self, n: int) -> Array:
        """The next ``n`` 64-bit numbers, each made of two words, high first (PyTorch's ``random64``)."""
        w = self.words(2 * n)
        return (w[0::2] << np.uint64(32)) | w[1::2]  # type: ignore[no-any-return]


class _MaskStream(Generator):
    """The fast stream behind dropout masks: numpy's PCG64, seeded with its generator's seed.

    An exact PyTorch mask costs two MT19937 words (a float64 uniform) per element, five times
    the rest of a dropout; PyTorch documents no mask values, so by default masks come from here
    and do not move the main stream. :func:`use_pytorch_dropout_masks` switches to PyTorch's.
    (A Generator itself so that mg.compile records and replays its draws like any other.)
    """

    def __init__(self, seed: int) -> None:  # (no engine of its own to seed: just the numpy stream)
        self.np = np.random.Generator(np.random.PCG64(seed))


_PYTORCH_MASKS = [False]


def use_pytorch_dropout_masks(enabled: bool = True) -> None:
    """Draw dropout masks as PyTorch does (``bernoulli_(1 - p)`` on the main stream: the same masks as a
    seeded PyTorch run, at about five times the cost of a dropout) or, with ``enabled=False`` (the
    default), from the generator's fast mask stream."""
    _PYTORCH_MASKS[0] = bool(enabled)


def pytorch_dropout_masks() -> bool:
    """Whether dropout masks are drawn as PyTorch draws them (see :func:`use_pytorch_dropout_masks`)."""
    return _PYTORCH_MASKS[0]


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (random factories, dropout, default shuffling) with ``int(seed)``, as PyTorch
    (so a numeric string or a one-element integer Tensor is taken as its int).

    Raises:
        InvalidParameterError: ``int(seed)`` fails (also PyTorch's TypeError, ValueError or OverflowError
            there), or the seed is a bool or a float with a fraction (which PyTorch would silently truncate).
    """
    _alias.check()  # (where a script with torch aliased to minigrad by hand begins: see minigrad/_alias.py)
    if not isinstance(seed, int) or isinstance(seed, bool):
        from minigrad.errors import InvalidParameterError, _ArgumentTypeError, _OverflowParameterError

        if isinstance(seed, bool) or (isinstance(seed, float) and math.isfinite(seed)
                                      and seed != math.floor(seed)):
            raise InvalidParameterError(f"manual_seed: seed must be an int, got {seed!r}")
        try:
            seed = int(seed)
        except TypeError as e:
            raise _ArgumentTypeError(f"{e} (manual_seed: seed must be an int, got {seed!r})") from None
        except (ValueError, OverflowError) as e:  # ('a'; inf is Python's OverflowError, PyTorch's too)
            raise (InvalidParameterError if isinstance(e, ValueError) else _OverflowParameterError)(
                f"{e} (manual_seed: seed must be an int, got {seed!r})") from None
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """The seed the global generator last started from."""
    return default_generator.initial_seed()


def seed() -> int:
    """Reseed the global generator from fresh entropy; returns the seed."""
    return default_generator.seed()


# PyTorch's CPU generator state as bytes (its CPUGeneratorImplState): seed (u64), left and seeded (i32),
# next (u64), the 624 engine words (each a u64), the double normal cache (x, y, rho as f64, a valid i32 and
# 4 bytes of padding), the float normal cache (f32, a valid byte, 3 of padding): 5,056 bytes
_TORCH_STATE = np.dtype([("seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
                         ("key", "<u8", 624), ("normal", "<f8", 3), ("normal_valid", "<i4"), ("pad", "<i4"),
                         ("float_normal", "<f4"), ("float_valid", "u1"), ("pad2", "u1", 3)])
_MASKS = np.dtype([("state", "<u8", 2), ("inc", "<u8", 2)])  # minigrad's mask stream, after PyTorch's bytes


def _state_bytes(gen: Generator) -> Array:
    st = gen._get_dict()
    rec = np.zeros((), dtype=_TORCH_STATE)
    rec["seed"], rec["seeded"], rec["key"] = st["seed"], 1, st["key"]
    pos = int(st["pos"])  # type: ignore[call-overload]  # numpy's index of the next word: PyTorch's next
    rec["left"], rec["next"] = 625 - pos, pos
    key = rec["key"][:-1]  # a freshly seeded engine (init_genrand's key, untwisted): PyTorch's next is 0
    if pos == 624 and np.array_equal((1812433253 * (key ^ (key >> 30)) + np.arange(1, 624, dtype=np.uint64))
                                     & 0xFFFF_FFFF, rec["key"][1:]):
        rec["next"] = 0
    if st["next_normal"] is not None:
        rec["normal"][1], rec["normal_valid"] = st["next_normal"], 1
    masks = np.zeros((), dtype=_MASKS)
    for field, word in zip(("state", "inc"), st["masks"]):  # type: ignore[call-overload]
        value = int(str(word), 16)
        masks[field] = (value & 0xFFFF_FFFF_FFFF_FFFF, value >> 64)
    # (while dropout draws PyTorch's masks, as under the torch alias, the mask stream draws nothing: the state
    # is then PyTorch's 5,056 bytes alone)
    tail = b"" if _PYTORCH_MASKS[0] else masks.tobytes()
    out: Array = np.frombuffer(rec.tobytes() + tail, dtype=np.uint8).copy()
    return out


def _load_state_bytes(gen: Generator, data: Array) -> None:
    from minigrad.errors import MinigradError

    n = _TORCH_STATE.itemsize
    if data.size not in (n, n + _MASKS.itemsize):  # (PyTorch's words; minigrad's 32 more bytes are fine)
        raise MinigradError(f"Expected a CPUGeneratorImplState of size {n} but found the input RNG state "
                            f"size to be {data.size}")
    raw = data.tobytes()
    rec = np.frombuffer(raw[:_TORCH_STATE.itemsize], dtype=_TORCH_STATE)[0]
    if not (rec["seeded"] and 1 <= rec["left"] <= 624 and rec["next"] <= 624):  # (PyTorch's check)
        raise MinigradError("Invalid mt19937 state")
    state: dict[str, object] = {"key": rec["key"].astype(np.uint32), "pos": 625 - int(rec["left"]),
                                "next_normal": float(rec["normal"][1]) if rec["normal_valid"] else None,
                                "seed": int(rec["seed"])}
    if len(raw) > _TORCH_STATE.itemsize:
        masks = np.frombuffer(raw[_TORCH_STATE.itemsize:], dtype=_MASKS)[0]
        state["masks"] = tuple(hex(int(masks[f][0]) | int(masks[f][1]) << 64) for f in ("state", "inc"))
    else:  # a state PyTorch saved: the mask stream starts afresh from its seed
        gen.masks = _MaskStream(int(rec["seed"]))
    gen._set_dict(state)


def get_rng_state() -> Any:
    """The global generator's state as a uint8 Tensor, restored by :func:`set_rng_state`.

    Its first 5,056 bytes are PyTorch's (``torch.get_rng_state()`` of a run seeded and drawn alike has
    the same bytes); 32 more hold minigrad's dropout-mask stream, unless dropout draws PyTorch's masks
    (:func:`use_pytorch_dropout_masks`, on under the torch alias): then the state is PyTorch's bytes alone.
    """
    from minigrad.tensor import from_numpy

    return from_numpy(_state_bytes(default_generator))


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator's state from :func:`get_rng_state`'s tensor (or
    :meth:`Generator.get_state`'s), or from PyTorch's 5,056-byte state (a uint8 tensor, as a PyTorch
    checkpoint holds it).

    Raises:
        TypeError: not a uint8 Tensor.
        MinigradError: bytes of another size, or no valid engine state (PyTorch's RuntimeErrors).
    """
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Iterable[object] | None = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str | None = None) -> Iterator[None]:
    """Run the block with the global generator's state saved, then restored (``torch.random.fork_rng``).

    Draws inside the block don't move the stream outside it. minigrad has only
    the CPU generator, so ``devices`` and ``device_type`` are accepted and
    ignored; ``enabled=False`` runs the block without forking.
    """
    if not enabled:
        yield
        return
    state = default_generator._get_dict()
    try:
        yield
    finally:
        default_generator._set_dict(state)


def resolve(generator: Generator | None) -> Generator:
    """``generator``, or the global one for None.

    Raises:
        TypeError: ``generator`` is not a minigrad Generator.
    """
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a minigrad.Generator, got {type(generator).__name__}")
    return generator


def numpy_generator(generator: Generator | None) -> np.random.Generator:
    """numpy's samplers on ``generator``'s engine (the global one for None), for draws with no
    PyTorch-exact sampler in :mod:`minigrad._draws`.

    Raises:
        TypeError: ``generator`` is not a minigrad Generator.
    """
    return resolve(generator).np
