"""Run one chapter notebook with the network off; used by tests/test_offline.py.

It is started inside a fresh network namespace (``unshare -n``) whose only
interface is loopback, so the kernel can talk to its client but nothing can
reach the internet. It first proves that, then executes every cell.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


def network_is_off() -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.settimeout(3)
    try:
        probe.connect(("1.1.1.1", 443))
    except OSError:
        return True
    finally:
        probe.close()
    return False


def main(path: str) -> int:
    import jupytext
    from nbclient import NotebookClient

    if not network_is_off():
        print("the network is reachable: refusing to claim an offline run", file=sys.stderr)
        return 3
    os.environ.setdefault("NSLIB_SWEEP_MODE", "static")
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    print(f"executed {path} offline: {sum(c.cell_type == 'code' for c in nb.cells)} code cells")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--probe"]:
        # Used before the offline book build (tests/conftest.py): refuse to go on online.
        if not network_is_off():
            print("the network is reachable: refusing to claim an offline run", file=sys.stderr)
            sys.exit(3)
        print("network is off: only loopback is up")
        sys.exit(0)
    sys.exit(main(sys.argv[1]))
