using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Sessions;

/// <summary>
/// A running snippet's output on its way to watchers while it runs, as Jupyter streams a cell's
/// output: what console.py's capture keeps is handed here on the Python thread and published as
/// consoleOutput events, at most one per <see cref="Interval"/>, so a print loop costs a few
/// events a second rather than one per print, and a lone print shows within one interval. The
/// run's answer still carries all of it; these events only let a page show it before the end.
/// </summary>
internal sealed class ConsoleStream : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>The run now on the Python thread (one at a time): where the native sink writes.</summary>
    private static ConsoleStream? s_current;
    private static nint s_sink;

    private readonly EventFeed _feed;
    private readonly string _sessionId;
    private readonly long _cell;
    private readonly Lock _lock = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Timer _timer;
    private bool _scheduled;

    private ConsoleStream(EventFeed feed, string sessionId, long cell)
    {
        (_feed, _sessionId, _cell) = (feed, sessionId, cell);
        _timer = new Timer(_ => Flush());
    }

    /// <summary>The stream of the run <paramref name="cell"/> about to start on the Python thread.</summary>
    public static ConsoleStream Begin(EventFeed feed, string sessionId, long cell)
    {
        var stream = new ConsoleStream(feed, sessionId, cell);
        Volatile.Write(ref s_current, stream);
        return stream;
    }

    /// <summary>
    /// The builtin console.py calls with (name, text) for each write it keeps: a borrowed
    /// reference, made once. Python thread.
    /// </summary>
    public static unsafe nint Sink() =>
        s_sink != 0 ? s_sink : s_sink = NativeFunction.Create("stream_output", &Write, MethodFlags.METH_VARARGS);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Write(nint self, nint args)
    {
        try
        {
            if (Volatile.Read(ref s_current) is { } stream && Interop.PyTuple_Size(args) == 2)
                stream.Add(PyConvert.ToString(Interop.PyTuple_GetItem(args, 0)), PyConvert.ToString(Interop.PyTuple_GetItem(args, 1)));
        }
        catch (PythonException)
        {
            // Text that is no UTF-8 (a lone surrogate): the run's answer still has it, as Python kept it.
        }
        return Builtins.NewNone();
    }

    private void Add(string name, string text)
    {
        lock (_lock)
        {
            (name == "stderr" ? _stderr : _stdout).Append(text);
            if (_scheduled)
                return;
            _scheduled = true;
        }
        _timer.Change(Interval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Publishes what has come since the last; under the lock, so the timer's flush and the last one keep their order.</summary>
    private void Flush()
    {
        lock (_lock)
        {
            Publish("stdout", _stdout);
            Publish("stderr", _stderr);
            _scheduled = false;
        }
    }

    private void Publish(string name, StringBuilder text)
    {
        if (text.Length == 0)
            return;
        _feed.Publish(new BufferEvent(BufferEventKind.ConsoleOutput, _sessionId, null, null, null, CoarseClock.Now) { Output = new ConsoleOutput(_cell, name, text.ToString()) });
        text.Clear();
    }

    /// <summary>The run has ended: what is left goes out now, before its consoleRan.</summary>
    public void Dispose()
    {
        Interlocked.CompareExchange(ref s_current, null, this);
        _timer.Dispose();
        Flush();
    }
}
