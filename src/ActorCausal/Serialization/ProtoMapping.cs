using System.Collections.Concurrent;
using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using Google.Protobuf;
using Google.Protobuf.Collections;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

/// <summary>Malformed wire data: turned into a <see cref="System.Runtime.Serialization.SerializationException"/> by the serializer.</summary>
internal sealed class WireFormatException(string message) : Exception(message);

/// <summary>
/// Maps protocol messages to their protobuf form and back. Reading validates everything the protocol types require
/// (present fields, defined enums, non-negative clocks, parseable member addresses), so bad bytes fail here with a
/// clear message instead of surfacing later inside the protocol.
/// </summary>
/// <remarks><paramref name="isNodeAddress"/> replaces the Akka address check of member ids (the simulator's members are named m0, m1, ...).</remarks>
internal sealed partial class ProtoMapping(Func<object, SerializedPayload> serializePayload, Func<string, bool>? isNodeAddress = null)
{
    private const int MaxCachedAddresses = 4096;
    private readonly ConcurrentDictionary<string, bool> _validAddresses = new();

    // ---------------------------------------------------------------- to wire

    public W.ProtocolMessage ToProtoUnion(ProtocolMessage message) => WireTypes.Of(message).ToUnion(this, message);

    public static W.MemberId ToProto(MemberId m) => new() { Address = m.Address ?? "", Incarnation = m.Incarnation };

    private static W.MessageId ToProto(MessageId id) => new() { ViewId = id.ViewId, Sender = id.Sender, Sequence = id.Sequence };

    private static W.Priority ToProto(Priority p) => new() { Number = p.Number, Rank = p.Rank };

    private static W.FlushRound ToProto(FlushRound r) => new() { Counter = r.Counter, Coordinator = r.Coordinator };

    private static W.KnownFinal ToProto(KnownFinal f) => new() { Message = ToProto(f.Message), Priority = ToProto(f.Priority) };

    private static void Fill(RepeatedField<long> target, VectorClock clock)
    {
        foreach (var e in clock.AsSpan()) target.Add(e);
    }

    public W.DataMessage ToProto(DataMessage m)
    {
        var payload = PayloadOf(m);
        var w = ToProtoBody(m, payload);
        w.Payload.SerializerId = payload.SerializerId;
        w.Payload.Manifest = payload.Manifest ?? "";
        Fill(w.Clock, m.Clock);
        Fill(w.Acks, m.Acks);
        return w;
    }

    internal SerializedPayload PayloadOf(DataMessage m) => m.Payload as SerializedPayload ?? serializePayload(m.Payload);

    /// <summary>Every field but the clock, the acks and the payload's serializer id and manifest (which a compact envelope writes its own way).</summary>
    internal static W.DataMessage ToProtoBody(DataMessage m, SerializedPayload payload)
    {
        var w = new W.DataMessage
        {
            ViewId = m.ViewId,
            Sender = m.Sender,
            Sequence = m.Sequence,
            Order = (W.Order)(int)m.Order,
            Time = new W.Hlc { WallMs = m.Time.WallMs, Logical = m.Time.Logical },
            Payload = new W.Payload { Data = UnsafeByteOperations.UnsafeWrap(payload.Bytes) },
            Safe = m.Safe,
        };
        if (!m.DependsOn.IsDefault)
        {
            foreach (var d in m.DependsOn) w.DependsOn.Add(ToProto(d));
        }
        return w;
    }

    public W.Nak ToProto(Nak m) => new() { ViewId = m.ViewId, Origin = m.Origin, From = m.From, To = m.To };

    public W.StabilityGossip ToProto(StabilityGossip m)
    {
        var w = new W.StabilityGossip { ViewId = m.ViewId };
        Fill(w.Delivered, m.Delivered);
        if (m.Held is not null) Fill(w.Held, m.Held);
        return w;
    }

    public W.Proposal ToProto(Proposal m) =>
        new() { ViewId = m.ViewId, Message = ToProto(m.Message), Priority = ToProto(m.Priority), ReplyRequested = m.ReplyRequested, AskNumber = m.AskNumber };

