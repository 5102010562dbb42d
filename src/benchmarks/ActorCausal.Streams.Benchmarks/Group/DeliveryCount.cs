using System.Buffers.Binary;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// The deliveries of one run, shared by the nodes (all in this process): Received[receiver][sender] is written by the
/// receiver only; <see cref="Done"/> completes when every node delivered every node's messages.
/// </summary>
public sealed class DeliveryCount
{
    public DeliveryCount(int nodes, int messages)
    {
        Nodes = nodes;
        Messages = messages;
        Received = Enumerable.Range(0, nodes).Select(_ => new long[nodes]).ToArray();
        Probes = Enumerable.Range(0, nodes).Select(_ => new bool[nodes]).ToArray();
        Expected = (long)messages * nodes;
    }

    public int Nodes { get; }
    /// <summary>Messages broadcast in the run, by all nodes together.</summary>
    public int Messages { get; }
    public long Expected { get; }
    public long[][] Received { get; }
    /// <summary>Probes[receiver][sender]: the receiver got a pubsub readiness probe from the sender.</summary>
    public bool[][] Probes { get; }
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Refused;
    public long BackPressureRetries;
    public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _delivered;

    /// <summary>How many of the messages <paramref name="node"/> broadcasts (the first nodes take the remainder).</summary>
    public int Sends(int node) => Messages / Nodes + (node < Messages % Nodes ? 1 : 0);

    /// <summary>A benchmark payload: the sender's index and sequence number (16 bytes, as the core cluster benchmark).</summary>
    public static byte[] Payload(int sender, int sequence)
    {
        var payload = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(payload, sender);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), sequence);
        return payload;
    }

    public void OnDelivery(int receiver, byte[] payload)
    {
        var sender = BinaryPrimitives.ReadInt32LittleEndian(payload);
        Volatile.Write(ref Received[receiver][sender], Received[receiver][sender] + 1);
        if (Interlocked.Increment(ref _delivered) == Expected) Done.TrySetResult();
    }

    /// <summary>Messages of <paramref name="sender"/> not yet delivered at every node.</summary>
    public long Outstanding(int sender, long sent)
    {
        var min = long.MaxValue;
        for (var r = 0; r < Nodes; r++) min = Math.Min(min, Volatile.Read(ref Received[r][sender]));
        return sent - min;
    }
}
