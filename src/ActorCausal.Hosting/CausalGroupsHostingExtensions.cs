using Akka.Actor;
using Akka.Event;
using Akka.Hosting;

namespace ActorCausal.Hosting;

/// <summary>Akka.Hosting entry points of ActorCausal.</summary>
public static class CausalGroupsHostingExtensions
{
    /// <summary>
    /// Adds ActorCausal to an Akka.Hosting ActorSystem: the reference configuration (so the serializer is bound from
    /// the start), the options as overrides, and the extension itself, started with the system. The system needs the
    /// cluster provider (Akka.Cluster.Hosting's <c>WithClustering</c>, or HOCON).
    /// </summary>
    public static AkkaConfigurationBuilder WithCausalGroups(this AkkaConfigurationBuilder builder, Action<CausalGroupsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CausalGroupsOptions();
        configure?.Invoke(options);
        builder.AddHocon(options.ToHocon(), HoconAddMode.Prepend);
        builder.AddHocon(CausalGroups.DefaultConfig(), HoconAddMode.Append);
        builder.WithExtensions(typeof(CausalGroupsExtensionProvider));
        return builder;
    }

    /// <summary>
    /// Joins <paramref name="group"/> when the ActorSystem starts, with the subscriber registered in the
    /// <see cref="ActorRegistry"/> under <typeparamref name="TSubscriber"/> (register it with <c>WithActors</c> before
    /// this call). The handle is in <see cref="HostedCausalGroups"/>; the group actor is also registered under
    /// <see cref="CausalGroupActor{TSubscriber}"/> before the host's <c>StartAsync</c> completes (the member may still be
    /// waiting for admission then: see <see cref="CausalGroup"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithCausalGroup<TSubscriber>(this AkkaConfigurationBuilder builder, string group, JoinOptions? options = null) =>
        builder.WithCausalGroup(group, (_, registry) => registry.Get<TSubscriber>(), options, register: (registry, actor) =>
            registry.TryRegister<CausalGroupActor<TSubscriber>>(actor));

    /// <summary>
    /// Joins <paramref name="group"/> when the ActorSystem starts, with the subscriber that
    /// <paramref name="subscriber"/> picks (from the <see cref="IActorRegistry"/>, or an actor it starts). The handle is
    /// in <see cref="HostedCausalGroups"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithCausalGroup(this AkkaConfigurationBuilder builder, string group,
        Func<ActorSystem, IActorRegistry, IActorRef> subscriber, JoinOptions? options = null) =>
        builder.WithCausalGroup(group, subscriber, options, register: null);

    private static AkkaConfigurationBuilder WithCausalGroup(this AkkaConfigurationBuilder builder, string group,
        Func<ActorSystem, IActorRegistry, IActorRef> subscriber, JoinOptions? options, Action<IActorRegistry, IActorRef>? register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(subscriber);
        CausalGroups.ActorNameOf(group); // refuse a bad name while configuring, not at start-up
        // An async starter: Akka.Hosting awaits it before the host's StartAsync completes, so the group actor is in the
        // registry by then. Registering later, from a continuation, raced Akka.Hosting's ActorRegistry.GetAsync, which
        // checks the registry and then adds its waiter without checking again: a registration in between is never seen
        // and an IRequiredActor<...>.GetAsync() without a token waited for ever (seen in our CI).
        return builder.WithActors((ActorStarter)(async (system, registry) =>
        {
            var handle = CausalGroups.Get(system).Join(group, subscriber(system, registry), options ?? new JoinOptions());
            HostedCausalGroups.Get(system).Add(handle);
            IActorRef actor;
            try
            {
                actor = await handle.Ref.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Nothing is registered then: say why, as an IRequiredActor of the group actor would wait for it for ever.
                system.Log.Error(e, "Group {0} could not be joined at start-up; its group actor is not registered.", group);
                return;
            }
            register?.Invoke(registry, actor);
        }));
    }
}

/// <summary>
/// Registry key of the group actor that <see cref="CausalGroupsHostingExtensions.WithCausalGroup{TSubscriber}"/>
/// started for the subscriber <typeparamref name="TSubscriber"/> (<c>IRequiredActor&lt;CausalGroupActor&lt;T&gt;&gt;</c>).
/// </summary>
public sealed class CausalGroupActor<TSubscriber>
{
    private CausalGroupActor() { }
}
