using System.Text.Json;
using Custos.Access.Decisions;

namespace Custos.Access.Policies;

/// <summary>
/// What a replay needs of a ledgered decision (<see cref="DecisionEntry"/>): the question as it
/// was asked, the answer per category, and the world and policy set it was decided under.
/// </summary>
internal sealed record LedgeredDecision(
    DateTimeOffset Time,
    string Reader,
    string? ReaderDepartment,
    string ReaderLocation,
    string Subject,
    string Purpose,
    string? Case,
    string Decision,
    CategoryDictionary<LedgeredCategory> Categories,
    string PolicySet,
    string World)
{
    /// <summary>
    /// Reads a decision entry in one pass over its bytes, keeping only what a replay needs, with
    /// the strings that repeat from entry to entry (ids, effects, policies) shared; null for an
    /// entry of another type. The general reader (<see cref="LedgerEntry.Parse"/>) builds every
    /// field of every kind and took about 10 µs an entry, twice the whole budget of a replay.
    /// </summary>
    public static LedgeredDecision? Read(ReadOnlySpan<byte> entry, StringPool pool)
    {
        var reader = new Utf8JsonReader(entry);
        DateTimeOffset? time = null;
        var values = new string?[Fields.Length];
        List<string>? names = null;
        List<LedgeredCategory>? categories = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        // Entries of other kinds may use the same names for other shapes (an access request's
        // categories are a list): a value of another shape is passed over, and only refused once
        // the entry turns out to be a decision.
        var misshapen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("categories"u8))
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    (names, categories) = ReadCategories(ref reader, pool);
                }
                else
                {
                    misshapen = true;
                    reader.Skip();
                }
            }
            else if (name.SequenceEqual("time"u8))
            {
                misshapen |= !(reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) && (time = at) is not null);
            }
            else if (Field(name) is { } field)
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.Null)
                {
                    values[field] = pool.Get(ref reader);
                }
                else
                {
                    misshapen = true;
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }
        var (type, who, department, location, subject, purpose, @case, decision, policySet, world) =
            (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9]);
        if (type != LedgerEntryTypes.Decision)
        {
            return null;
        }
        if (misshapen)
        {
            throw new JsonException("a decision entry with a field of the wrong type");
        }
        if (time is null || who is null || location is null || subject is null || purpose is null || decision is null || policySet is null || world is null || names is null)
        {
            throw new JsonException("a decision entry lacks a field a replay needs (time, reader, reader_location, subject, purpose, decision, categories, policy_set, world)");
        }
        return new LedgeredDecision(time.Value, who, department, location, subject, purpose, @case, decision,
            new CategoryDictionary<LedgeredCategory>(names, [.. categories!]), policySet, world);
    }

    private static readonly byte[][] Fields =
        [.. new[] { "type", "reader", "reader_department", "reader_location", "subject", "purpose", "case", "decision", "policy_set", "world" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    /// <summary>The position of a string field a replay keeps, in <see cref="Fields"/>; null for one it passes over.</summary>
    private static int? Field(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            if (name.SequenceEqual(Fields[i]))
            {
                return i;
            }
        }
        return null;
    }

    private static (List<string>, List<LedgeredCategory>) ReadCategories(ref Utf8JsonReader reader, StringPool pool)
    {
        var names = new List<string>(4);
        var categories = new List<LedgeredCategory>(4);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add(pool.Get(ref reader)!);
            reader.Read();
            string? effect = null;
            var policies = new List<string>(2);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueSpan;
                reader.Read();
                if (field.SequenceEqual("effect"u8))
                {
                    effect = pool.Get(ref reader);
                }
                else if (field.SequenceEqual("policies"u8))
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        policies.Add(pool.Get(ref reader)!);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            categories.Add(new LedgeredCategory(effect ?? throw new JsonException("a decision entry's category has no effect"), policies));
        }
        return (names, categories);
    }
}

/// <summary>One category of a ledgered decision: its effect (raw, masked, deny) and the policies that decided it.</summary>
internal sealed record LedgeredCategory(string Effect, IReadOnlyList<string> Policies);

/// <summary>
/// One string per distinct value read: a replay reads the same few hundred readers, subjects,
/// cases and policy ids millions of times, and allocating each again would cost more than the replay.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The string or property name under the reader (null for a JSON null), shared with every equal one read before.</summary>
    public string? Get(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException($"a string was expected, not {reader.TokenType}");
        }
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > 256)
        {
            return reader.GetString();
        }
        Span<char> buffer = stackalloc char[length];
        var chars = buffer[..reader.CopyString(buffer)];
        if (_lookup.TryGetValue(chars, out var known))
        {
            return known;
        }
        var added = chars.ToString();
        _strings[added] = added;
        return added;
    }
}
