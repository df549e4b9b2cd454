"""Run an assignment's tests against one submission: ``python -m grader._judge JOB RESULT``.

Two processes take part, and only one of them ever runs student code:

* the **worker** (sandboxed) runs the student's cells and, on request, calls
  the student's functions and sends back their return values as plain data;
* the **judge** (this module, trusted) runs the instructor's test cells,
  hidden tests included, in a namespace where every name the tests do not
  define themselves (``lif_rate``, ...) is looked up in the worker: a
  function becomes a proxy that forwards calls, a variable becomes its value.

So student code never shares a process with a test: it cannot monkeypatch
``AssertionError``, ``numpy.isclose`` or a test helper, cannot read the hidden
tests' source or the expected values from a caller's frame, and cannot fake
a "passed" line. A test passes when its cell runs to the end without raising;
that verdict is decided here, where only the instructor's code runs.

When the worker dies (``os._exit``, a signal, a memory bomb) or overruns a
time limit, it is killed and restarted with the cells that completed, so the
offending cell or call costs the student that cell or test and nothing more.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import select
import signal
import sys
import time

from grader._codec import CodecError, decode, encode

__all__ = ["run_job"]

_MAX_REPLY = 64 * 2**20   # bytes; a longer reply line means a hostile or broken worker
_MAX_MESSAGE = 2000       # characters of an error message kept for feedback
_MAX_STARTS = 24          # worker (re)starts per submission


class WorkerFailure(BaseException):
    """The worker died, hung or broke the protocol.

    A BaseException, so that a test written ``try: f(x) except Exception:``
    cannot mistake a crash of student code for an expected exception.

    ``load_sensitive`` is True when the failure might be caused by the
    machine rather than the student (a timeout, or a SIGKILL that could come
    from the kernel's out-of-memory killer); the parent then grades the
    submission again, alone.
    """

    def __init__(self, message: str, load_sensitive: bool = False):
        super().__init__(message)
        self.load_sensitive = load_sensitive


class WorkerTimeout(WorkerFailure):
    """The worker did not answer within the time limit."""

    def __init__(self, message: str, load_sensitive: bool = True):
        super().__init__(message, load_sensitive)


class TestTimeout(BaseException):
    """A test cell ran longer than ``test_timeout_s`` (raised by SIGALRM)."""

    __test__ = False


class StudentCodeError(Exception):
    """An exception raised by student code that is not a builtin exception type."""


# Builtin exception types a student function may raise "through" to a test
# (e.g. a test that checks a ValueError is raised for bad input).
_PASS_THROUGH = {name: obj for name, obj in vars(builtins).items()
                 if isinstance(obj, type) and issubclass(obj, Exception)
                 and not issubclass(obj, (StopIteration, StopAsyncIteration, Warning))}


def _truncate(text: str, n: int = _MAX_MESSAGE) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 20] + " ... (truncated)"


def _stat(pid: int):
    """(state, start time) of a process from /proc, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], fields[19]


