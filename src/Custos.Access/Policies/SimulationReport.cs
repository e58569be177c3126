using Custos.Access.Decisions;
using Custos.Access.Domain;

namespace Custos.Access.Policies;

/// <summary>
/// What a proposed policy set would have changed in the ledgered decisions of a period: how many
/// changed, in which direction (<c>allow→deny</c> for a decision, <c>raw→masked</c> for a
/// category), and the same grouped by policy, reader department, purpose and protected class,
/// with a few examples each. Examples name ledger indexes, departments and classes, never a
/// reader or a subject: whoever may see the report need not see who read whom.
/// </summary>
public sealed record SimulationReport(
    string PolicySet,
    DateTimeOffset Since,
    long Replayed,
    long Changed,
    long NotReplayable,
    IReadOnlyDictionary<string, long> Outcomes,
    IReadOnlyDictionary<string, long> Categories,
    IReadOnlyList<SimulationGroup> ByPolicy,
    IReadOnlyList<SimulationGroup> ByDepartment,
    IReadOnlyList<SimulationGroup> ByPurpose,
    IReadOnlyList<SimulationGroup> ByProtectedClass)
{
    /// <summary>The group key of a decision about a subject of no protected class, or of a reader in no department.</summary>
    public const string None = "(none)";

    /// <summary>One line for people and for the activation entry: "3 of 1200 decisions since … would change: 2 raw→masked, 1 masked→deny; outcomes 1 allow→partial".</summary>
    public string Summary
    {
        get
        {
            static string Counts(IEnumerable<KeyValuePair<string, long>> counts) =>
                string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));
            var outcomes = Outcomes.Where(o => o.Key.Split('→') is [var before, var after] && before != after).ToList();
            return $"{Changed} of {Replayed} decisions since {Since:yyyy-MM-dd'T'HH:mm:ss'Z'} would change"
                + (Categories.Count == 0 ? "" : ": " + Counts(Categories))
                + (outcomes.Count == 0 ? "" : "; outcomes " + Counts(outcomes))
                + (NotReplayable > 0 ? $"; {NotReplayable} could not be replayed (their world is no longer stored)" : "");
        }
    }

    /// <summary>A direction as reported: before, an arrow, after.</summary>
    public static string Direction(string before, string after) => $"{before}→{after}";

    internal sealed class Builder(string policySet, DateTimeOffset since, int examples)
    {
        private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _categories = new(StringComparer.Ordinal);
        private readonly GroupSet _byPolicy = new(examples);
        private readonly GroupSet _byDepartment = new(examples);
        private readonly GroupSet _byPurpose = new(examples);
        private readonly GroupSet _byClass = new(examples);
        private long _replayed;
        private long _changed;
        private long _notReplayable;

        public void NotReplayable() => _notReplayable++;

        /// <summary>
        /// One replayed decision; <paramref name="replayed"/> is null when the proposed set decides
        /// it as ledgered. <paramref name="changed"/>: the ids of the policies the proposal changes
        /// against the decision's set, when known.
        /// </summary>
        public void Add(long index, LedgeredDecision decision, AccessDirectory directory, CategoryDictionary<CategoryDecision>? replayed, IReadOnlySet<string>? changed)
        {
            _replayed++;
            if (replayed is null)
            {
                return;
            }
            _changed++;
            var changes = new List<CategoryChange>();
            for (var i = 0; i < replayed.Count; i++)
            {
                var category = replayed.KeyAt(i);
                var before = decision.Categories.ValueAt(i);
                var after = replayed.ValueAt(i);
                var afterName = DecisionPipeline.Name(after.Effect);
                if (afterName == before.Effect)
                {
                    continue;
                }
                // The policies that decide one way and not the other; of those, the ones the proposal
                // changed made the difference (the others only stopped or started deciding with them).
                var policies = before.Policies.Except(after.Policies, StringComparer.Ordinal)
                    .Union(after.Policies.Except(before.Policies, StringComparer.Ordinal), StringComparer.Ordinal)
                    .ToList();
                if (changed is not null && policies.Any(changed.Contains))
                {
                    policies.RemoveAll(p => !changed.Contains(p));
                }
                changes.Add(new CategoryChange(category, before.Effect, afterName, policies));
                Count(_categories, Direction(before.Effect, afterName));
            }
            var outcome = Direction(decision.Decision, DecisionPipeline.Name(DecisionPipeline.Outcome(replayed)));
            Count(_outcomes, outcome);

            var classes = directory.Subject(decision.Subject)?.Protected is { Count: > 0 } protectedClasses ? protectedClasses : [None];
            var example = new SimulationExample(index, decision.Time, outcome, decision.ReaderDepartment ?? None, decision.Purpose, classes, changes);
            var policyKeys = changes.SelectMany(c => c.Policies).Distinct(StringComparer.Ordinal).ToList();
            foreach (var policy in policyKeys.Count > 0 ? policyKeys : [None])
            {
                _byPolicy.Add(policy, example);
            }
            _byDepartment.Add(example.Department, example);
            _byPurpose.Add(decision.Purpose, example);
            foreach (var @class in classes)
            {
                _byClass.Add(@class, example);
            }
        }

        public SimulationReport Build() => new(
            policySet, since, _replayed, _changed, _notReplayable,
            new SortedDictionary<string, long>(_outcomes, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_categories, StringComparer.Ordinal),
            _byPolicy.Build(), _byDepartment.Build(), _byPurpose.Build(), _byClass.Build());

        private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private sealed class GroupSet(int examples)
    {
        private readonly Dictionary<string, (long Changed, Dictionary<string, long> Directions, List<SimulationExample> Examples)> _groups = new(StringComparer.Ordinal);

        public void Add(string key, SimulationExample example)
        {
            if (!_groups.TryGetValue(key, out var group))
            {
                group = (0, new Dictionary<string, long>(StringComparer.Ordinal), []);
            }
            foreach (var change in example.Changes)
            {
                var direction = Direction(change.Before, change.After);
                group.Directions[direction] = group.Directions.GetValueOrDefault(direction) + 1;
            }
            if (group.Examples.Count < examples)
            {
                group.Examples.Add(example);
            }
            _groups[key] = (group.Changed + 1, group.Directions, group.Examples);
        }

        /// <summary>The groups, most changed first.</summary>
        public List<SimulationGroup> Build() =>
        [
            .. _groups
                .OrderByDescending(g => g.Value.Changed).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SimulationGroup(g.Key, g.Value.Changed, new SortedDictionary<string, long>(g.Value.Directions, StringComparer.Ordinal), g.Value.Examples)),
        ];
    }
}

/// <summary>The decisions of one group (a policy, a department, a purpose, a protected class) that would change: how many, the categories' directions, a few examples.</summary>
public sealed record SimulationGroup(string Key, long Changed, IReadOnlyDictionary<string, long> Directions, IReadOnlyList<SimulationExample> Examples);

/// <summary>One decision that would change: its ledger index and time, its outcome's direction, and each category that changes.</summary>
public sealed record SimulationExample(
    long LedgerIndex,
    DateTimeOffset Time,
    string Outcome,
    string Department,
    string Purpose,
    IReadOnlyList<string> ProtectedClasses,
    IReadOnlyList<CategoryChange> Changes);

/// <summary>One category of a decision that would change, and the policies that decide it one way and not the other.</summary>
public sealed record CategoryChange(string Category, string Before, string After, IReadOnlyList<string> Policies);
