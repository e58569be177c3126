using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary><c>custos cedar check-parse</c> and <c>custos cedar format</c>, run as the built executable.</summary>
public sealed class CedarTextCommandTests : IDisposable
{
    private const string Unformatted = """
        // Staff may view.
        @id("view")
        permit(principal in Group::"staff",action == Action::"view",resource) when {context.mfa};
        """;

    private const string Formatted = """
        // Staff may view.
        @id("view")
        permit (
          principal in Group::"staff",
          action == Action::"view",
          resource
        )
        when { context.mfa };

        """;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string content)
    {
        var path = _temp.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task Check_parse_accepts_files_and_directories_that_parse()
    {
        Write("dir/a.cedar", Unformatted);
        Write("dir/b.cedar", "forbid(principal, action, resource);");
        Write("dir/notes.txt", "not cedar");

        var result = await CustosProcess.RunAsync(["cedar", "check-parse", _temp.Combine("dir"), Write("one.cedar", Formatted)]);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.Trim().ShouldBe("3 files parse (3 policies)");
    }

    [Fact]
    public async Task Check_parse_names_file_line_and_column_of_each_error_and_exits_1()
    {
        var bad = Write("dir/bad.cedar", "permit(principal, action, resource)\nwhen { context.a == };");
        var worse = Write("dir/worse.cedar", "permit(principal action, resource);");
        Write("dir/good.cedar", Formatted);

        var result = await CustosProcess.RunAsync(["cedar", "check-parse", _temp.Combine("dir")]);

        result.ExitCode.ShouldBe(1, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, result.StandardOutput);
        lines[0].ShouldStartWith($"{bad}:2:21: expected an expression");
        lines[1].ShouldStartWith($"{worse}:1:18: expected `,`");
    }

    [Fact]
    public async Task Check_parse_without_a_path_is_a_usage_error_and_a_missing_path_a_failure()
    {
        var none = await CustosProcess.RunAsync(["cedar", "check-parse"]);
        var missing = await CustosProcess.RunAsync(["cedar", "check-parse", _temp.Combine("nowhere.cedar")]);

        none.ExitCode.ShouldBe(2);
        missing.ExitCode.ShouldBe(1);
        missing.ErrorLines.ShouldHaveSingleItem().ShouldContain("nowhere.cedar");
    }

    [Fact]
    public async Task Format_check_names_each_file_that_would_change_and_changes_nothing()
    {
        var messy = Write("dir/messy.cedar", Unformatted);
        var tidy = Write("dir/tidy.cedar", Formatted);

        var result = await CustosProcess.RunAsync(["cedar", "format", "--check", _temp.Combine("dir")]);

        result.ExitCode.ShouldBe(1, result.StandardError);
        result.StandardOutput.Trim().ShouldBe($"{messy}: would be reformatted");
        File.ReadAllText(messy).ShouldBe(Unformatted.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.ReadAllText(tidy).ShouldBe(Formatted.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Format_check_of_formatted_files_exits_0()
    {
        var result = await CustosProcess.RunAsync(["cedar", "format", "--check", Write("tidy.cedar", Formatted)]);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task Format_rewrites_the_files_in_place_keeping_comments_and_annotations()
    {
        var messy = Write("messy.cedar", Unformatted);

        var result = await CustosProcess.RunAsync(["cedar", "format", messy]);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.Trim().ShouldBe($"{messy}: reformatted");
        File.ReadAllText(messy).ShouldBe(Formatted.Replace("\r\n", "\n", StringComparison.Ordinal));
        Directory.GetFiles(_temp.Path).ShouldBe([messy]);
    }

    [Fact]
    public async Task Format_writes_nothing_when_any_file_does_not_parse()
    {
        var messy = Write("dir/a.cedar", Unformatted);
        var bad = Write("dir/b.cedar", "permit(principal, action, resource) when { };");

        var result = await CustosProcess.RunAsync(["cedar", "format", _temp.Combine("dir")]);

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.Trim().ShouldBe($"{bad}:1:44: expected an expression, found `}}`");
        File.ReadAllText(messy).ShouldBe(Unformatted.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