def _children(pid: int) -> list[tuple[int, str]]:
    """Direct children of ``pid``, each with its start time (which tells a reused pid apart)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids = [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        return []
    found = []
    for child in pids:
        stat = _stat(child)
        if stat is not None:
            found.append((child, stat[1]))
    return found


def _wait_dead(processes, timeout: float) -> None:
    """Wait until each (pid, start time) has exited (a zombie counts), at most ``timeout`` seconds."""
    end = time.monotonic() + timeout
    pending = list(processes)
    while pending and time.monotonic() < end:
        pending = [(pid, start) for pid, start in pending
                   if (stat := _stat(pid)) is not None and stat[1] == start and stat[0] not in ("Z", "X")]
        if pending:
            time.sleep(0.05)


class WorkerClient:
    """The judge's end of the worker protocol, with restarts and replay.

    Parameters
    ----------
    start : callable
        ``start(n) -> subprocess.Popen``; ``n`` counts starts, so each start
        can get its own uid.
    limits : dict
        :meth:`Limits.to_dict` values.
    cells : list of (str, str)
        The student's cells; replayed after a restart.
    deadline : float
        ``time.monotonic()`` value after which nothing more is run.
    """

    def __init__(self, start, limits: dict, cells, deadline: float, *, guards=(),
                 cell_guards=None):
        self._start_fn = start
        self.limits = limits
        self.cells = cells
        self.deadline = deadline
        # Library functions some question switches off (grader._guard): prepared in each new
        # worker before any student code; each cell and call names the ones off while it runs.
        self.guards = list(guards)
        self.cell_guards = list(cell_guards) if cell_guards is not None else [[] for _ in cells]
        self.call_guard: list = []
        self.proc = None
        self.starts = 0
        self.next_id = 0
        self.buf = bytearray()
        self.scan = 0
        self.completed: list[int] = []   # cells replayed after a restart
        self.excluded: set[int] = set()  # cells that crashed or hung the worker
        self.sandbox_report = None

    # -- process management -------------------------------------------------
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        # Sandboxed, bwrap's only child is the init of the sandbox's PID
        # namespace; noted now, while bwrap is alive to be asked.
        inner = _children(proc.pid)
        # The worker leads its own process group (start_new_session); killing
        # the group also takes children when not sandboxed. Sandboxed, bwrap's
        # --die-with-parent and the PID namespace take down everything inside.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        for pid, _ in inner:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            proc.wait(timeout=10)
        # The kernel kills a namespace's processes asynchronously: on a busy
        # machine a fork bomb's children can spin on for a moment after bwrap
        # is gone. A namespace's init finishes dying only after every other
        # process in it, so waiting for it means nothing of this worker still
        # runs when the next cell, restart or submission starts.
        _wait_dead(inner, timeout=10.0)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                stream.close()

    def _launch(self) -> None:
        if self.starts >= _MAX_STARTS:
            raise WorkerFailure(f"gave up after {_MAX_STARTS} restarts of your code")
        self.kill()
        self.proc = self._start_fn(self.starts)
        self.starts += 1
        self.buf = bytearray()
        self.scan = 0
        try:
            os.set_blocking(self.proc.stdout.fileno(), False)
            os.set_blocking(self.proc.stdin.fileno(), False)
            hello = self._read_reply(0, min(self.limits["startup_timeout_s"], self._remaining()))
            if not hello.get("ready"):
                raise WorkerFailure("the Python process for your code did not start")
        except BaseException:
            self.kill()  # never leave a half-started worker behind
            raise
        self.sandbox_report = hello.get("sandbox")
        if self.guards:
            reply = self._request({"op": "guard_install", "names": self.guards},
                                  min(self.limits["startup_timeout_s"], self._remaining()))
            if not reply.get("ok"):
                self.kill()
                raise WorkerFailure(f"the grader could not prepare its guard: {reply.get('error')}")

    def ensure(self) -> None:
        """Have a live worker that has run every completed cell."""
        while not self.alive():
            self._launch()
            for index in list(self.completed):
                try:
                    self._request({"op": "exec", "code": self.cells[index][1],
                                   "guard": self.cell_guards[index]},
                                  self.limits["cell_timeout_s"])
                except WorkerFailure:
                    # A cell that ran fine the first time crashed on replay
                    # (e.g. it is random); drop it too and start over.
                    self.completed.remove(index)
                    self.excluded.add(index)
                    self.kill()
                    break

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    # -- protocol -----------------------------------------------------------
    def _write(self, data: bytes, deadline: float) -> None:
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise WorkerTimeout("timed out sending a request")
            _, writable, _ = select.select([], [fd], [], timeout)
            if writable:
                try:
                    n = os.write(fd, view)
                except (BrokenPipeError, OSError):
                    raise self._death() from None
                view = view[n:]

    def _read_reply(self, want_id: int, timeout: float) -> dict:
        deadline = time.monotonic() + max(0.0, timeout)
        fd = self.proc.stdout.fileno()
        while True:
            # Complete lines first; ``scan`` avoids re-searching old bytes, so a
            # long reply costs linear, not quadratic, time.
            while (newline := self.buf.find(b"\n", self.scan)) >= 0:
                line = bytes(self.buf[:newline])
                del self.buf[: newline + 1]
                self.scan = 0
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue  # noise from student code; not an answer
                if isinstance(msg, dict) and msg.get("id") == want_id:
                    return msg
            self.scan = len(self.buf)
            if len(self.buf) > _MAX_REPLY:
                raise WorkerFailure("your code sent back more than 64 MiB of data")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout("timed out")
            readable, _, _ = select.select([fd], [], [], remaining)
            if readable:
                try:
                    chunk = os.read(fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not chunk:
                    raise self._death()
                self.buf += chunk

    def _death(self) -> WorkerFailure:
        code = None
        if self.proc is not None:
            with contextlib.suppress(Exception):
                code = self.proc.wait(timeout=2)
        # SIGKILL shows as -9 (direct child) or 128 + 9 (reported by bwrap).
        return WorkerFailure(f"the Python process running your code died (exit status {code})",
                             load_sensitive=code in (-9, 137))

    def _request(self, msg: dict, timeout: float) -> dict:
        timeout = min(timeout, self._remaining())
        if timeout <= 0:
            raise WorkerTimeout("the time limit for the whole notebook was used up")
        self.next_id += 1
        msg["id"] = self.next_id
        deadline = time.monotonic() + timeout
        try:
            self._write(json.dumps(msg, allow_nan=True).encode() + b"\n", deadline)
            return self._read_reply(self.next_id, deadline - time.monotonic())
        except BaseException:
            # Whatever interrupted us (timeout, test alarm), the worker is now
            # in an unknown state: kill it; it is restarted on next use.
            self.kill()
            raise

    def request(self, msg: dict, timeout: float) -> dict:
        """Send one request, restarting the worker first if needed."""
        self.ensure()
        return self._request(msg, timeout)

    # -- the operations -----------------------------------------------------
    def run_cells(self) -> list[dict]:
        """Run every student cell once; return one status record per cell."""
        records = []
        for index, (label, code) in enumerate(self.cells):
            if self._remaining() <= 0:
                records.append({"label": label, "status": "skipped", "load_sensitive": True,
                                "message": "not run: the notebook's time limit was used up"})
                continue
            try:
                reply = self.request({"op": "exec", "code": code, "guard": self.cell_guards[index]},
                                     self.limits["cell_timeout_s"])
            except WorkerTimeout:
                self.excluded.add(index)
                records.append({"label": label, "status": "timeout", "load_sensitive": True,
                                "message": f"stopped after {self.limits['cell_timeout_s']:g} s "
                                           "(infinite loop?); the cell was skipped"})
                continue
            except WorkerFailure as err:
                self.kill()
                self.excluded.add(index)
                records.append({"label": label, "status": "crashed", "load_sensitive": err.load_sensitive,
                                "message": _truncate(f"{err}; the cell was skipped")})
                continue
            if reply.get("ok"):
                self.completed.append(index)
                records.append({"label": label, "status": "ok", "message": ""})
            elif reply.get("memory"):
                # A cell that ran out of memory may leave the process unable to
                # run anything else; restart without it.
                self.kill()
                self.excluded.add(index)
                records.append({"label": label, "status": "memory",
                                "message": _truncate(str(reply.get("error")) + "; the cell was skipped")})
            else:
                self.completed.append(index)
                records.append({"label": label, "status": "error",
                                "message": _truncate(str(reply.get("error", "")))})
        return records

    def get(self, name: str) -> dict:
        return self.request({"op": "get", "name": name}, self.limits["cell_timeout_s"])

    def call(self, name: str, args, kwargs) -> dict:
        return self.request({"op": "call", "name": name, "args": args, "kwargs": kwargs,
                             "guard": self.call_guard}, self.limits["cell_timeout_s"])


class StudentFunction:
    """Stands in for a student's function inside a test; calls run in the worker."""

    def __init__(self, client: WorkerClient, name: str):
        self._client = client
        self.__name__ = name

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        name = self.__name__
        try:
            payload_args, payload_kwargs = encode(list(args)), encode(dict(kwargs))
        except CodecError as err:
            raise TypeError(f"the grader cannot pass these arguments to {name}(): {err}") from None
        try:
            reply = self._client.call(name, payload_args, payload_kwargs)
        except WorkerTimeout:
            raise WorkerTimeout(f"{name}() did not return within "
                                f"{self._client.limits['cell_timeout_s']:g} s") from None
        except WorkerFailure as err:
            raise WorkerFailure(f"calling {name}(): {err}", err.load_sensitive) from None
        return _unpack(reply, name, call=True)


