namespace Custos.Formats;

/// <summary><c>events.jsonl</c>: access events in time order.</summary>
public static class EventLog
{
    /// <summary>Streams the events of <paramref name="path"/>, checking that time never goes backwards.</summary>
    public static IEnumerable<AccessEvent> ReadFile(string path) => InTimeOrder(JsonLines.ReadFileNumbered<AccessEvent>(path), path);

    public static IEnumerable<AccessEvent> Read(TextReader reader, string source) => InTimeOrder(JsonLines.ReadNumbered<AccessEvent>(reader, source), source);

    private static IEnumerable<AccessEvent> InTimeOrder(IEnumerable<(long Line, AccessEvent Event)> events, string source)
    {
        var previous = DateTimeOffset.MinValue;
        string? previousId = null;
        foreach (var (line, e) in events)
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
