using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access.Decisions;
using Custos.Access.Provisioning;
using Custos.Access.Scim;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.Server.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Custos.Server.Scim;

/// <summary>
/// SCIM 2.0 (RFC 7643, RFC 7644) under <c>/scim/v2</c>, for an identity provider to keep staff
/// (Users) and departments (Groups) current. Every change makes a new world, checked and
/// activated through the ledger (<see cref="StaffProvisioning"/>); deprovisioning revokes.
/// Only the identities named in <c>Scim:Provisioners</c> may call it (docs/scim.md).
/// </summary>
internal static class ScimEndpoints
{
    public const string Prefix = "/scim/v2";

    public static IEndpointRouteBuilder MapScimEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var scim = endpoints.MapGroup(Prefix).WithTags("SCIM").ExcludeFromDescription().AddEndpointFilter(GuardAsync);

        scim.MapGet("/ServiceProviderConfig", ServiceProviderConfig);
        scim.MapGet("/ResourceTypes", ResourceTypes);
        scim.MapGet("/Schemas", Schemas);

        scim.MapGet("/Users", ListUsers);
        scim.MapPost("/Users", CreateUserAsync);
        scim.MapGet("/Users/{id}", GetUser);
        scim.MapPut("/Users/{id}", ReplaceUserAsync);
        scim.MapPatch("/Users/{id}", PatchUserAsync);
        scim.MapDelete("/Users/{id}", DeleteUserAsync);

        scim.MapGet("/Groups", ListGroups);
        scim.MapPost("/Groups", CreateGroupAsync);
        scim.MapGet("/Groups/{id}", GetGroup);
        scim.MapPut("/Groups/{id}", ReplaceGroupAsync);
        scim.MapPatch("/Groups/{id}", PatchGroupAsync);
        scim.MapDelete("/Groups/{id}", DeleteGroupAsync);

