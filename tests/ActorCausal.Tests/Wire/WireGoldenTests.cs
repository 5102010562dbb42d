using System.Text;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// The wire format does not change by accident: one sample of every message type (SerializerTests.Samples, and one
/// envelope carrying every protocol message type) serializes to the manifest and bytes captured from the version
/// before the wire registry (Wire/wire-goldens.txt), and every protocol message's size estimate is the one captured
/// then. A rolling upgrade needs both versions to read each other's bytes. Regenerate the file only for a deliberate
/// wire change: ACTORCAUSAL_WRITE_WIRE_GOLDENS=1.
/// </summary>
public sealed class WireGoldenTests : IDisposable
{
    private static readonly string GoldenFile = Path.Combine(Repo.Root, "tests", "ActorCausal.Tests", "Wire", "wire-goldens.txt");

    private readonly ActorSystem _system = ActorSystem.Create("goldens", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactorcausal.batching.compact-envelopes = off").WithFallback(CausalGroups.DefaultConfig()));
    private readonly CausalGroupsSerializer _serializer;

    public WireGoldenTests() => _serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>SerializerTests' samples, and an envelope with one message of every protocol type (the union form).</summary>
    internal static IEnumerable<(string Name, object Message)> Samples()
    {
        var samples = SerializerTests.Samples().Select(row => ((string)row[0], row[1])).ToList();
        var everyProtocolType = samples.Select(s => s.Item2).OfType<ProtocolMessage>().GroupBy(m => m.GetType()).Select(g => g.First()).ToList();
        samples.Add(("envelope-of-every-protocol-type", new GroupEnvelope(new("akka.tcp://sys@127.0.0.1:4002", -22), [.. everyProtocolType])));
        return samples;
    }

    private string Line(string name, object message)
    {
        var estimate = message is ProtocolMessage p ? WireTypes.EstimateBytes(p).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
        return $"{name}\t{_serializer.Manifest(message)}\t{estimate}\t{Convert.ToHexString(_serializer.ToBinary(message))}";
    }

    [Fact]
    public void Every_sample_serializes_to_the_captured_manifest_bytes_and_size_estimate()
    {
        var lines = Samples().Select(s => Line(s.Name, s.Message)).ToList();
        if (Environment.GetEnvironmentVariable("ACTORCAUSAL_WRITE_WIRE_GOLDENS") == "1")
            File.WriteAllText(GoldenFile, string.Join("\n", lines) + "\n", new UTF8Encoding(false));

        var golden = File.ReadAllLines(GoldenFile).Where(l => l.Length > 0).ToDictionary(l => l.Split('\t')[0]);
        Assert.Equal(golden.Count, lines.Count);
        foreach (var line in lines)
        {
            var name = line.Split('\t')[0];
            Assert.True(golden.TryGetValue(name, out var expected), $"no golden line for {name}");
            Assert.True(expected == line, $"{name} changed on the wire:\n  golden {expected}\n  now    {line}");
        }
    }

    [Fact]
    public void The_captured_bytes_still_read_back_as_the_samples()
    {
        var samples = Samples().ToDictionary(s => s.Name, s => s.Message);
        foreach (var fields in File.ReadAllLines(GoldenFile).Where(l => l.Length > 0).Select(l => l.Split('\t')))
        {
            var back = _serializer.FromBinary(Convert.FromHexString(fields[3]), fields[1]);
            DeepEqual.Assert(samples[fields[0]], back, fields[0]);
        }
    }
}
