namespace Bufferscope.Core.Tests;

/// <summary>Tests that read process-wide totals (memory budget, exporter count) run alone, so no other test moves them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "Exclusive";
}
