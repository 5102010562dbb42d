using System.Net;
using System.Net.Sockets;

namespace ActorCausal.Packaging.Tests;

/// <summary>
/// The package readme (src/PackageReadme.md) is enough to write a working two-node app: its example, taken verbatim by
/// its marker, builds against the packed ActorCausal package alone and, run as two nodes, delivers every message on
/// both, the total and safe total ones in one order. The readme also says what a first hour stumbled on.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackageReadmeExampleTests(PackedFeed packed)
{
    private const string Marker = "<!-- example: two-node-app";

    private static string Readme() => File.ReadAllText(Repository.Path("src", "PackageReadme.md"));

    /// <summary>The C# block right after the marker line.</summary>
    private static string Example()
    {
        var lines = Readme().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var marker = lines.FindIndex(l => l.StartsWith(Marker, StringComparison.Ordinal));
        Assert.True(marker >= 0, $"src/PackageReadme.md has no line starting with '{Marker}'");
        Assert.Equal("```csharp", lines[marker + 1]);
        var end = lines.FindIndex(marker + 2, l => l == "```");
        Assert.True(end > marker, "the example's code block is not closed");
        return string.Join('\n', lines.Skip(marker + 2).Take(end - marker - 2)) + "\n";
    }

    [Fact]
    public void The_readme_says_what_a_first_hour_stumbled_on()
    {
        var readme = Readme();
        Assert.Contains("dotnet add package ActorCausal --prerelease", readme);
        Assert.Contains("\"ActorCausal.CausalGroupsExtensionProvider, ActorCausal\"", readme);
        Assert.Contains("akka.extensions", readme);
        Assert.Contains("Akka.Cluster.Hosting", readme);
        Assert.Contains("Stateless", readme);
        Assert.Contains("Admitted", readme);
        foreach (var message in new[] { "Delivered", "ViewChanged", "MemberSuspected", "SnapshotRequest", "InstallSnapshot", "BroadcastReleased", "GroupsMerged", "GroupStopped" })
            Assert.Contains($"| `{message}`", readme);
        Assert.Contains("extensions = [\"ActorCausal.CausalGroupsExtensionProvider, ActorCausal\"]", Example());
    }

    [Fact]
    public async Task The_readme_example_built_from_the_packages_delivers_on_two_nodes_with_total_and_safe_total_in_one_order()
    {
        var app = packed.NewAppFolder("readme-app");
        File.WriteAllText(Path.Combine(app, "Program.cs"), Example());
        File.WriteAllText(Path.Combine(app, "ReadmeApp.csproj"),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ReadmeApp", "ReadmeApp.csproj.template")).Replace("@VERSION@", packed.Version, StringComparison.Ordinal));
        var build = await DotnetCli.RunAsync(app, PackedFeed.StepTimeout, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, $"The readme's example does not build against the packages:\n{build.Output}");

        var (first, second) = FreePorts();
        var dll = Path.Combine(app, "bin", "Release", "net10.0", "ReadmeApp.dll");
        var runs = await Task.WhenAll(
            DotnetCli.RunAsync(app, PackedFeed.StepTimeout, dll, $"{first}"),
            DotnetCli.RunAsync(app, PackedFeed.StepTimeout, dll, $"{second}", $"{first}"));
        var outputs = $"--- node {first}:\n{runs[0].Output}\n--- node {second}:\n{runs[1].Output}";
        Assert.True(runs.All(r => r.ExitCode == 0), $"A node of the readme's example failed:\n{outputs}");

        var expected = new[] { first, second }.SelectMany(p => new[] { "Causal", "Total", "SafeTotal" }.Select(o => $"delivered {o} '{o} from {p}'")).ToList();
        foreach (var run in runs)
            foreach (var line in expected)
                Assert.True(run.Output.Contains(line, StringComparison.Ordinal), $"'{line}' missing:\n{outputs}");
        var totalOrders = runs.Select(r => r.Output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("total order: ", StringComparison.Ordinal))).ToList();
        Assert.True(totalOrders[0] == totalOrders[1], $"the nodes delivered total and safe total messages in different orders:\n{outputs}");
        var totals = totalOrders[0]["total order: ".Length..].Split(", ");
        Assert.Equal(4, totals.Length);
        Assert.Equal(new[] { $"SafeTotal from {first}", $"SafeTotal from {second}", $"Total from {first}", $"Total from {second}" }.Order(), totals.Order());
    }

    private static (int, int) FreePorts()
    {
        var a = new TcpListener(IPAddress.Loopback, 0);
        var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        try
        {
            return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        }
        finally
        {
            a.Stop();
            b.Stop();
        }
    }
}
