using Bufferscope.Core.Live;
using MessagePack;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// One frame of WatchPicture: the buffer's last two dimensions as <see cref="Width"/> ×
/// <see cref="Height"/> cells, row-major, each the mean of the finite elements it covers (NaN:
/// none); <see cref="Min"/>/<see cref="Max"/> of the elements read. Past 4 Mi elements every
/// <see cref="RowStep"/>-th row and <see cref="ColumnStep"/>-th column is read.
/// </summary>
[MessagePackObject]
public sealed record PictureDto(
    [property: Key("bufferId")] long BufferId,
    [property: Key("width")] int Width,
    [property: Key("height")] int Height,
    [property: Key("rows")] long Rows,
    [property: Key("columns")] long Columns,
    [property: Key("cells")] float[] Cells,
    [property: Key("min")] double Min,
    [property: Key("max")] double Max,
    [property: Key("rowStep")] long RowStep,
    [property: Key("columnStep")] long ColumnStep,
    [property: Key("version")] long Version,
    [property: Key("at")] DateTimeOffset At)
{
    public static PictureDto From(PictureFrame f) => new(f.BufferId, f.Picture.Width, f.Picture.Height, f.Picture.Rows, f.Picture.Columns,
        f.Picture.Cells, f.Picture.Min, f.Picture.Max, f.Picture.RowStep, f.Picture.ColumnStep, f.Version, f.At);
}
