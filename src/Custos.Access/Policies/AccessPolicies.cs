using System.Text;
using System.Text.Json;
using Custos.Cedar;
using Custos.Cedar.Syntax;
using Custos.Access.Storage;

namespace Custos.Access.Policies;

/// <summary>
/// The active policy set: Cedar policies from <c>*.cedar</c> files, each known by its
/// <c>@id</c> (or <c>file#n</c> without one) and, for a <c>forbid</c>, its <c>@reason</c>.
/// Its document (the files by name, as JSON) is what is stored, hashed and ledgered.
/// </summary>
public sealed class AccessPolicies
{
    public const string DocumentKind = "policy-set";

    private static readonly JsonSerializerOptions DocumentJson = new() { WriteIndented = false };

    private readonly Dictionary<string, PolicyInfo> _byId;

    /// <summary>Each policy's reason as a list of one (or none), so that a judgement by one policy allocates no list.</summary>
    private readonly Dictionary<string, string[]> _reasons;

    private AccessPolicies(PolicySet set, Dictionary<string, PolicyInfo> byId, byte[] document)
    {
        Set = set;
        _byId = byId;
        _reasons = byId.ToDictionary(p => p.Key, p => p.Value.Reason is { } reason ? new[] { reason } : [], StringComparer.Ordinal);
        Document = document;
        Sha256 = AccessStore.Sha256(document);
    }

    public PolicySet Set { get; }

    /// <summary><c>{"files": {"name.cedar": "text", …}}</c>, names in ordinal order.</summary>
    public byte[] Document { get; }

    public string Sha256 { get; }

    public IReadOnlyCollection<PolicyInfo> Policies => _byId.Values;

    public PolicyInfo? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The reasons of these policies, each once, in their order; policies without one add none.</summary>
    public IReadOnlyList<string> ReasonsOf(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 1)
        {
            return _reasons.GetValueOrDefault(ids[0]) ?? [];
        }
        List<string>? reasons = null;
        foreach (var id in ids)
        {
            if (Find(id)?.Reason is { } reason && !(reasons?.Contains(reason) ?? false))
            {
                (reasons ??= []).Add(reason);
            }
        }
        return reasons ?? [];
    }

    /// <summary>Every <c>*.cedar</c> file of a directory, in name order.</summary>
    public static AccessPolicies FromDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new PolicyLoadException($"{directory}: no such directory of policies");
        }
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.cedar"))
        {
            files[Path.GetFileName(path)] = File.ReadAllText(path);
        }
        if (files.Count == 0)
        {
            throw new PolicyLoadException($"{directory}: no *.cedar files");
        }
        return FromFiles(files);
    }

    /// <summary>A stored document, as written by <see cref="Document"/>.</summary>
    public static AccessPolicies FromDocument(ReadOnlySpan<byte> document)
    {
        PolicyDocument? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<PolicyDocument>(document, DocumentJson);
        }
        catch (JsonException e)
        {
            throw new PolicyLoadException($"policy set document: {e.Message}", e);
        }
        if (parsed?.Files is null || parsed.Files.Count == 0)
        {
            throw new PolicyLoadException("policy set document: no files");
        }
        return FromFiles(new SortedDictionary<string, string>(parsed.Files, StringComparer.Ordinal));
    }

    public static AccessPolicies FromFiles(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var ordered = new SortedDictionary<string, string>(files.ToDictionary(), StringComparer.Ordinal);
        var set = new PolicySet();
        var byId = new Dictionary<string, PolicyInfo>(StringComparer.Ordinal);
        foreach (var (file, text) in ordered)
        {
            IReadOnlyList<PolicyAst> parsed;
            try
            {
                parsed = Parser.ParsePolicies(text);
            }
            catch (CedarParseException e)
            {
                throw new PolicyLoadException($"{file}:{e.Message}", e);
            }
            for (var n = 0; n < parsed.Count; n++)
            {
                var ast = parsed[n];
                var id = ast.Annotation("id") is { Length: > 0 } given ? given : $"{file}#{n}";
                if (ast.IsTemplate)
                {
                    throw new PolicyLoadException($"{file}:{ast.Position}: policy '{id}' has slots; templates are not used by Custos's decisions");
                }
                if (byId.TryGetValue(id, out var clash))
                {
                    throw new PolicyLoadException($"{file}:{ast.Position}: the id '{id}' is already used in {clash.File}");
                }
                set.Add(id, ast);
                byId[id] = new PolicyInfo(id, ast.Effect, ast.Annotation("reason"), file);
            }
        }
        var document = JsonSerializer.SerializeToUtf8Bytes(new PolicyDocument(ordered), DocumentJson);
        return new AccessPolicies(set, byId, document);
    }

    /// <summary>The text of every file, for <c>GET /v1/policies</c>.</summary>
    public IReadOnlyDictionary<string, string> Files =>
        new SortedDictionary<string, string>(JsonSerializer.Deserialize<PolicyDocument>(Document, DocumentJson)!.Files, StringComparer.Ordinal);

    private sealed record PolicyDocument(IDictionary<string, string> Files);
}

/// <summary>What Custos knows of one policy beyond Cedar: where it came from and why it forbids.</summary>
public sealed record PolicyInfo(string Id, Effect Effect, string? Reason, string File);

/// <summary>A policy file or document that cannot be used; the message names the file and position.</summary>
public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException(string message) : base(message)
    {
    }

    public PolicyLoadException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public PolicyLoadException()
    {
    }
}