    public W.ProposalBatch ToProto(ProposalBatch m)
    {
        var w = new W.ProposalBatch { ViewId = m.ViewId };
        foreach (var item in m.Items) w.Items.Add(new W.ProposedPriority { Message = ToProto(item.Message), Priority = ToProto(item.Priority) });
        return w;
    }

    public W.FinalPriority ToProto(FinalPriority m) => new() { ViewId = m.ViewId, Message = ToProto(m.Message), Priority = ToProto(m.Priority), AskNumber = m.AskNumber };

    public W.ClockHeartbeat ToProto(ClockHeartbeat m) => new() { ViewId = m.ViewId, Sequence = m.Sequence, Time = new W.Hlc { WallMs = m.Time.WallMs, Logical = m.Time.Logical } };

    private static W.MergeView ToProto(GroupView view)
    {
        var w = new W.MergeView { ViewId = view.Id };
        foreach (var m in view.Members) w.Members.Add(ToProto(m));
        return w;
    }

    private static W.MergeSide ToProto(MergeSide side) => new() { View = ToProto(side.View), Snapshot = UnsafeByteOperations.UnsafeWrap(side.Snapshot) };

    public W.MergeProbe ToProto(MergeProbe m) => new() { View = ToProto(m.View) };

    public W.MergeRequest ToProto(MergeRequest m) => new() { View = ToProto(m.View) };

    public W.MergeAccept ToProto(MergeAccept m) => new() { View = ToProto(m.View) };

    public W.MergeOffer ToProto(MergeOffer m) => new() { Origin = ToProto(m.View), Snapshot = UnsafeByteOperations.UnsafeWrap(m.Snapshot) };

    public W.WelcomeDeclined ToProto(WelcomeDeclined m) => new() { View = ToProto(m.View) };

    public W.FlushDecision ToProto(FlushDecision d)
    {
        var w = new W.FlushDecision { ViewId = d.ViewId, NewViewId = d.NewViewId };
        if (d.MergeTarget is { } target) w.MergeTarget = ToProto(target);
        if (!d.Merged.IsDefault)
        {
            foreach (var side in d.Merged) w.Merged.Add(ToProto(side));
        }
        foreach (var m in d.NewMembers) w.NewMembers.Add(ToProto(m));
        foreach (var c in d.Cut) w.Cut.Add(c);
        foreach (var m in d.Messages) w.Messages.Add(ToProto(m));
        foreach (var f in d.TotalOrder) w.TotalOrder.Add(ToProto(f));
        w.Reporters.AddRange(d.Reporters);
        return w;
    }

    public W.FlushRequest ToProto(FlushRequest m)
    {
        var w = new W.FlushRequest { ViewId = m.ViewId, Round = ToProto(m.Round) };
        foreach (var member in m.NewMembers) w.NewMembers.Add(ToProto(member));
        return w;
    }

    public W.FlushReport ToProto(FlushReport m)
    {
        var w = new W.FlushReport { ViewId = m.ViewId, Round = ToProto(m.Round), PreparedRound = ToProto(m.PreparedRound) };
        Fill(w.Delivered, m.Delivered);
        foreach (var d in m.Messages) w.Messages.Add(ToProto(d));
        foreach (var f in m.Finals) w.Finals.Add(ToProto(f));
        if (m.Prepared is not null) w.Prepared = ToProto(m.Prepared);
        return w;
    }

    public W.FlushPrepare ToProto(FlushPrepare m) => new() { ViewId = m.ViewId, Round = ToProto(m.Round), Decision = ToProto(m.Decision) };

    public W.FlushPrepareAck ToProto(FlushPrepareAck m) => new() { ViewId = m.ViewId, Round = ToProto(m.Round) };

    public W.FlushCommit ToProto(FlushCommit m) => new() { ViewId = m.ViewId, Round = ToProto(m.Round), Decision = ToProto(m.Decision) };

