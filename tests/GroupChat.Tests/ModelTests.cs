using GroupChat.Model;

namespace GroupChat.Tests;

public sealed class ModelTests
{
    private static long _clock = 1_000;

    private static StoredEvent At(ChatEvent e, long wall = 0) => new(e, wall == 0 ? ++_clock : wall, 0, "n1", "1.0.1", [], [1], 1);

    private static ChatRoom Room() => new("general", "General", "alice");

    [Fact]
    public void A_reply_is_listed_with_its_parent_and_reactions_toggle_per_person()
    {
        var room = Room();
        room.Apply(At(new PersonJoined("a.1", "alice")));
        room.Apply(At(new Posted("a.2", "alice", "question?", null, null)));
        room.Apply(At(new Posted("b.1", "bob", "answer", "a.2", null)));
        room.Apply(At(new ReactionSet("b.2", "bob", "a.2", "👍", true, null)));
        room.Apply(At(new ReactionSet("c.1", "carol", "a.2", "👍", true, null)));
        room.Apply(At(new ReactionSet("b.3", "bob", "a.2", "👍", false, "b.2")));

        var messages = room.Messages().Where(m => m.Kind == "message").ToList();
        Assert.Equal(["a.2", "b.1"], messages.Select(m => m.Id));
        Assert.Equal("a.2", messages[1].ReplyTo);
        Assert.Equal(["carol"], messages[0].Reactions["👍"]);
        Assert.Equal(("b.3", false), room.ReactionOf("a.2", "👍", "bob"));
    }

    [Fact]
    public void Requests_that_would_break_the_room_are_refused_with_the_right_kind_of_error()
    {
        var room = Room();
        room.Apply(At(new Posted("a.1", "alice", "hi", null, null)));
        room.Apply(At(new PersonRemoved("a.2", "alice", "mallory")));

        Assert.Equal(ChatErrorKind.BadRequest, room.CanPost("bob", "  ", null, null)!.Kind);
        Assert.Equal(ChatErrorKind.BadRequest, room.CanPost("bob", new string('x', ChatLimits.MaxTextLength + 1), null, null)!.Kind);
        Assert.Equal(ChatErrorKind.BadRequest, room.CanPost("", "hi", null, null)!.Kind);
        Assert.Equal(ChatErrorKind.NotFound, room.CanPost("bob", "re", "nope.1", null)!.Kind);
        Assert.Equal(ChatErrorKind.NotFound, room.CanPost("bob", "see file", null, "nope.2")!.Kind);
        Assert.Equal(ChatErrorKind.Forbidden, room.CanPost("mallory", "still here", null, null)!.Kind);
        Assert.Equal(ChatErrorKind.BadRequest, room.CanUpload("bob", "big.bin", ChatLimits.MaxAttachmentBytes + 1)!.Kind);
        Assert.Equal(ChatErrorKind.BadRequest, room.CanUpload("bob", "empty.bin", 0)!.Kind);
        Assert.Equal(ChatErrorKind.Forbidden, room.CanAdminister("bob")!.Kind);
        Assert.Null(room.CanPost("bob", "re", "a.1", null));
        Assert.Null(room.CanAdminister("alice"));
    }

    [Fact]
    public void Only_the_admin_renames_or_removes_and_concurrent_renames_end_with_the_same_name_in_any_order()
    {
        var renames = new[]
        {
            At(new RoomRenamed("a.1", "alice", "Lounge"), wall: 5_000),
            At(new RoomRenamed("a2.1", "alice", "Kitchen"), wall: 5_000),
            At(new RoomRenamed("m.1", "mallory", "Hacked"), wall: 9_000),
            At(new PersonRemoved("m.2", "mallory", "alice"), wall: 9_001),
        };
        var forward = Room();
        foreach (var e in renames) forward.Apply(e);
        var backward = Room();
        foreach (var e in renames.Reverse()) backward.Apply(e);

        Assert.Equal("Kitchen", forward.Name); // same HLC: the larger event id wins
        Assert.Equal(forward.Digest(), backward.Digest());
        Assert.NotEqual(PersonStatus.Removed, forward.StatusOf("alice"));
    }

    [Fact]
    public void Duplicate_deliveries_change_nothing()
    {
        var room = Room();
        var post = At(new Posted("a.1", "alice", "once", null, null));
        Assert.True(room.Apply(post));
        Assert.False(room.Apply(post));
        Assert.Single(room.Messages());
        Assert.Equal(1, room.Progress["a"]);
    }

    /// <summary>
    /// The remove-versus-post race, in the model: a removal and the removed person's concurrent post (and reaction and
    /// join/leave) are delivered in every causal order a node can see; every order ends in the same room state, and the
    /// concurrent post stands (README, "Admin actions and races").
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_causal_delivery_order_of_a_removal_and_concurrent_posts_ends_in_the_same_state(int seed)
    {
        var random = new Random(seed);
        var prefix = new List<StoredEvent>
        {
            At(new PersonJoined("a.1", "alice")),
            At(new PersonJoined("m.1", "mallory")),
            At(new Posted("a.2", "alice", "rules: be nice", null, null)),
        };
        // Concurrent branches: alice's admin actions on one node, mallory's on another, bob's on a third.
        var alice = new[] { At(new PersonRemoved("a.3", "alice", "mallory")), At(new RoomRenamed("a.4", "alice", "Nice room")) };
        var mallory = new[]
        {
            At(new Posted("m.2", "mallory", "spam", null, null)), At(new ReactionSet("m.3", "mallory", "a.2", "😂", true, null)),
            At(new Posted("m.4", "mallory", "more spam", "a.2", null)),
        };
        var bob = new[] { At(new PersonJoined("b.1", "bob")), At(new ReactionSet("b.2", "bob", "a.2", "👍", true, null)) };

        string? expected = null;
        for (var run = 0; run < 50; run++)
        {
            var room = Room();
            foreach (var e in prefix) room.Apply(e);
            foreach (var e in Interleave(random, alice, mallory, bob)) room.Apply(e);
            var digest = room.Digest();
            expected ??= digest;
            Assert.Equal(expected, digest);
            Assert.Equal(PersonStatus.Removed, room.StatusOf("mallory"));
            Assert.Equal("Nice room", room.Name);
            Assert.Contains(room.Messages(), m => m.Id == "m.2"); // sent before mallory's node knew: it stands
        }
    }

    private static IEnumerable<StoredEvent> Interleave(Random random, params StoredEvent[][] branches)
    {
        var positions = new int[branches.Length];
        while (true)
        {
            var open = Enumerable.Range(0, branches.Length).Where(b => positions[b] < branches[b].Length).ToList();
            if (open.Count == 0) yield break;
            var pick = open[random.Next(open.Count)];
            yield return branches[pick][positions[pick]++];
        }
    }

    [Fact]
    public void Room_ids_are_slugs_of_their_names()
    {
        Assert.Equal("release-planning-2027", RoomDirectory.Slug("  Release planning: 2027! "));
        Assert.NotNull(RoomDirectory.CheckName("!!!"));
        var directory = new RoomDirectory();
        Assert.True(directory.Apply(new RoomCreated("a.1", "general", "General", "alice", 1)));
        Assert.False(directory.Apply(new RoomCreated("b.1", "general", "general", "bob", 2)));
        Assert.Equal("alice", directory.Find("general")!.Admin);
    }
}
