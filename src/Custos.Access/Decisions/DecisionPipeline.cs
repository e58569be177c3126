using System.Diagnostics;
using System.Text.Json;
using Custos.Access.Domain;
using Custos.Cedar;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;
using Custos.Formats;

namespace Custos.Access.Decisions;

/// <summary>
/// The decision pipeline of design section 5, in order and in one place:
/// resolve the entities, evaluate the Cedar policies, compute each category's obligation,
/// append the decision to the ledger — and only then answer, then tell the listeners.
/// </summary>
public sealed class DecisionPipeline(
    AccessStateHolder state,
    IAccessLedger ledger,
    IReaderStanding standing,
    TimeProvider time,
    IEnumerable<IDecisionListener> listeners)
{
    /// <summary>The default policy that denies a revoked reader; its reasons carry the revocation's own.</summary>
    public const string RevokedPolicy = "reader-revoked";

    private readonly IDecisionListener[] _listeners = [.. listeners];

    public async Task<Decision> DecideAsync(ReaderIdentity reader, DecisionRequest request, string mode, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        using var activity = AccessTelemetry.Source.StartActivity(AccessTelemetry.DecideActivity);
        var snapshot = state.Current;
        var directory = snapshot.Directory;
        Validate(request, directory);
        var now = time.GetUtcNow();

        // 1. Resolve: who reads, whose data, under which case. An unknown reader, subject or case
        //    is not a malformed request but an attempt, and is ledgered like any other.
        var staff = directory.Staff(reader.Id);
        var subject = directory.Subject(request.Subject);
        var @case = request.Case is null ? null : directory.Case(request.Case);
        Dictionary<string, CategoryDecision> categories;
        if (staff is null)
        {
            categories = DenyAll(request, "unknown-reader", "the reader is not a known staff member");
        }
        else if (subject is null)
        {
            categories = DenyAll(request, "unknown-subject", "the subject is not known to Custos");
        }
        else if (request.Case is not null && @case is null)
        {
            categories = DenyAll(request, "unknown-case", "the case is not known to Custos");
        }
        else
        {
            // 2. Evaluate, and 3. the obligations: per category, may it be read, and unmasked?
            var revoked = standing.Revoked(staff);
            using (AccessTelemetry.Source.StartActivity(AccessTelemetry.CedarActivity))
            {
                categories = Evaluate(snapshot, staff, subject, request, reader.Location, now, standing.LiveGrants(staff.Id, now), revoked is not null);
            }
            if (revoked is not null)
            {
                // The policy says that access was revoked; the revocation says by what and why.
                categories = categories.ToDictionary(
                    c => c.Key,
                    c => c.Value.Policies.Contains(RevokedPolicy) ? c.Value with { Reasons = [.. c.Value.Reasons, $"revocation {revoked.Id}: {revoked.Reason}"] } : c.Value,
                    StringComparer.Ordinal);
            }
        }

        var outcome = categories.Values.All(c => c.Effect == CategoryEffect.Deny) ? DecisionOutcome.Deny
            : categories.Values.Any(c => c.Effect == CategoryEffect.Deny) ? DecisionOutcome.Partial
            : DecisionOutcome.Allow;

        // 4. Ledger, then answer (invariant 1): if the entry is not durable, nothing is released.
        var id = $"dec-{Guid.CreateVersion7(now):n}";
        var entry = new DecisionEntry
        {
            Id = id,
            Time = now,
            Mode = mode,
            Reader = reader.Id,
            ReaderDepartment = staff?.Department,
            ReaderRoles = staff?.Roles ?? [],
            ReaderLocation = reader.Location ?? "",
            Subject = request.Subject,
            Purpose = request.Purpose,
            Case = request.Case,
            Decision = Name(outcome),
            Categories = categories.ToDictionary(
                c => c.Key,
                c => new DecisionEntry.EntryCategory(Name(c.Value.Effect), c.Value.Mask is { } mask ? CedarMapping.MaskName(mask) : null, c.Value.Policies)),
            Determining = [.. categories.Values.SelectMany(c => c.Policies).Distinct(StringComparer.Ordinal)],
            PolicySet = snapshot.Policies.Sha256,
            World = snapshot.WorldSha256,
        };
        long index;
        try
        {
            index = await ledger.AppendAsync(entry.Serialize(), cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new AccessNotReadyException($"the decision could not be ledgered: {e.Message}", e);
        }

        var decision = new Decision(id, now, reader, request, outcome, categories, Reasons(categories), index);

        // Closed vocabularies only: a metric tag never names a reader, subject or case.
        var tags = new TagList { { "outcome", entry.Decision }, { "mode", mode } };
        AccessTelemetry.Decisions.Add(1, tags);
        AccessTelemetry.DecisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("custos.decision.id", id);
            activity.SetTag("custos.decision.outcome", entry.Decision);
            activity.SetTag("custos.decision.mode", mode);
            activity.SetTag("custos.ledger.index", index);
        }

        // 5. Publish to detection and the projections; they must never hold up the answer.
        foreach (var listener in _listeners)
        {
            listener.OnDecided(decision, entry);
        }
        return decision;
    }

    /// <summary>Malformed requests are refused before anything is decided or ledgered.</summary>
    private static void Validate(DecisionRequest request, AccessDirectory directory)
    {
        if (string.IsNullOrWhiteSpace(request.Subject))
        {
            throw new DecisionRequestException("subject", "subject is required, such as \"user:10042\"");
        }
        InputRules.Identifier("subject", request.Subject, "user");
        InputRules.Identifiers("categories", request.Categories, kind: null);
        InputRules.Identifier("case", request.Case is { Length: 0 } ? null : request.Case, "case");
        if (string.IsNullOrWhiteSpace(request.Purpose))
        {
            throw new DecisionRequestException("purpose", "purpose is required");
        }
        InputRules.Identifier("purpose", request.Purpose, kind: null);
        if (directory.Purpose(request.Purpose) is null)
        {
            throw new DecisionRequestException("purpose", $"'{request.Purpose}' is not a purpose");
        }
        if (request.Categories is null || request.Categories.Count == 0)
        {
            throw new DecisionRequestException("categories", "categories must name at least one category");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Categories.Count; i++)
        {
            var category = request.Categories[i];
            if (directory.Category(category) is null)
            {
                throw new DecisionRequestException($"categories[{i}]", $"'{category}' is not a category");
            }
            if (!seen.Add(category))
            {
                throw new DecisionRequestException($"categories[{i}]", $"'{category}' is named twice");
            }
        }
        if (request.Case is { Length: 0 })
        {
            throw new DecisionRequestException("case", "case must be a case id or null");
        }
    }

    internal static Dictionary<string, CategoryDecision> Evaluate(
        AccessState snapshot, StaffMember staff, Subject subject, DecisionRequest request, string? location, DateTimeOffset now, IReadOnlyList<GrantedRead> liveGrants, bool revoked)
    {
        var principal = CedarMapping.Staff(staff.Id);
        var resource = CedarMapping.User(subject.Id);
        var shared = new List<KeyValuePair<string, Value>>
        {
            new("purpose", Value.FromEntity(CedarMapping.Purpose(request.Purpose))),
            new("location", Value.FromString(location ?? "")),
            new("now", CedarMapping.Time(now)),
            new("grants", Grants(liveGrants)),
            new("revoked", Value.FromBool(revoked)),
        };
        if (request.Case is { } caseId)
        {
            shared.Add(new("case", Value.FromEntity(CedarMapping.Case(caseId))));
        }

        var categories = new Dictionary<string, CategoryDecision>(StringComparer.Ordinal);
        foreach (var categoryId in request.Categories)
        {
            var category = snapshot.Directory.Category(categoryId)!;
            var context = RecordValue.Create([.. shared, new("category", Value.FromEntity(CedarMapping.Category(categoryId)))]);

            var read = snapshot.Authorize(new Request(principal, CedarMapping.Read, resource, context));
            if (!read.Allowed)
            {
                categories[categoryId] = new CategoryDecision(CategoryEffect.Deny, null, read.Policies,
                    read.Reasons.Count > 0 ? read.Reasons : [$"no policy permits reading {categoryId}"]);
                continue;
            }

            var raw = snapshot.Authorize(new Request(principal, CedarMapping.ReadRaw, resource, context));
            categories[categoryId] = raw.Allowed
                ? new CategoryDecision(CategoryEffect.Raw, null, [.. read.Policies, .. raw.Policies], read.Reasons)
                : new CategoryDecision(CategoryEffect.Masked, category.Mask, [.. read.Policies, .. raw.Policies],
                    raw.Reasons.Count > 0 ? raw.Reasons : [$"{categoryId} is shown masked ({CedarMapping.MaskName(category.Mask)})"]);
        }
        return categories;
    }

    private static Value Grants(IReadOnlyList<GrantedRead> liveGrants) => Value.FromSet(
        liveGrants.Select(grant => Value.FromRecord(RecordValue.Create(
        [
            new("subject", Value.FromEntity(CedarMapping.User(grant.Subject))),
            new("category", Value.FromEntity(CedarMapping.Category(grant.Category))),
            new("purpose", Value.FromEntity(CedarMapping.Purpose(grant.Purpose))),
            new("case", Value.FromEntity(CedarMapping.Case(grant.Case))),
        ]))));

    private static Dictionary<string, CategoryDecision> DenyAll(DecisionRequest request, string policy, string reason) =>
        request.Categories.ToDictionary(c => c, _ => new CategoryDecision(CategoryEffect.Deny, null, [policy], [reason]), StringComparer.Ordinal);

    /// <summary>Why, for people: what was refused or masked; when everything is raw, what allowed it.</summary>
    private static List<string> Reasons(Dictionary<string, CategoryDecision> categories)
    {
        var notRaw = categories.Values
            .Where(c => c.Effect != CategoryEffect.Raw)
            .OrderBy(c => c.Effect == CategoryEffect.Deny ? 0 : 1)
            .SelectMany(c => c.Reasons);
        var reasons = notRaw.Distinct(StringComparer.Ordinal).ToList();
        return reasons.Count > 0 ? reasons : [.. categories.Values.SelectMany(c => c.Reasons).Distinct(StringComparer.Ordinal)];
    }

    // Literals, not ToString(): these run for every decision and the metrics' tags reuse them.
    public static string Name(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Allow => "allow",
        DecisionOutcome.Partial => "partial",
        _ => "deny",
    };

    public static string Name(CategoryEffect effect) => effect switch
    {
        CategoryEffect.Raw => "raw",
        CategoryEffect.Masked => "masked",
        _ => "deny",
    };
}

/// <summary>Hears of every ledgered decision, right after it is durable. Must return at once.</summary>
public interface IDecisionListener
{
    void OnDecided(Decision decision, DecisionEntry entry);
}
