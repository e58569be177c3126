using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Custos.Server.Scim;

/// <summary>The schema URNs of SCIM 2.0 (RFC 7643, 7644) and of Custos's own extensions.</summary>
internal static class ScimSchemas
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>Custos's extension of User: where the staff member is based and their own platform account.</summary>
    public const string Staff = "urn:custos:scim:schemas:1.0:Staff";

    /// <summary>Custos's extension of Group: the parent department.</summary>
    public const string Department = "urn:custos:scim:schemas:1.0:Department";

    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    public const string MediaType = "application/scim+json";

    /// <summary>Attribute names are case-insensitive in SCIM (RFC 7643 section 2.1); so are these nodes.</summary>
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The extension schemas a resource type knows, longest first, for splitting "urn:…:attribute" paths.</summary>
    public static readonly string[] UserExtensions = [EnterpriseUser, Staff];

    public static readonly string[] GroupExtensions = [Department];
}

/// <summary>
/// A SCIM error (RFC 7644 section 3.12): the status, the <c>scimType</c> for a 400 or 409, and
/// a detail fit for the identity provider's logs. Thrown anywhere while handling a request and
/// answered as <c>urn:ietf:params:scim:api:messages:2.0:Error</c>.
/// </summary>
internal sealed class ScimException : Exception
{
    public ScimException(int status, string? scimType, string detail) : base(detail)
    {
        Status = status;
        ScimType = scimType;
    }

    public ScimException()
    {
    }

    public ScimException(string message) : base(message)
    {
    }

    public ScimException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int Status { get; } = StatusCodes.Status400BadRequest;

    public string? ScimType { get; }

    public static ScimException InvalidSyntax(string detail) => new(StatusCodes.Status400BadRequest, "invalidSyntax", detail);

    public static ScimException InvalidValue(string detail) => new(StatusCodes.Status400BadRequest, "invalidValue", detail);

    public static ScimException InvalidFilter(string detail) => new(StatusCodes.Status400BadRequest, "invalidFilter", detail);

    public static ScimException InvalidPath(string detail) => new(StatusCodes.Status400BadRequest, "invalidPath", detail);

    public static ScimException NoTarget(string detail) => new(StatusCodes.Status400BadRequest, "noTarget", detail);

    public static ScimException Mutability(string detail) => new(StatusCodes.Status400BadRequest, "mutability", detail);

    public static ScimException Uniqueness(string detail) => new(StatusCodes.Status409Conflict, "uniqueness", detail);

    public static ScimException NotFound(string detail) => new(StatusCodes.Status404NotFound, null, detail);

    public static ScimException Conflict(string detail) => new(StatusCodes.Status409Conflict, null, detail);
}

/// <summary>SCIM's JSON on the wire: <c>application/scim+json</c>, camelCase as RFC 7643 writes it.</summary>
internal static class ScimResults
{
    private static readonly JsonSerializerOptions Writing = new() { WriteIndented = false };

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK, string? location = null) => new ScimJsonResult(body, status, location);

    public static IResult Error(ScimException e) => Error(e.Status, e.ScimType, e.Message);

    public static IResult Error(int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }
        body["detail"] = detail;
        return new ScimJsonResult(body, status, null);
    }

    private sealed class ScimJsonResult(JsonNode body, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = ScimSchemas.MediaType;
            if (location is not null)
            {
                response.Headers.Location = location;
            }
            if (status == StatusCodes.Status401Unauthorized)
            {
                response.Headers.WWWAuthenticate = "Bearer";
            }
            await response.WriteAsync(body.ToJsonString(Writing), httpContext.RequestAborted);
        }
    }
}
