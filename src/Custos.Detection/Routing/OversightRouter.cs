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
/// queue is the department with the most eligible recipients (ties broken by id); when no one
/// is eligible, the alert goes to <see cref="ExternalQueue"/>, for outside counsel.
/// </summary>
public sealed class OversightRouter(WorldIndex world)
{
    /// <summary>The role formats.md gives the independent office.</summary>
    public const string OversightRole = "oversight";

    /// <summary>The queue of last resort, outside the organisation (outside counsel).</summary>
    public const string ExternalQueue = "external";

    public OversightRoute Route(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Route(alert.Readers);
    }

    public OversightRoute Route(IReadOnlyCollection<string> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var excludedPeople = new HashSet<string>(readers, StringComparer.Ordinal);
        var readerDepartments = new List<string>();
        foreach (var reader in readers)
        {
            excludedPeople.UnionWith(world.ManagementChain(reader));
            if (world.Staff(reader) is { } member)
            {
                readerDepartments.Add(member.Department);
            }
        }

        var eligible = world.World.Staff
            .Where(s => s.Active && s.Roles.Contains(OversightRole, StringComparer.Ordinal))
            .Where(s => !excludedPeople.Contains(s.Id))
            .Where(s => !readerDepartments.Any(d => world.IsWithin(s.Department, d)))
            .ToList();
        if (eligible.Count == 0)
        {
            return new OversightRoute(ExternalQueue, []);
        }
        var queue = eligible
            .GroupBy(s => s.Department, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First();
        return new OversightRoute(queue.Key, [.. queue.Select(s => s.Id).Order(StringComparer.Ordinal)]);
    }
}
