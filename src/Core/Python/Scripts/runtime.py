"""Helpers the embedded runtime needs before anything else: error description, interrupts."""
import signal
import sys
import traceback

sys.argv = ["bufferscope"]


def describe_exception(exc):
    """(qualified type name, message, formatted traceback) of an exception object."""
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
    """SIGUSR1 raises KeyboardInterrupt, but only when .NET asked to stop the running snippet."""

    def on_sigusr1(signum, frame):
        if take_interrupt():
            raise KeyboardInterrupt("interrupted: the snippet ran past its time limit")

    signal.signal(signal.SIGUSR1, on_sigusr1)
