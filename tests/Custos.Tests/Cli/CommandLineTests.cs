using System.Diagnostics;
using System.Text.RegularExpressions;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary>The executable's contract: exit 0 on success, 2 on a usage error, 1 on a runtime
/// failure, each error as one line on stderr, stack traces only with --verbose.</summary>
public sealed partial class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "'frobnicate'")]
    [InlineData(new[] { "serve", "--bogus" }, "'--bogus'")]
    [InlineData(new[] { "serve", "--urls", "ftp://example.org" }, "'ftp://example.org'")]
    [InlineData(new[] { "serve", "--urls" }, "--urls")]
    [InlineData(new[] { "serve", "--config", "/no/such/custos.json" }, "/no/such/custos.json")]
    [InlineData(new[] { "serve", "--world", "/no/such/world.json" }, "/no/such/world.json")]
    [InlineData(new[] { "version", "extra" }, "'extra'")]
    [InlineData(new string[0], "command")]
    public async Task A_usage_error_prints_one_line_naming_the_problem_and_exits_2(string[] args, string named)
    {
        var result = await CustosProcess.RunAsync(args);

        result.ExitCode.ShouldBe(2);
        result.ErrorLines.Length.ShouldBe(1, result.StandardError);
        result.ErrorLines[0].ShouldStartWith("custos: ");
        result.ErrorLines[0].ShouldContain(named);
        result.ErrorLines[0].ShouldContain("--help");
        result.StandardOutput.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(new[] { "--help" }, new[] { "serve", "ledger", "version", "--verbose" })]
    [InlineData(new[] { "ledger", "--help" }, new[] { "init", "append", "checkpoint", "prove", "entry", "verify" })]
    [InlineData(new[] { "access", "--help" }, new[] { "request", "pending", "approve", "deny", "revoke", "grants", "--token", "--as", "--json" })]
    [InlineData(new[] { "access", "request", "--help" }, new[] { "--subject", "--category", "--purpose", "--case", "--justification", "--duration", "--server" })]
    [InlineData(new[] { "ledger", "verify", "--help" }, new[] { "--store", "--server", "--key", "--state", "--token" })]
    [InlineData(new[] { "serve", "--help" }, new[] { "--urls", "--data", "--config" })]
    [InlineData(new[] { "version", "--help" }, new[] { "version" })]
    public async Task Every_command_has_help(string[] args, string[] mentions)
    {
        var result = await CustosProcess.RunAsync(args);

        result.ExitCode.ShouldBe(0);
        result.StandardError.ShouldBeEmpty();
        foreach (var mention in mentions)
        {
            result.StandardOutput.ShouldContain(mention);
        }
    }

    [Fact]
    public async Task Version_prints_the_version_and_the_commit_it_was_built_from()
    {
        var result = await CustosProcess.RunAsync(["version"]);

        result.ExitCode.ShouldBe(0);
        var match = VersionLine().Match(result.StandardOutput.TrimEnd());
        match.Success.ShouldBeTrue(result.StandardOutput);

        if (await GitHeadAsync() is { } head)
        {
            match.Groups["commit"].Value.ShouldBe(head);
        }
    }

    [Fact]
    public async Task A_runtime_failure_prints_one_line_without_a_stack_trace_and_exits_1()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        using var temp = new TempDirectory();

        var result = await CustosProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")]);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.Length.ShouldBe(1, result.StandardError);
        result.ErrorLines[0].ShouldStartWith("custos: ");
        result.ErrorLines[0].ShouldContain($"127.0.0.1:{port}");
        (result.StandardOutput + result.StandardError).ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_to_a_runtime_failure()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        using var temp = new TempDirectory();

        var result = await CustosProcess.RunAsync(["serve", "--verbose", "--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")]);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines[0].ShouldStartWith("custos: ");
        result.StandardError.ShouldContain("   at ");
    }

    [GeneratedRegex(@"^custos (?<version>\d+\.\d+\.\d+\S*) \(commit (?<commit>[0-9a-f]{40}|unknown)\)$")]
    private static partial Regex VersionLine();

    /// <summary>The commit of the checkout the tests were built from, if they were built from one.</summary>
    private static async Task<string?> GitHeadAsync()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var head = (await git.StandardOutput.ReadToEndAsync()).Trim();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 ? head : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
