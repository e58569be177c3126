using Custos.Access.Domain;

namespace Custos.Access.Disclosure;

/// <summary>
/// When a read is kept from the person it was about: while the case it was made under names
/// them and the case's disclosure date has not come, so that an investigation is not tipped
/// off. One rule for every way a subject learns of a read (the access report, the ledger).
/// </summary>
public static class CaseDisclosure
{
    public static bool IsWithheld(AccessDirectory directory, string subject, string? caseId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(directory);
        // Only a case that names the subject withholds: a case cannot hide reads of people it is not about.
        return caseId is not null
            && directory.Case(caseId) is { DiscloseAfter: { } discloseAfter } @case
            && discloseAfter > now
            && @case.Subjects.Contains(subject);
    }
}
