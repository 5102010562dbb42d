using Akka.Configuration;

namespace ActorCausal;

/// <summary>
/// Reads keys of an <c>actorcausal</c> section that has reference.conf as its fallback, so every key is there: a
/// missing one is a <see cref="ConfigurationException"/> naming it, never a value written in C#. Remembers the keys it
/// read, so a test can check that every key of reference.conf is read.
/// </summary>
internal sealed class SettingsReader(Config section)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public IReadOnlySet<string> KeysRead => _read;

    /// <summary>The value at <paramref name="path"/> read by <paramref name="get"/>; a missing, null or unreadable one is a <see cref="ConfigurationException"/> naming the key.</summary>
    private T Get<T>(string path, string kind, Func<Config, string, T> get)
    {
        _read.Add(path);
        var raw = section.HasPath(path) ? section.GetValue(path) : null;
        if (raw is null || raw.IsEmpty)
            throw new ConfigurationException($"actorcausal.{path} is missing (every key has its default in ActorCausal's reference.conf).");
        try
        {
            return get(section, path);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"actorcausal.{path} = '{raw}' is not {kind}: {e.Message}", e);
        }
    }

    public string String(string path) => Get(path, "a string", (c, p) => c.GetString(p));

    public int Int(string path) => Get(path, "a whole number", (c, p) => c.GetInt(p));

    public long Long(string path) => Get(path, "a whole number", (c, p) => c.GetLong(p));

    public bool Boolean(string path) => Get(path, "on or off", (c, p) => c.GetBoolean(p));

    public long Bytes(string path) => Get(path, "a size in bytes", (c, p) => c.GetByteSize(p) ?? throw new FormatException("no size"));

    public TimeSpan Duration(string path) => Get(path, "a duration", (c, p) => c.GetTimeSpan(p, null, allowInfinite: false));

    public TimeSpan PositiveDuration(string path)
    {
        var value = Duration(path);
        if (value <= TimeSpan.Zero) throw new ConfigurationException($"actorcausal: {path} must be a positive duration, not {value}.");
        return value;
    }

    public long PositiveMillis(string path) => (long)PositiveDuration(path).TotalMilliseconds;

    public long NonNegativeMillis(string path)
    {
        var value = Duration(path);
        if (value < TimeSpan.Zero) throw new ConfigurationException($"actorcausal setting {path} must be zero or positive, got {value}.");
        return (long)value.TotalMilliseconds;
    }
}
