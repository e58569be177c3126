using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Custos.Access.Scim;

/// <summary>
/// An attribute path (RFC 7644 section 3.10): an optional schema URN, an attribute and an
/// optional sub-attribute — <c>userName</c>, <c>roles.value</c>,
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>.
/// Schema null means the resource's core schema. Names compare case-insensitively.
/// </summary>
public sealed record AttrPath(string? Schema, string Attribute, string? SubAttribute)
{
    private static readonly string[] Known =
        [.. new[] { ScimSchemas.User, ScimSchemas.Group, ScimSchemas.EnterpriseUser, ScimSchemas.Staff, ScimSchemas.Department }.OrderByDescending(s => s.Length)];

    private static readonly HashSet<string> Core = new(StringComparer.OrdinalIgnoreCase) { ScimSchemas.User, ScimSchemas.Group };

    public static AttrPath Parse(string text)
    {
        var rest = text.Trim();
        string? schema = null;
        if (rest.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var known = Known.FirstOrDefault(k => rest.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase));
            if (known is not null)
            {
                schema = Core.Contains(known) ? null : known;
                rest = rest[(known.Length + 1)..];
            }
            else
            {
                var colon = rest.LastIndexOf(':');
                schema = rest[..colon];
                rest = rest[(colon + 1)..];
            }
        }
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var attribute = dot < 0 ? rest : rest[..dot];
        var sub = dot < 0 ? null : rest[(dot + 1)..];
        if (attribute.Length == 0 || !attribute.All(IsNameChar) || (sub is not null && (sub.Length == 0 || !sub.All(IsNameChar))))
        {
            throw ScimException.InvalidPath($"'{text}' is not an attribute path");
        }
        return new AttrPath(schema, attribute, sub);
    }

    public bool Is(string? schema, string attribute) =>
        string.Equals(Schema, schema, StringComparison.OrdinalIgnoreCase) && string.Equals(Attribute, attribute, StringComparison.OrdinalIgnoreCase);

    /// <summary>The values at this path in <paramref name="resource"/>; multi-valued attributes give each value.</summary>
    public IEnumerable<JsonNode?> Resolve(JsonNode? resource)
    {
        var container = Schema is null ? resource : resource is JsonObject root ? root[Schema] : null;
        if (container is not JsonObject obj || !obj.TryGetPropertyValue(Attribute, out var node) || node is null)
        {
            yield break;
        }
        var values = node is JsonArray array ? (IEnumerable<JsonNode?>)array : [node];
        foreach (var value in values)
        {
            if (SubAttribute is null)
            {
                yield return value;
            }
            else if (value is JsonObject complex && complex.TryGetPropertyValue(SubAttribute, out var sub) && sub is not null)
            {
                yield return sub;
            }
        }
    }

    internal static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$';

    public override string ToString() => (Schema is null ? "" : Schema + ":") + Attribute + (SubAttribute is null ? "" : "." + SubAttribute);
}

/// <summary>
/// SCIM filters (RFC 7644 section 3.4.2.2): comparisons <c>eq ne co sw ew gt ge lt le pr</c>,
/// <c>and</c>, <c>or</c>, <c>not ( … )</c>, parentheses and value paths <c>emails[type eq "work"]</c>.
/// String comparisons ignore case, as for <c>userName</c> and <c>displayName</c> (caseExact false).
/// </summary>
public abstract record ScimFilter
{
    /// <summary>
    /// The longest filter, in characters. Filters an identity provider sends name an attribute or
    /// two; a bound keeps parsing and matching (both recursive) cheap and shallow.
    /// </summary>
    public const int MaxLength = 4096;

    /// <summary>The deepest nesting of parentheses, <c>not ( … )</c> and value paths: the parser recurses once per level.</summary>
    public const int MaxDepth = 32;

    public abstract bool Matches(JsonNode? resource);

