using Custos.Formats;

namespace Custos.Access.Tests;

/// <summary>Paths of the repository's own files that tests read.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string IncidentWorld => Path.Combine(Root, "samples", "incident", "world.json");

    public static string IncidentPolicies => Path.Combine(Root, "samples", "incident", "policies");

    public static World LoadIncidentWorld() => WorldFile.Read(IncidentWorld);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Custos.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Custos.slnx not found above " + AppContext.BaseDirectory);
    }
}
