using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Puts the workbench's request to the server and keeps what came back: the answer (an exporter's
/// refusal is an answer too), or why the server could not put it (its ProblemDetails' detail:
/// an expression that raised, a buffer freed meanwhile). One request at a time; not thread-safe:
/// the panel calls it on its renderer.
/// </summary>
public sealed class RequestAsker(IBufferscopeClient client, string sessionId)
{
    public string SessionId { get; } = sessionId;
    public bool Busy { get; private set; }
    public RequestAnswer? Answer { get; private set; }
    /// <summary>What the answer is of, as the form named it then ("frame (#3)", "np.arange(6.0)"): the selection can have moved since.</summary>
    public string? AskedOf { get; private set; }
    /// <summary>The server's explanation of a request it could not put; null after an answer.</summary>
    public string? Error { get; private set; }

    public void DismissError() => Error = null;

    public async Task AskAsync(WorkbenchRequestDto request, string askedOf)
    {
        if (Busy)
            return;
        Busy = true;
        Error = null;
        try
        {
            Answer = await client.AskRequestAsync(SessionId, request);
            AskedOf = askedOf;
        }
        catch (BufferscopeApiException e)
        {
            // The last answer was to another request: shown beside this error it would read as this one's.
            Answer = null;
            AskedOf = null;
            Error = e.Message;
        }
        finally { Busy = false; }
    }
}
