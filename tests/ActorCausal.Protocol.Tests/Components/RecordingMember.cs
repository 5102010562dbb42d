using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>
/// A member of view <see cref="ViewId"/> (members m0, m1, ... in rank order) reduced to what a part of it reads: its
/// <see cref="ViewState"/>, a settable clock, and the effects and refusals recorded. As an <see cref="ITotalOrderHost"/>
/// it throws when asked to deliver (Pump, Deliver, the safe wait of a safe message) unless a test host overrides those.
/// Test hosts derive from it.
/// </summary>
internal abstract class RecordingMember : ITotalOrderHost
{
    public const long ViewId = 3;

    protected RecordingMember(int rank, int size)
    {
        Rank = rank;
        View = new GroupView(ViewId, Enumerable.Range(0, size).Select(k => new MemberId($"m{k}", 1)));
        ViewState = new ViewState(size, rank);
    }

    public ViewState ViewState { get; protected set; }
    public List<Effect> Effects { get; } = new();
    public List<RejectReason> Rejections { get; } = new();
    public MemberCounters Counters { get; } = new();

    public GroupView View { get; protected set; }
    public int Rank { get; protected set; }
    public MemberId Self => View.Members[Rank];
    public int Size => ViewState.Size;
    public long Now { get; set; }
    public long LastSequence => ViewState.Seq;
    public SenderLog Log(int sender) => ViewState.Logs[sender];
    public virtual int CoordinatorRank() => 0;
    public bool IsRemoved(MemberId member) => false;
    public MemberId Member(int rank) => View.Members[rank];
    public void Emit(Effect effect) => Effects.Add(effect);

    public ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail)
    {
        Rejections.Add(reason);
        return ReceiveOutcome.Rejected(reason, detail);
    }

    public AcknowledgementMatrix Acks => ViewState.Acks;
    public bool FlushDecidesNothing => ViewState.Flush.DecidesNothing;
    public virtual void StartGapTimer(int sender) { }
    // Delivery is not stubbed: a part that delivers through a host that did not wire it must fail the test, not deliver nothing.
    public virtual void Pump() => throw NotWired(nameof(Pump));
    public virtual bool SafeWaitOver(DataMessage m) => m.Safe ? throw NotWired(nameof(SafeWaitOver)) : true;
    public virtual void Deliver(DataMessage m) => throw NotWired(nameof(Deliver));

    private InvalidOperationException NotWired(string member) =>
        new($"{GetType().Name} delivers nothing by itself: the test host must override {member} (wire it to its DeliveryQueues / SafeDelivery).");

    /// <summary>What was sent to one member, in order.</summary>
    public List<ProtocolMessage> SentTo(int rank) => Effects.OfType<Send>().Where(s => s.To == Member(rank)).Select(s => s.Message).ToList();

    public static MessageId Id(int sender, long sequence) => new(ViewId, sender, sequence);

    /// <summary>A data message of the view with clock <paramref name="clock"/> (entry <paramref name="sender"/> = <paramref name="sequence"/>) and nothing delivered by its sender.</summary>
    public static DataMessage Data(int sender, long sequence, DeliveryOrder order, long[] clock, params MessageId[] dependsOn) =>
        new(ViewId, sender, sequence, order, VectorClock.Wrap(clock), VectorClock.Wrap(new long[clock.Length]), new HlcTimestamp(0, 0),
            [.. dependsOn], $"{sender}:{sequence}");
}
