using GroupChat.Model;

namespace GroupChat.Tests;

/// <summary>The merge rules without Akka: <see cref="HistoryMerge"/> and <see cref="RoomDirectory.Merge"/>.</summary>
public sealed class MergeModelTests
{
    private static StoredEvent At(ChatEvent e, long wall) => new(e, wall, 0, "n", "1.0.1", [], [1], 1);

    private static readonly StoredEvent[] Shared = [At(new Posted("s.1", "alice", "shared", null, null), 100)];
    private static readonly StoredEvent[] Left =
    [
        At(new Posted("l.1", "alice", "left", null, null), 200),
        At(new Posted("l.2", "bob", "re shared", "s.1", null), 210),
        At(new PersonRemoved("l.3", "alice", "mallory"), 220),
        At(new RoomRenamed("l.4", "alice", "Left"), 230),
    ];
    private static readonly StoredEvent[] Right =
    [
        At(new Posted("r.1", "mallory", "right", null, null), 205),
        // A clock that ran behind: the reaction is stamped before the message it names, and still goes after it.
        At(new ReactionSet("r.3", "carol", "r.2", "👍", true, null), 190),
        At(new Posted("r.2", "carol", "re right", "r.1", null), 215),
        At(new RoomRenamed("r.4", "alice", "Right"), 240),
    ];

    private static ChatRoom Side(IEnumerable<StoredEvent> events)
    {
        var room = new ChatRoom("general", "General", "alice");
        foreach (var e in events) room.Apply(e);
        return room;
    }

    private static string State(ChatRoom room) =>
        $"{room.Name}|{string.Join(",", room.People.Select(p => $"{p.Name}={p.Status}"))}|" +
        string.Join(",", room.Messages().Where(m => m.Kind == "message").OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => $"{m.Id}:{m.Text}:{m.ReplyTo}:{string.Join(";", m.Reactions.Select(r => r.Key + string.Join("", r.Value)))}"));

    [Fact]
    public void Each_side_merging_the_others_history_ends_in_the_same_state_and_merging_twice_adds_nothing()
    {
        var left = Side(Shared.Concat(Left));
        var right = Side(Shared.Concat(Right));
        var intoLeft = HistoryMerge.NewEvents(left, right.Log);
        var intoRight = HistoryMerge.NewEvents(right, left.Log);
        Assert.Equal(["r.1", "r.2", "r.3", "r.4"], intoLeft.Select(e => e.Id));
        Assert.Equal(["l.1", "l.2", "l.3", "l.4"], intoRight.Select(e => e.Id));
        foreach (var e in intoLeft) Assert.True(left.Apply(e));
        foreach (var e in intoRight) Assert.True(right.Apply(e));

        Assert.Equal(State(left), State(right));
        Assert.Equal("Right", left.Name); // the later rename by HLC
        Assert.Equal(PersonStatus.Removed, left.StatusOf("mallory"));
        Assert.Contains(left.Messages(), m => m.Id == "r.1"); // her post on the side that had not removed her stands
        Assert.Empty(HistoryMerge.NewEvents(left, right.Log));
        Assert.Empty(HistoryMerge.NewEvents(left, Right.Concat(Right)));
    }

    [Fact]
    public void Two_creations_of_one_room_resolve_to_the_earlier_at_every_node_whichever_side_merges()
    {
        var early = new RoomCreated("a.1", "town", "Town", "alice", 1_000);
        var late = new RoomCreated("b.1", "town", "Town!", "bob", 2_000);
        var sideA = new RoomDirectory();
        sideA.Apply(early);
        var sideB = new RoomDirectory();
        sideB.Apply(late);

        Assert.Equal(MergeOutcome.Kept, sideA.Merge(late));
        Assert.Equal(MergeOutcome.Replaced, sideB.Merge(early));
        Assert.Equal(MergeOutcome.Kept, sideB.Merge(early));
        Assert.Equal(MergeOutcome.Added, sideB.Merge(new RoomCreated("a.2", "other", "Other", "alice", 1_500)));
        Assert.Equal(sideA.Find("town"), sideB.Find("town"));

        // Under the winning creation, the losing creator's admin actions count for nothing.
        var room = new ChatRoom("town", late.Name, late.Admin);
        room.Apply(At(new RoomRenamed("b.2", "bob", "Bob's"), 3_000));
        Assert.Equal("Bob's", room.Name);
        var resolved = room.WithCreation(early.Name, early.Admin);
        Assert.Equal("Town", resolved.Name);
        Assert.Equal("alice", resolved.Admin);
    }
}
