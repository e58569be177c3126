using Custos.Tests.Support;

namespace Custos.Tests.Server;

/// <summary>
/// <c>serve</c> validates the policy set against the Cedar schema shipped beside it: a typo in a
/// <c>forbid</c> (which would otherwise make every read deny, silently) stops the start-up with
/// the file, line and rule; <c>PolicyValidationWarnOnly</c> starts anyway, with warnings.
/// </summary>
public sealed class PolicyValidationStartupTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The incident's policies and schema, laid out as in samples/incident/, with `principal.active` misspelt in a forbid.</summary>
    private (string Policies, string File) WriteIncidentWithTypo()
    {
        var policies = _temp.Combine("incident", "policies");
        Directory.CreateDirectory(policies);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.IncidentPolicies, "*.cedar"))
        {
            File.Copy(file, Path.Combine(policies, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(Path.GetDirectoryName(RepositoryPaths.IncidentPolicies)!, "custos.cedarschema"), _temp.Combine("incident", "custos.cedarschema"));
        var staff = Path.Combine(policies, "50-staff.cedar");
        var text = File.ReadAllText(staff);
        text.ShouldContain("forbid (principal, action in Action::\"read\", resource)\nunless { principal.active };");
        File.WriteAllText(staff, text.Replace("principal.active", "principal.rolez", StringComparison.Ordinal));
        return (policies, staff);
    }

    private string[] ServeArguments(int port, string policies) =>
        ["--urls", $"http://127.0.0.1:{port}", "--data", _temp.Combine("data"), "--world", RepositoryPaths.IncidentWorld, "--policies", policies];

    [Fact]
    public async Task Serve_refuses_to_start_when_a_forbid_names_an_attribute_the_schema_does_not_declare()
    {
        var (policies, staff) = WriteIncidentWithTypo();

        var result = await CustosProcess.RunAsync(["serve", .. ServeArguments(CustosProcess.FreePort(), policies)]);

        result.ExitCode.ShouldBe(1, result.StandardOutput + result.StandardError);
        var error = result.ErrorLines.ShouldHaveSingleItem();
        error.ShouldStartWith("custos: ");
        error.ShouldContain($"{staff}:4:10: policy `reader-active`: entity type `Staff` has no attribute `rolez`");
        error.ShouldContain("custos.cedarschema");
    }

    [Fact]
    public async Task Serve_starts_with_warnings_when_told_to_only_warn()
    {
        var (policies, _) = WriteIncidentWithTypo();
        var port = CustosProcess.FreePort();

        await using var server = await ServerProcess.StartAsync(port, ServeArguments(port, policies),
            environment: new Dictionary<string, string> { ["CUSTOS_POLICYVALIDATIONWARNONLY"] = "true" });

        // The console logger writes on its own thread: give the warning a moment to arrive.
        for (var i = 0; i < 50 && !(server.StandardOutput + server.StandardError).Contains("rolez", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        (server.StandardOutput + server.StandardError).ShouldContain("rolez");
    }
}
