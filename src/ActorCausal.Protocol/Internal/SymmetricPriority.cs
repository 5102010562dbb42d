using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// A symmetric total-order message's place as an ISIS <see cref="Priority"/>: its HLC stamp packed into the number
/// (wall milliseconds above <see cref="LogicalBits"/> bits of logical counter, so the packing keeps the stamps' order)
/// and its sender's rank as tie-breaker. Stamps of one member are unique, so priorities are too.
/// </summary>
internal static class SymmetricPriority
{
    public const int LogicalBits = 21;
    private const long MaxWallMs = (long.MaxValue >> LogicalBits) - 1;

    /// <summary>True when the stamp packs without losing its order (wall time up to year 2109, logical counter below 2^21).</summary>
    public static bool Representable(HlcTimestamp time) =>
        time.WallMs >= 0 && time.WallMs <= MaxWallMs && time.Logical >= 0 && time.Logical < 1 << LogicalBits;

    public static Priority Of(DataMessage m) => new(((m.Time.WallMs << LogicalBits) | (long)m.Time.Logical) + 1, m.Sender);
}
