using Custos.Server.Configuration;
using Custos.Testing;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>
/// Configuration is strict: .NET binds a misspelt key to nothing and a number to a string
/// setting without a word, so a typo in "Detection" would leave detection on. Each kind of
/// mistake stops <c>custos serve</c> with one line naming the key and where it was set.
/// </summary>
public sealed class ConfigCommandTests
{
    [Theory]
    [InlineData("""{"Detecton":{"Enabled":false}}""", "unknown key 'Detecton' (did you mean 'Detection'?)")]
    [InlineData("""{"Ledger":{"Orign":"x.example/ledger"}}""", "unknown key 'Ledger:Orign' (did you mean 'Ledger:Origin'?)")]
    [InlineData("""{"Ledger":{"Origin":5}}""", "'Ledger:Origin' must be a string (in quotes); got the number 5")]
    [InlineData("""{"Ledger":{"CheckpointInterval":"ten seconds"}}""", "'Ledger:CheckpointInterval' must be a duration")]
    [InlineData("""{"Detection":{"Enabled":"yes"}}""", "'Detection:Enabled' must be true or false")]
    [InlineData("""{"Detection":{"QueueCapacity":"many"}}""", "'Detection:QueueCapacity' must be a whole number")]
    [InlineData("""{"Detection":{"Webhooks":[{"Url":"not a url"}]}}""", "'Detection:Webhooks:0:Url' must be an absolute URL")]
    [InlineData("""{"Ledger":5}""", "'Ledger' is a section, not a single value")]
    [InlineData("""{"Urls":{"Http":"http://127.0.0.1:1"}}""", "'Urls' is a single value, not a section holding 'Http'")]
    public async Task Serve_refuses_a_configuration_file_with_a_mistake_naming_the_key_and_the_file(string json, string problem)
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("custos.json");
        await File.WriteAllTextAsync(file, json, TestContext.Current.CancellationToken);

        var serve = await CustosProcess.RunAsync(["serve", "--config", file, "--data", temp.Combine("data"), "--urls", $"http://127.0.0.1:{CustosProcess.FreePort()}"]);

        serve.ExitCode.ShouldBe(2, serve.StandardError);
        var line = serve.ErrorLines.ShouldHaveSingleItem();
        line.ShouldContain(problem);
        line.ShouldContain(file);
        Directory.Exists(temp.Combine("data")).ShouldBeFalse("nothing is created before the configuration holds");
    }

    [Theory]
    [InlineData("CUSTOS_Orign", "x", "unknown key 'Orign' (environment variable CUSTOS_Orign)")]
    [InlineData("CUSTOS_Ledger__CheckpointInterval", "abc", "'Ledger:CheckpointInterval' must be a duration")]
    public async Task A_mistaken_environment_variable_is_named(string variable, string value, string problem)
    {
        var check = await CustosProcess.RunAsync(["config", "check"], environment: new Dictionary<string, string> { [variable] = value });

        check.ExitCode.ShouldBe(2, check.StandardError);
        check.ErrorLines.ShouldHaveSingleItem().ShouldContain(problem);
        check.StandardError.ShouldContain(variable);
    }

    [Fact]
    public async Task Config_check_lists_every_problem_and_prints_the_effective_settings_with_secrets_redacted()
    {
        using var temp = new TempDirectory();
        var bad = temp.Combine("bad.json");
        await File.WriteAllTextAsync(bad, """{"Detecton":{},"Ledger":{"Origin":5}}""", TestContext.Current.CancellationToken);
        var both = await CustosProcess.RunAsync(["config", "check", "--config", bad]);
        both.ExitCode.ShouldBe(2);
        both.ErrorLines.Length.ShouldBe(2);

        var good = temp.Combine("good.json");
        await File.WriteAllTextAsync(good, """
            {
              "Ledger": { "Origin": "custos.example.com/ledger", "Store": "postgres://custos:hunter2@db.example.com/ledger" },
              "Detection": { "Webhooks": [ { "Url": "https://siem.example.com/in", "Secret": "s3cret-value" } ] }
            }
            """, TestContext.Current.CancellationToken);
        var check = await CustosProcess.RunAsync(["config", "check", "--config", good], environment: new Dictionary<string, string> { ["CUSTOS_Scim__Provisioners"] = "service:okta" });

        check.ExitCode.ShouldBe(0, check.StandardError);
        var lines = check.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain("Ledger:Origin = custos.example.com/ledger");
        lines.ShouldContain("Scim:Provisioners = service:okta");
        lines.ShouldContain("Ledger:CheckpointInterval = 00:00:10", "a setting left alone shows its default");
        lines.ShouldContain("Ledger:Store = postgres://custos:(redacted)@db.example.com/ledger");
        lines.ShouldContain("Detection:Webhooks:0:Secret = (redacted)");
        check.StandardOutput.ShouldNotContain("hunter2");
        check.StandardOutput.ShouldNotContain("s3cret-value");
    }

    [Fact]
    public void The_configuration_reference_in_docs_is_the_one_the_options_classes_generate()
    {
        var documented = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

        documented.ShouldBe(ConfigurationReference.Markdown(),
            "regenerate it: dotnet run --project src/Custos -- config reference > docs/configuration.md");
    }

    [Fact]
    public void Every_setting_is_documented_where_it_is_declared()
    {
        var undocumented = ConfigurationReference.Entries().Where(e => e.Description.Length == 0).Select(e => e.Key).ToList();

        undocumented.ShouldBeEmpty("each options property needs a /// <summary> saying what it does");
    }
}