    public W.Welcome ToProto(Welcome m)
    {
        var w = new W.Welcome { ViewId = m.ViewId, Snapshot = UnsafeByteOperations.UnsafeWrap(m.Snapshot) };
        if (!m.Merged.IsDefault)
        {
            foreach (var side in m.Merged) w.Merged.Add(ToProto(side));
        }
        foreach (var member in m.Members) w.Members.Add(ToProto(member));
        foreach (var member in m.Joined) w.Joined.Add(ToProto(member));
        return w;
    }

    public W.LeaveRequest ToProto(LeaveRequest m) => new() { ViewId = m.ViewId };

    // ---------------------------------------------------------------- from wire

    public ProtocolMessage FromProto(W.ProtocolMessage w) =>
        WireTypes.WithCase(w.KindCase)?.FromUnion(this, w) ?? throw new WireFormatException("A protocol message without a known kind.");

    public MemberId FromProto(W.MemberId w)
    {
        var address = w.Address;
        if (string.IsNullOrEmpty(address)) throw new WireFormatException("A member id without an address.");
        if (isNodeAddress is not null)
        {
            if (!isNodeAddress(address)) throw new WireFormatException($"'{Truncate(address)}' is not a node address.");
        }
        else if (!_validAddresses.ContainsKey(address))
        {
            if (!Akka.Actor.Address.TryParse(address, out var parsed) || parsed is null || !parsed.HasGlobalScope)
                throw new WireFormatException($"'{Truncate(address)}' is not an Akka node address.");
            if (_validAddresses.Count >= MaxCachedAddresses) _validAddresses.Clear();
            _validAddresses.TryAdd(address, true);
        }
        return new MemberId(address, w.Incarnation);
    }

    private static MessageId FromProto(W.MessageId w)
    {
        if (w.ViewId < 0 || w.Sender < 0 || w.Sequence < 1)
            throw new WireFormatException($"Message id {w.ViewId}.{w.Sender}.{w.Sequence} is out of range.");
        return new MessageId(w.ViewId, w.Sender, w.Sequence);
    }

    private static Priority FromProto(W.Priority w) => new(w.Number, w.Rank);

    private static FlushRound FromProto(W.FlushRound w) => new(w.Counter, w.Coordinator);

    private static KnownFinal FromProto(W.KnownFinal w) =>
        new(FromProto(Required(w.Message, "KnownFinal.message")), FromProto(Required(w.Priority, "KnownFinal.priority")));

    internal static VectorClock Clock(RepeatedField<long> entries, string what)
    {
        if (entries.Count == 0) throw new WireFormatException($"{what} is an empty vector clock.");
        var array = new long[entries.Count];
        for (var i = 0; i < array.Length; i++)
        {
            var e = entries[i];
            if (e < 0) throw new WireFormatException($"{what} has a negative entry ({e}).");
            array[i] = e;
        }
        return VectorClock.Of(array);
    }

    private static long ViewId(long viewId, string what)
    {
        if (viewId < 0) throw new WireFormatException($"{what} names a negative view id ({viewId}).");
        return viewId;
    }

    public DataMessage FromProto(W.DataMessage w)
    {
        var payload = Required(w.Payload, "DataMessage.payload");
        return FromProto(w, Clock(w.Clock, "DataMessage.clock"), Clock(w.Acks, "DataMessage.acks"), payload.SerializerId, payload.Manifest);
    }

    /// <summary>A data message whose clock, acks and payload type were read already (in full, or from a compact envelope).</summary>
    internal static DataMessage FromProto(W.DataMessage w, VectorClock clock, VectorClock acks, int serializerId, string manifest)
    {
        if (!Enum.IsDefined((DeliveryOrder)(int)w.Order) || ((DeliveryOrder)(int)w.Order).IsSafe()) throw new WireFormatException($"DataMessage with unknown order {(int)w.Order}.");
        var time = Required(w.Time, "DataMessage.time");
        return FromProto(w, ViewId(w.ViewId, "DataMessage"), w.Sender, w.Sequence, (DeliveryOrder)(int)w.Order, new HlcTimestamp(time.WallMs, time.Logical),
            clock, acks, serializerId, manifest);
    }

