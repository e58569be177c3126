using System.Reflection;

namespace Custos;

/// <summary>
/// What the build stamped into the assembly: the SDK appends "+&lt;commit&gt;" to the
/// informational version when it builds from a git checkout (SourceRevisionId).
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    public static string? Commit
    {
        get
        {
            var plus = Informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? null : Informational[(plus + 1)..];
        }
    }
}
