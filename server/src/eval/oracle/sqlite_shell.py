"""The oracle's gold side for SQLite: runs SQL the way the sqlite3 shell does.

Python's sqlite3 module links the system libsqlite3, the same library as the sqlite3 shell,
with its defaults (legacy double-quoted strings on), and shares no code with Quarry's
better-sqlite3 build: an independent engine path. One JSON request per stdin line,
{"db": path, "sql": text}; one JSON reply per stdout line, {"ok": true, "columns": [...],
"rows": [[...]]} or {"ok": false, "error": message}. Cells: integers beyond JSON's exact
range as {"$int": text}, non-finite reals as {"$float": text}, blobs as {"$bytes": hex}.
"""

import json
import math
import pathlib
import sqlite3
import sys
import time

TIME_LIMIT_S = 60
EXACT = 2**53 - 1
connections = {}


def connect(path):
    connection = connections.get(path)
    if connection is None:
        uri = ":memory:" if path == ":memory:" else pathlib.Path(path).resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        # SQLite text that is not UTF-8 reads as replacement characters, as in other bindings.
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        connections[path] = connection
    return connection


def cell(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -EXACT <= value <= EXACT else {"$int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    return str(value)


def run(request):
    connection = connect(request["db"])
    deadline = time.monotonic() + TIME_LIMIT_S
    connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    try:
        cursor = connection.execute(request["sql"])
        rows = [[cell(value) for value in row] for row in cursor.fetchall()]
        columns = [column[0] for column in cursor.description or []]
        return {"ok": True, "columns": columns, "rows": rows}
    finally:
        connection.set_progress_handler(None, 0)


for line in sys.stdin:
    try:
        reply = run(json.loads(line))
    except Exception as error:  # every failure is the gold query's own: report it, go on
        reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(reply, allow_nan=False) + "\n")
    sys.stdout.flush()
