using System.Text.Json.Nodes;
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
            var entry = JsonNode.Parse(text)!.AsObject();
            var caseId = (string?)entry["case"];
            if (CaseDisclosure.IsWithheld(directory, subject, caseId, now))
            {
                withheld++;
                continue;
            }
            var department = (string?)entry["reader_department"];
            lines.Add(new AccessReportLine(
                index,
                DateTimeOffset.Parse((string)entry["time"]!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
                department,
                department is null ? null : directory.Department(department)?.Name,
                entry["reader_roles"] is JsonArray roles ? [.. roles.Select(r => (string)r!)] : [],
                (string)entry["purpose"]!,
                caseId,
                (string)entry["decision"]!,
                entry["categories"] is JsonObject categories
                    ? categories.ToDictionary(c => c.Key, c => new AccessReportCategory((string)c.Value!["effect"]!, (string?)c.Value["mask"]))
                    : []));
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
