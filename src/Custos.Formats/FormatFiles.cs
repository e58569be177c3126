using System.Text.Json;

namespace Custos.Formats;

/// <summary>
/// Reading the files of the exchange formats, so that a file that cannot be read or parsed is
/// always an <see cref="ExchangeFormatException"/> naming the file, the line and the field.
/// </summary>
public static class FormatFiles
{
    /// <summary>Opens or reads <paramref name="path"/> with <paramref name="read"/>; a file that cannot be read names itself.</summary>
    public static T Read<T>(string path, Func<string, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExchangeFormatException(path, null, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>A JSON file holding one <typeparamref name="T"/> (<paramref name="what"/>, as a message names it: "a labels object").</summary>
    public static T ReadJson<T>(string path, JsonSerializerOptions options, string what)
        where T : class
    {
        var bytes = Read(path, File.ReadAllBytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, options)
                ?? throw new ExchangeFormatException(path, null, $"expected {what}, found null");
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
            var field = string.IsNullOrEmpty(e.Path) ? "" : $"{e.Path}: ";
            // LineNumber is 0-based.
            throw new ExchangeFormatException(path, e.LineNumber + 1, field + (cut >= 0 ? message[..cut] : message), e);
        }
    }
}
