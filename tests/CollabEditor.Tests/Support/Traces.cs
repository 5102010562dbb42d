using CollabEditor.Traces;

namespace CollabEditor.Tests.Support;

/// <summary>The traces copied into samples/CollabEditor/traces (CC BY 4.0, josephg/editing-traces), loaded once.</summary>
public static class TraceFiles
{
    private static readonly Dictionary<string, EditTrace> Cache = new();

    public static string PathOf(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorCausal.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root not found");
        return Path.Combine(dir.FullName, "samples", "CollabEditor", "traces", name + ".json.gz");
    }

    public static EditTrace Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var t)) Cache[name] = t = EditTrace.Load(PathOf(name));
            return t;
        }
    }
}
