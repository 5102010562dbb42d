using System.Collections.Concurrent;
using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;

namespace ActorCausal.Tests;

/// <summary>
/// <see cref="CausalGroup.Admitted"/> and broadcasts before admission: held (answered Held with a ticket), sent in order
/// once the member is admitted and announced by <see cref="BroadcastReleased"/>; Admitted faults at once when the member
/// can no longer be admitted. A node that has not joined the cluster cannot be admitted, which holds the member before
/// admission for as long as a test needs.
/// </summary>
public sealed class AdmissionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static Task Eventually(Func<bool> condition, Func<string> describe) =>
        RecordedGroup.EventuallyAsync(() => Task.FromResult(condition()), Generous, () => Task.FromResult(describe()));

    /// <summary>A node outside the cluster (not joined), with the extension loaded; terminated when disposed.</summary>
    private sealed class Outsider : IAsyncDisposable
    {
        public Outsider(string name)
        {
            System = ActorSystem.Create(name, ClusterNodes.NodeConfig(null));
            CausalGroups.Get(System);
        }

        public ActorSystem System { get; }

        public ValueTask DisposeAsync() =>
            new(System.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default));
    }

    private static IActorRef CollectorOn(ActorSystem system, ConcurrentQueue<IGroupEvent> events) => EventCollectors.On(system, events);

    private static string[] Payloads(ConcurrentQueue<IGroupEvent> events) =>
        events.OfType<Delivered>().Select(d => (string)d.Payload).ToArray();

    [Fact]
    public async Task Broadcasts_before_admission_are_held_and_sent_in_order_once_admitted()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "admission");
        await using var outsider = new Outsider("admission");
        var joiner = outsider.System;
        {
            var firstEvents = new ConcurrentQueue<IGroupEvent>();
            var first = CausalGroups.Get(nodes[0]).Join("g", CollectorOn(nodes[0], firstEvents), new JoinOptions { Stateless = true });
            var firstView = await first.Admitted.WaitAsync(Generous);
            Assert.Equal(1, firstView.Size);
            Assert.Equal(BroadcastOutcome.Sent, (await first.Broadcast("before", DeliveryOrder.Causal)).Outcome);

            var joinerEvents = new ConcurrentQueue<IGroupEvent>();
            var group = CausalGroups.Get(joiner).Join("g", CollectorOn(joiner, joinerEvents), new JoinOptions { Stateless = true });
            var orders = new[] { DeliveryOrder.Causal, DeliveryOrder.Total, DeliveryOrder.SafeTotal, DeliveryOrder.Fifo };
            var replies = new List<BroadcastReply>();
            for (var i = 0; i < orders.Length; i++) replies.Add(await group.Broadcast($"early-{i}", orders[i]));
            Assert.All(replies, r => Assert.Equal(BroadcastOutcome.Held, r.Outcome));
            Assert.Equal(replies.Count, replies.Select(r => r.Ticket).Distinct().Count());
            Assert.False(group.Admitted.IsCompleted); // its node is not in the cluster, so nobody can admit it
            Assert.Equal(GroupActorState.WaitingForClusterUp, (await group.Status()).State);

            Cluster.Get(joiner).Join(Cluster.Get(nodes[0]).SelfAddress);
            var view = await group.Admitted.WaitAsync(Generous);
            Assert.Equal(2, view.Size);
            Assert.Contains(ClusterNodes.MemberIdOf(joiner).Address, view.Members.Select(m => m.Address));

            var expected = Enumerable.Range(0, orders.Length).Select(i => $"early-{i}").ToArray();
            await Eventually(() => Payloads(firstEvents).Length >= 1 + expected.Length && Payloads(joinerEvents).Length >= expected.Length,
                () => $"first [{string.Join(",", Payloads(firstEvents))}], joiner [{string.Join(",", Payloads(joinerEvents))}]");
            Assert.Equal(["before", .. expected], Payloads(firstEvents));
            Assert.Equal(expected, Payloads(joinerEvents));

            // Each ticket is released once, with the id the message was delivered as, after the view and before its delivery.
            var released = joinerEvents.OfType<BroadcastReleased>().ToList();
            Assert.Equal(replies.Select(r => r.Ticket), released.Select(r => r.Ticket));
            Assert.Equal(released.Select(r => r.Id), joinerEvents.OfType<Delivered>().Select(d => d.MessageId));
            Assert.All(released, r => Assert.Equal(view.Id, r.Id.ViewId));
            var order = joinerEvents.ToList();
            Assert.True(order.FindIndex(e => e is ViewChanged) < order.FindIndex(e => e is BroadcastReleased));
            Assert.True(order.FindIndex(e => e is BroadcastReleased) < order.FindIndex(e => e is Delivered));
            Assert.All(released, r => Assert.NotNull(r.Token));
            Assert.True((await first.WaitForDelivered(released[^1].Token!.Value, Generous)).Succeeded);

            Assert.Equal(BroadcastOutcome.Sent, (await group.Broadcast("after", DeliveryOrder.Causal)).Outcome);
        }
    }

    [Fact]
    public async Task Before_admission_holding_is_bounded_by_max_unstable_and_explicit_dependencies_are_refused()
    {
        await using var node = new Outsider("admission-bound");
        var outsider = node.System;
        {
            var options = new JoinOptions { Stateless = true, Protocol = new GroupMemberSettings { MaxUnstable = 3 } };
            var group = CausalGroups.Get(outsider).Join("g", CollectorOn(outsider, new()), options);
            for (var i = 0; i < 3; i++) Assert.Equal(BroadcastOutcome.Held, (await group.Broadcast(i)).Outcome);
            var fourth = await group.Broadcast(3);
            Assert.Equal(RefusalReason.BackPressure, fourth.Reason);
            Assert.Contains("admission", fourth.Detail);
            var withDependency = await group.Broadcast("x", DeliveryOrder.Explicit, [new MessageId(1, 0, 1)]);
            Assert.Equal(RefusalReason.UnknownDependency, withDependency.Reason);
            Assert.Equal(BroadcastOutcome.Refused, (await group.Broadcast("y", DeliveryOrder.Fifo, [new MessageId(1, 0, 1)])).Outcome);
        }
    }

    [Fact]
    public async Task Admitted_faults_at_once_when_the_member_leaves_before_admission_and_when_the_join_is_refused()
    {
        await using var node = new Outsider("admission-never");
        var outsider = node.System;
        {
            var events = new ConcurrentQueue<IGroupEvent>();
            var group = CausalGroups.Get(outsider).Join("g", CollectorOn(outsider, events), new JoinOptions { Stateless = true });
            Assert.Equal(BroadcastOutcome.Held, (await group.Broadcast("never sent")).Outcome);

            // The same group again on this node: the join is refused, and so is admission, without waiting for anything.
            var twice = CausalGroups.Get(outsider).Join("g", CollectorOn(outsider, new()), new JoinOptions { Stateless = true });
            var refused = await Assert.ThrowsAsync<GroupNotAdmittedException>(() => twice.Admitted.WaitAsync(Generous));
            Assert.Null(refused.Stopped);
            Assert.Contains("refused", refused.Message);

            Assert.False(group.Admitted.IsCompleted);
            var stopped = await group.Leave().WaitAsync(Generous);
            var left = await Assert.ThrowsAsync<GroupNotAdmittedException>(() => group.Admitted.WaitAsync(Generous));
            Assert.Equal(GroupStopReason.Left, left.Stopped?.Reason);
            Assert.Equal(stopped, left.Stopped);
            Assert.Equal("g", left.Group);
            Assert.Empty(events.OfType<Delivered>());
            Assert.Empty(events.OfType<BroadcastReleased>());
        }
    }

    [Fact]
    public async Task Admitted_faults_when_the_actor_system_terminates_before_admission()
    {
        await using var node = new Outsider("admission-terminated");
        var outsider = node.System;
        var group = CausalGroups.Get(outsider).Join("g", CollectorOn(outsider, new()), new JoinOptions { Stateless = true });
        await group.Ref.WaitAsync(Generous);
        await outsider.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        var e = await Assert.ThrowsAsync<GroupNotAdmittedException>(() => group.Admitted.WaitAsync(Generous));
        Assert.NotNull(e.Stopped); // Left (the shutdown leaves the cluster first) or Failed (the actor stopped): it ended
    }
}
