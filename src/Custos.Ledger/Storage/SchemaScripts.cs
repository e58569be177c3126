using System.Reflection;
using System.Text;

namespace Custos.Ledger.Storage;

/// <summary>
/// The versioned schema of a SQL store: embedded scripts <c>NNNN_name.sql</c>, applied in
/// order, the version kept in <c>ledger_meta</c>. Version n is the n-th script.
/// </summary>
internal static class SchemaScripts
{
    public const string VersionKey = "schema_version";

    public static IReadOnlyList<string> Load(string resourcePrefix)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return reader.ReadToEnd();
            })
            .ToList();
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts under {resourcePrefix}.");
        }
        return scripts;
    }
}
