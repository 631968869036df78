namespace Bufferscope.Dashboard.Model;

/// <summary>The console's history, as a shell's: up goes back, down comes forward, and down past the newest gives back what was being typed.</summary>
public sealed class ConsoleHistory
{
    private readonly List<string> _entries = [];
    private int _position;
    private string _draft = "";
    public const int Capacity = 200;

    public IReadOnlyList<string> Entries => _entries;

    public void Add(string code)
    {
        if (!string.IsNullOrWhiteSpace(code) && (_entries.Count == 0 || _entries[^1] != code))
            _entries.Add(code);
        if (_entries.Count > Capacity)
            _entries.RemoveAt(0);
        _position = _entries.Count;
        _draft = "";
    }

    /// <summary>The previous entry, or null at the oldest.</summary>
    public string? Back(string current)
    {
        if (_position == 0)
            return null;
        if (_position == _entries.Count)
            _draft = current;
        return _entries[--_position];
    }

    /// <summary>The next entry, the draft past the newest, or null when already there.</summary>
    public string? Forward()
    {
        if (_position >= _entries.Count)
            return null;
        _position++;
        return _position == _entries.Count ? _draft : _entries[_position];
    }
}
