using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>A node process failed to start or ended on its own: the benchmark ends with this message.</summary>
public sealed class NodeCrashedException(string message) : Exception(message);

/// <summary>
/// The parent's handle on one node process (<see cref="NodeChild"/>): starts the benchmark binary again as
/// <c>cluster-node</c>, sends commands and awaits their answers, each within a bound. A node that exits on its own fails
/// every pending and later call with <see cref="NodeCrashedException"/>; <see cref="DisposeAsync"/> asks it to stop and
/// kills it if it does not. Every node still running when the parent exits is killed then too.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private const int TailLines = 15;
    /// <summary>How long a node may take to start its ActorSystem (a .NET process with a cold JIT on a loaded machine) before the run ends.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly int _pid;
    private readonly BenchProgress _progress;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Task _readingOutput;
    private readonly Task _readingErrors;
    private long _nextId = NodeLines.HelloId + 1;
    private volatile bool _stopping;
    private volatile NodeCrashedException? _crashed;
    private readonly TaskCompletionSource _crash = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static NodeProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values) Kill(process);
        };
    }

    private NodeProcess(int index, Process process, BenchProgress progress)
    {
        Index = index;
        _process = process;
        _pid = process.Id;
        _progress = progress;
        _pending[NodeLines.HelloId] = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readingOutput = Task.Run(ReadOutputAsync);
        _readingErrors = Task.Run(ReadErrorsAsync);
    }

    public int Index { get; }

    /// <summary>Faults with <see cref="NodeCrashedException"/> when the node exits on its own; never completes otherwise.</summary>
    public Task Crashed => _crash.Task;
    public int Pid => _pid;

    public static NodeProcess Start(NodeChild.Options options, BenchProgress progress)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The benchmark binary itself: its apphost, or `dotnet <dll>` when it was started that way.
        var self = Environment.ProcessPath ?? throw new NodeCrashedException("cannot start node processes: the path of this program is unknown");
        info.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(NodeProcess).Assembly.Location);
        foreach (var arg in new[]
                 {
                     "cluster-node", "--index", options.Index.ToString(), "--nodes", options.Nodes.ToString(), "--parent-pid", options.ParentPid.ToString(),
                     "--board", options.BoardPath, "--batching", options.Batching ? "on" : "off",
                     "--step-timeout", BenchSteps.Bound.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
            info.ArgumentList.Add(arg);
        if (options.Config is { } config)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(config);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new NodeCrashedException($"node {options.Index}: the process did not start");
        }
        catch (Exception e) when (e is not NodeCrashedException)
        {
            throw new NodeCrashedException($"node {options.Index}: cannot start {self}: {e.Message}");
        }
        Running[process.Id] = process;
        return new NodeProcess(options.Index, process, progress);
    }

    /// <summary>The node's first line: its address, once its ActorSystem is up.</summary>
    public async Task<string> HelloAsync()
    {
        var hello = await AwaitAsync(NodeLines.HelloId, $"node {Index}: starting its ActorSystem", StartBound, failToStart: true);
        return hello["address"]!.GetValue<string>();
    }

    /// <summary>
    /// Sends <paramref name="command"/> and awaits the node's answer. The node bounds its own steps by
    /// <see cref="BenchSteps.Bound"/>; the parent waits longer so the node's own message (naming its step) arrives first.
    /// </summary>
    public Task<JsonObject> CallAsync(JsonObject command, string step)
    {
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        command["id"] = id;
        if (_crashed is { } crashed) throw crashed;
        try
        {
            _process.StandardInput.WriteLine(command.ToJsonString());
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The node is gone: the output reader reports why.
        }
        return AwaitAsync(id, $"node {Index}: {step}", BenchSteps.Bound * 2 + TimeSpan.FromSeconds(10), failToStart: false);
    }

    private async Task<JsonObject> AwaitAsync(long id, string step, TimeSpan bound, bool failToStart)
    {
        JsonObject reply;
        try
        {
            reply = await _pending[id].Task.WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            if (failToStart) throw new NodeCrashedException($"{step}: no answer within {bound.TotalSeconds:F0} s (pid {Pid}); its last output:{Tail()}");
            throw new BenchStallException(step, bound);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
        if (reply["error"] is { } error)
        {
            // A step the node gave up on: this mode is given up, the run goes on.
            throw new BenchStallException(error.GetValue<string>());
        }
        return reply;
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(NodeLines.Prefix, StringComparison.Ordinal))
            {
                var reply = JsonNode.Parse(line.AsSpan(NodeLines.Prefix.Length).ToString())!.AsObject();
                if (_pending.TryGetValue(reply["id"]!.GetValue<long>(), out var waiting)) waiting.TrySetResult(reply);
                continue;
            }
            Log(line);
        }
        await _readingErrors.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!_process.WaitForExit(5_000)) Kill(_process);
        Running.TryRemove(_pid, out _);
        if (_stopping) return;
        var code = _process.HasExited ? _process.ExitCode.ToString() : "unknown";
        _crashed = new NodeCrashedException($"node {Index} (pid {Pid}) exited on its own with code {code}; its last output:{Tail()}");
        foreach (var waiting in _pending.Values) waiting.TrySetException(_crashed);
        _crash.TrySetException(_crashed);
    }

    private async Task ReadErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line) Log(line);
    }

    /// <summary>Kept for the message if the node crashes; shown as it comes only the first line of each warning or error, and not while stopping.</summary>
    private void Log(string line)
    {
        _tail.Enqueue(line);
        while (_tail.Count > TailLines) _tail.TryDequeue(out _);
        if (!_stopping && (line.StartsWith("[WARNING]", StringComparison.Ordinal) || line.StartsWith("[ERROR]", StringComparison.Ordinal)))
            _progress.Line($"   [node {Index}] {line}");
    }

    private string Tail() => _tail.IsEmpty ? " (none)" : string.Concat(_tail.Select(l => "\n     " + l));

    /// <summary>Asks the node to stop (its ActorSystem terminates), then kills it if it has not exited within 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_crashed is null && !_process.HasExited)
        {
            try
            {
                await CallAsync(new JsonObject { ["op"] = "stop" }, "stopping").WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception)
            {
                // Killed below.
            }
        }
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(_process);
        }
        await _readingOutput.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Running.TryRemove(_pid, out _);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception)
        {
            // Already gone.
        }
    }
}
