using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorCausal.Tests.Support;

/// <summary>A subscriber that keeps every group event it receives, in order, for a test to read.</summary>
public sealed class EventCollector : ReceiveActor
{
    public EventCollector(ConcurrentQueue<IGroupEvent> events) => Receive<IGroupEvent>(events.Enqueue);
}

public static class EventCollectors
{
    public static IActorRef On(ActorSystem system, ConcurrentQueue<IGroupEvent> events) =>
        system.ActorOf(Props.Create(() => new EventCollector(events)));
}
