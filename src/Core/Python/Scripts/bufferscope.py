"""bufferscope: make and inspect buffers whose memory .NET owns.

    >>> frame = bufferscope.MemBuf(shape=(480, 640), format="<d")
    >>> mv = memoryview(frame); frame.exports
    1

MemBuf itself is defined in C# (its buffer slots are C#); this module parses its arguments.
Types are checked here, values (format, shape, strides, sizes, limits) in C#, with the same rules
as the HTTP API.
"""
import json
import operator

# MemBuf is set on this module by the embedding before this source runs.

_I64 = (-(2**63), 2**63 - 1)


def _int(value, argument, what="an int"):
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"MemBuf() argument '{argument}' must be {what}, not {type(value).__name__}") from None
    if not _I64[0] <= number <= _I64[1]:
        raise ValueError(f"MemBuf() argument '{argument}': {number} is out of range (a 64-bit signed integer)")
    return number


def _ints(value, argument):
    if isinstance(value, (str, bytes)):
        raise TypeError(f"MemBuf() argument '{argument}' must be an int or a sequence of ints, not {type(value).__name__}")
    try:
        items = list(value)
    except TypeError:
        return [_int(value, argument, "an int or a sequence of ints")]
    return [_int(v, argument, "a sequence of ints") for v in items]


def _str(value, argument, allow_none=False):
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise TypeError(f"MemBuf() argument '{argument}' must be str{' or None' if allow_none else ''}, not {type(value).__name__}")
    return value


def _membuf_spec(shape=(480, 640), format="<d", order="C", strides=None, offset=0, readonly=False,
                 fill=None, data=None, seed=None, source="native", name=None, path=None, create=False):
    """MemBuf(...) arguments -> (spec as JSON, initial bytes or None)."""
    if not isinstance(readonly, (bool, int)):
        raise TypeError(f"MemBuf() argument 'readonly' must be bool, not {type(readonly).__name__}")
    if not isinstance(create, (bool, int)):
        raise TypeError(f"MemBuf() argument 'create' must be bool, not {type(create).__name__}")
    fill_spec = {}
    if fill is None:
        pass
    elif isinstance(fill, str):
        fill_spec["kind"] = fill
    else:
        try:
            fill_spec = {"kind": "pattern", "pattern": memoryview(fill).tobytes().hex()}
        except TypeError:
            raise TypeError(f"MemBuf() argument 'fill' must be str (zeros, ramp, random, keep) or a bytes-like pattern, not {type(fill).__name__}") from None
    if seed is not None:
        fill_spec["seed"] = _int(seed, "seed")
        fill_spec.setdefault("kind", "random")
    if data is not None:
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(f"MemBuf() argument 'data' must be bytes-like, not {type(data).__name__}") from None
        data = view.tobytes() if not isinstance(data, (bytes, bytearray)) else data
    source = _str(source, "source")
    name = _str(name, "name", allow_none=True)
    path = _str(path, "path", allow_none=True)
    spec = {
        "name": name,
        "format": _str(format, "format"),
        "shape": _ints(shape, "shape"),
        "order": _str(order, "order", allow_none=True),
        "strides": None if strides is None else _ints(strides, "strides"),
        "offset": _int(offset, "offset"),
        "readonly": bool(readonly),
        "fill": fill_spec or None,
        "source": {"kind": source, "path": path or (name if source == "mmap" else None), "name": name if source == "shm" else None,
                   "create": bool(create)},
    }
    return json.dumps(spec), data
