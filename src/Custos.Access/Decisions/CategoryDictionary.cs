using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Custos.Access.Decisions;

/// <summary>
/// One value for each category a request names, in the order it names them: what a decision
/// and its ledger entry hold per category. The keys are the request's own list (validated to be
/// distinct), not a copy; a request names a handful of categories, so a scan finds one faster
/// than a hash table would, and no table is built for every decision.
/// </summary>
public sealed class CategoryDictionary<T> : IReadOnlyDictionary<string, T>
{
    private readonly IReadOnlyList<string> _keys;
    private readonly T[] _values;

    /// <param name="keys">Distinct categories; the map keeps the list and does not copy it.</param>
    /// <param name="values">The value of each key, at the same position; the map takes the array over.</param>
    public CategoryDictionary(IReadOnlyList<string> keys, T[] values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count != values.Length)
        {
            throw new ArgumentException($"{keys.Count} categories but {values.Length} values", nameof(values));
        }
        _keys = keys;
        _values = values;
    }

    public int Count => _values.Length;

    public IEnumerable<string> Keys => _keys;

    /// <summary>The categories, in order: the very list the map was made with.</summary>
    public IReadOnlyList<string> KeyList => _keys;

    public IEnumerable<T> Values => _values;

    public T this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not a category of this decision");

    public string KeyAt(int index) => _keys[index];

    public T ValueAt(int index) => _values[index];

    /// <summary>A map of the same categories with each value mapped.</summary>
    public CategoryDictionary<TResult> Select<TResult>(Func<T, TResult> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var values = new TResult[_values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = map(_values[i]);
        }
        return new CategoryDictionary<TResult>(_keys, values);
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _values[index] : default;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            yield return new KeyValuePair<string, T>(_keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
