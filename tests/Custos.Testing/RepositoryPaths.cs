namespace Custos.Testing;

/// <summary>Where the repository and the shared conformance data are, wherever the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding <c>Custos.slnx</c>, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>tests/conformance</c>: third-party test data, kept verbatim with its licences so that a
    /// fresh clone tests itself with nothing beside it.</summary>
    public static string Conformance => Path.Combine(Root, "tests", "conformance");

    /// <summary>The demo world of the design's incident.</summary>
    public static string IncidentWorld => Path.Combine(Root, "samples", "incident", "world.json");

    /// <summary>The demo's policy set.</summary>
    public static string IncidentPolicies => Path.Combine(Root, "samples", "incident", "policies");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Custos.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Custos.slnx above {AppContext.BaseDirectory}.");
    }
}
