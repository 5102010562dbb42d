using System.Reflection;
using System.Runtime.CompilerServices;
using ActorCausal.Hosting;
using PublicApiGenerator;

namespace ActorCausal.Packaging.Tests;

/// <summary>
/// The public surface of each package, as PublicApiGenerator prints it, must equal the checked-in
/// Api/&lt;package&gt;.approved.txt, as Akka.NET holds its own API: a change to the public API is a reviewed diff of that file.
/// </summary>
public sealed class PublicApiTests
{
    private const string ApproveVariable = "ACTORCAUSAL_APPROVE_API";

    [Fact]
    public void ActorCausal_Protocol_public_api_is_approved() => Approve(typeof(ActorCausal.Protocol.DeliveryOrder).Assembly);

    [Fact]
    public void ActorCausal_public_api_is_approved() => Approve(typeof(CausalGroups).Assembly);

    [Fact]
    public void ActorCausal_Hosting_public_api_is_approved() => Approve(typeof(CausalGroupsHostingExtensions).Assembly);

    [Fact]
    public void ActorCausal_Streams_public_api_is_approved() => Approve(typeof(ActorCausal.Streams.CausalMerge).Assembly);

    private static void Approve(Assembly assembly, [CallerFilePath] string thisFile = "")
    {
        var name = assembly.GetName().Name!;
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // Assembly attributes (InternalsVisibleTo, TargetFramework, Source Link metadata) are not API.
            IncludeAssemblyAttributes = false,
        }).ReplaceLineEndings("\n");
        var approvedFile = Path.Combine(Path.GetDirectoryName(thisFile)!, "Api", name + ".approved.txt");
        if (Environment.GetEnvironmentVariable(ApproveVariable) == "1")
        {
            File.WriteAllText(approvedFile, api);
            return;
        }
        var approved = File.Exists(approvedFile) ? File.ReadAllText(approvedFile).ReplaceLineEndings("\n") : "";
        if (approved == api) return;

        var receivedFile = Path.Combine(Path.GetDirectoryName(approvedFile)!, name + ".received.txt");
        File.WriteAllText(receivedFile, api);
        Assert.Fail($"""
            The public API of {name} changed. Received: {receivedFile}, approved: {approvedFile}.
            First difference: {FirstDifference(approved, api)}
            If the change is intended, re-approve and commit the diff:
              {ApproveVariable}=1 dotnet test tests/ActorCausal.Packaging.Tests -c Release --filter "FullyQualifiedName~PublicApiTests"
            """);
    }

    private static string FirstDifference(string approved, string received)
    {
        var a = approved.Split('\n');
        var r = received.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, r.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < r.Length ? r[i] : "<end>";
            if (left != right) return $"line {i + 1}: approved `{left.Trim()}`, received `{right.Trim()}`";
        }
        return "none";
    }
}
