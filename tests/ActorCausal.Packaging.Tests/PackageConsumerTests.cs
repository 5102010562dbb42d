namespace ActorCausal.Packaging.Tests;

/// <summary>
/// Builds and runs a small app (Consumer/) against the packed packages alone (<see cref="PackedFeed"/>), as a user would.
/// A missing dependency fails restore.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackageConsumerTests(PackedFeed packed)
{
    private static readonly string[] Packages = PackedFeed.Packages;
    private static readonly TimeSpan StepTimeout = PackedFeed.StepTimeout;

    [Fact]
    public async Task An_app_that_references_only_the_packed_Hosting_and_Streams_packages_founds_a_group_receives_its_own_broadcast_and_runs_the_streams()
    {
        var (feed, version) = (packed.Feed, packed.Version);
        foreach (var package in Packages)
        {
            // A public member without XML docs warns (CS1591) rather than failing the build; it must not ship.
            Assert.False(packed.PackOutput[package].Contains("CS1591", StringComparison.Ordinal), $"dotnet pack {package} reports public members without XML docs:\n{packed.PackOutput[package]}");
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")), $"{package}.{version}.nupkg was not packed");
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.snupkg")), $"{package}.{version}.snupkg was not packed");
        }

        AssertMetadata(feed, version);

        var app = WriteConsumer(packed.NewAppFolder("app"), version);
        var build = await DotnetCli.RunAsync(app, StepTimeout, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, $"The consumer app does not build against the packages alone:\n{build.Output}");

        var run = await DotnetCli.RunAsync(app, StepTimeout, "run", "-c", "Release", "--no-build");
        Assert.True(run.ExitCode == 0, $"The consumer app failed:\n{run.Output}");
        Assert.Contains("OK hello from a package", run.Output);
        Assert.Contains("OK stream hello from a stream", run.Output);
        Assert.Contains("OK merge a#1,b#1", run.Output);
    }

    /// <summary>What nuget.org shows for each package, and the dependency split: the runtime does not force Akka.Hosting.</summary>
    private static void AssertMetadata(string feed, string version)
    {
        var dependencies = new Dictionary<string, string[]>();
        foreach (var package in Packages)
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
            var nuspecEntry = zip.GetEntry(package + ".nuspec") ?? throw new InvalidOperationException($"{package}: no nuspec");
            using var stream = nuspecEntry.Open();
            var nuspec = System.Xml.Linq.XDocument.Load(stream);
            string Meta(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            Assert.Equal(package, Meta("id"));
            Assert.Equal(version, Meta("version"));
            Assert.Equal("Apache-2.0", Meta("license"));
            Assert.Equal("README.md", Meta("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Meta("description")), $"{package}: no description");
            Assert.False(string.IsNullOrWhiteSpace(Meta("authors")), $"{package}: no authors");
            Assert.StartsWith("https://", Meta("projectUrl"));
            Assert.Contains("akka", Meta("tags"));
            Assert.NotNull(nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == "repository"));
            Assert.NotNull(zip.GetEntry("README.md"));
            Assert.True(zip.GetEntry("LICENSE") is not null, $"{package}: no LICENSE in [{string.Join(", ", zip.Entries.Select(e => e.FullName))}]");
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{package}.dll"));
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{package}.xml"));
            dependencies[package] = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => (string)e.Attribute("id")!).ToArray();
        }
        Assert.DoesNotContain(dependencies["ActorCausal.Protocol"], d => d.StartsWith("Akka", StringComparison.Ordinal));
        Assert.Contains("ActorCausal.Protocol", dependencies["ActorCausal"]);
        Assert.DoesNotContain("Akka.Hosting", dependencies["ActorCausal"]);
        Assert.Contains("ActorCausal", dependencies["ActorCausal.Hosting"]);
        Assert.Contains("Akka.Hosting", dependencies["ActorCausal.Hosting"]);
        Assert.Contains("ActorCausal", dependencies["ActorCausal.Streams"]);
        Assert.Contains("Akka.Streams", dependencies["ActorCausal.Streams"]);
        Assert.DoesNotContain("Akka.Streams", dependencies["ActorCausal"]);
    }

    private static string WriteConsumer(string dir, string version)
    {
        var consumer = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(dir, "Program.cs"));
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), File.ReadAllText(Path.Combine(consumer, "Consumer.csproj.template"))
            .Replace("@VERSION@", version, StringComparison.Ordinal)
            .Replace("@HOSTING_VERSION@", PackedFeed.CentralVersionOf("Microsoft.Extensions.Hosting"), StringComparison.Ordinal));
        return dir;
    }
}
