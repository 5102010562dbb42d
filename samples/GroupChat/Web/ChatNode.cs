using GroupChat.Actors;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;

namespace GroupChat.Web;

/// <summary>
/// One chat node as a user sees it: its web page and HTTP API (ASP.NET Core, Kestrel) over its <see cref="NodeRuntime"/>.
/// The web side outlives the runtime: after <see cref="CrashAsync"/> the page still answers (the node is shown down) and
/// <see cref="RestartAsync"/> starts a new incarnation on the same ports and database.
/// </summary>
public sealed class ChatNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile NodeRuntime? _runtime;
    private NodeOptions _options;

    private ChatNode(NodeOptions options, WebApplication app, EventHub hub)
    {
        _options = options;
        _app = app;
        Hub = hub;
    }

    public string Name => _options.Name;
    public EventHub Hub { get; }
    public NodeRuntime? Runtime => _runtime is { Running: true } r ? r : null;
    public Uri Url { get; private set; } = null!;
    public IClusterControl? Control { get; set; }
    public NodeOptions Options => _options;

    public static async Task<ChatNode> StartAsync(NodeOptions options, string httpHost, int httpPort, IClusterControl? control = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{httpHost}:{httpPort}");
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { JsonIds.WriteViewIdsAsStrings } };
        });
        var hub = new EventHub();
        var app = builder.Build();
        var node = new ChatNode(options, app, hub) { Control = control };
        var files = new EmbeddedFileProvider(typeof(ChatNode).Assembly, "GroupChat.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        ChatApi.Map(app, node);
        node._runtime = NodeRuntime.Start(options, hub.Publish);
        // Keep the real Akka port so a restart comes back at the same address.
        node._options = options with { Port = node._runtime.Address.Port ?? options.Port };
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        node.Url = new Uri(address);
        return node;
    }

    public async Task CrashAsync()
    {
        var runtime = _runtime;
        _runtime = null;
        if (runtime is not null) await runtime.Crash();
        Hub.Publish("");
    }

    /// <summary>Starts a new incarnation (same ports, same database) that joins <paramref name="seeds"/>.</summary>
    public Task RestartAsync(IReadOnlyList<Akka.Actor.Address> seeds)
    {
        if (Runtime is not null) return Task.CompletedTask;
        _runtime = NodeRuntime.Start(_options with { SeedAddresses = seeds.Count > 0 ? seeds : [], Seeds = [] }, Hub.Publish);
        Hub.Publish("");
        return Task.CompletedTask;
    }

    /// <summary>Leaves the cluster gracefully and stops the web server.</summary>
    public async Task StopAsync()
    {
        var runtime = _runtime;
        _runtime = null;
        if (runtime is not null) await runtime.StopAsync();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
