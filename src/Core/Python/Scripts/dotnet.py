"""`import clr`: pythonnet, the user's bridge to .NET, attached to this interpreter on first use.

pythonnet's runtime attaches to the interpreter already running here (DotnetBridge.cs says why
not its own embedding, and the traps). Attaching costs a few hundred milliseconds and some
memory, so it happens only when a snippet first imports clr: a kernel that never does loads
nothing of it. This module only puts a finder for the name `clr` on sys.meta_path.
"""
import sys

from _frozen_importlib import ModuleSpec  # importlib.machinery's, without importing the importlib package


class ClrLoader:
    """Loads `clr` by attaching pythonnet; the module is the one pythonnet made while attaching."""

    def __init__(self, attach):
        self._attach = attach

    def create_module(self, spec):
        # C#: attaches once (ImportError, naming why, if it cannot) and returns pythonnet's clr module.
        return self._attach()

    def exec_module(self, module):
        pass  # pythonnet filled the module in as it attached


class ClrFinder:
    """First on sys.meta_path, so a `clr` on sys.path (pip's pythonnet, which would start a second .NET) never loads."""

    def __init__(self, attach):
        self._loader = ClrLoader(attach)

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "clr":
            return None
        return ModuleSpec("clr", self._loader, origin="pythonnet")


def install(attach):
    sys.meta_path.insert(0, ClrFinder(attach))
