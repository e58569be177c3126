using Custos.Formats;

namespace Custos.Detection.Detectors;

/// <summary>Thresholds of <see cref="ApprovalCollusionDetector"/>.</summary>
public sealed record ApprovalCollusionOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Window { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Approvals each way, within the window, that make a pair approve each other.</summary>
    public int MinEachWay { get; init; } = 2;

    /// <summary>Approvals each way that make the finding high severity.</summary>
    public int HighEachWay { get; init; } = 4;
}

/// <summary>
/// Two people who approve each other's access requests: multi-party approval (invariant 4)
/// reduced to a rubber stamp by a pair taking turns. Attempts the rules refused count as
/// approvals here: where rings are forbidden, trying to return the favour is the tell.
/// </summary>
public sealed class ApprovalCollusionDetector(ApprovalCollusionOptions options) : IDetector, IApprovalDetector
{
    public const string DetectorName = DetectorNames.ApprovalCollusion;

    // Keyed by the unordered pair; each side's approvals of the other, oldest first.
    private readonly Dictionary<(string, string), PairState> _pairs = [];

    public string Name => DetectorName;

    public int StateSize => _pairs.Count + _pairs.Values.Sum(p => p.Forward.Count + p.Backward.Count);

    public void Observe(Observation observation, ICollection<Finding> findings)
    {
        // Reads say nothing about approvals.
    }

    public void Observe(Approval approval, ICollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(findings);
        if (approval.Approver == approval.Requester)
        {
            return; // self-approval is refused by the pipeline (invariant 4), not a pattern to learn
        }
        var forward = string.CompareOrdinal(approval.Approver, approval.Requester) < 0;
        var key = forward ? (approval.Approver, approval.Requester) : (approval.Requester, approval.Approver);
        if (!_pairs.TryGetValue(key, out var pair))
        {
            _pairs[key] = pair = new PairState();
        }
        (forward ? pair.Forward : pair.Backward).Enqueue(approval);
        pair.Trim(approval.Time - options.Window);

        var each = Math.Min(pair.Forward.Count, pair.Backward.Count);
        if (each < options.MinEachWay || approval.Time < pair.FiredUntil)
        {
            return;
        }
        var all = pair.Forward.Concat(pair.Backward).OrderBy(a => a.Time).ToList();
        var refused = all.Count(a => a.Refused);
        findings.Add(new Finding
        {
            Detector = Name,
            Severity = each >= options.HighEachWay ? Severity.High : Severity.Medium,
            RaisedAt = approval.Time,
            Readers = [key.Item1, key.Item2],
            Subjects = [.. all.SelectMany(a => a.Subjects).Distinct(StringComparer.Ordinal)],
            Evidence = [.. all.Select(a => a.Id)],
            Reason = refused == 0
                ? $"{key.Item1} and {key.Item2} approved each other's access requests ({pair.Forward.Count} and {pair.Backward.Count} times) within {Text.Duration(options.Window)}."
                : $"{key.Item1} and {key.Item2} approved, or tried to approve, each other's access requests ({pair.Forward.Count} and {pair.Backward.Count} times, {refused} of them refused by the rules) within {Text.Duration(options.Window)}.",
        });
        pair.FiredUntil = approval.Time + options.Window;
    }

    public void Evict(DateTimeOffset now)
    {
        foreach (var (key, pair) in _pairs)
        {
            pair.Trim(now - options.Window);
            if (pair.Forward.Count == 0 && pair.Backward.Count == 0)
            {
                _pairs.Remove(key);
            }
        }
    }

    private sealed class PairState
    {
        public Queue<Approval> Forward { get; } = new();

        public Queue<Approval> Backward { get; } = new();

        public DateTimeOffset FiredUntil { get; set; } = DateTimeOffset.MinValue;

        public void Trim(DateTimeOffset cutoff)
        {
            while (Forward.Count > 0 && Forward.Peek().Time < cutoff)
            {
                Forward.Dequeue();
            }
            while (Backward.Count > 0 && Backward.Peek().Time < cutoff)
            {
                Backward.Dequeue();
            }
            while (Forward.Count > 64)
            {
                Forward.Dequeue();
            }
            while (Backward.Count > 64)
            {
                Backward.Dequeue();
            }
        }
    }
}
