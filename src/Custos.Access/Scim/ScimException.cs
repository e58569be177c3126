namespace Custos.Access.Scim;

/// <summary>
/// A SCIM error (RFC 7644 section 3.12): the status, the <c>scimType</c> for a 400 or 409, and
/// a detail fit for the identity provider's logs. Thrown anywhere while handling a request and
/// answered as <c>urn:ietf:params:scim:api:messages:2.0:Error</c>.
/// </summary>
public sealed class ScimException : Exception
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

    public int Status { get; } = 400;

    public string? ScimType { get; }

    public static ScimException InvalidSyntax(string detail) => new(400, "invalidSyntax", detail);

    public static ScimException InvalidValue(string detail) => new(400, "invalidValue", detail);

    public static ScimException InvalidFilter(string detail) => new(400, "invalidFilter", detail);

    public static ScimException InvalidPath(string detail) => new(400, "invalidPath", detail);

    public static ScimException NoTarget(string detail) => new(400, "noTarget", detail);

    public static ScimException Mutability(string detail) => new(400, "mutability", detail);

    public static ScimException Uniqueness(string detail) => new(409, "uniqueness", detail);

    public static ScimException NotFound(string detail) => new(404, null, detail);

    public static ScimException Conflict(string detail) => new(409, null, detail);
}
