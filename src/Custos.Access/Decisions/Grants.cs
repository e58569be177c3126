using Custos.Formats;
using Custos.Access.Workflow;

namespace Custos.Access.Decisions;

/// <summary>One read a live grant allows: exactly this subject, category, purpose and case.</summary>
public sealed record GrantedRead(string Subject, string Category, string Purpose, string Case);

/// <summary>
/// What the access workflow tells a decision about its reader: the grants live at that moment,
/// and whether a revocation stands against them. A deployment without the workflow has neither,
/// and every protected read is denied.
/// </summary>
public interface IReaderStanding
{
    IReadOnlyList<GrantedRead> LiveGrants(string reader, DateTimeOffset now);

    /// <summary>The revocation that cuts this reader's access, or null.</summary>
    RevocationNotice? Revoked(StaffMember reader);
}

/// <summary>No grants and no revocations: protected subjects cannot be read.</summary>
public sealed class NoWorkflow : IReaderStanding
{
    public static NoWorkflow Instance { get; } = new();

    public IReadOnlyList<GrantedRead> LiveGrants(string reader, DateTimeOffset now) => [];

    public RevocationNotice? Revoked(StaffMember reader) => null;
}
