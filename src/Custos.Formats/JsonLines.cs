using System.Text;
using System.Text.Json;

namespace Custos.Formats;

/// <summary>
/// JSON Lines (one JSON object a line, UTF-8) with errors that name the line. Blank lines are
/// skipped; anything else that is not one object of the expected shape is an error.
/// </summary>
public static class JsonLines
{
    public static IEnumerable<T> Read<T>(TextReader reader, string source) =>
        ReadNumbered<T>(reader, source).Select(entry => entry.Item);

    /// <summary>Each item with its 1-based line, for checks that span lines.</summary>
    internal static IEnumerable<(long Line, T Item)> ReadNumbered<T>(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);

        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            T? item;
            try
            {
                item = JsonSerializer.Deserialize<T>(line, FormatJson.Options);
            }
            catch (JsonException e)
            {
                throw new ExchangeFormatException(source, number, FormatJson.Describe(e), e);
            }
            yield return (number, item ?? throw new ExchangeFormatException(source, number, "expected an object, found null"));
        }
    }

    public static IEnumerable<T> ReadFile<T>(string path)
    {
        using var reader = OpenText(path);
        foreach (var item in Read<T>(reader, path))
        {
            yield return item;
        }
    }

    public static void Write<T>(TextWriter writer, T item)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(JsonSerializer.Serialize(item, FormatJson.Options));
        writer.Write('\n');
    }

    public static void WriteFile<T>(string path, IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        foreach (var item in items)
        {
            Write(writer, item);
        }
    }

    internal static StreamReader OpenText(string path) =>
        FormatFiles.Read(path, file => new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 }));
}