def _unpack(reply: dict, name: str, call: bool):
    kind = reply.get("kind")
    if kind == "value":
        try:
            return decode(reply.get("value"))
        except (CodecError, RecursionError, TypeError, ValueError) as err:
            raise TypeError(f"{name}: the grader could not read the value: {err}") from None
    if kind == "error":
        type_name = str(reply.get("type"))
        exc_type = _PASS_THROUGH.get(type_name, StudentCodeError)
        if "message" in reply:
            # Same type and message as in Jupyter, so a test can check either
            # (e.g. that a ValueError names the parameter)...
            message = _truncate(str(reply["message"]))
            err = exc_type(message if exc_type is not StudentCodeError else f"{type_name}: {message}")
            # ...and where it came from, for the feedback.
            where = str(reply.get("error", "")).partition("\n")[2]
            err.add_note(f"  (raised by your {name}())" + (f"\n{where}" if where else ""))
        else:
            err = exc_type(f"{name}: {_truncate(str(reply.get('error', '')))}")
        raise err
    raise TypeError(f"{name}: unexpected answer from your code")


class StudentNamespace(dict):
    """Globals of the test cells: the tests' own names first, then the student's.

    Names the tests define (imports, constants from read-only cells, helpers)
    and builtins always win, so a student can never replace them; only names
    the tests do not define are fetched from the worker.
    """

    def __init__(self, client: WorkerClient):
        super().__init__()
        self.client = client

    def __missing__(self, name: str):
        if name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        try:
            reply = self.client.get(name)
        except WorkerFailure:
            raise
        if reply.get("kind") == "missing":
            raise KeyError(name)  # becomes NameError: name 'x' is not defined
        if reply.get("kind") == "callable":
            return StudentFunction(self.client, name)
        return _unpack(reply, name, call=False)


