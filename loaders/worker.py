"""A producer run in a forked process, pipelined with its consumer in this one, so a
load's Python work gets both cores: in the check pass the worker reads and converts the
files while this process checks the rows before; in a bulk first load's write pass it
builds the facts while this process applies them to the graph model. The child inherits
the state it needs (sources, mapping, resolver, spilled rows) by fork — nothing is
copied up front — and sends its messages down a pipe, read here on a thread into a
bounded inbox (the memory stays bounded; neither side waits for the other message by
message)."""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Generator
from contextlib import closing
from multiprocessing.connection import Connection
from typing import Any

from bidgraph.errors import BidgraphError

Send = Callable[..., None]  # a message: send(kind, *values)
PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size for unprivileged processes
INBOX_BYTES = 64 << 20  # received messages waiting to be taken, at most (one more may come)


class WorkerDied(BidgraphError):
    """The worker process ended without finishing (killed, out of memory)."""


def can_fork() -> bool:
    """Fork is what makes the worker cheap (no state to pickle): Linux and macOS only."""
    return "fork" in multiprocessing.get_all_start_methods()


def available() -> bool:
    """Whether a load uses the worker: only when it runs on the process's main thread (the
    CLI). The workbench runs a load on one of its server's threads, next to others that may
    hold a lock at the moment of the fork, which the child would then wait on forever; so
    there a load runs in one process."""
    return can_fork() and threading.current_thread() is threading.main_thread()


def run(produce: Callable[[Send], Any], consume: Callable[..., None]) -> Any:
    """``produce(send)`` in a forked child; each ``send(kind, *values)`` arrives here as
    ``consume(kind, *values)``, in order. Returns what ``produce`` returned; an exception
    in the child is raised here (same type and attributes)."""
    with closing(stream(produce)) as messages:
        while True:
            try:
                message = next(messages)
            except StopIteration as end:
                return end.value
            consume(*message)


def stream(produce: Callable[[Send], Any]) -> Generator[tuple[Any, ...], None, Any]:
    """The messages of ``produce(send)`` run in a forked child, as they come; returns
    what ``produce`` returned. Closing the generator early stops the child."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    _deepen(sending)
    child = context.Process(target=_child, args=(sending, produce), name="bidgraph-load-worker", daemon=True)
    child.start()
    sending.close()  # the child holds the only writing end: its exit ends recv()
    inbox = _Inbox(receiving)
    try:
        while True:
            try:
                message = inbox.get()
            except EOFError:
                child.join(5)
                died = f"导入子进程意外退出（退出码 {child.exitcode}），导入已撤销；请检查内存后重试"
                raise WorkerDied(died) from None
            if message[0] == "_end":
                return message[1]
            if message[0] == "_error":
                raise _rebuilt(*message[1:])
            yield message
    finally:
        inbox.stop()
        if child.is_alive():
            child.terminate()
        child.join()
        inbox.thread.join()  # the child's end is closed: the read returns
        receiving.close()


class _Inbox:
    """The pipe read on a thread (the read waits without the GIL) into a queue of raw
    messages, unpickled by ``get`` on the caller's thread: the worker never waits for
    this process to finish a message before it sends the next, only when
    ``INBOX_BYTES`` are waiting (memory stays bounded)."""

    def __init__(self, receiving: Connection) -> None:
        self.receiving = receiving
        self.items: deque[bytes | None] = deque()  # None: the child's end closed
        self.size = 0
        self.stopped = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, name="bidgraph-load-inbox", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            try:
                data: bytes | None = self.receiving.recv_bytes()
            except (EOFError, OSError):
                data = None
            with self.changed:
                while data is not None and self.size >= INBOX_BYTES and not self.stopped:
                    self.changed.wait()
                if self.stopped:
                    return
                self.items.append(data)
                self.size += len(data or b"")
                self.changed.notify_all()
            if data is None:
                return

    def get(self) -> Any:
        with self.changed:
            while not self.items:
                self.changed.wait()
            data = self.items.popleft()
            self.size -= len(data or b"")
            self.changed.notify_all()
        if data is None:
            raise EOFError
        return pickle.loads(data)  # what Connection.recv does (ForkingPickler.loads)

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()


def _deepen(sending: Connection) -> None:
    """A pipe holds 64 KB by default, less than one message (a chunk of rows is up to
    ~0.9 MB): the worker's send would wait for each read of the inbox's thread, which
    needs the GIL between reads. With 1 MB most messages go in at once."""
    resize = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    # refused over the user's pipe quota (/proc/sys/fs/pipe-max-size): the default size
    with contextlib.suppress(OSError):
        if resize is not None:
            fcntl.fcntl(sending.fileno(), resize, PIPE_BYTES)


def _child(sending: Connection, produce: Callable[[Send], Any]) -> None:
    try:
        result = produce(lambda kind, *values: sending.send((kind, *values)))
        sending.send(("_end", result))
    except BaseException as e:  # handed to the parent as it is
        try:
            sending.send(("_error", type(e), e.args, dict(vars(e)), repr(e)))
        except Exception:  # an exception that does not pickle: its text
            sending.send(("_error", RuntimeError, (repr(e),), {}, repr(e)))
    finally:
        sending.close()
        os._exit(0)  # no atexit handlers, no cleanup of the parent's inherited state


def _rebuilt(kind: type[BaseException], args: tuple[Any, ...], attributes: dict[str, Any], text: str) -> BaseException:
    """The child's exception, rebuilt without calling its constructor (whose keyword
    arguments ``args`` does not hold)."""
    try:
        error = kind.__new__(kind)
        error.args = args
        vars(error).update(attributes)
        return error
    except (TypeError, AttributeError):
        return RuntimeError(text)
