using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka.Actor;

namespace ActorCausal.Tests.Support;

/// <summary>One three-node cluster shared by the tests of the "three-node cluster" collection (each test uses its own groups).</summary>
public sealed class ThreeNodeClusterFixture : IAsyncLifetime
{
    public ClusterNodes Nodes { get; private set; } = null!;

    public async Task InitializeAsync() => Nodes = await ClusterNodes.StartAsync(3, "three");

    public async Task DisposeAsync() => await Nodes.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ThreeNodeCollection : ICollectionFixture<ThreeNodeClusterFixture>
{
    public const string Name = "three-node cluster";
}

/// <summary>A group joined on several nodes, each with a <see cref="RecordingSubscriber"/>.</summary>
public sealed class RecordedGroup
{
    private RecordedGroup(string name, IReadOnlyList<ActorSystem> systems, IReadOnlyList<IActorRef> subscribers, IReadOnlyList<CausalGroup> handles)
    {
        Name = name;
        Systems = systems;
        Subscribers = subscribers;
        Handles = handles;
    }

    public string Name { get; }
    public IReadOnlyList<ActorSystem> Systems { get; }
    public IReadOnlyList<IActorRef> Subscribers { get; }
    public IReadOnlyList<CausalGroup> Handles { get; }

    /// <summary>
    /// How long a poll of a subscriber may wait for its answer: the subscriber answers after every delivery already in its
    /// mailbox, and with tens of thousands in flight on a starved machine that took more than 10 s (a bound about the
    /// machine, not a timing the test asserts).
    /// </summary>
    private static readonly TimeSpan AskBound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Joins the group on every node at once (no member founds first): founding asks the cluster, so concurrent joiners
    /// form one group; if a second group forms anyway, <see cref="AssertOneGroupAsync"/> fails the test, as a product bug.
    /// </summary>
    public static async Task<RecordedGroup> JoinAsync(string name, IEnumerable<ActorSystem> systems, GroupMemberSettings? protocol = null)
    {
        var list = systems.ToList();
        var subscribers = list.Select((system, i) => system.ActorOf(RecordingSubscriber.Props(ClusterNodes.MemberIdOf(system), $"{name}-n{i}"))).ToList();
        var handles = list.Select((system, i) => CausalGroups.Get(system).Join(name, subscribers[i], protocol)).ToList();
        var refs = await Task.WhenAll(handles.Select(h => h.Ref));
        for (var i = 0; i < list.Count; i++) subscribers[i].Tell(new RecordingSubscriber.Attach(refs[i]));
        return new RecordedGroup(name, list, subscribers, handles);
    }

    /// <summary>This group's members and <paramref name="other"/>'s, as one group (members that joined at different times).</summary>
    public RecordedGroup Plus(RecordedGroup other) =>
        new(Name, [.. Systems, .. other.Systems], [.. Subscribers, .. other.Subscribers], [.. Handles, .. other.Handles]);

    /// <summary>
    /// Fails the test if a second group of this name formed: a member was told GroupsMerged, or a running member is a
    /// new incarnation (its status says so before its subscriber hears of the merge). The recorded histories name each
    /// node's first incarnation, so they would be wrong. Founding asks the cluster (docs/protocol.md), so on one
    /// reachable cluster this is a product bug.
    /// </summary>
    public async Task AssertOneGroupAsync()
    {
        var progress = await ProgressAsync();
        var evidence = progress.SelectMany((p, i) => p.Merges.Select(m => $"node {i}: {m}")).ToList();
        for (var i = 0; i < Handles.Count; i++)
        {
            if (progress[i].Stopped || await StatusOrNullAsync(Handles[i]) is not { } status) continue;
            if (status.Self != ClusterNodes.MemberIdOf(Systems[i])) evidence.Add($"node {i}: {status.Self} became a new incarnation");
        }
        if (evidence.Count > 0)
            Assert.Fail($"A second group of {Name} formed and merged: {string.Join("; ", evidence)} (the recorded histories follow the first incarnations only)");
    }

    /// <summary>The member's status, or null if its group actor stopped meanwhile (a crash or leave the test caused).</summary>
    private static async Task<GroupStatus?> StatusOrNullAsync(CausalGroup handle)
    {
        try { return await handle.Status(); }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or InvalidOperationException) { return null; }
    }

    public async Task<IReadOnlyList<GroupStatus>> StatusesAsync() => await Task.WhenAll(Handles.Select(h => h.Status()));

    public async Task<IReadOnlyList<RecordingSubscriber.Progress>> ProgressAsync() =>
        await Task.WhenAll(Subscribers.Select(s => s.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), AskBound)));

    /// <summary>The recorded histories, for the checker; fails first if a second group formed (they would not follow it).</summary>
    public async Task<IReadOnlyList<MemberHistory>> HistoriesAsync()
    {
        await AssertOneGroupAsync();
        return await Task.WhenAll(Subscribers.Select(s => s.Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), AskBound)));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the last state after <paramref name="timeout"/>. Never asserts a timing.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe) =>
        EventuallyAsync(async () => await condition() ? Reached : null, timeout, describe);

    /// <summary>
    /// The tests' one poll loop: polls <paramref name="probe"/> until it returns a value and returns that; fails with the
    /// last state after <paramref name="timeout"/>. Never asserts a timing.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<Task<string>> describe) where T : class
    {
        // A probe's ask that times out (a group actor still working through a long mailbox on a busy machine) means
        // "not yet", not a failed condition: poll again until the test's own bound.
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await probe() is { } result) return result;
            }
            catch (AskTimeoutException) when (DateTime.UtcNow <= deadline) { }
            if (DateTime.UtcNow > deadline) Assert.Fail($"Condition not reached within {timeout}: {await describe()}");
            await Task.Delay(50);
        }
    }

    private static readonly object Reached = new();

    /// <summary>Waits until every member is in one view with all of them.</summary>
    public async Task WaitForFullViewAsync(TimeSpan timeout)
    {
        await EventuallyAsync(async () =>
        {
            await AssertOneGroupAsync();
            var statuses = await StatusesAsync();
            return statuses.All(s => s.State == GroupActorState.Member && s.View.Size == Systems.Count && s.Phase == MemberPhase.Normal)
                   && statuses.Select(s => s.View.Id).Distinct().Count() == 1;
        }, timeout, async () => string.Join("; ", (await StatusesAsync()).Select(s => $"{s.Self}: {s.State} {s.Phase} {s.View}")));
    }

    public async Task WaitForDeliveriesAsync(int expected, TimeSpan timeout)
    {
        await EventuallyAsync(async () => (await ProgressAsync()).All(p => p.Delivered >= expected), timeout,
            async () => string.Join("; ", (await ProgressAsync()).Select(p => $"delivered {p.Delivered} sent {p.Sent} refused {p.Refused} in flight {p.InFlight}"))
                        + " | " + string.Join("; ", (await StatusesAsync()).Select(s => $"{s.Self}: pending {s.Protocol.PendingNow} unstable {s.Protocol.UnstableBuffered} naks {s.Protocol.NaksSent} rejected {s.InputsRejected}")));
    }
}
