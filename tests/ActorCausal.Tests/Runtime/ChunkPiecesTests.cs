using System.Runtime.Serialization;
using ActorCausal.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;

namespace ActorCausal.Tests.Runtime;

/// <summary>
/// <see cref="ChunkSender"/> and <see cref="ChunkReassembly"/> without an actor system: real wire bytes through the
/// registry, cut into pieces and put back together, and every way a transfer is refused.
/// </summary>
public sealed class ChunkPiecesTests
{
    private const int PieceSize = 1024;
    private static readonly MemberId A = new("akka.tcp://sys@127.0.0.1:4001", 1);
    private static readonly MemberId B = new("akka.tcp://sys@127.0.0.1:4002", 2);

    private readonly ProtoMapping _mapping = new(_ => throw new InvalidOperationException("payloads are serialized already"));
    private int _serialized;

    private (byte[], string) Serialize(ProtocolMessage m)
    {
        _serialized++;
        var row = WireTypes.Of(m);
        return (row.ToBinary(_mapping, m), row.Manifest);
    }

    private ProtocolMessage Deserialize(byte[] bytes, string manifest)
    {
        try
        {
            return (ProtocolMessage)WireTypes.WithManifest(manifest)!.FromBinary(_mapping, bytes);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException(e.Message, e);
        }
    }

    private ChunkReassembly Reassembly(long maxMessageBytes = 1 << 20, int timeoutMs = 1_000) =>
        new(new ChunkingSettings { PieceSize = PieceSize, MaxMessageBytes = maxMessageBytes, ReassemblyTimeout = TimeSpan.FromMilliseconds(timeoutMs) }, Deserialize);

    private static Welcome Large(int snapshotBytes) =>
        new(3, [A, B], [B], Enumerable.Range(0, snapshotBytes).Select(i => (byte)(i * 7)).ToArray());

    [Fact]
    public void A_message_is_cut_into_pieces_of_at_most_piece_size_and_serialized_once_for_all_recipients()
    {
        var sender = new ChunkSender(PieceSize, Serialize);
        var message = Large(3_000);
        var pieces = sender.Split(A, message);
        var again = sender.Split(A, message);

        Assert.Equal(1, _serialized);
        Assert.Equal(Serialize(message).Item1, pieces.SelectMany(p => p.Data.ToArray()));
        Assert.All(pieces, p => Assert.True(p.Data.Length <= PieceSize));
        Assert.Equal(Enumerable.Range(0, pieces.Length), pieces.Select(p => p.Index));
        Assert.Equal(4, pieces.Length); // 3,000 snapshot bytes and the view: just over three pieces
        Assert.All(pieces, p => Assert.Equal(("W", pieces.Length, 0L), (p.Manifest, p.Count, p.Transfer)));
        Assert.All(again, p => Assert.Equal(1L, p.Transfer));
        Assert.Equal((8L, 2L, 0L), (sender.ChunksSent, sender.ChunkedMessagesSent, sender.SinglePiecesSent));

        var before = _serialized;
        sender.ForgetLastSerialized();
        sender.Split(A, message);
        Assert.Equal(before + 1, _serialized);
    }

    [Fact]
    public void A_message_no_larger_than_a_piece_leaves_as_one_piece_and_only_estimates_of_half_a_piece_are_measured()
    {
        var sender = new ChunkSender(PieceSize, Serialize);
        Assert.False(sender.WorthMeasuring(PieceSize / 2 - 1));
        Assert.True(sender.WorthMeasuring(PieceSize / 2));

        var single = sender.Split(A, Large(600));
        Assert.Equal(1, single.Single().Count);
        Assert.Equal((0L, 0L, 1L), (sender.ChunksSent, sender.ChunkedMessagesSent, sender.SinglePiecesSent));
    }

    [Fact]
    public void Pieces_in_order_give_back_the_message_once_the_last_arrives()
    {
        var message = Large(5_000);
        var pieces = new ChunkSender(PieceSize, Serialize).Split(A, message);
        var reassembly = Reassembly();

        foreach (var piece in pieces[..^1])
        {
            var outcome = reassembly.Add(piece, 10);
            Assert.Null(outcome.Message);
            Assert.Empty(outcome.Refusals);
        }
        var last = reassembly.Add(pieces[^1], 10);

        Support.DeepEqual.Assert(message, last.Message);
        Assert.Equal((1L, 0L, 0), (reassembly.ChunkedMessagesReceived, reassembly.Refused, reassembly.InProgress));
    }

