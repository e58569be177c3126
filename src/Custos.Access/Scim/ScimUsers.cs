using System.Text.Json.Nodes;
using Custos.Formats;

namespace Custos.Access.Scim;

/// <summary>
/// SCIM Users are Custos's staff (formats.md, <c>staff[]</c>). The mapping (docs/scim.md):
/// <list type="bullet">
/// <item><c>id</c> and <c>userName</c>: the staff id, <c>staff:…</c>; it never changes (the ledger refers to it).</item>
/// <item><c>active</c>: <c>active</c>; false deprovisions (a deactivation revocation), true again lifts it.</item>
/// <item><c>roles[].value</c>: <c>roles</c>.</item>
/// <item>enterprise <c>department</c>: <c>department</c>, by the Group's id (<c>dept:…</c>) or its displayName;
/// enterprise <c>manager.value</c>: <c>manager</c>.</item>
/// <item>Custos <c>jurisdiction</c> (else the primary address's <c>country</c>) and <c>account</c>.</item>
/// </list>
/// Other attributes (name, emails, externalId, …) are accepted and not kept: Custos holds no more
/// about its staff than its decisions need.
/// </summary>
public static class ScimUsers
{
    public static JsonObject ToJson(StaffMember member, string baseUrl)
    {
        var user = ScimValues.Object();
        user["schemas"] = new JsonArray(ScimSchemas.User, ScimSchemas.EnterpriseUser, ScimSchemas.Staff);
        user["id"] = member.Id;
        user["userName"] = member.Id;
        user["active"] = member.Active;
        var roles = new JsonArray();
        foreach (var role in member.Roles)
        {
            var value = ScimValues.Object();
            value["value"] = role;
            roles.Add(value);
        }
        user["roles"] = roles;

        var enterprise = ScimValues.Object();
        enterprise["department"] = member.Department;
        if (member.Manager is { } manager)
        {
            var reference = ScimValues.Object();
            reference["value"] = manager;
            reference["$ref"] = Location(baseUrl, manager);
            enterprise["manager"] = reference;
        }
        user[ScimSchemas.EnterpriseUser] = enterprise;

        var staff = ScimValues.Object();
        staff["jurisdiction"] = member.Jurisdiction;
        staff["account"] = member.Account;
        user[ScimSchemas.Staff] = staff;

        var meta = ScimValues.Object();
        meta["resourceType"] = "User";
        meta["location"] = Location(baseUrl, member.Id);
        user["meta"] = meta;
        return user;
    }

    public static string Location(string baseUrl, string id) => $"{baseUrl}/Users/{Uri.EscapeDataString(id)}";

