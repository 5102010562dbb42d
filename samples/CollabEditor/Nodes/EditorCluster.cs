using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace CollabEditor.Nodes;

/// <summary>Starting editor nodes: Akka cluster configuration, and N nodes on loopback inside one process.</summary>
public static class EditorCluster
{
    public const string SystemName = "collab";
    public const string DefaultGroup = "collab-editor";

    /// <summary>
    /// The sample's HOCON. Batches of edits travel as one broadcast each, and a view change's flush carries every
    /// unstable message, so the frame size is raised well above Akka's 128 KB default (an ActorCausal limit worked
    /// around here: large payloads are not split).
    /// </summary>
    public static Config NodeConfig(string host, int port, IEnumerable<string> seeds, bool quiet) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = {{(quiet ? "ERROR" : "INFO")}}
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.provider = cluster
          extensions = ["ActorCausal.CausalGroupsExtensionProvider, ActorCausal"]
          remote.dot-netty.tcp {
            hostname = "{{host}}"
            port = {{port}}
            maximum-frame-size = 16MiB
            send-buffer-size = 16MiB
            receive-buffer-size = 16MiB
          }
          cluster {
            seed-nodes = [{{string.Join(", ", seeds.Select(s => "\"" + s + "\""))}}]
            min-nr-of-members = 1
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            periodic-tasks-initial-delay = 200ms
            # A loaded two-core machine (a trace replay at full speed) can pause heartbeats for seconds; Akka's 3 s
            # default then lets the resolver down a live node of an editing session, which can never converge after.
            failure-detector.acceptable-heartbeat-pause = 10s
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = 12s
            }
          }
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        actorcausal {
          founding-delay = 500ms
          join-retry-interval = 200ms
          batching.max-bytes = 4MiB
        }
        """);

    /// <summary>Starts <paramref name="count"/> ActorSystems on 127.0.0.1 (OS-chosen ports when <paramref name="basePort"/> is
    /// 0); the first joins itself, the others join it. Returns once all see each other Up.</summary>
    public static async Task<ActorSystem[]> StartLocal(int count, int basePort = 0, bool quiet = true, TimeSpan? timeout = null, Config? overrides = null)
    {
        var systems = new List<ActorSystem>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var config = NodeConfig("127.0.0.1", basePort == 0 ? 0 : basePort + i, [], quiet);
                var system = ActorSystem.Create(SystemName, overrides is null ? config : overrides.WithFallback(config));
                var seed = i == 0 ? Cluster.Get(system).SelfAddress : Cluster.Get(systems[0]).SelfAddress;
                systems.Add(system);
                Cluster.Get(system).Join(seed);
            }
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
            while (!systems.All(s => Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == count))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the {count} nodes did not all come Up");
                await Task.Delay(50);
            }
            return systems.ToArray();
        }
        catch
        {
            await Task.WhenAll(systems.Select(s => s.Terminate()));
            throw;
        }
    }

    /// <summary>Waits until every editor's group view has <paramref name="members"/> members.</summary>
    public static async Task WaitForView(IEnumerable<IActorRef> editors, int members, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var e in editors)
        {
            while (true)
            {
                var s = await e.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(10));
                if (s.Members.Length == members) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the editor group did not reach {members} members (has {s.Members.Length})");
                await Task.Delay(50);
            }
        }
    }
}
