using System.Text;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>One merge step by step: a lone founder [a] meets the group [b, c] of the same name and merges into it.</summary>
public class MergeProtocolTests
{
    private static readonly GroupMemberSettings Settings = new() { JoinRetryIntervalMs = 100, FoundingDelayMs = 400, MergeIntervalMs = 500 };
    private static readonly MemberId A = new("a", 1), A2 = new("a", 2), B = new("b", 1), C = new("c", 1);

    /// <summary>Members by id; every effect each one emitted, in order; sends delivered at once, in order.</summary>
    private sealed class Pump
    {
        public Dictionary<MemberId, GroupMember> Members { get; } = new();
        public Dictionary<MemberId, List<Effect>> Effects { get; } = new();
        private readonly Queue<(MemberId From, MemberId To, ProtocolMessage Message)> _queue = new();
        /// <summary>Runs when a merge starts a member's next incarnation, before it has its state (the application's broadcasts).</summary>
        public Action<GroupMember>? IncarnationStarted { get; set; }

        public void Add(GroupMember m)
        {
            Members[m.Self] = m;
            Effects[m.Self] = new();
        }

        public void Run(long now)
        {
            foreach (var m in Members.Values.ToList()) Drain(m, now);
            while (_queue.TryDequeue(out var x))
            {
                // As the runtime does: what is sent to a member goes to its node's current incarnation.
                var to = Members.Values.Where(m => m.Self.Address == x.To.Address).MaxBy(m => m.Self.Incarnation)!;
                to.Receive(x.From, x.Message);
                Drain(to, now);
            }
        }

        private void Drain(GroupMember m, long now)
        {
            var effects = new List<Effect>();
            while (m.DrainEffects(effects) > 0)
            {
                foreach (var e in effects.ToList())
                {
                    Effects[m.Self].Add(e);
                    switch (e)
                    {
                        case Send s: _queue.Enqueue((m.Self, s.To, s.Message)); break;
                        case SendToAll all:
                            foreach (var to in m.View.Members.Where(x => x != m.Self)) _queue.Enqueue((m.Self, to, all.Message));
                            break;
                        case ProbeOtherNodes p:
                            foreach (var to in Members.Keys.Where(x => !p.Probe.Members.Contains(x)).ToList()) _queue.Enqueue((m.Self, to, p.Probe));
                            break;
                        case TakeSnapshot t: m.ProvideSnapshot(t.ViewId, Encoding.UTF8.GetBytes($"state of {m.Self.Address}")); break;
                        case MergingInto into:
                            var next = GroupMember.Merging(new MemberId(m.Self.Address, m.Self.Incarnation + 1), into.Handover, Settings, now);
                            Add(next);
                            IncarnationStarted?.Invoke(next);
                            next.ProvideSnapshot(into.Handover.Origin.Id, Encoding.UTF8.GetBytes($"state of side {m.Self.Address}"));
                            Drain(next, now);
                            break;
                    }
                }
                effects.Clear();
            }
        }
    }

    /// <param name="beforeMerge">Runs once the three members exist (the application's broadcasts).</param>
    private static Pump MergeLoneFounderIntoPair(Action<Pump>? beforeMerge = null, Action<GroupMember>? incarnationStarted = null)
    {
        var pump = new Pump { IncarnationStarted = incarnationStarted };
        pump.Add(new GroupMember(A, new GroupView(1, [A]), Settings));
        var pair = new GroupView(1L << 40, [B, C]);
        pump.Add(new GroupMember(B, pair, Settings));
        pump.Add(new GroupMember(C, pair, Settings));
        beforeMerge?.Invoke(pump);
        for (long t = 10; t <= 2_000; t += 10)
        {
            foreach (var m in pump.Members.Values.ToList()) m.Tick(t);
            pump.Run(t);
        }
        return pump;
    }

    /// <summary>a's first message, sent in its own group before the merge.</summary>
    private static MessageId SendFirst(Pump pump)
    {
        var first = pump.Members[A].Broadcast("first", DeliveryOrder.Causal);
        Assert.True(first.Accepted && !first.IsHeld, first.Reason);
        Assert.Equal(new MessageId(1, 0, 1), first.Id);
        return first.Id;
    }

    private static DataMessage SentData(Pump pump, MemberId sender, MessageId id) =>
        pump.Effects[sender].OfType<SendToAll>().Select(s => s.Message).OfType<DataMessage>().Single(m => m.Id == id);

    private static string Text(MergeSnapshot m) => Encoding.UTF8.GetString(m.Side.Snapshot.Span);

    [Fact]
    public void The_smaller_side_closes_its_view_and_hands_over_to_a_new_incarnation()
    {
        var pump = MergeLoneFounderIntoPair();
        var a = pump.Effects[A];
        var handover = Assert.Single(a.OfType<MergingInto>()).Handover;
        Assert.Equal(new[] { A }, handover.Origin.Members);
        Assert.Equal(new[] { B, C }, handover.Target.Members);
        Assert.Equal(StopReason.Merged, Assert.Single(a.OfType<Stopped>()).Reason);
        Assert.True(a.FindIndex(e => e is MergingInto) < a.FindIndex(e => e is Stopped));
        Assert.Equal(MemberPhase.Stopped, pump.Members[A].Phase);
    }

