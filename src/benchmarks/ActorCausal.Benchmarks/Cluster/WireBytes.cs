using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// Bytes the kernel reports as sent (<c>tcpi_bytes_sent</c>, from <c>ss -tin</c>) on the TCP
/// connections between the benchmark's nodes: every connection with one of the nodes' ports at either end. Both ends
/// of each connection are in this process, and each socket counts what it sent, so every byte is counted once.
/// This is TCP payload (Akka.Remote frames: envelope, paths, serializer ids, manifests and message bytes), without
/// TCP/IP headers. It includes the cluster's own gossip and heartbeats during the run. Returns null when ss is not
/// available or reports no byte counters.
/// </summary>
public static partial class WireBytes
{
    public static long? Snapshot(IReadOnlyCollection<int> ports)
    {
        string output;
        try
        {
            var info = new ProcessStartInfo("ss", "-tinH state established")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(info)!;
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) return null;
        }
        catch (Exception)
        {
            return null;
        }

        // With -i, each socket is one line of addresses followed by one indented line of counters.
        var lines = output.Split('\n');
        long total = 0;
        var found = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var m = Endpoints().Match(lines[i]);
            if (!m.Success) continue;
            var local = int.Parse(m.Groups[1].Value);
            var peer = int.Parse(m.Groups[2].Value);
            if (!ports.Contains(local) && !ports.Contains(peer)) continue;
            // The counters are on the same line (ss joins them when not a tty) or on the next one.
            var counters = lines[i] + (i + 1 < lines.Length ? " " + lines[i + 1] : "");
            var acked = Acked().Match(counters);
            if (!acked.Success) continue;
            total += long.Parse(acked.Groups[1].Value);
            found = true;
        }
        return found ? total : null;
    }

    [GeneratedRegex(@"(?:\[::ffff:)?127\.0\.0\.1\]?:(\d+)\s+(?:\[::ffff:)?127\.0\.0\.1\]?:(\d+)")]
    private static partial Regex Endpoints();

    [GeneratedRegex(@"bytes_sent:(\d+)")]
    private static partial Regex Acked();
}
