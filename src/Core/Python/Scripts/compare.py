"""How a check compares what a consumer gave, and where a layout's elements are: one source for
the check's kernel (checks.py imports it) and for the pytest reproductions `check --pytest`
writes, which include this file's text as it is, so both judge a case the same way. Standard
library only: the reproductions run where nothing of Bufferscope is installed.
"""
import re

MAX_TEXT = 300
MODULE_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def offsets(shape, strides, start):
    """Byte offset of every element, in C order."""
    at = [start]
    for extent, stride in zip(shape, strides):
        at = [o + i * stride for o in at for i in range(extent)]
    return at


def text(value):
    """repr, cut at MAX_TEXT; a repr that raises is named, not raised."""
    try:
        shown = repr(value)
    except BaseException as exc:  # noqa: B036 - a repr that raises must not end the check
        shown = f"<repr raised {type(exc).__name__}>"
    return shown if len(shown) <= MAX_TEXT else shown[:MAX_TEXT] + "..."


def freeze(value):
    """What the comparison sees: buffers as (type, format, shape, bytes), so no view is kept."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(freeze(v) for v in value)
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    try:
        view = memoryview(value)
    except TypeError:
        return value
    with view:
        return (type(value).__name__, view.format, view.shape, view.tobytes())


def same(a, b):
    """a == b, or the same repr: NaN == NaN, and objects whose == is identity."""
    try:
        if a == b:
            return True
    except Exception:  # noqa: BLE001 - an == that raises (numpy's ambiguous truth) falls to repr
        pass
    return text(a) == text(b)
