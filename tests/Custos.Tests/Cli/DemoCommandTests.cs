using Custos.Tests.Support;

namespace Custos.Tests.Cli;

public sealed class DemoCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_incident_replay_shows_every_read_of_the_journalists_denied_and_verifies_the_ledger()
    {
        var port = CustosProcess.FreePort();
        var data = _temp.Combine("data");
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data]);

        var demo = await CustosProcess.RunAsync(["demo", "incident", "--server", server.BaseAddress.ToString(), "--data", data]);

        demo.ExitCode.ShouldBe(0, demo.StandardError);
        var rows = demo.StandardOutput.Split('\n').Where(line => line.Contains("internal-audit", StringComparison.Ordinal)).ToList();
        rows.Count.ShouldBe(10, demo.StandardOutput);
        demo.StandardOutput.ShouldContain("the case does not name the subject");
        demo.StandardOutput.ShouldContain("the reader is outside the subject's residency zone");
        demo.StandardOutput.ShouldContain("masked (ip-prefix)");
        // Oversight sees the auditors' alert, routed to the oversight office and never to the audit department.
        demo.StandardOutput.ShouldContain("Alerts for staff:olu");
        demo.StandardOutput.ShouldContain("dept:oversight");
        demo.StandardOutput.ShouldNotContain("dept:iarc");
        // 11 decisions and 2 activations, then the alerts' own entries.
        var checkpoint = System.Text.RegularExpressions.Regex.Match(demo.StandardOutput, @"ok: checkpoint of (\d+) entries");
        checkpoint.Success.ShouldBeTrue(demo.StandardOutput);
        var size = int.Parse(checkpoint.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        size.ShouldBeGreaterThan(13);
        // As an auditor (service:auditor): every body checked, since nobody reads them anonymously.
        string.Join(' ', demo.StandardOutput.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            .ShouldContain($"all {size} entry bodies match their leaf hashes");
    }

    [Fact]
    public async Task Without_a_server_it_says_so_in_one_line()
    {
        var port = CustosProcess.FreePort();

        var demo = await CustosProcess.RunAsync(["demo", "incident", "--server", $"http://127.0.0.1:{port}", "--data", _temp.Combine("data")]);

        demo.ExitCode.ShouldBe(1);
        demo.ErrorLines.ShouldHaveSingleItem().ShouldContain("custos serve");
    }
}
