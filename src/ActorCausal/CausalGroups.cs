using System.Net;
using ActorCausal.Internal;
using ActorCausal.Protocol;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace ActorCausal;

/// <summary>Creates the <see cref="CausalGroups"/> extension (listed in <c>akka.extensions</c> to start it with the system).</summary>
public sealed class CausalGroupsExtensionProvider : ExtensionIdProvider<CausalGroups>
{
    /// <inheritdoc />
    public override CausalGroups CreateExtension(ExtendedActorSystem system) => new(system);
}

/// <summary>
/// ActorCausal on one ActorSystem: ordered, reliable group multicast over Akka.Cluster. <see cref="Join(string, IActorRef, JoinOptions)"/> starts a
/// group actor for a named group on this node; the group's members are the nodes that joined it.
/// </summary>
/// <remarks>
/// Every node that may exchange group traffic must have the extension loaded (its serializer is registered when it
/// starts): list <c>"ActorCausal.CausalGroupsExtensionProvider, ActorCausal"</c> in <c>akka.extensions</c>, call
/// <see cref="Get"/> at startup, or use <c>WithCausalGroups</c> with Akka.Hosting.
/// </remarks>
public sealed class CausalGroups : IExtension
{
    /// <summary>The name of the System.Diagnostics.Metrics meter.</summary>
    public const string MeterName = "ActorCausal";

    private readonly ExtendedActorSystem _system;

    /// <summary>Started by Akka through <see cref="CausalGroupsExtensionProvider"/>; use <see cref="Get"/>.</summary>
    public CausalGroups(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        _system = system;
        _system.Settings.InjectTopLevelFallback(DefaultConfig());
        Settings = CausalGroupsSettings.Create(system.Settings.Config.GetConfig("actorcausal"));
        Cluster = Cluster.Get(system);
        Guardian = system.SystemActorOf(Props.Create(() => new CausalGuardian(Settings)).WithDeploy(Deploy.Local), Settings.GuardianName);
        // A node downed by another node's decision learns it from gossip and shuts down at once, often before its own
        // MemberDowned reaches the group actors: tell them first thing, so each group stops with Downed and its subscriber
        // hears it before the user actors are stopped.
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "actorcausal-node-downed", async () =>
        {
            if (shutdown.ShutdownReason is not CoordinatedShutdown.ClusterDowningReason) return Done.Instance;
            try
            {
                await Guardian.Ask<Done>(CausalGuardian.NodeDowned.Instance, Settings.AskTimeout + Settings.AskTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // the guardian is gone or a group actor did not answer: ClusterShuttingDown still stops them
            }
            return Done.Instance;
        });
    }

    /// <summary>The extension of <paramref name="system"/>, started (with its serializer and guardian) on first use.</summary>
    public static CausalGroups Get(ActorSystem system) => system.WithExtension<CausalGroups, CausalGroupsExtensionProvider>();

    /// <summary>The embedded reference.conf: <c>actorcausal { ... }</c> defaults and the serializer bindings.</summary>
    public static Config DefaultConfig() => ConfigurationFactory.FromResource<CausalGroups>("ActorCausal.reference.conf");

    /// <summary>The <c>actorcausal</c> settings this node runs with.</summary>
    public CausalGroupsSettings Settings { get; }

    /// <summary>The cluster whose members and failure detector drive the groups' views.</summary>
    public Cluster Cluster { get; }

    /// <summary>The parent of the group actors (/system/actorcausal by default).</summary>
    public IActorRef Guardian { get; }

    /// <summary>
    /// Joins <paramref name="group"/> on this node. <paramref name="subscriber"/> receives the group's events in order;
    /// if it terminates, the member leaves. The node must be (or become) Up in the cluster: the member is admitted by the
    /// group's current members, or founds the group if it is the oldest node to start it (see README, "Founding").
    /// <paramref name="protocol"/> replaces <c>actorcausal.protocol</c> whole for this group (start from
    /// <c>Settings.Protocol with { ... }</c> to keep the configured values); every member of a group must use
    /// the same total-order mode.
    /// </summary>
    public CausalGroup Join(string group, IActorRef subscriber, GroupMemberSettings? protocol = null) =>
        Join(group, subscriber, new JoinOptions { Protocol = protocol });

    /// <summary>
    /// Joins <paramref name="group"/> on this node as <see cref="Join(string, IActorRef, GroupMemberSettings?)"/> does, with
    /// <paramref name="options"/>: protocol settings and where snapshots for joiners come from (stateless, a provider
    /// actor or a delegate instead of the subscriber).
    /// </summary>
    public CausalGroup Join(string group, IActorRef subscriber, JoinOptions options)
    {
        var name = ActorNameOf(group);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = options.Protocol ?? Settings.Protocol;
        settings.Validate();
        if (settings.SafeQuorum == SafeQuorum.Majority && MajoritySafeDowning.Problem(_system.Settings.Config) is { } problem)
            _system.Log.Warning(MajoritySafeDowning.Warning(group, problem));
        var handle = new GroupHandleState();
        var start = new CausalGuardian.StartGroup(group, name, subscriber, settings, options, handle);
        var actor = _system.WhenTerminated.IsCompleted
            ? Task.FromException<IActorRef>(new InvalidOperationException($"The actor system {_system.Name} has terminated; group '{group}' cannot be joined."))
            : Guardian.Ask<IActorRef>(start, Settings.AskTimeout);
        return new CausalGroup(_system, group, subscriber, actor, Settings.AskTimeout, handle, options.VerifyPayloads ?? Settings.VerifyPayloads);
    }

    /// <summary>The actor name of a group: the URL-encoded group name. Throws for a name that cannot be one.</summary>
    public static string ActorNameOf(string group)
    {
        if (string.IsNullOrWhiteSpace(group)) throw new ArgumentException("A group needs a name.", nameof(group));
        var name = WebUtility.UrlEncode(group);
        if (name.StartsWith('$') || !ActorPath.IsValidPathElement(name))
            throw new ArgumentException($"'{group}' cannot name a group (it is not a valid actor name once URL-encoded: '{name}').", nameof(group));
        return name;
    }
}
