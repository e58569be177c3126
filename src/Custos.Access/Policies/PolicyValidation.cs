using Custos.Cedar.Schema;
using Custos.Cedar.Validation;

namespace Custos.Access.Policies;

/// <summary>
/// Checks a policy set against the Cedar schema Custos publishes for its entities and context
/// (<c>custos.cedarschema</c>), so that a typo such as <c>principal.rolez</c> is caught when the
/// policies are loaded instead of silently making every read of a <c>forbid</c> deny.
/// </summary>
public static class PolicyValidation
{
    public const string SchemaFileName = "custos.cedarschema";

    /// <summary>The schema beside a policy directory: in it, or in the directory above it (as in <c>samples/incident/</c>); null when neither has one.</summary>
    public static string? FindSchema(string policyDirectory)
    {
        ArgumentNullException.ThrowIfNull(policyDirectory);
        var directory = Path.GetFullPath(policyDirectory);
        return new[] { directory, Path.GetDirectoryName(directory.TrimEnd(Path.DirectorySeparatorChar)) }
            .Where(d => d is not null)
            .Select(d => Path.Combine(d!, SchemaFileName))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Reads a schema file; one that cannot be read or parsed is a <see cref="PolicyLoadException"/> naming it.</summary>
    public static CedarSchema ReadSchema(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return CedarSchema.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Every validation error of the set; each names the policy's file as <paramref name="directory"/>/file.</summary>
    public static IReadOnlyList<ValidationError> Validate(AccessPolicies policies, CedarSchema schema, string directory)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(schema);
        var validator = new Validator(schema);
        return policies.Set.Policies
            .SelectMany(p => validator.Validate(p.Id, p.Ast, Path.Combine(directory, policies.Find(p.Id)!.File)))
            .ToList();
    }
}
