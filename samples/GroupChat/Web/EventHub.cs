using System.Threading.Channels;

namespace GroupChat.Web;

/// <summary>Tells every open page that something changed (a room id, or "" for the node list); pages then refetch.</summary>
public sealed class EventHub
{
    private readonly Lock _lock = new();
    private readonly List<Channel<string>> _subscribers = new();

    public void Publish(string what)
    {
        lock (_lock)
        {
            foreach (var s in _subscribers) s.Writer.TryWrite(what);
        }
    }

    public Channel<string> Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock) _subscribers.Add(channel);
        return channel;
    }

    public void Unsubscribe(Channel<string> channel)
    {
        lock (_lock) _subscribers.Remove(channel);
    }
}
