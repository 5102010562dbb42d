using System.Diagnostics;
using Akka.Actor;
using CollabEditor.Crdt;
using CollabEditor.Nodes;
using CollabEditor.Traces;

namespace CollabEditor.Replay;

public sealed record ReplayResult(
    bool Converged,
    int Replicas,
    long Ops,
    long Txns,
    double Seconds,
    double OpsPerSec,
    string[] Texts,
    int[] FirstDifference,
    string? Error);

/// <summary>
/// Replays a trace over a real cluster of ActorSystems in this process (loopback remoting): a concurrent trace with
/// agent a at node a mod N (one node per agent when N is the number of agents), each node issuing its agents'
/// transactions in trace order once their parents are integrated there, at exactly the parents' version; a sequential
/// trace typed at node 0 while the others receive.
/// </summary>
public static class ClusterReplay
{
    /// <param name="beforeReplay">Awaited once the replicas are in one view, just before the replay starts (tests break
    /// a replica through it).</param>
    public static async Task<ReplayResult> Run(EditTrace trace, int nodes, int batchMs, Action<long, long>? progress = null,
        TimeSpan? timeout = null, CancellationToken cancel = default, Func<IReadOnlyList<ActorSystem>, IReadOnlyList<IActorRef>, Task>? beforeReplay = null)
    {
        var causality = trace.Concurrent ? new Causality(trace) : null;
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), "at least one node");
        var expected = trace.Txns.Length + (!trace.Concurrent && trace.StartContent.Length > 0 ? 1 : 0);
        var names = Enumerable.Range(0, Math.Max(nodes, trace.NumAgents)).Select(LocalReplay.AgentName).ToArray();
        var agents = trace.Concurrent ? names[..trace.NumAgents] : null;
        var systems = await EditorCluster.StartLocal(nodes);
        try
        {
            var group = EditorCluster.DefaultGroup + "-" + Guid.NewGuid().ToString("N")[..8];
            var editors = systems.Select((s, i) => s.ActorOf(Props.Create(() =>
                new EditorActor(group, names[i], batchMs, agents)), "editor")).ToArray();
            await EditorCluster.WaitForView(editors, nodes, TimeSpan.FromSeconds(60));
            if (beforeReplay is not null) await beforeReplay(systems, editors);

            var sw = Stopwatch.StartNew();
            if (trace.Concurrent)
                for (var k = 0; k < nodes; k++) editors[k].Tell(new StartReplay(trace, causality, k, nodes));
            else
                editors[0].Tell(new StartReplay(trace, null, 0));

            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(10));
            string? error = null;
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                var statuses = await Task.WhenAll(editors.Select(e => e.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(30))));
                progress?.Invoke(statuses.Sum(s => s.Txns), (long)expected * nodes);
                error = statuses.Select(s => s.ReplayError).FirstOrDefault(e => e is not null);
                if (error is not null || statuses.All(s => s.Txns == expected)) break;
                if (DateTime.UtcNow > deadline)
                {
                    error = $"timed out: replicas have {string.Join(", ", statuses.Select(s => s.Txns))} of {expected} transactions";
                    break;
                }
                await Task.Delay(10, cancel);
            }
            sw.Stop();
            var texts = await Task.WhenAll(editors.Select(e => e.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(30))));
            var diffs = texts.Select(t => FirstDifference(t, trace.EndContent)).ToArray();
            var ops = trace.PatchCount;
            var seconds = sw.Elapsed.TotalSeconds;
            return new ReplayResult(error is null && diffs.All(d => d < 0), nodes, ops, expected, seconds, ops / Math.Max(seconds, 1e-9), texts, diffs, error);
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    /// <summary>The first code point offset where <paramref name="actual"/> differs from <paramref name="expected"/>, or -1.</summary>
    public static int FirstDifference(string actual, string expected)
    {
        var n = Math.Min(actual.Length, expected.Length);
        var i = actual.AsSpan(0, n).CommonPrefixLength(expected.AsSpan(0, n));
        if (i == n && actual.Length == expected.Length) return -1;
        return TextDocument.CodePoints(actual[..i]) is var cp and >= 0 ? cp : i;
    }
}
