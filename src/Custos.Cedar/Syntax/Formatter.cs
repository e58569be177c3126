using System.Text;

namespace Custos.Cedar.Syntax;

/// <summary>
/// Canonical layout of Cedar policy text, in the style of Cedar's own formatter: each annotation
/// on its line, the scope one constraint per line indented two spaces, a condition on one line
/// when it fits in 80 columns and otherwise broken after each top-level <c>&amp;&amp;</c> and
/// <c>||</c>, one empty line between policies. It changes whitespace only: it works on the
/// tokens, so what was written (parentheses, <c>has a.b</c>, string escapes) stays as written,
/// and every <c>//</c> comment is kept, at the end of its line or on a line of its own as it was.
/// The result is checked to parse to the same policies as the input.
/// </summary>
public static class Formatter
{
    public const int LineWidth = 80;

    private const int Indent = 2;

    /// <summary>Identifiers that are keywords where they stand, so that <c>(</c> or <c>-</c> after them starts an operand.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "if", "then", "else", "in", "has", "like", "is", "permit", "forbid", "when", "unless" };

    /// <summary>Formats policy text; throws <see cref="CedarParseException"/> when it is not valid Cedar.</summary>
    public static string Format(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var policies = Parser.ParsePolicies(text);
        var comments = new List<Comment>();
        var tokens = Lexer.Tokenize(text, comments);
        var formatted = new Layout(tokens, comments).Policies();
        if (!Parser.ParsePolicies(formatted).SequenceEqual(policies))
        {
            // Whitespace between tokens cannot change the policies; if it did, output nothing rather than a different policy.
            throw new InvalidOperationException("formatting changed the meaning of the policies; this is a bug in the formatter");
        }
        return formatted;
    }

    /// <summary>Lays out the tokens of a parsed policy file line by line.</summary>
    private sealed class Layout(List<Token> tokens, List<Comment> comments)
    {
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _line = new();
        private readonly ILookup<int, Comment> _comments = comments.ToLookup(c => c.Before);

        /// <summary>The braces of <c>when { … }</c>, which have spaces inside, unlike a record's.</summary>
        private readonly HashSet<int> _conditionBraces = [];
        private int _lineIndent;
        private bool _continuation;
        private bool _mustBreak;
        private int _i;

        private Token Current => tokens[_i];

        public string Policies()
        {
            while (Current.Kind != TokenKind.End)
            {
                if (_i > 0)
                {
                    _output.Append('\n');
                }
                Policy();
            }
            if (_comments[_i].Any(c => !c.Trailing) && _i > 0)
            {
                _output.Append('\n');
            }
            EmitComments(_i);
            EndLine();
            return _output.ToString().TrimEnd('\n') + (_output.Length > 0 ? "\n" : "");
        }

        private void Policy()
        {
            while (Current.Kind == TokenKind.At)
            {
                StartLine(0);
                EmitWhile(() => true, count: tokens[_i + 2].Kind == TokenKind.LeftParen ? 5 : 2);
                EndLine();
            }
            StartLine(0);
            Emit();
            Emit();
            EndLine();
            for (var constraint = 0; constraint < 3; constraint++)
            {
                StartLine(Indent);
                var depth = 0;
                while (depth > 0 || Current.Kind is not (TokenKind.Comma or TokenKind.RightParen))
                {
                    depth += Nesting(Current);
                    Emit();
                }
                if (Current.Kind == TokenKind.Comma)
                {
                    Emit();
                }
                EndLine();
            }
            StartLine(0);
            Emit();
            while (Current.Kind == TokenKind.Identifier)
            {
                Condition();
            }
            Emit();
            EndLine();
        }

        /// <summary><c>when { … }</c> on one line when it fits and holds no comment; otherwise keyword, braces and body each on their lines.</summary>
        private void Condition()
        {
            var open = _i + 1;
            var close = open + 1;
            for (var depth = 0; depth > 0 || tokens[close].Kind != TokenKind.RightBrace; close++)
            {
                depth += Nesting(tokens[close]);
            }
            _conditionBraces.Add(open);
            _conditionBraces.Add(close);
            var flat = $"{Current.Text} {{ {FlatText(open + 1, close)} }};";
            var hasComments = Enumerable.Range(open, close - open + 2).Any(n => _comments[n].Any());
            EndLine();
            StartLine(0);
            if (!hasComments && flat.Length <= LineWidth)
            {
                Emit();
                Emit();
                EmitWhile(() => _i < close);
                Emit();
                return;
            }
            Emit();
            StartLine(0);
            Emit();
            StartLine(Indent);
            var depthInBody = 0;
            while (_i < close)
            {
                depthInBody += Nesting(Current);
                var breaksAfter = depthInBody == 0 && Current.Kind is TokenKind.And or TokenKind.Or;
                Emit();
                if (breaksAfter)
                {
                    StartLine(Indent);
                }
            }
            StartLine(0);
            Emit();
        }

