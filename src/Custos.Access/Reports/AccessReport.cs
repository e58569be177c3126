using Custos.Access.Disclosure;
using Custos.Access.Domain;
using Custos.Access.Projections;
using Custos.Access.Storage;

namespace Custos.Access.Reports;

/// <summary>
/// What a data subject may know of the reads of their data: when, by which role and department
/// (never which person), what, with what effect, for which purpose and case, and where in the
/// ledger to verify it. Reads under a case that names the subject and whose disclosure date has
/// not come are withheld and only counted, so that an investigation is not tipped off.
/// </summary>
public sealed record AccessReport(string Subject, IReadOnlyList<AccessReportLine> Reads, int Withheld, DateTimeOffset GeneratedAt)
{
    public static async Task<AccessReport> BuildAsync(string subject, AccessDirectory directory, AccessStore store, LedgerProjector projector, DateTimeOffset now, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projector);

        // Everything ledgered before the question is in the answer.
        await projector.CatchUpAsync(cancellation);

        var lines = new List<AccessReportLine>();
        var withheld = 0;
        foreach (var (index, text) in await store.DecisionsAboutAsync(subject, cancellation))
        {
            var read = DisclosedDecision.FromJson(text);
            if (CaseDisclosure.IsWithheld(directory, subject, read.Case, now))
            {
                withheld++;
                continue;
            }
            lines.Add(new AccessReportLine(
                index,
                read.Time,
                read.ReaderDepartment,
                read.ReaderDepartment is { } department ? directory.Department(department)?.Name : null,
                read.ReaderRoles,
                read.Purpose,
                read.Case,
                read.Decision,
                read.Categories.ToDictionary(c => c.Key, c => new AccessReportCategory(c.Value.Effect, c.Value.Mask), StringComparer.Ordinal)));
        }
        return new AccessReport(subject, lines, withheld, now);
    }
}

public sealed record AccessReportLine(
    long LedgerIndex,
    DateTimeOffset Time,
    string? ReaderDepartment,
    string? ReaderDepartmentName,
    IReadOnlyList<string> ReaderRoles,
    string Purpose,
    string? Case,
    string Decision,
    IReadOnlyDictionary<string, AccessReportCategory> Categories);

public sealed record AccessReportCategory(string Effect, string? Mask);
