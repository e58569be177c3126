using Custos.Access.Decisions;
using Custos.Access.Domain;
using Custos.Formats;

namespace Custos.Access.Workflow;

/// <summary>
/// The checks of the workflow's actions: what an ask, a revocation or an actor must be before
/// anything is decided or ledgered. Each refusal is a <see cref="WorkflowException"/> or an
/// <see cref="InputException"/> that names the field.
/// </summary>
public sealed partial class WorkflowService
{
    private static void RequireProvisioner(string provisioner)
    {
        if (string.IsNullOrWhiteSpace(provisioner) || provisioner.StartsWith("staff:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"a provisioner is a service identity, not '{provisioner}'", nameof(provisioner));
        }
    }

    /// <summary>The form of a revocation, checked before anything else: its scope's identifier and its reason, normalised.</summary>
    private static string? CheckRevocation(RevocationScope? scope, string? reason)
    {
        if (scope is not null)
        {
            InputRules.Identifier(scope.Kind, scope.Value, scope.Kind switch
            {
                RevocationScope.DepartmentKind => "dept",
                RevocationScope.StaffKind => "staff",
                _ => null,
            });
        }
        return InputRules.Text("reason", reason);
    }

    private sealed record CheckedAsk(string Reader, List<string> Subjects, List<string> Categories, string Purpose, string Case, string Justification, TimeSpan Duration);

    /// <summary>Everything a request or a break-glass must be before it is ledgered.</summary>
    private CheckedAsk Check(ReaderIdentity reader, Ask ask, DateTimeOffset now, bool breakGlass)
    {
        var staff = ActiveStaff(reader.Id);
        var (subjects, categories, purpose, @case) = CheckAsk(staff, reader.Location, ask, now);
        var justification = CheckJustification(staff.Id, ask.Justification, breakGlass);
        var max = breakGlass ? options.MaxBreakGlassDuration : options.MaxGrantDuration;
        var duration = ask.Duration ?? (breakGlass ? options.MaxBreakGlassDuration : options.DefaultGrantDuration);
        if (duration <= TimeSpan.Zero || duration > max)
        {
            throw WorkflowException.Invalid("duration", $"{(breakGlass ? "break-glass" : "a grant")} lasts more than nothing and at most {Describe(max)}");
        }
        return new CheckedAsk(staff.Id, subjects, categories, purpose, @case, justification, duration);
    }

    /// <summary>
    /// Checks what is asked, and that a grant of it could be used: each read is simulated under
    /// the policies with the grant in hand, so that a request the policies would refuse anyway
    /// (another purpose's case, a subject the case does not name, the wrong residency zone) is
    /// refused now with their reasons, rather than approved for nothing.
    /// </summary>
    private (List<string> Subjects, List<string> Categories, string Purpose, string Case) CheckAsk(StaffMember staff, string? location, Ask ask, DateTimeOffset now)
    {
        var snapshot = state.Current;
        var directory = snapshot.Directory;
        InputRules.Identifiers("subjects", ask.Subjects, "user");
        InputRules.Identifiers("categories", ask.Categories, kind: null);
        InputRules.Identifier("purpose", ask.Purpose, kind: null);
        InputRules.Identifier("case", ask.Case, "case");
        var subjects = Distinct(ask.Subjects, "subjects", s => directory.Subject(s) is not null, "is not a subject known to Custos");
        var categories = Distinct(ask.Categories, "categories", c => directory.Category(c) is not null, "is not a category");
        if (string.IsNullOrWhiteSpace(ask.Purpose) || directory.Purpose(ask.Purpose) is null)
        {
            throw WorkflowException.Invalid("purpose", $"'{ask.Purpose}' is not a purpose");
        }
        if (string.IsNullOrWhiteSpace(ask.Case) || directory.Case(ask.Case) is null)
        {
            throw WorkflowException.Invalid("case", ask.Case is null ? "a request names the case it serves" : $"'{ask.Case}' is not a case");
        }

        var granted = subjects.SelectMany(s => categories.Select(c => new GrantedRead(s, c, ask.Purpose, ask.Case))).ToList();
        var problems = new List<string>();
        foreach (var subjectId in subjects)
        {
            var outcome = DecisionPipeline.Evaluate(snapshot, staff, directory.Subject(subjectId)!, new DecisionRequest(subjectId, categories, ask.Purpose, ask.Case), location, now, granted, revoked: false);
            problems.AddRange(outcome.Values.Where(c => c.Effect == CategoryEffect.Deny).SelectMany(c => c.Reasons).Select(r => $"{subjectId}: {r}"));
        }
        if (problems.Count > 0)
        {
            throw new WorkflowException(WorkflowErrorKind.Invalid, "even with a grant, the policies would refuse this read", "subjects", [.. problems.Distinct(StringComparer.Ordinal)]);
        }
        return (subjects, categories, ask.Purpose, ask.Case);
    }

    /// <summary>A justification is real text: long enough, more than a word, and not one the reader has given before.</summary>
    private string CheckJustification(string requester, string? justification, bool breakGlass)
    {
        // Normalised first, so that invisible padding neither makes empty text count nor a repeat new.
        var text = InputRules.Text("justification", justification) ?? "";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (text.Length < options.MinJustificationLength || words.Length < options.MinJustificationWords)
        {
            throw WorkflowException.Invalid("justification",
                $"say why in words: at least {options.MinJustificationLength} characters and {options.MinJustificationWords} words");
        }
        if (!breakGlass && workflow.Current.Justifications.Contains(AccessWorkflow.JustificationKey(requester, text)))
        {
            throw WorkflowException.Invalid("justification", "this justification was given for an earlier request: say why this one is needed");
        }
        return text;
    }

    private static List<string> Distinct(IReadOnlyList<string>? values, string field, Func<string, bool> known, string unknown)
    {
        if (values is null || values.Count == 0)
        {
            throw WorkflowException.Invalid(field, $"{field} must name at least one");
        }
        var seen = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (!known(values[i]))
            {
                throw WorkflowException.Invalid($"{field}[{i}]", $"'{values[i]}' {unknown}");
            }
            if (seen.Contains(values[i]))
            {
                throw WorkflowException.Invalid($"{field}[{i}]", $"'{values[i]}' is named twice");
            }
            seen.Add(values[i]);
        }
        return seen;
    }

