namespace ActorCausal.Protocol;

/// <summary>Identifies a broadcast: the view it was sent in, the sender's rank in that view and its per-view sequence number (from 1).</summary>
public readonly record struct MessageId(long ViewId, int Sender, long Sequence)
{
    /// <summary>The id in a short form, for logs.</summary>
    public override string ToString() => $"{ViewId}.{Sender}.{Sequence}";

    /// <summary>Parses the form written by <see cref="ToString"/> (<c>view.sender.sequence</c>).</summary>
    public static MessageId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], out var view) || !int.TryParse(parts[1], out var sender) || !long.TryParse(parts[2], out var seq))
            throw new FormatException($"'{text}' is not a message id of the form view.sender.sequence.");
        return new MessageId(view, sender, seq);
    }
}
