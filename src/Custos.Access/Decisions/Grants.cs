namespace Custos.Access.Decisions;

/// <summary>One read a live grant allows: exactly this subject, category, purpose and case.</summary>
public sealed record GrantedRead(string Subject, string Category, string Purpose, string Case);

/// <summary>
/// The reader's grants that are live at a moment. Grants come from the approval workflow; a
/// deployment without it has none, and every protected read is denied.
/// </summary>
public interface IGrantSource
{
    IReadOnlyList<GrantedRead> LiveGrants(string reader, DateTimeOffset now);
}

/// <summary>No grants at all: protected subjects cannot be read.</summary>
public sealed class NoGrants : IGrantSource
{
    public static NoGrants Instance { get; } = new();

    public IReadOnlyList<GrantedRead> LiveGrants(string reader, DateTimeOffset now) => [];
}
