using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using GroupChat.Actors;
using GroupChat.Model;
using GroupChat.Web;

namespace GroupChat.Bench;

/// <summary>
/// The load command: a fresh three-node in-process cluster, N posts through the nodes' HTTP APIs with C requests in
/// flight (round robin over the nodes; every fifth post a reply, every tenth shows an attachment uploaded at the same
/// node), then checks that every node has the same room state and that every reply and attachment message came after
/// what it depends on. Latency is from just before the POST to the last node's delivery of the post (same process, same
/// clock). With <see cref="Options.ReplicationOff"/> the same load runs against the ceiling: the same app with its groups
/// replaced by local delivery (<see cref="NodeOptions.ReplicationOff"/>), where each node stores only its own posts and
/// the check is that it does.
/// </summary>
public static class ChatBench
{
    /// <param name="KeepLogs">Return every node's final room log (the joiner's too) with the result, for a test to check itself.</param>
    /// <param name="ReplicationOff">Run the ceiling: each node stores its own posts only (no joiner).</param>
    /// <param name="ExtraConfig">HOCON added to every node's configuration (both modes), to try a setting side by side.</param>
    public sealed record Options(int Posts, int Concurrency, int Attachments, bool Joiner, bool KeepLogs = false, bool ReplicationOff = false, string? ExtraConfig = null);

    /// <summary>One node's room log as it delivered it.</summary>
    public sealed record NodeLog(string Node, StoredEvent[] Events);

    /// <param name="CpuMsPerPost">The process's CPU time (all threads) from the first POST to the last delivery, per post.</param>
    public sealed record Result(int Posts, double Seconds, double PostsPerSecond, double P50Ms, double P99Ms, double MaxMs, bool Consistent, double? JoinerSeconds, int JoinerEvents,
        IReadOnlyList<NodeLog>? Logs = null, bool ReplicationOff = false, double CpuMsPerPost = 0)
    {
        public override string ToString() =>
            $"{PostsPerSecond:F0} posts/s ({Posts} in {Seconds:F1} s, {CpuMsPerPost:F2} CPU ms per post), POST to visible on every node that stores it p50 {P50Ms:F0} ms p99 {P99Ms:F0} ms max {MaxMs:F0} ms, " +
            (ReplicationOff ? $"each node stores its own posts only: {(Consistent ? "yes" : "NO")}" : $"same history everywhere: {(Consistent ? "yes" : "NO")}") +
            (JoinerSeconds is { } j ? $", a fourth node joined with {JoinerEvents} events in {j:F1} s" : "");
    }

    private const string BenchConfig = """
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        """;

