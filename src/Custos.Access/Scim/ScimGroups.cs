using System.Text;
using System.Text.Json.Nodes;
using Custos.Formats;

namespace Custos.Access.Scim;

/// <summary>
/// SCIM Groups are Custos's departments (formats.md, <c>departments[]</c>): <c>id</c> is the
/// department id (<c>dept:…</c>, made from the displayName when a Group is created),
/// <c>displayName</c> its name, <c>members</c> the staff whose department it is, and the Custos
/// extension's <c>parent</c> the department above it. A staff member is in exactly one
/// department, so adding a member to a Group moves them there from their old one, and a member
/// cannot be removed except by moving them to another Group.
/// </summary>
public static class ScimGroups
{
    public static JsonObject ToJson(Department department, World world, string baseUrl)
    {
        var group = ScimValues.Object();
        group["schemas"] = new JsonArray(ScimSchemas.Group, ScimSchemas.Department);
        group["id"] = department.Id;
        group["displayName"] = department.Name ?? department.Id;
        var members = new JsonArray();
        foreach (var member in world.Staff.Where(s => s.Department == department.Id))
        {
            var reference = ScimValues.Object();
            reference["value"] = member.Id;
            reference["$ref"] = ScimUsers.Location(baseUrl, member.Id);
            reference["type"] = "User";
            members.Add(reference);
        }
        group["members"] = members;
        var extension = ScimValues.Object();
        extension["parent"] = department.Parent;
        group[ScimSchemas.Department] = extension;
        var meta = ScimValues.Object();
        meta["resourceType"] = "Group";
        meta["location"] = Location(baseUrl, department.Id);
        group["meta"] = meta;
        return group;
    }

    public static string Location(string baseUrl, string id) => $"{baseUrl}/Groups/{Uri.EscapeDataString(id)}";

    /// <summary>
    /// The world with a whole Group put in place (POST, or PUT over <paramref name="current"/>).
    /// A PUT without <c>members</c> keeps the members.
    /// </summary>
    public static (World World, string Id) Put(JsonObject body, Department? current, World world)
    {
        ScimValues.RequireSchema(body, ScimSchemas.Group);
        var name = ScimValues.String(body["displayName"], "displayName");
        var id = current?.Id ?? IdFor(name);
        if (current is null && world.Departments.Any(d => d.Id == id))
        {
            throw ScimException.Uniqueness($"a Group {id} exists already");
        }
        var draft = new Draft
        {
            Id = id,
            Name = name,
            Parent = ScimValues.Reference(ScimValues.OptionalObject(body[ScimSchemas.Department], ScimSchemas.Department)?["parent"], "parent"),
            Members = body["members"] is { } members ? Members(members) : current is null ? [] : MembersOf(world, id),
        };
        return (draft.Apply(world, current), id);
    }

    /// <summary>Applies a PATCH's operations, in order.</summary>
    public static World Patch(JsonObject body, Department current, World world)
    {
        var draft = new Draft { Id = current.Id, Name = current.Name ?? current.Id, Parent = current.Parent, Members = MembersOf(world, current.Id) };
        foreach (var (op, path, value) in ScimValues.Operations(body))
        {
            if (path is null)
            {
                ScimValues.Unfold(op, value, ScimSchemas.GroupExtensions, (target, v) => Apply(draft, op, target, v));
            }
            else
            {
                Apply(draft, op, PatchPath.Parse(path), value);
            }
        }
        return draft.Apply(world, current);
    }

    /// <summary>The world without the department; refused while people or departments are in it.</summary>
    public static World Delete(Department department, World world)
    {
        var members = MembersOf(world, department.Id);
        if (members.Count > 0)
        {
            throw ScimException.Conflict($"{department.Id} still has {members.Count} member(s) ({string.Join(", ", members.Take(5))}); move them to another Group first");
        }
        var children = world.Departments.Where(d => d.Parent == department.Id).Select(d => d.Id).ToList();
        if (children.Count > 0)
        {
            throw ScimException.Conflict($"{department.Id} is the parent of {string.Join(", ", children)}; give them another parent first");
        }
        return world with { Departments = [.. world.Departments.Where(d => d.Id != department.Id)] };
    }

