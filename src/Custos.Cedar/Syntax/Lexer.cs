namespace Custos.Cedar.Syntax;

internal enum TokenKind
{
    End,
    Identifier,
    String,
    Integer,
    Slot,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Comma,
    Semicolon,
    Dot,
    Colon,
    DoubleColon,
    At,
    Question,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    Assign,
}

/// <summary>A token; <see cref="Text"/> is the identifier, the raw (still escaped) string body, or the digits.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, int Line, int Column)
{
    public SourcePosition Position => new(Line, Column);

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Identifier => $"`{Text}`",
        TokenKind.String => $"\"{Text}\"",
        TokenKind.Integer => Text,
        TokenKind.Slot => $"?{Text}",
        _ => $"`{Text}`",
    };
}

/// <summary>
/// A <c>//</c> comment, kept for the formatter. It stands before the token at <see cref="Before"/>;
/// <see cref="Trailing"/> when it ends the line of the token before it, and
/// <see cref="BlankLineAfter"/> when an empty line separates it from what follows.
/// </summary>
internal readonly record struct Comment(int Before, string Text, bool Trailing, bool BlankLineAfter);

/// <summary>Splits Cedar text (policies, schemas) into tokens, skipping whitespace and <c>//</c> comments.</summary>
internal static class Lexer
{
    /// <param name="text">The Cedar text.</param>
    /// <param name="comments">When given, receives every comment in order; otherwise comments are dropped.</param>
    public static List<Token> Tokenize(string text, List<Comment>? comments = null)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            // Skip whitespace and comments.
            var newlineSinceToken = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\n')
                {
                    i++;
                    line++;
                    lineStart = i;
                    newlineSinceToken = true;
                }
                else if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    var commentStart = i;
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                    comments?.Add(new Comment(tokens.Count, text[commentStart..i].TrimEnd(), tokens.Count > 0 && !newlineSinceToken, IsBlankLineAt(text, i)));
                }
                else
                {
                    break;
                }
            }
            var column = i - lineStart + 1;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i, line, column));
                return tokens;
            }
            var start = i;
            var ch = text[i];
            if (char.IsAsciiLetter(ch) || ch == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start, line, column));
                continue;
            }
            if (char.IsAsciiDigit(ch))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Integer, text[start..i], start, line, column));
                continue;
            }
            if (ch == '"')
            {
                i++;
                var bodyStart = i;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new CedarParseException("unterminated string literal", new SourcePosition(line, column));
                    }
                    var c = text[i];
                    if (c == '\\')
                    {
                        i += 2;
                        continue;
                    }
                    if (c == '"')
                    {
                        break;
                    }
                    if (c == '\n')
                    {
                        line++;
                        lineStart = i + 1;
                    }
                    i++;
                }
                tokens.Add(new Token(TokenKind.String, text[bodyStart..i], start, line, column));
                i++;
                continue;
            }
            if (ch == '?' && i + 1 < text.Length && (char.IsAsciiLetter(text[i + 1]) || text[i + 1] == '_'))
            {
                i++;
                var nameStart = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Slot, text[nameStart..i], start, line, column));
                continue;
            }
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            (TokenKind kind, int length) = ch switch
            {
                '(' => (TokenKind.LeftParen, 1),
                ')' => (TokenKind.RightParen, 1),
                '[' => (TokenKind.LeftBracket, 1),
                ']' => (TokenKind.RightBracket, 1),
                '{' => (TokenKind.LeftBrace, 1),
                '}' => (TokenKind.RightBrace, 1),
                ',' => (TokenKind.Comma, 1),
                ';' => (TokenKind.Semicolon, 1),
                '.' => (TokenKind.Dot, 1),
                ':' when next == ':' => (TokenKind.DoubleColon, 2),
                ':' => (TokenKind.Colon, 1),
                '@' => (TokenKind.At, 1),
                '?' => (TokenKind.Question, 1),
                '=' when next == '=' => (TokenKind.Equal, 2),
                '=' => (TokenKind.Assign, 1),
                '!' when next == '=' => (TokenKind.NotEqual, 2),
                '!' => (TokenKind.Not, 1),
                '<' when next == '=' => (TokenKind.LessOrEqual, 2),
                '<' => (TokenKind.Less, 1),
                '>' when next == '=' => (TokenKind.GreaterOrEqual, 2),
                '>' => (TokenKind.Greater, 1),
                '&' when next == '&' => (TokenKind.And, 2),
                '|' when next == '|' => (TokenKind.Or, 2),
                '+' => (TokenKind.Plus, 1),
                '-' => (TokenKind.Minus, 1),
                '*' => (TokenKind.Star, 1),
                _ => throw new CedarParseException($"unexpected character `{ch}`", new SourcePosition(line, column)),
            };
            tokens.Add(new Token(kind, text.Substring(i, length), start, line, column));
            i += length;
        }
    }

    /// <summary>Whether the line ending at <paramref name="i"/> is followed by an empty line and then more text.</summary>
    private static bool IsBlankLineAt(string text, int i)
    {
        var newlines = 0;
        for (; i < text.Length && char.IsWhiteSpace(text[i]); i++)
        {
            newlines += text[i] == '\n' ? 1 : 0;
        }
        return newlines >= 2 && i < text.Length;
    }
}

/// <summary>Policy, expression or schema text that is not valid Cedar; says where and what was expected.</summary>
public sealed class CedarParseException(string message, SourcePosition position)
    : FormatException($"{position.Line}:{position.Column}: {message}")
{
    public SourcePosition Position { get; } = position;

    public int Line => Position.Line;

    public int Column => Position.Column;

    /// <summary>The message without the position.</summary>
    public string Reason { get; } = message;
}