    [Fact]
    public void Transfers_from_different_senders_interleave()
    {
        var fromA = new ChunkSender(PieceSize, Serialize).Split(A, Large(2_500));
        var fromB = new ChunkSender(PieceSize, Serialize).Split(B, Large(2_600));
        var reassembly = Reassembly();
        var done = new List<ProtocolMessage>();
        for (var i = 0; i < Math.Max(fromA.Length, fromB.Length); i++)
        {
            if (i < fromA.Length && reassembly.Add(fromA[i], 1).Message is { } a) done.Add(a);
            if (i < fromB.Length && reassembly.Add(fromB[i], 1).Message is { } b) done.Add(b);
        }
        Assert.Equal([2_500, 2_600], done.Cast<Welcome>().Select(w => w.Snapshot.Length));
        Assert.Equal(0, reassembly.Refused);
    }

    [Fact]
    public void A_piece_out_of_order_drops_the_transfer_and_its_later_pieces_are_refused()
    {
        var pieces = new ChunkSender(PieceSize, Serialize).Split(A, Large(3_500));
        var reassembly = Reassembly();
        reassembly.Add(pieces[0], 1);

        var skipped = reassembly.Add(pieces[2], 1);
        Assert.Contains("does not continue transfer 0 at piece 1", Assert.Single(skipped.Refusals));
        var late = reassembly.Add(pieces[1], 1);
        Assert.Contains("without its first piece", Assert.Single(late.Refusals));
        Assert.Null(reassembly.Add(pieces[3], 1).Message);
        Assert.Equal((3L, 0L, 0), (reassembly.Refused, reassembly.ChunkedMessagesReceived, reassembly.InProgress));
    }

    [Fact]
    public void A_new_transfer_ends_an_unfinished_one_from_the_same_sender_and_goes_on()
    {
        var sender = new ChunkSender(PieceSize, Serialize);
        var first = sender.Split(A, Large(3_000));
        var second = sender.Split(A, Large(2_000));
        var reassembly = Reassembly();
        reassembly.Add(first[0], 1);
        reassembly.Add(first[1], 1);

        var start = reassembly.Add(second[0], 1);
        Assert.Contains("transfer 0 ended after 2 of 4 pieces", Assert.Single(start.Refusals));
        ProtocolMessage? message = null;
        foreach (var piece in second[1..]) message = reassembly.Add(piece, 1).Message;
        Assert.Equal(2_000, Assert.IsType<Welcome>(message).Snapshot.Length);
    }

    [Fact]
    public void A_transfer_announcing_more_than_max_message_size_is_refused_before_anything_is_kept()
    {
        var pieces = new ChunkSender(PieceSize, Serialize).Split(A, Large(5_000));
        var reassembly = Reassembly(maxMessageBytes: 4_000);

        Assert.Contains("more than max-message-size 4000", Assert.Single(reassembly.Add(pieces[0], 1).Refusals));
        Assert.Equal(0, reassembly.InProgress);
        Assert.Contains("without its first piece", Assert.Single(reassembly.Add(pieces[1], 1).Refusals));
    }

    [Fact]
    public void Pieces_that_disagree_with_the_first_or_fall_short_of_the_announced_size_are_refused()
    {
        var pieces = new ChunkSender(PieceSize, Serialize).Split(A, Large(1_500));
        var reassembly = Reassembly();
        reassembly.Add(pieces[0], 1);
        Assert.Single(reassembly.Add(pieces[1] with { Manifest = "FR" }, 1).Refusals);

        var shortTransfer = new GroupChunk(A, 9, 0, 2, 100, "W", new byte[10]);
        reassembly.Add(shortTransfer, 1);
        var end = reassembly.Add(shortTransfer with { Index = 1 }, 1);
        Assert.Contains("carried 20 of the 100 bytes", Assert.Single(end.Refusals));
        Assert.Equal(2L, reassembly.Refused);
    }

    [Fact]
    public void Bytes_that_do_not_deserialize_are_refused_not_thrown()
    {
        var garbage = Enumerable.Repeat((byte)0xFF, 1_500).ToArray();
        var reassembly = Reassembly();
        reassembly.Add(new GroupChunk(A, 0, 0, 2, garbage.Length, "W", garbage.AsMemory(0, 1_000)), 1);
        var end = reassembly.Add(new GroupChunk(A, 0, 1, 2, garbage.Length, "W", garbage.AsMemory(1_000)), 1);
        Assert.Null(end.Message);
        Assert.Contains("did not deserialize", Assert.Single(end.Refusals));
    }

    [Fact]
    public void A_transfer_without_a_piece_for_the_reassembly_timeout_expires()
    {
        var pieces = new ChunkSender(PieceSize, Serialize).Split(A, Large(3_000));
        var reassembly = Reassembly(timeoutMs: 1_000);
        reassembly.Add(pieces[0], 100);
        reassembly.Add(pieces[1], 600);

        Assert.Empty(reassembly.Expire(1_600)); // 1,000 ms after the last piece: not yet
        Assert.Contains("after 2 of 4 pieces", Assert.Single(reassembly.Expire(1_601)));
        Assert.Equal((1L, 0), (reassembly.Expired, reassembly.InProgress));
        Assert.Contains("without its first piece", Assert.Single(reassembly.Add(pieces[2], 1_700).Refusals));
    }
}
