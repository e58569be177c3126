using System.Text.Json.Nodes;

namespace Custos.Access.Scim;

/// <summary>The schema URNs of SCIM 2.0 (RFC 7643, 7644) and of Custos's own extensions.</summary>
public static class ScimSchemas
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
