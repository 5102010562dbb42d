using CollabEditor.Cli;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

/// <summary>The README's replay commands name traces from the repository root, but <c>dotnet run --project</c> may
/// run in the project folder: both spellings resolve from there.</summary>
public class TracePathTests
{
    private static string ProjectFolder => Path.GetDirectoryName(Path.GetDirectoryName(TraceFiles.PathOf("friendsforever")))!;

    [Theory]
    [InlineData("samples/CollabEditor/traces/friendsforever.json.gz")]
    [InlineData("traces/friendsforever.json.gz")]
    public void A_trace_path_from_the_readme_resolves_from_the_project_folder(string given)
    {
        var resolved = TracePath.Resolve(given, ProjectFolder);
        Assert.True(File.Exists(resolved), resolved);
        Assert.Equal(Path.GetFullPath(TraceFiles.PathOf("friendsforever")), Path.GetFullPath(resolved));
    }

    [Fact]
    public void A_missing_trace_is_named_relative_to_the_callers_folder()
    {
        var caller = Path.GetTempPath();
        Assert.Equal(Path.GetFullPath(Path.Combine(caller, "no-such-trace-7f3a.json.gz")), TracePath.Resolve("no-such-trace-7f3a.json.gz", caller));
    }
}
