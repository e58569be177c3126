using System.Text.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary><c>custos cedar authorize</c> and <c>custos cedar conformance</c>, run as the built executable.</summary>
public sealed class CedarCommandTests : IDisposable
{
    private const string Policies = """
        permit(principal in Group::"staff", action == Action::"view", resource) when { context.mfa };
        forbid(principal, action, resource) when { context.country == "XX" };
        permit(principal, action, resource) when { principal.missing };
        """;

    private const string Entities = """
        [{"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": [{"type": "Group", "id": "staff"}]},
         {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": []}]
        """;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string content)
    {
        var path = _temp.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private static string RequestJson(string country) => $$$"""
        {"principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
         "resource": {"type": "Doc", "id": "d"}, "context": {"mfa": true, "country": "{{{country}}}"}}
        """;

    private Task<ProcessResult> AuthorizeAsync(string? policies = null, string? entities = null, string? request = null) =>
        CustosProcess.RunAsync([
            "cedar", "authorize",
            "--policies", policies ?? Write("policies.cedar", Policies),
            "--entities", entities ?? Write("entities.json", Entities),
            "--request", request ?? Write("request.json", RequestJson("FR")),
        ]);

    [Fact]
    public async Task Authorize_prints_the_decision_reasons_and_errors_as_json()
    {
        var result = await AuthorizeAsync();

        result.ExitCode.ShouldBe(0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        json.RootElement.GetProperty("decision").GetString().ShouldBe("allow");
        json.RootElement.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ShouldBe(["policy0"]);
        var error = json.RootElement.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("policy").GetString().ShouldBe("policy2");
        error.GetProperty("message").GetString()!.ShouldContain("missing");
    }

    [Fact]
    public async Task Authorize_reports_a_forbid_as_the_reason_of_a_deny()
    {
        var result = await AuthorizeAsync(request: Write("xx.json", RequestJson("XX")));

        result.ExitCode.ShouldBe(0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        json.RootElement.GetProperty("decision").GetString().ShouldBe("deny");
        json.RootElement.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ShouldBe(["policy1"]);
    }

    [Theory]
    [InlineData("policies", "permit(principal, action", "1:25: expected `,`")]
    [InlineData("policies", "permit(principal, action, resource) when { 1 + };", "expected an expression")]
    [InlineData("entities", "[{", "invalid JSON")]
    [InlineData("entities", "[{\"uid\": {\"type\": \"U\", \"id\": \"a\"}, \"attrs\": {\"n\": 1.5}}]", "not an integer")]
    [InlineData("request", "{\"principal\": {\"type\": \"User\", \"id\": \"alice\"}}", "missing `action`")]
    public async Task Bad_input_is_one_line_naming_the_file_and_exits_1(string which, string content, string message)
    {
        var path = Write($"bad-{which}", content);
        var result = which switch
        {
            "policies" => await AuthorizeAsync(policies: path),
            "entities" => await AuthorizeAsync(entities: path),
            _ => await AuthorizeAsync(request: path),
        };

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.Length.ShouldBe(1, result.StandardError);
        result.ErrorLines[0].ShouldStartWith("custos: ");
        result.ErrorLines[0].ShouldContain(which);
        result.ErrorLines[0].ShouldContain(message);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_file_is_a_runtime_error()
    {
        var result = await AuthorizeAsync(policies: _temp.Combine("nowhere.cedar"));

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.Length.ShouldBe(1, result.StandardError);
        result.ErrorLines[0].ShouldContain("nowhere.cedar");
    }

    [Fact]
    public async Task A_missing_option_is_a_usage_error()
    {
        var result = await CustosProcess.RunAsync(["cedar", "authorize", "--policies", "p.cedar"]);

        result.ExitCode.ShouldBe(2);
        result.ErrorLines.Length.ShouldBe(1, result.StandardError);
        result.ErrorLines[0].ShouldContain("--help");
    }

    private string WriteConformanceSuite(string secondDecision, bool shouldValidate = false)
    {
        Write("suite/policies.cedar", Policies);
        Write("suite/entities.json", Entities);
        Write("suite/schema.cedarschema", """
            entity Group;
            entity User in [Group];
            entity Doc;
            action view appliesTo { principal: [User], resource: [Doc], context: { mfa: Bool, country: String } };
            """);
        Write("suite/tests/one.json", $$"""
            {"policies": "policies.cedar", "entities": "entities.json", "schema": "schema.cedarschema", "shouldValidate": {{(shouldValidate ? "true" : "false")}},
             "requests": [
               {"description": "alice views", "principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
                "resource": {"type": "Doc", "id": "d"}, "context": {"mfa": true, "country": "FR"},
                "decision": "allow", "reason": ["policy0"], "errors": ["policy2"]},
               {"description": "from XX", "principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
                "resource": {"type": "Doc", "id": "d"}, "context": {"mfa": true, "country": "XX"},
                "decision": "{{secondDecision}}", "reason": ["policy1"], "errors": ["policy2"]}
             ]}
            """);
        return _temp.Combine("suite");
    }

    [Fact]
    public async Task Conformance_counts_requests_and_exits_0_when_all_pass()
    {
        var result = await CustosProcess.RunAsync(["cedar", "conformance", WriteConformanceSuite("deny")]);

        result.ExitCode.ShouldBe(0, result.StandardOutput + result.StandardError);
        var lines = result.StandardOutput.TrimEnd().Split('\n');
        lines[^2].ShouldBe("2 passed, 0 failed");
        // `principal.missing` is not declared, so the policies do not validate, as the test expects.
        lines[^1].ShouldBe("validation: 1 agree, 0 differ");
    }

    [Fact]
    public async Task Conformance_counts_a_validation_verdict_that_differs_and_lists_it_when_verbose()
    {
        var result = await CustosProcess.RunAsync(["cedar", "conformance", WriteConformanceSuite("deny", shouldValidate: true), "--verbose"]);

        result.ExitCode.ShouldBe(1);
        var lines = result.StandardOutput.TrimEnd().Split('\n');
        lines.ShouldContain("2 passed, 0 failed");
        lines.ShouldContain("validation: 0 agree, 1 differ");
        var difference = lines[^1];
        difference.ShouldStartWith("DIFFER ");
        difference.ShouldContain("one.json");
        difference.ShouldContain("expected valid");
        difference.ShouldContain("`missing`");
    }

    [Fact]
    public async Task Conformance_lists_each_failure_and_exits_1()
    {
        var result = await CustosProcess.RunAsync(["cedar", "conformance", WriteConformanceSuite("allow")]);

        result.ExitCode.ShouldBe(1);
        var lines = result.StandardOutput.TrimEnd().Split('\n');
        lines[^2].ShouldBe("1 passed, 1 failed");
        lines[^1].ShouldBe("validation: 1 agree, 0 differ");
        var failure = lines.Single(l => l.StartsWith("FAIL ", StringComparison.Ordinal));
        failure.ShouldContain("one.json");
        failure.ShouldContain("from XX");
        failure.ShouldContain("expected allow");
        failure.ShouldContain("got deny");
    }

    [Fact]
    public async Task Conformance_of_a_directory_without_tests_is_an_error()
    {
        var result = await CustosProcess.RunAsync(["cedar", "conformance", _temp.Path]);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.Length.ShouldBe(1);
        result.ErrorLines[0].ShouldContain("no Cedar integration tests");
    }

    private static string IncidentSchema => Path.Combine(Path.GetDirectoryName(RepositoryPaths.IncidentPolicies)!, "custos.cedarschema");

    [Fact]
    public async Task Validate_accepts_the_incident_policies_with_the_schema_shipped_beside_them()
    {
        var result = await CustosProcess.RunAsync(["cedar", "validate", "--schema", IncidentSchema, "--policies", RepositoryPaths.IncidentPolicies]);

        result.ExitCode.ShouldBe(0, result.StandardOutput + result.StandardError);
        result.StandardOutput.TrimEnd().ShouldEndWith("policies validate");
    }

    [Fact]
    public async Task Validate_refuses_a_typo_in_a_forbid_naming_file_line_column_and_rule()
    {
        var policies = _temp.Combine("typo");
        Directory.CreateDirectory(policies);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.IncidentPolicies, "*.cedar"))
        {
            File.Copy(file, Path.Combine(policies, Path.GetFileName(file)));
        }
        var staff = Path.Combine(policies, "50-staff.cedar");
        File.ReadAllText(staff).ShouldContain("unless { principal.active }");
        File.WriteAllText(staff, File.ReadAllText(staff).Replace("unless { principal.active }", "unless { principal.rolez }", StringComparison.Ordinal));

        var result = await CustosProcess.RunAsync(["cedar", "validate", "--schema", IncidentSchema, "--policies", policies]);

        result.ExitCode.ShouldBe(1, result.StandardOutput + result.StandardError);
        var line = result.StandardOutput.TrimEnd().Split('\n').ShouldHaveSingleItem();
        line.ShouldStartWith($"{staff}:4:10: policy `reader-active`: ");
        line.ShouldContain("entity type `Staff` has no attribute `rolez`");
        line.ShouldContain("did you mean `roles`?");
    }

    [Fact]
    public async Task Validate_without_a_schema_is_a_usage_error()
    {
        var result = await CustosProcess.RunAsync(["cedar", "validate", "--policies", Write("policies.cedar", Policies)]);

        result.ExitCode.ShouldBe(2);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("--schema");
    }

    [Fact]
    public async Task Authorize_takes_a_directory_as_the_server_does_and_names_policies_by_their_id()
    {
        Write("dir/10-view.cedar", """
            @id("alice-view")
            permit(principal in Group::"staff", action == Action::"view", resource) when { context.mfa };
            """);
        Write("dir/20-country.cedar", """forbid(principal, action, resource) when { context.country == "XX" };""");

        var allowed = await AuthorizeAsync(policies: _temp.Combine("dir"));
        var denied = await AuthorizeAsync(policies: _temp.Combine("dir"), request: Write("xx.json", RequestJson("XX")));

        allowed.ExitCode.ShouldBe(0, allowed.StandardError);
        using var allow = JsonDocument.Parse(allowed.StandardOutput);
        allow.RootElement.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ShouldBe(["alice-view"]);
        using var deny = JsonDocument.Parse(denied.StandardOutput);
        deny.RootElement.GetProperty("decision").GetString().ShouldBe("deny");
        deny.RootElement.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ShouldBe(["20-country.cedar#0"]);
    }

    [Fact]
    public async Task Authorize_names_a_policy_of_a_file_by_its_id_when_it_has_one()
    {
        var result = await AuthorizeAsync(policies: Write("named.cedar", """
            @id("alice-view")
            permit(principal in Group::"staff", action == Action::"view", resource) when { context.mfa };
            """));

        using var json = JsonDocument.Parse(result.StandardOutput);
        json.RootElement.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()).ShouldBe(["alice-view"]);
    }

    [Fact]
    public async Task Cedar_commands_have_help()
    {
        var result = await CustosProcess.RunAsync(["cedar", "authorize", "--help"]);

        result.ExitCode.ShouldBe(0);
        foreach (var option in new[] { "--policies", "--entities", "--request", "--schema" })
        {
            result.StandardOutput.ShouldContain(option);
        }
    }
}
