using System.Globalization;
using System.Text;

namespace Custos.Access.Domain;

/// <summary>
/// What Custos accepts from a caller, in one place: identifiers of a bounded length and their
/// documented shape (<c>kind:id</c>, formats.md), and free text of a bounded length, normalised
/// so that the rules applied to it afterwards (not empty, not a repeat) see what a reader sees.
/// Every check runs before anything is ledgered or stored, so a refused request leaves no trace.
/// </summary>
public static class InputRules
{
    /// <summary>The longest identifier, in UTF-16 code units.</summary>
    public const int MaxIdentifierLength = 256;

    /// <summary>The longest free text (justification, comment, reason, note), in UTF-16 code units.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>
    /// Refuses an identifier that is too long, is not of the form <c>kind:id</c> for the given
    /// kind, or holds whitespace, control or invisible characters (which would make two ids
    /// that look alike differ, or one that looks empty count). Null is left to the caller, for
    /// whom it may mean "absent".
    /// </summary>
    /// <param name="field">The field as the caller named it, for the error.</param>
    /// <param name="value">The identifier as given.</param>
    /// <param name="kind">The prefix before the colon (<c>user</c>, <c>staff</c>, <c>case</c>, <c>dept</c>), or null for a plain name (a purpose, a category, a role).</param>
    public static void Identifier(string field, string? value, string? kind)
    {
        if (!IsIdentifier(value, kind))
        {
            throw Refusal(field, value!, kind);
        }
    }

    /// <summary>
    /// A list of identifiers: each element is one (<see cref="Identifier"/>), and none is null,
    /// which JSON allows but no identifier is. Null for the whole list is left to the caller.
    /// </summary>
    public static void Identifiers(string field, IReadOnlyList<string?>? values, string? kind)
    {
        if (values is null)
        {
            return;
        }
        for (var i = 0; i < values.Count; i++)
        {
            // The element's name ("categories[2]") is spelled only for a refusal: this runs for every decision.
            if (values[i] is null)
            {
                throw InputException.Invalid($"{field}[{i}]", $"{field}[{i}] is null; {field} lists identifiers (strings)");
            }
            if (!IsIdentifier(values[i], kind))
            {
                throw Refusal($"{field}[{i}]", values[i]!, kind);
            }
        }
    }

    private static bool IsIdentifier(string? value, string? kind)
    {
        if (value is null)
        {
            return true;
        }
        if (value.Length > MaxIdentifierLength)
        {
            return false;
        }
        var name = value.AsSpan();
        if (kind is not null)
        {
            if (value.Length <= kind.Length || !value.StartsWith(kind, StringComparison.Ordinal) || value[kind.Length] != ':')
            {
                return false;
            }
            name = name[(kind.Length + 1)..];
        }
        if (name.IsEmpty)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!IsIdentifierChar(c))
            {
                return false;
            }
        }
        return true;
    }

    private static InputException Refusal(string field, string value, string? kind)
    {
        if (value.Length > MaxIdentifierLength)
        {
            return InputException.TooLarge(field, $"{field} is {value.Length} characters long; an identifier has at most {MaxIdentifierLength}");
        }
        var shape = kind is null ? "a name without spaces or invisible characters" : $"{kind}:<id>, without spaces or invisible characters";
        return InputException.Invalid(field, $"{field} must be {shape}");
    }

    /// <summary>
    /// Free text as Custos keeps it: at most <see cref="MaxTextLength"/> long, in Unicode
    /// normalisation form C, without control characters other than line breaks and tabs,
    /// without format characters (zero-width spaces and joiners, bidi overrides, tags) and other
    /// characters that render as nothing, and trimmed. Text that looked empty is then empty, and
    /// a repeat padded with invisible characters is the same text again. Null stays null.
    /// </summary>
    public static string? Text(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > MaxTextLength)
        {
            throw InputException.TooLarge(field, $"{field} is {value.Length} characters long; at most {MaxTextLength} are kept");
        }
        var visible = new StringBuilder(value.Length);
        // Enumerating runes turns a lone surrogate into U+FFFD, which normalisation would otherwise refuse with an exception.
        foreach (var rune in value.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                visible.Append(rune.ToString());
            }
        }
        var text = visible.ToString().Normalize(NormalizationForm.FormC).Trim();
        return text.Length > MaxTextLength
            ? throw InputException.TooLarge(field, $"{field} is {text.Length} characters long once normalised; at most {MaxTextLength} are kept")
            : text;
    }

    // Printable ASCII other than the space is always allowed, and is nearly every identifier.
    private static bool IsIdentifierChar(char c) => c is > ' ' and < '\x7f' ||
        !char.IsWhiteSpace(c) && !char.IsSurrogate(c) && !IsInvisible(new Rune(c));

    /// <summary>
    /// Characters that change nothing a reader sees: controls (Cc) other than tab and line
    /// breaks, format characters (Cf: U+200B–U+200F, U+202A–U+202E, U+2060–U+206F, U+FEFF, tags),
    /// and the other default-ignorable or blank-rendering code points used to pad text.
    /// </summary>
    private static bool IsInvisible(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category == UnicodeCategory.Control)
        {
            return rune.Value is not ('\t' or '\n' or '\r');
        }
        return category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            || rune.Value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
            || rune.Value is >= 0x180B and <= 0x180F
            || rune.Value is >= 0xFE00 and <= 0xFE0F
            || rune.Value is >= 0xE0100 and <= 0xE01EF;
    }
}

/// <summary>
/// A request refused for its form, before anything was decided, ledgered or stored. Names the
/// field; <see cref="IsTooLarge"/> tells an oversize value (HTTP 413) from a malformed one (422).
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string field, string message, bool tooLarge) : base(message)
    {
        Field = field;
        IsTooLarge = tooLarge;
    }

    public InputException()
    {
        Field = "";
    }

    public InputException(string message) : base(message)
    {
        Field = "";
    }

    public InputException(string message, Exception innerException) : base(message, innerException)
    {
        Field = "";
    }

    public string Field { get; }

    public bool IsTooLarge { get; }

    public static InputException Invalid(string field, string message) => new(field, message, tooLarge: false);

    public static InputException TooLarge(string field, string message) => new(field, message, tooLarge: true);
}
