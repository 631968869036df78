"""Compares bufferscope.MemBuf with CPython's reference exporter, _testbuffer.ndarray, built on the
same bytes with the same layout: for every request flag combination (7 bases x WRITABLE x FORMAT)
through ndarray(exporter, getbuf=flags), and through memoryview. Returns the differences."""
import json
import struct
from _testbuffer import (ndarray, ND_WRITABLE, ND_FORTRAN, PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT,
                         PyBUF_ND, PyBUF_STRIDES, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS,
                         PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT)
import bufferscope

BASES = [PyBUF_SIMPLE, PyBUF_ND, PyBUF_STRIDES, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS,
         PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT]
FLAGS = [b | w | f for b in BASES for w in (0, PyBUF_WRITABLE) for f in (0, PyBUF_FORMAT)]
SHAPES = [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 2, 2)]
ORDERS = ["C", "F", "strided", "negative"]


def value(code, i):
    if code == "?":
        return i % 2 == 1
    if code == "c":
        return bytes([65 + i % 26])
    if code in "efd":
        return (i % 50) * 0.5
    return i % 100


def c_strides(shape, itemsize):
    strides, step = [], itemsize
    for extent in reversed(shape):
        strides.insert(0, step)
        step *= extent
    return strides


def layout(shape, itemsize, order):
    """(strides or None, offset, allocation in items, ndarray flags) for one case."""
    cs = c_strides(shape, itemsize)
    if order in ("C", "F") or not shape:
        strides, offset = None, 0
        reach = (max(1, 1 if 0 in shape else __import__("math").prod(shape))) * itemsize
    elif order == "strided":
        strides, offset = [s * 2 for s in cs], 0
        reach = (sum((n - 1) * s for n, s in zip(shape, strides)) + itemsize) if 0 not in shape else itemsize
    else:  # negative: the first dimension runs backwards from the end
        strides = [-cs[0]] + cs[1:]
        offset = (shape[0] - 1) * cs[0] if 0 not in shape else 0
        reach = (offset + sum((n - 1) * s for n, s in zip(shape[1:], strides[1:])) + itemsize) if 0 not in shape else itemsize
    return strides, offset, max(1, -(-reach // itemsize))


def facts(view):
    """What a consumer sees: ndarray and memoryview have the same attributes, tobytes and tolist."""
    out = {name: getattr(view, name) for name in ("format", "itemsize", "ndim", "shape", "strides", "suboffsets",
           "readonly", "nbytes", "c_contiguous", "f_contiguous", "contiguous")}
    out["tobytes"] = view.tobytes().hex()
    try:
        out["tolist"] = repr(view.tolist())
    except Exception as e:
        out["tolist"] = type(e).__name__
    return out


def through_getbuf(obj, flags):
    try:
        nd = ndarray(obj, getbuf=flags)
    except BufferError:
        return "BufferError"
    return facts(nd)


def through_memoryview(obj):
    try:
        m = memoryview(obj)
    except BufferError:
        return "BufferError"
    with m:
        return facts(m)


def compare(fmt):
    code = fmt[-1]
    itemsize = struct.calcsize(fmt)
    differences, cases, requests = [], 0, 0
    for shape in SHAPES:
        for order in ORDERS:
            if order == "F" and len(shape) < 2 or order in ("strided", "negative") and not shape:
                continue
            strides, offset, items = layout(shape, itemsize, order)
            values = [value(code, i) for i in range(items)]
            raw = b"".join(struct.pack(fmt, v) for v in values)
            for readonly in (False, True):
                cases += 1
                flags = (0 if readonly else ND_WRITABLE) | (ND_FORTRAN if order == "F" else 0)
                init = values[0] if not shape else values
                extra = {} if strides is None else {"strides": strides}
                ref = ndarray(init, shape=list(shape), offset=offset, format=fmt, flags=flags, **extra)
                ours = bufferscope.MemBuf(shape=shape, format=fmt, order="F" if order == "F" else "C",
                                          strides=strides, offset=offset, readonly=readonly, data=raw)
                case = f"{fmt} shape={shape} order={order} readonly={readonly}"
                for request in FLAGS:
                    requests += 1
                    a, b = through_getbuf(ours, request), through_getbuf(ref, request)
                    if a != b:
                        differences.append({"case": case, "flags": request, "ours": a, "reference": b})
                a, b = through_memoryview(ours), through_memoryview(ref)
                if a != b:
                    differences.append({"case": case, "flags": "memoryview", "ours": a, "reference": b})
                if ours.exports != 0:
                    differences.append({"case": case, "flags": "exports after release", "ours": ours.exports, "reference": 0})
                ours.free()
    return json.dumps({"cases": cases, "requests": requests, "differences": differences[:5],
                       "count": len(differences)}, default=repr)
