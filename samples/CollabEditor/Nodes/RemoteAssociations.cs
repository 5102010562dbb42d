using Akka.Actor;
using Akka.Remote;

namespace CollabEditor.Nodes;

/// <summary>
/// Closes the remoting associations between the in-process ActorSystems of the demo, gracefully, while every system
/// is still running; they terminate afterwards with nothing left to close.
/// </summary>
/// <remarks>
/// Why (Akka.Remote 1.5.74): a terminating system stops its endpoint writers (each asks its association's protocol
/// actor to send a Disassociate(Shutdown) message) and then, without waiting for those actors, stops the transport
/// manager whose children they are. A protocol actor stopped before it ran that request closes the connection without
/// the message; a system still running reads an unexplained close (Disassociated Unknown), its endpoint writer fails
/// with EndpointDisassociatedException and the writer's supervisor logs it at ERROR with a stack trace. Here every
/// endpoint receives the flush its own system's shutdown would send (EndpointWriter.FlushAndStop, internal, reached by
/// reflection), while the transports still run: each protocol actor sends Disassociate(Shutdown), the peer logs it at
/// DEBUG ("has shut down") and stops its side. If Akka no longer has that type, nothing is sent and the systems
/// terminate as before.
/// </remarks>
public static class RemoteAssociations
{
    private static readonly object? FlushAndStop = typeof(RemoteActorRefProvider).Assembly
        .GetType("Akka.Remote.EndpointWriter+FlushAndStop")?.GetProperty("Instance")?.GetValue(null);

    /// <returns>The endpoints still open when <paramref name="bound"/> ran out (0 when every association closed).</returns>
    public static async Task<int> CloseAll(IReadOnlyList<ActorSystem> systems, TimeSpan bound)
    {
        if (FlushAndStop is null) return Count(systems);
        foreach (var system in systems)
            foreach (var endpoint in Children(SystemActor(system, "endpointManager")))
                endpoint.Tell(FlushAndStop);
        var deadline = DateTime.UtcNow + bound;
        while (Count(systems) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return Count(systems);
    }

    /// <summary>Endpoints and association protocol actors (under /system/transports/*) of the systems.</summary>
    private static int Count(IEnumerable<ActorSystem> systems) => systems.Sum(s =>
        Children(SystemActor(s, "endpointManager")).Count
        + Children(SystemActor(s, "transports")).Sum(manager => Children(manager).Count));

    private static IActorRef SystemActor(ActorSystem system, string name) =>
        ((ExtendedActorSystem)system).SystemGuardian.GetChild([name]);

    private static List<IActorRef> Children(IActorRef actor) =>
        actor is ActorRefWithCell cell ? cell.Children.ToList() : [];
}
