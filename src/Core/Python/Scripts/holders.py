"""Who holds each live view of a MemBuf, for the views panel: "numpy.ndarray a", "memoryview mv".

The ledger knows where each view's Py_buffer is (the address the exporter filled). Most consumers
keep it inside a managed buffer (memoryview's _PyManagedBufferObject, whose `master` field it
is): memoryview itself, numpy.frombuffer and ctypes' from_buffer all do, the last two keeping a
memoryview (an array's base, a ctypes object's _objects). Otherwise the Py_buffer lies inside
another object (a C extension's), found by its address, or in C memory no Python object owns (a
C function's stack, during its call).

Holders are looked for among what the session can reach (its namespace, and lists, tuples and
dicts in it, two deep): numpy arrays are not tracked by the collector, so the collector cannot
say what refers to a memoryview; then among the objects the collector tracks. No user code runs:
only identity, C-level traversal (gc.get_referents) and two known types' own fields.
"""
import ctypes
import gc
import json
import sys
import types

from _bufferscope_runtime import is_ctypes_object, type_name

# offsetof(_PyManagedBufferObject, master): PyObject_HEAD (16), int flags (4, padded to 8), Py_ssize_t exports (8). 3.11-3.13.
_MASTER = 32
_MANAGED = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyManagedBuffer_Type"))
_CONTAINERS = (dict, list, tuple)  # exactly these types: a subclass's own items() or __iter__ would be user code
_SKIP = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)


def _mapped():
    """The readable address ranges of this process."""
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, perms = line.split()[:2]
            if perms.startswith("r"):
                start, end = (int(x, 16) for x in span.split("-"))
                ranges.append((start, end))
    return ranges


def _managed(address, ranges):
    """The managed buffer whose master Py_buffer is at address, or None."""
    start = address - _MASTER
    if not any(lo <= start and address <= hi for lo, hi in ranges):
        return None
    if ctypes.c_void_p.from_address(start + 8).value != _MANAGED:
        return None
    return ctypes.cast(start, ctypes.py_object).value


def _reachable(namespace):
    """(path, object) for what the session reaches: its names, and items of containers in them, two deep."""
    found = []
    seen = set()
    for name, value in list(dict.items(namespace)):
        if type(name) is str and not name.startswith("__"):
            _walk(name, value, 0, found, seen)
    return found


def _walk(path, obj, depth, found, seen):
    # A module-level function, not a closure: a recursive closure is a reference cycle, which
    # kept `found` (and so every holder in it, and their exports) alive until the next collection.
    if id(obj) in seen or isinstance(obj, _SKIP):
        return
    seen.add(id(obj))
    if type(obj) in _CONTAINERS:
        if depth < 2:
            items = dict.items(obj) if type(obj) is dict else enumerate(obj)
            for key, value in list(items)[:1000]:
                # Only keys whose repr runs no user code name a path.
                if type(key) in (str, int):
                    _walk(f"{path}[{key!r}]", value, depth + 1, found, seen)
        return
    found.append((path, obj))


def _keeps(obj, view):
    """Whether obj keeps the memoryview: it is it, numpy's base, a ctypes object's _objects, or a C-level reference."""
    if obj is view:
        return True
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(obj, numpy.ndarray):
        # numpy collapses a view's base to the first array that owns data or whose base is not an
        # array: a reshape of frombuffer's array has that array as base, and it the memoryview.
        base = obj.base
        while isinstance(base, numpy.ndarray):
            base = base.base
        return base is view
    if is_ctypes_object(obj):
        kept = obj._objects
        return isinstance(kept, dict) and any(v is view for v in kept.values())
    return any(r is view for r in gc.get_referents(obj))


def _holder(path, obj, via):
    return {"type": type_name(obj), "name": path, "via": via}


def _holders_of(address, reachable, ranges):
    managed = _managed(address, ranges)
    if managed is not None:
        views = [o for o in gc.get_referrers(managed) if type(o) is memoryview]
        held = [_holder(path, obj, None if obj is view else "memoryview")
                for view in views for path, obj in reachable if _keeps(obj, view)]
        if held:
            return held
        # Kept by nothing the session reaches: by what the collector tracks, or by no one yet.
        for view in views:
            for referrer in gc.get_referrers(view):
                if not isinstance(referrer, (types.FrameType, list, dict, memoryview)):
                    held.append(_holder(None, referrer, "memoryview"))
        return held or [{"type": "memoryview", "name": None, "via": None}]
    for path, obj in reachable:
        if _contains(obj, address):
            return [_holder(path, obj, None)]
    for obj in gc.get_objects():
        if _contains(obj, address):
            return [_holder(None, obj, None)]
    return [{"type": "C code", "name": None, "via": None}]


def _contains(obj, address):
    """Whether address lies in obj's fixed part, where a C type keeps its fields (tp_basicsize: no __sizeof__, which is user code)."""
    return id(obj) <= address < id(obj) + type(obj).__basicsize__


def holders(namespace, views_json):
    """[[view id, Py_buffer address], ...] -> JSON [{"view", "holders": [{"type", "name", "via"}]}]."""
    ranges = _mapped()
    try:
        reachable = _reachable(namespace)
    except Exception:  # a namespace that will not be walked: holders are then looked for among tracked objects only
        reachable = []
    answer = []
    for view_id, address in json.loads(views_json):
        try:
            held = _holders_of(address, reachable, ranges)
        except Exception as e:  # an object that will not be looked at: say so for this view, the others still answer
            held = [{"type": f"unknown ({type(e).__name__} while looking)", "name": None, "via": None}]
        answer.append({"view": view_id, "holders": held})
    return json.dumps(answer)
