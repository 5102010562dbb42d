using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GroupChat.Tests;

/// <summary>Ctrl+C on the three-node demo (<c>dotnet GroupChat.dll</c>, no --port): the nodes leave and the process
/// exits 0 (System.CommandLine's 2 s default ended it with 130 while the nodes were still leaving).</summary>
public sealed class CtrlCTests : IDisposable
{
    private const int SigInt = 2;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("groupchat-ctrlc-");

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Ctrl_C_on_the_three_node_demo_leaves_and_exits_0()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GroupChat.dll");
        string[] demo = ["dotnet", dll, "--http-port", "0", "--data", _data.FullName];
        // a test host started as a background job ignores SIGINT and passes that on; perl restores the default
        string[] command = SigIntIgnored() ? ["perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", .. demo] : demo;
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
            Assert.True(first == ready.Task, "the demo did not start:\n" + Output());
            Assert.Equal(0, kill(process.Id, SigInt));
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(bound.Token);
            process.WaitForExit(); // the redirected output is complete only after this
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n" + Output());
            lock (lines) Assert.Contains(lines, l => l.StartsWith("Leaving the cluster"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        void Collect(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            if (line.Contains("Ctrl+C leaves")) ready.TrySetResult();
        }

        string Output()
        {
            lock (lines) return string.Join("\n", lines);
        }
    }

    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
    }
}
