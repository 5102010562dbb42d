using Akka.Configuration;

namespace ActorCausal.Benchmarks.Shared;

/// <summary>
/// The in-process cluster benchmarks' configuration: <c>hocon/in-process-bench.conf</c> over
/// <c>hocon/cluster-loopback.conf</c>, read from the repository (found above the working directory or the program's
/// folder). Compiled into each benchmark project (linked source), so both read one file.
/// </summary>
internal static class BenchHocon
{
    public static Config InProcessCluster() =>
        ConfigurationFactory.ParseString(Read("in-process-bench.conf")).WithFallback(ConfigurationFactory.ParseString(Read("cluster-loopback.conf")));

    private static string Read(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var file = Path.Combine(dir.FullName, "hocon", name);
                if (File.Exists(file) && File.Exists(Path.Combine(dir.FullName, "ActorCausal.sln"))) return File.ReadAllText(file);
            }
        }
        throw new FileNotFoundException($"hocon/{name} not found: run the benchmark from the ActorCausal repository.");
    }
}
