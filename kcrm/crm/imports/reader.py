"""Run a file's reading side in a second process and receive what it makes, batch by batch.

The worker gets the file's bytes through a pipe (API uploads are in-memory streams, not
paths) and sends back pickled messages. An error it raises (a malformed file) is raised
here; a worker that dies is a clear error, and a consumer that stops early kills it.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Generator, Iterator
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import IO, Any

from kcrm.core.errors import KcrmError
from kcrm.crm.imports.schemas import ImportFormat, ImportKind

# Below this, reading in process is cheaper than starting a worker (about half a second).
PARALLEL_BYTES = 8 * 1024 * 1024
_CHUNK = 1 << 16

# What the worker runs: (stream, format, kind) -> messages; a module-level function.
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
    bytes_out, bytes_in = context.Pipe(duplex=False)
    results_out, results_in = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(produce, fmt, kind, bytes_out, results_in), name="kcrm-import"
    )
    try:
        worker.start()
    except (OSError, AssertionError):  # AssertionError: this process is a daemon (no children)
        for end in (bytes_out, bytes_in, results_out, results_in):
            end.close()
        return None
    bytes_out.close()
    results_in.close()
    feeder = threading.Thread(target=_feed, args=(stream, bytes_in), daemon=True)
    feeder.start()
    return _messages(worker, feeder, results_out)


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
    worker: BaseProcess, feeder: threading.Thread, results: Connection
) -> Generator[Any, None, None]:
    """What the worker sends; closing this (or an error) stops the worker and the feeder."""
    try:
        yield from _received(results)
    finally:
        results.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
        feeder.join(timeout=5)


def _received(results: Connection) -> Iterator[Any]:
    while True:
        try:
            message = pickle.loads(results.recv_bytes())
        except EOFError:
            raise KcrmError("the import's file reader stopped unexpectedly", 500) from None
        if message is None:
            return
        if isinstance(message, BaseException):
            raise message
        yield message


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
    source: Connection,
    results: Connection,
) -> None:
    """The worker process: send each message `produce` makes, then None (or the error)."""
    import gc

    # As in the importing process (service._fewer_collections): millions of acyclic objects.
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    stream = io.BufferedReader(_PipeReader(source), buffer_size=_CHUNK)
    try:
        for message in produce(stream, fmt, kind):
            results.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        last: Any = None
    except Exception as error:  # noqa: BLE001 - every failure goes back to the importer
        last = error if _picklable(error) else RuntimeError(f"import reader: {error!r}")
    try:
        results.send_bytes(pickle.dumps(last, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # the importer stopped listening
    results.close()


def _picklable(error: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any failure means "send a plain error instead"
        return False
    return True
