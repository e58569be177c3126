namespace Custos.Cli;

/// <summary>Process exit codes of every <c>custos</c> command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command was understood but could not be carried out.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown command or option, a bad value.</summary>
    public const int Usage = 2;
}

/// <summary>
/// An option's value is wrong in a way only known once configuration is read (a --ttl beyond the
/// configured cap): a usage error like a parser's, exit 2, one line.
/// </summary>
public sealed class CommandUsageException : Exception
{
    public CommandUsageException(string message) : base(message)
    {
    }

    public CommandUsageException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CommandUsageException()
    {
    }
}
