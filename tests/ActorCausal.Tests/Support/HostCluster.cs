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

    public static int FreePort() => FreePort(IPAddress.Loopback);

    /// <summary>A port free on <paramref name="address"/> (a host listening on its own loopback address, 127.0.0.11 ...).</summary>
    public static int FreePort(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public HostProcess Start(string name, IEnumerable<string> arguments, int? groupId = null)
    {
        var host = HostProcess.Start(Path.Combine(Directory, $"{name}.jsonl"), arguments, groupId);
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
