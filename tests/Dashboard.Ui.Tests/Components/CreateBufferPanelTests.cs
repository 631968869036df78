using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Components.Panels;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class CreateBufferPanelTests : ComponentTest
{
    private IRenderedComponent<CreateBufferPanel> Form() => Render<CreateBufferPanel>(p => p.Add(x => x.SessionId, "s1"));

    private static void Set(IRenderedComponent<CreateBufferPanel> form, string field, string value) =>
        form.Find($"[data-testid={field}]").Change(value);

    [Theory]
    [InlineData("field-shape", "4, a", "is not a whole number")]
    [InlineData("field-shape", "4, -1", "shape")]
    [InlineData("field-name", "1frame", "must be a Python identifier")]
    [InlineData("field-name", "class", "must be a Python identifier")]
    public void Submit_BadField_ShowsCoresMessageAndSendsNothing(string field, string value, string message)
    {
        var form = Form();
        Set(form, field, value);
        form.Find("form").Submit();
        Assert.Contains(message, form.Markup);
        Assert.Empty(Client.Created);
    }

    [Fact]
    public void Submit_Valid_SendsTheSpecTheFormShows()
    {
        Client.OnCreate = spec => FakeBufferscopeClient.Buffer(3, spec.Name!, spec.Format!, spec.Shape);
        var form = Form();
        Set(form, "field-name", "img");
        Set(form, "field-shape", "480, 640");
        form.Find("form").Submit();
        var spec = Assert.Single(Client.Created);
        Assert.Equal("img", spec.Name);
        Assert.Equal([480L, 640L], spec.Shape!);
        Assert.Equal("B", spec.Format);
        Assert.Equal("native", spec.Source!.Kind);
    }

    /// <summary>Issue 12, defect 1: an offset typed for explicit strides, then hidden by going back to C order, must not apply.</summary>
    [Fact]
    public void Submit_OffsetHiddenByCOrder_SendsOffsetZero()
    {
        Client.OnCreate = spec => FakeBufferscopeClient.Buffer(3, spec.Name!, spec.Format!, spec.Shape);
        var form = Form();
        Set(form, "field-shape", "4");
        // MudRadio changes its group's value asynchronously: the fields it shows or hides follow a render.
        form.FindAll("input[type=radio]")[2].Click(); // explicit strides
        form.WaitForAssertion(() => Assert.NotEmpty(form.FindAll("[data-testid=field-strides]")), Wait);
        Set(form, "field-strides", "1");
        Set(form, "field-offset", "30");
        form.FindAll("input[type=radio]")[0].Click(); // C order
        form.WaitForAssertion(() => Assert.Empty(form.FindAll("[data-testid=field-offset]")), Wait); // hidden now
        form.Find("form").Submit();
        form.Find("form").Submit(); // and the next buffer too
        Assert.Equal(2, Client.Created.Count);
        Assert.All(Client.Created, spec => Assert.Equal((0L, null, "C"), (spec.Offset, spec.Strides, spec.Order)));
    }

    [Fact]
    public void Submit_ServerRefuses_ShowsTheServersOwnMessage()
    {
        Client.OnCreate = _ => throw new BufferscopeApiException(400, "Bad Request", "'frame' is already bound in session 'demo'; pick another name or delete that buffer first");
        var form = Form();
        form.Find("form").Submit();
        Assert.Contains("already bound in session", form.Find("[data-testid=create-error]").TextContent);
    }
}