    /// <summary>
    /// A staff member from a whole User (POST, or PUT over <paramref name="current"/>). Omitted
    /// roles, manager and account are cleared by a PUT; an omitted <c>active</c> keeps its value
    /// (a PUT that forgot it must not reactivate someone deprovisioned).
    /// </summary>
    public static StaffMember FromResource(JsonObject body, StaffMember? current, World world)
    {
        ScimValues.RequireSchema(body, ScimSchemas.User);
        var userName = ScimValues.String(body["userName"], "userName");
        CheckUserName(userName);
        if (current is not null && !string.Equals(userName, current.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw ScimException.Mutability($"userName is the staff id and cannot change from {current.Id} to {userName}");
        }
        var draft = new Draft
        {
            Id = current?.Id ?? userName,
            Active = body["active"] is { } active ? ScimValues.Boolean(active, "active") : current?.Active ?? true,
            Roles = ScimValues.Values(body["roles"], "roles"),
        };
        var enterprise = ScimValues.OptionalObject(body[ScimSchemas.EnterpriseUser], ScimSchemas.EnterpriseUser);
        draft.Department = enterprise?["department"] is { } department ? Department(ScimValues.String(department, "department"), world) : null;
        draft.Manager = ScimValues.Reference(enterprise?["manager"], "manager");
        var staff = ScimValues.OptionalObject(body[ScimSchemas.Staff], ScimSchemas.Staff);
        draft.Jurisdiction = ScimValues.OptionalString(staff?["jurisdiction"], "jurisdiction") ?? Country(body["addresses"]);
        draft.Account = ScimValues.OptionalString(staff?["account"], "account");
        return draft.ToStaff();
    }

    /// <summary>Applies a PATCH's operations, in order, to <paramref name="current"/>.</summary>
    public static StaffMember Patch(JsonObject body, StaffMember current, World world)
    {
        var draft = Draft.From(current);
        foreach (var (op, path, value) in ScimValues.Operations(body))
        {
            if (path is null)
            {
                ScimValues.Unfold(op, value, ScimSchemas.UserExtensions, (target, v) => Apply(draft, op, target, v, world));
            }
            else if (ScimSchemas.UserExtensions.FirstOrDefault(e => string.Equals(e, path, StringComparison.OrdinalIgnoreCase)) is { } extension)
            {
                // The whole extension as the target: its attributes one by one.
                foreach (var (name, v) in op == "remove" ? throw ScimException.InvalidValue($"{extension} cannot be removed") : ScimValues.OptionalObject(value, extension) ?? ScimValues.Object())
                {
                    Apply(draft, op, new PatchPath(new AttrPath(extension, name, null), null, null), v, world);
                }
            }
            else
            {
                Apply(draft, op, PatchPath.Parse(path), value, world);
            }
        }
        return draft.ToStaff();
    }

    private static void Apply(Draft draft, string op, PatchPath target, JsonNode? value, World world)
    {
        var path = target.Path;
        var remove = op == "remove";
        if (path.Is(null, "userName"))
        {
            if (remove || !string.Equals(ScimValues.String(value, "userName"), draft.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw ScimException.Mutability($"userName is the staff id {draft.Id} and cannot change");
            }
        }
        else if (path.Is(null, "active"))
        {
            draft.Active = remove ? throw ScimException.Mutability("active cannot be removed; set it to false to deprovision") : ScimValues.Boolean(value, "active");
        }
        else if (path.Is(null, "roles"))
        {
            PatchRoles(draft, op, target, value);
        }
        else if (path.Is(ScimSchemas.EnterpriseUser, "department"))
        {
            draft.Department = remove
                ? throw ScimException.InvalidValue("a staff member always has a department; replace it instead")
                : Department(ScimValues.String(value, "department"), world);
        }
        else if (path.Is(ScimSchemas.EnterpriseUser, "manager"))
        {
            draft.Manager = remove ? null : path.SubAttribute is null or "value" ? ScimValues.Reference(value, "manager") : throw ScimException.InvalidPath($"{path} is not kept");
        }
        else if (path.Is(ScimSchemas.Staff, "jurisdiction"))
        {
            draft.Jurisdiction = remove ? throw ScimException.InvalidValue("a staff member always has a jurisdiction; replace it instead") : ScimValues.String(value, "jurisdiction");
        }
        else if (path.Is(ScimSchemas.Staff, "account"))
        {
            draft.Account = remove ? null : ScimValues.OptionalString(value, "account");
        }
        else if (path.Is(null, "addresses"))
        {
            // The address's country is the staff member's jurisdiction; the rest of it is not kept.
            var country = path.SubAttribute ?? target.ValueSubAttribute;
            if (!remove && string.Equals(country, "country", StringComparison.OrdinalIgnoreCase))
            {
                draft.Jurisdiction = ScimValues.String(value, "country");
            }
            else if (!remove && country is null && Country(value) is { } whole)
            {
                draft.Jurisdiction = whole;
            }
        }
        else if (path.Schema is not null && !string.Equals(path.Schema, ScimSchemas.EnterpriseUser, StringComparison.OrdinalIgnoreCase))
        {
            throw ScimException.InvalidPath(string.Equals(path.Schema, ScimSchemas.Staff, StringComparison.OrdinalIgnoreCase)
                ? $"{ScimSchemas.Staff} has no attribute '{path.Attribute}' (it has jurisdiction and account)"
                : $"'{path.Schema}' is not a schema of Users here");
        }
        // Any other attribute (name, emails, displayName, externalId, the enterprise extension's
        // employeeNumber, …) is accepted and not kept.
    }

    private static void PatchRoles(Draft draft, string op, PatchPath target, JsonNode? value)
    {
        if (target.Filter is null)
        {
            if (target.Path.SubAttribute is not null)
            {
                throw ScimException.InvalidPath($"'{target.Path}': name the roles to change with a filter, roles[value eq \"…\"]");
            }
            var values = ScimValues.Values(value, "roles");
            draft.Roles = op switch
            {
                "add" => [.. draft.Roles.Union(values, StringComparer.Ordinal)],
                "replace" => values,
                _ => value is null ? [] : [.. draft.Roles.Except(values, StringComparer.Ordinal)],
            };
            return;
        }
        var matched = draft.Roles.Where(r => target.Filter.Matches(new JsonObject(ScimSchemas.NodeOptions) { ["value"] = r })).ToList();
        if (matched.Count == 0)
        {
            throw ScimException.NoTarget($"no role matches '{target}'");
        }
        switch (op)
        {
            case "remove":
                draft.Roles = [.. draft.Roles.Except(matched, StringComparer.Ordinal)];
                break;
            case "replace":
                var replacement = target.ValueSubAttribute is not null
                    ? [ScimValues.String(value, "roles.value")]
                    : ScimValues.Values(value, "roles");
                draft.Roles = [.. draft.Roles.Except(matched, StringComparer.Ordinal).Union(replacement, StringComparer.Ordinal)];
                break;
            default:
                throw ScimException.InvalidPath("add takes the roles' attribute as its path, not a filter");
        }
    }

    /// <summary>A department by its id, or by its name when exactly one department has it (the enterprise extension's department is often a name).</summary>
    private static string Department(string value, World world)
    {
        if (world.Departments.Any(d => d.Id == value))
        {
            return value;
        }
        var named = world.Departments.Where(d => string.Equals(d.Name, value, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => named[0].Id,
            0 => throw ScimException.InvalidValue($"department '{value}' is neither the id nor the displayName of a Group"),
            _ => throw ScimException.InvalidValue($"department '{value}' names {named.Count} Groups; give its id"),
        };
    }

    /// <summary>The country of the primary address, or of the first address that has one.</summary>
    private static string? Country(JsonNode? addresses)
    {
        var list = addresses switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject one => [one],
            _ => [],
        };
        var withCountry = list.Where(a => a["country"] is not null).ToList();
        var chosen = withCountry.FirstOrDefault(a => a["primary"] is { } primary && ScimValues.Boolean(primary, "addresses.primary")) ?? withCountry.FirstOrDefault();
        return chosen is null ? null : ScimValues.String(chosen["country"], "addresses.country");
    }

    private static void CheckUserName(string userName)
    {
        if (!userName.StartsWith("staff:", StringComparison.Ordinal) || userName.Length == "staff:".Length || userName.Any(char.IsWhiteSpace))
        {
            throw ScimException.InvalidValue($"userName is the staff id, staff:<id> without spaces, not '{userName}' (map it so in the identity provider)");
        }
    }

    private sealed class Draft
    {
        public required string Id { get; init; }

        public bool Active { get; set; }

        public List<string> Roles { get; set; } = [];

        public string? Department { get; set; }

        public string? Manager { get; set; }

        public string? Jurisdiction { get; set; }

        public string? Account { get; set; }

        public static Draft From(StaffMember member) => new()
        {
            Id = member.Id,
            Active = member.Active,
            Roles = [.. member.Roles],
            Department = member.Department,
            Manager = member.Manager,
            Jurisdiction = member.Jurisdiction,
            Account = member.Account,
        };

        public StaffMember ToStaff() => new()
        {
            Id = Id,
            Active = Active,
            Roles = Roles,
            Department = Department ?? throw ScimException.InvalidValue($"a staff member has a department: {ScimSchemas.EnterpriseUser}:department"),
            Manager = Manager,
            // ISO 3166-1 codes are case-insensitive; the world writes them in capitals.
            Jurisdiction = Jurisdiction?.ToUpperInvariant()
                ?? throw ScimException.InvalidValue($"a staff member has a jurisdiction: {ScimSchemas.Staff}:jurisdiction, or an address's country"),
            Account = Account,
        };
    }
}
