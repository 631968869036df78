using System.Globalization;
using System.Text.Json;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Tests.Buffers;

/// <summary>
/// The one item codec against CPython's struct module, for every format the exporters accept
/// (every type code under every byte-order prefix it allows): what an item reads as, what it
/// counts as in a picture, what writing a value or its shown text back stores.
/// </summary>
public sealed class ItemCodecTests(CoreFixture fixture)
{
    /// <summary>Every format StructFormat.Parse accepts.</summary>
    public static TheoryData<string> Formats()
    {
        var data = new TheoryData<string>();
        foreach (var prefix in new[] { "" }.Concat(StructFormat.Prefixes.Select(p => p.ToString())))
            foreach (var code in StructFormat.Codes)
                if (!("nNP".Contains(code) && prefix is not ("" or "@")))
                    data.Add(prefix + code);
        return data;
    }

    /// <summary>Bytes that reach every branch: zero, all ones, each sign bit, NaN, infinities, subnormals, and seeded random ones.</summary>
    private static List<byte[]> Samples(StructFormat format)
    {
        var size = format.ItemSize;
        var samples = new List<byte[]> { new byte[size], Enumerable.Repeat((byte)0xff, size).ToArray() };
        for (var i = 0; i < size; i++)
        {
            var one = new byte[size]; one[i] = 0x80; samples.Add(one);
            var low = new byte[size]; low[i] = 0x01; samples.Add(low);
        }
        foreach (var special in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 0.1, 1e16, 1e15, 1e-4, 1e-5, 1.0 / 3, 65504, 2.5, 123456789.125 })
        {
            if (!format.IsFloat) break;
            var item = new byte[size];
            ItemCodec.Write(format, item, special);
            samples.Add(item);
        }
        var random = new Random(size * 131 + format.Code);
        for (var i = 0; i < 40; i++)
        {
            var item = new byte[size];
            random.NextBytes(item);
            samples.Add(item);
        }
        return samples;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Text_Number_AndParseOfTheText_MatchStruct(string text)
    {
        var format = StructFormat.Parse(text);
        var samples = Samples(format);
        var python = await StructAsync($"[case(f, h) for f, h in {Cases(text, samples)}]", """
            import struct
            def case(f, h):
                v = struct.unpack(f, bytes.fromhex(h))[0]
                shown = hex(v) if f[-1] == 'P' else repr(v)
                number = float(v[0] if isinstance(v, bytes) else v)
                return [shown, repr(number), None if number != number else struct.pack(f, v).hex()]
            """);
        for (var i = 0; i < samples.Count; i++)
        {
            var item = samples[i];
            var expected = python[i];
            var at = $"'{text}' bytes {Convert.ToHexString(item)}";
            Assert.True(expected[0].GetString() == ItemCodec.Text(format, item), $"{at}: struct shows {expected[0]}, the codec {ItemCodec.Text(format, item)}");
            Assert.True(expected[1].GetString() == ItemCodec.Repr(ItemCodec.Number(format, item)), $"{at}: as a number struct gives {expected[1]}, the codec {ItemCodec.Repr(ItemCodec.Number(format, item))}");
            if (expected[2].GetString() is not { } packed)
                continue; // a NaN's payload is not in its text: "nan" writes the canonical NaN
            var (bytes, error) = ItemCodec.Parse(format, ItemCodec.Text(format, item));
            Assert.True(error is null, $"{at}: the shown text {ItemCodec.Text(format, item)} does not parse back: {error}");
            Assert.True(packed == Convert.ToHexStringLower(bytes!), $"{at}: struct.pack of the value is {packed}, parsing its text stores {Convert.ToHexStringLower(bytes!)}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task WriteAndParse_OfValues_StoreWhatStructPacks_AndRefuseWhatItRefuses(string text)
    {
        var format = StructFormat.Parse(text);
        if (format.Code == 'c')
            return; // struct packs only bytes into 'c'; its parse is covered above
        double[] values = format.IsFloat
            ? [0, -0.0, 0.1, 1.0 / 3, 2.5, -7.75, 1e-8, 6e-8, 65504, 65519, 65520, 3.4028234663852886e38, 3.5e38, 1e300, 5e-324]
            : [0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, 65535, 65536, 2147483647, -2147483648, 4294967295, 4294967296, 9007199254740992, -9007199254740992];
        var literals = string.Join(", ", values.Select(v => format.IsFloat ? $"float.fromhex('{Hex(v)}')" : ((long)v).ToString(CultureInfo.InvariantCulture)));
        var python = await StructAsync($"[pack('{text}', v) for v in [{literals}]]", """
            import struct
            def pack(f, v):
                try:
                    return [struct.pack(f, v).hex(), repr(v)]
                except (struct.error, OverflowError):
                    return [None, repr(v)]
            """);
        for (var i = 0; i < values.Length; i++)
        {
            var packed = python[i][0].GetString();
            var shown = python[i][1].GetString()!;
            var written = new byte[format.ItemSize];
            ItemCodec.Write(format, written, values[i]);
            if (packed is not null) // the fills' writer wraps and casts as native struct does
                Assert.True(packed == Convert.ToHexStringLower(written), $"'{text}' {shown}: struct packs {packed}, write stores {Convert.ToHexStringLower(written)}");
            var (bytes, error) = ItemCodec.Parse(format, shown);
            if (packed is not null && Stricter(format, values[i]))
            {
                Assert.True(error is not null, $"'{text}': {shown} should be refused, stricter than struct");
                continue;
            }
            if (packed is null)
            {
                Assert.True(error is not null, $"'{text}': struct refuses {shown}, the codec stored {(bytes is null ? "" : Convert.ToHexString(bytes))}");
                continue;
            }
            Assert.True(error is null, $"'{text}': struct packs {shown}, the codec refused it: {error}");
            Assert.True(packed == Convert.ToHexStringLower(bytes!), $"'{text}' {shown}: struct packs {packed}, parse stores {Convert.ToHexStringLower(bytes!)}");
        }
    }

    [Fact]
    public void Parse_Refusals_SayWhatIsAllowed()
    {
        Assert.Contains("whole numbers from -128 to 127", ItemCodec.Parse(StructFormat.Parse("b"), "128").Error);
        Assert.Contains("whole numbers from 0 to 255", ItemCodec.Parse(StructFormat.Parse("B"), "-1").Error);
        Assert.Contains("floats look like", ItemCodec.Parse(StructFormat.Parse("d"), "one").Error);
        Assert.Contains("at most ±65504.0", ItemCodec.Parse(StructFormat.Parse("e"), "1e6").Error);
        Assert.Contains("True or False", ItemCodec.Parse(StructFormat.Parse("?"), "yes").Error);
        Assert.Contains("b'a'", ItemCodec.Parse(StructFormat.Parse("c"), "ab").Error);
    }

    /// <summary>
    /// Where the codec refuses on purpose what struct packs: a '?' typed as anything but
    /// True/False/1/0 (struct takes any truth value), a negative pointer (native 'P' takes one as a
    /// C cast), and a float too large for a native 'f', which struct turns into inf by a C cast
    /// (standard '&lt;f' refuses it, as the codec does in every mode).
    /// </summary>
    private static bool Stricter(StructFormat format, double value) => format.Code switch
    {
        '?' => value is not (0 or 1),
        'P' => value < 0,
        'f' => Math.Abs(value) > float.MaxValue && (float)value is float.PositiveInfinity or float.NegativeInfinity,
        _ => false,
    };

    private static string Cases(string format, List<byte[]> samples) =>
        "[" + string.Join(", ", samples.Select(s => $"('{format}', '{Convert.ToHexStringLower(s)}')")) + "]";

    /// <summary>A double as float.hex() reads it: exact, where a decimal literal might round.</summary>
    private static string Hex(double v)
    {
        if (v == 0) return double.IsNegative(v) ? "-0x0p+0" : "0x0p+0";
        var bits = BitConverter.DoubleToInt64Bits(v);
        var exponent = (int)((bits >> 52) & 0x7ff);
        var mantissa = bits & 0xfffffffffffffL;
        var sign = v < 0 ? "-" : "";
        return exponent == 0
            ? $"{sign}0x0.{mantissa:x13}p-1022"
            : $"{sign}0x1.{mantissa:x13}p{exponent - 1023:+0;-0}";
    }

    private async Task<JsonElement[][]> StructAsync(string expression, string helpers)
    {
        var s = await fixture.NewSessionAsync();
        try
        {
            await fixture.RunOkAsync(s, helpers);
            var result = await fixture.RunJsonAsync(s, $"import json\njson.dumps({expression})");
            return [.. result.EnumerateArray().Select(row => row.EnumerateArray().ToArray())];
        }
        finally { await fixture.Sessions.DeleteAsync(s); }
    }
}
