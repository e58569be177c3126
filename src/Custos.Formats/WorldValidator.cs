namespace Custos.Formats;

/// <summary>
/// The rules that make a world hold together: identifiers of the right kind, each defined once,
/// every reference resolving, no cycles in departments or management. Each problem names the
/// field by its JSON path.
/// </summary>
public static class WorldValidator
{
    public static IReadOnlyList<string> Validate(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var problems = new List<string>();

        var categories = Unique(world.Categories, c => c.Id, "categories", problems);
        for (var i = 0; i < world.Categories.Count; i++)
        {
            if (world.Categories[i].Tier < 1)
            {
                problems.Add($"categories[{i}].tier: must be 1 or more, not {world.Categories[i].Tier}");
            }
        }

        var purposes = Unique(world.Purposes, p => p.Id, "purposes", problems);
        for (var i = 0; i < world.Purposes.Count; i++)
        {
            var purpose = world.Purposes[i];
            References(purpose.Categories, categories, $"purposes[{i}].categories", "category", problems);
            for (var j = 0; j < purpose.Raw.Count; j++)
            {
                if (!purpose.Categories.Contains(purpose.Raw[j]))
                {
                    problems.Add($"purposes[{i}].raw[{j}]: '{purpose.Raw[j]}' is not one of the purpose's categories");
                }
            }
        }

        Unique(world.Residency, z => z.Zone, "residency", problems);
        var zoneOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < world.Residency.Count; i++)
        {
            var zone = world.Residency[i];
            for (var j = 0; j < zone.Jurisdictions.Count; j++)
            {
                var jurisdiction = zone.Jurisdictions[j];
                Jurisdiction(jurisdiction, $"residency[{i}].jurisdictions[{j}]", problems);
                if (!zoneOf.TryAdd(jurisdiction, zone.Zone) && zoneOf[jurisdiction] != zone.Zone)
                {
                    problems.Add($"residency[{i}].jurisdictions[{j}]: '{jurisdiction}' is already in zone '{zoneOf[jurisdiction]}'");
                }
            }
        }

        var departments = Unique(world.Departments, d => d.Id, "departments", problems, "dept");
        for (var i = 0; i < world.Departments.Count; i++)
        {
            if (world.Departments[i].Parent is { } parent && !departments.Contains(parent))
            {
                problems.Add($"departments[{i}].parent: '{parent}' is not a department");
            }
        }
        Acyclic(world.Departments, d => d.Id, d => d.Parent, "departments", "parent", problems);

