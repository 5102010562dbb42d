// A user's app built against the ActorCausal packages alone (tests/ActorCausal.Packaging.Tests/PackageConsumerTests.cs):
// one ActorSystem hosted with Akka.Hosting founds a group at start-up, broadcasts in total order and receives its own
// message; then, with ActorCausal.Streams, a group Source and Sink carry a message, and CausalMerge orders two
// partitions. Prints "OK <payload>", "OK stream <payload>" and "OK merge <ids>" and exits 0, or prints the failure and exits 1.
using ActorCausal;
using ActorCausal.Hosting;
using ActorCausal.Protocol;
using ActorCausal.Streams;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

const string hocon = """
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
    akka.loglevel = WARNING
    akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
    """;
var delivered = new TaskCompletionSource<Delivered>(TaskCreationOptions.RunContinuationsAsynchronously);
using var host = new HostBuilder()
    .ConfigureLogging(l => l.ClearProviders())
    .ConfigureServices(services => services.AddAkka("consumer", builder => builder
        .AddHocon(ConfigurationFactory.ParseString(hocon), HoconAddMode.Prepend)
        .WithCausalGroups(o => { o.FoundingDelay = TimeSpan.FromMilliseconds(200); o.TotalOrder = TotalOrderMode.TwoStep; })
        .WithActors((system, registry) => registry.Register<Subscriber>(system.ActorOf(Props.Create(() => new Subscriber(delivered)), "subscriber")))
        .WithCausalGroup<Subscriber>("packaged")
        .AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress))))
    .Build();
await host.StartAsync();
try
{
    var system = host.Services.GetRequiredService<ActorSystem>();
    var group = HostedCausalGroups.Get(system).Group("packaged");
    await group.Admitted.WaitAsync(TimeSpan.FromSeconds(60));
    var reply = await group.Broadcast("hello from a package", DeliveryOrder.Total);
    if (reply.Outcome != BroadcastOutcome.Sent) throw new InvalidOperationException($"Not sent once admitted: {reply}.");
    var message = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
    if (message.MessageId != reply.Id) throw new InvalidOperationException($"Delivered {message.MessageId}, sent {reply.Id}.");
    Console.WriteLine($"OK {message.Payload}");

    var materializer = system.Materializer();
    var (joined, first) = CausalGroupSource.Deliveries("streamed").ToMaterialized(Sink.First<Delivered>(), Keep.Both).Run(materializer);
    var member = await joined.WaitAsync(TimeSpan.FromSeconds(60));
    await Source.Single("hello from a stream").RunWith(CausalGroupSink.Broadcast<string>(member, DeliveryOrder.Causal), materializer).WaitAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"OK stream {(await first.WaitAsync(TimeSpan.FromSeconds(60))).Payload}");

    var b1 = new Stamped<string>(new CausalId("b", 1), [new CausalId("a", 1)], "reply");
    var a1 = new Stamped<string>(new CausalId("a", 1), [], "question");
    var merged = await CausalMerge.FromPartitions(new[]
        {
            Source.Single(new PartitionRecord<string>(0, b1)),
            Source.Single(new PartitionRecord<string>(0, a1)),
        })
        .RunWith(Sink.Seq<CausalMerged<string>>(), materializer).WaitAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"OK merge {string.Join(",", merged.Select(m => m.Element.Id))}");
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"FAILED {e}");
    return 1;
}
finally
{
    await host.StopAsync();
}

sealed class Subscriber : ReceiveActor
{
    public Subscriber(TaskCompletionSource<Delivered> delivered)
    {
        Receive<Delivered>(d => delivered.TrySetResult(d));
        ReceiveAny(_ => { });
    }
}
