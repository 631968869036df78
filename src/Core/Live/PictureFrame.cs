namespace Bufferscope.Core.Live;

/// <summary>One picture of a watched buffer, numbered in its stream.</summary>
public sealed record PictureFrame(long BufferId, Picture Picture, long Version, DateTimeOffset At);
