using System.CommandLine;

namespace CollabEditor.Cli;

/// <summary>The command line: with no command, three nodes with their web pages; <c>replay</c>; <c>bench</c>.</summary>
public static class App
{
    /// <summary>How long Ctrl+C waits for the nodes to leave before the process is ended (exit 130); the library's
    /// 2 s default cut the three nodes' leave short.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(60);

    public static async Task<int> Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("CollabEditor: a collaborative text editor on ActorCausal causal broadcast.");
        root.Add(ReplayCommand.Create(output, error));
        root.Add(BenchCommand.Create(output, error));
        RunCommand.Configure(root, output, error);
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = ShutdownBound });
    }
}