@contextlib.contextmanager
def _alarm(seconds: float):
    """Raise TestTimeout in the main thread after ``seconds``."""
    def handler(signum, frame):
        raise TestTimeout(f"the test did not finish within {seconds:g} s")
    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(err: BaseException) -> str:
    if isinstance(err, (WorkerFailure, TestTimeout)):
        return _truncate(str(err))
    text = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    notes = getattr(err, "__notes__", None)
    if isinstance(notes, list):
        text += "\n" + "\n".join(str(n) for n in notes)
    return _truncate(text)


def run_job(job: dict, start) -> dict:
    """Grade one submission.

    Parameters
    ----------
    job : dict
        ``cells`` (student's ``[label, code]``), ``setup`` (read-only
        ``[grade_id, code]``), ``tests`` (``grade_id``, ``points``,
        ``segments``), ``limits`` and ``show_hidden`` (include the message of
        a failing hidden assert in the feedback).
    start : callable
        ``start(n) -> subprocess.Popen`` for the worker.

    Returns
    -------
    dict
        ``tests`` (one record per test cell), ``cells`` (one per student
        cell), ``load_sensitive`` (a timeout or SIGKILL happened, so the
        result may depend on machine load) and ``sandbox`` (the worker's
        self-report).
    """
    limits = job["limits"]
    deadline = time.monotonic() + limits["notebook_timeout_s"]
    client = WorkerClient(start, limits, [tuple(c) for c in job["cells"]], deadline,
                          guards=job.get("guards", ()), cell_guards=job.get("cell_guards"))
    result = {"tests": [], "cells": [], "load_sensitive": False, "sandbox": None, "setup_errors": []}
    try:
        result["cells"] = client.run_cells()
        ns = StudentNamespace(client)
        sink = io.StringIO()
        for gid, code in job["setup"]:
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    exec(compile(code, f"<read-only cell {gid}>", "exec"), ns)  # noqa: S102 - instructor code
            except Exception as err:  # noqa: BLE001 - an authoring error, reported in results
                result["setup_errors"].append(f"{gid}: {_describe(err)}")
        for test in job["tests"]:
            result["tests"].append(_run_test(test, ns, client, limits, job.get("show_hidden", False)))
            sink.seek(0)
            sink.truncate()
    finally:
        client.kill()
    result["sandbox"] = client.sandbox_report
    result["load_sensitive"] = (any(c.get("load_sensitive") for c in result["cells"])
                                or any(t.get("load_sensitive") for t in result["tests"]))
    return result