    /// <summary>A data message whose ids, order and time were read as well (a delta envelope has them as changes).</summary>
    internal static DataMessage FromProto(W.DataMessage w, long viewId, int sender, long sequence, DeliveryOrder order, HlcTimestamp time,
        VectorClock clock, VectorClock acks, int serializerId, string manifest)
    {
        var payload = Required(w.Payload, "DataMessage.payload");
        var deps = ImmutableArray.CreateBuilder<MessageId>(w.DependsOn.Count);
        foreach (var d in w.DependsOn) deps.Add(FromProto(d));
        return new DataMessage(viewId, sender, sequence, order, clock, acks, time, deps.MoveToImmutable(),
            new SerializedPayload(serializerId, manifest, payload.Data.Memory)) { Safe = w.Safe };
    }

    public Nak FromProto(W.Nak w) => new(ViewId(w.ViewId, "Nak"), w.Origin, w.From, w.To);

    public StabilityGossip FromProto(W.StabilityGossip w) =>
        new(ViewId(w.ViewId, "StabilityGossip"), Clock(w.Delivered, "StabilityGossip.delivered"))
        {
            Held = w.Held.Count == 0 ? null : Clock(w.Held, "StabilityGossip.held"),
        };

    public Proposal FromProto(W.Proposal w) =>
        new(ViewId(w.ViewId, "Proposal"), FromProto(Required(w.Message, "Proposal.message")), FromProto(Required(w.Priority, "Proposal.priority")), w.ReplyRequested) { AskNumber = w.AskNumber };

    public ProposalBatch FromProto(W.ProposalBatch w)
    {
        if (w.Items.Count == 0) throw new WireFormatException("A ProposalBatch carries no proposal.");
        var items = ImmutableArray.CreateBuilder<ProposedPriority>(w.Items.Count);
        foreach (var item in w.Items)
            items.Add(new ProposedPriority(FromProto(Required(item.Message, "ProposedPriority.message")), FromProto(Required(item.Priority, "ProposedPriority.priority"))));
        return new ProposalBatch(ViewId(w.ViewId, "ProposalBatch"), items.MoveToImmutable());
    }

    public FinalPriority FromProto(W.FinalPriority w) =>
        new(ViewId(w.ViewId, "FinalPriority"), FromProto(Required(w.Message, "FinalPriority.message")), FromProto(Required(w.Priority, "FinalPriority.priority"))) { AskNumber = w.AskNumber };

    public ClockHeartbeat FromProto(W.ClockHeartbeat w)
    {
        var time = Required(w.Time, "ClockHeartbeat.time");
        return new(ViewId(w.ViewId, "ClockHeartbeat"), w.Sequence, new HlcTimestamp(time.WallMs, time.Logical));
    }

    public FlushDecision FromProto(W.FlushDecision w)
    {
        // No new members is legitimate: the decision that closes a group whose members all leave.
        if (w.Cut.Count == 0) throw new WireFormatException("A flush decision without a cut.");
        foreach (var c in w.Cut)
        {
            if (c < 0) throw new WireFormatException($"A flush decision with a negative cut entry ({c}).");
        }
        return new FlushDecision(
            ViewId(w.ViewId, "FlushDecision"), ViewId(w.NewViewId, "FlushDecision.new_view_id"),
            Members(w.NewMembers), [.. w.Cut],
            [.. w.Messages.Select(FromProto)], [.. w.TotalOrder.Select(FromProto)])
        {
            MergeTarget = w.MergeTarget is null ? null : FromProto(w.MergeTarget, "FlushDecision.merge_target"),
            Merged = Sides(w.Merged, "FlushDecision"),
            Reporters = [.. w.Reporters],
        };
    }

    public MergeProbe FromProto(W.MergeProbe w) => FromView(w.View, "MergeProbe", (id, m) => new MergeProbe(id, m));

