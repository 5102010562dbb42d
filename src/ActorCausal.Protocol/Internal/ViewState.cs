namespace ActorCausal.Protocol.Internal;

/// <summary>
/// The state of a member in one view: clock dimension, sender logs and sequence numbers from 1,
/// NAK back-off, the safe-delivery vectors and whether a flush holds delivery. A new view gets a new one, so nothing of
/// the previous view can leak into it.
/// </summary>
internal sealed class ViewState
{
    /// <summary>Before the first view (a joining member): no members.</summary>
    public static readonly ViewState None = new();

    private ViewState()
    {
        Logs = [];
        Knowledge = [];
        Acks = AcknowledgementMatrix.None;
        Reports = StabilityReports.None;
    }

    public ViewState(int size, int rank)
    {
        Size = size;
        Logs = new SenderLog[size];
        for (var k = 0; k < size; k++) Logs[k] = new SenderLog();
        Acks = new AcknowledgementMatrix(size, rank);
        Reports = new StabilityReports(size, rank);
        Knowledge = new long[size];
    }

    public readonly int Size;
    public readonly SenderLog[] Logs;
    /// <summary>What each member delivered and stores (stability and safe delivery).</summary>
    public readonly AcknowledgementMatrix Acks;
    /// <summary>This member's delivered vector: <see cref="Acks"/>' own row.</summary>
    public long[] Delivered => Acks.Delivered;
    /// <summary>What each sender was last told of its messages delivered here (receiver-driven stability reports).</summary>
    public readonly StabilityReports Reports;
    public readonly long[] Knowledge;
    /// <summary>Sequence number of this member's last broadcast in the view.</summary>
    public long Seq;

    /// <summary>NAK timers, created at the first gap of the view.</summary>
    public NakBackoff? Naks;
    public bool DeliveredChanged;

    public long SafeAckDueAt = long.MaxValue;

    /// <summary>Messages buffered here: received or broadcast and not yet delivered, plus delivered ones kept until stable.</summary>
    public int Buffered => Logs.Sum(log => log.Count);

    /// <summary>Of <see cref="Buffered"/>, those not yet delivered here.</summary>
    public int Pending => Logs.Sum(log => log.Pending);

    /// <summary>Whether a flush holds this member's delivery; changed only by <see cref="FlushParticipant"/> (reported) and the member applying a commit.</summary>
    public FlushDelivery Flush = FlushDelivery.Open;
}
