using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

public sealed partial class GroupMember
{
    /// <summary>Everything that belongs to one view; installing a view replaces it whole (see <see cref="ResetForView"/>).</summary>
    private ViewState _viewState = ViewState.None;

    /// <summary>
    /// The state of this member in one view: clock dimension, sender logs and sequence numbers from 1, the ISIS queue,
    /// NAK back-off, the safe-delivery vectors and the flush round in progress. A new view gets a new one, so nothing of
    /// the previous view can leak into it.
    /// </summary>
    private sealed class ViewState
    {
        /// <summary>Before the first view (a joining member): no members.</summary>
        public static readonly ViewState None = new();

        private ViewState()
        {
            Logs = [];
            PeerDelivered = [];
            Delivered = [];
            Knowledge = [];
            PeerHeld = [];
            Holds = [];
            HoldsSent = [];
            LastSafe = [];
        }

        public ViewState(int size, int rank)
        {
            Size = size;
            Logs = new SenderLog[size];
            PeerDelivered = new long[size][];
            PeerHeld = new long[size][];
            for (var k = 0; k < size; k++)
            {
                Logs[k] = new SenderLog();
                PeerDelivered[k] = new long[size];
                PeerHeld[k] = new long[size];
            }
            Delivered = PeerDelivered[rank];
            Holds = PeerHeld[rank];
            Knowledge = new long[size];
            HoldsSent = new long[size];
            LastSafe = new long[size];
        }

        public readonly int Size;
        public readonly SenderLog[] Logs;
        /// <summary>Per member k, what k is known to have delivered; entry Rank is <see cref="Delivered"/>.</summary>
        public readonly long[][] PeerDelivered;
        public readonly long[] Delivered;
        public readonly long[] Knowledge;
        /// <summary>Sequence number of this member's last broadcast in the view.</summary>
        public long Seq;

        public readonly Dictionary<MessageId, TotalEntry> Total = new();
        public readonly SortedSet<TotalEntry> TotalQueue = new(TotalQueueOrder.Instance);
        public long MaxAgreed;
        public long MaxProposed;
        /// <summary>No undecided entry is due for a retry before this (a lower bound: the retry pass recomputes it).</summary>
        public long NextTotalRetryAtMs = long.MaxValue;

        public long[]? GapNakAt;
        public long[]? GapBackoff;
        public int[]? GapAttempts;
        public bool DeliveredChanged;

        /// <summary>Per member k, what k is known to hold (H_k); entry Rank is this member's own H, advanced by <see cref="AdvanceHeld"/>.</summary>
        public readonly long[][] PeerHeld;
        public readonly long[] Holds;
        /// <summary>The H this member last sent.</summary>
        public readonly long[] HoldsSent;
        /// <summary>Per sender, the highest sequence number of a safe message seen in this view (0: none).</summary>
        public readonly long[] LastSafe;
        public bool AnySafe;
        public long SafeAckDueAt = long.MaxValue;

        /// <summary>Whether a flush holds this member's delivery; changed only by <see cref="Freeze"/> and <see cref="BeginCommit"/>.</summary>
        public FlushDelivery Flush = FlushDelivery.Open;
        public FlushRound HighestRound;
        public (FlushRound Round, FlushDecision Decision)? Prepared;
        public FlushCoordination? Coordinator;
        public (int To, ProtocolMessage Message, long RetryAtMs, long BackoffMs)? FlushReply;
    }
}
