"""Consumer checks, in the kernel: hand a consumer one case's buffer and judge what it did.

The server makes the cases (layouts) and shrinks the failures; this module runs one case at a
time and answers with one kind (see _judge). A case's buffer is a MemBuf over memory of its own:
GUARD bytes of a pattern before and after the bytes the layout needs, and the same pattern in
every byte no element covers, so a write outside the elements shows, and a read of one gives a
value the consumer could not have got from the elements. Element k (in C order) holds value k of
its format (_values): small integers, exact in every float format, so a sum in any order is exact
and two results can be compared with ==.

The oracle is the reference callable or, by default, the target itself on a C-contiguous copy of
the same values: a consumer that handles a layout right gives the same answer on both.
"""
import gc
import importlib
import json
import struct
import sys

from _bufferscope_compare import MAX_TEXT as _MAX_TEXT, MODULE_TARGET as _MODULE_TARGET
from _bufferscope_compare import freeze as _freeze, offsets as _offsets, same as _same, text as _text

# case_buffer(layout_json, data) and case_memory(membuf) are set on this module by the embedding
# before this source runs (Checks/CaseBuffers.cs): a MemBuf no session lists, and its bytes.

GUARD = 16
PATTERN = 0xA5
_REFUSALS = (BufferError, TypeError, ValueError)

_target = None
_reference = None
_factory = False


def resolve(namespace, text, what="target", need_callable=True):
    """'module:function' (imported) or an expression in the session; a callable, or TypeError/NameError saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{what} is empty: give 'module:function' or an expression naming a callable, e.g. 'numpy.sum'")
    text = text.strip()
    if _MODULE_TARGET.match(text):
        module_name, _, attribute = text.partition(":")
        value = importlib.import_module(module_name)
        for part in attribute.split("."):
            value = getattr(value, part)
    else:
        value = eval(compile(text, f"<{what}>", "eval"), namespace)
    if need_callable and not callable(value):
        raise TypeError(f"{what} {text!r} is {type(value).__name__}, not a callable: name a function that takes one buffer")
    return value


def _exports(value):
    try:
        memoryview(value).release()
        return True
    except TypeError:
        return False


def prepare(namespace, target, reference, mode="consumer"):
    """Resolves the target (and reference) once per kernel: JSON {parameter, message} saying what is wrong, or {repr}.

    An exporter target is an object that exports a buffer, or a factory (a callable taking no
    arguments) that makes one: then each request gets a fresh object (_factory).
    """
    global _target, _reference, _factory
    exporter = mode == "exporter"
    for parameter, text in (("target", target), ("reference", reference)):
        if parameter == "reference" and (not text or exporter):
            _reference = None
            continue
        try:
            value = resolve(namespace, text, parameter, need_callable=not exporter)
            if exporter:
                _factory = not _exports(value)
                if _factory and not callable(value):
                    raise TypeError(f"{type(value).__name__} does not export a buffer and is not a factory: name an object with the buffer protocol (a numpy array, a bytearray...) or a callable that makes one")
                if _factory and not _exports(value()):
                    raise TypeError("the factory's object does not export a buffer")
        except Exception as exc:  # noqa: BLE001 - whatever naming it raised is the answer
            return json.dumps({"parameter": parameter, "message": f"{parameter} {text!r}: {type(exc).__name__}: {exc}"})
        if parameter == "target":
            _target = value
        else:
            _reference = value
    return json.dumps({"repr": _text(_target)})


def _values(code, count):
    """Value k of a format's item, for k in range(count): distinct where the format allows."""
    if code == "?":
        return [k % 2 == 1 for k in range(count)]
    if code == "c":
        return [bytes((65 + k % 26,)) for k in range(count)]
    if code == "e":
        return [float(k % 16) for k in range(count)]  # half floats: sums stay exact
    if code in "fd":
        return [float(k) for k in range(count)]
    if code in "bhilqn":
        return [k % 100 - 7 for k in range(count)]
    if code == "B":
        return [k % 251 for k in range(count)]
    return [k for k in range(count)]  # H I L Q N P


def _call(function, buffer):
    """(True, frozen result) or (False, (exception type, its text)): no traceback is kept, since its
    frames would hold the consumer's locals, views of the buffer among them."""
    try:
        return True, _freeze(function(buffer))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: B036 - SystemExit from the consumer is a result too
        return False, (type(exc), f"{type(exc).__name__}: {_text(exc)}")


def _describe(outcome):
    ok, value = outcome
    return _text(value) if ok else value[1]


def _where(position, start, first, last, itemsize):
    relative = position - start
    if position < first:
        return f"buf{relative:+d}, before the first element"
    if position >= last + itemsize:
        return f"buf{relative:+d}, after the last element"
    return f"buf{relative:+d}, between elements"


def _index(k, shape):
    """The C-order index of the k-th element, as a tuple."""
    index = []
    for extent in reversed(shape):
        k, i = divmod(k, extent)
        index.append(i)
    return tuple(reversed(index))


