using System.Diagnostics;
using System.Text.Json;

namespace CollabEditor.Bench;

/// <summary>Runs peers/bench.mjs under node for Yjs, Loro and Automerge (the versions its package.json and
/// package-lock.json pin), installing them with npm ci on first use. Skipped with a note when node is missing.</summary>
public sealed class PeerBench(string peersDir, TextWriter log)
{
    public static readonly string[] Libs = ["yjs", "loro", "automerge"];

    public string? Unavailable { get; private set; }

    public bool Prepare()
    {
        if (!Run("node", ["--version"], peersDir, out var version, 30))
        {
            Unavailable = "node not found: peers skipped";
            return false;
        }
        log.WriteLine($"node {version.Trim()}");
        if (!Directory.Exists(Path.Combine(peersDir, "node_modules", "yjs")))
        {
            log.WriteLine("installing the peers (npm ci) ...");
            if (!Run("npm", ["ci", "--no-audit", "--no-fund"], peersDir, out var npm, 600))
            {
                Unavailable = "npm ci failed: peers skipped (" + npm.Trim().Split('\n').LastOrDefault() + ")";
                return false;
            }
        }
        return true;
    }

    /// <summary>The eg-walker paper's encoded document of a trace for <paramref name="lib"/> (traces/paper/A1.yjs.gz, ...), or null.</summary>
    public static string? PaperDoc(string tracePath, string lib)
    {
        var ext = lib switch { "yjs" => "yjs", "automerge" => "am", _ => null };
        if (ext is null) return null;
        var name = Path.GetFileName(tracePath).Replace(".json.gz", "").Replace(".json", "");
        var path = Path.Combine(Path.GetDirectoryName(tracePath)!, "paper", $"{name}.{ext}.gz");
        return File.Exists(path) ? path : null;
    }

    /// <param name="paperDoc">Time loading the paper's encoded document (its merge of every agent's edits) instead of
    /// generating the updates here.</param>
    public LibFigures Measure(string lib, string tracePath, string traceName, int runs, bool loadOnly = false, string? paperDoc = null)
    {
        var f = new LibFigures { Lib = lib, Trace = traceName };
        var args = new List<string> { "--expose-gc", "bench.mjs", "--lib", lib, "--trace", tracePath, "--runs", runs.ToString() };
        if (loadOnly) args.AddRange(["--only", "load"]);
        if (paperDoc is not null) args.AddRange(["--paper-doc", paperDoc]);
        if (!Run("node", args, peersDir, out var output, 1800) || !TryParse(output, out var json))
        {
            f.Note = "failed: " + output.Trim().Split('\n').LastOrDefault();
            return f;
        }
        if (json.TryGetProperty("skipped", out var skipped))
        {
            f.Note = skipped.GetString();
            return f;
        }
        f.LocalReplay = TimingOf(json, "local_ms");
        f.RemoteUpdates = TimingOf(json, "remote_ms");
        f.PerAgentMerge = TimingOf(json, "merge_ms");
        f.Load = TimingOf(json, "load_ms");
        if (json.TryGetProperty("encoded_bytes", out var size)) f.EncodedBytes = size.GetInt64();
        if (json.TryGetProperty("paper_doc", out var doc))
        {
            var matches = json.GetProperty("matches_end_content").GetBoolean();
            f.Note = $"remote updates = loading the paper's {doc.GetString()} (every agent's edits in one document); its text "
                     + (matches ? "equals endContent" : $"differs from endContent ({json.GetProperty("text_code_points").GetInt64():N0} code points)");
            return f;
        }
        if (!loadOnly && Run("node", ["--expose-gc", "bench.mjs", "--lib", lib, "--trace", tracePath, "--memory"], peersDir, out var memOut, 1800)
            && TryParse(memOut, out var mem) && mem.TryGetProperty("memory_bytes", out var bytes))
            f.MemoryBytes = bytes.GetInt64();
        return f;
    }

    private static Timing? TimingOf(JsonElement json, string name) =>
        json.TryGetProperty(name, out var a) ? new Timing(a.EnumerateArray().Select(x => x.GetDouble()).ToArray()) : null;

    private static bool TryParse(string output, out JsonElement json)
    {
        var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        json = default;
        if (line is null) return false;
        try
        {
            json = JsonDocument.Parse(line).RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Run(string file, IEnumerable<string> args, string dir, out string output, int timeoutSeconds)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                output = "timed out";
                return false;
            }
            output = stdout.Result + stderr.Result;
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return false;
        }
    }
}
