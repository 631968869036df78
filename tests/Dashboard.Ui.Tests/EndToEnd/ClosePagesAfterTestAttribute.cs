using System.Reflection;
using Xunit.v3;

[assembly: Bufferscope.Dashboard.Ui.Tests.EndToEnd.ClosePagesAfterTest]

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// Closes the browser contexts a test opened through <see cref="BrowserFixture"/> when it ends:
/// each page holds a circuit and its hub connection, and every page signs in as the same browser,
/// so pages left open by finished tests once used up that browser's 16 hub connections
/// (Bufferscope:Limits:MaxConnectionsPerClient) and the next page was refused.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ClosePagesAfterTestAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test) =>
        BrowserFixture.CloseContextsOf(test.UniqueID).GetAwaiter().GetResult();
}
