// A user's app built against the ActorCausal packages alone (tests/ActorCausal.Packaging.Tests/PackageConsumerTests.cs):
// one ActorSystem hosted with Akka.Hosting founds a group at start-up, broadcasts in total order and receives its own
// message. Prints "OK <payload>" and exits 0, or prints the failure and exits 1.
using ActorCausal;
using ActorCausal.Hosting;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
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
    var deadline = DateTime.UtcNow.AddSeconds(60);
    BroadcastReply reply;
    while ((reply = await group.Broadcast("hello from a package", DeliveryOrder.Total)).Outcome != BroadcastOutcome.Sent)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"The group was not founded: last reply {reply}.");
        await Task.Delay(100);
    }
    var message = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
    if (message.MessageId != reply.Id) throw new InvalidOperationException($"Delivered {message.MessageId}, sent {reply.Id}.");
    Console.WriteLine($"OK {message.Payload}");
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