def _run_test(test: dict, ns: StudentNamespace, client: WorkerClient, limits: dict,
              show_hidden: bool) -> dict:
    record = {"grade_id": test["grade_id"], "max_points": test["points"], "points": 0.0,
              "passed": False, "failed_part": None, "message": "", "load_sensitive": False}
    remaining = min(limits["test_timeout_s"], client.deadline - time.monotonic())
    if remaining <= 0:
        record["message"] = "not run: the notebook's time limit was used up"
        record["load_sensitive"] = True
        return record
    part = None
    sink = io.StringIO()
    # The question's library functions stay off while its tests call the student's code.
    client.call_guard = list(test.get("guard", ()))
    try:
        with _alarm(remaining), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            for part, code in test["segments"]:
                exec(compile(code, f"<test {test['grade_id']} ({part})>", "exec"), ns)  # noqa: S102
    except BaseException as err:  # noqa: BLE001 - any failure of a test is a failed test
        if isinstance(err, (KeyboardInterrupt, SystemExit)) and not isinstance(err, TestTimeout):
            raise
        record["failed_part"] = part
        record["load_sensitive"] = isinstance(err, TestTimeout) or getattr(err, "load_sensitive", False)
        message = _describe(err)
        if isinstance(err, NameError):
            message += " (is it defined in your notebook, and does its cell run without error?)"
        if part == "public":
            # The public test code is in the student's notebook too, so
            # pointing at the failing line gives nothing away.
            line = _failing_line(err, test["segments"][0][1], f"<test {test['grade_id']} (public)>")
            if line:
                message = f"{message}\n  failing test line: {line}"
        if part == "public" or show_hidden or isinstance(err, (WorkerFailure, TestTimeout)):
            record["message"] = message
        elif part == "hidden":
            record["message"] = "the public tests pass, but a hidden test failed"
        else:
            record["message"] = "a test failed (this cell's hidden tests cannot be shown)"
        return record
    record["passed"] = True
    record["points"] = float(test["points"])
    return record


def _failing_line(err: BaseException, code: str, filename: str) -> str:
    import traceback
    lineno = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename == filename:
            lineno = frame.lineno
    lines = code.split("\n")
    if lineno is None or not 1 <= lineno <= len(lines):
        return ""
    return _truncate(lines[lineno - 1].strip(), 300)


def main(argv=None) -> int:
    """Judge process entry point: read JOB (JSON), write RESULT (JSON)."""
    from grader._sandbox import Limits, worker_process
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m grader._judge JOB.json RESULT.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as fh:
        job = json.load(fh)
    limits = Limits(**job["limits"])
    job["limits"] = limits.to_dict()
    uid_base = job.get("uid_base")
    overlays = None
    if job["sandbox"] and job.get("guards"):
        from grader._guard import checked_sources
        overlays = checked_sources(job["guards"])

    def start(n: int):
        return worker_process(limits, sandbox=job["sandbox"],
                              uid=None if uid_base is None else uid_base + n,
                              secrets=job.get("secrets", ()), cwd=job.get("cwd"), overlays=overlays)

    result = run_job(job, start)
    tmp = argv[1] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
