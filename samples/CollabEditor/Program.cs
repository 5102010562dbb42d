using System.Diagnostics;
using CollabEditor.Replay;
using CollabEditor.Traces;

foreach (var f in new[] { "automerge-paper", "sveltecomponent", "friendsforever" })
{
    var t = EditTrace.Load($"samples/CollabEditor/traces/{f}.json.gz");
    for (var rep = 0; rep < 3; rep++)
    {
        var sw = Stopwatch.StartNew();
        if (t.Concurrent)
        {
            var c = new Causality(t);
            var docs = LocalReplay.PerAgent(t, c, eager: rep == 2);
            Console.WriteLine($"{f} eager={rep == 2} {sw.Elapsed.TotalMilliseconds:F1} ms ok={docs.All(d => d.GetText() == t.EndContent)}");
        }
        else
        {
            var d = LocalReplay.Sequential(t);
            var ms = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"{f} {ms:F1} ms ok={d.GetText() == t.EndContent} runs={d.RunCount} items={d.ItemCount}");
        }
    }
}
return 0;
