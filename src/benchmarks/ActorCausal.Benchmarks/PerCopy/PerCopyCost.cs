using System.Collections.Immutable;
using System.Diagnostics;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Benchmarks.PerCopy;

/// <summary>
/// What one delivered copy of a causal broadcast costs a member at group size n, stage by stage, on one thread: the
/// sender's serialization of its envelope (per member it goes to, and once when the envelope is shared), the receiver's
/// deserialization, and the protocol's receive and delivery. The workload is the cluster benchmark's burst: every other
/// member sends batches of <c>batch</c> broadcasts, concurrent with each other (each sender's clock knows only its own
/// messages and what it delivered of the others' earlier batches). Allocated bytes are counts; the times are the process's CPU
/// time (one thread works) and only comparable within one invocation.
/// </summary>
public static class PerCopyCost
{
    public sealed record Stage(string Name, double NsPerCopy, double BytesPerCopy);

    public static void Run(IReadOnlyList<int> sizes, int batch, int rounds, TextWriter output)
    {
        using var system = ActorSystem.Create("percopy", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));
        var serializer = new CausalGroupsSerializer((ExtendedActorSystem)system);
        output.WriteLine($"per delivered copy, envelopes of {batch} data messages (16-byte payloads), {rounds} batches per sender");
        output.WriteLine("| n | stage | CPU ns/copy | allocated B/copy |");
        output.WriteLine("|---:|---|---:|---:|");
        foreach (var n in sizes)
        {
            foreach (var stage in Measure(serializer, n, batch, rounds))
                output.WriteLine($"| {n} | {stage.Name} | {stage.NsPerCopy:F0} | {stage.BytesPerCopy:F0} |");
        }
    }

    public static IReadOnlyList<Stage> Measure(CausalGroupsSerializer serializer, int n, int batch, int rounds)
    {
        var members = Enumerable.Range(0, n).Select(i => new MemberId($"akka.tcp://bench@127.0.0.1:{4000 + i}", 1)).ToImmutableArray();
        var envelopes = Burst(members, batch, rounds);
        var copies = envelopes.Sum(e => e.Messages.Length);
        var manifest = serializer.Manifest(envelopes[0]);

        // Warm-up: the JIT, and every path once.
        foreach (var e in envelopes.Take(4)) serializer.FromBinary(serializer.ToBinary(e), manifest);
        Receive(members, envelopes.Take(4).ToArray());

        var serialize = Time(() => { foreach (var e in envelopes) serializer.ToBinary(e); });
        var bytes = envelopes.Select(e => serializer.ToBinary(e)).ToArray();
        var deserialize = Time(() => { foreach (var b in bytes) serializer.FromBinary(b, manifest); });
        var received = bytes.Select(b => (GroupEnvelope)serializer.FromBinary(b, manifest)).ToArray();
        var protocol = Time(() =>
        {
            var delivered = Receive(members, received);
            if (delivered != copies) throw new InvalidOperationException($"delivered {delivered} of {copies}");
        });
        return
        [
            new("serialize, per member sent to", serialize.Ns / copies, serialize.Bytes / copies),
            new("serialize, shared by the n-1 members", serialize.Ns / copies / (n - 1), serialize.Bytes / copies / (n - 1)),
            new("deserialize", deserialize.Ns / copies, deserialize.Bytes / copies),
            new("protocol receive + deliver", protocol.Ns / copies, protocol.Bytes / copies),
        ];
    }

    private static (double Ns, double Bytes) Time(Action action)
    {
        // Process CPU time, not wall time: on a shared machine the thread is preempted (this process runs nothing else).
        var process = Process.GetCurrentProcess();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = process.TotalProcessorTime;
        action();
        process.Refresh();
        var ns = (process.TotalProcessorTime - cpu).TotalMilliseconds * 1e6;
        return (ns, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    /// <summary>Feeds every envelope to a fresh member of rank 0; returns its deliveries.</summary>
    private static long Receive(ImmutableArray<MemberId> members, GroupEnvelope[] envelopes)
    {
        var member = new GroupMember(members[0], new GroupView(1, members), new GroupMemberSettings(), nowMs: 0);
        var effects = new List<Effect>();
        long delivered = 0;
        foreach (var envelope in envelopes)
        {
            foreach (var m in envelope.Messages) member.Receive(envelope.From, m);
            member.DrainEffects(effects);
            foreach (var effect in effects)
            {
                if (effect is Deliver) delivered++;
            }
            effects.Clear();
        }
        return delivered;
    }

    /// <summary>
    /// Rounds of concurrent batches: in each round every sender 1..n-1 sends <paramref name="batch"/> broadcasts whose
    /// clocks know the earlier rounds of everyone (delivered in between) and the sender's own messages.
    /// </summary>
    private static GroupEnvelope[] Burst(ImmutableArray<MemberId> members, int batch, int rounds)
    {
        var n = members.Length;
        var sent = new long[n];
        var envelopes = new List<GroupEnvelope>();
        var payload = new SerializedPayload(4, "", new byte[16]);
        for (var round = 0; round < rounds; round++)
        {
            var known = (long[])sent.Clone();
            for (var s = 1; s < n; s++)
            {
                var clock = (long[])known.Clone();
                var acks = (long[])known.Clone();
                var messages = new ProtocolMessage[batch];
                for (var i = 0; i < batch; i++)
                {
                    clock[s] = sent[s] + 1;
                    acks[s] = sent[s];
                    sent[s]++;
                    messages[i] = new DataMessage(1, s, sent[s], DeliveryOrder.Causal, VectorClock.Of(clock), VectorClock.Of(acks),
                        new HlcTimestamp(1_765_000_000_000 + round, i), [], payload);
                }
                envelopes.Add(new GroupEnvelope(members[s], [.. messages]));
            }
        }
        return envelopes.ToArray();
    }
}
