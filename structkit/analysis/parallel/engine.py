"""Where batch work runs: in this process, on a local Dask cluster, or on an existing Dask cluster.

Everything that maps over structures, mutants or frames (``features``, ``scan``, ``ddg``, ``run``,
``trajectory``) hands its tasks to an :class:`Engine`:

- ``Engine(workers=1)`` runs them one after the other in this process (no Dask needed);
- ``Engine(workers=N)`` starts a local ``dask.distributed`` cluster of N single-threaded worker
  processes for the duration of a ``with`` block (default N: the machine's cores, or
  ``STRUCTKIT_WORKERS``);
- ``Engine(scheduler="tcp://host:8786")`` (or ``STRUCTKIT_SCHEDULER``) sends them to a running
  scheduler: ``dask scheduler`` and ``dask worker`` started by hand, or a dask-jobqueue cluster.

Tasks are coarse (a structure, a group of mutants at one site, a block of frames) and small (IDs,
paths, mutation strings; a complex that many tasks share is scattered once). Results come back in
the order of the inputs, so tables are byte-identical whatever the number of workers. A worker
that dies mid-task has its tasks rerun elsewhere by Dask; results are written to the cache
atomically, so a rerun cannot corrupt it. Leaving the ``with`` block (Ctrl-C included) closes the
client and shuts a local cluster down.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from structkit.arguments import check_scheduler, check_workers, workers_from_text
from structkit.errors import StructkitError

__all__ = ["Engine", "default_workers"]

T = TypeVar("T")


def default_workers() -> int:
    """Worker processes by default: the machine's cores (``STRUCTKIT_WORKERS`` overrides).

    Raises
    ------
    StructkitError
        ``STRUCTKIT_WORKERS`` set to anything but a whole number of 1 or more (the rules of
        ``--workers``).
    """
    env = os.environ.get("STRUCTKIT_WORKERS")
    if env is not None and env.strip():
        return workers_from_text(env, "STRUCTKIT_WORKERS")
    return max(1, os.cpu_count() or 1)


class Engine:
    """Runs tasks serially, on a local Dask cluster or on a Dask scheduler (see the module docstring).

    Parameters
    ----------
    workers : int, optional
        Local worker processes (default :func:`default_workers`); 1 runs in this process.
    scheduler : str, optional
        Address of a running Dask scheduler (default ``STRUCTKIT_SCHEDULER``); ``workers`` is
        then ignored.
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        if scheduler is not None:
            self.scheduler = check_scheduler(scheduler, "scheduler")
        else:
            from_env = os.environ.get("STRUCTKIT_SCHEDULER") or None
            self.scheduler = check_scheduler(from_env, "STRUCTKIT_SCHEDULER")
        given = check_workers(workers, "workers")
        self.workers = given if given is not None else default_workers()
        self._client = None
        self._cluster = None
        self._depth = 0

    @property
    def serial(self) -> bool:
        """Whether tasks run in this process."""
        return self.scheduler is None and self.workers <= 1

    def describe(self) -> str:
        """One phrase for progress messages."""
        if self.scheduler:
            return f"the Dask scheduler at {self.scheduler}"
        return "1 process" if self.serial else f"{self.workers} local Dask workers"

    def __enter__(self) -> Engine:
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    def close(self) -> None:
        """Close the client and shut a local cluster down (safe to call twice)."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def _connect(self):
        if self._client is not None:
            return self._client
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency
            raise StructkitError("parallel work needs dask.distributed (pip install 'dask[distributed]')") \
                from None
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="10s", set_as_default=False)
            except Exception as exc:  # OSError, TimeoutError, or Dask's own for an address it rejects
                reason = " ".join(str(exc).split()) or type(exc).__name__
                raise StructkitError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({reason})") from None
        else:
            import dask

            # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in their workers, which makes glibc give
            # memory back after every small numpy temporary: our kernels ran 40 % slower with it
            # (scripts/bench_engine.py). Keep the one-thread-per-library settings, not that one.
            environ = {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1}
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), _workers_ignore_sigint():
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                             dashboard_address=":0", silence_logs=40)
            self._client = Client(self._cluster, set_as_default=False)
        return self._client

    @contextmanager
    def shared(self, value: Any) -> Iterator[_Shared]:
        """``value`` marked for tasks to share: :meth:`map` passes it as it is when the tasks run
        here, and scatters it once to every worker otherwise (a complex many tasks need travels
        once, not once per task). The scattered copy is released on leaving the block."""
        marker = _Shared(value)
        try:
            yield marker
        finally:
            if marker.future is not None:
                marker.future.release()
                marker.future = None

    def map(self, fn: Callable[..., T], items: Sequence[Any], *args: Any,
            progress: Callable[[int, int, Any], None] | None = None) -> list[T]:
        """``[fn(item, *args) for item in items]``, in the order of ``items``.

        ``progress(done, total, item)`` is called as tasks finish. A task's exception is raised
        here (the first one in input order); use a task that returns its errors to go on.
        """
        items = list(items)
        if self.serial or (len(items) <= 1 and self.scheduler is None):
            plain = [a.value if isinstance(a, _Shared) else a for a in args]
            out = []
            for k, item in enumerate(items, start=1):
                out.append(fn(item, *plain))
                if progress:
                    progress(k, len(items), item)
            return out
        from distributed import as_completed

        client = self._connect()
        remote = [a.scatter(client) if isinstance(a, _Shared) else a for a in args]
        futures = client.map(fn, items, *[[a] * len(items) for a in remote], pure=False, retries=1)
        index = {future.key: k for k, future in enumerate(futures)}
        try:
            for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
                if progress:
                    progress(done, len(items), items[index[future.key]])
            return client.gather(futures)
        finally:
            client.cancel(futures)


@contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Start worker processes with SIGINT ignored, without losing a Ctrl-C meant for this one.

    A terminal's Ctrl-C goes to the whole process group: without this, every local worker
    process died of its own ``KeyboardInterrupt`` and printed a traceback before this process
    said "interrupted". A signal ignored at ``exec`` stays ignored, and CPython installs its
    ``KeyboardInterrupt`` handler only where SIGINT is at its default, so the workers never see
    it; this process closes the cluster, which stops them.

    An ignored signal is discarded when it arrives, so until 0.7.0 a Ctrl-C while the workers
    started vanished and the run went on to the end. SIGINT is therefore also blocked in this
    thread (and in the threads the cluster starts meanwhile, which inherit the mask): Linux keeps
    a blocked signal pending even while it is ignored, and on the way out the handler is restored
    before the mask, so such a Ctrl-C arrives then, as a ``KeyboardInterrupt``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocks = hasattr(signal, "pthread_sigmask")  # not on Windows
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if blocks else None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


class _Shared:
    """A value many tasks share (see :meth:`Engine.shared`); scattered on first use on a cluster."""

    def __init__(self, value: Any):
        self.value = value
        self.future = None

    def scatter(self, client) -> Any:
        if self.future is None:
            [self.future] = client.scatter([self.value], broadcast=True, hash=False)
        return self.future
