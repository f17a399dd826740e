"""What runs inside a script-checking worker process before its first script.

It lives in the script package, which the workers' forkserver preloads: a worker unpickles
its initializer by module name, and a module under `bot_engine.service` would import the
service package (settings, storage, SQLAlchemy, Alembic) into every worker, about a second
of start-up and a large share of its address-space cap spent on nothing."""

from __future__ import annotations

import resource


def limit_memory(megabytes: int) -> None:
    """Worker initializer: cap the address space (RLIMIT_AS) of this worker only."""
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
