using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// How a view change steers this member's delivery: one value instead of separate flags. <see cref="Open"/>: no flush
/// holds it, it delivers and decides total order on its own. <see cref="Reported"/>: it reported to a flush, so only the
/// flush's decision delivers now. <see cref="Committing"/>: it applies a flush commit, delivering exactly the decided
/// messages up to the cut and the open total-order messages in the decided order. GroupMember.Flush.cs makes every
/// transition; installing a view returns to <see cref="Open"/>.
/// </summary>
internal abstract class FlushDelivery
{
    private FlushDelivery() { }

    /// <summary>No flush holds this member back.</summary>
    public static readonly FlushDelivery Open = new OpenDelivery();

    /// <summary>This member reported to a flush (or coordinates one) and waits for its decision.</summary>
    public static readonly FlushDelivery Reported = new ReportedDelivery();

    /// <summary>Delivers nothing on its own: it reported, or applies a commit.</summary>
    public bool DecidesNothing => this is not OpenDelivery;

    private sealed class OpenDelivery : FlushDelivery;

    private sealed class ReportedDelivery : FlushDelivery;

    /// <summary>Applying a flush commit: <see cref="Cut"/> per rank, <see cref="Order"/> for the open total-order messages.</summary>
    public sealed class Committing(long[] cut, List<MessageId> order) : FlushDelivery
    {
        public long[] Cut { get; } = cut;
        public List<MessageId> Order { get; } = order;
        /// <summary>The first entry of <see cref="Order"/> not yet delivered.</summary>
        public int Next { get; set; }

        /// <summary>A message of rank <paramref name="k"/> beyond the cut, when everything up to the cut is delivered, is lost for good.</summary>
        public bool LostBeyondCut(int k, long sequence, long delivered) => delivered >= Cut[k] && sequence > Cut[k];
    }
}
