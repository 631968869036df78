"""The session console: runs a snippet in a namespace, like the interactive prompt does.

Statements run with exec; when the last statement is an expression its value is evaluated
separately, bound to `_` and returned as its repr. stdout and stderr are captured. Every
BaseException is caught and described: SystemExit must never reach the embedding (it would
call exit() and stop the server), and KeyboardInterrupt is how a time limit stops a run.
"""
import ast
import io
import linecache
import sys
import time

from _bufferscope_runtime import describe_exception

_MAX_REPR = 100_000


class _Capture(io.StringIO):
    """A text stream that keeps at most `limit` characters, so a print loop cannot eat the memory.

    What it keeps also goes to `sink(name, text)`, which streams it to watchers while the
    snippet runs (the run's answer has it all anyway).
    """

    def __init__(self, limit, name, sink):
        super().__init__()
        self._limit = limit
        self._name = name
        self._sink = sink
        self.truncated = False

    def write(self, s):
        room = self._limit - self.tell()
        if room <= 0:
            self.truncated = True
            return len(s)
        if len(s) > room:
            self.truncated = True
        kept = s[:room]
        super().write(kept)
        if kept and self._sink is not None:
            self._sink(self._name, kept)
        return len(s)


def run(code, namespace, filename, output_limit, sink=None):
    """Returns (ok, stdout, stderr, result repr or None, error tuple or None, duration ms)."""
    out, err = _Capture(output_limit, "stdout", sink), _Capture(output_limit, "stderr", sink)
    result = None
    error = None
    lines = code.splitlines(True)
    # Tracebacks and the export ledger show the snippet's own lines.
    linecache.cache[filename] = (len(code), None, lines, filename)
    saved = sys.stdout, sys.stderr
    started = time.perf_counter()
    try:
        tree = ast.parse(code, filename, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        sys.stdout, sys.stderr = out, err
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, filename, "eval"), namespace)
            if value is not None:
                namespace["_"] = value
                text = repr(value)
                result = text if len(text) <= _MAX_REPR else text[:_MAX_REPR] + "..."
    except BaseException as exc:  # noqa: B036 - SystemExit and KeyboardInterrupt included, on purpose
        # describe_exception leaves this runner's frame out: the traceback starts in the snippet.
        error = describe_exception(exc)
    finally:
        sys.stdout, sys.stderr = saved
    duration = (time.perf_counter() - started) * 1000.0
    stdout, stderr = out.getvalue(), err.getvalue()
    if out.truncated:
        stdout += f"\n[output truncated at {output_limit} characters]\n"
    if err.truncated:
        stderr += f"\n[output truncated at {output_limit} characters]\n"
    return error is None, stdout, stderr, result, error, duration