    public MergeRequest FromProto(W.MergeRequest w) => FromView(w.View, "MergeRequest", (id, m) => new MergeRequest(id, m));

    public MergeAccept FromProto(W.MergeAccept w) => FromView(w.View, "MergeAccept", (id, m) => new MergeAccept(id, m));

    public MergeOffer FromProto(W.MergeOffer w) => FromView(w.Origin, "MergeOffer", (id, m) => new MergeOffer(id, m, w.Snapshot.Memory));

    public WelcomeDeclined FromProto(W.WelcomeDeclined w) => FromView(w.View, "WelcomeDeclined", (id, m) => new WelcomeDeclined(id, m));

    private T FromView<T>(W.MergeView? w, string what, Func<long, ImmutableArray<MemberId>, T> create)
    {
        var view = FromProto(Required(w, $"{what}.view"), what);
        return create(view.Id, view.Members);
    }

    /// <summary>A view with at least one member, none twice (GroupView's own rules, as wire errors).</summary>
    private GroupView FromProto(W.MergeView w, string what)
    {
        var members = Members(w.Members);
        if (members.IsEmpty) throw new WireFormatException($"{what} names a view without members.");
        if (members.Distinct().Count() != members.Length) throw new WireFormatException($"{what} names a view with a member twice.");
        return new GroupView(ViewId(w.ViewId, what), members);
    }

    private ImmutableArray<MergeSide> Sides(RepeatedField<W.MergeSide> sides, string what) =>
        [.. sides.Select(s => new MergeSide(FromProto(Required(s.View, $"{what}.merged.view"), what), s.Snapshot.Memory))];

    private ImmutableArray<MemberId> Members(RepeatedField<W.MemberId> members)
    {
        var builder = ImmutableArray.CreateBuilder<MemberId>(members.Count);
        foreach (var m in members) builder.Add(FromProto(m));
        return builder.MoveToImmutable();
    }

    public FlushRequest FromProto(W.FlushRequest w) =>
        new(ViewId(w.ViewId, "FlushRequest"), FromProto(Required(w.Round, "FlushRequest.round")), Members(w.NewMembers));

    public FlushReport FromProto(W.FlushReport w) =>
        new(ViewId(w.ViewId, "FlushReport"), FromProto(Required(w.Round, "FlushReport.round")), Clock(w.Delivered, "FlushReport.delivered"),
            [.. w.Messages.Select(FromProto)], [.. w.Finals.Select(FromProto)],
            w.PreparedRound is null ? default : FromProto(w.PreparedRound),
            w.Prepared is null ? null : FromProto(w.Prepared));

    public FlushPrepare FromProto(W.FlushPrepare w) =>
        new(ViewId(w.ViewId, "FlushPrepare"), FromProto(Required(w.Round, "FlushPrepare.round")), FromProto(Required(w.Decision, "FlushPrepare.decision")));

    public FlushPrepareAck FromProto(W.FlushPrepareAck w) =>
        new(ViewId(w.ViewId, "FlushPrepareAck"), FromProto(Required(w.Round, "FlushPrepareAck.round")));

    public FlushCommit FromProto(W.FlushCommit w) =>
        new(ViewId(w.ViewId, "FlushCommit"), FromProto(Required(w.Round, "FlushCommit.round")), FromProto(Required(w.Decision, "FlushCommit.decision")));

    public Welcome FromProto(W.Welcome w)
    {
        if (w.Members.Count == 0) throw new WireFormatException("A Welcome without members.");
        return new Welcome(ViewId(w.ViewId, "Welcome"), Members(w.Members), Members(w.Joined), w.Snapshot.Memory) { Merged = Sides(w.Merged, "Welcome") };
    }

    public LeaveRequest FromProto(W.LeaveRequest w) => new(ViewId(w.ViewId, "LeaveRequest"));

    internal static T Required<T>(T? value, string field) where T : class =>
        value ?? throw new WireFormatException($"Required field {field} is missing.");

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
