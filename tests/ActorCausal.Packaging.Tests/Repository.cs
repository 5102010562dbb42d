namespace ActorCausal.Packaging.Tests;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActorCausal.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No ActorCausal.sln above {AppContext.BaseDirectory}.");
    }
}
