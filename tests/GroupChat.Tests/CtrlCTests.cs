using ActorCausal.TestSupport;

namespace GroupChat.Tests;

/// <summary>Ctrl+C on the three-node demo (<c>dotnet GroupChat.dll</c>, no --port): the nodes leave and the process
/// exits 0 (System.CommandLine's 2 s default ended it with 130 while the nodes were still leaving).</summary>
public sealed class CtrlCTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("groupchat-ctrlc-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Ctrl_C_on_the_three_node_demo_leaves_and_exits_0()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GroupChat.dll");
        using var demo = await DemoProcess.StartAsync("Ctrl+C leaves", dll, "--http-port", "0", "--data", _data.FullName);
        var exit = await demo.CtrlCAsync();
        Assert.True(exit == 0, $"exit {exit}:\n" + demo.Output());
        Assert.Contains(demo.Lines, l => l.StartsWith("Leaving the cluster"));
    }
}
