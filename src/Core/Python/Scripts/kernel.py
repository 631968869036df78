"""A kernel's start: a crash in C code (a segfault in a user's extension) prints the Python
traceback of every thread to the kernel's stderr, which the server keeps and reports. The kernel
routes SIGSEGV and SIGFPE between faulthandler and .NET around this (Native/FaultRouter.cs)."""
import faulthandler
import sys

faulthandler.enable(file=sys.__stderr__, all_threads=True)
