namespace Custos.Formats;

/// <summary>
/// A file at Custos's edge is not what its format says. The message names the file, the line
/// (when known), the field and what is wrong, on one line, so that a CLI can print it as is.
/// </summary>
public sealed class ExchangeFormatException : Exception
{
    public ExchangeFormatException(string message) : base(message)
    {
    }

    public ExchangeFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ExchangeFormatException()
    {
    }

    public ExchangeFormatException(string source, long? line, string problem, Exception? innerException = null)
        : base(line is null ? $"{source}: {problem}" : $"{source}:{line}: {problem}", innerException)
    {
        Source = source;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that was read.</summary>
    public new string? Source { get; }

    /// <summary>1-based line of the fault, when the reader knows it.</summary>
    public long? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string? Problem { get; }
}
