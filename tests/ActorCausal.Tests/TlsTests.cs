using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// TLS on the cluster's remoting (DotNetty <c>enable-ssl</c>, hocon/tls.conf): certificates are made in the test with
/// <see cref="CertificateRequest"/> (self-signed, exported to PKCS#12 files). A self-signed certificate has no chain to a
/// trusted root, so validation is certificate pinning through Akka's <see cref="DotNettySslSetup"/> custom validator
/// (<see cref="CertificateValidation.PinnedCertificate"/>), with mutual authentication: both sides present and check.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcausal-tls-").FullName;
    private readonly List<ActorSystem> _systems = new();

    [Fact]
    public async Task A_tls_cluster_forms_and_delivers_and_a_node_with_another_certificate_cannot_join_and_receives_nothing()
    {
        const string password = "test-password";
        var (clusterPfx, clusterCert) = MakeCertificate("CN=actorcausal-cluster", password);
        var (intruderPfx, intruderCert) = MakeCertificate("CN=actorcausal-intruder", password);

        // Three nodes with the cluster certificate, each accepting only that certificate.
        var nodes = new List<ActorSystem>();
        for (var i = 0; i < 3; i++)
        {
            var node = StartNode("tls", clusterPfx, password, clusterCert, clusterCert.Thumbprint);
            Cluster.Get(node).Join(Cluster.Get(nodes.Count == 0 ? node : nodes[0]).SelfAddress);
            nodes.Add(node);
        }
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(nodes.All(n =>
                Cluster.Get(n).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 3 && Cluster.Get(n).State.Unreachable.Count == 0)),
            Generous, () => Task.FromResult(string.Join("; ", nodes.Select(n => $"{Cluster.Get(n).SelfAddress}: {Cluster.Get(n).State.Members.Count} members"))));
        // With enable-ssl the address protocol is akka.ssl.tcp: seed-node addresses must use it.
        Assert.StartsWith("akka.ssl.tcp://", Cluster.Get(nodes[0]).SelfAddress.ToString());
        var memberLogs = nodes.Select(Logs.Collect).ToList();

        var group = await RecordedGroup.JoinAsync("tls", nodes);
        await group.WaitForFullViewAsync(Generous);
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(100, DeliveryOrder.Causal));
        await group.WaitForDeliveriesAsync(300, Generous);

        // A node with another certificate (which it trusts itself) tries to join through the first node and to join the
        // group, while the members keep broadcasting.
        var intruder = StartNode("tls", intruderPfx, password, intruderCert, intruderCert.Thumbprint, clusterCert.Thumbprint);
        var intruderLogs = Logs.Collect(intruder);
        var intruderSubscriber = intruder.ActorOf(RecordingSubscriber.Props(ClusterNodes.MemberIdOf(intruder), "intruder"));
        var intruderGroup = CausalGroups.Get(intruder).Join("tls", intruderSubscriber);
        intruderSubscriber.Tell(new RecordingSubscriber.Attach(await intruderGroup.Ref));
        Cluster.Get(intruder).Join(Cluster.Get(nodes[0]).SelfAddress);
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(100, DeliveryOrder.Causal));

        // Its connections are refused in the TLS handshake (seen on both sides, repeatedly: it keeps retrying) ...
        static int TlsFailures(ConcurrentQueue<LogEvent> events) =>
            events.Count(e => e.Message?.ToString() is { } m
                              && (m.Contains("pinning failed", StringComparison.OrdinalIgnoreCase) || m.Contains("handshake failed", StringComparison.OrdinalIgnoreCase)));
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(TlsFailures(memberLogs[0]) >= 2), Generous,
            () => Task.FromResult($"member TLS failures {TlsFailures(memberLogs[0])}, intruder TLS failures {TlsFailures(intruderLogs)}"));
        await group.WaitForDeliveriesAsync(600, Generous);
        output.WriteLine($"TLS handshake failures logged: member {TlsFailures(memberLogs[0])}, intruder {TlsFailures(intruderLogs)}");
        output.WriteLine(memberLogs[0].Select(e => e.Message?.ToString() ?? "").FirstOrDefault(m => m.Contains("pinning failed", StringComparison.OrdinalIgnoreCase))?.Split('\n')[0] ?? "");

        // ... so it never becomes a member of the cluster nor of the group, and its subscriber received nothing.
        var intruderAddress = Cluster.Get(intruder).SelfAddress;
        Assert.All(nodes, n => Assert.DoesNotContain(Cluster.Get(n).State.Members, m => m.Address == intruderAddress));
        Assert.DoesNotContain(Cluster.Get(intruder).State.Members, m => m.Status == Akka.Cluster.MemberStatus.Up);
        var intruderStatus = await intruderGroup.Status();
        Assert.Equal(GroupActorState.WaitingForClusterUp, intruderStatus.State);
        var intruderProgress = await intruderSubscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
        Assert.Equal(0, intruderProgress.Delivered);
        Assert.Equal(0, intruderProgress.StateSize);
        Assert.All(await group.StatusesAsync(), s => Assert.Equal(3, s.View.Size));

        // The members delivered everything over TLS, with no violation.
        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
    }

    /// <summary>
    /// A node configured as hocon/tls.conf says (enable-ssl, the PKCS#12 file and its password, validation on, mutual
    /// authentication, no host name check), plus the pinning validator that accepts only <paramref name="trusted"/>.
    /// </summary>
    private ActorSystem StartNode(string name, string pfx, string password, X509Certificate2 certificate, params string[] trusted)
    {
        var tls = Repo.Hocon("tls.conf") + $$"""

            akka.remote.dot-netty.tcp.ssl.certificate {
              path = "{{pfx.Replace("\\", "/", StringComparison.Ordinal)}}"
              password = "{{password}}"
            }
            """;
        var config = ClusterNodes.NodeConfig(tls);
        var ssl = new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: CertificateValidation.PinnedCertificate(trusted));
        var system = ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(ssl));
        _systems.Add(system);
        CausalGroups.Get(system);
        return system;
    }

    /// <summary>A self-signed certificate for TLS clients and servers, written to a PKCS#12 file in the test's folder.</summary>
    private (string Path, X509Certificate2 Certificate) MakeCertificate(string subject, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var bytes = created.Export(X509ContentType.Pkcs12, password);
        var path = Path.Combine(_dir, subject[3..] + ".pfx");
        File.WriteAllBytes(path, bytes);
        return (path, X509CertificateLoader.LoadPkcs12(bytes, password, X509KeyStorageFlags.Exportable));
    }

    public void Dispose()
    {
        Task.WhenAll(_systems.Select(s => s.Terminate())).Wait(TimeSpan.FromSeconds(30));
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
