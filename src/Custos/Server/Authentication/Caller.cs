using System.Reflection;
using Custos.Access.Decisions;
using Custos.Access.Disclosure;
using Custos.Access.Workflow;
using Custos.Formats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Custos.Server.Authentication;

/// <summary>
/// Who is calling, resolved once per request from the token and the world as it stands now:
/// the identity and location (from the token, never from a body), and — for staff — their
/// record, whether it is active, and the revocations standing against them. Every authorization
/// decision (<see cref="Powers"/>) and every endpoint reads this one object, so the two can
/// never see different callers. Endpoints bind it as a parameter.
/// </summary>
public sealed class Caller
{
    public const string StaffPrefix = "staff:";
    public const string SubjectPrefix = "user:";
    public const string ServicePrefix = "service:";

    private Caller(string? id, string? location, StaffMember? staff, IReadOnlyList<Revocation> revocations)
    {
        Id = id;
        Location = location;
        Staff = staff;
        Revocations = revocations;
    }

    /// <summary>The token's identity (<c>staff:…</c>, <c>user:…</c>, <c>service:…</c>), or null without a valid token.</summary>
    public string? Id { get; }

    /// <summary>Where the caller is now (ISO 3166-1), as the token says.</summary>
    public string? Location { get; }

    /// <summary>The caller's record in the world, when the caller is staff the world knows.</summary>
    public StaffMember? Staff { get; }

    /// <summary>The revocations standing against the caller now.</summary>
    public IReadOnlyList<Revocation> Revocations { get; }

    public bool IsAuthenticated => Id is not null;

    public bool IsStaff => Id?.StartsWith(StaffPrefix, StringComparison.Ordinal) == true;

    public bool Active => Staff?.Active == true;

    public IReadOnlyList<string> Roles => Staff?.Roles ?? [];

    /// <summary>
    /// Invariant 9: staff the world knows, active, with no revocation standing against them.
    /// Anyone else holds no power in Custos, whatever roles their record lists.
    /// </summary>
    public bool InGoodStanding => Active && Revocations.Count == 0;

    /// <summary>Holds any of <paramref name="roles"/> and is in good standing to use it.</summary>
    public bool Holds(params string[] roles) => InGoodStanding && roles.Any(Roles.Contains);

    /// <summary>An auditor of the ledger: an auditor service identity, or staff in good standing with the ledger-auditor role.</summary>
    public bool IsAuditor => (Id is not null && LedgerEntryAccess.IsAuditorService(Id)) || Holds(Formats.Roles.LedgerAuditor);

    /// <summary>The caller as the decision pipeline and the workflow name a reader.</summary>
    public ReaderIdentity AsReader() => new(Id ?? throw new InvalidOperationException("an anonymous caller reads nothing"), Location);

    /// <summary>Why the caller holds no power, in words for a problem's detail; null when in good standing.</summary>
    public string? Standing() => this switch
    {
        { Id: null } => "the request carries no valid token",
        { IsStaff: false } => $"'{Id}' is not a staff member (staff:…)",
        { Staff: null } => $"{Id} is not a staff member of the world",
        { Active: false } => $"{Id} is not active",
        { Revocations: [var first, ..] } => $"{Id} is under revocation {first.Id}",
        _ => null,
    };

    /// <summary>Minimal APIs bind a <see cref="Caller"/> parameter through this.</summary>
    public static ValueTask<Caller> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult(Of(http));

    /// <summary>The request's caller, resolved on first use and kept for the rest of the request.</summary>
    public static Caller Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items[typeof(Caller)] is Caller known)
        {
            return known;
        }
        var caller = Resolve(http);
        http.Items[typeof(Caller)] = caller;
        return caller;
    }

    private static Caller Resolve(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        var user = http.User;
        var id = user.Identity?.IsAuthenticated == true ? user.FindFirst(options.IdentityClaim)?.Value : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return new Caller(null, null, null, []);
        }
        var location = user.FindFirst(options.LocationClaim)?.Value;
        var state = http.RequestServices.GetRequiredService<AccessStateHolder>();
        if (!id.StartsWith(StaffPrefix, StringComparison.Ordinal) || !state.IsLoaded || state.Current.Directory.Staff(id) is not { } staff)
        {
            return new Caller(id, location, null, []);
        }
        return new Caller(id, location, staff, http.RequestServices.GetRequiredService<AccessWorkflow>().RevocationsOf(staff));
    }
}
