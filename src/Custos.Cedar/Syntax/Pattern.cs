using System.Text;

namespace Custos.Cedar.Syntax;

/// <summary>One piece of a <c>like</c> pattern: a literal run of characters or the wildcard <c>*</c>.</summary>
public readonly record struct PatternElement(bool IsWildcard, string Text)
{
    public static PatternElement Wildcard { get; } = new(true, "");

    public static PatternElement Literal(string text) => new(false, text);
}

/// <summary>
/// A <c>like</c> pattern. Adjacent literal characters are merged; each <c>*</c> is kept, so the
/// pattern prints back as it was written.
/// </summary>
public sealed record Pattern(EquatableArray<PatternElement> Elements)
{
    /// <summary>
    /// Glob matching with <c>*</c> as "any sequence", by the classic two-pointer walk that
    /// backtracks only to the last star: linear for typical patterns, no allocation.
    /// </summary>
    public bool Matches(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var elements = Elements.AsSpan();
        // Flatten into (char or star) positions lazily: walk element/offset pairs.
        int element = 0, offset = 0, position = 0;
        int starElement = -1, starPosition = 0;
        while (position < text.Length)
        {
            if (element < elements.Length && !elements[element].IsWildcard && elements[element].Text[offset] == text[position])
            {
                position++;
                offset++;
                if (offset == elements[element].Text.Length)
                {
                    element++;
                    offset = 0;
                }
            }
            else if (element < elements.Length && elements[element].IsWildcard)
            {
                starElement = element;
                starPosition = position;
                element++;
                offset = 0;
            }
            else if (starElement >= 0)
            {
                element = starElement + 1;
                offset = 0;
                position = ++starPosition;
            }
            else
            {
                return false;
            }
        }
        while (element < elements.Length && elements[element].IsWildcard)
        {
            element++;
        }
        return element == elements.Length;
    }

    /// <summary>The pattern as the body of a Cedar string literal: <c>*</c> bare, a literal star as <c>\*</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var element in Elements)
        {
            if (element.IsWildcard)
            {
                builder.Append('*');
            }
            else
            {
                Printer.AppendEscaped(builder, element.Text, escapeStar: true);
            }
        }
        return builder.ToString();
    }
}
