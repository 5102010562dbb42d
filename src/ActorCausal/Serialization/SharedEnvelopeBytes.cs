using System.Runtime.CompilerServices;

namespace ActorCausal.Serialization;

/// <summary>
/// The bytes of a <see cref="GroupEnvelope"/> that the group actor sends to several members at once (the same batch of
/// broadcasts to every member). Akka.Remote serializes a message once per recipient, in each recipient's endpoint
/// writer; for an envelope marked here the first serialization is kept and the others reuse it, so a batch is
/// serialized once, not once per member. The entry goes with the envelope (a weak table).
/// </summary>
internal static class SharedEnvelopeBytes
{
    private sealed class Slot
    {
        public byte[]? Bytes;
    }

    private static readonly ConditionalWeakTable<GroupEnvelope, Slot> Slots = new();

    /// <summary>Marks <paramref name="envelope"/> as sent to more than one member.</summary>
    public static void MarkShared(GroupEnvelope envelope) => Slots.TryAdd(envelope, new Slot());

    /// <summary>The bytes of <paramref name="envelope"/>: kept from its first serialization if it is shared, else made now.</summary>
    public static byte[] Of(GroupEnvelope envelope, Func<GroupEnvelope, byte[]> serialize)
    {
        if (!Slots.TryGetValue(envelope, out var slot)) return serialize(envelope);
        // Endpoint writers of different members may race here: each makes the same bytes, one copy is kept.
        return Volatile.Read(ref slot.Bytes) ?? Interlocked.CompareExchange(ref slot.Bytes, serialize(envelope), null) ?? slot.Bytes!;
    }
}
