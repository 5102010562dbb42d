using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// The line protocol between the parent and a node process: the parent writes one JSON command a line to the node's
/// stdin (<c>{"id":3,"op":"prepare",...}</c>); the node answers on stdout with a line starting with <see cref="Prefix"/>
/// and the same id (<c>"error"</c> set when the step failed, <c>"stall"</c> when it ran out of time). Every other line on
/// the node's stdout (Akka's log) is passed on as the node's log.
/// </summary>
public static class NodeLines
{
    public const string Prefix = "@@bench ";

    /// <summary>The id of the line a node writes once its ActorSystem is up, with its address.</summary>
    public const long HelloId = 0;

    /// <summary>What a node reports after a run; latencies in Stopwatch ticks, as little-endian bytes in base64.</summary>
    /// <param name="CpuTicks">CPU time this node process used from its counters' snapshot before the start to the finish command (TimeSpan ticks).</param>
    public sealed record RunReport(long Delivered, long FirstSend, long LastDelivery, string Latencies, ProtocolCounts? Counts, long Refused, long BackPressureRetries, long CpuTicks)
    {
        public static string Encode(long[] latencies) => Convert.ToBase64String(MemoryMarshal.AsBytes(latencies.AsSpan()));

        public long[] DecodeLatencies() => MemoryMarshal.Cast<byte, long>(Convert.FromBase64String(Latencies)).ToArray();
    }

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value)!;

    public static T FromNode<T>(JsonNode node) => node.Deserialize<T>() ?? throw new InvalidDataException($"Empty {typeof(T).Name} from a node process.");
}
