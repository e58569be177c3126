using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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

    public static IEnumerable<T> ReadFile<T>(string path) => ReadFileNumbered<T>(path).Select(entry => entry.Item);

    /// <summary>
    /// The items of a file with their lines, parsed from the file's bytes: the same items and
    /// the same errors as <see cref="ReadNumbered{T}(TextReader, string)"/> on the decoded text,
    /// without a string per line.
    /// </summary>
    internal static IEnumerable<(long Line, T Item)> ReadFileNumbered<T>(string path)
    {
        using var stream = OpenRead(path);
        var lines = new Utf8LineReader(stream);
        if (!lines.IsUtf8())
        {
            stream.Position = 0;
            using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            foreach (var entry in ReadNumbered<T>(text, path))
            {
                yield return entry;
            }
            yield break;
        }
        long number = 0;
        while (Next<T>(lines, path, ref number) is { } item)
        {
            yield return (number, item);
        }
    }

    /// <summary>The next item, skipping blank lines; default at the end of the file.</summary>
    private static T? Next<T>(Utf8LineReader lines, string path, ref long number)
    {
        while (lines.TryReadLine(out var line))
        {
            number++;
            if (IsBlank(line))
            {
                continue;
            }
            T? item;
            try
            {
                // Bytes that are not UTF-8 are read as the decoder reads them (replaced), as before.
                item = Utf8.IsValid(line)
                    ? JsonSerializer.Deserialize<T>(line, FormatJson.Options)
                    : JsonSerializer.Deserialize<T>(Encoding.UTF8.GetString(line), FormatJson.Options);
            }
            catch (JsonException e)
            {
                throw new ExchangeFormatException(path, number, FormatJson.Describe(e), e);
            }
            return item ?? throw new ExchangeFormatException(path, number, "expected an object, found null");
        }
        return default;
    }

    /// <summary><see cref="string.IsNullOrWhiteSpace"/> of the decoded line, decoding only a line with non-ASCII bytes.</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b >= 0x80)
            {
                return string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line));
            }
            if (!char.IsWhiteSpace((char)b))
            {
                return false;
            }
        }
        return true;
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

    // The line reader buffers; a second buffer underneath would only copy.
    private static FileStream OpenRead(string path) =>
        FormatFiles.Read(path, file => new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0));
}
