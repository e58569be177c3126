using Custos.Cedar.Syntax;

namespace Custos.Cedar.Schema;

/// <summary>
/// The parts of a Cedar schema (human-readable <c>.cedarschema</c> syntax) that decide how JSON
/// is read: the attribute and tag types of entity types, the context type of each action, and
/// the action hierarchy. With them, entity and context JSON may omit the <c>__entity</c> and
/// <c>__extn</c> escapes (<c>"owner": {"type": "User", "id": "alice"}</c>,
/// <c>"ip": "10.0.0.1"</c>) exactly as Cedar's schema-based parsing allows. The declarations
/// (<see cref="EntityTypes"/>, <see cref="ActionDeclarations"/>) are what the validator checks
/// policies against.
/// </summary>
public sealed class CedarSchema
{
    private readonly Dictionary<EntityType, RecordSchemaType> _attributes;
    private readonly Dictionary<EntityType, SchemaType> _tags;
    private readonly Dictionary<EntityUid, SchemaType> _contexts;
    private readonly Dictionary<EntityUid, IReadOnlyList<EntityUid>> _actions;

    internal CedarSchema(
        Dictionary<EntityType, EntityTypeDeclaration> entityTypes,
        Dictionary<EntityUid, ActionDeclaration> actions)
    {
        EntityTypes = entityTypes;
        ActionDeclarations = actions;
        _attributes = entityTypes.Values.Where(e => e.Attributes is not null).ToDictionary(e => e.Type, e => e.Attributes!);
        _tags = entityTypes.Values.Where(e => e.Tags is not null).ToDictionary(e => e.Type, e => e.Tags!);
        _contexts = actions.Values.Where(a => a.Context is not null).ToDictionary(a => a.Uid, a => a.Context!);
        _actions = actions.Values.ToDictionary(a => a.Uid, a => a.Parents);
    }

    /// <summary>Every declared entity type (actions are not entity types here).</summary>
    public IReadOnlyDictionary<EntityType, EntityTypeDeclaration> EntityTypes { get; }

    /// <summary>Every declared action.</summary>
    public IReadOnlyDictionary<EntityUid, ActionDeclaration> ActionDeclarations { get; }

    /// <summary>Parses a schema in the human-readable syntax, or in the JSON syntax when the text is a JSON object.</summary>
    public static CedarSchema Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal) ? SchemaParser.ParseJson(text) : SchemaParser.Parse(text);
    }

    public RecordSchemaType? EntityAttributes(EntityType type) => _attributes.GetValueOrDefault(type);

    public SchemaType? EntityTags(EntityType type) => _tags.GetValueOrDefault(type);

    public SchemaType? ActionContext(EntityUid action) => _contexts.GetValueOrDefault(action);

    /// <summary>Every declared action with the action groups it is declared <c>in</c>.</summary>
    public IReadOnlyDictionary<EntityUid, IReadOnlyList<EntityUid>> Actions => _actions;
}

/// <summary>
/// Parser of the human-readable schema syntax
/// (https://docs.cedarpolicy.com/schema/human-readable-schema-grammar.html) and of the JSON
/// syntax (https://docs.cedarpolicy.com/schema/json-schema-grammar.html); both produce the
/// same raw declarations, resolved once everything is read.
/// </summary>
internal sealed class SchemaParser
{
    private readonly TokenCursor _tokens;

    // Raw declarations, resolved after the whole text is read (a name may be used before it is declared).
    private readonly Dictionary<string, (string Namespace, RawType Type)> _commonTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawEntityType> _entityTypes = new(StringComparer.Ordinal);
    private readonly List<RawAction> _actions = [];

    private SchemaParser(string text)
    {
        _tokens = new TokenCursor(Lexer.Tokenize(text));
    }

    private SchemaParser()
    {
        _tokens = new TokenCursor([]);
    }

