namespace ActorCausal.Packaging.Tests;

/// <summary>
/// The packages packed once into a temporary folder for the tests of <see cref="PackedPackagesCollection"/>, with a
/// version no earlier run used, so a package cached in ~/.nuget/packages cannot stand in for one that is missing. Apps
/// built against it get their own nuget.config (that folder for ActorCausal*, nuget.org for the rest) and empty
/// Directory.Build.props/Directory.Packages.props (the repository's do not apply).
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] Packages = ["ActorCausal.Protocol", "ActorCausal", "ActorCausal.Hosting", "ActorCausal.Streams"];
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("actorcausal-pkg-");

    public string Feed { get; private set; } = "";
    public string Version { get; private set; } = "";
    /// <summary>What `dotnet pack` printed, per package (a test checks it for warnings).</summary>
    public Dictionary<string, string> PackOutput { get; } = new();

    public async Task InitializeAsync()
    {
        Feed = Directory.CreateDirectory(Path.Combine(_work.FullName, "feed")).FullName;
        var suffix = "pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        // Pack a copy of the sources, so the repository's bin/obj (which other test runs use) are not rebuilt with another version.
        var sources = CopyPackableSources(Path.Combine(_work.FullName, "repo"));
        Version = ReadVersionPrefix() + "-" + suffix;
        foreach (var package in Packages)
        {
            var pack = await DotnetCli.RunAsync(sources, StepTimeout, "pack", Path.Combine("src", package, package + ".csproj"),
                "-c", "Release", "-o", Feed, "-p:VersionSuffix=" + suffix, "--disable-build-servers", "-nodeReuse:false");
            if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {package} failed:\n{pack.Output}");
            PackOutput[package] = pack.Output;
        }
    }

    public Task DisposeAsync()
    {
        TryDelete(_work.FullName);
        // The unique version is of no use to anyone once the tests are done: do not let ~/.nuget/packages grow.
        if (Version.Length > 0)
            foreach (var package in Packages)
                TryDelete(Path.Combine(GlobalPackagesFolder(), package.ToLowerInvariant(), Version));
        return Task.CompletedTask;
    }

    /// <summary>A new folder for an app built against the feed: its nuget.config and the props that stop MSBuild looking further up.</summary>
    public string NewAppFolder(string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_work.FullName, name)).FullName;
        var templates = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.WriteAllText(Path.Combine(dir, "nuget.config"), File.ReadAllText(Path.Combine(templates, "nuget.config.template"))
            .Replace("@FEED@", Feed, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n");
        return dir;
    }

    public static string CentralVersionOf(string package) =>
        System.Xml.Linq.XDocument.Load(Repository.Path("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;

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

    private static string ReadVersionPrefix() =>
        System.Xml.Linq.XDocument.Load(Repository.Path("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
}

/// <summary>The tests that share one <see cref="PackedFeed"/> (packing takes minutes).</summary>
[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed packages";
}
