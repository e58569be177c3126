using System.Text.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>A <c>custos serve</c> on the demo world, shared by the tests of <c>custos access</c>.</summary>
public sealed class AccessServer : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public ServerProcess Server { get; private set; } = null!;

    public string Data => _temp.Combine("data");

    public async ValueTask InitializeAsync()
    {
        var port = CustosProcess.FreePort();
        Server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", Data]);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Runs <c>custos access …</c> against the server, as <paramref name="caller"/> (minted with the server's key) when given.</summary>
    public Task<ProcessResult> Access(string? caller, params string[] args) =>
        CustosProcess.RunAsync(["access", .. args, "--server", Server.BaseAddress.ToString(), .. caller is null ? Array.Empty<string>() : ["--as", caller, "--location", "US", "--data", Data]]);
}

/// <summary>
/// <c>custos access request|pending|approve|deny|revoke|grants</c> run as an operator would, as
/// processes against a running server: text by default, the API's JSON with <c>--json</c>, a
/// refusal as one line on stderr and exit 1, a usage error exit 2.
/// </summary>
public sealed class AccessCommandTests(AccessServer fixture) : IClassFixture<AccessServer>
{
    [Fact]
    public async Task An_auditors_request_is_approved_independently_then_the_department_is_revoked()
    {
        var asked = await fixture.Access("staff:harper", "request",
            "--subject", "user:10042", "--category", "network.ip_address", "--purpose", "internal-audit", "--case", "case:IA-8",
            "--justification", "IP address needed to match the leak investigation's access logs", "--duration", "8h");
        asked.ExitCode.ShouldBe(0, asked.StandardError);
        asked.StandardOutput.ShouldStartWith("Requested req-");
        asked.StandardOutput.ShouldContain("network.ip_address of user:10042 for internal-audit under case:IA-8, for 8h.");
        var id = asked.StandardOutput.Split(':')[0]["Requested ".Length..];

        var pending = await fixture.Access("staff:priya", "pending");
        pending.ExitCode.ShouldBe(0, pending.StandardError);
        pending.StandardOutput.ShouldContain(id);
        pending.StandardOutput.ShouldStartWith("ID ");

        // A colleague in audit is not independent: one line, exit 1, the rule's reason.
        var colleague = await fixture.Access("staff:mason", "approve", id, "--comment", "fine by me");
        colleague.ExitCode.ShouldBe(1);
        colleague.ErrorLines.ShouldHaveSingleItem().ShouldBe(
            $"custos: 403 Not allowed: staff:mason may not approve {id}: a protected subject's request is approved only from outside the requester's department and management chain");
        colleague.StandardOutput.ShouldBeEmpty();

        var privacy = await fixture.Access("staff:priya", "approve", id, "--comment", "proportionate for the leak case");
        privacy.ExitCode.ShouldBe(0, privacy.StandardError);
        privacy.StandardOutput.ShouldContain("Still pending");
        var oversight = await fixture.Access("staff:olu", "approve", id, "--comment", "independent check done", "--json");
        oversight.ExitCode.ShouldBe(0, oversight.StandardError);
        var approved = JsonDocument.Parse(oversight.StandardOutput).RootElement;
        approved.GetProperty("request").GetProperty("status").GetString().ShouldBe("granted");
        var grant = approved.GetProperty("grant").GetProperty("id").GetString()!;

        var mine = await fixture.Access("staff:harper", "grants");
        mine.ExitCode.ShouldBe(0, mine.StandardError);
        mine.StandardOutput.ShouldContain($"{grant}  staff:harper  live");

        var revoked = await fixture.Access("staff:olu", "revoke", "--department", "dept:iarc", "--reason", "the department used standing access against journalists");
        revoked.ExitCode.ShouldBe(0, revoked.StandardError);
        revoked.StandardOutput.ShouldContain("(department dept:iarc): the department used standing access against journalists");
        revoked.StandardOutput.ShouldContain("People affected (5): staff:chen, staff:harper, staff:lin, staff:mason, staff:wei");
        revoked.StandardOutput.ShouldContain($"Grants cut (1): {grant}");

        var all = await fixture.Access("staff:olu", "grants", "--reader", "staff:harper", "--json");
        all.ExitCode.ShouldBe(0, all.StandardError);
        JsonDocument.Parse(all.StandardOutput).RootElement.EnumerateArray().Single().GetProperty("status").GetString().ShouldBe("revoked");
    }

