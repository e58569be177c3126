using Custos.Tests.Support;
using Custos.WebConsole.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.WebConsole.Tests;

/// <summary>
/// Who may open which console page and post which form: every route under /console, as every
/// kind of person, with the status each must get. A console route this table does not list fails
/// the test, as an API endpoint missing from the authorization matrix does.
/// </summary>
/// <remarks>
/// Forms are posted without their anti-forgery token: authorization comes first, so a 401 or
/// 403 says the person was refused, a 400 that they got past it and were stopped, unchanged, by
/// the missing token.
/// </remarks>
public sealed class ConsoleAuthorizationTests : IDisposable
{
    public enum Kind
    {
        None, Subject, Reader, Inactive, Oversight, Admin,
    }

    private static readonly Dictionary<Kind, string?> Identities = new()
    {
        [Kind.None] = null,
        [Kind.Subject] = "user:10042",
        [Kind.Reader] = "staff:harper",
        [Kind.Inactive] = "staff:omar",
        [Kind.Oversight] = "staff:olu",
        [Kind.Admin] = "staff:sam",
    };

    private readonly CustosApp _app = new();

    public void Dispose() => _app.Dispose();

    private sealed record Row(string Route, string Path, IReadOnlyDictionary<Kind, int> Expected);

    private static Dictionary<Kind, int> All(int status) => Enum.GetValues<Kind>().ToDictionary(k => k, _ => status);

    private static Dictionary<Kind, int> SignedIn(int status) => new(All(status)) { [Kind.None] = 401 };

    /// <summary>Staff in good standing (Powers.TakePart); the inactive hold no power (invariant 9).</summary>
    private static Dictionary<Kind, int> TakingPart(int status) => new(SignedIn(status)) { [Kind.Subject] = 403, [Kind.Inactive] = 403 };

    /// <summary>Only <paramref name="holders"/> get <paramref name="status"/>; everyone else signed in 403.</summary>
    private static Dictionary<Kind, int> Only(int status, params Kind[] holders) =>
        Enum.GetValues<Kind>().ToDictionary(k => k, k => k == Kind.None ? 401 : holders.Contains(k) ? status : 403);

    private static readonly Row[] Table =
    [
        new("GET /console/assets/{name}", "/console/assets/console.css", All(200)),
        new("GET /console/sign-in", "/console/sign-in", All(200)),
        new("POST /console/sign-in", "/console/sign-in", All(400)),
        new("POST /console/sign-out", "/console/sign-out", All(400)),
        new("GET /console/", "/console/", SignedIn(200)),
        new("GET /console/requests", "/console/requests", TakingPart(200)),
        new("POST /console/requests", "/console/requests", TakingPart(400)),
        new("GET /console/inbox", "/console/inbox", TakingPart(200)),
        new("POST /console/inbox/{id}/approve", "/console/inbox/nothing-0/approve", TakingPart(400)),
        new("POST /console/inbox/{id}/deny", "/console/inbox/nothing-0/deny", TakingPart(400)),

        // A data subject's own report (Powers.OwnReport).
        new("GET /console/me", "/console/me", Only(200, Kind.Subject)),

        // Revocation: admin and oversight (Powers.Revoke); break-glass review: oversight alone (Powers.Oversee).
        new("GET /console/oversight", "/console/oversight", Only(200, Kind.Oversight, Kind.Admin)),
        new("POST /console/oversight/revocations", "/console/oversight/revocations", Only(400, Kind.Oversight, Kind.Admin)),
        new("POST /console/oversight/break-glass/{id}/review", "/console/oversight/break-glass/nothing-0/review", Only(400, Kind.Oversight)),

        // Alerts: oversight in good standing (Powers.TriageAlerts); an alert not routed to the officer does not exist.
        new("GET /console/alerts", "/console/alerts", Only(200, Kind.Oversight)),
        new("POST /console/alerts", "/console/alerts", Only(400, Kind.Oversight)),
        new("GET /console/alerts/{id}", "/console/alerts/nothing-0", Only(404, Kind.Oversight)),
        new("POST /console/alerts/{id}/triage", "/console/alerts/nothing-0/triage", Only(400, Kind.Oversight)),
    ];

    [Fact]
    public async Task Every_console_route_answers_every_kind_of_person_as_the_table_says()
    {
        var routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/console", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);
        routes.Except(Table.Select(r => r.Route)).Order(StringComparer.Ordinal).ShouldBeEmpty("console routes with no row: say who may use them");
        Table.Select(r => r.Route).Except(routes).Order(StringComparer.Ordinal).ShouldBeEmpty("rows for routes that no longer exist");

        var wrong = new List<string>();
        foreach (var (kind, identity) in Identities)
        {
            using var client = identity is null ? ConsoleClient.Anonymous(_app) : await ConsoleClient.SignedInAsync(_app, identity);
            foreach (var row in Table)
            {
                using var response = row.Route.StartsWith("POST", StringComparison.Ordinal)
                    ? await client.PostFormAsync(page: null, row.Path, [])
                    : (await client.GetAsync(row.Path)).Response;
                if ((int)response.StatusCode != row.Expected[kind])
                {
                    wrong.Add($"{row.Route} as {kind} ({identity ?? "signed out"}): {(int)response.StatusCode}, expected {row.Expected[kind]}");
                }
            }
        }
        wrong.ShouldBeEmpty();
    }

    /// <summary>A trailing slash does not make another route; the table writes the console's root with its slash.</summary>
    private static string Normalize(string pattern) => pattern.TrimEnd('/') is var trimmed && trimmed == "/console" ? "/console/" : trimmed;
}
