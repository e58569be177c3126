using System.Text.Json;
using Custos.Cedar.Entities;
using Custos.Cedar.Schema;

namespace Custos.Cedar.Conformance;

/// <summary>One request of an integration test and the answer Cedar gave to it.</summary>
public sealed record ConformanceRequest(
    string Description,
    Request? Request,
    string? RequestError,
    Decision ExpectedDecision,
    IReadOnlySet<string> ExpectedReasons,
    IReadOnlySet<string> ExpectedErrors)
{
    /// <summary>Whether Cedar's validator accepts the request against the schema (<c>validateRequest</c>), when the test says.</summary>
    public bool? ShouldValidate { get; init; }
}

/// <summary>
/// An integration test of the Cedar project (cedar-policy/cedar-integration-tests), loaded:
/// its policies, entities and requests parsed, ready to be authorized. A file that could not
/// be loaded keeps the reason in <see cref="LoadError"/>, and each of its requests fails.
/// </summary>
public sealed class ConformanceTest
{
    internal ConformanceTest(string file, PolicySet? policies, EntityStore? entities, string? loadError, IReadOnlyList<ConformanceRequest> requests)
    {
        File = file;
        Policies = policies;
        Entities = entities;
        LoadError = loadError;
        Requests = requests;
    }

    /// <summary>The test's schema, when it names one that could be read.</summary>
    public CedarSchema? Schema { get; private init; }

    /// <summary>Whether the policies validate against the schema in strict mode (<c>shouldValidate</c>), when the test says.</summary>
    public bool? ShouldValidate { get; private init; }

    /// <summary>The same test with another expected validation verdict (to see a difference reported).</summary>
    public ConformanceTest WithShouldValidate(bool expected) =>
        new(File, Policies, Entities, LoadError, Requests) { Schema = Schema, ShouldValidate = expected };

    /// <summary>The test file, relative to the directory that was searched.</summary>
    public string File { get; }

    public PolicySet? Policies { get; }

    public EntityStore? Entities { get; }

    public string? LoadError { get; }

    public IReadOnlyList<ConformanceRequest> Requests { get; }

    /// <summary>
    /// Loads a test file. Its <c>policies</c>, <c>entities</c> and <c>schema</c> paths are resolved
    /// against <paramref name="root"/> first, then against each directory from the test file
    /// upwards (the corpus writes them relative to its top directory). The schema, when present,
    /// is used as Cedar's test harness uses it: to read entity and context JSON (implicit entity
    /// references and extension values) and to add the actions it declares.
    /// </summary>
    public static ConformanceTest Load(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetRelativePath(root, path);
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var test = document.RootElement;
        var requests = new List<ConformanceRequest>();
        PolicySet? policies = null;
        EntityStore? entities = null;
        CedarSchema? schema = null;
        string? loadError = null;
        try
        {
            policies = PolicySet.Parse(System.IO.File.ReadAllText(Resolve(root, path, Text(test, "policies"))));
            if (test.TryGetProperty("schema", out var schemaPath) && schemaPath.ValueKind == JsonValueKind.String)
            {
                schema = CedarSchema.Parse(System.IO.File.ReadAllText(Resolve(root, path, schemaPath.GetString()!)));
            }
            entities = test.TryGetProperty("entities", out var entitiesPath) && entitiesPath.ValueKind == JsonValueKind.String
                ? EntityStore.FromJson(System.IO.File.ReadAllText(Resolve(root, path, entitiesPath.GetString()!)), schema)
                : EntityStore.FromJson("[]", schema);
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or JsonException)
        {
            loadError = e.Message;
        }
        if (test.TryGetProperty("requests", out var requestArray) && requestArray.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in requestArray.EnumerateArray())
            {
                requests.Add(LoadRequest(item, schema, index++));
            }
        }
        return new ConformanceTest(name, policies, entities, loadError, requests)
        {
            Schema = schema,
            ShouldValidate = Flag(test, "shouldValidate"),
        };
    }

    /// <summary>Whether a JSON file is an integration test (rather than entities or another document).</summary>
    public static bool IsTestFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".entities.json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("policies", out _) && root.TryGetProperty("requests", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ConformanceRequest LoadRequest(JsonElement item, CedarSchema? schema, int index)
    {
        var description = item.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : $"request {index}";
        var decision = item.TryGetProperty("decision", out var decisionElement) && decisionElement.ValueKind == JsonValueKind.String
            && string.Equals(decisionElement.GetString(), "allow", StringComparison.OrdinalIgnoreCase)
            ? Decision.Allow
            : Decision.Deny;
        Request? request = null;
        string? error = null;
        try
        {
            request = Request.FromJson(item, schema);
        }
        catch (FormatException e)
        {
            error = e.Message;
        }
        return new ConformanceRequest(description, request, error, decision, Ids(item, "reason"), Ids(item, "errors"))
        {
            ShouldValidate = Flag(item, "validateRequest"),
        };
    }

    private static bool? Flag(JsonElement item, string property) =>
        item.TryGetProperty(property, out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False ? flag.GetBoolean() : null;

    private static HashSet<string> Ids(JsonElement item, string property)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (item.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var id in array.EnumerateArray())
            {
                // Older files give error entries as objects naming the policy.
                ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()!
                    : id.TryGetProperty("policyId", out var policyId) ? policyId.GetString()! : id.GetRawText());
            }
        }
        return ids;
    }

    private static string Text(JsonElement test, string property) =>
        test.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"the test has no `{property}` path");

    private static string Resolve(string root, string testFile, string relative)
    {
        var candidate = Path.Combine(root, relative);
        if (System.IO.File.Exists(candidate))
        {
            return candidate;
        }
        for (var directory = Path.GetDirectoryName(Path.GetFullPath(testFile)); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            candidate = Path.Combine(directory, relative);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"`{relative}` (named by {Path.GetFileName(testFile)}) was not found");
    }
}