    private StaffMember KnownStaff(string id) =>
        state.Current.Directory.Staff(id) ?? throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{id} is not a staff member");

    private StaffMember ActiveStaff(string id)
    {
        var staff = KnownStaff(id);
        if (!InGoodStanding(staff))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{id} is not an active staff member in good standing");
        }
        return staff;
    }

    /// <summary>Invariant 9: the inactive and the revoked hold no power, whatever their roles.</summary>
    private bool InGoodStanding(StaffMember staff) => staff.Active && workflow.RevocationsOf(staff).Count == 0;

    private void RequireRole(StaffMember staff, string what, params string[] roles)
    {
        if (!roles.Any(staff.Roles.Contains))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"only {string.Join(" or ", roles)} may {what}");
        }
        if (!InGoodStanding(staff))
        {
            throw new WorkflowException(WorkflowErrorKind.Forbidden, $"{staff.Id} may not {what}: they are not an active staff member in good standing");
        }
    }

    private AccessRequest PendingRequest(string id)
    {
        InputRules.Identifier("id", id, kind: null);
        if (!workflow.Current.Requests.TryGetValue(id, out var request))
        {
            throw new WorkflowException(WorkflowErrorKind.NotFound, $"there is no access request {id}");
        }
        if (request.Status != RequestStatus.Pending)
        {
            throw new WorkflowException(WorkflowErrorKind.Conflict, $"{id} is {request.Status.ToString().ToLowerInvariant()}, no longer pending");
        }
        return request;
    }
}
