using Custos.Formats;

namespace Custos.Detection.Routing;

/// <summary>Where an alert goes: a queue named for a department, and the people who work it.</summary>
/// <param name="Queue">The oversight department whose queue receives it, or <see cref="OversightRouter.ExternalQueue"/>.</param>
/// <param name="Recipients">Staff with the <c>oversight</c> role in that department who may see it.</param>
public sealed record OversightRoute(string Queue, IReadOnlyList<string> Recipients);

/// <summary>
/// Routes an alert to independent oversight (design, section 7; the section 1 lesson that "the
/// watchers were the abusers"). Eligible recipients are active staff with the
/// <c>oversight</c> role who are not among the alert's readers, are not in any reader's
/// department or a department below it, and are not in any reader's management chain. The
/// queue is the department with the most eligible recipients (ties broken by id) — or, when
/// the deployment names its oversight queues, the first of those with an eligible recipient;
/// when no one is eligible, the alert goes to <see cref="ExternalQueue"/>, for outside counsel.
/// </summary>
public sealed class OversightRouter
{
    /// <summary>The queue of last resort, outside the organisation (outside counsel).</summary>
    public const string ExternalQueue = "external";

    private readonly WorldIndex _world;
    private readonly IReadOnlyList<string> _queues;

    /// <param name="world">The world whose staff, departments and managers decide independence.</param>
    /// <param name="queues">
    /// The departments that serve as oversight queues, in order of preference. Empty (the
    /// default): any department holding oversight staff, the one with the most eligible first.
    /// </param>
    public OversightRouter(WorldIndex world, IReadOnlyList<string>? queues = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        _queues = queues ?? [];
    }

    public OversightRoute Route(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Route(alert.Readers);
    }

    public OversightRoute Route(IReadOnlyCollection<string> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var suspicion = new Suspicion(_world, readers);
        var eligible = _world.World.Staff
            .Where(s => IsOversight(s) && suspicion.Clears(s))
            .ToList();

        if (_queues.Count > 0)
        {
            foreach (var queue in _queues)
            {
                var members = eligible.Where(s => s.Department == queue).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
                if (members.Count > 0)
                {
                    return new OversightRoute(queue, members);
                }
            }
            return new OversightRoute(ExternalQueue, []);
        }

        if (eligible.Count == 0)
        {
            return new OversightRoute(ExternalQueue, []);
        }
        var largest = eligible
            .GroupBy(s => s.Department, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First();
        return new OversightRoute(largest.Key, [.. largest.Select(s => s.Id).Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Whether <paramref name="staff"/> may see an alert about <paramref name="readers"/>: an
    /// active member of oversight who is not a reader, not in a reader's department or below
    /// it, and not in a reader's management chain. The API asks it again at read time, against
    /// the world as it is then, so that a transfer or a new manager takes effect at once.
    /// </summary>
    public bool IsEligible(string staff, IReadOnlyCollection<string> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        return _world.Staff(staff) is { } member && IsOversight(member) && new Suspicion(_world, readers).Clears(member);
    }

    /// <summary>
    /// Whether <paramref name="person"/> (anyone: outside counsel need not be staff) stands
    /// outside an alert about <paramref name="readers"/>: not a reader, not in a reader's
    /// management chain, and — if staff — not in a reader's department or below it.
    /// </summary>
    public bool IsIndependentOf(string person, IReadOnlyCollection<string> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var suspicion = new Suspicion(_world, readers);
        return _world.Staff(person) is { } member ? suspicion.Clears(member) : !suspicion.Names(person);
    }

    private static bool IsOversight(StaffMember member) =>
        member.Active && member.Roles.Contains(Roles.Oversight, StringComparer.Ordinal);

    /// <summary>The people and departments an alert about <c>readers</c> must not reach.</summary>
    private readonly struct Suspicion
    {
        private readonly WorldIndex _world;
        private readonly HashSet<string> _people;
        private readonly List<string> _departments;

        public Suspicion(WorldIndex world, IReadOnlyCollection<string> readers)
        {
            _world = world;
            _people = new HashSet<string>(readers, StringComparer.Ordinal);
            _departments = [];
            foreach (var reader in readers)
            {
                _people.UnionWith(world.ManagementChain(reader));
                if (world.Staff(reader) is { } member)
                {
                    _departments.Add(member.Department);
                }
            }
        }

        public bool Names(string person) => _people.Contains(person);

        public bool Clears(StaffMember member)
        {
            if (_people.Contains(member.Id))
            {
                return false;
            }
            foreach (var department in _departments)
            {
                if (_world.IsWithin(member.Department, department))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
