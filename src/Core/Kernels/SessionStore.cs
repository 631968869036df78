using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Bufferscope.Core.Sessions;
using Microsoft.Data.Sqlite;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// What outlives the server: its sessions (id, name, interpreter), each one's buffers as last
/// described (what a restart binds again) and its console history, in one SQLite file in the
/// data directory.
///
/// Changes are written behind, in order, by one writer: whatever queued while it committed goes in
/// one transaction (WAL). A run's answer so never waits for the disk (a commit cost 0.3-0.4 ms
/// of a 2-ms run), and a disk that fails loses the record, not the answer: the failure is told to
/// <see cref="Failed"/>. A server killed outright loses only the changes of its last moment; a
/// read (history) sees every change queued before it. One connection, used under a lock.
/// </summary>
public sealed class SessionStore : IDisposable
{
    public const string FileName = "bufferscope.db";
    private const int Schema = 2; // 2: history.output
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>A change to apply, or (<see cref="Flushed"/>) a reader waiting for the changes before it.</summary>
    private sealed record Write(Action? Apply, TaskCompletionSource? Flushed);

    /// <summary>A change could not be written (the disk is full, the file was removed...).</summary>
    public event Action<Exception>? Failed;

    /// <summary>Opens (or makes) the store in <paramref name="dataDirectory"/>.</summary>
    public SessionStore(string dataDirectory)
    {
        Path = System.IO.Path.Combine(dataDirectory, FileName);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, python TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS buffers (
                session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                buffer_id INTEGER NOT NULL, descriptor TEXT NOT NULL,
                PRIMARY KEY (session_id, buffer_id));
            CREATE TABLE IF NOT EXISTS history (
                session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                n INTEGER NOT NULL, code TEXT NOT NULL, ok INTEGER NOT NULL, result TEXT, at TEXT NOT NULL, output TEXT,
                PRIMARY KEY (session_id, n));
            """);
        var schema = Scalar("SELECT value FROM meta WHERE key = 'schema'");
        if (schema is null)
            Execute("INSERT INTO meta (key, value) VALUES ('schema', $v)", ("$v", Schema.ToString(CultureInfo.InvariantCulture)));
        else if (schema == "1")
        {
            // Schema 1 had no output column: its runs come back with their results, without what they printed.
            Execute("ALTER TABLE history ADD COLUMN output TEXT; UPDATE meta SET value = $v WHERE key = 'schema'", ("$v", Schema.ToString(CultureInfo.InvariantCulture)));
        }
        else if (schema != Schema.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{Path} has schema {schema}; this Bufferscope reads schema {Schema}. Move the file away to start afresh.");
        _writer = Task.Run(WriteAsync);
    }

    public string Path { get; }

    /// <summary>A session stored as it was created.</summary>
    public sealed record StoredSession(SessionInfo Info, string Python, IReadOnlyList<BufferDescriptor> Buffers, long LastRun);

    public IReadOnlyList<StoredSession> Load()
    {
        lock (_lock)
        {
            var sessions = new List<(SessionInfo Info, string Python)>();
            using (var read = Command("SELECT id, name, created_at, python FROM sessions ORDER BY created_at"))
            using (var rows = read.ExecuteReader())
                while (rows.Read())
                    sessions.Add((new SessionInfo(rows.GetString(0), rows.GetString(1), DateTimeOffset.Parse(rows.GetString(2), CultureInfo.InvariantCulture)), rows.GetString(3)));
            return [.. sessions.Select(s => new StoredSession(s.Info, s.Python, Buffers(s.Info.Id), LastRun(s.Info.Id)))];
        }
    }

    private List<BufferDescriptor> Buffers(string sessionId)
    {
        var buffers = new List<BufferDescriptor>();
        using var read = Command("SELECT descriptor FROM buffers WHERE session_id = $s ORDER BY buffer_id", ("$s", sessionId));
        using var rows = read.ExecuteReader();
        while (rows.Read())
            buffers.Add(JsonSerializer.Deserialize<BufferDescriptor>(rows.GetString(0), Json)!);
        return buffers;
    }

    private long LastRun(string sessionId) =>
        long.Parse(Scalar("SELECT COALESCE(MAX(n), 0) FROM history WHERE session_id = $s", ("$s", sessionId))!, CultureInfo.InvariantCulture);

    public void AddSession(SessionInfo info, string python) => Queue(() =>
        Execute("INSERT INTO sessions (id, name, created_at, python) VALUES ($id, $name, $at, $python)",
            ("$id", info.Id), ("$name", info.Name), ("$at", info.CreatedAt.ToString("O", CultureInfo.InvariantCulture)), ("$python", python)));

    /// <summary>Removes the session with its buffers and history.</summary>
    public void DeleteSession(string sessionId) => Queue(() => Execute("DELETE FROM sessions WHERE id = $id", ("$id", sessionId)));

    /// <summary>Keeps a buffer's descriptor, replacing the one kept before.</summary>
    public void PutBuffer(string sessionId, BufferDescriptor d) => Queue(() =>
        Execute("INSERT OR REPLACE INTO buffers (session_id, buffer_id, descriptor) VALUES ($s, $b, $d)",
            ("$s", sessionId), ("$b", d.Id), ("$d", JsonSerializer.Serialize(d with { Exports = 0, Views = [] }, Json))));

    public void DeleteBuffer(string sessionId, long bufferId) => Queue(() =>
        Execute("DELETE FROM buffers WHERE session_id = $s AND buffer_id = $b", ("$s", sessionId), ("$b", bufferId)));

    /// <summary>The session's buffers are now exactly these (after a restart bound them again under new ids).</summary>
    public void ReplaceBuffers(string sessionId, IEnumerable<BufferDescriptor> buffers)
    {
        var rows = buffers.Select(d => (d.Id, JsonSerializer.Serialize(d with { Exports = 0, Views = [] }, Json))).ToList();
        Queue(() =>
        {
            Execute("DELETE FROM buffers WHERE session_id = $s", ("$s", sessionId));
            foreach (var (id, descriptor) in rows)
                Execute("INSERT INTO buffers (session_id, buffer_id, descriptor) VALUES ($s, $b, $d)", ("$s", sessionId), ("$b", id), ("$d", descriptor));
        });
    }

    /// <summary>Appends a run; keeps the newest <paramref name="keep"/> of the session's.</summary>
    public void AddRun(string sessionId, HistoryEntry entry, int keep) => Queue(() =>
    {
        Execute("INSERT INTO history (session_id, n, code, ok, result, at, output) VALUES ($s, $n, $code, $ok, $result, $at, $output)",
            ("$s", sessionId), ("$n", entry.N), ("$code", entry.Code), ("$ok", entry.Ok ? 1 : 0), ("$result", entry.Result), ("$at", entry.At.ToString("O", CultureInfo.InvariantCulture)), ("$output", entry.Output));
        if (entry.N > keep)
            Execute("DELETE FROM history WHERE session_id = $s AND n <= $n", ("$s", sessionId), ("$n", entry.N - keep));
    });

    /// <summary>The session's runs, oldest first; at most the newest <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string sessionId, int limit)
    {
        await FlushAsync().ConfigureAwait(false);
        lock (_lock)
        {
            var entries = new List<HistoryEntry>();
            using var read = Command("SELECT n, code, ok, result, at, output FROM (SELECT * FROM history WHERE session_id = $s ORDER BY n DESC LIMIT $limit) ORDER BY n",
                ("$s", sessionId), ("$limit", limit));
            using var rows = read.ExecuteReader();
            while (rows.Read())
                entries.Add(new HistoryEntry(rows.GetInt64(0), rows.GetString(1), rows.GetInt64(2) != 0, rows.IsDBNull(3) ? null : rows.GetString(3),
                    DateTimeOffset.Parse(rows.GetString(4), CultureInfo.InvariantCulture), rows.IsDBNull(5) ? null : rows.GetString(5)));
            return entries;
        }
    }

    /// <summary>A number kept across restarts (the next kernel ordinal), read and advanced in one step.</summary>
    public long Next(string key)
    {
        lock (_lock)
        {
            var next = long.Parse(Scalar("SELECT COALESCE((SELECT value FROM meta WHERE key = $k), '0')", ("$k", key))!, CultureInfo.InvariantCulture) + 1;
            Execute("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = $v", ("$k", key), ("$v", next.ToString(CultureInfo.InvariantCulture)));
            return next;
        }
    }

    /// <summary>Queues a change for the writer.</summary>
    private void Queue(Action write)
    {
        if (!_writes.Writer.TryWrite(new Write(write, null)))
            throw new ObjectDisposedException(nameof(SessionStore));
    }

    /// <summary>Waits until every change queued before it is committed (or has failed).</summary>
    private Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _writes.Writer.TryWrite(new Write(null, flushed)) ? flushed.Task : Task.CompletedTask;
    }

    private async Task WriteAsync()
    {
        var reader = _writes.Reader;
        var flushed = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            lock (_lock)
            {
                try
                {
                    using var transaction = _db.BeginTransaction();
                    while (reader.TryRead(out var write))
                    {
                        if (write.Flushed is { } f)
                            flushed.Add(f);
                        if (write.Apply is null)
                            continue;
                        // Each change whole or not at all; one that fails does not take the others with it.
                        transaction.Save("change");
                        try
                        {
                            write.Apply();
                            transaction.Release("change");
                        }
                        catch (SqliteException e)
                        {
                            transaction.Rollback("change");
                            transaction.Release("change");
                            Failed?.Invoke(e);
                        }
                    }
                    transaction.Commit();
                }
                catch (SqliteException e) { Failed?.Invoke(e); } // the commit itself: the batch is lost
            }
            foreach (var f in flushed)
                f.TrySetResult();
            flushed.Clear();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }

    private string? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Writes what is queued, then closes the file.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        lock (_lock)
            _db.Dispose();
    }
}
