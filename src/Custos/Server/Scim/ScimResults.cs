using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Access.Scim;
using Microsoft.AspNetCore.Http;

namespace Custos.Server.Scim;

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
