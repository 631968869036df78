"""A kernel's start: a crash in C code (a segfault in a user's extension) prints the Python
traceback of every thread to the kernel's stderr, which the server keeps and reports."""
import faulthandler
import sys

faulthandler.enable(file=sys.__stderr__, all_threads=True)
