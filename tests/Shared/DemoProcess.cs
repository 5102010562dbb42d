using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorCausal.TestSupport;

/// <summary>
/// A sample's demo started as a user starts it (<c>dotnet Sample.dll ...</c>), its output collected line by line, and
/// Ctrl+C (SIGINT) sent to it. Shared by the samples' Ctrl+C tests (linked into each test project). A test host started
/// as a background job ignores SIGINT and passes that on to its children; perl then restores the default before
/// starting the demo. Every wait is bounded; the process is killed on dispose if it still runs.
/// </summary>
internal sealed class DemoProcess : IDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyMarker;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private DemoProcess(IEnumerable<string> demo, string readyMarker)
    {
        _readyMarker = readyMarker;
        string[] command = SigIntIgnored() ? ["perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", .. demo] : [.. demo];
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet</c> with <paramref name="arguments"/> and waits (bounded) until a line contains <paramref name="readyMarker"/>.</summary>
    public static async Task<DemoProcess> StartAsync(string readyMarker, params string[] arguments)
    {
        var demo = new DemoProcess(["dotnet", .. arguments], readyMarker);
        var first = await Task.WhenAny(demo._ready.Task, demo._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != demo._ready.Task)
        {
            demo.Dispose();
            Assert.Fail("the demo did not start:\n" + demo.Output());
        }
        return demo;
    }

    /// <summary>The lines printed so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    /// <summary>Sends SIGINT and waits (bounded) until the process exited and its output is complete; returns the exit code.</summary>
    public async Task<int> CtrlCAsync()
    {
        Assert.Equal(0, kill(_process.Id, SigInt));
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync(bound.Token);
        _process.WaitForExit(); // the redirected output is complete only after this
        return _process.ExitCode;
    }

    /// <summary>Everything printed, for a failure message.</summary>
    public string Output() => string.Join("\n", Lines);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        if (line.Contains(_readyMarker)) _ready.TrySetResult();
    }

    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
    }
}
