using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Tests.Support;

/// <summary>Collects the warning and error log events of one ActorSystem.</summary>
public sealed class LogCollector : ReceiveActor
{
    private readonly ConcurrentQueue<LogEvent> _events;

    public LogCollector(ConcurrentQueue<LogEvent> events)
    {
        _events = events;
        Receive<LogEvent>(e => _events.Enqueue(e));
    }
}

public static class Logs
{
    /// <summary>Starts collecting the warnings and errors of <paramref name="system"/>.</summary>
    public static ConcurrentQueue<LogEvent> Collect(ActorSystem system)
    {
        var events = new ConcurrentQueue<LogEvent>();
        var collector = system.ActorOf(Props.Create(() => new LogCollector(events)));
        system.EventStream.Subscribe(collector, typeof(Warning));
        system.EventStream.Subscribe(collector, typeof(Error));
        return events;
    }
}
