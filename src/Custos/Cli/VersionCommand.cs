using System.CommandLine;
using System.Reflection;

namespace Custos.Cli;

/// <summary><c>custos version</c>: the version and the commit it was built from.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version of custos and the commit it was built from.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine($"custos {BuildInfo.Version} (commit {BuildInfo.Commit ?? "unknown"})");
            return ExitCodes.Success;
        });
        return command;
    }
}

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
