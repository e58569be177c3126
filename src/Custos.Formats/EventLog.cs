namespace Custos.Formats;

/// <summary><c>events.jsonl</c>: access events in time order.</summary>
public static class EventLog
{
    /// <summary>Streams the events of <paramref name="path"/>, checking that time never goes backwards.</summary>
    public static IEnumerable<AccessEvent> ReadFile(string path)
    {
        using var reader = JsonLines.OpenText(path);
        foreach (var e in Read(reader, path))
        {
            yield return e;
        }
    }

    public static IEnumerable<AccessEvent> Read(TextReader reader, string source)
    {
        var previous = DateTimeOffset.MinValue;
        string? previousId = null;
        foreach (var (line, e) in JsonLines.ReadNumbered<AccessEvent>(reader, source))
        {
            if (e.Time < previous)
            {
                throw new ExchangeFormatException(source, line,
                    $"event '{e.Id}' at {e.Time:O} comes after '{previousId}' at {previous:O}: events must be in time order");
            }
            previous = e.Time;
            previousId = e.Id;
            yield return e;
        }
    }

    public static void WriteFile(string path, IEnumerable<AccessEvent> events) => JsonLines.WriteFile(path, events);
}
