using Bufferscope.Core.Buffers;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The workbench's request as the user builds it: the flags as bits, and the exporter to put them to.
///
/// The bits are kept closed under what pybuffer.h's composites imply, so every ticked box means
/// its whole flag and nothing is sent that the boxes do not show: ticking a composite
/// (C_CONTIGUOUS = 0x20 | STRIDES) sets every bit of it; unticking a flag clears its own bit and
/// every ticked flag that implies it (unticking ND unticks STRIDES, which no longer holds).
/// Whether the request makes sense is the exporter's to say: that is what the workbench shows.
/// </summary>
public sealed class RequestForm
{
    /// <summary>The fullest read-only request: an exporter that can answer it shows every field it has.</summary>
    public int Flags { get; private set; } = (int)RequestFlags.PyBUF_FULL_RO;

    public RequestTarget Target { get; set; } = RequestTarget.SelectedBuffer;
    public string Expression { get; set; } = "";

    /// <summary>"0x11c"</summary>
    public string Hex => $"0x{Flags:x}";

    /// <summary>As PEP 3118 names the value: "PyBUF_FULL_RO", or its parts, "PyBUF_C_CONTIGUOUS | PyBUF_FORMAT".</summary>
    public string Name => RequestFlagNames.Describe(Flags);

    /// <summary>The named request the bits are exactly, or null when they are a mix no name covers.</summary>
    public NamedRequest? Named => NamedRequest.All.FirstOrDefault(n => (int)n.Flags == Flags);

    /// <summary>Ticked: every bit of the flag is set (ND is ticked by STRIDES too, which includes it).</summary>
    public bool Has(RequestFlagChoice choice) => (Flags & (int)choice.Flag) == (int)choice.Flag;

    /// <summary>The ticked flags that include <paramref name="choice"/>: why it is ticked and cannot be alone unticked.</summary>
    public IReadOnlyList<RequestFlagChoice> ImpliedBy(RequestFlagChoice choice) =>
        [.. RequestFlagChoice.All.Where(c => c != choice && Has(c) && ((int)c.Flag & (int)choice.Flag) == (int)choice.Flag)];

    public void Set(RequestFlagChoice choice, bool ticked)
    {
        if (ticked)
        {
            Flags |= (int)choice.Flag;
            return;
        }
        var bits = Flags & ~choice.OwnBit;
        foreach (var wider in RequestFlagChoice.All)
            if (((int)wider.Flag & choice.OwnBit) != 0)
                bits &= ~wider.OwnBit;
        Flags = bits;
    }

    public void Choose(NamedRequest request) => Flags = (int)request.Flags;

    /// <summary>There is an exporter to ask: a selected buffer, or an expression typed.</summary>
    public bool CanAsk(long? selectedBufferId) =>
        Target == RequestTarget.SelectedBuffer ? selectedBufferId is not null : !string.IsNullOrWhiteSpace(Expression);

    public WorkbenchRequestDto ToRequest(long? selectedBufferId) => Target == RequestTarget.SelectedBuffer
        ? new WorkbenchRequestDto(selectedBufferId ?? throw new InvalidOperationException("no buffer is selected"), null, Flags)
        : new WorkbenchRequestDto(null, Expression.Trim(), Flags);
}