    public static CedarSchema ParseJson(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new SchemaParser();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            parser.ReadJson(document.RootElement);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new CedarParseException($"invalid JSON schema: {e.Message}", new SourcePosition(1, 1));
        }
        return parser.Resolve();
    }

    private void ReadJson(System.Text.Json.JsonElement root)
    {
        foreach (var ns in root.EnumerateObject())
        {
            var name = ns.Name;
            if (ns.Value.TryGetProperty("commonTypes", out var commonTypes))
            {
                foreach (var common in commonTypes.EnumerateObject())
                {
                    _commonTypes[Qualify(name, common.Name)] = (name, JsonType(common.Value));
                }
            }
            if (ns.Value.TryGetProperty("entityTypes", out var entityTypes))
            {
                foreach (var entity in entityTypes.EnumerateObject())
                {
                    var shape = entity.Value.TryGetProperty("shape", out var s) ? JsonType(s) : null;
                    var tags = entity.Value.TryGetProperty("tags", out var t) ? JsonType(t) : null;
                    var enumIds = entity.Value.TryGetProperty("enum", out var e) ? JsonStrings(e) : null;
                    var memberOf = entity.Value.TryGetProperty("memberOfTypes", out var m) ? JsonStrings(m) : [];
                    _entityTypes[Qualify(name, entity.Name)] = new RawEntityType(name, shape, tags, memberOf, enumIds);
                }
            }
            if (ns.Value.TryGetProperty("actions", out var actions))
            {
                foreach (var action in actions.EnumerateObject())
                {
                    var parents = new List<(string? Path, string Id)>();
                    if (action.Value.TryGetProperty("memberOf", out var memberOf) && memberOf.ValueKind == System.Text.Json.JsonValueKind.Array)
                    {
                        foreach (var parent in memberOf.EnumerateArray())
                        {
                            var type = parent.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
                            parents.Add((type, parent.GetProperty("id").GetString()!));
                        }
                    }
                    RawType? context = null;
                    List<string> principals = [], resources = [];
                    if (action.Value.TryGetProperty("appliesTo", out var appliesTo) && appliesTo.ValueKind == System.Text.Json.JsonValueKind.Object)
                    {
                        if (appliesTo.TryGetProperty("context", out var contextElement))
                        {
                            context = JsonType(contextElement);
                        }
                        principals = appliesTo.TryGetProperty("principalTypes", out var p) ? JsonStrings(p) : [];
                        resources = appliesTo.TryGetProperty("resourceTypes", out var r) ? JsonStrings(r) : [];
                    }
                    _actions.Add(new RawAction(name, action.Name, parents, context, principals, resources));
                }
            }
        }
    }

    /// <summary>A JSON schema type: <c>{"type": "Long"}</c>, <c>{"type": "Set", "element": …}</c>, <c>{"type": "Record", "attributes": …}</c>, <c>{"type": "Entity", "name": …}</c>, …</summary>
    private static RawType JsonType(System.Text.Json.JsonElement element)
    {
        var type = element.GetProperty("type").GetString()!;
        switch (type)
        {
            case "Set":
                return new RawSet(JsonType(element.GetProperty("element")));
            case "Record":
                var attributes = new List<(string, RawType, bool)>();
                if (element.TryGetProperty("attributes", out var attrs))
                {
                    foreach (var attribute in attrs.EnumerateObject())
                    {
                        var required = !attribute.Value.TryGetProperty("required", out var r) || r.ValueKind != System.Text.Json.JsonValueKind.False;
                        attributes.Add((attribute.Name, JsonType(attribute.Value), required));
                    }
                }
                return new RawRecord(attributes);
            case "Entity" or "Extension" or "EntityOrCommon":
                return new RawName(element.GetProperty("name").GetString()!);
            default:
                return new RawName(type);
        }
    }

    private static List<string> JsonStrings(System.Text.Json.JsonElement array) =>
        array.EnumerateArray().Select(item => item.GetString()!).ToList();

    private sealed record RawEntityType(string Namespace, RawType? Attributes, RawType? Tags, List<string> MemberOf, List<string>? EnumIds);

    private sealed record RawAction(string Namespace, string Name, List<(string? Path, string Id)> Parents, RawType? Context, List<string> Principals, List<string> Resources);

    private abstract record RawType;

    private sealed record RawName(string Name) : RawType;

    private sealed record RawSet(RawType Element) : RawType;

    private sealed record RawRecord(List<(string Name, RawType Type, bool Required)> Attributes) : RawType;

    public static CedarSchema Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new SchemaParser(text);
        parser.ParseAll();
        return parser.Resolve();
    }

    private void ParseAll()
    {
        while (_tokens.Current.Kind != TokenKind.End)
        {
            SkipAnnotations();
            if (_tokens.IsKeyword("namespace"))
            {
                _tokens.Skip();
                var name = ParsePath();
                _tokens.Expect(TokenKind.LeftBrace, "`{`");
                while (!_tokens.Accept(TokenKind.RightBrace))
                {
                    SkipAnnotations();
                    ParseDeclaration(name);
                }
            }
            else
            {
                ParseDeclaration("");
            }
        }
    }

    private void SkipAnnotations()
    {
        while (_tokens.Accept(TokenKind.At))
        {
            _tokens.Expect(TokenKind.Identifier, "an annotation name");
            if (_tokens.Accept(TokenKind.LeftParen))
            {
                _tokens.Expect(TokenKind.String, "a string");
                _tokens.Expect(TokenKind.RightParen, "`)`");
            }
        }
    }

    private string ParsePath()
    {
        var name = _tokens.Expect(TokenKind.Identifier, "a name").Text;
        while (_tokens.Current.Kind == TokenKind.DoubleColon && _tokens.Peek().Kind == TokenKind.Identifier)
        {
            _tokens.Skip();
            name += "::" + _tokens.Next().Text;
        }
        return name;
    }

    private string ParseName() => _tokens.Current.Kind == TokenKind.String ? Parser.Unescape(_tokens.Next()) : _tokens.Expect(TokenKind.Identifier, "a name").Text;

    private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "::" + name;

    private void ParseDeclaration(string ns)
    {
        if (_tokens.IsKeyword("entity"))
        {
            _tokens.Skip();
            var names = new List<string> { _tokens.Expect(TokenKind.Identifier, "an entity type name").Text };
            while (_tokens.Accept(TokenKind.Comma))
            {
                names.Add(_tokens.Expect(TokenKind.Identifier, "an entity type name").Text);
            }
            RawType? attributes = null, tags = null;
            List<string>? enumIds = null;
            List<string> memberOf = [];
            if (_tokens.IsKeyword("enum"))
            {
                _tokens.Skip();
                _tokens.Expect(TokenKind.LeftBracket, "`[`");
                enumIds = [];
                do
                {
                    enumIds.Add(Parser.Unescape(_tokens.Expect(TokenKind.String, "an entity id")));
                }
                while (_tokens.Accept(TokenKind.Comma));
                _tokens.Expect(TokenKind.RightBracket, "`]`");
            }
            else
            {
                if (_tokens.IsKeyword("in"))
                {
                    _tokens.Skip();
                    memberOf = ParseTypeList();
                }
                _tokens.Accept(TokenKind.Assign);
                if (_tokens.Current.Kind == TokenKind.LeftBrace)
                {
                    attributes = ParseType();
                }
                if (_tokens.IsKeyword("tags"))
                {
                    _tokens.Skip();
                    tags = ParseType();
                }
            }
            _tokens.Expect(TokenKind.Semicolon, "`;`");
            foreach (var name in names)
            {
                _entityTypes[Qualify(ns, name)] = new RawEntityType(ns, attributes, tags, memberOf, enumIds);
            }
        }
        else if (_tokens.IsKeyword("action"))
        {
            _tokens.Skip();
            var names = new List<string> { ParseName() };
            while (_tokens.Accept(TokenKind.Comma))
            {
                names.Add(ParseName());
            }
            var parents = new List<(string? Path, string Id)>();
            if (_tokens.IsKeyword("in"))
            {
                _tokens.Skip();
                if (_tokens.Accept(TokenKind.LeftBracket))
                {
                    if (_tokens.Current.Kind != TokenKind.RightBracket)
                    {
                        do
                        {
                            parents.Add(ParseActionReference());
                        }
                        while (_tokens.Accept(TokenKind.Comma));
                    }
                    _tokens.Expect(TokenKind.RightBracket, "`]`");
                }
                else
                {
                    parents.Add(ParseActionReference());
                }
            }
            RawType? context = null;
            List<string> principals = [], resources = [];
            if (_tokens.IsKeyword("appliesTo"))
            {
                _tokens.Skip();
                _tokens.Expect(TokenKind.LeftBrace, "`{`");
                while (!_tokens.Accept(TokenKind.RightBrace))
                {
                    var key = _tokens.Expect(TokenKind.Identifier, "`principal`, `resource` or `context`").Text;
                    _tokens.Expect(TokenKind.Colon, "`:`");
                    if (key == "context")
                    {
                        context = ParseType();
                    }
                    else if (key == "principal")
                    {
                        principals = ParseTypeList();
                    }
                    else
                    {
                        resources = ParseTypeList();
                    }
                    if (!_tokens.Accept(TokenKind.Comma))
                    {
                        _tokens.Expect(TokenKind.RightBrace, "`,` or `}`");
                        break;
                    }
                }
            }
            if (_tokens.IsKeyword("attributes"))
            {
                _tokens.Skip();
                ParseType();
            }
            _tokens.Expect(TokenKind.Semicolon, "`;`");
            foreach (var name in names)
            {
                _actions.Add(new RawAction(ns, name, parents, context, principals, resources));
            }
        }
        else if (_tokens.IsKeyword("type"))
        {
            _tokens.Skip();
            var name = _tokens.Expect(TokenKind.Identifier, "a type name").Text;
            _tokens.Expect(TokenKind.Assign, "`=`");
            var type = ParseType();
            _tokens.Expect(TokenKind.Semicolon, "`;`");
            _commonTypes[Qualify(ns, name)] = (ns, type);
        }
        else
        {
            throw _tokens.Error("`entity`, `action`, `type` or `namespace`");
        }
    }

    private (string? Path, string Id) ParseActionReference()
    {
        if (_tokens.Current.Kind == TokenKind.String)
        {
            return (null, Parser.Unescape(_tokens.Next()));
        }
        var path = _tokens.Expect(TokenKind.Identifier, "an action name").Text;
        while (_tokens.Current.Kind == TokenKind.DoubleColon)
        {
            _tokens.Skip();
            if (_tokens.Current.Kind == TokenKind.String)
            {
                return (path, Parser.Unescape(_tokens.Next()));
            }
            path += "::" + _tokens.Expect(TokenKind.Identifier, "a name").Text;
        }
        return (null, path);
    }

    private List<string> ParseTypeList()
    {
        var names = new List<string>();
        if (_tokens.Accept(TokenKind.LeftBracket))
        {
            if (_tokens.Current.Kind != TokenKind.RightBracket)
            {
                do
                {
                    names.Add(ParsePath());
                }
                while (_tokens.Accept(TokenKind.Comma));
            }
            _tokens.Expect(TokenKind.RightBracket, "`]`");
        }
        else
        {
            names.Add(ParsePath());
        }
        return names;
    }

    private RawType ParseType()
    {
        if (_tokens.Accept(TokenKind.LeftBrace))
        {
            var attributes = new List<(string, RawType, bool)>();
            while (!_tokens.Accept(TokenKind.RightBrace))
            {
                SkipAnnotations();
                var name = ParseName();
                var required = !_tokens.Accept(TokenKind.Question);
                _tokens.Expect(TokenKind.Colon, "`:`");
                attributes.Add((name, ParseType(), required));
                if (!_tokens.Accept(TokenKind.Comma))
                {
                    _tokens.Expect(TokenKind.RightBrace, "`,` or `}`");
                    break;
                }
            }
            return new RawRecord(attributes);
        }
        if (_tokens.IsKeyword("Set") && _tokens.Peek().Kind == TokenKind.Less)
        {
            _tokens.Skip(2);
            var element = ParseType();
            _tokens.Expect(TokenKind.Greater, "`>`");
            return new RawSet(element);
        }
        return new RawName(ParsePath());
    }

    private CedarSchema Resolve()
    {
        var entityTypes = new Dictionary<EntityType, EntityTypeDeclaration>();
        foreach (var (name, raw) in _entityTypes)
        {
            var type = EntityType.Of(name);
            var attributes = raw.Attributes is null ? null : ResolveType(raw.Attributes, raw.Namespace, 0) as RecordSchemaType;
            var tags = raw.Tags is null ? null : ResolveType(raw.Tags, raw.Namespace, 0);
            entityTypes[type] = new EntityTypeDeclaration(type, attributes, tags, ResolveEntityTypes(raw.MemberOf, raw.Namespace), raw.EnumIds);
        }
        var actions = new Dictionary<EntityUid, ActionDeclaration>();
        foreach (var raw in _actions)
        {
            var uid = new EntityUid(Qualify(raw.Namespace, "Action"), raw.Name);
            var parents = raw.Parents.Select(p => new EntityUid(p.Path ?? Qualify(raw.Namespace, "Action"), p.Id)).ToArray();
            var context = raw.Context is null ? null : ResolveType(raw.Context, raw.Namespace, 0);
            actions[uid] = new ActionDeclaration(uid, parents, context,
                ResolveEntityTypes(raw.Principals, raw.Namespace), ResolveEntityTypes(raw.Resources, raw.Namespace));
        }
        return new CedarSchema(entityTypes, actions);
    }

    /// <summary>An entity type named in <c>in</c> or <c>appliesTo</c>: the namespace's own type first, then the name as written.</summary>
    private EntityType[] ResolveEntityTypes(List<string> names, string ns) =>
        names.Select(name => EntityType.Of(!name.Contains("::", StringComparison.Ordinal) && _entityTypes.ContainsKey(Qualify(ns, name)) ? Qualify(ns, name) : name)).ToArray();

    private SchemaType ResolveType(RawType raw, string ns, int depth)
    {
        if (depth > 64)
        {
            throw new CedarParseException("schema types refer to each other in a cycle", new SourcePosition(1, 1));
        }
        switch (raw)
        {
            case RawSet set:
                return new SetSchemaType(ResolveType(set.Element, ns, depth + 1));
            case RawRecord record:
                var fields = new Dictionary<string, AttributeSchema>(StringComparer.Ordinal);
                foreach (var (name, type, required) in record.Attributes)
                {
                    fields[name] = new AttributeSchema(ResolveType(type, ns, depth + 1), required);
                }
                return new RecordSchemaType(fields);
            default:
                return ResolveName(((RawName)raw).Name, ns, depth);
        }
    }

    /// <summary>Cedar's lookup order: common type, then entity type of the current namespace, then built-ins, then the empty namespace.</summary>
    private SchemaType ResolveName(string name, string ns, int depth)
    {
        var candidates = name.Contains("::", StringComparison.Ordinal) ? [name] : new[] { Qualify(ns, name), name }.Distinct().ToArray();
        foreach (var candidate in candidates)
        {
            if (_commonTypes.TryGetValue(candidate, out var common))
            {
                return ResolveType(common.Type, common.Namespace, depth + 1);
            }
            if (_entityTypes.ContainsKey(candidate))
            {
                return new EntitySchemaType(EntityType.Of(candidate));
            }
            if (candidate == name && Builtin(name) is { } builtin)
            {
                return builtin;
            }
        }
        return Builtin(name) ?? new EntitySchemaType(EntityType.Of(name));
    }

    private static SchemaType? Builtin(string name) => (name.StartsWith("__cedar::", StringComparison.Ordinal) ? name[9..] : name) switch
    {
        "Long" => new PrimitiveSchemaType("Long"),
        "String" => new PrimitiveSchemaType("String"),
        "Bool" or "Boolean" => new PrimitiveSchemaType("Bool"),
        "ipaddr" or "decimal" or "datetime" or "duration" => new ExtensionSchemaType(name.Replace("__cedar::", "", StringComparison.Ordinal)),
        _ => null,
    };
}
