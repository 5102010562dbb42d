using ActorCausal.Protocol;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Benchmarks.Workloads;

/// <summary>Feeds pre-generated messages to one receiving <see cref="GroupMember"/> the way a driver would.</summary>
public static class CausalFeeder
{
    /// <summary>Feeds every message, draining effects after each Receive; returns how many were delivered.</summary>
    public static long Feed(GroupMember member, DataMessage[] messages, List<Effect> effects)
    {
        var members = BenchGroup.Members;
        long delivered = 0;
        foreach (var message in messages)
        {
            member.Receive(members[message.Sender], message);
            if (member.DrainEffects(effects) == 0) continue;
            foreach (var effect in effects)
            {
                if (effect is Deliver) delivered++;
            }
            effects.Clear();
        }
        return delivered;
    }

    /// <summary>
    /// Untimed check: feeds the messages to a fresh member and verifies it delivers exactly <paramref name="expectedOrder"/>
    /// (the only correct order for <see cref="CausalWorkload"/>) and rejects nothing.
    /// </summary>
    public static void Verify(GroupMember member, DataMessage[] messages, DataMessage[] expectedOrder, string what)
    {
        var members = BenchGroup.Members;
        var effects = new List<Effect>();
        var delivered = new List<MessageId>(messages.Length);
        foreach (var message in messages)
        {
            var outcome = member.Receive(members[message.Sender], message);
            if (outcome.Status != ReceiveStatus.Accepted)
                throw new InvalidOperationException($"{what}: message {message.Id} was {outcome.Status} ({outcome.Reason}: {outcome.Detail}).");
            member.DrainEffects(effects);
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case Deliver d:
                        delivered.Add(d.Message.Id);
                        break;
                    case InputRejected r:
                        throw new InvalidOperationException($"{what}: input from {r.From} rejected: {r.Reason} {r.Detail}");
                }
            }
            effects.Clear();
        }
        if (delivered.Count != expectedOrder.Length)
            throw new InvalidOperationException($"{what}: delivered {delivered.Count} of {expectedOrder.Length} messages.");
        for (var i = 0; i < expectedOrder.Length; i++)
        {
            if (delivered[i] != expectedOrder[i].Id)
                throw new InvalidOperationException($"{what}: delivery {i} was {delivered[i]}, expected {expectedOrder[i].Id}.");
        }
    }
}
