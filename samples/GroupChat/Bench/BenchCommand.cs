using System.CommandLine;

namespace GroupChat.Bench;

public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Load: posts through the three nodes' HTTP APIs at once; checks the histories and prints posts/s and POST-to-visible-everywhere latency.");
        command.SetAction(_ => 0);
        return command;
    }
}
