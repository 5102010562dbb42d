namespace GroupChat.Bench;

/// <summary>A progress line every few seconds while a long step runs.</summary>
public static class BenchProgress
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(3);

    public static async Task WhileAsync(Task step, Func<string> status, TextWriter log)
    {
        while (await Task.WhenAny(step, Task.Delay(Every)) != step) log.WriteLine($"  {status()}");
        await step;
    }
}