        var staff = Unique(world.Staff, s => s.Id, "staff", problems, "staff");
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < world.Staff.Count; i++)
        {
            var member = world.Staff[i];
            if (!departments.Contains(member.Department))
            {
                problems.Add($"staff[{i}].department: '{member.Department}' is not a department");
            }
            Jurisdiction(member.Jurisdiction, $"staff[{i}].jurisdiction", problems);
            if (member.Manager is { } manager && !staff.Contains(manager))
            {
                problems.Add($"staff[{i}].manager: '{manager}' is not a staff member");
            }
            if (member.Account is { } account)
            {
                Identifier(account, "user", $"staff[{i}].account", problems);
                if (!accounts.Add(account))
                {
                    problems.Add($"staff[{i}].account: '{account}' is already another staff member's account");
                }
            }
        }
        Acyclic(world.Staff, s => s.Id, s => s.Manager, "staff", "manager", problems);

        Unique(world.Subjects, s => s.Id, "subjects", problems, "user");
        for (var i = 0; i < world.Subjects.Count; i++)
        {
            Jurisdiction(world.Subjects[i].Jurisdiction, $"subjects[{i}].jurisdiction", problems);
            for (var j = 0; j < world.Subjects[i].Protected.Count; j++)
            {
                if (string.IsNullOrWhiteSpace(world.Subjects[i].Protected[j]))
                {
                    problems.Add($"subjects[{i}].protected[{j}]: must name a protected class");
                }
            }
        }

        for (var i = 0; i < world.Relationships.Count; i++)
        {
            var relationship = world.Relationships[i];
            Identifier(relationship.From, "user", $"relationships[{i}].from", problems);
            Identifier(relationship.To, "user", $"relationships[{i}].to", problems);
            if (string.IsNullOrWhiteSpace(relationship.Kind))
            {
                problems.Add($"relationships[{i}].kind: must name the kind of relationship");
            }
        }

        Unique(world.Cases, c => c.Id, "cases", problems, "case");
        for (var i = 0; i < world.Cases.Count; i++)
        {
            var @case = world.Cases[i];
            if (!purposes.Contains(@case.Purpose))
            {
                problems.Add($"cases[{i}].purpose: '{@case.Purpose}' is not a purpose");
            }
            if (!staff.Contains(@case.Owner))
            {
                problems.Add($"cases[{i}].owner: '{@case.Owner}' is not a staff member");
            }
            References(@case.Members, staff, $"cases[{i}].members", "staff member", problems);
            for (var j = 0; j < @case.Subjects.Count; j++)
            {
                Identifier(@case.Subjects[j], "user", $"cases[{i}].subjects[{j}]", problems);
            }
            // A case may be opened by a system (system:helpdesk) as well as by a person.
            if (@case.OpenedBy is { } openedBy && (openedBy.IndexOf(':', StringComparison.Ordinal) is <= 0 || openedBy.EndsWith(':')))
            {
                problems.Add($"cases[{i}].opened_by: '{openedBy}' is not an identifier of the form kind:id");
            }
            if (@case.Closed is { } closed && closed < @case.Opened)
            {
                problems.Add($"cases[{i}].closed: {closed:O} is before the case was opened");
            }
        }

        return problems;
    }

    private static HashSet<string> Unique<T>(IReadOnlyList<T> items, Func<T, string> id, string collection, List<string> problems, string? kind = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var value = id(items[i]);
            if (kind is not null)
            {
                Identifier(value, kind, $"{collection}[{i}].id", problems);
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{collection}[{i}]: the identifier is empty");
            }
            if (!seen.Add(value))
            {
                problems.Add($"{collection}[{i}]: '{value}' is defined twice");
            }
        }
        return seen;
    }

    private static void References(IReadOnlyList<string> values, HashSet<string> defined, string path, string what, List<string> problems)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!defined.Contains(values[i]))
            {
                problems.Add($"{path}[{i}]: '{values[i]}' is not a {what}");
            }
        }
    }

    /// <summary>Identifiers are <c>kind:id</c> (formats.md): <c>staff:alice</c>, <c>user:10042</c>.</summary>
    private static void Identifier(string value, string kind, string path, List<string> problems)
    {
        if (!value.StartsWith(kind + ":", StringComparison.Ordinal) || value.Length == kind.Length + 1)
        {
            problems.Add($"{path}: '{value}' is not an identifier of the form {kind}:<id>");
        }
    }

    /// <summary>ISO 3166-1 alpha-2: two capital letters.</summary>
    private static void Jurisdiction(string value, string path, List<string> problems)
    {
        if (value.Length != 2 || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1]))
        {
            problems.Add($"{path}: '{value}' is not an ISO 3166-1 alpha-2 code such as US or IE");
        }
    }

    private static void Acyclic<T>(IReadOnlyList<T> items, Func<T, string> id, Func<T, string?> next, string collection, string field, List<string> problems)
    {
        var parentOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            parentOf.TryAdd(id(item), next(item));
        }
        for (var i = 0; i < items.Count; i++)
        {
            var start = id(items[i]);
            var seen = new HashSet<string>(StringComparer.Ordinal) { start };
            for (var current = next(items[i]); current is not null && parentOf.TryGetValue(current, out var up); current = up)
            {
                if (!seen.Add(current))
                {
                    if (current == start)
                    {
                        problems.Add($"{collection}[{i}].{field}: '{start}' is its own {field}, through {string.Join(" → ", seen.Skip(1))}");
                    }
                    break;
                }
            }
        }
    }
}
