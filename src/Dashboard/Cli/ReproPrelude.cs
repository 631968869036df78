namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// The Python every pytest reproduction file starts with: how a case's buffer is made where
/// bufferscope is not (ctypes over a bytearray: the exact format, shape, strides, offset and
/// read-only flag, which no memoryview.cast() or numpy array gives for every layout), and the
/// judgments of the check's kernel, one per kind. The comparison of results is compare.py's own
/// text, included as it is; the guard pattern and the refusals are checks.py's, copied, since the
/// file must run with nothing of ours installed: a change to how checks.py judges a case belongs here too.
/// </summary>
public static class ReproPrelude
{
    /// <summary>The prelude: compare.py as it is, then the case's buffer and the judgments.</summary>
    public static string Code { get; } = Core.Checks.CompareScript.Source.TrimEnd() + "\n\n\n" + Cases;

    private const string Cases = """"
        # The comparison above is compare.py's, the check kernel's own, under the names used here.
        _MAX_TEXT, _MODULE_TARGET = MAX_TEXT, MODULE_TARGET
        _freeze, _offsets, _same, _text = freeze, offsets, same, text

        import ctypes
        import faulthandler
        import gc
        import importlib
        import os
        import re
        import struct
        import sys

        # As the check's kernel lays a case out (checks.py): _GUARD bytes of _PATTERN before and after the
        # memory, and _PATTERN in every byte no element covers, so a write outside the elements shows.
        _GUARD = 16
        _PATTERN = 0xA5
        _REFUSALS = (BufferError, TypeError, ValueError)  # refusing a buffer is allowed
        # Every case's memory and layout arrays, for as long as the tests run: a view that the code
        # under test kept must never point at freed memory.
        _KEEP = []


        class _PyBuffer(ctypes.Structure):
            """CPython's Py_buffer, unchanged since 3.3 (and in the limited API since 3.11)."""
            _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                        ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                        ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                        ("strides", ctypes.POINTER(ctypes.c_ssize_t)), ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
                        ("internal", ctypes.c_void_p)]


        _memoryview_from_buffer = ctypes.pythonapi.PyMemoryView_FromBuffer
        _memoryview_from_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
        _memoryview_from_buffer.restype = ctypes.py_object


        if sys.version_info >= (3, 12):
            class _Exporter:
                """Exports one memoryview and counts its exports (PEP 688), as the check's MemBuf does."""

                def __init__(self, view):
                    self._view = view
                    self.exports = 0

                def __buffer__(self, flags):
                    self.exports += 1
                    return self._view

                def __release_buffer__(self, view):
                    self.exports -= 1
        else:
            # Before 3.12 a class cannot export: the target gets the memoryview itself, and its exports are
            # counted where CPython keeps them (memoryobject.h, the same from 3.3 to 3.11): the views made
            # of it (numpy's asarray makes one) on its managed buffer, and its own re-exports.
            _Exporter = None

            class _ManagedBuffer(ctypes.Structure):
                _fields_ = [("ob_refcnt", ctypes.c_ssize_t), ("ob_type", ctypes.c_void_p), ("flags", ctypes.c_int),
                            ("exports", ctypes.c_ssize_t)]

            class _MemoryView(ctypes.Structure):
                _fields_ = [("ob_refcnt", ctypes.c_ssize_t), ("ob_type", ctypes.c_void_p), ("ob_size", ctypes.c_ssize_t),
                            ("mbuf", ctypes.POINTER(_ManagedBuffer)), ("hash", ctypes.c_ssize_t), ("flags", ctypes.c_int),
                            ("exports", ctypes.c_ssize_t)]


        class _Case:
            """One case's buffer: exactly its format, shape, strides (bytes, maybe negative), offset of
            item [0, ..., 0], read-only flag and bytes (hex, the memory the layout spans)."""

            def __init__(self, format, shape, strides, offset, readonly, data):
                self.format, self.shape, self.strides, self.readonly = format, tuple(shape), tuple(strides), readonly
                self.itemsize = struct.calcsize(format)
                self.start = _GUARD + offset
                self.offsets = _offsets(self.shape, self.strides, self.start)
                memory = bytearray.fromhex(data or "")
                needed = max((at - _GUARD + self.itemsize for at in self.offsets), default=0)
                memory += bytes(max(0, needed - len(memory)))  # no data: zeros, as a new MemBuf holds
                self.memory = bytearray((_PATTERN,)) * _GUARD + memory + bytearray((_PATTERN,)) * _GUARD
                self.view = _view(self.memory, format, self.shape, self.strides, self.start, readonly)
                self.buffer = self.view if _Exporter is None else _Exporter(self.view)

            def elements(self):
                """The elements' bytes, in C order."""
                return self.view.tobytes()

            def c_copy(self):
                """The same values, C-contiguous and at offset 0: what the oracle is called on."""
                strides, step = [], self.itemsize
                for extent in reversed(self.shape):
                    strides.insert(0, step)
                    step *= max(extent, 1)
                return _Case(self.format, self.shape, strides, 0, self.readonly, self.elements().hex())

            def written_outside(self, before):
                """Where bytes no element covers differ from before, relative to item [0, ..., 0]."""
                covered = set()
                for at in self.offsets:
                    covered.update(range(at, at + self.itemsize))
                return [i - self.start for i in range(len(before)) if i not in covered and self.memory[i] != before[i]]

            def exports(self):
                """Exports of the buffer now (before 3.12 the case's own view counts as one)."""
                if _Exporter is not None:
                    return self.buffer.exports
                view = _MemoryView.from_address(id(self.view))
                return view.mbuf.contents.exports + view.exports


        def _view(memory, format, shape, strides, start, readonly):
            """A memoryview of memory with exactly this layout. memoryview.cast() makes C-contiguous views
            only and numpy renames some formats ('<i', '=l'), so the view is described to CPython directly."""
            count = 1
            for extent in shape:
                count *= extent
            base = (ctypes.c_char * len(memory)).from_buffer(memory)
            text = ctypes.create_string_buffer(format.encode("ascii"))
            ndim = len(shape)
            shape_array = (ctypes.c_ssize_t * max(ndim, 1))(*shape)
            strides_array = (ctypes.c_ssize_t * max(ndim, 1))(*strides)
            _KEEP.append((base, text, shape_array, strides_array))
            itemsize = struct.calcsize(format)
            info = _PyBuffer(buf=ctypes.addressof(base) + start, obj=None, len=count * itemsize, itemsize=itemsize,
                             readonly=int(readonly), ndim=ndim, format=ctypes.cast(text, ctypes.c_char_p),
                             shape=shape_array if ndim else None, strides=strides_array if ndim else None)
            return _memoryview_from_buffer(ctypes.byref(info))


        def _resolve(text):
            """'module:function' (imported) or an expression in this file's namespace, as the check resolved it."""
            if _MODULE_TARGET.match(text):
                module_name, _, attribute = text.partition(":")
                value = importlib.import_module(module_name)
                for part in attribute.split("."):
                    value = getattr(value, part)
                return value
            return eval(compile(text, "<target>", "eval"), globals())


        def _outcome(function, buffer):
            """(True, the result as compared) or (False, the exception)."""
            try:
                return True, _freeze(function(buffer))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: B036 - SystemExit from the code under test is a result too
                return False, exc


        def _assert_same_as_copy(case, target, oracle):
            """wrong: the target on this layout must give what the oracle gives on a C-contiguous copy of
            the same values, and leave the elements as the same call leaves the copy's."""
            copy = case.c_copy()
            got_ok, got = _outcome(target, case.buffer)
            expected_ok, expected = _outcome(oracle, copy.buffer)
            if not got_ok:
                if isinstance(got, _REFUSALS):
                    return  # a refusal is allowed
                if not expected_ok and type(got) is type(expected):
                    return  # raised the same way on both: consistent
                raise AssertionError("raised on this layout, not on its C-contiguous copy") from got
            if not expected_ok:
                raise AssertionError(f"the oracle raised on the C-contiguous copy; the target returned {_text(got)}") from expected
            assert _same(got, expected), (f"the result differs from the one on a C-contiguous copy of the same values\n"
                                          f"  got:      {_text(got)}\n  expected: {_text(expected)}")
            if not case.readonly:
                assert case.elements() == copy.elements(), "after the call the elements hold other bytes than the C-contiguous copy's"


        def _assert_no_write_outside(case, target):
            """oob-write: no byte outside the elements may change."""
            before = bytes(case.memory)
            _outcome(target, case.buffer)
            changed = case.written_outside(before)
            assert not changed, f"changed {len(changed)} byte(s) no element covers; the first at buf{changed[0]:+d}"


        def _assert_read_only_untouched(case, target):
            """readonly-write: no byte of a read-only buffer may change."""
            before = bytes(case.memory)
            _outcome(target, case.buffer)
            changed = [i - case.start for i in range(len(before)) if case.memory[i] != before[i]]
            assert not changed, f"wrote into a read-only buffer: the byte at buf{changed[0]:+d} changed"


        def _assert_no_leak(case, target):
            """leaked-export: once the call has returned, no export may be live and nothing may keep the buffer."""
            exports, refs = case.exports(), sys.getrefcount(case.buffer)
            result = _outcome(target, case.buffer)
            del result  # an exception's traceback holds the call's frames, the buffer among their locals
            gc.collect()  # a view in a reference cycle is garbage, not a leak
            live = case.exports() - exports
            assert live == 0, f"{live} export(s) still live after the call returned"
            kept = sys.getrefcount(case.buffer) - refs
            assert kept == 0, f"the buffer's reference count is {kept:+d} after the call: the code under test kept it"


        def _call_within(seconds, target, buffer):
            """hang: the call must return; past the time this process is ended, with every thread's traceback."""
            faulthandler.dump_traceback_later(seconds, exit=True)
            try:
                target(buffer)
            finally:
                faulthandler.cancel_dump_traceback_later()
        """";
}
