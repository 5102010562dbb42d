using System.Text.Json;
using System.Text.RegularExpressions;
using ActorCausal.TestSupport;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

/// <summary>Ctrl+C on the three-node demo (<c>dotnet CollabEditor.dll</c>, no options) once its editor group has formed:
/// the process exits 0 (System.CommandLine's 2 s default ended it with 130 while the nodes were still leaving) and logs
/// no ERROR (Akka.Remote logged a <c>Disassociated</c> ERROR about one run in nine when a system terminated while its
/// peers still ran: <c>Nodes/RemoteAssociations.cs</c>).</summary>
[Collection(LoopbackClusterCollection.Name)]
public partial class CtrlCTests
{
    [Fact]
    public async Task Ctrl_C_on_the_three_node_demo_leaves_and_exits_0_without_an_error()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CollabEditor.dll");
        using var demo = await DemoProcess.StartAsync("Ctrl+C stops", dll, "--http-port", "0");
        var urls = demo.Lines.Select(l => PageUrl().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(3, urls.Length);
        await EveryEditorSeesThreeMembers(urls);

        var exit = await demo.CtrlCAsync();
        Assert.True(exit == 0, $"exit {exit}:\n" + demo.Output());
        Assert.False(demo.Lines.Any(l => l.Contains("ERROR")), "an ERROR was logged:\n" + demo.Output());
    }

    private static async Task EveryEditorSeesThreeMembers(string[] urls)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        foreach (var url in urls)
        {
            while (true)
            {
                try
                {
                    using var status = JsonDocument.Parse(await http.GetStringAsync(url + "/api/status"));
                    if (status.RootElement.GetProperty("members").GetArrayLength() == 3) break;
                }
                catch (HttpRequestException)
                {
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url}: the editor group did not reach 3 members");
                await Task.Delay(200);
            }
        }
    }

    [GeneratedRegex(@"^node \d+ \(\S+\): (http://\S+)$")]
    private static partial Regex PageUrl();
}
