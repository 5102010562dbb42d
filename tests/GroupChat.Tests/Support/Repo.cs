namespace GroupChat.Tests.Support;

public static class Repo
{
    /// <summary>The repository root (the folder that holds ActorCausal.sln).</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorCausal.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ActorCausal.sln not found above " + AppContext.BaseDirectory);
    }
}
