using System.Diagnostics;

namespace ActorCausal.Tests.Support;

/// <summary>Runs iptables (and the tools the partition tests need beside it), and says why they cannot run here.</summary>
public static class Iptables
{
    /// <summary>Null when iptables can be used here (Linux, root, iptables and setpriv present, the tables answer); else why not.</summary>
    public static readonly Lazy<string?> Unavailable = new(FindWhyUnavailable);

    /// <summary>
    /// Skips the calling [SkippableFact] with the reason when iptables cannot be used here; under CI=true fails instead
    /// (CI runs as root and .ci/run installs iptables: a partition test that does not run there is a broken CI).
    /// </summary>
    public static void RequireOrSkip()
    {
        if (Unavailable.Value is not { } why) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true but the iptables partition tests cannot run: {why}");
        Skip.If(true, $"iptables partition tests skipped: {why}");
    }

    /// <summary>Runs <c>iptables args</c>; throws with its output when it fails.</summary>
    public static string Run(params string[] args)
    {
        var (code, output) = Exec("iptables", args, TimeSpan.FromSeconds(30));
        if (code != 0) throw new InvalidOperationException($"iptables {string.Join(' ', args)} exited with {code}: {output}");
        return output;
    }

    /// <summary>Runs <c>iptables args</c>; false when it fails (a rule or chain that is not there).</summary>
    public static bool TryRun(params string[] args) => Exec("iptables", args, TimeSpan.FromSeconds(30)).Code == 0;

    public static (int Code, string Output) Exec(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? FindWhyUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "iptables partitions need Linux";
        if (!IsRootByProc()) return "iptables partitions need root (CI runs as root)";
        foreach (var tool in new[] { "iptables", "setpriv", "timeout", "bash" })
        {
            try
            {
                Exec(tool, ["--version"], TimeSpan.FromSeconds(30));
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return $"{tool} is not installed (apt-get install -y iptables; setpriv comes with util-linux)";
            }
        }
        var (code, output) = Exec("iptables", ["-t", "mangle", "-S", "OUTPUT"], TimeSpan.FromSeconds(30));
        if (code != 0) return $"iptables cannot read the mangle table here (kernel or container without netfilter?): {output.Trim()}";
        return null;
    }

    private static bool IsRootByProc()
    {
        try
        {
            return File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is { Length: > 2 } uid && uid[2] == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
