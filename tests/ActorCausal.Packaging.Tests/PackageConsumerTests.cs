namespace ActorCausal.Packaging.Tests;

/// <summary>
/// Packs the packages into a temporary folder and builds and runs a small app (Consumer/) against them alone, as
/// a user would: its own nuget.config (that folder for ActorCausal*, nuget.org for the rest), its own empty
/// Directory.Build.props/Directory.Packages.props (the repository's do not apply), and a version no earlier run used,
/// so a package cached in ~/.nuget/packages cannot stand in for one that is missing. A missing dependency fails restore.
/// </summary>
public sealed class PackageConsumerTests
{
    private static readonly string[] Packages = ["ActorCausal.Protocol", "ActorCausal", "ActorCausal.Hosting", "ActorCausal.Streams"];
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task An_app_that_references_only_the_packed_Hosting_and_Streams_packages_founds_a_group_receives_its_own_broadcast_and_runs_the_streams()
    {
        var work = Directory.CreateTempSubdirectory("actorcausal-pkg-");
        var version = "";
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            var suffix = "pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

            // Pack a copy of the sources, so the repository's bin/obj (which other test runs use) are not rebuilt
            // with another version.
            var sources = CopyPackableSources(Path.Combine(work.FullName, "repo"));
            foreach (var package in Packages)
            {
                var pack = await DotnetCli.RunAsync(sources, StepTimeout, "pack", Path.Combine("src", package, package + ".csproj"),
                    "-c", "Release", "-o", feed, "-p:VersionSuffix=" + suffix, "--disable-build-servers", "-nodeReuse:false");
                Assert.True(pack.ExitCode == 0, $"dotnet pack {package} failed:\n{pack.Output}");
                // A public member without XML docs warns (CS1591) rather than failing the build; it must not ship.
                Assert.False(pack.Output.Contains("CS1591", StringComparison.Ordinal), $"dotnet pack {package} reports public members without XML docs:\n{pack.Output}");
            }
            version = ReadVersionPrefix() + "-" + suffix;
            foreach (var package in Packages)
            {
                Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")), $"{package}.{version}.nupkg was not packed");
                Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.snupkg")), $"{package}.{version}.snupkg was not packed");
            }

            AssertMetadata(feed, version);

            var app = WriteConsumer(Path.Combine(work.FullName, "app"), feed, version);
            var build = await DotnetCli.RunAsync(app, StepTimeout, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
            Assert.True(build.ExitCode == 0, $"The consumer app does not build against the packages alone:\n{build.Output}");

            var run = await DotnetCli.RunAsync(app, StepTimeout, "run", "-c", "Release", "--no-build");
            Assert.True(run.ExitCode == 0, $"The consumer app failed:\n{run.Output}");
            Assert.Contains("OK hello from a package", run.Output);
            Assert.Contains("OK stream hello from a stream", run.Output);
            Assert.Contains("OK merge a#1,b#1", run.Output);
        }
        finally
        {
            TryDelete(work.FullName);
            // The unique version is of no use to anyone once the test is done: do not let ~/.nuget/packages grow.
            if (version.Length > 0)
                foreach (var package in Packages)
                    TryDelete(Path.Combine(GlobalPackagesFolder(), package.ToLowerInvariant(), version));
        }
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

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string CopyPackableSources(string target)
    {
        foreach (var file in new[] { "LICENSE", "Directory.Build.props", "Directory.Packages.props", Path.Combine("src", "Package.props"), Path.Combine("src", "PackageReadme.md") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file))!);
            File.Copy(Repository.Path(file), Path.Combine(target, file));
        }
        foreach (var package in Packages)
            CopyTree(Repository.Path("src", package), Path.Combine(target, "src", package));
        return target;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopyTree(dir, Path.Combine(to, name));
        }
    }

    private static string WriteConsumer(string dir, string feed, string version)
    {
        Directory.CreateDirectory(dir);
        var consumer = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(dir, "Program.cs"));
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), File.ReadAllText(Path.Combine(consumer, "Consumer.csproj.template"))
            .Replace("@VERSION@", version, StringComparison.Ordinal)
            .Replace("@HOSTING_VERSION@", CentralVersionOf("Microsoft.Extensions.Hosting"), StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "nuget.config"), File.ReadAllText(Path.Combine(consumer, "nuget.config.template"))
            .Replace("@FEED@", feed, StringComparison.Ordinal));
        // Stop MSBuild from looking further up for the repository's (or anyone's) props.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n");
        return dir;
    }

    private static string ReadVersionPrefix() =>
        System.Xml.Linq.XDocument.Load(Repository.Path("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    private static string CentralVersionOf(string package) =>
        System.Xml.Linq.XDocument.Load(Repository.Path("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;
}
