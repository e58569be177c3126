using System.Text.Json;

namespace Custos.Formats;

/// <summary>Reads and writes <c>world.json</c>, refusing a world that does not hold together.</summary>
public static class WorldFile
{
    public static World Read(string path) => Read(ReadBytes(path), path);

    /// <summary>The exact bytes of a world file (what is hashed when it is loaded), checked to be a world.</summary>
    public static byte[] ReadChecked(string path)
    {
        var bytes = ReadBytes(path);
        Read(bytes, path);
        return bytes;
    }

    private static byte[] ReadBytes(string path) => FormatFiles.Read(path, File.ReadAllBytes);

    public static World Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), source);
    }

    /// <remarks>
    /// Parsed from memory, not from a stream: the streaming deserializer reports the line of its
    /// read-ahead buffer rather than of the fault. A world is at most a few megabytes.
    /// </remarks>
    public static World Read(ReadOnlySpan<byte> utf8, string source)
    {
        World? world;
        try
        {
            world = JsonSerializer.Deserialize<World>(utf8, FormatJson.Options);
        }
        catch (JsonException e)
        {
            // LineNumber is 0-based.
            throw new ExchangeFormatException(source, e.LineNumber + 1, FormatJson.Describe(e), e);
        }
        if (world is null)
        {
            throw new ExchangeFormatException(source, null, "expected a world object, found null");
        }

        var problems = WorldValidator.Validate(world);
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? $" (and {problems.Count - 1} more problem{(problems.Count > 2 ? "s" : "")})" : "";
            throw new ExchangeFormatException(source, null, problems[0] + more);
        }
        return world;
    }

    public static void Write(World world, Stream stream) =>
        JsonSerializer.Serialize(stream, world, FormatJson.IndentedOptions);

    public static void Write(World world, string path)
    {
        using var stream = File.Create(path);
        Write(world, stream);
    }
}