    /// <summary><c>dept:</c> and the displayName in lower case, runs of anything but letters and digits made one '-'.</summary>
    public static string IdFor(string displayName)
    {
        var slug = new StringBuilder();
        foreach (var c in displayName.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString().TrimEnd('-');
        return text.Length > 0 ? "dept:" + text : throw ScimException.InvalidValue($"displayName '{displayName}' has no letters or digits to make the Group's id of");
    }

    private static void Apply(Draft draft, string op, PatchPath target, JsonNode? value)
    {
        var path = target.Path;
        var remove = op == "remove";
        if (path.Is(null, "displayName"))
        {
            draft.Name = remove ? throw ScimException.InvalidValue("a Group always has a displayName") : ScimValues.String(value, "displayName");
        }
        else if (path.Is(null, "members"))
        {
            var named = target.Filter is not null
                ? [.. draft.Members.Where(m => target.Filter.Matches(new JsonObject(ScimSchemas.NodeOptions) { ["value"] = m }))]
                : Members(value);
            draft.Members = op switch
            {
                "add" => [.. draft.Members.Union(named, StringComparer.Ordinal)],
                "replace" when target.Filter is null => named,
                "replace" => throw ScimException.InvalidPath("replace members as a whole, or add and remove them"),
                // A remove without a filter or a value removes them all. Removing someone who is
                // not (or no longer) a member changes nothing: moving a person between Groups is
                // often sent as "add to the new one" then "remove from the old one".
                _ => target.Filter is null && value is null ? [] : [.. draft.Members.Except(named, StringComparer.Ordinal)],
            };
        }
        else if (path.Is(ScimSchemas.Department, "parent"))
        {
            draft.Parent = remove ? null : ScimValues.Reference(value, "parent");
        }
        else if (path.Schema is not null)
        {
            throw ScimException.InvalidPath(string.Equals(path.Schema, ScimSchemas.Department, StringComparison.OrdinalIgnoreCase)
                ? $"{ScimSchemas.Department} has no attribute '{path.Attribute}' (it has parent)"
                : $"'{path.Schema}' is not a schema of Groups here");
        }
        // Other attributes (externalId, …) are accepted and not kept.
    }

    private static List<string> Members(JsonNode? value)
    {
        if (value is JsonArray array && array.OfType<JsonObject>().FirstOrDefault(m => m["type"] is { } type && !string.Equals(ScimValues.String(type, "members.type"), "User", StringComparison.OrdinalIgnoreCase)) is { } nested)
        {
            throw ScimException.InvalidValue($"members are Users; a department's parent is {ScimSchemas.Department}:parent (not {nested["value"]} as a member)");
        }
        return ScimValues.Values(value, "members");
    }

    private static List<string> MembersOf(World world, string id) => [.. world.Staff.Where(s => s.Department == id).Select(s => s.Id)];

    private sealed class Draft
    {
        public required string Id { get; init; }

        public required string Name { get; set; }

        public string? Parent { get; set; }

        public List<string> Members { get; set; } = [];

        public World Apply(World world, Department? current)
        {
            if (world.Departments.FirstOrDefault(d => d.Id != Id && string.Equals(d.Name, Name, StringComparison.OrdinalIgnoreCase)) is { } same)
            {
                throw ScimException.Uniqueness($"{same.Id} is already called '{Name}'");
            }
            var known = world.Staff.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            if (Members.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
            {
                throw ScimException.InvalidValue($"member '{unknown}' is not a User");
            }
            var leaving = world.Staff.Where(s => s.Department == Id && !Members.Contains(s.Id)).Select(s => s.Id).ToList();
            if (leaving.Count > 0)
            {
                throw ScimException.InvalidValue(
                    $"{string.Join(", ", leaving)} would be left without a department: a staff member is in exactly one Group; add them to their new Group, which moves them");
            }

            var department = new Department { Id = Id, Name = Name, Parent = Parent };
            var members = Members.ToHashSet(StringComparer.Ordinal);
            return world with
            {
                Departments = current is null ? [.. world.Departments, department] : [.. world.Departments.Select(d => d.Id == Id ? department : d)],
                Staff = [.. world.Staff.Select(s => members.Contains(s.Id) && s.Department != Id ? s with { Department = Id } : s)],
            };
        }
    }
}
