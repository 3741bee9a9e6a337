"""Run a file's reading side in a second process and receive what it makes, batch by batch.

A file on disk is read by the worker itself, through a duplicate of its descriptor; any other
stream (API uploads are in memory) is fed to it through a pipe by a thread here. The worker
sends its messages back marshalled: plain values only, half the cost of pickling them. An
error it raises (a malformed file) is raised here; a worker that dies is a clear error, and
a consumer that stops early kills it.
"""

from __future__ import annotations

import gc
import io
import marshal
import multiprocessing
import os
import pickle
import stat
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from functools import cache
from multiprocessing import reduction
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import IO, Any

from kcrm.core.errors import KcrmError
from kcrm.crm.imports.schemas import ImportFormat, ImportKind

# Below this, reading in process is cheaper than starting a worker (about half a second).
PARALLEL_BYTES = 8 * 1024 * 1024
_CHUNK = 1 << 16
# The first byte of each message from the worker: marshalled data, or the pickled end.
_DATA, _END = b"d", b"e"

# What the worker runs: (stream, format, kind) -> messages; a module-level function whose
# messages hold only what marshal takes (None, numbers, strings, and lists, tuples and dicts).
Producer = Callable[[IO[bytes], ImportFormat, ImportKind], Iterator[Any]]


def worth_a_worker(stream: IO[bytes]) -> bool:
    """Whether the bytes left in `stream` (if it can tell) make a worker pay off here."""
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        if not stream.seekable():
            return False
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (OSError, ValueError):
        return False
    return end - here >= PARALLEL_BYTES


def produced(
    produce: Producer, stream: IO[bytes], fmt: ImportFormat, kind: ImportKind
) -> Generator[Any, None, None] | None:
    """The messages `produce` yields for this stream, made in a worker process.

    None if no worker could be started (the caller then reads the stream itself: nothing
    has been read from it yet). Close the generator when done with it, even early.
    """
    context = _context()
    on_disk = _FileBytes.of(stream)
    bytes_out, bytes_in = context.Pipe(duplex=False) if on_disk is None else (None, None)
    results_out, results_in = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(produce, fmt, kind, on_disk or bytes_out, results_in),
        name="kcrm-import",
    )
    try:
        worker.start()
    except (OSError, AssertionError):  # AssertionError: this process is a daemon (no children)
        _close(bytes_out, bytes_in, results_out, results_in)
        return None
    _close(bytes_out, results_in)  # the worker's ends: it holds copies of its own
    feeder = None
    if bytes_in is not None:
        feeder = threading.Thread(target=_feed, args=(stream, bytes_in), daemon=True)
        feeder.start()
    return _messages(worker, feeder, results_out, stream if on_disk else None)


def _close(*ends: Connection | None) -> None:
    for end in ends:
        if end is not None:
            end.close()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect the youngest GC generation every 100k allocations instead of 700 meanwhile.

    An import allocates millions of short-lived dicts and lists without cycles (refcounting
    frees them), and the default threshold spent 10-30% of an import's CPU in the collector
    (a third of an XML feed's). Process-wide while it runs; restored after.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@cache
def _context() -> ForkServerContext:
    # forkserver, not fork: the API process holds threads (model pools, the event loop) and
    # database connections that a forked child must not inherit. The server is a fresh
    # process that imports the reading side once; each worker is then forked from it ready
    # to go (half a second sooner than a spawned one, from the second import on).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kcrm.crm.imports.encoded"])
    return context


def _messages(
    worker: BaseProcess,
    feeder: threading.Thread | None,
    results: Connection,
    read_by_worker: IO[bytes] | None,
) -> Generator[Any, None, None]:
    """What the worker sends; closing this (or an error) stops the worker and the feeder."""
    try:
        yield from _received(results)
        if read_by_worker is not None:
            read_by_worker.seek(0, io.SEEK_END)  # read to the end, as a feeder leaves it
    finally:
        results.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
        if feeder is not None:
            feeder.join(timeout=5)


def _received(results: Connection) -> Iterator[Any]:
    while True:
        try:
            data = results.recv_bytes()
        except EOFError:
            raise KcrmError("the import's file reader stopped unexpectedly", 500) from None
        if data[:1] == _DATA:
            yield marshal.loads(memoryview(data)[1:])
            continue
        last = pickle.loads(memoryview(data)[1:])
        if last is None:
            return
        raise last


class _FileBytes(io.RawIOBase):
    """A file on disk from a given offset, read with pread; sent to a worker as a duplicate fd.

    pread leaves the descriptor's offset alone, which the importing process's copy shares.
    """

    def __init__(self, fd: int, offset: int) -> None:
        self.fd, self.offset = fd, offset

    @classmethod
    def of(cls, stream: IO[bytes]) -> _FileBytes | None:
        """The rest of `stream` if it is a regular file (not a pipe, socket or memory)."""
        # fileno() writes a SpooledTemporaryFile out to disk; the uploads that come here (8 MB
        # or more) are on disk already, as Starlette spools anything over 1 MB.
        try:
            fd, offset = stream.fileno(), stream.tell()
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
            return None
        return cls(fd, offset) if regular else None

    def __reduce__(self) -> tuple[Any, ...]:
        # Only while a worker starts: multiprocessing passes the descriptor along with it.
        return _file_bytes, (reduction.DupFd(self.fd), self.offset)

    def readable(self) -> bool:
        """Always: this is a read-only stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` from the file at the current offset; 0 at the end."""
        size = os.preadv(self.fd, [buffer], self.offset)
        self.offset += size
        return size


def _file_bytes(fd: Any, offset: int) -> _FileBytes:
    return _FileBytes(fd.detach(), offset)


def _feed(stream: IO[bytes], sink: Connection) -> None:
    """Send the stream's bytes to the worker, then an empty message for the end."""
    try:
        while chunk := stream.read(_CHUNK):
            sink.send_bytes(chunk)
        sink.send_bytes(b"")
    except (OSError, ValueError):
        pass  # the worker is gone or the import stopped: the consumer reports why
    finally:
        sink.close()


class _PipeReader(io.RawIOBase):
    """The worker's side of `_feed`: the bytes as a readable stream."""

    def __init__(self, source: Connection) -> None:
        self.source = source
        self.pending = memoryview(b"")
        self.done = False

    def readable(self) -> bool:
        """Always: this is a read-only stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` from the pipe; 0 at the end."""
        while not self.pending and not self.done:
            self.pending = memoryview(self.source.recv_bytes())
            self.done = not self.pending
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _work(
    produce: Producer,
    fmt: ImportFormat,
    kind: ImportKind,
    source: _FileBytes | Connection,
    results: Connection,
) -> None:
    """The worker process: send each message `produce` makes, then None (or the error)."""
    with fewer_collections():
        _send_all(produce(_opened(source), fmt, kind), results)


def _opened(source: _FileBytes | Connection) -> IO[bytes]:
    raw = source if isinstance(source, _FileBytes) else _PipeReader(source)
    return io.BufferedReader(raw, buffer_size=_CHUNK)


def _send_all(messages: Iterator[Any], results: Connection) -> None:
    """Send each message, then None (or the error that stopped them), and close."""
    try:
        for message in messages:
            results.send_bytes(_DATA + marshal.dumps(message))
        last: Any = None
    except Exception as error:  # noqa: BLE001 - every failure goes back to the importer
        last = error if _picklable(error) else RuntimeError(f"import reader: {error!r}")
    try:
        results.send_bytes(_END + pickle.dumps(last, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # the importer stopped listening
    results.close()


def _picklable(error: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any failure means "send a plain error instead"
        return False
    return True
