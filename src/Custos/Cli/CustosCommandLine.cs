using System.CommandLine;
using System.CommandLine.Parsing;

namespace Custos.Cli;

/// <summary>
/// The <c>custos</c> command line: parses, runs one command, and turns every failure into
/// one line on stderr and an exit code (0 success, 1 runtime failure, 2 usage error).
/// </summary>
public static class CustosCommandLine
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print full diagnostics (stack traces, debug logs) on failure.",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Custos governs how a platform's own staff reach its users' personal data: every read is "
            + "bound to a purpose and a case, decided by policy, masked, ledgered and watched.")
        {
            Verbose,
            ServeCommand.Create(),
            TokenCommand.Create(),
            AccessCommand.Create(),
            CedarCommand.Create(),
            DemoCommand.Create(),
            DetectCommand.Create(),
            LedgerCommand.Create(),
            WitnessCommand.Create(),
            ConfigCommand.Create(),
            BackupCommand.Backup(),
            BackupCommand.Restore(),
            AlertsCommand.Create(),
            VersionCommand.Create(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);

        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A stray word is the likeliest mistake and the most useful thing to name; the
            // parser would otherwise lead with "Required command was not provided".
            var message = parse.UnmatchedTokens.Count > 0
                ? $"unknown command or option '{parse.UnmatchedTokens[0]}'."
                : parse.Errors[0].Message;
            await error.WriteLineAsync($"custos: {OneLine(message)} {HelpHint(parse)}");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Failures are reported below as one line; the library's handler would print a stack trace.
            EnableDefaultExceptionHandler = false,
            // The server's host owns SIGINT/SIGTERM so that it can drain requests before exiting.
            ProcessTerminationTimeout = null,
        };

        try
        {
            return await parse.InvokeAsync(invocation);
        }
        catch (CommandUsageException e)
        {
            await error.WriteLineAsync($"custos: {OneLine(e.Message)}");
            return ExitCodes.Usage;
        }
        catch (Server.Configuration.ConfigurationInvalidException e)
        {
            // A configuration that names an unknown key or a wrong type is a usage error, as a bad option is.
            await error.WriteLineAsync($"custos: {OneLine(e.Message)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"custos: {OneLine(Describe(e))}");
            if (parse.GetValue(Verbose))
            {
                await error.WriteLineAsync(e.ToString());
            }
            return ExitCodes.Failure;
        }
    }

    /// <summary>Points at the help of the command the user was typing.</summary>
    private static string HelpHint(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = result.Parent)
        {
            names.Insert(0, command.Command is RootCommand ? "custos" : command.Command.Name);
        }
        return $"Run '{string.Join(' ', names)} --help' for usage.";
    }

    /// <summary>
    /// The innermost message that still says something: hosting wraps start-up failures in
    /// AggregateException and the like, whose own message is only "one or more errors".
    /// </summary>
    private static string Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } || e is System.Reflection.TargetInvocationException)
        {
            e = e.InnerException!;
        }
        return e.Message;
    }

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
