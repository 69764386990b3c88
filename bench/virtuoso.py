"""The virtuoso.ini of a private Virtuoso: own files in one folder, loopback ports, no system service.

The benchmark and the external-endpoint tests both start one; they differ only in memory, threads
and the time limit, so the settings live here once.
"""

from __future__ import annotations

from pathlib import Path

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {data}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
{query_mem}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = {threads}
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {max_seconds}
"""


def virtuoso_ini(folder: Path, data: Path, sql_port: int, http_port: int, *, buffers: int = 10_000,
                 threads: int = 4, max_seconds: int = 60, max_query_mem: str | None = None) -> str:
    """The configuration text; `data` is the folder the bulk loader may read (DirsAllowed)."""
    return _INI.format(dir=folder, data=data, sql_port=sql_port, http_port=http_port, buffers=buffers,
                       dirty=buffers * 3 // 4, threads=threads, max_seconds=max_seconds,
                       query_mem=f"MaxQueryMem = {max_query_mem}\n" if max_query_mem else "")
