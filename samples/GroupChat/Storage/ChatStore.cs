using GroupChat.Model;
using Microsoft.Data.Sqlite;

namespace GroupChat.Storage;

/// <summary>
/// A node's durable history: one SQLite file (WAL) with the rooms it knows and every event it delivered, in delivery
/// order. Thread-safe (one connection behind a lock; the room actors write one event at a time).
/// </summary>
public sealed class ChatStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _nextOrd = new(StringComparer.Ordinal);
    private readonly SqliteCommand _insertEvent;

    public ChatStore(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (room TEXT NOT NULL, ord INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (room, ord));
            """);
        _insertEvent = _connection.CreateCommand();
        _insertEvent.CommandText = "INSERT INTO events (room, ord, id, json) VALUES ($room, $ord, $id, $json)";
        _insertEvent.Parameters.Add("$room", SqliteType.Text);
        _insertEvent.Parameters.Add("$ord", SqliteType.Integer);
        _insertEvent.Parameters.Add("$id", SqliteType.Text);
        _insertEvent.Parameters.Add("$json", SqliteType.Text);
        _insertEvent.Prepare();
    }

    public string Path { get; }

    public static string FileFor(string dataDirectory, string nodeName) => System.IO.Path.Combine(dataDirectory, $"{nodeName}.db");

    public IReadOnlyList<RoomCreated> LoadRooms()
    {
        lock (_lock)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT json FROM rooms ORDER BY rowid";
            using var reader = cmd.ExecuteReader();
            var rooms = new List<RoomCreated>();
            while (reader.Read()) rooms.Add(ChatJson.FromText<RoomCreated>(reader.GetString(0)));
            return rooms;
        }
    }

    public void SaveRoom(RoomCreated room) => WriteRoom("INSERT OR IGNORE INTO rooms (room, json) VALUES ($room, $json)", room);

    /// <summary>Replaces a room's creation (a merge decided for the other side's), keeping its place.</summary>
    public void ReplaceRoom(RoomCreated room) => WriteRoom("UPDATE rooms SET json = $json WHERE room = $room", room);

    private void WriteRoom(string sql, RoomCreated room)
    {
        lock (_lock)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$room", room.RoomId);
            cmd.Parameters.AddWithValue("$json", ChatJson.ToText(room));
            cmd.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<StoredEvent> LoadEvents(string room)
    {
        lock (_lock)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT ord, json FROM events WHERE room = $room ORDER BY ord";
            cmd.Parameters.AddWithValue("$room", room);
            using var reader = cmd.ExecuteReader();
            var events = new List<StoredEvent>();
            long last = 0;
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                events.Add(ChatJson.FromText<StoredEvent>(reader.GetString(1)));
            }
            _nextOrd[room] = last + 1;
            return events;
        }
    }

    public void Append(string room, IReadOnlyCollection<StoredEvent> events)
    {
        if (events.Count == 0) return;
        lock (_lock)
        {
            using var tx = _connection.BeginTransaction();
            _insertEvent.Transaction = tx;
            var ord = NextOrd(room);
            foreach (var e in events)
            {
                _insertEvent.Parameters["$room"].Value = room;
                _insertEvent.Parameters["$ord"].Value = ord++;
                _insertEvent.Parameters["$id"].Value = e.Id;
                _insertEvent.Parameters["$json"].Value = ChatJson.ToText(e);
                _insertEvent.ExecuteNonQuery();
            }
            _nextOrd[room] = ord;
            tx.Commit();
            _insertEvent.Transaction = null;
        }
    }

    private long NextOrd(string room)
    {
        if (_nextOrd.TryGetValue(room, out var next)) return next;
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(ord), 0) FROM events WHERE room = $room";
        cmd.Parameters.AddWithValue("$room", room);
        next = (long)cmd.ExecuteScalar()! + 1;
        _nextOrd[room] = next;
        return next;
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _insertEvent.Dispose();
            _connection.Dispose();
        }
    }
}
