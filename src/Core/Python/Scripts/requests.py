"""The request workbench, in the kernel: what to ask, and CPython's reference exporter for the same layout.

The server's RequestWorkbench sends the request itself (PyObject_GetBuffer with exactly the
flags given, from C#); this module finds the object and makes the reference: a
_testbuffer.ndarray over memory of its own with the same format, shape, strides, offset and
read-only flag as the exporter's fullest answer, so the same request can be put to both.
"""
import json
import struct

from _bufferscope_runtime import type_name  # noqa: F401 (the workbench's exporter names: RequestWorkbench reads it here)

try:
    import _testbuffer
except ImportError:  # a build without the test modules
    _testbuffer = None


def resolve(namespace, text):
    """The object an expression names in the session, or the error Python raised for it."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expression is empty: give an expression in the session, e.g. 'a' or 'np.arange(6.0).reshape(2, 3)'")
    return eval(compile(text.strip(), "<request>", "eval"), namespace)


def reference_for(layout_json):
    """reference() for a layout as JSON {format, shape, strides, readonly}."""
    layout = json.loads(layout_json)
    return reference(layout["format"], layout["shape"], layout["strides"], layout["readonly"])


def reference(fmt, shape, strides, readonly):
    """(_testbuffer.ndarray with this layout, the call that makes it), or (None, why not)."""
    if _testbuffer is None:
        return None, "this interpreter has no _testbuffer module (CPython's test modules are not installed)"
    try:
        itemsize = struct.calcsize(fmt)
        zero = struct.unpack(fmt, bytes(itemsize))
    except struct.error as exc:
        return None, f"_testbuffer cannot make format {fmt!r}: {exc}"
    item = zero[0] if len(zero) == 1 else zero
    low = sum(min(0, (n - 1) * s) for n, s in zip(shape, strides) if n > 0)
    high = sum(max(0, (n - 1) * s) for n, s in zip(shape, strides) if n > 0)
    empty = any(n == 0 for n in shape)
    extent = 0 if empty else high - low + itemsize
    count = max(1, -(-extent // itemsize))
    flags = 0 if readonly else _testbuffer.ND_WRITABLE
    call = (f"_testbuffer.ndarray([{item!r}] * {count}, shape={list(shape)}, strides={list(strides)}, "
            f"offset={-low}, format={fmt!r}, flags={'0' if readonly else 'ND_WRITABLE'})")
    try:
        if not shape:
            made = _testbuffer.ndarray(item, shape=[], strides=[], format=fmt, flags=flags)
            call = f"_testbuffer.ndarray({item!r}, shape=[], format={fmt!r}, flags={'0' if readonly else 'ND_WRITABLE'})"
        else:
            made = _testbuffer.ndarray([item] * count, shape=list(shape), strides=list(strides), offset=-low,
                                       format=fmt, flags=flags)
    except (ValueError, TypeError, struct.error) as exc:
        return None, f"_testbuffer refused the layout: {exc}"
    return made, call
