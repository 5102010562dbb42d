using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace ActorCausal.Tests.Support;

/// <summary>Several test host processes of one cluster on loopback (the first is the seed), with polling that reports every host's state on failure.</summary>
public sealed class HostCluster(string directory, ITestOutputHelper output) : IDisposable
{
    private readonly List<HostProcess> _hosts = new();

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    public string Directory { get; } = directory;

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public HostProcess Start(string name, IEnumerable<string> arguments)
    {
        var host = HostProcess.Start(Path.Combine(Directory, $"{name}.jsonl"), arguments);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Polls the hosts' logs until <paramref name="condition"/> holds; fails with their state and recent output otherwise.</summary>
    public async Task EventuallyAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(condition()), timeout, () =>
        {
            foreach (var h in _hosts) output.WriteLine($"--- pid {h.Pid} (exited: {h.HasExited}) output:\n{h.RecentOutput}");
            return Task.FromResult(what + ": " + Describe());
        });
    }

    public string Describe() => string.Join("; ", _hosts.Select(h =>
    {
        var l = h.ReadLog();
        return $"{l.Member}: exited {h.HasExited}, sent {l.Sent}, refused {l.Refused}, delivered {l.Deliveries.Count}, views [{string.Join(" ", l.Views.Select(v => $"{v.ViewId}:{v.Members.Length}"))}]";
    }));

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }
}
