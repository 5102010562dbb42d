using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Tests.Support;

/// <summary>
/// One tests/ActorCausal.TestHost node running as its own OS process (<c>dotnet ActorCausal.TestHost.dll ...</c>), with
/// its delivery log (JSON lines) in a file. Disposing kills the process if it still runs.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The built test host: the test project references it (ReferenceOutputAssembly=false), so it is built first, and its
    /// path for this configuration is stamped into this assembly at build time.
    /// </summary>
    public static string HostDll
    {
        get
        {
            var path = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ActorCausal.TestHostPath").Value!;
            path = Path.GetFullPath(path);
            if (!File.Exists(path)) throw new FileNotFoundException("The test host is not built (build tests/ActorCausal.Tests, which references it).", path);
            return path;
        }
    }

    /// <param name="groupId">Run the host under this (otherwise unused) group id, so that iptables can tell its connections
    /// from every other process's (<see cref="NetworkCuts"/>): <c>setpriv --regid G --clear-groups -- dotnet ...</c>, which
    /// execs dotnet (the pid stays the host's).</param>
    public static HostProcess Start(string logPath, IEnumerable<string> arguments, int? groupId = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(groupId is null ? dotnet : "setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (groupId is { } gid)
        {
            foreach (var a in new[] { "--regid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clear-groups", "--", dotnet }) info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add(HostDll);
        info.ArgumentList.Add("--log");
        info.ArgumentList.Add(logPath);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var result = new HostProcess(process, logPath);
        process.OutputDataReceived += (_, e) => result.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => result.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string RecentOutput => string.Join("\n", _output);

    /// <summary>A command on the host's standard input ("send K", "leave").</summary>
    public void Command(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL (Process.Kill on Linux and macOS), by pid.</summary>
    public void KillByPid()
    {
        using var byPid = Process.GetProcessById(Pid);
        byPid.Kill();
        _process.WaitForExit(30_000);
    }

    /// <summary>SIGSTOP by pid: the process stops (no heartbeats, nothing processed) until <see cref="ResumeByPid"/>.</summary>
    public void PauseByPid() => Signal("STOP");

    /// <summary>SIGCONT by pid.</summary>
    public void ResumeByPid() => Signal("CONT");

    private void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill could not be started");
        kill.WaitForExit(10_000);
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{name} {Pid} exited with {kill.ExitCode}");
    }

    /// <summary>The log as written so far (complete lines only).</summary>
    public HostLog ReadLog() => HostLog.Read(LogPath);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(30_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        _process.Dispose();
    }
}

/// <summary>A test host's delivery log, parsed into the checker's history plus what the tests ask about.</summary>
public sealed record HostLog(MemberId? Member, IReadOnlyList<HistoryEvent> Events, IReadOnlyList<(MessageId Id, MemberId Sender, long View)> Deliveries, int Refused)
{
    public MemberHistory History => new(Member ?? throw new InvalidOperationException("no start line"), Events);

    public IEnumerable<ViewEvent> Views => Events.OfType<ViewEvent>();

    public int Sent => Events.Count(e => e is SendEvent);

    /// <summary>
    /// The history of a host that was SIGKILLed, ending in a crash. The host logs a send only once the group actor's
    /// reply reaches it, so a kill can lose the send lines of its last broadcasts while the other hosts deliver them.
    /// Such a lost send must be later than every send the host did log (a kill loses only the tail, at most
    /// <paramref name="maxLost"/> of them); it is put back at the earliest point it can have happened: after the host's last
    /// logged send and after the view it names. Anything else the others attribute to it fails the checker as before.
    /// </summary>
    public MemberHistory KilledHistory(IEnumerable<HostLog> others, int maxLost = 16)
    {
        var self = Member ?? throw new InvalidOperationException("no start line");
        var logged = Events.OfType<SendEvent>().Select(s => s.Id).ToHashSet();
        var last = logged.Count == 0 ? (MessageId?)null : logged.MaxBy(Later);
        var lost = others.SelectMany(o => o.Events.OfType<DeliverEvent>())
            .Where(d => d.Sender == self && !logged.Contains(d.Id) && (last is null || Later(d.Id).CompareTo(Later(last.Value)) > 0))
            .GroupBy(d => d.Id).Select(g => g.First()).OrderBy(d => Later(d.Id)).ToList();
        if (lost.Count > maxLost)
            throw new InvalidOperationException($"{lost.Count} messages attributed to the killed host {self} are missing from its log: more than a kill can lose");
        var events = Events.ToList();
        foreach (var d in lost)
        {
            var afterSend = last is null ? -1 : events.FindLastIndex(e => e is SendEvent s && s.Id == last.Value);
            var afterView = events.FindIndex(e => e is ViewEvent v && v.ViewId == d.Id.ViewId);
            var at = Math.Max(afterSend, afterView) + 1;
            var stop = events.FindIndex(e => e is StopEvent or FailedEvent);
            if (stop >= 0 && at > stop) at = stop;
            events.Insert(at, new SendEvent(d.Id, d.Order) { Safe = d.Safe });
            last = d.Id;
        }
        events.Add(new CrashEvent());
        return new MemberHistory(self, events);

        static (long, long) Later(MessageId id) => (id.ViewId, id.Sequence);
    }

    public static MemberId ParseMember(string text)
    {
        var hash = text.LastIndexOf('#');
        return hash < 0 ? new MemberId(text, 0) : new MemberId(text[..hash], long.Parse(text[(hash + 1)..]));
    }

    public static HostLog Read(string path)
    {
        if (!File.Exists(path)) return new HostLog(null, [], [], 0);
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }
        // Only complete lines: the writer may be in the middle of one (or was killed in the middle of one).
        var end = text.LastIndexOf('\n');
        var lines = end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        MemberId? member = null;
        var events = new List<HistoryEvent>();
        var deliveries = new List<(MessageId, MemberId, long)>();
        var refused = 0;
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            switch (e.GetProperty("ev").GetString())
            {
                case "start":
                    member = new MemberId(e.GetProperty("member").GetString()!, e.GetProperty("incarnation").GetInt64());
                    break;
                case "view":
                    events.Add(new ViewEvent(e.GetProperty("view").GetInt64(), [.. e.GetProperty("members").EnumerateArray().Select(m => ParseMember(m.GetString()!))]));
                    break;
                case "send":
                    events.Add(SendEvent.Of(MessageId.Parse(e.GetProperty("id").GetString()!), ParseOrder(e),
                        [.. e.GetProperty("deps").EnumerateArray().Select(d => MessageId.Parse(d.GetString()!))], 0));
                    break;
                case "deliver":
                {
                    var id = MessageId.Parse(e.GetProperty("id").GetString()!);
                    var sender = ParseMember(e.GetProperty("sender").GetString()!);
                    var order = ParseOrder(e);
                    events.Add(new DeliverEvent(id, sender, order.BaseOrder()) { Safe = order.IsSafe() });
                    deliveries.Add((id, sender, e.GetProperty("view").GetInt64()));
                    break;
                }
                case "snapshot":
                    events.Add(new SnapshotLoadEvent(e.GetProperty("view").GetInt64(), [.. e.GetProperty("ids").EnumerateArray().Select(d => MessageId.Parse(d.GetString()!))]));
                    break;
                case "stopped":
                    events.Add(StopRecord.Of(e.GetProperty("reason").GetString() ?? "", e.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : ""));
                    break;
                case "failed":
                    events.Add(new FailedEvent(e.GetProperty("reason").GetString() ?? "", e.TryGetProperty("detail", out var fd) ? fd.GetString() ?? "" : ""));
                    break;
                case "refused":
                    refused++;
                    break;
            }
        }
        return new HostLog(member, events, deliveries, refused);
    }

    private static DeliveryOrder ParseOrder(JsonElement e) => Enum.Parse<DeliveryOrder>(e.GetProperty("order").GetString()!, ignoreCase: true);
}
