using GroupChat.Model;
using GroupChat.Storage;

namespace GroupChat.Tests;

public sealed class StoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "groupchat-store-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Events_and_rooms_survive_closing_and_reopening_the_database_in_delivery_order()
    {
        var file = ChatStore.FileFor(_dir, "n1");
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        using (var store = new ChatStore(file))
        {
            store.SaveRoom(new RoomCreated("n1.1", "general", "General", "alice", 42));
            store.Append("general", [
                new StoredEvent(new AttachmentUploaded("n1.2", "alice", "a.bin", "application/octet-stream", bytes), 10, 0, "n1", "1.0.1", [], [1], 1),
                new StoredEvent(new Posted("n1.3", "alice", "see file", null, "n1.2"), 11, 2, "n1", "1.0.2", ["1.0.1"], [2], 1),
            ]);
            store.Append("general", [new StoredEvent(null, 12, 0, "n1", "x", [], [], 1, "node n3 FAILED")]);
        }
        using var reopened = new ChatStore(file);
        Assert.Equal("alice", Assert.Single(reopened.LoadRooms()).Admin);
        var events = reopened.LoadEvents("general");
        Assert.Equal(3, events.Count);
        Assert.Equal(bytes, ((AttachmentUploaded)events[0].Event!).Content);
        Assert.Equal(new HlcPair(11, 2), new HlcPair(events[1].HlcWallMs, events[1].HlcLogical));
        Assert.Equal(["1.0.1"], events[1].WireDeps);
        Assert.Equal("node n3 FAILED", events[2].Local);
    }

    [Fact]
    public void A_room_snapshot_round_trips_without_local_notes()
    {
        var events = new[]
        {
            new StoredEvent(new Posted("n1.1", "alice", "hi", null, null), 10, 0, "n1", "1.0.1", [], [1], 1),
            new StoredEvent(null, 12, 0, "n1", "x", [], [], 1, "node n3 FAILED"),
        };
        var decoded = RoomSnapshot.Decode(RoomSnapshot.Encode(events));
        Assert.Equal("n1.1", Assert.Single(decoded).Id);
        Assert.Empty(RoomSnapshot.Decode(ReadOnlyMemory<byte>.Empty));
    }

    private readonly record struct HlcPair(long Wall, int Logical);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
