using System.CommandLine.Parsing;
using Custos.Access.Workflow;

namespace Custos.Cli;

/// <summary>A command-line argument read as a positive <see cref="Durations">duration</see>.</summary>
internal static class DurationArgument
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }
        result.AddError($"'{text}' is not a duration such as 30m, 1h or 2h30m.");
        return default;
    }
}
