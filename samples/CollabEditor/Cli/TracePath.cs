namespace CollabEditor.Cli;

/// <summary>
/// Finds a trace named on the command line. <c>dotnet run --project samples/CollabEditor</c> may run the program in
/// the project folder, so a path relative to the caller's folder is tried against the caller's folder (the shell's
/// <c>PWD</c>), the process's, and every folder above those and above the program (so
/// <c>samples/CollabEditor/traces/x.json.gz</c> and <c>traces/x.json.gz</c> both resolve).
/// </summary>
public static class TracePath
{
    /// <summary>The first existing file among the candidates, or the path relative to the caller's folder (which does
    /// not exist; the loader reports it).</summary>
    public static string Resolve(string given, string? callerDirectory = null)
    {
        if (Path.IsPathRooted(given)) return given;
        var caller = callerDirectory ?? Environment.GetEnvironmentVariable("PWD") ?? Environment.CurrentDirectory;
        foreach (var start in new[] { caller, Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, given);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return Path.GetFullPath(Path.Combine(caller, given));
    }
}
