namespace GroupChat.Model;

public static class ChatLimits
{
    public const int MaxTextLength = 4000;
    public const int MaxNameLength = 64;
    public const int MaxEmojiLength = 16;
    public const int MaxAttachmentBytes = 1024 * 1024;

    /// <summary>
    /// Characters as a reader counts them: text elements (an emoji, a letter with its accents, a flag), not UTF-16
    /// units, so 4,000 emoji are 4,000 characters. The request body's 64 KiB bounds the bytes behind them.
    /// </summary>
    public static int Characters(string text) => new System.Globalization.StringInfo(text).LengthInTextElements;
}

/// <summary>Why the model refuses a request: the web layer maps it to an HTTP status.</summary>
public enum ChatErrorKind
{
    BadRequest,
    NotFound,
    Forbidden,
    Conflict,
    Unavailable,
}

public sealed record ChatError(ChatErrorKind Kind, string Message)
{
    public static ChatError Bad(string message) => new(ChatErrorKind.BadRequest, message);
    public static ChatError NotFound(string message) => new(ChatErrorKind.NotFound, message);
    public static ChatError Forbidden(string message) => new(ChatErrorKind.Forbidden, message);
}
