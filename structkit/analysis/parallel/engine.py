"""Where batch work runs: in this process, on a local Dask cluster, or on an existing Dask cluster.

Everything that maps over structures, mutants, ligands or frames (``features``, ``scan``, ``ddg``,
the benchmarks, ``run``, ``trajectory``) hands its tasks to an :class:`Engine`, the one execution
object: it also names the result cache and the progress callback. Its workers:

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

import copy
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from structkit.arguments import check_scheduler, check_workers, workers_from_text
from structkit.errors import StructkitError
from structkit.progress import Progress, report

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
    """How batch work runs: where (this process, a local Dask cluster, a Dask scheduler), with which
    result cache, and whom it tells of its progress (see the module docstring).

    The one execution object: every function that maps work over structures, mutations or ligands
    takes ``engine=`` and nothing else about how to run (no ``workers``, ``cache``, ``use_cache`` or
    ``progress`` of its own). The numbers never depend on it.

    Parameters
    ----------
    workers : int, optional
        Local worker processes (default :func:`default_workers`); 1 runs in this process.
    scheduler : str, optional
        Address of a running Dask scheduler (default ``STRUCTKIT_SCHEDULER``); ``workers`` is
        then ignored.
    cache : path, optional
        Result cache root (default ``STRUCTKIT_CACHE``, see :mod:`structkit.io.result_cache`).
    use_cache : bool
        Look results up in the cache and store them there (False: compute everything, store nothing).
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`structkit.progress`) as the work goes on.

    Examples
    --------
    >>> engine = Engine(workers=1, use_cache=False, progress=lambda done, total, label: None)
    >>> engine.serial, engine.use_cache
    (True, False)
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *,
                 cache: str | os.PathLike | None = None, use_cache: bool = True,
                 progress: Progress | None = None):
        if scheduler is not None:
            self.scheduler = check_scheduler(scheduler, "scheduler")
        else:
            from_env = os.environ.get("STRUCTKIT_SCHEDULER") or None
            self.scheduler = check_scheduler(from_env, "STRUCTKIT_SCHEDULER")
        given = check_workers(workers, "workers")
        self.workers = given if given is not None else default_workers()
        self.cache = os.fspath(cache) if cache else None
        self.use_cache = bool(use_cache)
        self.progress = progress
        self._pool = _Pool()

    @classmethod
    def for_tasks(cls, engine: Engine | None, tasks: int | None = None, *,
                  cache: str | os.PathLike | None = None) -> Engine:
        """``engine``, its result cache at ``cache`` when it names none (the structures' cache of a
        :class:`~structkit.io.load.LoadOptions`, say); with no engine, the default one, with no more
        workers than ``tasks`` (a local cluster of eight workers is not started for two tasks)."""
        if engine is not None:
            if engine.cache is None and cache:
                view = copy.copy(engine)
                view.cache = os.fspath(cache)
                return view
            return engine
        workers = default_workers() if tasks is None else max(1, min(default_workers(), tasks))
        return cls(workers=workers, cache=cache)

    def reporting(self, progress: Progress | None) -> Engine:
        """This engine (same workers, cluster and cache) telling ``progress`` instead: for a part of
        a larger job (a step of ``structkit run``)."""
        view = copy.copy(self)
        view.progress = progress
        return view

    def report(self, done: int, total: int, label: str = "") -> None:
        """Tell the progress callback, if there is one."""
        report(self.progress, done, total, label)

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
        self._pool.depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._pool.depth -= 1
        if self._pool.depth == 0:
            self.close()

    def close(self) -> None:
        """Close the client and shut a local cluster down (safe to call twice)."""
        self._pool.close()

    def _connect(self):
        pool = self._pool
        if pool.client is not None:
            return pool.client
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency
            raise StructkitError("parallel work needs dask.distributed (pip install 'dask[distributed]')") \
                from None
        if self.scheduler:
            try:
                pool.client = Client(self.scheduler, timeout="10s", set_as_default=False)
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
            # Only critical log records from the cluster's own processes: a task's error reaches
            # this process as its exception anyway, and at shutdown (Ctrl-C included) a worker
            # whose heartbeat meets the closing scheduler logs an ERROR with a traceback (seen under
            # load), which is noise to the user of a command that was asked to stop.
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), _workers_ignore_sigint():
                pool.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=logging.CRITICAL)
            pool.client = Client(pool.cluster, set_as_default=False)
        return pool.client

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
            report: bool | Callable[[Any], str] = False,
            on_done: Callable[[Any], None] | None = None,
            on_result: Callable[[Any, Any], None] | None = None) -> list[T]:
        """``[fn(item, *args) for item in items]``, in the order of ``items``.

        ``report=True`` tells the progress callback ``(done, len(items), str(item))`` as tasks
        finish, ``report=fn`` ``(done, len(items), fn(item))``; a caller that counts its work
        otherwise passes ``on_done(item)`` instead and calls :meth:`report` itself.
        ``on_result(item, result)`` is called as each task finishes (a caller keeps each result at
        once, so that an interrupted map loses only the unfinished ones). A task's exception is
        raised here (the first one in input order); use a task that returns its errors to go on.
        """
        items = list(items)
        finished = [0]

        def done(item: Any, result: Callable[[], Any] | None) -> None:
            finished[0] += 1
            if on_result is not None and result is not None:
                on_result(item, result())
            if on_done is not None:
                on_done(item)
            if report:
                self.report(finished[0], len(items), report(item) if callable(report) else str(item))

        if self.serial or (len(items) <= 1 and self.scheduler is None):
            plain = [a.value if isinstance(a, _Shared) else a for a in args]
            out = []
            for item in items:
                out.append(fn(item, *plain))
                done(item, lambda: out[-1])
            return out
        from distributed import as_completed

        client = self._connect()
        remote = [a.scatter(client) if isinstance(a, _Shared) else a for a in args]
        futures = client.map(fn, items, *[[a] * len(items) for a in remote], pure=False, retries=1)
        index = {future.key: k for k, future in enumerate(futures)}
        try:
            for future in as_completed(futures, loop=client.loop):
                # a failed task's error is raised by gather below, the first in input order
                done(items[index[future.key]], future.result if future.status == "finished" else None)
            return client.gather(futures)
        finally:
            client.cancel(futures)


class _Pool:
    """The Dask client and local cluster of an engine, shared by its :meth:`Engine.reporting`
    views, with the depth of nested ``with`` blocks that use it."""

    def __init__(self) -> None:
        self.client: Any = None
        self.cluster: Any = None
        self.depth = 0

    def close(self) -> None:
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


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
