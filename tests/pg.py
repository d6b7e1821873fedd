"""A real PostgreSQL server for tests: Debian's server binaries started on a free port in a
temporary folder (as the ``postgres`` user when the tests run as root), stopped afterwards.

Without the binaries the tests that need it skip with a message, except with ``CI=true``,
where a missing server is a failure (`make postgres` installs Debian's ``postgresql`` as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def binaries() -> str | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb and pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root needs a 'postgres' user to start the server as") from None
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def server() -> Iterator[str]:
    """Start a throw-away PostgreSQL; yields its SQLAlchemy URL. Raises RuntimeError when it cannot."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("Debian's postgresql server binaries (/usr/lib/postgresql/*/bin) are not installed")
    folder = tempfile.mkdtemp(prefix="advlab-pg-")
    data = os.path.join(folder, "data")
    prefix = _as_user()
    if prefix:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    try:
        subprocess.run([*prefix, f"{bindir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True)
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"), "-w",
                        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=60)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"postgresql did not start: {e.stderr.decode(errors='replace')[-800:]}") from e
    finally:
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], check=False,
                           capture_output=True, timeout=60)
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def skip_or_fail(reason: str) -> None:
    """Skip the test with ``reason``, or fail it under CI (``CI=true``), where both backends must run."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PostgreSQL tests: {reason}. Install Debian's postgresql (make postgres)")
    pytest.skip(f"PostgreSQL tests skipped: {reason} (make postgres installs it as root)")
