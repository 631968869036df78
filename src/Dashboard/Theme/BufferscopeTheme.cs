using MudBlazor;

namespace Bufferscope.Dashboard.Theme;

/// <summary>The one theme: system fonts (the server may have no internet for web fonts), a dense teal.</summary>
public static class BufferscopeTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#00796b",
            Secondary = "#5e35b1",
            AppbarBackground = "#004d40",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