    public static async Task<Result> RunAsync(Options options, TextWriter log, CancellationToken cancel)
    {
        var off = options.ReplicationOff;
        var config = options.ExtraConfig is null ? BenchConfig : BenchConfig + "\n" + options.ExtraConfig;
        var dir = Path.Combine(Path.GetTempPath(), "groupchat-bench-" + Guid.NewGuid().ToString("N"));
        await using var cluster = await InProcessCluster.StartAsync(3, dir, firstHttpPort: 0, extraConfig: config, replicationOff: off);
        try
        {
            var clients = cluster.Nodes.Select(n => new HttpClient { BaseAddress = n.Url, Timeout = TimeSpan.FromSeconds(120) }).ToArray();
            // Replicated: the room is created once and reaches every node; the ceiling: every node creates its own.
            foreach (var c in off ? clients : clients[..1])
                await Until(async () => (await c.PostAsJsonAsync("/api/rooms", new { name = "bench", author = "bench" }, cancel)).IsSuccessStatusCode, cancel);
            await Until(async () =>
            {
                foreach (var c in clients)
                {
                    var r = await c.GetAsync("/api/rooms/bench", cancel);
                    if (!r.IsSuccessStatusCode || !(await r.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("member").GetBoolean()) return false;
                }
                return true;
            }, cancel);

            var files = new List<string>[3] { new(), new(), new() };
            var payload = new byte[10 * 1024];
            new Random(1).NextBytes(payload);
            for (var i = 0; i < options.Attachments; i++)
            {
                using var body = new ByteArrayContent(payload);
                body.Headers.ContentType = new("application/octet-stream");
                var r = await clients[i % 3].PostAsync($"/api/rooms/bench/attachments?author=u{i % 3}&name=f{i}.bin", body, cancel);
                files[i % 3].Add((await r.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("id").GetString()!);
            }
            // Every node must have every file it stores before a message shows it.
            await Until(async () => (await Task.WhenAll(cluster.Nodes.Select(n => Log(n, "bench")))).Select((l, node) => l.Count(e => e.Event is AttachmentUploaded) == (off ? files[node].Count : files.Sum(f => f.Count))).All(x => x), cancel);

            log.WriteLine($"  cluster up ({(off ? "replication off" : "replicated")}), room ready, {files.Sum(f => f.Count)} attachments; posting...");
            var sentAt = new Dictionary<string, (int Node, long Ms)>();
            var parents = new List<string>[3] { new(), new(), new() };
            var next = -1;
            var failures = 0;
            var startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
            {
                while (true)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= options.Posts) return;
                    var node = i % 3;
                    string? replyTo = null;
                    lock (parents[node]) if (i % 5 == 0 && parents[node].Count > 0) replyTo = parents[node][i % parents[node].Count];
                    var attachment = i % 10 == 1 && files[node].Count > 0 ? files[node][i / 3 % files[node].Count] : null;
                    var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    var response = await clients[node].PostAsJsonAsync("/api/rooms/bench/messages", new { author = $"u{node}", text = $"post {i}", replyTo, attachment }, cancel);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }
                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("id").GetString()!;
                    lock (sentAt) sentAt[id] = (node, before);
                    lock (parents[node]) parents[node].Add(id);
                }
            }).ToArray();
            await BenchProgress.WhileAsync(Task.WhenAll(workers), () => $"{Math.Min(Volatile.Read(ref next), options.Posts)}/{options.Posts} posts sent", log);
            bool Stores(int node, string id) => !off || sentAt[id].Node == node;
            await Until(async () => (await Task.WhenAll(cluster.Nodes.Select(n => Log(n, "bench")))).Select((l, node) =>
            {
                var ids = l.Select(e => e.Id).ToHashSet();
                return sentAt.Keys.Where(id => Stores(node, id)).All(ids.Contains);
            }).All(x => x), cancel);
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds;
            var logs = await Task.WhenAll(cluster.Nodes.Select(n => Log(n, "bench")));
            var visible = new Dictionary<string, long>();
            foreach (var l in logs)
            foreach (var e in l)
                if (sentAt.ContainsKey(e.Id)) visible[e.Id] = Math.Max(visible.GetValueOrDefault(e.Id), e.DeliveredMs);
            var seconds = (visible.Values.Max() - startMs) / 1000.0;
            var latencies = sentAt.Select(s => (double)(visible[s.Key] - s.Value.Ms)).Order().ToArray();
            var consistent = failures == 0 && logs.All(InOrder);
            if (off)
                consistent &= logs.Select((l, node) => l.Where(e => e.Event is Posted).Select(e => e.Id).Order(StringComparer.Ordinal)
                    .SequenceEqual(sentAt.Where(s => s.Value.Node == node).Select(s => s.Key).Order(StringComparer.Ordinal))).All(x => x);
            var digests = await Task.WhenAll(cluster.Nodes.Select(n => n.Runtime!.Room("bench")!.Ask<string>(new GetRoomDigest(), TimeSpan.FromSeconds(60))));
            if (!off) consistent &= digests.Distinct().Count() == 1;
            if (failures > 0) log.WriteLine($"  {failures} posts were refused");

            double? joinSeconds = null;
            var joinEvents = 0;
            if (options.Joiner && !off)
            {
                var join = Stopwatch.StartNew();
                var fourth = await cluster.AddNodeAsync(dir, 0, extraConfig: config);
                await Until(async () => fourth.Runtime?.Room("bench") is { } room && await room.Ask<string>(new GetRoomDigest(), TimeSpan.FromSeconds(60)) == digests[0], cancel);
                joinSeconds = join.Elapsed.TotalSeconds;
                var joinerLog = await Log(fourth, "bench");
                joinEvents = joinerLog.Count(e => e.Event is not null);
                consistent &= InOrder(joinerLog);
            }
            IReadOnlyList<NodeLog>? kept = null;
            if (options.KeepLogs)
                kept = (await Task.WhenAll(cluster.Nodes.Select(async (n, i) => new NodeLog(i < 3 ? $"n{i + 1}" : "joiner", await Log(n, "bench"))))).ToList();
            foreach (var c in clients) c.Dispose();
            return new Result(sentAt.Count, seconds, sentAt.Count / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1], consistent, joinSeconds, joinEvents, kept,
                off, cpuMs / Math.Max(1, sentAt.Count));
        }
        finally
        {
            await cluster.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static bool InOrder(StoredEvent[] log)
    {
        var seen = new HashSet<string>();
        foreach (var e in log)
        {
            if (e.Event is Posted p && ((p.ReplyTo is not null && !seen.Contains(p.ReplyTo)) || (p.Attachment is not null && !seen.Contains(p.Attachment)))) return false;
            seen.Add(e.Id);
        }
        return true;
    }

    internal static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static Task<StoredEvent[]> Log(ChatNode node, string room) => node.Runtime!.Room(room)!.Ask<StoredEvent[]>(new GetRoomLog(), TimeSpan.FromSeconds(60));

    private static async Task Until(Func<Task<bool>> condition, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The benchmark's cluster did not reach the expected state within 5 minutes.");
            await Task.Delay(100, cancel);
        }
    }
}
