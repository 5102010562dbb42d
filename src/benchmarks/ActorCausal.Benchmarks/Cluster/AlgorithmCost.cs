namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// Protocol messages one broadcast needs at <c>n</c> members by the algorithm (docs/protocol.md), before batching and
/// without the periodic stability gossip, which is per tick, not per broadcast:
/// <list type="bullet">
/// <item>FIFO, causal, explicit: the data to the n-1 others.</item>
/// <item>Three-step ISIS: data, a proposal from each of the n-1 others to the sender, the final to the n-1: 3(n-1).</item>
/// <item>Two-step ISIS: data to n-1, then every member (the sender too) sends its proposal to the n-1 others: (n-1) + n(n-1) = n²-1.</item>
/// <item>Symmetric (total-sym): the data to n-1; a member with nothing to send answers a total-order message with one
/// heartbeat to the n-1 others per input, so up to (n-1)² more when one member sends alone and none when every member
/// sends (its own broadcasts carry its clock): counted here as none, the benchmark's case.</item>
/// <item>Safe: the base order plus one acknowledgement (held vector) from every member to the n-1 others, n(n-1), unless
/// one acknowledgement covers several messages (safe-ack-delay, or one per input).</item>
/// </list>
/// Raw Tell and DistributedPubSub have no protocol messages (null); their n-1 copies are the payload itself.
/// </summary>
public static class AlgorithmCost
{
    public static long? PerBroadcast(string mode, int n) => mode switch
    {
        "raw" or "pubsub" => null,
        "total3" => 3L * (n - 1),
        "total2" => (n - 1) + (long)n * (n - 1),
        "safe-causal" => (n - 1) + (long)n * (n - 1),
        "safe-total3" => 3L * (n - 1) + (long)n * (n - 1),
        "safe-total2" => (n - 1) + 2L * n * (n - 1),
        _ => n - 1,
    };

    /// <summary>The formula, for the table's legend.</summary>
    public const string Legend = "needed = by the algorithm, unbatched, without periodic gossip: causal/fifo/explicit/total-sym n-1 (total-sym: + up to (n-1)^2 heartbeats when one member sends alone); total3 3(n-1); total2 (n-1)+n(n-1); safe adds n(n-1) acknowledgements";
}