        // Anything else under the prefix is a SCIM 404, not the API's problem+json.
        scim.Map("/{**rest}", (HttpContext http, string? rest) =>
            ScimResults.Error(StatusCodes.Status404NotFound, null, $"there is no SCIM endpoint {http.Request.Method} {Prefix}/{rest}"));
        return endpoints;
    }

    /// <summary>
    /// Every SCIM call: the caller must be a provisioner (401 without a valid token, 403 for
    /// anyone else).
    /// </summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            // The scheme keeps its result for the request, so this does not check the token again.
            var failure = (await http.AuthenticateAsync()).Failure;
            var reason = http.RequestServices.GetRequiredService<TokenChecks>().Reason(failure, http.Request.Headers.Authorization.Count > 0);
            return ScimResults.Error(StatusCodes.Status401Unauthorized, null, $"SCIM needs a bearer token of a provisioner. {reason}");
        }
        var caller = Caller.Of(http).Id;
        var provisioners = http.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.ProvisionerSet;
        if (caller is null || !provisioners.Contains(caller))
        {
            return ScimResults.Error(StatusCodes.Status403Forbidden, null,
                $"{caller ?? "the caller"} may not provision staff: SCIM is for the identity provider ({(provisioners.Count > 0 ? string.Join(", ", provisioners) : "none is configured")}; Scim:Provisioners)");
        }
        // Refusals raised by the handlers are answered in SCIM's error schema by ExceptionProblems.
        return await next(context);
    }

    private static IResult ListUsers(HttpContext http, AccessStateHolder state)
    {
        var world = state.Current.Directory.World;
        var baseUrl = BaseUrl(http);
        return List(http, world.Staff.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => ScimUsers.ToJson(s, baseUrl)));
    }

    private static IResult GetUser(string id, HttpContext http, AccessStateHolder state) =>
        ScimResults.Json(Project(http, ScimUsers.ToJson(FindUser(state.Current.Directory.World, id), BaseUrl(http))));

    private static async Task<IResult> CreateUserAsync(HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        var outcome = await provisioning.ChangeAsync(Provisioner(http), $"scim POST /Users {Peek(body, "userName")}", world =>
        {
            var member = ScimUsers.FromResource(body, null, world);
            if (world.Staff.FirstOrDefault(s => string.Equals(s.Id, member.Id, StringComparison.OrdinalIgnoreCase)) is { } existing)
            {
                throw ScimException.Uniqueness($"a User {existing.Id} exists already");
            }
            return new StaffProvisioning.Change<string>(world with { Staff = [.. world.Staff, member] }, member.Id);
        }, cancellation);
        var baseUrl = BaseUrl(http);
        return ScimResults.Json(ScimUsers.ToJson(FindUser(outcome.World, outcome.Result), baseUrl), StatusCodes.Status201Created, ScimUsers.Location(baseUrl, outcome.Result));
    }

    private static async Task<IResult> ReplaceUserAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        return await ChangeUserAsync(http, provisioning, "PUT", id, (member, world) => ScimUsers.FromResource(body, member, world), cancellation);
    }

    private static async Task<IResult> PatchUserAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        return await ChangeUserAsync(http, provisioning, "PATCH", id, (member, world) => ScimUsers.Patch(body, member, world), cancellation);
    }

    private static async Task<IResult> ChangeUserAsync(
        HttpContext http, StaffProvisioning provisioning, string method, string id, Func<StaffMember, World, StaffMember> change, CancellationToken cancellation)
    {
        var outcome = await provisioning.ChangeAsync(Provisioner(http), $"scim {method} /Users/{id}", world =>
        {
            var member = FindUser(world, id);
            var next = change(member, world);
            return new StaffProvisioning.Change<string>(world with { Staff = [.. world.Staff.Select(s => s.Id == member.Id ? next : s)] }, member.Id, [member.Id]);
        }, cancellation);
        return ScimResults.Json(ScimUsers.ToJson(FindUser(outcome.World, outcome.Result), BaseUrl(http)));
    }

    /// <summary>
    /// Removes a staff member from the world: whoever they managed now reports to their manager,
    /// and they leave the cases they were a member of. They are deprovisioned first. Someone who
    /// owns a case cannot leave the world (the case needs its owner): they are deactivated
    /// instead — deprovisioning never fails open — and the answer is 409 saying so.
    /// </summary>
    private static async Task<IResult> DeleteUserAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var outcome = await provisioning.ChangeAsync(Provisioner(http), $"scim DELETE /Users/{id}", world =>
        {
            var member = FindUser(world, id);
            var owned = world.Cases.Where(c => c.Owner == member.Id).Select(c => c.Id).ToList();
            if (owned.Count > 0)
            {
                return new StaffProvisioning.Change<(string, List<string>)>(
                    world with { Staff = [.. world.Staff.Select(s => s.Id == member.Id ? s with { Active = false } : s)] }, (member.Id, owned));
            }
            return new StaffProvisioning.Change<(string, List<string>)>(world with
            {
                Staff = [.. world.Staff.Where(s => s.Id != member.Id).Select(s => s.Manager == member.Id ? s with { Manager = member.Manager } : s)],
                Cases = [.. world.Cases.Select(c => c.Members.Contains(member.Id) ? c with { Members = [.. c.Members.Where(m => m != member.Id)] } : c)],
            }, (member.Id, owned));
        }, cancellation);
        var (staffId, ownedCases) = outcome.Result;
        if (ownedCases.Count > 0)
        {
            return ScimResults.Error(StatusCodes.Status409Conflict, null,
                $"{staffId} owns {string.Join(", ", ownedCases)} and stays in the world until the case has another owner; they have been deactivated (active false) and their access cut");
        }
        return Results.NoContent();
    }

    private static IResult ListGroups(HttpContext http, AccessStateHolder state)
    {
        var world = state.Current.Directory.World;
        var baseUrl = BaseUrl(http);
        return List(http, world.Departments.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => ScimGroups.ToJson(d, world, baseUrl)));
    }

    private static IResult GetGroup(string id, HttpContext http, AccessStateHolder state)
    {
        var world = state.Current.Directory.World;
        return ScimResults.Json(Project(http, ScimGroups.ToJson(FindGroup(world, id), world, BaseUrl(http))));
    }

    private static async Task<IResult> CreateGroupAsync(HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        var outcome = await provisioning.ChangeAsync(Provisioner(http), $"scim POST /Groups {Peek(body, "displayName")}", world =>
        {
            var (next, id) = ScimGroups.Put(body, null, world);
            return new StaffProvisioning.Change<string>(next, id);
        }, cancellation);
        var baseUrl = BaseUrl(http);
        return ScimResults.Json(ScimGroups.ToJson(FindGroup(outcome.World, outcome.Result), outcome.World, baseUrl), StatusCodes.Status201Created, ScimGroups.Location(baseUrl, outcome.Result));
    }

    private static async Task<IResult> ReplaceGroupAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        return await ChangeGroupAsync(http, provisioning, "PUT", id, (department, world) => ScimGroups.Put(body, department, world).World, cancellation);
    }

    private static async Task<IResult> PatchGroupAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        var body = await ReadAsync(http, cancellation);
        return await ChangeGroupAsync(http, provisioning, "PATCH", id, (department, world) => ScimGroups.Patch(body, department, world), cancellation);
    }

    private static async Task<IResult> ChangeGroupAsync(
        HttpContext http, StaffProvisioning provisioning, string method, string id, Func<Department, World, World> change, CancellationToken cancellation)
    {
        var outcome = await provisioning.ChangeAsync(Provisioner(http), $"scim {method} /Groups/{id}", world =>
        {
            var department = FindGroup(world, id);
            return new StaffProvisioning.Change<string>(change(department, world), department.Id);
        }, cancellation);
        return ScimResults.Json(ScimGroups.ToJson(FindGroup(outcome.World, outcome.Result), outcome.World, BaseUrl(http)));
    }

    private static async Task<IResult> DeleteGroupAsync(string id, HttpContext http, StaffProvisioning provisioning, CancellationToken cancellation)
    {
        await provisioning.ChangeAsync(Provisioner(http), $"scim DELETE /Groups/{id}", world =>
            new StaffProvisioning.Change<string>(ScimGroups.Delete(FindGroup(world, id), world), id), cancellation);
        return Results.NoContent();
    }

    /// <summary>A ListResponse (RFC 7644 section 3.4.2) of the resources that match <c>filter</c>, one page of them.</summary>
    private static IResult List(HttpContext http, IEnumerable<JsonObject> resources)
    {
        var query = http.Request.Query;
        var filter = query["filter"].ToString() is { Length: > 0 } text ? ScimFilter.Parse(text) : null;
        var startIndex = Math.Max(1, Integer(query["startIndex"].ToString(), "startIndex") ?? 1);
        var count = Math.Clamp(Integer(query["count"].ToString(), "count") ?? ScimOptions.DefaultPageSize, 0, ScimOptions.MaxPageSize);
        var matching = filter is null ? resources.ToList() : [.. resources.Where(r => filter.Matches(r))];
        var page = matching.Skip(startIndex - 1).Take(count).Select(r => Project(http, r)).ToList();
        var list = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.ListResponse),
            ["totalResults"] = matching.Count,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = page.Count,
            ["Resources"] = new JsonArray([.. page]),
        };
        return ScimResults.Json(list);
    }

    /// <summary>
    /// <c>attributes</c> and <c>excludedAttributes</c> (RFC 7644 section 3.4.2.5), for top-level
    /// and extension attributes: Entra ID asks for Groups with <c>excludedAttributes=members</c>.
    /// <c>id</c>, <c>schemas</c> and <c>meta</c> are always returned.
    /// </summary>
    private static JsonObject Project(HttpContext http, JsonObject resource)
    {
        var only = Names(http.Request.Query["attributes"].ToString());
        var excluded = Names(http.Request.Query["excludedAttributes"].ToString());
        if (only.Count == 0 && excluded.Count == 0)
        {
            return resource;
        }
        bool Keep(AttrPath path) =>
            path.Is(null, "id") || path.Is(null, "schemas") || path.Is(null, "meta")
            || ((only.Count == 0 || only.Any(o => o.Is(path.Schema, path.Attribute))) && !excluded.Any(e => e.Is(path.Schema, path.Attribute)));
        foreach (var name in resource.Select(p => p.Key).ToList())
        {
            var extension = name.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && resource[name] is JsonObject;
            if (!extension)
            {
                if (!Keep(new AttrPath(null, name, null)))
                {
                    resource.Remove(name);
                }
                continue;
            }
            var inner = (JsonObject)resource[name]!;
            foreach (var attribute in inner.Select(p => p.Key).ToList())
            {
                if (!Keep(new AttrPath(name, attribute, null)))
                {
                    inner.Remove(attribute);
                }
            }
            if (inner.Count == 0)
            {
                resource.Remove(name);
            }
        }
        return resource;
    }

    private static List<AttrPath> Names(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(AttrPath.Parse)];

    private static IResult ServiceProviderConfig(HttpContext http) => ScimResults.Json(new JsonObject
    {
        ["schemas"] = new JsonArray(ScimSchemas.ServiceProviderConfig),
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = ScimOptions.MaxPageSize },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = false },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "OAuth Bearer Token",
            ["description"] = "A JWT for a provisioner identity (Scim:Provisioners): minted by 'custos token --as service:idp', or issued by the configured OIDC authority.",
        }),
        ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = $"{BaseUrl(http)}/ServiceProviderConfig" },
    });

    private static IResult ResourceTypes(HttpContext http)
    {
        var baseUrl = BaseUrl(http);
        JsonObject Type(string name, string endpoint, string schema, string extension) => new()
        {
            ["schemas"] = new JsonArray(ScimSchemas.ResourceType),
            ["id"] = name,
            ["name"] = name,
            ["endpoint"] = endpoint,
            ["schema"] = schema,
            ["schemaExtensions"] = extension == ScimSchemas.Staff
                ? new JsonArray(new JsonObject { ["schema"] = ScimSchemas.EnterpriseUser, ["required"] = true }, new JsonObject { ["schema"] = extension, ["required"] = false })
                : new JsonArray(new JsonObject { ["schema"] = extension, ["required"] = false }),
            ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{baseUrl}/ResourceTypes/{name}" },
        };
        return ListOf([Type("User", "/Users", ScimSchemas.User, ScimSchemas.Staff), Type("Group", "/Groups", ScimSchemas.Group, ScimSchemas.Department)]);
    }

    /// <summary>The schemas of Custos's own extensions (the core and enterprise schemas are RFC 7643's).</summary>
    private static IResult Schemas(HttpContext http)
    {
        JsonObject Attribute(string name, string description, bool required) => new()
        {
            ["name"] = name,
            ["type"] = "string",
            ["multiValued"] = false,
            ["description"] = description,
            ["required"] = required,
            ["caseExact"] = true,
            ["mutability"] = "readWrite",
            ["returned"] = "default",
            ["uniqueness"] = "none",
        };
        JsonObject Schema(string id, string name, string description, params JsonObject[] attributes) => new()
        {
            ["schemas"] = new JsonArray(ScimSchemas.Schema),
            ["id"] = id,
            ["name"] = name,
            ["description"] = description,
            ["attributes"] = new JsonArray([.. attributes]),
            ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{BaseUrl(http)}/Schemas/{id}" },
        };
        return ListOf(
        [
            Schema(ScimSchemas.Staff, "Staff", "What Custos's decisions need to know of a staff member beyond the core and enterprise schemas.",
                Attribute("jurisdiction", "ISO 3166-1 alpha-2 code of where the staff member is based (else the primary address's country).", required: true),
                Attribute("account", "The staff member's own platform account (user:…): reading it is reading an employee.", required: false)),
            Schema(ScimSchemas.Department, "Department", "Where a department sits.",
                Attribute("parent", "The id (dept:…) of the department above this one.", required: false)),
        ]);
    }

    private static IResult ListOf(IReadOnlyList<JsonObject> resources) => ScimResults.Json(new JsonObject
    {
        ["schemas"] = new JsonArray(ScimSchemas.ListResponse),
        ["totalResults"] = resources.Count,
        ["startIndex"] = 1,
        ["itemsPerPage"] = resources.Count,
        ["Resources"] = new JsonArray([.. resources]),
    });

    private static StaffMember FindUser(World world, string id) =>
        world.Staff.FirstOrDefault(s => s.Id == id) ?? throw ScimException.NotFound($"there is no User {id}");

    private static Department FindGroup(World world, string id) =>
        world.Departments.FirstOrDefault(d => d.Id == id) ?? throw ScimException.NotFound($"there is no Group {id}");

    /// <summary>The provisioner the guard let through.</summary>
    private static string Provisioner(HttpContext http) =>
        Caller.Of(http).Id!;

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Prefix}";

    private static int? Integer(string text, string name) =>
        text.Length == 0 ? null
        : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw ScimException.InvalidValue($"{name} must be an integer, not '{text}'");

    /// <summary>A string attribute of a body for the ledger's description of a change, before it is checked.</summary>
    private static string Peek(JsonObject body, string attribute) =>
        body[attribute] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "";

    /// <summary>The request's JSON object, refused as invalidSyntax when it is not one.</summary>
    private static async Task<JsonObject> ReadAsync(HttpContext http, CancellationToken cancellation)
    {
        var maxBodyBytes = http.RequestServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value.MaxScimBodyBytes;
        if (http.Request.ContentLength > maxBodyBytes)
        {
            throw new ScimException(StatusCodes.Status413PayloadTooLarge, null, $"the body is over {maxBodyBytes} bytes (Limits:MaxScimBodyBytes)");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBodyBytes)
            {
                throw new ScimException(StatusCodes.Status413PayloadTooLarge, null, $"the body is over {maxBodyBytes} bytes (Limits:MaxScimBodyBytes)");
            }
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.ToArray(), ScimSchemas.NodeOptions);
            // Objects are filled lazily; fill them now, so that a repeated attribute is a syntax error here.
            Touch(node);
        }
        catch (JsonException e)
        {
            throw ScimException.InvalidSyntax($"the body is not JSON: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw ScimException.InvalidSyntax($"the body names an attribute twice (names are case-insensitive): {e.Message}");
        }
        return node as JsonObject ?? throw ScimException.InvalidSyntax("the body must be a JSON object");
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Touch(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Touch(item);
                }
                break;
        }
    }
}

/// <summary>SCIM's settings, the <c>Scim</c> section of configuration.</summary>
public sealed class ScimOptions
{
    public const string Section = "Scim";
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    /// <summary>
    /// The identities (from the bearer token's identity claim) allowed to call SCIM, separated by
    /// ';': service identities such as <c>service:idp</c>, never staff. Empty turns SCIM off.
    /// </summary>
    public string Provisioners { get; set; } = "service:idp";

    public IReadOnlySet<string> ProvisionerSet => Provisioners
        .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Null when every provisioner is a service identity, otherwise what is wrong.</summary>
    public string? Validate() =>
        ProvisionerSet.FirstOrDefault(p => !p.StartsWith("service:", StringComparison.Ordinal) || p.Length == "service:".Length) is { } wrong
            ? $"Scim:Provisioners lists '{wrong}': provisioners are service identities (service:ID), not staff, whose changes to the world would skip the two-person rule"
            : null;
}
