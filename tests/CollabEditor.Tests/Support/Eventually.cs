namespace CollabEditor.Tests.Support;

public static class Eventually
{
    /// <summary>Retries <paramref name="check"/> until it passes or the (generous) deadline passes, then rethrows.</summary>
    public static async Task Assert(Func<Task> check, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
