using System.Text.Json;
using Microsoft.JSInterop;

namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// How far this browser got in each lesson, kept in its localStorage (one key, a JSON object by
/// lesson id): a learner's progress is theirs, not the server's, and survives server restarts.
/// Anything unreadable there counts as no progress.
/// </summary>
public sealed class LessonProgress(IJSRuntime js)
{
    public const string Key = "bufferscope.learn";

    /// <summary>A lesson's progress: the step shown last (0-based), and whether its last step was done.</summary>
    public sealed record Entry(int Step, bool Done);

    public async Task<IReadOnlyDictionary<string, Entry>> LoadAsync()
    {
        try
        {
            var json = await js.InvokeAsync<string?>("localStorage.getItem", Key);
            return json is null ? new Dictionary<string, Entry>() : JsonSerializer.Deserialize<Dictionary<string, Entry>>(json) ?? [];
        }
        catch (JsonException) { return new Dictionary<string, Entry>(); }
        catch (JSException) { return new Dictionary<string, Entry>(); } // storage disabled: progress is not kept
    }

    public async Task SaveAsync(string lessonId, Entry entry)
    {
        var all = new Dictionary<string, Entry>(await LoadAsync()) { [lessonId] = entry };
        try { await js.InvokeVoidAsync("localStorage.setItem", Key, JsonSerializer.Serialize(all)); }
        catch (JSException) { } // storage disabled or full: the lesson goes on, unsaved
    }
}
