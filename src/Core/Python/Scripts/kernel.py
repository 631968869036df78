"""A kernel's start: a crash in C code (a segfault in a user's extension) prints the Python
traceback of every thread to the kernel's stderr, which the server keeps and reports."""
import faulthandler
import signal
import sys

# faulthandler writes its report, then hands the signal to the handler it found. Here that was
# .NET's, which, reached from inside faulthandler's handler, cannot tell the fault's context and
# aborts ("*** stack smashing detected ***" and a second report under "Aborted"). With the
# default action found instead, the kernel ends on the signal faulthandler reported, once.
for _fatal in (signal.SIGSEGV, signal.SIGFPE, signal.SIGABRT, signal.SIGBUS, signal.SIGILL):
    signal.signal(_fatal, signal.SIG_DFL)
faulthandler.enable(file=sys.__stderr__, all_threads=True)
