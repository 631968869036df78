using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>
/// An owned (strong) reference to a Python object.
///
/// Ownership rules: <see cref="Steal"/> takes over a new reference the caller got from the C API;
/// <see cref="Borrow"/> increfs a borrowed one. Exactly one decref happens, when the handle is
/// disposed or finalised. Decref needs the GIL: on the Python thread it happens at once, on any
/// other thread (the finaliser, a request thread) it is queued to the Python thread. So no object
/// leaks, none is freed twice, and none is decref'd without the GIL.
/// </summary>
internal sealed class PyObjectHandle : SafeHandle
{
    private PyObjectHandle(nint pointer) : base(0, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == 0;

    /// <summary>The borrowed pointer, valid while this handle is alive.</summary>
    public nint Pointer => IsClosed ? throw new ObjectDisposedException(nameof(PyObjectHandle)) : handle;

    /// <summary>Takes ownership of a new reference; a NULL result turns the pending Python error into a <see cref="PythonException"/>.</summary>
    public static PyObjectHandle Steal(nint newReference) =>
        newReference == 0 ? throw PythonErrors.Fetch() : new PyObjectHandle(newReference);

    public static PyObjectHandle Borrow(nint borrowed)
    {
        if (borrowed == 0)
            throw PythonErrors.Fetch();
        Interop.Py_IncRef(borrowed);
        return new PyObjectHandle(borrowed);
    }

    /// <summary>Hands the reference to a C API call that steals it (PyTuple_SetItem...).</summary>
    public nint Detach()
    {
        var pointer = Pointer;
        SetHandleAsInvalid();
        return pointer;
    }

    protected override bool ReleaseHandle()
    {
        PythonRuntime.DecRef(handle);
        return true;
    }
}
