using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Internal;

/// <summary>
/// Per-member batches of protocol messages. A batch leaves as one envelope (through <c>send</c>) when it reaches
/// max-messages or max-bytes, when <see cref="SendAll"/> is called (the group actor does once it has drained its
/// mailbox), or before a chunked transfer to the same member (<see cref="SendPending"/>), so the per-link order holds.
/// A message that would take a batch past max-bytes starts the next one, so no envelope outgrows the frame. With
/// batching off every message leaves at once in its own envelope.
/// </summary>
internal sealed class Outbox(BatchingSettings settings, Action<MemberId, ImmutableArray<ProtocolMessage>> send)
{
    private readonly Dictionary<MemberId, Batch> _batches = new();

    private sealed class Batch
    {
        public readonly List<ProtocolMessage> Messages = new();
        public long Bytes;
    }

    /// <summary>Whether any batch holds a message (the group actor then schedules <see cref="SendAll"/>).</summary>
    public bool HasPending => _batches.Count > 0 && _batches.Values.Any(b => b.Messages.Count > 0);

    /// <summary>Whether a batch was ever opened for <paramref name="member"/> (its peer reference is kept while it is).</summary>
    public bool HasBatchFor(MemberId member) => _batches.ContainsKey(member);

    /// <summary>Queues <paramref name="message"/> (of <paramref name="estimate"/> bytes, see WireSize) for <paramref name="to"/>.</summary>
    public void Add(MemberId to, ProtocolMessage message, long estimate)
    {
        if (!settings.Enabled)
        {
            send(to, [message]);
            return;
        }
        if (!_batches.TryGetValue(to, out var batch)) _batches[to] = batch = new Batch();
        if (batch.Messages.Count > 0 && batch.Bytes + estimate > settings.MaxBytes) Send(to, batch);
        batch.Messages.Add(message);
        batch.Bytes += estimate;
        if (batch.Messages.Count >= settings.MaxMessages || batch.Bytes >= settings.MaxBytes) Send(to, batch);
    }

    /// <summary>Sends what is batched for <paramref name="to"/>, if anything.</summary>
    public void SendPending(MemberId to)
    {
        if (_batches.TryGetValue(to, out var batch) && batch.Messages.Count > 0) Send(to, batch);
    }

    public void SendAll()
    {
        foreach (var (to, batch) in _batches)
        {
            if (batch.Messages.Count > 0) Send(to, batch);
        }
    }

    /// <summary>
    /// Sends <paramref name="batch"/>. A batch of the same messages as the one sent just before (a broadcast goes to
    /// every member, so their batches fill and leave together) leaves as the same array, so that the group actor sends
    /// one envelope object to all of them and Akka serializes it once (SharedEnvelopeBytes).
    /// </summary>
    private void Send(MemberId to, Batch batch)
    {
        if (!SameMessages(batch.Messages, _lastSent)) _lastSent = [.. batch.Messages];
        send(to, _lastSent);
        batch.Messages.Clear();
        batch.Bytes = 0;
    }

    private ImmutableArray<ProtocolMessage> _lastSent = ImmutableArray<ProtocolMessage>.Empty;

    private static bool SameMessages(List<ProtocolMessage> batch, ImmutableArray<ProtocolMessage> sent)
    {
        if (batch.Count != sent.Length) return false;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!ReferenceEquals(batch[i], sent[i])) return false;
        }
        return true;
    }
}
