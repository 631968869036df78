using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The Python behind the views panel's buttons: each makes a common consumer of the buffer and
/// keeps it in <c>_views[name]</c> in the session's namespace, so the export stays live until
/// "release" drops them all. The code is shown to the user, so it reads like what they would type.
/// </summary>
public static class ConsumerSnippets
{
    /// <summary>A button: <paramref name="Made"/> is what it makes, as a sentence names it ("a ctypes array").</summary>
    public sealed record Consumer(string Key, string Label, string Made, string Explanation);

    public static readonly IReadOnlyList<Consumer> All =
    [
        new("memoryview", "memoryview", "a memoryview", "memoryview(buf): PyBUF_FULL_RO, the format, shape and strides as exported"),
        new("cast", "memoryview.cast", "a memoryview cast to bytes", "memoryview(buf).cast('B'): a second view of the first, one export"),
        new("frombuffer", "numpy.frombuffer", "a 1-D numpy array", "numpy.frombuffer(buf, dtype): a 1-D array; asks PyBUF_SIMPLE (or WRITABLE), so contiguous only"),
        new("reshape", "numpy reshape", "a reshaped numpy array", "numpy.frombuffer(buf, dtype).reshape(shape): the same export, seen N-D"),
        new("ctypes", "ctypes array", "a ctypes array", "(ctypes.c_ubyte * nbytes).from_buffer(buf): needs a writable, contiguous buffer"),
    ];

    /// <summary>What the views panel says after a button made a consumer; <paramref name="held"/> is how many the buttons now hold for the buffer.</summary>
    public static string MadeMessage(string consumer, string bufferName, long held) =>
        $"Made {Find(consumer).Made} of {bufferName}; these buttons hold {Plural.Count(held, "consumer")} of it.";

    private static Consumer Find(string key) => All.FirstOrDefault(c => c.Key == key)
        ?? throw new ArgumentException($"unknown consumer '{key}'; known: {string.Join(", ", All.Select(c => c.Key))}", nameof(key));

    public static string Make(string consumer, BufferDto buffer)
    {
        var name = buffer.Name;
        var keep = $"_views.setdefault({Quote(name)}, []).append(_v)";
        var code = consumer switch
        {
            "memoryview" => $"_v = memoryview({name})",
            "cast" => $"_v = memoryview({name}).cast('B')",
            "frombuffer" => $"import numpy\n_v = numpy.frombuffer({name}, dtype={Quote(NumpyDtype(buffer.Format))})",
            "reshape" => $"import numpy\n_v = numpy.frombuffer({name}, dtype={Quote(NumpyDtype(buffer.Format))}).reshape({BufferLayout.Show(buffer.Shape)})",
            "ctypes" => $"import ctypes\n_v = (ctypes.c_ubyte * {name}.nbytes).from_buffer({name})",
            _ => throw new ArgumentException($"unknown consumer '{consumer}'; known: {string.Join(", ", All.Select(c => c.Key))}", nameof(consumer)),
        };
        return $"{code}\n_views = globals().setdefault('_views', {{}})\n{keep}\ndel _v\nlen(_views[{Quote(name)}])";
    }

    /// <summary>Drops every consumer the buttons made for the buffer: memoryviews are released, the rest let go.</summary>
    public static string Release(BufferDto buffer) =>
        $"for _v in reversed(globals().get('_views', {{}}).pop({Quote(buffer.Name)}, [])):\n" +
        "    if isinstance(_v, memoryview):\n" +
        "        try: _v.release()\n" +
        "        except BufferError: pass  # a numpy array still uses it; letting go of both ends it\n" +
        "globals().pop('_v', None)";

    /// <summary>The numpy dtype with the struct format's exact size and byte order ('&lt;l' is 4 bytes in struct, 8 in numpy's 'l').</summary>
    public static string NumpyDtype(string format)
    {
        var f = StructFormat.Parse(format);
        var order = f.ByteOrder switch { '<' => "<", '>' or '!' => ">", _ => "=" };
        return f.Code switch
        {
            '?' => "?",
            'c' => "S1",
            'e' or 'f' or 'd' => $"{order}f{f.ItemSize}",
            _ => $"{order}{(f.IsSigned ? 'i' : 'u')}{f.ItemSize}",
        };
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
