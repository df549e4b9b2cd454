"""The process that runs one student's code: ``python -m grader._worker``.

It is started by the judge (:mod:`grader._judge`), normally inside the
bubblewrap sandbox, and speaks a line-oriented JSON protocol on the pipes it
was given as stdin/stdout:

``{"id": n, "op": "exec", "code": str}``
    run a notebook cell; answer ``{"id": n, "ok": bool, "error": str?, "memory": bool?}``
``{"id": n, "op": "get", "name": str}``
    answer ``{"kind": "callable" | "value" | "missing" | "error", ...}``
``{"id": n, "op": "call", "name": str, "args": [...], "kwargs": {...}}``
    answer ``{"kind": "value", "value": ...}`` or ``{"kind": "error", ...}``

Everything after the first ``exec`` is untrusted: student code shares this
process and may rewrite any of it. That is harmless by design: the judge treats
every answer as data the student chose, which is exactly what an honest
function returning that value would have produced. The trusted part is the
short start-up (dropping privileges) that happens before any student code.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

_MAX_MESSAGE = 4000


def _drop_privileges() -> dict:
    """Switch to the unprivileged uid/gid the judge chose, if started as root.

    The sandbox is entered as root (so bubblewrap can bind paths that only root
    may traverse) and the worker becomes a fresh, otherwise unused uid before
    any student code runs. A non-root uid is what makes RLIMIT_NPROC bite; a
    fresh one per worker means one student's fork bomb cannot use up another's
    process quota.
    """
    uid = os.environ.pop("NSLIB_SANDBOX_UID", None)
    gid = os.environ.pop("NSLIB_SANDBOX_GID", None)
    check = os.environ.pop("NSLIB_SANDBOX_CHECK", None)
    report = {"uid": os.getuid()}
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(int(gid), int(gid), int(gid))
        os.setresuid(int(uid), int(uid), int(uid))
        report["uid"] = os.getuid()
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:  # pragma: no cover - would mean the drop failed
            raise SystemExit("sandbox self-check failed: could regain root")
    if check:
        status = {}
        with open("/proc/self/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                status[key] = value.strip()
        report["cap_eff"] = status.get("CapEff")
        report["no_new_privs"] = status.get("NoNewPrivs")
        if uid is not None and (int(status.get("CapEff", "1"), 16) or int(status.get("CapPrm", "1"), 16)):
            raise SystemExit("sandbox self-check failed: capabilities remain")
        if status.get("NoNewPrivs") != "1":
            raise SystemExit("sandbox self-check failed: no_new_privs is not set")
    return report


def _format_error(err: BaseException, tb_limit: int = 3) -> str:
    """One-paragraph description of ``err`` with the last lines of student code."""
    try:
        head = "".join(traceback.format_exception_only(type(err), err)).strip()
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not kill the worker
        head = type(err).__name__
    frames = []
    try:
        for frame in traceback.extract_tb(err.__traceback__)[-tb_limit:]:
            # Frames of the worker and of IPython are noise for a student.
            if frame.filename == __file__ or f"IPython{os.sep}core" in frame.filename:
                continue
            where = "your cell" if frame.filename.startswith("<") or "ipython-input" in frame.filename \
                else os.path.basename(frame.filename)
            frames.append(f"  in {frame.name} ({where}, line {frame.lineno}): {frame.line or ''}".rstrip())
    except BaseException:  # noqa: BLE001
        pass
    text = head if not frames else head + "\n" + "\n".join(frames)
    return text[:_MAX_MESSAGE]


def _message(err: BaseException) -> str:
    try:
        return str(err)[:_MAX_MESSAGE]
    except BaseException:  # noqa: BLE001
        return ""


class _Worker:
    def __init__(self, proto_in, proto_out):
        self.proto_in = proto_in
        self.proto_out = proto_out
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config
        cfg = Config()
        # No history database: nothing to write, and no background thread.
        cfg.HistoryManager.enabled = False
        self.shell = InteractiveShell.instance(config=cfg)

    def send(self, msg: dict) -> None:
        from grader._codec import CodecError
        try:
            line = json.dumps(msg, allow_nan=True)
        except (TypeError, ValueError, CodecError, RecursionError) as err:
            line = json.dumps({"id": msg.get("id"), "kind": "error", "ok": False,
                               "error": f"could not send the answer: {err}"[:_MAX_MESSAGE]})
        self.proto_out.write(line.encode() + b"\n")
        self.proto_out.flush()

    def handle(self, req: dict) -> dict:
        op = req.get("op")
        if op == "guard_install":
            return self.install_guard(req.get("names", []))
        if op == "get":
            return self.get(req.get("name", ""))
        if op not in ("exec", "call"):
            return {"kind": "error", "error": f"unknown op {op!r}"}
        from grader import _guard
        _guard.active(req.get("guard") or ())
        try:
            if op == "exec":
                return self.exec_cell(req.get("code", ""))
            return self.call(req.get("name", ""), req.get("args", []), req.get("kwargs", {}))
        finally:
            _guard.active(())

    def install_guard(self, names) -> dict:
        """Prepare grader._guard (sent by the judge before any student code runs)."""
        from grader import _guard
        try:
            _guard.install(names)
        except BaseException as err:  # noqa: BLE001 - reported to the judge
            return {"ok": False, "error": _format_error(err)}
        return {"ok": True}

    def exec_cell(self, code: str) -> dict:
        result = self.shell.run_cell(code, store_history=False)
        err = result.error_before_exec or result.error_in_exec
        if err is None:
            return {"ok": True}
        return {"ok": False, "error": _format_error(err), "memory": isinstance(err, MemoryError)}

    def get(self, name: str) -> dict:
        from grader._codec import CodecError, encode
        ns = self.shell.user_ns
        if name not in ns or name.startswith("_"):
            return {"kind": "missing"}
        obj = ns[name]
        if callable(obj):
            return {"kind": "callable"}
        try:
            return {"kind": "value", "value": encode(obj)}
        except (CodecError, RecursionError) as err:
            return {"kind": "error", "type": "TypeError", "error": f"{name}: {err}"}

    def call(self, name: str, args, kwargs) -> dict:
        from grader._codec import CodecError, decode, encode
        fn = self.shell.user_ns.get(name)
        if fn is None or not callable(fn):
            return {"kind": "error", "type": "NameError", "error": f"{name} is not a function"}
        try:
            value = fn(*decode(args), **decode(kwargs))
        except BaseException as err:  # noqa: BLE001 - SystemExit and friends are answers too
            return {"kind": "error", "type": type(err).__name__, "message": _message(err),
                    "error": _format_error(err)}
        try:
            return {"kind": "value", "value": encode(value)}
        except (CodecError, RecursionError) as err:
            return {"kind": "error", "type": "TypeError",
                    "error": f"{name}() returned a value the grader cannot check: {err}"}

    def serve(self) -> None:
        while True:
            line = self.proto_in.readline()
            if not line:
                return
            try:
                req = json.loads(line)
            except ValueError:
                req = None
            if not isinstance(req, dict):
                self.send({"id": None, "kind": "error", "ok": False, "error": "malformed request"})
                continue
            try:
                reply = self.handle(req)
            except BaseException as err:  # noqa: BLE001 - keep serving whatever happens
                reply = {"kind": "error", "ok": False, "error": _format_error(err)}
            reply["id"] = req.get("id")
            self.send(reply)


def main() -> None:
    """Entry point inside the sandbox; see the module docstring."""
    from grader._sandbox import apply_limits_in_worker
    apply_limits_in_worker()  # before dropping privileges: NPROC must be set while exempt
    report = _drop_privileges()
    # Private copies of the protocol pipes, then point 0/1/2 at /dev/null so a
    # student's print() (or a C library writing to fd 1) cannot garble the
    # protocol by accident.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = open(os.devnull)
    sys.stdout = open(os.devnull, "w")
    sys.stderr = open(os.devnull, "w")
    worker = _Worker(proto_in, proto_out)
    worker.send({"id": 0, "ready": True, "sandbox": report})
    worker.serve()


if __name__ == "__main__":
    main()
