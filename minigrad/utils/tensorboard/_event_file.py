"""TensorBoard event files: TFRecord framing with masked CRC-32C checksums.

An event file is a sequence of records, each

    uint64 length | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)

(little-endian), where ``data`` is one encoded ``Event`` and the first event
carries the file version ``brain.Event:2``. CRC-32C is the Castagnoli CRC
(reflected polynomial 0x82F63B78); TFRecord stores it rotated right by 15 bits
plus 0xA282EAD8 ("masked"), so that a CRC of data containing CRCs stays
well distributed.
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import time
import weakref
from typing import BinaryIO

from minigrad.errors import MinigradError
from minigrad.utils.tensorboard import _wire

__all__ = ["EventFile", "crc32c", "masked_crc32c", "record"]

FILE_VERSION = "brain.Event:2"
WRITER = "minigrad.utils.tensorboard"  # the first event's source_metadata


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """The CRC-32C (Castagnoli) checksum of ``data``; ``crc32c(b"123456789") == 0xE3069283``."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked checksum: the CRC-32C rotated right by 15 bits, plus 0xA282EAD8 (mod 2**32)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """``data`` framed as one TFRecord: length, the length's masked CRC, data, the data's masked CRC."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


_file_ids = itertools.count()  # tells apart files one process opens in the same second


def _write_out(file: BinaryIO, pending: list[bytes], close: bool) -> None:
    if file.closed:
        return
    file.write(b"".join(record(e) for e in pending))
    pending.clear()
    file.flush()
    if close:
        file.close()


class EventFile:
    """One new event file in ``logdir``, written synchronously.

    Encoded events wait in memory until ``max_queue`` of them are pending or
    ``flush_secs`` have passed since the last write, then go to disk together;
    :meth:`flush` and :meth:`close` write at once, and so does the interpreter's
    exit (or the object's collection) for an event file never closed. The file
    is named as TensorBoard's own writer names it,
    ``events.out.tfevents.{seconds:010d}.{hostname}.{pid}.{n}{filename_suffix}``.
    """

    def __init__(self, logdir: str, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        self.logdir = logdir
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        os.makedirs(logdir, exist_ok=True)
        host, pid, n = socket.gethostname(), os.getpid(), next(_file_ids)
        name = f"events.out.tfevents.{int(time.time()):010d}.{host}.{pid}.{n}"
        self.path = os.path.join(logdir, name + filename_suffix)
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close() or the finalizer
        self._pending: list[bytes] = []
        self._finalizer = weakref.finalize(self, _write_out, self._file, self._pending, True)
        self._last_write = time.monotonic()
        self.add(_wire.event(time.time(), file_version=FILE_VERSION, source_writer=WRITER))
        self.flush()

    def add(self, event: bytes) -> None:
        """Queue one encoded ``Event``; write the queue if it is full or ``flush_secs`` have passed.

        Raises:
            MinigradError: the file was closed.
        """
        if self._file.closed:
            raise MinigradError(f"event file {self.path} is closed")
        self._pending.append(event)
        if len(self._pending) >= self.max_queue or time.monotonic() - self._last_write >= self.flush_secs:
            self.flush()

    def flush(self) -> None:
        """Write every queued event to disk."""
        _write_out(self._file, self._pending, close=False)
        self._last_write = time.monotonic()

    def close(self) -> None:
        """Write what is queued and close the file (a second call does nothing)."""
        self._finalizer()
