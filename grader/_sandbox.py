"""How a student's code is started: resource limits and the bubblewrap sandbox.

The worker (:mod:`grader._worker`) is started as
``bwrap [...] python -m grader._worker``, where the sandbox

* has no network (``--unshare-net``) and its own PID, IPC and UTS namespaces,
  so it can neither reach nor signal any process outside;
* sees a read-only view of the system (``/usr``, ``/etc``, ...), of the Python
  installation, of the ``nslib`` package (student code and the tests use it)
  and of this ``grader`` package (the worker's own code), and nothing else: the course
  folder (sources, hidden tests, gradebook), the submissions and the output
  folder are simply absent;
* can write only to its own ``/tmp``, a size-limited tmpfs that vanishes with it;
* dies with its parent (``--die-with-parent``): killing bwrap tears down the
  whole PID namespace, fork bombs included.

Per-process limits (address space, CPU seconds, file size, open files, tasks)
are applied by the worker's trusted start-up code before any student code
runs. ``RLIMIT_NPROC`` is not enforced for root, so when grading as root the
worker first switches to a fresh unprivileged uid (see ``_worker``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from nslib.validation import check_int, check_number

__all__ = ["Limits", "require_bwrap", "worker_process"]

#: First uid handed to sandboxed workers when grading as root. Far above the
#: ids of real accounts, so a student's processes never share a quota with them.
UID_BASE = 200_000


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission.

    Attributes
    ----------
    cell_timeout_s : float
        Wall time for one student cell, or one call of a student function.
    test_timeout_s : float
        Wall time for one test cell (all its calls together).
    notebook_timeout_s : float
        Wall time for the whole submission, restarts included; also the CPU
        time limit (RLIMIT_CPU) of each worker process.
    memory_mb : int
        Address-space limit (RLIMIT_AS) of each process, MiB.
    max_tasks : int
        Processes plus threads (RLIMIT_NPROC) of one sandbox.
    disk_mb : int
        Size of the sandbox's private /tmp and largest file (RLIMIT_FSIZE), MiB.
    open_files : int
        RLIMIT_NOFILE.
    startup_timeout_s : float
        Wall time for a worker to start (Python, numpy, IPython imports).

    Examples
    --------
    >>> Limits(cell_timeout_s=5).cell_timeout_s
    5.0
    """

    cell_timeout_s: float = 30.0
    test_timeout_s: float = 60.0
    notebook_timeout_s: float = 600.0
    memory_mb: int = 2048
    max_tasks: int = 16
    disk_mb: int = 64
    open_files: int = 256
    startup_timeout_s: float = 60.0

    def __post_init__(self):
        for name in ("cell_timeout_s", "test_timeout_s", "notebook_timeout_s", "startup_timeout_s"):
            object.__setattr__(self, name, check_number(name, getattr(self, name), low=0.1, high=86400.0))
        check_int("memory_mb", self.memory_mb, low=256)
        check_int("max_tasks", self.max_tasks, low=2, high=4096)
        check_int("disk_mb", self.disk_mb, low=1)
        check_int("open_files", self.open_files, low=32)

    def to_dict(self) -> dict:
        """JSON-compatible form, for passing to the judge process."""
        return asdict(self)


def require_bwrap() -> str:
    """Return the path of ``bwrap``, or explain how to install it.

    Raises
    ------
    RuntimeError
        If bubblewrap is not installed.
    """
    path = shutil.which("bwrap")
    if path is None:
        raise RuntimeError(
            "grading needs bubblewrap to sandbox student code, and `bwrap` is not on PATH; "
            "install it with `apt-get install -y bubblewrap` (Debian/Ubuntu) or "
            "`dnf install bubblewrap` (Fedora)")
    return path


def _readonly_paths() -> list[str]:
    """Paths the worker must read: the Python installation, nslib, and the worker's own package.

    ``nslib`` and ``grader`` are found where this interpreter imports them from
    (with an editable install, the checkout's ``nslib/`` and ``grader/``
    folders); only those two folders are bound, not the checkout around them.
    """
    import nslib
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
             str(Path(nslib.__file__).resolve().parent), str(Path(__file__).resolve().parent)}
    return sorted(p for p in paths if p and os.path.isdir(p))


def _check_not_exposed(paths, secrets) -> None:
    """Refuse to start if a path shown to students contains a secret folder."""
    for p in paths:
        rp = Path(p).resolve()
        for s in secrets:
            rs = Path(s).resolve()
            if rs == rp or rp in rs.parents:
                raise RuntimeError(
                    f"refusing to sandbox: {rp} would be visible to student code and contains {rs}; "
                    "install nslib, the grader and Python outside the course and submissions folders")


