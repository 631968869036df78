"""Helpers the embedded runtime needs before anything else: error description, interrupts."""
import signal
import sys
import traceback

sys.argv = ["bufferscope"]


def is_ctypes_object(obj):
    """Whether obj is a ctypes array, structure, pointer or simple value (ctypes._CData is not exported by name)."""
    ctypes = sys.modules.get("ctypes")  # no ctypes object exists before ctypes is imported
    return ctypes is not None and isinstance(obj, ctypes._SimpleCData.__mro__[1])


def type_name(obj):
    """An object's type as the dashboard names it: numpy.ndarray, bytearray, bufferscope.MemBuf; a
    ctypes type by its own name (its module is merely where it was made: __main__.c_ubyte_Array_8)."""
    t = type(obj)
    if is_ctypes_object(obj):
        return f"ctypes {t.__name__}"
    module = t.__module__
    if module in ("builtins", None):
        # A C type named without its module (_testbuffer's "ndarray") says builtins: name the
        # module that holds it, by dict lookup (a module's __getattr__ would be user code).
        builtins = sys.modules["builtins"]
        if vars(builtins).get(t.__name__) is t:
            return t.__qualname__
        for name, held in list(sys.modules.items()):
            if held is not None and held is not builtins and type(vars(held)) is dict and vars(held).get(t.__name__) is t:
                return f"{name}.{t.__qualname__}"
        return t.__qualname__
    return f"{module}.{t.__qualname__}"


# Every script of ours is compiled with a file name like this one (PythonRuntime.LoadModule).
_OURS = "<bufferscope:"


def _drop_our_frames(exc):
    """Takes the frames of our own scripts out of exc's traceback and those of the exceptions it
    chains to: the SIGUSR1 handler that raised an interrupt, the console runner that exec'd the
    snippet. A user's traceback shows their code and the libraries they called, not the machinery."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        kept = []
        tb = exc.__traceback__
        while tb is not None:
            if not tb.tb_frame.f_code.co_filename.startswith(_OURS):
                kept.append(tb)
            tb = tb.tb_next
        # Relink what is kept: tb_next is writable (3.7+), and only ever points further down here.
        for outer, inner in zip(kept, kept[1:]):
            outer.tb_next = inner
        if kept:
            kept[-1].tb_next = None
        exc.__traceback__ = kept[0] if kept else None
        _drop_our_frames(exc.__cause__)
        exc = exc.__context__


def describe_exception(exc):
    """(qualified type name, message, formatted traceback) of an exception object."""
    try:
        _drop_our_frames(exc)
    except Exception:  # a traceback someone made odd must not hide the error itself
        pass
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"
    try:
        text = "".join(traceback.format_exception(exc))
    except Exception:  # a broken __str__ or traceback must not hide the error itself
        text = ""
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable>"
    return name, message, text


def install_interrupt_handler(take_interrupt):
    """SIGUSR1 raises KeyboardInterrupt, but only when .NET asked to stop the running snippet;
    take_interrupt() gives the message that says why (asked for, or the time limit), or None
    when the signal is not for the run in progress."""

    def on_sigusr1(signum, frame):
        message = take_interrupt()
        if message is not None:
            raise KeyboardInterrupt(message)

    signal.signal(signal.SIGUSR1, on_sigusr1)