def run_case(case_json):
    """One case: {format, shape, strides, offset, readonly, size} -> JSON {kind, expected, got, detail, data}."""
    case = json.loads(case_json)
    fmt, shape, strides, offset = case["format"], case["shape"], case["strides"], case["offset"]
    readonly, size = case["readonly"], case["size"]
    code = fmt[-1]
    itemsize = struct.calcsize(fmt)
    offsets = _offsets(shape, strides, offset)
    count = len(offsets)
    packed = struct.pack(f"{fmt[:-1]}{count}{code}", *_values(code, count))
    memory = bytearray((PATTERN,)) * (GUARD + size + GUARD)
    for k, at in enumerate(offsets):
        memory[GUARD + at:GUARD + at + itemsize] = packed[k * itemsize:(k + 1) * itemsize]
    before = bytes(memory)
    if case.get("dataOnly"):
        return json.dumps({"kind": "passed", "expected": None, "got": None, "detail": None, "data": before[GUARD:GUARD + size].hex()})
    buffer = case_buffer(json.dumps({"format": fmt, "shape": shape, "strides": strides, "offset": GUARD + offset,
                                     "readonly": readonly}), before)
    # The copy has guards too: a consumer that writes past the end must not reach the kernel's heap through it.
    guard = bytes((PATTERN,)) * GUARD
    copy = case_buffer(json.dumps({"format": fmt, "shape": shape, "strides": None, "offset": GUARD, "readonly": readonly}),
                       guard + packed + guard)
    refs = sys.getrefcount(buffer)

    got = _call(_target, buffer)
    expected = _call(_reference or _target, copy)
    result = (_memory_finding(case, buffer, before, offsets, itemsize, got, expected)
              or _compare(case, buffer, copy, offsets, itemsize, got, expected))
    got = expected = None  # the results' references go before exports are counted
    leak = _leak_finding(buffer, refs)
    if leak is not None and (result is None or result["kind"] in ("wrong", "refused")):
        result = leak
    result = result or {"kind": "passed", "expected": None, "got": None, "detail": None}
    result["data"] = None if result["kind"] == "passed" else before[GUARD:GUARD + size].hex()
    for b in (buffer, copy):
        if b.exports == 0:
            b.free()  # now, not at some later collection: a check makes thousands
    return json.dumps(result)


def _memory_finding(case, buffer, before, offsets, itemsize, got, expected):
    after = case_memory(buffer)
    if after == before:
        return None
    start = GUARD + case["offset"]
    outside = bytearray(after)
    for at in offsets:
        outside[GUARD + at:GUARD + at + itemsize] = before[GUARD + at:GUARD + at + itemsize]
    changed = [i for i in range(len(before)) if outside[i] != before[i]]
    if changed:
        first = GUARD + min(offsets, default=case["offset"])
        last = GUARD + max(offsets, default=case["offset"])
        return _finding("oob-write", got, expected,
                        f"changed {len(changed)} byte(s) no element covers; the first at "
                        f"{_where(changed[0], start, first, last, itemsize)} "
                        f"(0x{before[changed[0]]:02x} -> 0x{after[changed[0]]:02x})")
    if case["readonly"]:
        at = next(i for i in range(len(before)) if after[i] != before[i])
        return _finding("readonly-write", got, expected,
                        f"wrote into a read-only buffer: the byte at buf{at - start:+d} changed "
                        f"(0x{before[at]:02x} -> 0x{after[at]:02x})")
    return None


def _compare(case, buffer, copy, offsets, itemsize, got, expected):
    (got_ok, got_value), (expected_ok, expected_value) = got, expected
    if not got_ok:
        refusal = issubclass(got_value[0], _REFUSALS)
        if not expected_ok and got_value[0] is expected_value[0] and not refusal:
            return None  # raised the same way on both: consistent
        if refusal:
            return _finding("refused", got, expected, "refusing a buffer is allowed; counted apart")
        return _finding("wrong", got, expected, "raised on this layout, not on its C-contiguous copy")
    if not expected_ok:
        return _finding("wrong", got, expected, "the oracle raised on the C-contiguous copy; the target did not")
    if not _same(got_value, expected_value):
        return _finding("wrong", got, expected, "the result differs from the one on a C-contiguous copy of the same values")
    if not case["readonly"]:
        # Writes through the layout must land where the same writes land on the copy.
        after = case_memory(buffer)
        elements = b"".join(after[GUARD + at:GUARD + at + itemsize] for at in offsets)
        written = case_memory(copy)[GUARD:GUARD + len(elements)]
        if elements != written:
            k = next(i for i in range(0, len(written), itemsize) if elements[i:i + itemsize] != written[i:i + itemsize]) // itemsize
            return _finding("wrong", (True, elements[k * itemsize:(k + 1) * itemsize]), (True, written[k * itemsize:(k + 1) * itemsize]),
                            f"after the call, element {list(_index(k, case['shape']))} holds other bytes than on the C-contiguous copy")
    return None


def _leak_finding(buffer, refs):
    """refs is the count run_case saw; here this frame's argument holds one more."""
    def _refs():
        return sys.getrefcount(buffer) - 1

    if buffer.exports or _refs() != refs:
        gc.collect()  # a view in a reference cycle is garbage, not a leak
    if buffer.exports:
        held = "; ".join(str(v.get("origin") or "unknown origin") for v in buffer.views)[:_MAX_TEXT]
        return _finding("leaked-export", None, None,
                        f"{buffer.exports} export(s) still live after the call returned (acquired at {held})")
    if _refs() != refs:
        return _finding("leaked-export", None, None,
                        f"the exporter's reference count is {_refs() - refs:+d} after the call: the consumer kept the buffer object")
    return None


def _finding(kind, got, expected, detail):
    return {
        "kind": kind,
        "expected": None if expected is None else _describe(expected),
        "got": None if got is None else _describe(got),
        "detail": detail,
    }
