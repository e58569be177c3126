using System.Globalization;
using System.Text;

namespace Custos.Ledger.Tiles;

/// <summary>
/// One tile of a C2SP tlog-tiles log: the <see cref="Index"/>-th run of up to 256 consecutive
/// Merkle tree hashes at tile level <see cref="Level"/>, that is at tree level <c>8·Level</c>
/// (hash <c>i</c> is the root of entries <c>[(256·Index + i)·256^Level, …+256^Level)</c>).
/// A full tile holds 256 hashes; a partial one (<c>.p/W</c>) the <see cref="Width"/> that a
/// smaller tree has. Level-0 coordinates also name an entry bundle of the same entries.
/// </summary>
public readonly record struct Tile(int Level, long Index, int Width)
{
    /// <summary>Tree levels one tile spans: a tile is a perfect subtree of height 8.</summary>
    public const int Height = 8;

    public const int FullWidth = 1 << Height;

    /// <summary>tlog-tiles allows levels 0 to 63.</summary>
    public const int MaxLevel = 63;

    public bool IsFull => Width == FullWidth;

    /// <summary>The tree level of the hashes the tile holds.</summary>
    public int TreeLevel => Level * Height;

    /// <summary><c>tile/L/N[.p/W]</c>, relative to the log's prefix.</summary>
    public string Path => $"tile/{Level.ToString(CultureInfo.InvariantCulture)}/{TilePath.Format(Index, Width)}";

    /// <summary><c>tile/entries/N[.p/W]</c>: the entries of a level-0 tile.</summary>
    public string EntryBundlePath => $"tile/entries/{TilePath.Format(Index, Width)}";

    /// <summary>How many hashes a tree of <paramref name="size"/> entries has at tile level <paramref name="level"/>.</summary>
    public static long HashCount(int level, long size) => level * Height >= 63 ? 0 : size >> (level * Height);

    /// <summary>Whether a tree of <paramref name="size"/> entries holds every hash of this tile (so the tile never changes).</summary>
    public bool IsWithin(long size)
    {
        var count = HashCount(Level, size);
        return Width is >= 1 and <= FullWidth && Index >= 0 && count >= Width && Index <= (count - Width) / FullWidth;
    }

    /// <summary>
    /// The tile at <paramref name="level"/> that holds hash <paramref name="hashIndex"/> of that
    /// level, as wide as a tree of <paramref name="size"/> entries makes it.
    /// </summary>
    public static Tile Holding(int level, long hashIndex, long size)
    {
        var count = HashCount(level, size);
        var index = hashIndex / FullWidth;
        var width = (int)Math.Min(FullWidth, count - (index * FullWidth));
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hashIndex), $"A tree of {size} entries has no hash {hashIndex} at tile level {level}.");
        }
        return new Tile(level, index, width);
    }

    /// <summary>Every tile of a tree of <paramref name="size"/> entries, level by level: the full ones and the partial one at the right edge.</summary>
    public static IEnumerable<Tile> AllOf(long size)
    {
        for (var level = 0; HashCount(level, size) > 0; level++)
        {
            var count = HashCount(level, size);
            for (long index = 0; index < count / FullWidth; index++)
            {
                yield return new Tile(level, index, FullWidth);
            }
            if (count % FullWidth is > 0 and var width)
            {
                yield return new Tile(level, count / FullWidth, (int)width);
            }
        }
    }

    public override string ToString() => Path;
}

/// <summary>
/// The <c>N[.p/W]</c> part of a tile path: the index in zero-padded groups of three digits,
/// every group but the last prefixed with <c>x</c> (1234067 is <c>x001/x234/067</c>), so
/// that a file system can hold the tiles without a name being both a file and a directory.
/// </summary>
public static class TilePath
{
    private const string PartialMarker = ".p/";

    public static string Format(long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, Tile.FullWidth);
        var path = (index % 1000).ToString("D3", CultureInfo.InvariantCulture);
        for (var rest = index / 1000; rest > 0; rest /= 1000)
        {
            path = $"x{(rest % 1000).ToString("D3", CultureInfo.InvariantCulture)}/{path}";
        }
        return width == Tile.FullWidth ? path : $"{path}{PartialMarker}{width.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Reads <c>N[.p/W]</c>; only the canonical spelling is accepted, so one tile has one path.</summary>
    public static bool TryParse(string? path, out long index, out int width)
    {
        index = 0;
        width = Tile.FullWidth;
        if (string.IsNullOrEmpty(path) || path.Length > 64)
        {
            return false;
        }
        var indexPart = path;
        var marker = path.IndexOf(PartialMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            var w = path[(marker + PartialMarker.Length)..];
            if (w.Length is 0 or > 3 || !w.All(char.IsAsciiDigit) || w[0] == '0'
                || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out width) || width >= Tile.FullWidth)
            {
                return false;
            }
            indexPart = path[..marker];
        }
        var groups = indexPart.Split('/');
        var value = 0L;
        try
        {
            for (var i = 0; i < groups.Length; i++)
            {
                var group = i < groups.Length - 1 && groups[i].StartsWith('x') ? groups[i][1..] : groups[i];
                if (group.Length != 3 || !group.All(char.IsAsciiDigit))
                {
                    return false;
                }
                value = checked((value * 1000) + int.Parse(group, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }
        catch (OverflowException)
        {
            return false;
        }
        index = value;
        return Format(value, width) == path;
    }
}
