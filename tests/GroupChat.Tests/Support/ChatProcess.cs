using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GroupChat.Tests.Support;

/// <summary>One GroupChat node as a real process (<c>dotnet GroupChat.dll --port 0 --http-port 0 ...</c>), killable by pid.</summary>
public sealed partial class ChatProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = new();

    private ChatProcess(Process process, Uri url, string akka)
    {
        _process = process;
        Url = url;
        Akka = akka;
    }

    public Uri Url { get; }
    public string Akka { get; }
    public int Pid => _process.Id;

    public static async Task<ChatProcess> StartAsync(string name, string dataDirectory, string seedHostPort)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GroupChat.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "--port", "0", "--http-port", "0", "--name", name, "--data", dataDirectory, "--seed", seedHostPort }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var started = new TaskCompletionSource<(Uri, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            var m = StartedLine().Match(e.Data);
            if (m.Success) started.TrySetResult((new Uri(m.Groups["url"].Value), m.Groups["akka"].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != started.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (lines) throw new InvalidOperationException($"GroupChat {name} did not start:\n{string.Join("\n", lines)}");
        }
        var (url, akka) = started.Task.Result;
        var chat = new ChatProcess(process, url, akka);
        lock (lines) chat._output.AddRange(lines);
        return chat;
    }

    /// <summary>SIGKILL: no graceful leave, no flush; the database file stays as the last commit left it.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"^\S+: (?<url>http://\S+) \(akka (?<akka>\S+),")]
    private static partial Regex StartedLine();
}
