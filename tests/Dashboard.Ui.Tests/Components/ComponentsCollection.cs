namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>
/// Component tests run on their own, not beside the browser tests: bunit's waits block a test
/// thread while the panel's subscription starts on the thread pool, and on 2 cores busy with
/// chromium and the server that start was seen to take longer than the wait.
/// </summary>
[CollectionDefinition(nameof(ComponentsCollection), DisableParallelization = true)]
public sealed class ComponentsCollection;
