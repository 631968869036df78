using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Client;

/// <summary>What a feed update was: a snapshot (everything may have changed) or these events, in order.</summary>
public sealed record SessionChange(bool IsSnapshot, IReadOnlyList<HubEvent> Events);