    [Fact]
    public async Task A_token_from_custos_token_works_and_a_denial_closes_a_request()
    {
        var token = await CustosProcess.RunAsync(["token", "--as", "staff:kofi", "--location", "US", "--data", fixture.Data]);
        token.ExitCode.ShouldBe(0, token.StandardError);
        var asked = await fixture.Access("staff:maya", "request",
            "--subject", "user:40002", "--category", "profile.contact", "--purpose", "customer-support", "--case", "case:SUP-1001",
            "--justification", "the customer asked us to check the email on file", "--json");
        asked.ExitCode.ShouldBe(0, asked.StandardError);
        var id = JsonDocument.Parse(asked.StandardOutput).RootElement.GetProperty("id").GetString()!;

        var denied = await CustosProcess.RunAsync(["access", "deny", id, "--comment", "ask the customer to confirm it themselves",
            "--token", token.StandardOutput.Trim(), "--server", fixture.Server.BaseAddress.ToString()]);

        denied.ExitCode.ShouldBe(0, denied.StandardError);
        denied.StandardOutput.Trim().ShouldBe($"Denied {id} of staff:maya: ask the customer to confirm it themselves");
        var again = await fixture.Access("staff:kofi", "deny", id, "--comment", "twice");
        again.ExitCode.ShouldBe(1);
        again.ErrorLines.ShouldHaveSingleItem().ShouldBe($"custos: 409 Conflict: {id} is denied, no longer pending");
    }

    [Fact]
    public async Task Nothing_pending_and_no_grants_say_so()
    {
        var pending = await fixture.Access("staff:ceo", "pending");
        var grants = await fixture.Access("staff:ceo", "grants");

        pending.StandardOutput.Trim().ShouldBe("No access request waits for you.");
        grants.StandardOutput.Trim().ShouldBe("No grants.");
    }

    [Fact]
    public async Task A_service_token_for_the_identity_provider_reaches_scim_and_lasts_at_most_90_days()
    {
        var token = await CustosProcess.RunAsync(["token", "--as", "service:idp", "--ttl", "90d", "--data", fixture.Data]);
        token.ExitCode.ShouldBe(0, token.StandardError);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("scim/v2/Users?filter=userName%20eq%20%22staff:wei%22", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.StandardOutput.Trim());
        using var response = await fixture.Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(200);
        var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        list.GetProperty("Resources")[0].GetProperty("userName").GetString().ShouldBe("staff:wei");

        var tooLong = await CustosProcess.RunAsync(["token", "--as", "service:idp", "--ttl", "91d", "--data", fixture.Data]);
        tooLong.ExitCode.ShouldBe(2, "a --ttl beyond the cap is a usage error, as documented");
        tooLong.ErrorLines.ShouldHaveSingleItem().ShouldContain("90 days");
        var staffLong = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--ttl", "2d", "--data", fixture.Data]);
        staffLong.ExitCode.ShouldBe(2, "a --ttl beyond the cap is a usage error, as documented");
        staffLong.ErrorLines.ShouldHaveSingleItem().ShouldContain("24 hours");
    }

    [Theory]
    [InlineData(new[] { "access", "grants" }, "--token")]
    [InlineData(new[] { "access", "grants", "--as", "staff:olu", "--token", "t" }, "not both")]
    [InlineData(new[] { "access", "grants", "--as", "olu" }, "staff:ID")]
    [InlineData(new[] { "access", "revoke", "--token", "t", "--department", "dept:iarc", "--role", "auditor", "--reason", "r" }, "exactly one")]
    [InlineData(new[] { "access", "revoke", "--token", "t", "--department", "dept:iarc" }, "--reason")]
    [InlineData(new[] { "access", "request", "--token", "t", "--subject", "user:1", "--category", "c", "--purpose", "p", "--case", "c", "--justification", "j", "--duration", "soon" }, "'soon'")]
    [InlineData(new[] { "access", "approve", "--token", "t" }, "'approve'")]
    [InlineData(new[] { "access", "deny", "req-1", "--token", "t" }, "--comment")]
    [InlineData(new[] { "access", "grants", "--token", "t", "--server", "ftp://x" }, "--server")]
    public async Task Usage_errors_exit_2_with_one_line(string[] args, string named)
    {
        var result = await CustosProcess.RunAsync(args);

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(named);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_server_or_with_a_bad_token_it_says_so_in_one_line()
    {
        var port = CustosProcess.FreePort();

        var down = await CustosProcess.RunAsync(["access", "grants", "--token", "t", "--server", $"http://127.0.0.1:{port}"]);
        var forged = await CustosProcess.RunAsync(["access", "grants", "--token", "not-a-token", "--server", fixture.Server.BaseAddress.ToString()]);

        down.ExitCode.ShouldBe(1);
        down.ErrorLines.ShouldHaveSingleItem().ShouldContain("custos serve");
        forged.ExitCode.ShouldBe(1);
        forged.ErrorLines.ShouldHaveSingleItem().ShouldStartWith("custos: 401");
    }
}
