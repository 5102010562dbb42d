using System.Collections.Immutable;
using ActorCausal.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Tests.Runtime;

/// <summary>The batching rules of <see cref="Outbox"/>, without an actor system: what leaves in which envelope, and when.</summary>
public sealed class OutboxTests
{
    private static readonly MemberId A = new("akka.tcp://sys@127.0.0.1:4001", 1);
    private static readonly MemberId B = new("akka.tcp://sys@127.0.0.1:4002", 2);

    private readonly List<(MemberId To, ImmutableArray<ProtocolMessage> Messages)> _sent = new();

    private Outbox Create(bool enabled = true, int maxMessages = 256, long maxBytes = 64 * 1024) =>
        new(new BatchingSettings { Enabled = enabled, MaxMessages = maxMessages, MaxBytes = maxBytes }, (to, messages) => _sent.Add((to, messages)));

    private static LeaveRequest M(long n) => new(n);

    private IEnumerable<long> SentTo(MemberId member) => _sent.Where(s => s.To == member).SelectMany(s => s.Messages).Select(m => m.ViewId);

    [Fact]
    public void A_batch_leaves_when_it_reaches_max_messages_and_the_rest_on_send_all()
    {
        var outbox = Create(maxMessages: 3);
        for (var i = 1; i <= 7; i++) outbox.Add(A, M(i), 10);

        Assert.Equal([3, 3], _sent.Select(s => s.Messages.Length));
        Assert.True(outbox.HasPending);
        outbox.SendAll();
        Assert.Equal([3, 3, 1], _sent.Select(s => s.Messages.Length));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], SentTo(A));
        Assert.False(outbox.HasPending);
    }

    [Fact]
    public void A_message_that_would_pass_max_bytes_starts_the_next_batch()
    {
        var outbox = Create(maxBytes: 100);
        outbox.Add(A, M(1), 40);
        outbox.Add(A, M(2), 40);
        Assert.Empty(_sent);
        outbox.Add(A, M(3), 40); // 120 > 100: the first two leave without it
        Assert.Equal([1L, 2], _sent.Single().Messages.Select(m => m.ViewId));

        outbox.Add(A, M(4), 60); // 40 + 60 reaches max-bytes: leaves at once with it
        Assert.Equal([3L, 4], _sent[1].Messages.Select(m => m.ViewId));
        Assert.False(outbox.HasPending);
    }

    [Fact]
    public void A_message_as_large_as_max_bytes_leaves_alone_after_what_was_batched_before_it()
    {
        var outbox = Create(maxBytes: 100);
        outbox.Add(A, M(1), 30);
        outbox.Add(A, M(2), 500);
        Assert.Equal([[1L], [2L]], _sent.Select(s => s.Messages.Select(m => m.ViewId).ToArray()));
    }

    [Fact]
    public void Batches_are_per_member_and_send_pending_sends_only_that_members()
    {
        var outbox = Create();
        outbox.Add(A, M(1), 10);
        outbox.Add(B, M(2), 10);
        outbox.Add(A, M(3), 10);

        outbox.SendPending(A);
        Assert.Equal([1L, 3], SentTo(A));
        Assert.Empty(SentTo(B));
        Assert.True(outbox.HasPending);
        outbox.SendPending(A); // nothing left for A: no empty envelope
        Assert.Single(_sent);

        outbox.SendAll();
        Assert.Equal([2L], SentTo(B));
        Assert.True(outbox.HasBatchFor(A) && outbox.HasBatchFor(B));
    }

    [Fact]
    public void With_batching_off_every_message_leaves_at_once_in_its_own_envelope()
    {
        var outbox = Create(enabled: false, maxMessages: 3);
        for (var i = 1; i <= 4; i++) outbox.Add(A, M(i), 10);

        Assert.Equal([1, 1, 1, 1], _sent.Select(s => s.Messages.Length));
        Assert.False(outbox.HasPending);
        Assert.False(outbox.HasBatchFor(A));
    }

    [Fact]
    public void Batches_of_the_same_messages_leave_as_one_array_and_others_as_their_own()
    {
        var outbox = Create(maxMessages: 2);
        var (m1, m2, m3) = (M(1), M(2), M(3));
        foreach (var to in new[] { A, B }) outbox.Add(to, m1, 10);
        foreach (var to in new[] { A, B }) outbox.Add(to, m2, 10); // both batches full: they leave one after the other
        outbox.Add(A, m3, 10);
        outbox.Add(B, M(3), 10); // equal, but another object: not the same batch
        outbox.SendAll();

        Assert.Equal(4, _sent.Count);
        Assert.True(_sent[0].Messages == _sent[1].Messages, "the full batches of A and B are one array");
        Assert.Equal([1L, 2], _sent[1].Messages.Select(m => m.ViewId));
        Assert.False(_sent[2].Messages == _sent[3].Messages);
        Assert.Equal([3L], SentTo(A).Skip(2));
        Assert.Equal([3L], SentTo(B).Skip(2));
    }
}