def bwrap_command(python: str, as_root: bool, disk_mb: int, secrets=()) -> list[str]:
    """The bubblewrap options that build the sandbox (the command to run goes after them).

    Parameters
    ----------
    python : str
        Interpreter to run inside (the current one, so packages match).
    as_root : bool
        True when the caller is root: bwrap then runs privileged and keeps
        CAP_SETUID/CAP_SETGID only so the worker can switch to a fresh uid.
        Otherwise bwrap makes an unprivileged user namespace.
    disk_mb : int
        Size of the private /tmp.
    secrets : iterable of path
        Folders that must stay invisible (course, submissions, output);
        checked against every bound path.
    """
    args = [require_bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    if as_root:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user"]
    system = []
    for top in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc"):
        p = "/" + top
        if os.path.islink(p):
            args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            args += ["--ro-bind", p, p]
            system.append(p)
    extra = [p for p in _readonly_paths() if not any(p == s or p.startswith(s + "/") for s in system)]
    # Keep only outermost paths: binding /a and then /a/b is redundant.
    extra = [p for p in extra if not any(p != q and p.startswith(q + "/") for q in extra)]
    _check_not_exposed(system + extra, secrets)
    # The private /tmp comes before the read-only binds so that a checkout or
    # virtualenv that itself lives under /tmp (a CI clone) stays visible on top.
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(disk_mb * 2**20), "--tmpfs", "/tmp"]
    made = set()
    for p in extra:
        # bwrap creates missing parents with mode 0700, which an unprivileged
        # uid cannot traverse; create them world-readable first.
        parts = Path(p).parts
        for i in range(2, len(parts)):
            parent = str(Path(*parts[:i]))
            if parent not in made:
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += ["--ro-bind", p, p]
    args += ["--chdir", "/tmp"]
    env = {
        "PATH": f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


def _worker_env(limits: Limits, home: str) -> dict:
    return {
        "HOME": home, "TMPDIR": home, "IPYTHONDIR": os.path.join(home, ".ipython"),
        "MPLCONFIGDIR": os.path.join(home, ".matplotlib"), "MPLBACKEND": "Agg",
        # One thread per numerical library: threads count against max_tasks,
        # and graders run several notebooks side by side.
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
        "NSLIB_SANDBOX_LIMITS": json.dumps(limits.to_dict()),
    }


def worker_process(limits: Limits, *, sandbox: bool, uid: int | None = None, cwd: str | None = None,
                   secrets=(), overlays=None) -> subprocess.Popen:
    """Start a worker with pipes on stdin/stdout; stderr is discarded.

    Parameters
    ----------
    limits : Limits
    sandbox : bool
        Run inside bubblewrap (grading) or directly (a student checking their
        own notebook).
    uid : int, optional
        Unprivileged uid for the worker when grading as root.
    cwd : str, optional
        Working directory when not sandboxed (the notebook's folder).
    secrets : iterable of path
        Folders that must not be visible inside the sandbox.
    overlays : dict of str to str, optional
        Sandboxed only: files shown read-only with other contents (path -> text): the library
        modules with guarded functions, checked (:func:`grader._guard.checked_sources`), so
        that even reading the module's file gives the checked code.
    """
    fds = []
    if sandbox:
        as_root = os.geteuid() == 0
        argv = bwrap_command(sys.executable, as_root, limits.disk_mb, secrets)
        worker_env = _worker_env(limits, "/tmp")
        worker_env["NSLIB_SANDBOX_CHECK"] = "1"
        if as_root:
            worker_env["NSLIB_SANDBOX_UID"] = worker_env["NSLIB_SANDBOX_GID"] = str(uid or UID_BASE)
        for key, value in worker_env.items():
            argv += ["--setenv", key, value]
        # The sandbox's /tmp starts empty, so matplotlib would rebuild its font
        # list (about a second) in every worker; copy the grader's in.
        fonts = _matplotlib_font_cache()
        if fonts:
            argv += ["--perms", "1777", "--dir", worker_env["MPLCONFIGDIR"]]
        for path in fonts:
            fd = os.open(path, os.O_RDONLY)
            fds.append(fd)
            argv += ["--perms", "0644", "--file", str(fd), f"{worker_env['MPLCONFIGDIR']}/{path.name}"]
        for path, text in (overlays or {}).items():
            fd = os.memfd_create("grader-overlay")
            os.write(fd, text.encode("utf-8"))
            os.lseek(fd, 0, os.SEEK_SET)
            fds.append(fd)
            argv += ["--perms", "0644", "--ro-bind-data", str(fd), path]
        argv += [sys.executable, "-m", "grader._worker"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        cwd = "/"
    else:
        argv = [sys.executable, "-m", "grader._worker"]
        env = dict(os.environ)
        env.update(_worker_env(limits, os.environ.get("HOME", "/tmp")))
        # Keep the student's own matplotlib/IPython settings.
        for key in ("HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR"):
            env.pop(key, None)
            if key in os.environ:
                env[key] = os.environ[key]
    try:
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, cwd=cwd, env=env, close_fds=True,
                                pass_fds=fds, start_new_session=True)
    finally:
        for fd in fds:
            os.close(fd)


def _matplotlib_font_cache() -> list[Path]:
    """matplotlib's font list files of the grading user, if any (found without importing matplotlib)."""
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    try:
        return sorted(p for p in Path(base).glob("fontlist-v*.json") if p.is_file() and not p.is_symlink())
    except OSError:
        return []


def apply_limits_in_worker() -> None:
    """Apply the limits passed in ``NSLIB_SANDBOX_LIMITS`` to the current process.

    Called by the worker before any student code. Lowering a limit needs no
    privilege; RLIMIT_NPROC is only set inside the sandbox, where it counts the
    sandbox's own uid (outside, it would count all of the user's processes).
    """
    raw = os.environ.pop("NSLIB_SANDBOX_LIMITS", None)
    if not raw:
        return
    lim = json.loads(raw)
    mib = 2**20
    wanted = {
        resource.RLIMIT_AS: int(lim["memory_mb"]) * mib,
        resource.RLIMIT_CPU: int(lim["notebook_timeout_s"]) + 1,
        resource.RLIMIT_FSIZE: int(lim["disk_mb"]) * mib,
        resource.RLIMIT_NOFILE: int(lim["open_files"]),
        resource.RLIMIT_CORE: 0,
    }
    if os.environ.get("NSLIB_SANDBOX_CHECK"):
        wanted[resource.RLIMIT_NPROC] = int(lim["max_tasks"])
    for which, value in wanted.items():
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
