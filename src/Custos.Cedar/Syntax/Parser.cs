using System.Globalization;
using System.Text;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;

namespace Custos.Cedar.Syntax;

/// <summary>
/// A recursive-descent parser for the Cedar 4 policy language (grammar:
/// https://docs.cedarpolicy.com/policies/syntax-grammar.html). Every error names the line and
/// column and what was expected there.
/// </summary>
public sealed class Parser
{
    /// <summary>Identifiers that cannot name a type, a namespace or an attribute written bare.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar" };

    private static readonly HashSet<string> VariableNames = new(StringComparer.Ordinal) { "principal", "action", "resource", "context" };

    private readonly TokenCursor _tokens;

    private Parser(string text)
    {
        _tokens = new TokenCursor(Lexer.Tokenize(text));
    }

    /// <summary>Parses a sequence of policies and templates.</summary>
    public static IReadOnlyList<PolicyAst> ParsePolicies(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var policies = new List<PolicyAst>();
        while (parser._tokens.Current.Kind != TokenKind.End)
        {
            policies.Add(parser.ParsePolicy());
        }
        return policies;
    }

    /// <summary>Parses exactly one policy or template.</summary>
    public static PolicyAst ParsePolicy(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var policy = parser.ParsePolicy();
        parser._tokens.Expect(TokenKind.End, "end of input");
        return policy;
    }