    [Fact]
    public void The_winners_merge_the_other_sides_state_after_their_snapshot_for_joiners_and_before_the_merged_view()
    {
        var pump = MergeLoneFounderIntoPair();
        foreach (var id in new[] { B, C })
        {
            var effects = pump.Effects[id];
            var merged = effects.FindIndex(e => e is MergeSnapshot);
            var installed = effects.FindIndex(e => e is ViewInstalled v && v.View.Contains(A2));
            Assert.True(merged >= 0 && installed > merged, $"{id}: merge at {merged}, view at {installed}");
            Assert.Equal("state of side a", Text((MergeSnapshot)effects[merged]));
            Assert.Equal(new[] { A }, ((MergeSnapshot)effects[merged]).Side.View.Members);
            Assert.Single(effects.OfType<MergeSnapshot>());
            Assert.Equal(new[] { B, C, A2 }, pump.Members[id].View.Members);
        }
        var take = pump.Effects[B].FindIndex(e => e is TakeSnapshot);
        Assert.True(take >= 0 && take < pump.Effects[B].FindIndex(e => e is MergeSnapshot), "the joiners' snapshot is the winner's own state");
    }

    [Fact]
    public void The_new_incarnation_merges_the_winners_state_instead_of_replacing_its_own()
    {
        var pump = MergeLoneFounderIntoPair();
        var effects = pump.Effects[A2];
        Assert.Empty(effects.OfType<LoadSnapshot>());
        var merge = Assert.Single(effects.OfType<MergeSnapshot>());
        Assert.Equal("state of b", Text(merge));
        Assert.True(effects.IndexOf(merge) < effects.FindIndex(e => e is ViewInstalled));
        Assert.Equal(MemberPhase.Normal, pump.Members[A2].Phase);
        Assert.Equal(pump.Members[B].View, pump.Members[A2].View);
    }

    [Fact]
    public void A_merging_member_holds_broadcasts_until_it_is_admitted_and_then_sends_them()
    {
        var handover = MergeLoneFounderIntoPair().Effects[A].OfType<MergingInto>().Single().Handover;
        var next = GroupMember.Merging(new MemberId("a", 9), handover, Settings, 0);
        var held = next.Broadcast("while merging", DeliveryOrder.Causal);
        Assert.True(held.IsHeld);
        Assert.Equal(MemberPhase.Joining, next.Phase);
        Assert.Throws<ArgumentException>(() => GroupMember.Merging(A, handover, Settings, 0));
    }

    [Fact]
    public void A_merging_member_may_name_its_own_sides_messages_they_are_settled_by_the_merged_state_and_not_sent()
    {
        MessageId first = default;
        long ticket = 0;
        var pump = MergeLoneFounderIntoPair(
            p => first = SendFirst(p),
            next =>
            {
                Assert.True(next.IsMergeJoining);
                var reply = next.Broadcast("reply", DeliveryOrder.Explicit, [first]);
                Assert.True(reply.IsHeld, reply.Reason);
                ticket = reply.Ticket;
            });
        Assert.NotEqual(0, ticket);
        var sent = Assert.Single(pump.Effects[A2].OfType<HeldBroadcastSent>(), h => h.Ticket == ticket);
        Assert.Equal(pump.Members[B].View.Id, sent.Id.ViewId);
        // Every member of the merged view holds side a's state (B and C merged it before installing the view).
        Assert.Empty(SentData(pump, A2, sent.Id).DependsOn);
        foreach (var winner in new[] { B, C }) Assert.Contains(pump.Effects[winner], e => e is MergeSnapshot m && m.Side.View.Contains(A));
    }

    [Fact]
    public void A_winner_member_may_name_a_merged_sides_message_but_not_one_of_a_group_it_never_merged()
    {
        MessageId first = default;
        var pump = MergeLoneFounderIntoPair(p => first = SendFirst(p));
        var b = pump.Members[B];
        Assert.Contains(A2, b.View.Members);

        var reply = b.Broadcast("reply", DeliveryOrder.Explicit, [first]);
        Assert.True(reply.Accepted, reply.Reason);
        pump.Run(2_000);
        Assert.Empty(SentData(pump, B, reply.Id).DependsOn);

        // A view of a third group (its own range, lower than this group's ids) that never merged here: nothing settles it.
        var stranger = new MessageId((3L << 32) + 1, 0, 1);
        var refused = b.Broadcast("reply to a stranger", DeliveryOrder.Explicit, [stranger]);
        Assert.Equal(BroadcastRefusal.UnknownDependency, refused.Refusal);
        Assert.Contains("another group", refused.Reason);
    }

    [Fact]
    public void A_welcome_from_another_group_is_declined_and_that_group_drops_the_member()
    {
        // b founded its own group; a late announcement made [x] admit b too: b declines and x's next view leaves it out.
        var b = new GroupMember(B, new GroupView(Internal.MergeRules.FoundingViewId(B), [B]), Settings);
        var x = new GroupMember(new MemberId("x", 1), new GroupView(Internal.MergeRules.FoundingViewId(new MemberId("x", 1)) + 1, [new MemberId("x", 1), B]), Settings);
        var welcome = new Welcome(x.View.Id, x.View.Members, [B], ReadOnlyMemory<byte>.Empty);
        b.Receive(x.Self, welcome);
        var effects = new List<Effect>();
        b.DrainEffects(effects);
        var declined = Assert.Single(effects.OfType<Send>());
        Assert.IsType<WelcomeDeclined>(declined.Message);
        x.Receive(B, declined.Message);
        Assert.Equal(MemberState.Failed, x.StateOf(B));
        Assert.Equal(new[] { x.Self }, x.View.Members);
    }
}
