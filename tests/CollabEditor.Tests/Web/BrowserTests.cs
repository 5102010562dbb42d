using Akka.Actor;
using CollabEditor.Nodes;
using CollabEditor.Tests.Support;
using Microsoft.Playwright;

namespace CollabEditor.Tests.Web;

/// <summary>Two nodes' pages in Debian's Chromium, headless, driven by Playwright.</summary>
[Collection(LoopbackClusterCollection.Name)]
public sealed class BrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly List<EditorNode> _nodes = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install -y chromium)");
        var systems = await EditorCluster.StartLocal(2);
        var group = "web-" + Guid.NewGuid().ToString("N")[..6];
        foreach (var s in systems) _nodes.Add(await EditorNode.Start(s, "127.0.0.1", 0, batchMs: 10, group));
        await EditorCluster.WaitForView(_nodes.Select(n => n.Editor), 2, TimeSpan.FromSeconds(60));
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        foreach (var n in _nodes) await n.DisposeAsync();
    }

    private async Task<IPage> Open(int node, string name)
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync($"{_nodes[node].Url}/?name={name}");
        await page.WaitForFunctionAsync("() => window.collab && window.collab.connected");
        return page;
    }

    private static Task<string> Text(IPage page) => page.InputValueAsync("#doc");

    private static Task<int> Caret(IPage page) => page.EvaluateAsync<int>("() => document.getElementById('doc').selectionStart");

    private static async Task Type(IPage page, int at, string text)
    {
        await page.EvaluateAsync("at => { const t = document.getElementById('doc'); t.focus(); t.setSelectionRange(at, at); }", at);
        await page.Keyboard.TypeAsync(text, new KeyboardTypeOptions { Delay = 15 });
    }

    [Fact]
    public async Task Typing_on_node_1_appears_on_node_2_without_moving_node_2s_caret()
    {
        var one = await Open(0, "ada");
        var two = await Open(1, "bob");
        await Type(one, 0, "hello");
        await Eventually.Assert(async () => Assert.Equal("hello", await Text(two)));

        // node 2's caret between "he" and "llo"; node 1 types after it, then before it
        await two.EvaluateAsync("() => { const t = document.getElementById('doc'); t.focus(); t.setSelectionRange(2, 2); }");
        await Type(one, 5, " world");
        await Eventually.Assert(async () => Assert.Equal("hello world", await Text(two)));
        Assert.Equal(2, await Caret(two));
        await Type(one, 0, ">> ");
        await Eventually.Assert(async () => Assert.Equal(">> hello world", await Text(two)));
        Assert.Equal(5, await Caret(two)); // still between "he" and "llo"

        // node 2 sees ada's caret, with her name
        await Eventually.Assert(async () => Assert.Contains("ada", await two.InnerTextAsync("#carets")));
        await Eventually.Assert(async () => Assert.Equal(2, await two.Locator("#members li").CountAsync()));
    }

    [Fact]
    public async Task Concurrent_typing_on_both_pages_converges_to_the_same_text()
    {
        var one = await Open(0, "ada");
        var two = await Open(1, "bob");
        await Type(one, 0, "[]");
        await Eventually.Assert(async () => Assert.Equal("[]", await Text(two)));
        await Task.WhenAll(Type(one, 1, "left side "), Type(two, 2, " right side"));
        await Eventually.Assert(async () =>
        {
            var a = await Text(one);
            Assert.Equal(a, await Text(two));
            Assert.Equal("[left side ] right side", a);
        });
        var onNode = await _nodes[1].Editor.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(await Text(two), onNode);
    }
}