    /// <summary>Parses one expression.</summary>
    public static Expr ParseExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var expr = parser.ParseExpr();
        parser._tokens.Expect(TokenKind.End, "end of expression");
        return expr;
    }

    /// <summary>Parses an entity reference <c>Ns::Type::"id"</c>.</summary>
    public static EntityUid ParseEntityUid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var uid = parser.ParseEntityUidLiteral();
        parser._tokens.Expect(TokenKind.End, "end of input");
        return uid;
    }

    /// <summary>Parses a (possibly namespaced) name such as <c>Acme::User</c>.</summary>
    public static string ParseName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var name = parser.ParsePath();
        parser._tokens.Expect(TokenKind.End, "end of name");
        return name;
    }

    public static bool IsValidIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Whether an attribute can be written bare (<c>e.name</c>) rather than quoted (<c>e["name"]</c>).</summary>
    public static bool IsBareAttribute(string name) => IsValidIdentifier(name) && !Reserved.Contains(name);

    private PolicyAst ParsePolicy()
    {
        var start = _tokens.Current.Position;
        var annotations = new List<Annotation>();
        while (_tokens.Current.Kind == TokenKind.At)
        {
            _tokens.Skip();
            var key = _tokens.Expect(TokenKind.Identifier, "an annotation name");
            string? value = null;
            if (_tokens.Accept(TokenKind.LeftParen))
            {
                value = Unescape(_tokens.Expect(TokenKind.String, "an annotation value (a string)"));
                _tokens.Expect(TokenKind.RightParen, "`)`");
            }
            if (annotations.Any(a => a.Key == key.Text))
            {
                throw new CedarParseException($"duplicate annotation `@{key.Text}`", key.Position);
            }
            annotations.Add(new Annotation(key.Text, value));
        }
        Effect effect;
        if (_tokens.IsKeyword("permit"))
        {
            effect = Effect.Permit;
        }
        else if (_tokens.IsKeyword("forbid"))
        {
            effect = Effect.Forbid;
        }
        else
        {
            throw _tokens.Error("`permit` or `forbid`");
        }
        _tokens.Skip();
        _tokens.Expect(TokenKind.LeftParen, "`(`");
        _tokens.ExpectKeyword("principal");
        var principal = ParsePrincipalOrResource(SlotId.Principal);
        _tokens.Expect(TokenKind.Comma, "`,`");
        _tokens.ExpectKeyword("action");
        var action = ParseActionConstraint();
        _tokens.Expect(TokenKind.Comma, "`,`");
        _tokens.ExpectKeyword("resource");
        var resource = ParsePrincipalOrResource(SlotId.Resource);
        _tokens.Expect(TokenKind.RightParen, "`)`");
        var conditions = new List<Condition>();
        while (_tokens.IsKeyword("when") || _tokens.IsKeyword("unless"))
        {
            var isWhen = _tokens.Current.Text == "when";
            _tokens.Skip();
            _tokens.Expect(TokenKind.LeftBrace, "`{`");
            var body = ParseExpr();
            _tokens.Expect(TokenKind.RightBrace, "`}`");
            conditions.Add(new Condition(isWhen, body));
        }
        _tokens.Expect(TokenKind.Semicolon, conditions.Count == 0 ? "`when`, `unless` or `;`" : "`when`, `unless` or `;`");
        return new PolicyAst(effect, EquatableArray.Wrap(annotations.ToArray()), principal, action, resource, EquatableArray.Wrap(conditions.ToArray()))
        {
            Position = start,
        };
    }

    private ScopeConstraint ParsePrincipalOrResource(SlotId slot)
    {
        if (_tokens.Accept(TokenKind.Equal))
        {
            return ParseEntityOrSlot(ScopeOperator.Equal, slot, null);
        }
        if (_tokens.IsKeyword("in"))
        {
            _tokens.Skip();
            return ParseEntityOrSlot(ScopeOperator.In, slot, null);
        }
        if (_tokens.IsKeyword("is"))
        {
            _tokens.Skip();
            var type = EntityType.Of(ParsePath());
            if (_tokens.IsKeyword("in"))
            {
                _tokens.Skip();
                return ParseEntityOrSlot(ScopeOperator.IsIn, slot, type);
            }
            return new ScopeConstraint(ScopeOperator.Is, EntityType: type);
        }
        return ScopeConstraint.Any;
    }

    private ScopeConstraint ParseEntityOrSlot(ScopeOperator op, SlotId slot, EntityType? type)
    {
        if (_tokens.Current.Kind == TokenKind.Slot)
        {
            var token = _tokens.Next();
            var expected = slot == SlotId.Principal ? "principal" : "resource";
            if (token.Text != expected)
            {
                throw new CedarParseException($"expected ?{expected}, found ?{token.Text}", token.Position);
            }
            return new ScopeConstraint(op, Slot: slot, EntityType: type);
        }
        return new ScopeConstraint(op, Entity: ParseEntityUidLiteral(), EntityType: type);
    }

    private ScopeConstraint ParseActionConstraint()
    {
        if (_tokens.Accept(TokenKind.Equal))
        {
            return new ScopeConstraint(ScopeOperator.Equal, Entity: ParseEntityUidLiteral());
        }
        if (_tokens.IsKeyword("in"))
        {
            _tokens.Skip();
            if (_tokens.Accept(TokenKind.LeftBracket))
            {
                var entities = new List<EntityUid>();
                if (_tokens.Current.Kind != TokenKind.RightBracket)
                {
                    do
                    {
                        entities.Add(ParseEntityUidLiteral());
                    }
                    while (_tokens.Accept(TokenKind.Comma));
                }
                _tokens.Expect(TokenKind.RightBracket, "`,` or `]`");
                return new ScopeConstraint(ScopeOperator.InSet, Entities: EquatableArray.Wrap(entities.ToArray()));
            }
            return new ScopeConstraint(ScopeOperator.In, Entity: ParseEntityUidLiteral());
        }
        return ScopeConstraint.Any;
    }

    private EntityUid ParseEntityUidLiteral()
    {
        var type = ParsePath();
        if (_tokens.Current.Kind != TokenKind.DoubleColon || _tokens.Peek().Kind != TokenKind.String)
        {
            throw _tokens.Error("`::` and a quoted entity id");
        }
        _tokens.Skip();
        var id = Unescape(_tokens.Next());
        return new EntityUid(type, id);
    }

    /// <summary><c>Ident {:: Ident}</c>, stopping before a <c>::"id"</c> that ends an entity reference.</summary>
    private string ParsePath()
    {
        var first = _tokens.Expect(TokenKind.Identifier, "a name");
        CheckPathSegment(first);
        var builder = new StringBuilder(first.Text);
        while (_tokens.Current.Kind == TokenKind.DoubleColon && _tokens.Peek().Kind == TokenKind.Identifier)
        {
            _tokens.Skip();
            var segment = _tokens.Next();
            CheckPathSegment(segment);
            builder.Append("::").Append(segment.Text);
        }
        return builder.ToString();
    }

    private static void CheckPathSegment(Token token)
    {
        if (Reserved.Contains(token.Text))
        {
            throw new CedarParseException($"`{token.Text}` is reserved and cannot be used as a name", token.Position);
        }
    }

    /// <summary>
    /// The deepest nesting of expressions (parentheses, if-then-else, sets, records, arguments).
    /// The parser recurses about ten frames per level; a bound turns a hostile file of a
    /// hundred thousand parentheses into a parse error instead of a stack overflow, which no
    /// handler can catch. Policies people write nest a handful of levels.
    /// </summary>
    public const int MaxNesting = 200;

    private int _depth;

    private Expr ParseExpr()
    {
        if (++_depth > MaxNesting)
        {
            throw new CedarParseException($"expressions nest deeper than {MaxNesting} levels", _tokens.Current.Position);
        }
        try
        {
            return ParseNestedExpr();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseNestedExpr()
    {
        var start = _tokens.Current.Position;
        if (_tokens.IsKeyword("if"))
        {
            _tokens.Skip();
            var condition = ParseExpr();
            _tokens.ExpectKeyword("then");
            var then = ParseExpr();
            _tokens.ExpectKeyword("else");
            var otherwise = ParseExpr();
            return new IfExpr(condition, then, otherwise) { Position = start };
        }
        return ParseOr();
    }

    private Expr ParseOr()
    {
        var start = _tokens.Current.Position;
        var left = ParseAnd();
        while (_tokens.Accept(TokenKind.Or))
        {
            left = new OrExpr(left, ParseAnd()) { Position = start };
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var start = _tokens.Current.Position;
        var left = ParseRelation();
        while (_tokens.Accept(TokenKind.And))
        {
            left = new AndExpr(left, ParseRelation()) { Position = start };
        }
        return left;
    }

    private Expr ParseRelation()
    {
        var start = _tokens.Current.Position;
        var left = ParseAdd();
        BinaryOperator? op = _tokens.Current.Kind switch
        {
            TokenKind.Equal => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
            TokenKind.Identifier when _tokens.Current.Text == "in" => BinaryOperator.In,
            _ => null,
        };
        if (op is { } binary)
        {
            _tokens.Skip();
            return new BinaryExpr(binary, left, ParseAdd()) { Position = start };
        }
        if (_tokens.IsKeyword("has"))
        {
            _tokens.Skip();
            if (_tokens.Current.Kind == TokenKind.String)
            {
                return new HasAttrExpr(left, Unescape(_tokens.Next())) { Position = start };
            }
            var first = _tokens.Expect(TokenKind.Identifier, "an attribute name or a string after `has`");
            // `e has a.b.c` is `e has a && e.a has b && e.a.b has c`.
            Expr result = new HasAttrExpr(left, first.Text) { Position = start };
            Expr path = new GetAttrExpr(left, first.Text) { Position = start };
            while (_tokens.Current.Kind == TokenKind.Dot && _tokens.Peek().Kind == TokenKind.Identifier)
            {
                _tokens.Skip();
                var next = _tokens.Next().Text;
                result = new AndExpr(result, new HasAttrExpr(path, next) { Position = start }) { Position = start };
                path = new GetAttrExpr(path, next) { Position = start };
            }
            return result;
        }
        if (_tokens.IsKeyword("like"))
        {
            _tokens.Skip();
            var pattern = _tokens.Expect(TokenKind.String, "a pattern (a string) after `like`");
            return new LikeExpr(left, ParsePattern(pattern)) { Position = start };
        }
        if (_tokens.IsKeyword("is"))
        {
            _tokens.Skip();
            var type = EntityType.Of(ParsePath());
            Expr? inExpr = null;
            if (_tokens.IsKeyword("in"))
            {
                _tokens.Skip();
                inExpr = ParseAdd();
            }
            return new IsExpr(left, type, inExpr) { Position = start };
        }
        return left;
    }

    private Expr ParseAdd()
    {
        var start = _tokens.Current.Position;
        var left = ParseMultiply();
        while (true)
        {
            if (_tokens.Accept(TokenKind.Plus))
            {
                left = new BinaryExpr(BinaryOperator.Add, left, ParseMultiply()) { Position = start };
            }
            else if (_tokens.Accept(TokenKind.Minus))
            {
                left = new BinaryExpr(BinaryOperator.Subtract, left, ParseMultiply()) { Position = start };
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseMultiply()
    {
        var start = _tokens.Current.Position;
        var left = ParseUnary();
        while (_tokens.Accept(TokenKind.Star))
        {
            left = new BinaryExpr(BinaryOperator.Multiply, left, ParseUnary()) { Position = start };
        }
        return left;
    }

    private Expr ParseUnary()
    {
        var start = _tokens.Current;
        var operators = new List<UnaryOperator>();
        while (_tokens.Current.Kind is TokenKind.Not or TokenKind.Minus)
        {
            operators.Add(_tokens.Current.Kind == TokenKind.Not ? UnaryOperator.Not : UnaryOperator.Negate);
            _tokens.Skip();
        }
        if (operators.Count > 4)
        {
            throw new CedarParseException("too many unary operators in a row (at most 4)", start.Position);
        }
        Expr operand;
        // A minus directly before an integer literal (with nothing after it) makes a negative
        // literal, so that -9223372036854775808 is expressible.
        if (operators.Count > 0 && operators[^1] == UnaryOperator.Negate && _tokens.Current.Kind == TokenKind.Integer
            && _tokens.Peek().Kind is not (TokenKind.Dot or TokenKind.LeftBracket))
        {
            var digits = _tokens.Next();
            if (!ulong.TryParse(digits.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude) || magnitude > 9223372036854775808UL)
            {
                throw new CedarParseException($"integer literal -{digits.Text} is out of range", digits.Position);
            }
            operand = new LiteralExpr(Value.FromLong(magnitude == 9223372036854775808UL ? long.MinValue : -(long)magnitude)) { Position = start.Position };
            operators.RemoveAt(operators.Count - 1);
        }
        else
        {
            operand = ParseMember();
        }
        for (var i = operators.Count - 1; i >= 0; i--)
        {
            operand = new UnaryExpr(operators[i], operand) { Position = start.Position };
        }
        return operand;
    }

    private Expr ParseMember()
    {
        var start = _tokens.Current.Position;
        var expr = ParsePrimary();
        while (true)
        {
            if (_tokens.Current.Kind == TokenKind.Dot)
            {
                _tokens.Skip();
                var name = _tokens.Expect(TokenKind.Identifier, "an attribute or method name after `.`");
                if (_tokens.Current.Kind == TokenKind.LeftParen)
                {
                    _tokens.Skip();
                    var arguments = ParseArguments();
                    expr = MakeMethodCall(expr, name, arguments, start);
                }
                else
                {
                    expr = new GetAttrExpr(expr, name.Text) { Position = start };
                }
            }
            else if (_tokens.Current.Kind == TokenKind.LeftBracket)
            {
                _tokens.Skip();
                var attribute = _tokens.Expect(TokenKind.String, "an attribute name (a string) in `[...]`");
                _tokens.Expect(TokenKind.RightBracket, "`]`");
                expr = new GetAttrExpr(expr, Unescape(attribute)) { Position = start };
            }
            else
            {
                return expr;
            }
        }
    }

    /// <summary>Arguments up to and including the closing parenthesis.</summary>
    private List<Expr> ParseArguments()
    {
        var arguments = new List<Expr>();
        if (_tokens.Current.Kind != TokenKind.RightParen)
        {
            do
            {
                arguments.Add(ParseExpr());
            }
            while (_tokens.Accept(TokenKind.Comma));
        }
        _tokens.Expect(TokenKind.RightParen, "`,` or `)`");
        return arguments;
    }

    private static Expr MakeMethodCall(Expr receiver, Token name, List<Expr> arguments, SourcePosition start)
    {
        BinaryOperator? binary = name.Text switch
        {
            "contains" => BinaryOperator.Contains,
            "containsAll" => BinaryOperator.ContainsAll,
            "containsAny" => BinaryOperator.ContainsAny,
            "getTag" => BinaryOperator.GetTag,
            "hasTag" => BinaryOperator.HasTag,
            _ => null,
        };
        if (binary is { } op)
        {
            if (arguments.Count != 1)
            {
                throw new CedarParseException($"`{name.Text}` takes exactly one argument, {arguments.Count} given", name.Position);
            }
            return new BinaryExpr(op, receiver, arguments[0]) { Position = start };
        }
        if (name.Text == "isEmpty")
        {
            if (arguments.Count != 0)
            {
                throw new CedarParseException($"`isEmpty` takes no arguments, {arguments.Count} given", name.Position);
            }
            return new UnaryExpr(UnaryOperator.IsEmpty, receiver) { Position = start };
        }
        if (!ExtensionFunctions.TryGet(name.Text, out var function))
        {
            throw new CedarParseException($"`{name.Text}` is not a method", name.Position);
        }
        if (function.Style != CallStyle.Method)
        {
            throw new CedarParseException($"`{name.Text}` is a function, not a method: write `{name.Text}(...)`", name.Position);
        }
        return new ExtensionCallExpr(name.Text, EquatableArray.Wrap([receiver, .. arguments])) { Position = start };
    }

    private Expr ParsePrimary()
    {
        var token = _tokens.Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                _tokens.Skip();
                if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw new CedarParseException($"integer literal {token.Text} is out of range", token.Position);
                }
                return new LiteralExpr(Value.FromLong(number)) { Position = token.Position };
            case TokenKind.String:
                _tokens.Skip();
                return new LiteralExpr(Value.FromString(Unescape(token))) { Position = token.Position };
            case TokenKind.LeftParen:
                _tokens.Skip();
                var inner = ParseExpr();
                _tokens.Expect(TokenKind.RightParen, "`)`");
                return inner;
            case TokenKind.LeftBracket:
                _tokens.Skip();
                var elements = new List<Expr>();
                if (_tokens.Current.Kind != TokenKind.RightBracket)
                {
                    do
                    {
                        elements.Add(ParseExpr());
                    }
                    while (_tokens.Accept(TokenKind.Comma));
                }
                _tokens.Expect(TokenKind.RightBracket, "`,` or `]`");
                return new SetExpr(EquatableArray.Wrap(elements.ToArray())) { Position = token.Position };
            case TokenKind.LeftBrace:
                _tokens.Skip();
                return ParseRecord() with { Position = token.Position };
            case TokenKind.Slot:
                throw new CedarParseException($"the slot ?{token.Text} may only appear in a policy's scope", token.Position);
            case TokenKind.Identifier:
                return ParseIdentifierPrimary();
            default:
                throw _tokens.Error("an expression");
        }
    }

    private Expr ParseIdentifierPrimary()
    {
        var token = _tokens.Current;
        switch (token.Text)
        {
            case "true":
                _tokens.Skip();
                return new LiteralExpr(Value.True) { Position = token.Position };
            case "false":
                _tokens.Skip();
                return new LiteralExpr(Value.False) { Position = token.Position };
            case "if":
                return ParseExpr();
        }
        if (VariableNames.Contains(token.Text) && _tokens.Peek().Kind != TokenKind.DoubleColon)
        {
            _tokens.Skip();
            return new VariableExpr(token.Text switch
            {
                "principal" => Variable.Principal,
                "action" => Variable.Action,
                "resource" => Variable.Resource,
                _ => Variable.Context,
            })
            { Position = token.Position };
        }
        var path = ParsePath();
        if (_tokens.Current.Kind == TokenKind.DoubleColon && _tokens.Peek().Kind == TokenKind.String)
        {
            _tokens.Skip();
            return new LiteralExpr(Value.FromEntity(new EntityUid(path, Unescape(_tokens.Next())))) { Position = token.Position };
        }
        if (_tokens.Current.Kind == TokenKind.LeftParen)
        {
            _tokens.Skip();
            var arguments = ParseArguments();
            if (!ExtensionFunctions.TryGet(path, out var function))
            {
                throw new CedarParseException($"`{path}` is not a function", token.Position);
            }
            if (function.Style != CallStyle.Function)
            {
                throw new CedarParseException($"`{path}` is a method, not a function: write `e.{path}(...)`", token.Position);
            }
            return new ExtensionCallExpr(path, EquatableArray.Wrap(arguments.ToArray())) { Position = token.Position };
        }
        throw new CedarParseException($"unexpected name `{path}`: expected a variable, an entity reference `{path}::\"id\"` or a function call", token.Position);
    }

    private RecordExpr ParseRecord()
    {
        var attributes = new List<KeyValuePair<string, Expr>>();
        if (_tokens.Current.Kind != TokenKind.RightBrace)
        {
            do
            {
                if (_tokens.Current.Kind == TokenKind.RightBrace)
                {
                    break; // trailing comma
                }
                var keyToken = _tokens.Current;
                string key;
                if (keyToken.Kind == TokenKind.String)
                {
                    key = Unescape(keyToken);
                }
                else if (keyToken.Kind == TokenKind.Identifier)
                {
                    key = keyToken.Text;
                }
                else
                {
                    throw _tokens.Error("a record key (a name or a string)");
                }
                _tokens.Skip();
                _tokens.Expect(TokenKind.Colon, "`:`");
                var value = ParseExpr();
                if (attributes.Any(a => a.Key == key))
                {
                    throw new CedarParseException($"duplicate key `{key}` in a record literal", keyToken.Position);
                }
                attributes.Add(new(key, value));
            }
            while (_tokens.Accept(TokenKind.Comma));
        }
        _tokens.Expect(TokenKind.RightBrace, "`,` or `}`");
        return new RecordExpr(EquatableArray.Wrap(attributes.ToArray()));
    }

    internal static string Unescape(Token token) => Unescape(token.Text, token.Position, pattern: null);

    private static Pattern ParsePattern(Token token)
    {
        var elements = new List<PatternElement>();
        Unescape(token.Text, token.Position, elements);
        return new Pattern(EquatableArray.Wrap(elements.ToArray()));
    }

    /// <summary>
    /// Resolves the escapes of a string body: <c>\n \r \t \\ \0 \' \"</c>, <c>\xHH</c> (up to
    /// 7F), <c>\u{H…}</c>; in a pattern also <c>\*</c>, a literal star, while a bare <c>*</c> is the
    /// wildcard.
    /// </summary>
    internal static string Unescape(string body, SourcePosition position, List<PatternElement>? pattern)
    {
        if (pattern is null && !body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }
        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*' && pattern is not null)
            {
                if (builder.Length > 0)
                {
                    pattern.Add(PatternElement.Literal(builder.ToString()));
                    builder.Clear();
                }
                pattern.Add(PatternElement.Wildcard);
                continue;
            }
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            if (++i >= body.Length)
            {
                throw new CedarParseException("a string ends with a lone backslash", position);
            }
            switch (body[i])
            {
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case '\\': builder.Append('\\'); break;
                case '0': builder.Append('\0'); break;
                case '\'': builder.Append('\''); break;
                case '"': builder.Append('"'); break;
                case '*' when pattern is not null: builder.Append('*'); break;
                case 'x':
                    if (i + 2 >= body.Length || !char.IsAsciiHexDigit(body[i + 1]) || !char.IsAsciiHexDigit(body[i + 2]))
                    {
                        throw new CedarParseException("invalid escape `\\x`: expected two hexadecimal digits", position);
                    }
                    var ascii = int.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (ascii > 0x7f)
                    {
                        throw new CedarParseException("invalid escape `\\x`: the value must be at most 7F", position);
                    }
                    builder.Append((char)ascii);
                    i += 2;
                    break;
                case 'u':
                    var close = body.IndexOf('}', i);
                    if (i + 1 >= body.Length || body[i + 1] != '{' || close < 0 || close - i - 2 is < 1 or > 6
                        || !body.AsSpan(i + 2, close - i - 2).ContainsOnlyHex())
                    {
                        throw new CedarParseException("invalid escape `\\u`: expected `\\u{` and 1 to 6 hexadecimal digits and `}`", position);
                    }
                    var scalar = int.Parse(body.AsSpan(i + 2, close - i - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (scalar > 0x10ffff || scalar is >= 0xd800 and <= 0xdfff)
                    {
                        throw new CedarParseException($"invalid escape: {scalar:X} is not a Unicode scalar value", position);
                    }
                    builder.Append(char.ConvertFromUtf32(scalar));
                    i = close;
                    break;
                case '\n':
                    // A line continuation: the newline and the whitespace after it vanish.
                    while (i + 1 < body.Length && char.IsWhiteSpace(body[i + 1]))
                    {
                        i++;
                    }
                    break;
                default:
                    throw new CedarParseException($"invalid escape `\\{body[i]}`", position);
            }
        }
        if (pattern is not null)
        {
            if (builder.Length > 0)
            {
                pattern.Add(PatternElement.Literal(builder.ToString()));
            }
            return "";
        }
        return builder.ToString();
    }
}

internal static class SpanExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
