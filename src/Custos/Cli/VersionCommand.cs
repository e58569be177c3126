using System.CommandLine;

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