        private static int Nesting(Token token) => token.Kind switch
        {
            TokenKind.LeftParen or TokenKind.LeftBracket or TokenKind.LeftBrace => 1,
            TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace => -1,
            _ => 0,
        };

        private string FlatText(int from, int to)
        {
            var builder = new StringBuilder();
            for (var n = from; n < to; n++)
            {
                if (n > from && SpaceBefore(n))
                {
                    builder.Append(' ');
                }
                builder.Append(Text(tokens[n]));
            }
            return builder.ToString();
        }

        private void EmitWhile(Func<bool> condition, int count = int.MaxValue)
        {
            for (var n = 0; n < count && condition(); n++)
            {
                Emit();
            }
        }

        /// <summary>The current token, after the comments on their own lines before it and followed by a comment that ends its line.</summary>
        private void Emit()
        {
            if (_comments[_i].Any(c => !c.Trailing))
            {
                BreakLine();
                EmitComments(_i);
            }
            if (_mustBreak)
            {
                BreakLine();
            }
            if (_line.Length > 0 && SpaceBefore(_i))
            {
                _line.Append(' ');
            }
            _line.Append(Text(Current));
            _i++;
            foreach (var comment in _comments[_i].Where(c => c.Trailing))
            {
                _line.Append(' ').Append(comment.Text);
                _mustBreak = true;
            }
        }

        /// <summary>The comments on their own lines before token <paramref name="index"/>, at the current indentation.</summary>
        private void EmitComments(int index)
        {
            foreach (var comment in _comments[index].Where(c => !c.Trailing))
            {
                _line.Append(comment.Text);
                EndLine();
                if (comment.BlankLineAfter)
                {
                    _output.Append('\n');
                }
            }
        }

        /// <summary>Continues the current statement on a new line, indented one step further.</summary>
        private void BreakLine()
        {
            if (_line.Length == 0)
            {
                return;
            }
            var indent = _continuation ? _lineIndent : _lineIndent + Indent;
            EndLine();
            _lineIndent = indent;
            _continuation = true;
        }

        private void StartLine(int indent)
        {
            EndLine();
            _lineIndent = indent;
            _continuation = false;
        }

        private void EndLine()
        {
            _mustBreak = false;
            if (_line.Length == 0)
            {
                return;
            }
            _output.Append(' ', _lineIndent).Append(_line).Append('\n');
            _line.Clear();
        }

        private static string Text(Token token) => token.Kind switch
        {
            TokenKind.String => $"\"{token.Text}\"",
            TokenKind.Slot => "?" + token.Text,
            _ => token.Text,
        };

        /// <summary>Whether a space separates token <paramref name="n"/> from the one before it on a line.</summary>
        private bool SpaceBefore(int n)
        {
            var token = tokens[n];
            var previous = tokens[n - 1];
            if (_conditionBraces.Contains(n) || (_conditionBraces.Contains(n - 1) && previous.Kind == TokenKind.LeftBrace))
            {
                return true;
            }
            if (token.Kind is TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace or TokenKind.Comma
                or TokenKind.Semicolon or TokenKind.Dot or TokenKind.DoubleColon or TokenKind.Colon)
            {
                return false;
            }
            if (previous.Kind is TokenKind.LeftParen or TokenKind.LeftBracket or TokenKind.LeftBrace or TokenKind.Dot
                or TokenKind.DoubleColon or TokenKind.At or TokenKind.Not)
            {
                return false;
            }
            if (previous.Kind == TokenKind.Minus && (n < 2 || !EndsOperand(tokens[n - 2])))
            {
                return false;
            }
            return token.Kind switch
            {
                TokenKind.LeftParen => !(previous.Kind == TokenKind.Identifier && !Keywords.Contains(previous.Text)),
                TokenKind.LeftBracket => !EndsOperand(previous),
                _ => true,
            };
        }

        private static bool EndsOperand(Token token) => token.Kind switch
        {
            TokenKind.Identifier => !Keywords.Contains(token.Text),
            TokenKind.String or TokenKind.Integer or TokenKind.Slot or TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace => true,
            _ => false,
        };
    }
}
