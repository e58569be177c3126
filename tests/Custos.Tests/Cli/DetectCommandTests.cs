using System.Text.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary><c>custos detect generate | run | score</c> as an operator runs them.</summary>
public sealed class DetectCommandTests
{
    [Fact]
    public async Task Generate_run_and_score_a_small_world_end_to_end()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("world");

        var generate = await CustosProcess.RunAsync(["detect", "generate", "--seed", "7", "--days", "30", "--staff", "80", "--out", dir]);
        generate.ExitCode.ShouldBe(0, generate.StandardError);
        generate.StandardOutput.ShouldContain("campaigns");
        File.Exists(Path.Combine(dir, "world.json")).ShouldBeTrue();
        File.Exists(Path.Combine(dir, "events.jsonl")).ShouldBeTrue();
        using (var labels = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "labels.json"), TestContext.Current.CancellationToken)))
        {
            // The labels hold exactly the campaigns the command announced, and there are some.
            var campaigns = labels.RootElement.GetProperty("campaigns").GetArrayLength();
            campaigns.ShouldBeGreaterThan(0);
            generate.StandardOutput.ShouldContain($" {campaigns} campaigns");
            labels.RootElement.GetProperty("campaigns")[0].GetProperty("events").GetArrayLength().ShouldBeGreaterThan(0);
        }

        var alerts = Path.Combine(dir, "alerts.jsonl");
        var run = await CustosProcess.RunAsync(["detect", "run", "--world", Path.Combine(dir, "world.json"), "--events", Path.Combine(dir, "events.jsonl"), "--out", alerts]);
        run.ExitCode.ShouldBe(0, run.StandardError);
        run.StandardError.ShouldBeEmpty();
        run.StandardOutput.ShouldContain("events/s");
        run.StandardOutput.ShouldContain("protected-subject");
        var lines = await File.ReadAllLinesAsync(alerts, TestContext.Current.CancellationToken);
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            using var alert = JsonDocument.Parse(line);
            foreach (var field in new[] { "id", "detector", "severity", "raised_at", "readers", "subjects", "evidence", "reason" })
            {
                alert.RootElement.TryGetProperty(field, out _).ShouldBeTrue($"{field} missing in {line}");
            }
        }

        var score = await CustosProcess.RunAsync(["detect", "score", "--labels", Path.Combine(dir, "labels.json"), "--alerts", alerts]);
        score.ExitCode.ShouldBe(0, score.StandardError);
        score.StandardOutput.ShouldContain("overall");
        score.StandardOutput.ShouldContain("precision");
        score.StandardOutput.ShouldContain("alerts per 100 staff per day");
        score.StandardOutput.ShouldContain("subjects read up to the first alert");
    }

    [Fact]
    public async Task Run_takes_thresholds_from_an_options_file()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("world");
        (await CustosProcess.RunAsync(["detect", "generate", "--seed", "8", "--days", "30", "--staff", "80", "--out", dir])).ExitCode.ShouldBe(0);
        var options = temp.Combine("detection.json");
        await File.WriteAllTextAsync(options, """{"correlation": {"raise_at": "critical", "corroborating_detectors": 99}}""", TestContext.Current.CancellationToken);
        var alerts = temp.Combine("alerts.jsonl");

        var quiet = await CustosProcess.RunAsync(["detect", "run", "--world", Path.Combine(dir, "world.json"), "--events", Path.Combine(dir, "events.jsonl"), "--out", alerts, "--options", options]);

        quiet.ExitCode.ShouldBe(0, quiet.StandardError);
        quiet.StandardOutput.ShouldContain(" 0 alerts");
        (await File.ReadAllTextAsync(alerts, TestContext.Current.CancellationToken)).ShouldBeEmpty();

        await File.WriteAllTextAsync(options, """{"corelation": {}}""", TestContext.Current.CancellationToken);
        var typo = await CustosProcess.RunAsync(["detect", "run", "--world", Path.Combine(dir, "world.json"), "--events", Path.Combine(dir, "events.jsonl"), "--out", alerts, "--options", options]);
        typo.ExitCode.ShouldBe(1);
        typo.ErrorLines.ShouldHaveSingleItem().ShouldContain("corelation");
    }

    [Fact]
    public async Task A_bad_event_line_is_one_error_naming_file_line_and_field_and_no_alerts_file()
    {
        using var temp = new TempDirectory();
        var world = temp.Combine("world.json");
        await File.WriteAllTextAsync(world, """
            {"categories": [], "purposes": [], "departments": [{"id": "dept:a"}],
             "staff": [{"id": "staff:a", "department": "dept:a", "jurisdiction": "US"}],
             "subjects": []}
            """, TestContext.Current.CancellationToken);
        var events = temp.Combine("events.jsonl");
        await File.WriteAllLinesAsync(events, [
            """{"id": "evt-1", "time": "2026-06-03T14:05:00Z", "reader": "staff:a", "reader_jurisdiction": "US", "subject": "user:1", "categories": [], "purpose": "p", "case": null, "outcome": "allow"}""",
            """{"id": "evt-2", "time": "2026-06-03T14:06:00Z", "reader_jurisdiction": "US", "subject": "user:1", "categories": [], "purpose": "p", "case": null, "outcome": "allow"}""",
        ], TestContext.Current.CancellationToken);
        var alerts = temp.Combine("alerts.jsonl");

        var result = await CustosProcess.RunAsync(["detect", "run", "--world", world, "--events", events, "--out", alerts]);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith("custos: ");
        result.ErrorLines[0].ShouldContain($"{events}:2");
        result.ErrorLines[0].ShouldContain("reader");
        File.Exists(alerts).ShouldBeFalse();
        File.Exists(alerts + ".partial").ShouldBeFalse();
    }

    [Fact]
    public async Task A_bad_world_or_labels_file_is_one_error_naming_the_file()
    {
        using var temp = new TempDirectory();
        var world = temp.Combine("world.json");
        await File.WriteAllTextAsync(world, """{"categories": [], "purposes": []}""", TestContext.Current.CancellationToken);
        var labels = temp.Combine("labels.json");
        await File.WriteAllTextAsync(labels, "{\n  \"seed\": 1,\n  \"days\": \"ninety\"\n}", TestContext.Current.CancellationToken);
        var empty = temp.Combine("empty.jsonl");
        await File.WriteAllTextAsync(empty, "", TestContext.Current.CancellationToken);

        var run = await CustosProcess.RunAsync(["detect", "run", "--world", world, "--events", empty, "--out", temp.Combine("a.jsonl")]);
        var score = await CustosProcess.RunAsync(["detect", "score", "--labels", labels, "--alerts", empty]);

        run.ExitCode.ShouldBe(1);
        run.ErrorLines.ShouldHaveSingleItem().ShouldContain(world);
        run.ErrorLines[0].ShouldContain("departments");
        score.ExitCode.ShouldBe(1);
        score.ErrorLines.ShouldHaveSingleItem().ShouldContain($"{labels}:3");
        score.ErrorLines[0].ShouldContain("days");
    }

    [Theory]
    [InlineData(new[] { "detect", "run", "--events", "e.jsonl", "--out", "a.jsonl" }, "--world")]
    [InlineData(new[] { "detect", "run", "--world", "/no/such/world.json", "--events", "/no/such/e.jsonl", "--out", "a.jsonl" }, "/no/such/world.json")]
    [InlineData(new[] { "detect", "generate", "--seed", "x", "--out", "d" }, "'x'")]
    [InlineData(new[] { "detect", "generate", "--seed", "1", "--staff", "5", "--out", "d" }, "--staff")]
    [InlineData(new[] { "detect", "score", "--labels", "/no/such/labels.json", "--alerts", "/no/such/a.jsonl" }, "/no/such/labels.json")]
    [InlineData(new[] { "detect", "frobnicate" }, "'frobnicate'")]
    public async Task A_usage_error_prints_one_line_and_exits_2(string[] args, string named)
    {
        var result = await CustosProcess.RunAsync(args);

        result.ExitCode.ShouldBe(2);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(named);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task Detect_has_help_for_each_subcommand()
    {
        var result = await CustosProcess.RunAsync(["detect", "--help"]);

        result.ExitCode.ShouldBe(0);
        foreach (var command in new[] { "run", "generate", "score" })
        {
            result.StandardOutput.ShouldContain(command);
        }
    }
}
