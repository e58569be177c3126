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

    public async Task<Decision> DecideAsync(ReaderIdentity reader, DecisionRequest request, DecisionMode mode, CancellationToken cancellation = default)
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
        CategoryDictionary<CategoryDecision> categories;
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
                categories = categories.Select(c => c.Policies.Contains(RevokedPolicy) ? c with { Reasons = [.. c.Reasons, $"revocation {revoked.Id}: {revoked.Reason}"] } : c);
            }
        }

        var outcome = Outcome(categories);

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
            Categories = categories.Select(c => new DecisionEntry.EntryCategory(Name(c.Effect), c.Mask is { } mask ? CedarMapping.MaskName(mask) : null, c.Policies)),
            Determining = Determining(categories),
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
        var tags = new TagList { { "outcome", entry.Decision }, { "mode", FormatJson.NameOf(mode) } };
        AccessTelemetry.Decisions.Add(1, tags);
        AccessTelemetry.DecisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("custos.decision.id", id);
            activity.SetTag("custos.decision.outcome", entry.Decision);
            activity.SetTag("custos.decision.mode", FormatJson.NameOf(mode));
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
        for (var i = 0; i < request.Categories.Count; i++)
        {
            var category = request.Categories[i];
            if (directory.Category(category) is null)
            {
                throw new DecisionRequestException($"categories[{i}]", $"'{category}' is not a category");
            }
            // No set: the categories before this one are distinct known categories, so few.
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(request.Categories[j], category, StringComparison.Ordinal))
                {
                    throw new DecisionRequestException($"categories[{i}]", $"'{category}' is named twice");
                }
            }
        }
        if (request.Case is { Length: 0 })
        {
            throw new DecisionRequestException("case", "case must be a case id or null");
        }
    }

    // The context's keys, sorted as a Cedar record keeps them: the same for every category and
    // every decision, so each context allocates only its values.
    private static readonly string[] ContextKeys = ["category", "grants", "location", "now", "purpose", "revoked"];
    private static readonly string[] CaseContextKeys = ["case", .. ContextKeys];
    private static readonly Value NoGrants = Value.FromSet(SetValue.Empty);

    internal static CategoryDictionary<CategoryDecision> Evaluate(
        AccessState snapshot, StaffMember staff, Subject subject, DecisionRequest request, string? location, DateTimeOffset now, IReadOnlyList<GrantedRead> liveGrants, bool revoked)
    {
        var (principal, resource, contexts) = ReadRequests(snapshot, staff, subject, request, location, now, liveGrants, revoked);
        var categories = new CategoryDecision[contexts.Length];
        for (var i = 0; i < categories.Length; i++)
        {
            var categoryId = request.Categories[i];
            var context = contexts[i];
            var read = snapshot.Authorize(new Request(principal, CedarMapping.Read, resource, context));
            if (!read.Allowed)
            {
                categories[i] = new CategoryDecision(CategoryEffect.Deny, null, read.Policies,
                    read.Reasons.Count > 0 ? read.Reasons : [$"no policy permits reading {categoryId}"]);
                continue;
            }

            var raw = snapshot.Authorize(new Request(principal, CedarMapping.ReadRaw, resource, context));
            var category = snapshot.Directory.Category(categoryId)!;
            categories[i] = raw.Allowed
                ? new CategoryDecision(CategoryEffect.Raw, null, [.. read.Policies, .. raw.Policies], read.Reasons)
                : new CategoryDecision(CategoryEffect.Masked, category.Mask, [.. read.Policies, .. raw.Policies],
                    raw.Reasons.Count > 0 ? raw.Reasons : [$"{categoryId} is shown masked ({CedarMapping.MaskName(category.Mask)})"]);
        }
        return new CategoryDictionary<CategoryDecision>(request.Categories, categories);
    }

    /// <summary>
    /// What the policies are asked about each category of a read: its principal, its resource and
    /// one context per category (the action, <c>read</c> or <c>read-raw</c>, is the question).
    /// Decisions and their replay under another policy set (<see cref="Policies.PolicySimulator"/>) ask the same.
    /// </summary>
    internal static (EntityUid Principal, EntityUid Resource, RecordValue[] Contexts) ReadRequests(
        AccessState snapshot, StaffMember staff, Subject subject, DecisionRequest request, string? location, DateTimeOffset now, IReadOnlyList<GrantedRead> liveGrants, bool revoked)
    {
        var principal = snapshot.Uid(CedarMapping.StaffType, staff.Id);
        var resource = snapshot.Uid(CedarMapping.UserType, subject.Id);
        var keys = request.Case is null ? ContextKeys : CaseContextKeys;
        var first = keys.Length - ContextKeys.Length;
        var grants = liveGrants.Count == 0 ? NoGrants : Grants(snapshot, liveGrants);
        var purpose = Value.FromEntity(snapshot.Uid(CedarMapping.PurposeType, request.Purpose));
        var where = Value.FromString(location ?? "");
        var when = CedarMapping.Time(now);

        var contexts = new RecordValue[request.Categories.Count];
        for (var i = 0; i < contexts.Length; i++)
        {
            var values = new Value[keys.Length];
            if (request.Case is { } caseId)
            {
                values[0] = Value.FromEntity(snapshot.Uid(CedarMapping.CaseType, caseId));
            }
            values[first] = Value.FromEntity(snapshot.Uid(CedarMapping.CategoryType, request.Categories[i]));
            values[first + 1] = grants;
            values[first + 2] = where;
            values[first + 3] = when;
            values[first + 4] = purpose;
            values[first + 5] = Value.FromBool(revoked);
            contexts[i] = RecordValue.Create(keys, values);
        }
        return (principal, resource, contexts);
    }

    private static Value Grants(AccessState snapshot, IReadOnlyList<GrantedRead> liveGrants) => Value.FromSet(
        liveGrants.Select(grant => Value.FromRecord(RecordValue.Create(
        [
            new("subject", Value.FromEntity(snapshot.Uid(CedarMapping.UserType, grant.Subject))),
            new("category", Value.FromEntity(snapshot.Uid(CedarMapping.CategoryType, grant.Category))),
            new("purpose", Value.FromEntity(snapshot.Uid(CedarMapping.PurposeType, grant.Purpose))),
            new("case", Value.FromEntity(snapshot.Uid(CedarMapping.CaseType, grant.Case))),
        ]))));

    private static CategoryDictionary<CategoryDecision> DenyAll(DecisionRequest request, string policy, string reason)
    {
        var denial = new CategoryDecision(CategoryEffect.Deny, null, [policy], [reason]);
        return new CategoryDictionary<CategoryDecision>(request.Categories, Enumerable.Repeat(denial, request.Categories.Count).ToArray());
    }

    /// <summary>Deny when every category is refused, partial when some are, allow when none is.</summary>
    internal static DecisionOutcome Outcome(CategoryDictionary<CategoryDecision> categories)
    {
        var denied = 0;
        for (var i = 0; i < categories.Count; i++)
        {
            denied += categories.ValueAt(i).Effect == CategoryEffect.Deny ? 1 : 0;
        }
        return denied == categories.Count ? DecisionOutcome.Deny : denied > 0 ? DecisionOutcome.Partial : DecisionOutcome.Allow;
    }

    /// <summary>Every policy that decided a category, each once, in the order they first decided.</summary>
    private static string[] Determining(CategoryDictionary<CategoryDecision> categories)
    {
        var determining = new List<string>(4);
        for (var i = 0; i < categories.Count; i++)
        {
            AddDistinct(determining, categories.ValueAt(i).Policies);
        }
        return [.. determining];
    }

    /// <summary>Why, for people: what was refused or masked; when everything is raw, what allowed it.</summary>
    private static List<string> Reasons(CategoryDictionary<CategoryDecision> categories)
    {
        var reasons = new List<string>(4);
        foreach (var effect in (ReadOnlySpan<CategoryEffect>)[CategoryEffect.Deny, CategoryEffect.Masked])
        {
            for (var i = 0; i < categories.Count; i++)
            {
                if (categories.ValueAt(i).Effect == effect)
                {
                    AddDistinct(reasons, categories.ValueAt(i).Reasons);
                }
            }
        }
        if (reasons.Count == 0)
        {
            for (var i = 0; i < categories.Count; i++)
            {
                AddDistinct(reasons, categories.ValueAt(i).Reasons);
            }
        }
        return reasons;
    }

    /// <summary>Adds what <paramref name="items"/> holds that <paramref name="list"/> does not; lists here hold a few items, so no set.</summary>
    private static void AddDistinct(List<string> list, IReadOnlyList<string> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (!list.Contains(items[i]))
            {
                list.Add(items[i]);
            }
        }
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
