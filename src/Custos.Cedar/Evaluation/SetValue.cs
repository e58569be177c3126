namespace Custos.Cedar.Evaluation;

/// <summary>
/// An immutable Cedar set. Elements are distinct; membership is a linear scan for small sets
/// (cheaper than hashing a handful of values) and a hash set, built on first use, for larger ones.
/// </summary>
public sealed class SetValue : IEquatable<SetValue>
{
    private const int HashThreshold = 8;

    private readonly Value[] _elements;
    private HashSet<Value>? _lookup;
    private int _hash;

    private SetValue(Value[] distinctElements)
    {
        _elements = distinctElements;
    }

    public static SetValue Empty { get; } = new([]);

    public int Count => _elements.Length;

    public IReadOnlyList<Value> Elements => _elements;

    internal ReadOnlySpan<Value> Span => _elements;

    public static SetValue Create(IEnumerable<Value> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var list = new List<Value>();
        HashSet<Value>? seen = null;
        foreach (var element in elements)
        {
            if (element.Kind == ValueKind.None)
            {
                throw new ArgumentException("a set element must be a value", nameof(elements));
            }
            seen ??= [];
            if (seen.Add(element))
            {
                list.Add(element);
            }
        }
        return list.Count == 0 ? Empty : new SetValue([.. list]);
    }

    /// <summary>Builds a set from a buffer the caller gives up, removing duplicates.</summary>
    internal static SetValue FromBuffer(Value[] buffer)
    {
        if (buffer.Length == 0)
        {
            return Empty;
        }
        if (buffer.Length <= HashThreshold)
        {
            var count = 0;
            for (var i = 0; i < buffer.Length; i++)
            {
                var duplicate = false;
                for (var j = 0; j < count; j++)
                {
                    if (buffer[j].Equals(buffer[i]))
                    {
                        duplicate = true;
                        break;
                    }
                }
                if (!duplicate)
                {
                    buffer[count++] = buffer[i];
                }
            }
            return new SetValue(count == buffer.Length ? buffer : buffer[..count]);
        }
        return Create(buffer);
    }

    public bool Contains(Value value)
    {
        if (_elements.Length <= HashThreshold)
        {
            foreach (var element in _elements)
            {
                if (element.Equals(value))
                {
                    return true;
                }
            }
            return false;
        }
        // Built on first use; racing threads may each build one, and one of them is kept.
        var lookup = Volatile.Read(ref _lookup) ?? Interlocked.CompareExchange(ref _lookup, new HashSet<Value>(_elements), null) ?? _lookup!;
        return lookup.Contains(value);
    }

    /// <summary>Whether every element of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAll(SetValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count > Count)
        {
            return false;
        }
        foreach (var element in other._elements)
        {
            if (!Contains(element))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether some element of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAny(SetValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (small, large) = other.Count <= Count ? (other, this) : (this, other);
        foreach (var element in small._elements)
        {
            if (large.Contains(element))
            {
                return true;
            }
        }
        return false;
    }

    public bool Equals(SetValue? other) =>
        ReferenceEquals(this, other) || (other is not null && other.Count == Count && GetHashCode() == other.GetHashCode() && ContainsAll(other));

    public override bool Equals(object? obj) => Equals(obj as SetValue);

    /// <summary>Independent of element order, as set equality requires.</summary>
    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var hash = 0x5e7;
            foreach (var element in _elements)
            {
                hash += element.GetHashCode() * 31 + 7;
            }
            _hash = hash == 0 ? 1 : hash;
        }
        return _hash;
    }

    public override string ToString() => Value.FromSet(this).ToString();
}
