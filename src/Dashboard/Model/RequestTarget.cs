namespace Bufferscope.Dashboard.Model;

/// <summary>The exporter a workbench request is put to: the page's selected buffer, or what an expression in the session evaluates to.</summary>
public enum RequestTarget
{
    SelectedBuffer,
    Expression,
}
