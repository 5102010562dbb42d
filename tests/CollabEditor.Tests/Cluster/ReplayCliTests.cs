using System.IO.Compression;
using System.Text;
using CollabEditor.Cli;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

/// <summary>The replay command's outcomes: converged (exit 0, dumped texts), malformed traces (exit 2, the transaction
/// named), a trace whose endContent no replica reaches (exit 1, the first differing offset per replica).</summary>
[Collection(LoopbackClusterCollection.Name)]
public class ReplayCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("collab-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string json, bool gzip = false)
    {
        var path = Path.Combine(_dir.FullName, name);
        if (!gzip)
        {
            File.WriteAllText(path, json);
            return path;
        }
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(json));
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await App.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_small_concurrent_trace_converges_over_two_nodes_and_dumps_each_replica()
    {
        var path = Write("tiny.json.gz", """
            {"kind":"concurrent","endContent":"hello world 😀","numAgents":2,"txns":[
              {"parents":[],"agent":0,"patches":[[0,0,"hello"]]},
              {"parents":[0],"agent":1,"patches":[[5,0," world"]]},
              {"parents":[0],"agent":0,"patches":[[0,0,"¡"]]},
              {"parents":[1,2],"agent":1,"patches":[[12,0," 😀"],[0,1,""]]}
            ]}
            """, gzip: true);
        var dump = Path.Combine(_dir.FullName, "dump");
        var json = Path.Combine(_dir.FullName, "result.json");
        var (exit, output, error) = await Run("replay", path, "--batch-ms", "0", "--dump", dump, "--json", json);
        Assert.True(exit == 0, output + error);
        Assert.Contains("converged   true", output);
        Assert.Contains("replicas    2", output);
        for (var k = 0; k < 2; k++) Assert.Equal("hello world 😀", File.ReadAllText(Path.Combine(dump, $"replica-{k}.txt"), Encoding.UTF8));
        Assert.Contains("\"ops_per_sec\"", File.ReadAllText(json));
    }

    [Fact]
    public async Task A_patch_outside_the_document_is_refused_naming_its_transaction()
    {
        var path = Write("bad.json", """
            {"startContent":"","endContent":"ab","txns":[{"patches":[[0,0,"ab"]]},{"patches":[[7,1,""]]}]}
            """);
        var (exit, _, error) = await Run("replay", path);
        Assert.Equal(2, exit);
        Assert.Contains("transaction 1", error);
    }

    [Theory]
    [InlineData("""{"kind":"concurrent","endContent":"","numAgents":2,"txns":[{"parents":[3],"agent":0,"patches":[]}]}""", "transaction 0")]
    [InlineData("""{"kind":"concurrent","endContent":"","numAgents":2,"txns":[{"parents":[],"agent":5,"patches":[]}]}""", "transaction 0: agent")]
    [InlineData("""{"startContent":"","endContent":"","txns":[{"patches":[[0,0,"a"]]},{"patches":[[0,"x","a"]]}]}""", "transaction 1, patch 0")]
    [InlineData("""{"startContent":"","endContent":"" """, "not valid JSON")]
    [InlineData("""{"startContent":""}""", "endContent")]
    public async Task Malformed_traces_get_a_clear_error_and_exit_2(string json, string expected)
    {
        var (exit, _, error) = await Run("replay", Write("m.json", json));
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task A_trace_whose_endContent_is_wrong_exits_1_with_the_first_difference_per_replica()
    {
        var path = Write("wrong.json", """
            {"startContent":"","endContent":"abcX","txns":[{"patches":[[0,0,"abcd"]]}]}
            """);
        var (exit, output, _) = await Run("replay", path, "--nodes", "2", "--batch-ms", "0");
        Assert.Equal(1, exit);
        Assert.Contains("converged   false", output);
        Assert.Contains("replica 0 differs from endContent at code point 3", output);
        Assert.Contains("replica 1 differs from endContent at code point 3", output);
    }

    [Fact]
    public async Task A_three_writer_trace_whose_agent_order_is_not_causal_converges_over_three_nodes()
    {
        var path = Write("three.json", Crdt.CausalOrderTests.ThreeWriters);
        var (exit, output, error) = await Run("replay", path, "--batch-ms", "0");
        Assert.True(exit == 0, output + error);
        Assert.Contains("replicas    3", output);
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var (exit, _, error) = await Run("replay", Path.Combine(_dir.FullName, "none.json.gz"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file", error);
    }
}
