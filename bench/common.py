"""What the benchmarks share: the local PostgreSQL and reading a process's CPU time."""

import os
from pathlib import Path

POSTGRES = "postgres://postgres@127.0.0.1:5432"


def psql(statement: str) -> None:
    """Run one statement on the server's maintenance database (create or drop a throwaway one)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def cpu_seconds(pid: int | None) -> float:
    """utime + stime of one process, from /proc (0 when it is gone)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
