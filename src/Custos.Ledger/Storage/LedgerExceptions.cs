namespace Custos.Ledger.Storage;

/// <summary>The store cannot be used (missing, not a ledger, written by a newer version, unreachable); the message says which.</summary>
public class LedgerStoreException : Exception
{
    public LedgerStoreException(string message) : base(message)
    {
    }

    public LedgerStoreException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LedgerStoreException()
    {
    }
}

/// <summary>The store is reachable but holds no ledger yet (an empty database): one may be created there.</summary>
public sealed class LedgerMissingException : LedgerStoreException
{
    public LedgerMissingException(string message) : base(message)
    {
    }

    public LedgerMissingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LedgerMissingException()
    {
    }
}

/// <summary>Another writer appended to the store first; nothing of the batch was written.</summary>
public sealed class LedgerConflictException : LedgerStoreException
{
    public LedgerConflictException(string message) : base(message)
    {
    }

    public LedgerConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LedgerConflictException()
    {
    }
}

/// <summary>An index or size that the log does not (yet) have, or sizes out of order.</summary>
public sealed class LedgerRangeException : Exception
{
    public LedgerRangeException(string message) : base(message)
    {
    }

    public LedgerRangeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public LedgerRangeException()
    {
    }
}