    public static ScimFilter Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw ScimException.InvalidFilter($"the filter is {text.Length} characters long; at most {MaxLength} are accepted");
        }
        var parser = new Parser(Tokenize(text), text);
        var filter = parser.Or();
        if (!parser.AtEnd)
        {
            throw ScimException.InvalidFilter($"unexpected '{parser.Peek}' in filter '{text}'");
        }
        return filter;
    }

    private sealed record Compare(AttrPath Path, string Operator, JsonNode? Value) : ScimFilter
    {
        public override bool Matches(JsonNode? resource)
        {
            var values = Path.Resolve(resource).Select(Simple).Where(v => v is not null).ToList();
            if (Value is null)
            {
                return Operator == "eq" ? values.Count == 0 : values.Count > 0;
            }
            return Operator == "ne"
                ? !values.Any(v => Test("eq", v!, Value))
                : values.Any(v => Test(Operator, v!, Value));
        }

        /// <summary>A multi-valued complex attribute compared as a whole compares its "value" (RFC 7644 3.4.2.2).</summary>
        private static JsonNode? Simple(JsonNode? node) => node is JsonObject complex ? complex["value"] : node;

        private static bool Test(string op, JsonNode actual, JsonNode expected)
        {
            var a = actual.GetValueKind();
            var e = expected.GetValueKind();
            if (a == JsonValueKind.String && e == JsonValueKind.String)
            {
                var x = actual.GetValue<string>();
                var y = expected.GetValue<string>();
                return op switch
                {
                    "eq" => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
                    "co" => x.Contains(y, StringComparison.OrdinalIgnoreCase),
                    "sw" => x.StartsWith(y, StringComparison.OrdinalIgnoreCase),
                    "ew" => x.EndsWith(y, StringComparison.OrdinalIgnoreCase),
                    _ => Order(op, string.Compare(x, y, StringComparison.OrdinalIgnoreCase)),
                };
            }
            if (a is JsonValueKind.True or JsonValueKind.False && e is JsonValueKind.True or JsonValueKind.False)
            {
                return op == "eq" ? a == e : throw ScimException.InvalidFilter($"'{op}' does not compare true or false");
            }
            if (a == JsonValueKind.Number && e == JsonValueKind.Number)
            {
                var c = actual.GetValue<decimal>().CompareTo(expected.GetValue<decimal>());
                return op == "eq" ? c == 0 : Order(op, c);
            }
            return false;
        }

        private static bool Order(string op, int comparison) => op switch
        {
            "gt" => comparison > 0,
            "ge" => comparison >= 0,
            "lt" => comparison < 0,
            "le" => comparison <= 0,
            _ => throw ScimException.InvalidFilter($"'{op}' does not compare strings"),
        };
    }

    private sealed record Present(AttrPath Path) : ScimFilter
    {
        public override bool Matches(JsonNode? resource) =>
            Path.Resolve(resource).Any(v => v is not null && !(v is JsonArray { Count: 0 }) && !(v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0));
    }

    private sealed record ValuePath(AttrPath Path, ScimFilter Inner) : ScimFilter
    {
        public override bool Matches(JsonNode? resource) => Path.Resolve(resource).Any(Inner.Matches);
    }

    private sealed record And(ScimFilter Left, ScimFilter Right) : ScimFilter
    {
        public override bool Matches(JsonNode? resource) => Left.Matches(resource) && Right.Matches(resource);
    }

    private sealed record Or(ScimFilter Left, ScimFilter Right) : ScimFilter
    {
        public override bool Matches(JsonNode? resource) => Left.Matches(resource) || Right.Matches(resource);
    }

    private sealed record Not(ScimFilter Inner) : ScimFilter
    {
        public override bool Matches(JsonNode? resource) => !Inner.Matches(resource);
    }

    /// <summary>A token: a word, a JSON string (kept with its quotes), or one of ( ) [ ].</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or '[' or ']')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '"')
            {
                var start = i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
                if (i >= text.Length)
                {
                    throw ScimException.InvalidFilter($"a string is not closed in filter '{text}'");
                }
                tokens.Add(text[start..++i]);
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '[' or ']' or '"'))
                {
                    i++;
                }
                tokens.Add(text[start..i]);
            }
        }
        return tokens;
    }

    private sealed class Parser(List<string> tokens, string text)
    {
        private static readonly HashSet<string> Operators = new(StringComparer.OrdinalIgnoreCase) { "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le" };
        private int _at;
        private int _depth;

        public bool AtEnd => _at >= tokens.Count;

        public string Peek => AtEnd ? "" : tokens[_at];

        public ScimFilter Or()
        {
            var left = And();
            while (Accept("or"))
            {
                left = new Or(left, And());
            }
            return left;
        }

        private ScimFilter And()
        {
            var left = Unary();
            while (Accept("and"))
            {
                left = new And(left, Unary());
            }
            return left;
        }

        private ScimFilter Unary()
        {
            if (Accept("not"))
            {
                Expect("(");
                return new Not(Nested(")"));
            }
            if (Accept("("))
            {
                return Nested(")");
            }
            if (AtEnd)
            {
                throw ScimException.InvalidFilter($"filter '{text}' ends too soon");
            }
            var path = AttrPath.Parse(Next());
            if (Accept("["))
            {
                return new ValuePath(path, Nested("]"));
            }
            if (Accept("pr"))
            {
                return new Present(path);
            }
            var op = AtEnd ? "" : Next();
            if (!Operators.Contains(op))
            {
                throw ScimException.InvalidFilter($"'{op}' is not a comparison (eq, ne, co, sw, ew, gt, ge, lt, le, pr) in filter '{text}'");
            }
            if (AtEnd)
            {
                throw ScimException.InvalidFilter($"filter '{text}' ends before the value to compare with");
            }
            return new Compare(path, op.ToLowerInvariant(), Value(Next()));
        }

        /// <summary>A filter one level down, up to its closing bracket; refused beyond <see cref="MaxDepth"/> rather than overflowing the stack.</summary>
        private ScimFilter Nested(string close)
        {
            if (++_depth > MaxDepth)
            {
                throw ScimException.InvalidFilter($"the filter nests deeper than {MaxDepth} levels");
            }
            var inner = Or();
            Expect(close);
            _depth--;
            return inner;
        }

        private JsonValue? Value(string token)
        {
            if (token.StartsWith('"'))
            {
                try
                {
                    return JsonValue.Create(JsonSerializer.Deserialize<string>(token));
                }
                catch (JsonException)
                {
                    throw ScimException.InvalidFilter($"{token} is not a valid string in filter '{text}'");
                }
            }
            switch (token.ToLowerInvariant())
            {
                case "true":
                    return JsonValue.Create(true);
                case "false":
                    return JsonValue.Create(false);
                case "null":
                    return null;
            }
            if (decimal.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }
            throw ScimException.InvalidFilter($"'{token}' is not a value (a \"string\", a number, true, false or null) in filter '{text}'");
        }

        private string Next() => tokens[_at++];

        private bool Accept(string word)
        {
            if (!AtEnd && string.Equals(tokens[_at], word, StringComparison.OrdinalIgnoreCase))
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Expect(string word)
        {
            if (!Accept(word))
            {
                throw ScimException.InvalidFilter($"expected '{word}' at '{Peek}' in filter '{text}'");
            }
        }
    }
}

