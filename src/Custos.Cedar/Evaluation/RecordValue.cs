namespace Custos.Cedar.Evaluation;

/// <summary>
/// An immutable Cedar record. Keys are kept sorted (ordinal) beside their values in two arrays,
/// so that a lookup in a small record is a short scan and a large one a binary search, and no
/// dictionary is allocated per record.
/// </summary>
public sealed class RecordValue : IEquatable<RecordValue>
{
    private const int ScanThreshold = 8;

    private readonly string[] _keys;
    private readonly Value[] _values;
    private int _hash;

    private RecordValue(string[] keys, Value[] values)
    {
        _keys = keys;
        _values = values;
    }

    public static RecordValue Empty { get; } = new([], []);

    public int Count => _keys.Length;

    public IEnumerable<string> Keys => _keys;

    public string KeyAt(int index) => _keys[index];

    public Value ValueAt(int index) => _values[index];

    /// <summary>Creates a record; a key given twice is an error, as in Cedar.</summary>
    public static RecordValue Create(IEnumerable<KeyValuePair<string, Value>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var pairs = attributes.ToArray();
        if (pairs.Length == 0)
        {
            return Empty;
        }
        var keys = new string[pairs.Length];
        var values = new Value[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            if (pairs[i].Value.Kind == ValueKind.None)
            {
                throw new ArgumentException("a record attribute must be a value", nameof(attributes));
            }
            keys[i] = pairs[i].Key;
            values[i] = pairs[i].Value;
        }
        Array.Sort(keys, values, StringComparer.Ordinal);
        for (var i = 1; i < keys.Length; i++)
        {
            if (string.Equals(keys[i - 1], keys[i], StringComparison.Ordinal))
            {
                throw new DuplicateKeyException(keys[i]);
            }
        }
        return new RecordValue(keys, values);
    }

    /// <summary>
    /// Creates a record over arrays the caller gives up, the keys already sorted (ordinal) and
    /// distinct. A caller that builds many records with the same keys (a request context per
    /// call) shares one keys array among them and allocates only the values.
    /// </summary>
    public static RecordValue Create(string[] sortedKeys, Value[] values)
    {
        ArgumentNullException.ThrowIfNull(sortedKeys);
        ArgumentNullException.ThrowIfNull(values);
        if (sortedKeys.Length != values.Length)
        {
            throw new ArgumentException($"{sortedKeys.Length} keys but {values.Length} values", nameof(values));
        }
        for (var i = 0; i < sortedKeys.Length; i++)
        {
            if (i > 0 && string.CompareOrdinal(sortedKeys[i - 1], sortedKeys[i]) >= 0)
            {
                throw new ArgumentException($"the keys are not sorted and distinct at \"{sortedKeys[i]}\"", nameof(sortedKeys));
            }
            if (values[i].Kind == ValueKind.None)
            {
                throw new ArgumentException("a record attribute must be a value", nameof(values));
            }
        }
        return FromSorted(sortedKeys, values);
    }

    /// <summary>Builds a record from arrays the caller gives up; keys must already be sorted and distinct.</summary>
    internal static RecordValue FromSorted(string[] keys, Value[] values) => keys.Length == 0 ? Empty : new(keys, values);

    public bool TryGetValue(string key, out Value value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }
        value = _values[index];
        return true;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    internal int IndexOf(string key)
    {
        var keys = _keys;
        if (keys.Length <= ScanThreshold)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                if (string.Equals(keys[i], key, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            return -1;
        }
        int low = 0, high = keys.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var comparison = string.CompareOrdinal(keys[middle], key);
            if (comparison == 0)
            {
                return middle;
            }
            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return -1;
    }

    public bool Equals(RecordValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other.Count != Count)
        {
            return false;
        }
        for (var i = 0; i < _keys.Length; i++)
        {
            if (!string.Equals(_keys[i], other._keys[i], StringComparison.Ordinal) || !_values[i].Equals(other._values[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as RecordValue);

    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var hash = new HashCode();
            for (var i = 0; i < _keys.Length; i++)
            {
                hash.Add(_keys[i], StringComparer.Ordinal);
                hash.Add(_values[i]);
            }
            var result = hash.ToHashCode();
            _hash = result == 0 ? 1 : result;
        }
        return _hash;
    }

    public override string ToString() => Value.FromRecord(this).ToString();
}

/// <summary>A record was given the same key twice.</summary>
public sealed class DuplicateKeyException(string key) : ArgumentException($"duplicate key `{key}` in a record")
{
    public string Key { get; } = key;
}