/// <summary>
/// The target of a PATCH operation (RFC 7644 section 3.5.2): an attribute path, optionally
/// narrowed to the values of a multi-valued attribute that match a filter, optionally then to a
/// sub-attribute — <c>active</c>, <c>members[value eq "staff:wei"]</c>,
/// <c>addresses[type eq "work"].country</c>.
/// </summary>
public sealed record PatchPath(AttrPath Path, ScimFilter? Filter, string? ValueSubAttribute)
{
    public static PatchPath Parse(string text)
    {
        if (text.Length > ScimFilter.MaxLength)
        {
            throw ScimException.InvalidPath($"the path is {text.Length} characters long; at most {ScimFilter.MaxLength} are accepted");
        }
        var open = text.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return new PatchPath(AttrPath.Parse(text), null, null);
        }
        var close = text.LastIndexOf(']');
        if (close < open)
        {
            throw ScimException.InvalidPath($"'{text}': the value filter is not closed");
        }
        var after = text[(close + 1)..];
        if (after.Length > 0 && (after[0] != '.' || after.Length == 1 || !after[1..].All(AttrPath.IsNameChar)))
        {
            throw ScimException.InvalidPath($"'{text}': only a sub-attribute (.name) may follow the value filter");
        }
        ScimFilter filter;
        try
        {
            filter = ScimFilter.Parse(text[(open + 1)..close]);
        }
        catch (ScimException e)
        {
            throw ScimException.InvalidPath($"'{text}': {e.Message}");
        }
        return new PatchPath(AttrPath.Parse(text[..open]), filter, after.Length > 0 ? after[1..] : null);
    }

    public override string ToString()
    {
        var text = new StringBuilder(Path.ToString());
        if (Filter is not null)
        {
            text.Append("[…]");
        }
        if (ValueSubAttribute is not null)
        {
            text.Append('.').Append(ValueSubAttribute);
        }
        return text.ToString();
    }
}
